// Small progressive enhancements; every page works without this file.
document.addEventListener("change", (event) => {
  const target = event.target;
  // Choosing a patient in the log form sets the item's language to the patient's preference.
  if (target.matches('input[name="patient"][data-language]')) {
    const language = document.querySelector('select[name="language"]');
    if (language && [...language.options].some((o) => o.value === target.dataset.language)) {
      language.value = target.dataset.language;
    }
  }
  // A patient of another practice: the form reloads for that practice (its categories, its
  // clock), keeping what was typed.
  const practice = document.querySelector('#log-form [name="practice"]');
  if (target.matches('input[name="patient"][data-practice]') && practice &&
      practice.value !== target.dataset.practice) {
    const form = document.getElementById("log-form");
    const params = new URLSearchParams({ practice: target.dataset.practice, patient: target.value });
    for (const name of ["summary", "details", "channel", "language"]) {
      const field = form.querySelector(`[name="${name}"]`);
      if (field && field.value) params.set(name, field.value);
    }
    window.location.assign(`${form.getAttribute("action") || window.location.pathname}?${params}`);
  }
});

document.addEventListener("keydown", (event) => {
  // In "This contact is about", keys 1-9 choose the patient's request with that number.
  if (/^[1-9]$/.test(event.key) && event.target.closest && event.target.closest("#patient-items")) {
    const choice = document.querySelector(`#patient-items input[data-key="${event.key}"]`);
    if (choice) {
      event.preventDefault();
      choice.checked = true;
      choice.focus();
    }
  }
  // Enter in the patient lookup searches (htmx already did) instead of saving the form.
  if (event.key === "Enter" && event.target.id === "lookup") {
    event.preventDefault();
    const first = document.querySelector('#lookup-results input[name="patient"]');
    if (first) {
      first.checked = true;
      first.dispatchEvent(new Event("change", { bubbles: true }));
      first.focus();
    }
  }
});

// Idle logoff warning: the server ends the session after data-idle-seconds without activity
// (background refreshes do not count). Two minutes before, say so and offer to stay.
(() => {
  const seconds = Number(document.body.dataset.idleSeconds || 0);
  const banner = document.getElementById("idle-warning");
  if (!seconds || !banner) return;
  const warnAfter = Math.max(seconds - 120, seconds / 2) * 1000;
  let warnTimer;
  let endTimer;
  const arm = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    banner.hidden = true;
    warnTimer = setTimeout(() => { banner.hidden = false; }, warnAfter);
    endTimer = setTimeout(() => { window.location.assign("/login/?idle=1"); }, seconds * 1000 + 2000);
  };
  document.getElementById("idle-stay").addEventListener("click", () => {
    // Any page request counts as activity; the account page is small.
    fetch("/account/", { credentials: "same-origin" }).then(arm);
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const headers = event.detail.requestConfig && event.detail.requestConfig.headers;
    if (!headers || !headers["X-Closeloop-Background"]) arm();
  });
  arm();
})();

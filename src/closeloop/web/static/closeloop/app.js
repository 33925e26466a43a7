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
// (background refreshes do not count). At least two minutes before, say so and offer to stay:
// the server records activity at most once a minute (ACTIVITY_RESOLUTION), so its clock may
// have started up to a minute before this page's, and the warning comes a minute earlier.
(() => {
  const seconds = Number(document.body.dataset.idleSeconds || 0);
  const banner = document.getElementById("idle-warning");
  if (!seconds || !banner) return;
  const warnAfter = Math.max(seconds - 180, seconds / 2) * 1000;
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

// Keyboard shortcuts (the list: "?"). Never while typing in a field.
(() => {
  const typing = (el) =>
    el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  const rows = () => [...document.querySelectorAll("table.queue tbody tr")].filter((r) => r.querySelector("a"));
  let pendingG = false;

  function select(row) {
    rows().forEach((r) => r.classList.remove("selected"));
    if (!row) return;
    row.classList.add("selected");
    row.querySelector("a").focus();
    row.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    const dialog = document.getElementById("shortcuts");
    const key = event.key;
    if (pendingG) {
      pendingG = false;
      if (key === "q" || key === "Q") { window.location.assign("/"); event.preventDefault(); return; }
      if (key === "a" || key === "A") { window.location.assign("/alerts/"); event.preventDefault(); return; }
    }
    if (key === "?" && dialog) {
      event.preventDefault();
      if (dialog.open) dialog.close(); else dialog.showModal();
      return;
    }
    if (dialog && dialog.open) return;
    if (key === "g" || key === "G") { pendingG = true; return; }
    if (key === "l" || key === "L") {
      const log = document.querySelector('a[aria-keyshortcuts="l"]');
      if (log) { event.preventDefault(); window.location.assign(log.href); }
      return;
    }
    if (key === "/") {
      // The first search box the person can see: a hidden field (the queue's tab) takes no
      // focus, so the key would seem to do nothing.
      const search = [...document.querySelectorAll(
        '#lookup, input[type="search"], .filters select, .filters input:not([type="hidden"])'
      )].find((field) => !field.disabled && field.checkVisibility());
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    if (key === "j" || key === "k" || key === "J" || key === "K") {
      const list = rows();
      if (!list.length) return;
      event.preventDefault();
      const current = list.findIndex((r) => r.classList.contains("selected") || r.contains(document.activeElement));
      const step = key.toLowerCase() === "j" ? 1 : -1;
      const next = current < 0 ? 0 : Math.min(list.length - 1, Math.max(0, current + step));
      select(list[next]);
    }
  });
})();

// Leaving an item page says so as the page goes, so colleagues stop seeing "Also open now"
// within a poll instead of when the server's wait for a silent page runs out.
window.addEventListener("pagehide", () => {
  const presence = document.querySelector("#presence[data-leave]");
  if (!presence) return;
  let headers = {};
  try {
    headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  } catch (error) {
    return;
  }
  headers["X-Closeloop-Background"] = "1";
  fetch(presence.dataset.leave, {
    method: "POST", keepalive: true, credentials: "same-origin", headers,
  }).catch(() => {});
});

// The log form's "Who is it?": only the chosen kind of caller's fields are there. The others
// are hidden and disabled (not merely styled away), so Tab walks the visible fields only and
// they are not sent. Without this file the stylesheet shows the chosen fields alone.
const showCallerMode = () => {
  const chosen = document.querySelector('#log-form input[name="caller"]:checked');
  if (!chosen) return;
  for (const mode of document.querySelectorAll("#log-form .caller .mode")) {
    const off = !mode.classList.contains(`mode-${chosen.value}`);
    mode.hidden = off;
    for (const field of mode.querySelectorAll("input, select, textarea, button")) {
      if (off && !field.disabled) {
        field.disabled = true;
        field.dataset.modeDisabled = "1";
      } else if (!off && field.dataset.modeDisabled) {
        field.disabled = false;
        delete field.dataset.modeDisabled;
      }
    }
  }
};
document.addEventListener("change", (event) => {
  if (event.target.matches('#log-form input[name="caller"]')) showCallerMode();
});
document.addEventListener("DOMContentLoaded", showCallerMode);
document.addEventListener("htmx:afterSettle", showCallerMode);

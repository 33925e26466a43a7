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
});

document.addEventListener("keydown", (event) => {
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

// Inline formsets: a button[data-formset-add="prefix"] appends a copy of <template
// id="prefix-empty">, numbered with the next form index, and updates the TOTAL_FORMS counter.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById(`${prefix}-empty`);
  const target = document.getElementById(`${prefix}-forms`);
  const index = parseInt(total.value, 10);
  target.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, index));
  total.value = index + 1;
  target.lastElementChild.querySelector("input, select")?.focus();
});

// Behaviour configured by data attributes, so that templates hold no inline script and a strict
// Content-Security-Policy (script-src 'self') needs no 'unsafe-inline'.

// <select data-autosubmit>: choosing an option submits its form (the language switcher).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.requestSubmit();
});

// <body data-print-on-load>: open the print dialog once the page has loaded (print views).
window.addEventListener("load", () => {
  if (document.body.hasAttribute("data-print-on-load")) window.print();
});

// Searchable pickers (core/pickers.py): the search box above a select is hidden in the HTML, so
// that without JavaScript the page offers the plain select; with it, the box appears and htmx
// refills the select's options as the person types.
document.addEventListener("DOMContentLoaded", () => {
  for (const search of document.querySelectorAll("input[data-picker-search]")) {
    search.hidden = false;
  }
});

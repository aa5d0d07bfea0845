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

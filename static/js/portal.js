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

// [data-show-for-kind="potensi"]: a part of the report form that only applies to one kind of
// report (the risk assessment of a potential conflict) hides while another kind is chosen. The
// server still validates; without script everything stays visible.
function syncKindSections(form) {
  const chosen = form.querySelector("input[name=kind]:checked");
  form.querySelectorAll("[data-show-for-kind]").forEach((section) => {
    section.hidden = Boolean(chosen) && section.dataset.showForKind !== chosen.value;
    // A hidden answer is not sent (a risk assessed, then the kind switched to an event).
    section.querySelectorAll("select, input").forEach((field) => {
      field.disabled = section.hidden;
    });
  });
}
document.querySelectorAll("form").forEach((form) => {
  if (form.querySelector("[data-show-for-kind]")) syncKindSections(form);
});
document.addEventListener("change", (event) => {
  if (event.target.name === "kind" && event.target.form) syncKindSections(event.target.form);
});

// [data-file-picker]: the "Pilih berkas / Ambil foto" control lists the chosen files' names.
function listChosenFiles(picker) {
  const output = picker.querySelector("[data-file-names]");
  output.replaceChildren();
  let count = 0;
  picker.querySelectorAll("input[type=file]").forEach((input) => {
    Array.from(input.files).forEach((file) => {
      if (count) output.append(", ");
      count += 1;
      output.append(file.name);
      if (!input.hidden) return;
      // A photo taken with "Ambil foto" (below) can be dropped again: a blurred one, or one
      // too many for the form or the connection.
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "btn btn-link btn-sm py-0 px-1 align-baseline";
      drop.textContent = "✕";
      drop.setAttribute("aria-label", `${output.dataset.remove} ${file.name}`);
      drop.addEventListener("click", () => {
        input.remove();
        listChosenFiles(picker);
        // The keyboard goes on to the next photo's "✕", or back to "Ambil foto".
        const next = output.querySelector("button") || picker.querySelector("input[capture]");
        next?.focus();
      });
      output.append(drop);
    });
  });
  if (!count) output.textContent = output.dataset.empty;
}

document.addEventListener("change", (event) => {
  const picker = event.target.closest("[data-file-picker]");
  if (!picker || event.target.type !== "file") return;
  // "Ambil foto" takes one photo per tap, and a second tap would replace the first in the same
  // input: the taken photo stays in its input, hidden, and a fresh one takes the next.
  const camera = event.target;
  if (camera.hasAttribute("capture") && camera.files.length && camera.id) {
    const fresh = camera.cloneNode(false);
    fresh.value = "";
    camera.removeAttribute("id");
    camera.hidden = true;
    camera.after(fresh);
    fresh.focus(); // the keyboard stays on "Ambil foto", not on the hidden input
  }
  listChosenFiles(picker);
});

// Searchable pickers (core/pickers.py): the search box above a select is hidden in the HTML, so
// that without JavaScript the page offers the plain select; with it, the box appears and htmx
// refills the select's options as the person types.
document.addEventListener("DOMContentLoaded", () => {
  for (const search of document.querySelectorAll("input[data-picker-search]")) {
    search.hidden = false;
  }
});

// Drafts (report-draft.js) belong to the account that typed them, under keys ending in
// "-<account id>". Signing out ("Keluar") forgets them all, so a shared phone keeps no report
// text after its user signs out; a page of another account forgets the previous account's (its
// typing survived an idle logout for that account, not for the next person to sign in).
function forgetDrafts(owner) {
  try {
    Object.keys(localStorage)
      .filter((key) => key.startsWith("portal-draft:"))
      .filter((key) => !owner || !key.endsWith(`-${owner}`))
      .forEach((key) => localStorage.removeItem(key));
  } catch {
    // Storage disabled: nothing was kept.
  }
}
document.addEventListener("submit", (event) => {
  if (event.target.matches("form[data-sign-out]")) forgetDrafts(null);
});
if (document.body.dataset.draftOwner) forgetDrafts(document.body.dataset.draftOwner);

// The administration (Django's admin): accessibility fixes on top of its own scripts.
(function () {
  "use strict";

  // Django's autocomplete fields (select2) replace the <select> with a combobox that has no
  // accessible name: name it, and its text box, after the field's label.
  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var container = select.nextElementSibling;
      if (!label || !container || !container.classList.contains("select2")) {
        return;
      }
      label.id = label.id || select.id + "-label";
      var combobox = container.querySelector(".select2-selection[role=combobox]");
      var rendered = container.querySelector(".select2-selection__rendered");
      if (combobox) {
        var ids = [label.id];
        if (rendered && rendered.id) {
          ids.push(rendered.id);
        }
        combobox.setAttribute("aria-labelledby", ids.join(" "));
      }
      if (rendered) {
        rendered.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  // Django writes the changelist search box's magnifier text in English ("Search"); the
  // search button next to it carries the translated word.
  function nameSearchIcon() {
    var icon = document.querySelector("#changelist-search label[for=searchbar] img");
    var button = document.querySelector("#changelist-search input[type=submit]");
    if (icon && button) {
      icon.alt = button.value;
    }
  }

  // Django starts the autocompletes on jQuery's ready, which runs on a timer after the document
  // is parsed: queue behind them.
  function whenReady(callback) {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(callback);
    } else {
      document.addEventListener("DOMContentLoaded", callback);
    }
  }

  whenReady(function () {
    nameAutocompletes(document);
    nameSearchIcon();
  });
  // A row added to an inline formset gets its autocompletes after this event's jQuery handlers.
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      nameAutocompletes(event.target);
    }, 0);
  });
})();

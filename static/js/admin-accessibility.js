// Names for the admin controls that Django's tabular inlines and Select2's autocomplete
// leave without one, so that a screen reader announces what each is for.
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/[:*]\s*$/, "").trim() : "";
  }

  // A control in a tabular inline is named by the header of its column.
  function columnHeader(control) {
    var cell = control.closest("td");
    var table = cell && cell.closest("table");
    if (!table) {
      return "";
    }
    var index = Array.prototype.indexOf.call(cell.parentNode.children, cell);
    return text(table.querySelectorAll("thead th")[index]);
  }

  function nameOf(select) {
    return text(document.querySelector('label[for="' + select.id + '"]')) || columnHeader(select);
  }

  function name() {
    document.querySelectorAll(".tabular td input, .tabular td select").forEach(function (control) {
      if (control.type !== "hidden" && !control.labels.length && !control.hasAttribute("aria-label")) {
        control.setAttribute("aria-label", columnHeader(control));
      }
    });
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var widget = select.nextElementSibling;
      if (!widget || !widget.classList.contains("select2")) {
        return;
      }
      var label = nameOf(select);
      widget
        .querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field')
        .forEach(function (part) {
          if (part.getAttribute("aria-label") !== label) {
            part.setAttribute("aria-label", label);
          }
        });
    });
  }

  // Named as soon as the widgets appear, before anything else can read them: naming sets
  // attributes only, which this observer does not watch.
  new MutationObserver(name).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("load", name);
})();

// Progressive enhancement of the cluster filters: the form works without this file.
(function () {
  "use strict";

  // On a phone the filters start folded so the results come first.
  document.querySelectorAll("details[data-collapse-below]").forEach(function (panel) {
    var width = parseInt(panel.getAttribute("data-collapse-below"), 10);
    if (window.innerWidth < width) {
      panel.open = false;
    }
  });

  // Apply a filter as soon as it changes; typing in the search box still waits for Enter.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    // Empty fields would only clutter the address that visitors share.
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (control) {
        if (control.name && !control.value) {
          control.disabled = true;
        }
      });
    });
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.elements, function (control) {
        control.disabled = false;
      });
    });
    var controls = Array.prototype.slice.call(form.elements).concat(
      Array.prototype.slice.call(document.querySelectorAll('[form="' + form.id + '"]'))
    );
    controls.forEach(function (control) {
      if (control.tagName === "SELECT" || control.type === "checkbox") {
        control.addEventListener("change", function () {
          form.requestSubmit();
        });
      }
    });
  });
})();

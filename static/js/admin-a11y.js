/* Accessible names the Django admin's own scripts leave out (loaded by templates/admin/base_site.html).
 * - The two-list selector (permissions of users and groups) puts an aria-label on a plain <span>,
 *   which ARIA does not allow: give the span the role of an image, whose label is then read.
 * - Select2 (autocomplete fields) names its combobox after the chosen option only, so an empty one
 *   has no name: add the field's own label to what names it.
 * Both widgets are built by their scripts on page load, so this runs just after them, and again
 * when an inline row is added. */
"use strict";
(function () {
  function nameWidgets(root) {
    root.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll("select.admin-autocomplete[id]").forEach(function (select) {
      const label = document.querySelector('label[for="' + select.id + '"]');
      const container = select.nextElementSibling;
      const combobox = container && container.querySelector(".select2-selection[role=combobox]");
      if (!label || !combobox) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "_label";
      }
      // The combobox and the text box inside it are each named by the label, then the choice.
      [combobox, combobox.querySelector(".select2-selection__rendered[id]")].forEach(function (element) {
        if (!element) {
          return;
        }
        const named = (element.getAttribute("aria-labelledby") || element.id).split(" ");
        if (named.indexOf(label.id) === -1) {
          element.setAttribute("aria-labelledby", [label.id].concat(named).join(" ").trim());
        }
      });
    });
  }
  window.addEventListener("load", function () {
    window.setTimeout(function () { nameWidgets(document); }, 0);
  });
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () { nameWidgets(event.target); }, 0);
  });
})();

// Shows "N characters left" under text areas that have a limit (data-counter).
// The limit itself is enforced by the server; this only helps people see it coming.
(function () {
  "use strict";
  var lang = document.documentElement.lang;
  var words = {
    kk: "таңба қалды",
    ru: "символов осталось",
    en: "characters left"
  };
  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var limit = parseInt(area.dataset.counter, 10);
    var counter = document.createElement("div");
    counter.className = "form-text character-counter";
    counter.id = area.id + "-counter";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    var describedBy = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + counter.id);
    var update = function () {
      var left = limit - area.value.length;
      counter.textContent = left + " " + (words[lang] || words.en);
      counter.classList.toggle("text-danger", left < 0);
    };
    area.addEventListener("input", update);
    update();
  });
})();

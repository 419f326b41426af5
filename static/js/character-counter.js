// Shows "N characters left" under text areas that have a limit (data-counter).
// The limit itself is enforced by the server, which counts a line break as one character,
// as this does. The counter is read with its field (aria-describedby), not on every key.
(function () {
  "use strict";
  var lang = document.documentElement.lang;
  var words = {
    kk: { other: "таңба қалды" },
    ru: { one: "символ остался", few: "символа осталось", many: "символов осталось", other: "символа осталось" },
    en: { one: "character left", other: "characters left" }
  };
  var forms = words[lang] || words.en;
  var rules = new Intl.PluralRules(lang);
  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    var limit = parseInt(area.dataset.counter, 10);
    var counter = document.createElement("div");
    counter.className = "form-text character-counter";
    counter.id = area.id + "-counter";
    area.insertAdjacentElement("afterend", counter);
    var describedBy = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + counter.id);
    var update = function () {
      var left = limit - area.value.replace(/\r\n/g, "\n").length;
      counter.textContent = left + " " + (forms[rules.select(Math.abs(left))] || forms.other);
      counter.classList.toggle("text-danger", left < 0);
    };
    area.addEventListener("input", update);
    update();
  });
})();

// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // After a failed submit, move focus to the error summary so screen readers announce it
  // and keyboard users start from the list of what to fix.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // The code page says how long to wait before asking for the code again; once that time has
  // passed, say so, rather than leave "in 55 s" standing (the resend button points at this text).
  var wait = document.getElementById("resend-wait");
  if (wait && wait.dataset.waitSeconds && wait.dataset.readyText) {
    window.setTimeout(function () {
      wait.textContent = wait.dataset.readyText;
    }, (parseInt(wait.dataset.waitSeconds, 10) + 1) * 1000);
  }
})();

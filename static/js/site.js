// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // After a failed submit, move focus to the error summary so screen readers announce it
  // and keyboard users start from the list of what to fix.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();

// Privacy-friendly video: nothing is requested from YouTube or Vimeo until the visitor
// presses play; without JavaScript the plain link to the video remains.
(function () {
  "use strict";
  document.querySelectorAll(".video-facade").forEach(function (box) {
    var button = box.querySelector("button");
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = box.dataset.embedUrl + (box.dataset.embedUrl.indexOf("?") < 0 ? "?" : "&") + "autoplay=1";
      frame.title = box.dataset.title;
      // The title is the project's, in its language when that is not the page's (WCAG 3.1.2).
      if (box.dataset.titleLang) { frame.lang = box.dataset.titleLang; }
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.allowFullscreen = true;
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      box.replaceChildren(frame);
      frame.focus();
    });
  });
})();

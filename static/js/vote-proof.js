// The vote form's browser check (voting/proof.py): find n with SHA-256(salt + n) = challenge,
// while the visitor types, and put the answer in the hidden "proof" field. A submit before the
// answer is found waits for it. Without Web Crypto (old browsers, plain HTTP) nothing happens
// and the server accepts the form after a short wait instead, as the page says.
(function () {
  "use strict";
  var box = document.getElementById("vote-proof");
  if (!box || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var form = box.closest("form");
  var input = form && form.querySelector('input[name="proof"]');
  var status = box.querySelector("[data-status]");
  if (!input || !status) return;
  var challenge = JSON.parse(box.dataset.challenge);
  var encoder = new TextEncoder();
  var solved = false;
  var submitWhenSolved = false;

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, "0"); })
      .join("");
  }

  async function solve() {
    for (var n = 0; n <= challenge.maxnumber; n++) {
      var digest = await window.crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n));
      if (hex(digest) === challenge.challenge) return n;
    }
    return null;
  }

  solve().then(function (number) {
    if (number === null) return;
    input.value = btoa(JSON.stringify({
      algorithm: challenge.algorithm, challenge: challenge.challenge, number: number,
      salt: challenge.salt, signature: challenge.signature,
    }));
    solved = true;
    status.textContent = box.dataset.done;
    if (submitWhenSolved) form.requestSubmit ? form.requestSubmit() : form.submit();
  });

  form.addEventListener("submit", function (event) {
    if (solved) return;
    event.preventDefault();
    submitWhenSolved = true;
    status.textContent = box.dataset.working;
  });
})();

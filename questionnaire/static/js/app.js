// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After an invalid submit, move focus to the error summary so it is read out.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
    // Stop a double click from sending the answers twice (the server also guards).
    var buttons = document.querySelectorAll("[data-prevent-double-submit]");
    Array.prototype.forEach.call(buttons, function (button) {
      var form = button.form;
      if (!form) { return; }
      form.addEventListener("submit", function () {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();

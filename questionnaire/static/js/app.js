// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  function each(selector, callback) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), callback);
  }

  // Questions revealed by an answer on the same page (contact details after "Yes"):
  // without JavaScript they are always shown; with it, only once the answer is chosen.
  function setUpReveals() {
    each("[data-reveal-name]", function (block) {
      var name = block.getAttribute("data-reveal-name");
      var value = block.getAttribute("data-reveal-value");
      var inputs = document.querySelectorAll('input[name="' + name + '"]');
      function update() {
        var shown = Array.prototype.some.call(inputs, function (input) {
          return input.checked && input.value === value;
        });
        // Never hide a question that is showing an error.
        block.hidden = !shown && !block.querySelector(".form-group-error");
      }
      Array.prototype.forEach.call(inputs, function (input) {
        input.addEventListener("change", update);
      });
      update();
    });
  }

  function setUpCopyButtons() {
    each("[data-copy]", function (button) {
      var id = button.getAttribute("data-copy");
      var source = document.getElementById(id);
      var status = document.querySelector('[data-copy-status="' + id + '"]');
      if (!source || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var value = source.querySelector("[data-link-value]") || source;
        var text = value.textContent.trim();
        navigator.clipboard.writeText(text).then(function () {
          if (status) { status.textContent = button.getAttribute("data-copied-text") || "Link copied."; }
        }, function () {
          if (status) { status.textContent = button.getAttribute("data-failed-text") || "Could not copy. Select the link and copy it."; }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // After an invalid submit, move focus to the error summary so it is read out.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
    // Stop a double click from sending the answers twice (the server also guards).
    each("[data-prevent-double-submit]", function (button) {
      var form = button.form;
      if (!form) { return; }
      form.addEventListener("submit", function () {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
    setUpReveals();
    setUpCopyButtons();
  });
})();

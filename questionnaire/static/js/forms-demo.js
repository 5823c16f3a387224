// The FHIR forms client demo: LHC-Forms draws our Questionnaire; "Send my answers"
// posts the QuestionnaireResponse it builds and shows what the service answered.
(function () {
  "use strict";

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function params(resource, name) {
    return (resource.parameter || []).filter(function (p) { return p.name === name; });
  }

  function value(p) {
    var key = Object.keys(p).filter(function (k) { return k.indexOf("value") === 0; })[0];
    return key ? p[key] : undefined;
  }

  function part(p, name) {
    var found = (p.part || []).filter(function (x) { return x.name === name; })[0];
    return found ? value(found) : undefined;
  }

  function showResult(box, status, body) {
    box.textContent = "";
    if (body.resourceType === "OperationOutcome") {
      box.appendChild(el("h2", status === 422 ? "Some answers need attention" : "That did not work"));
      var list = el("ul", "", { "data-issues": "" });
      (body.issue || []).forEach(function (issue) {
        list.appendChild(el("li", issue.diagnostics || ""));
      });
      box.appendChild(list);
      return;
    }
    var crisis = params(body, "crisisContact");
    if (crisis.length) {
      var panel = el("section", "", { "class": "crisis-panel", "data-crisis": "" });
      panel.appendChild(el("h2", "You deserve support now"));
      var actions = el("ul", "", { "class": "crisis-actions" });
      crisis.forEach(function (c) {
        var item = el("li");
        item.appendChild(el("a", part(c, "detail"), { "class": "crisis-action", href: part(c, "link") || "#" }));
        actions.appendChild(item);
      });
      panel.appendChild(actions);
      box.appendChild(panel);
    }
    box.appendChild(el("h2", value(params(body, "outcomeTitle")[0]), { "data-outcome": value(params(body, "outcome")[0]) }));
    box.appendChild(el("p", value(params(body, "explanation")[0])));
    params(body, "nextStep").forEach(function (p) { box.appendChild(el("p", value(p))); });
    box.appendChild(el("p", "Your reference code: " + value(params(body, "reference")[0]), { "data-reference": "" }));
    var link = el("a", "See your full result", { href: value(params(body, "result")[0]) });
    var line = el("p");
    line.appendChild(link);
    box.appendChild(line);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("lforms-form");
    var send = document.getElementById("lforms-send");
    var box = document.getElementById("lforms-result");
    if (!container || !window.LForms) { return; }
    var questionnaire;
    fetch(container.getAttribute("data-questionnaire"), { headers: { Accept: "application/fhir+json" } })
      .then(function (response) { return response.json(); })
      .then(function (q) {
        questionnaire = q;
        container.textContent = "";
        return window.LForms.Util.addFormToPage(q, container, { fhirVersion: "R4" });
      })
      .then(function () {
        container.removeAttribute("data-loading");
        container.setAttribute("data-ready", "");
        send.hidden = false;
      })
      .catch(function (error) {
        container.textContent = "The form could not be loaded: " + error;
      });
    send.addEventListener("click", function () {
      var response = window.LForms.Util.getFormFHIRData("QuestionnaireResponse", "R4", container);
      response.status = "completed";
      response.questionnaire = questionnaire.url + "|" + questionnaire.version;
      fetch(container.getAttribute("data-submit"), {
        method: "POST",
        headers: { "Content-Type": "application/fhir+json", Accept: "application/fhir+json" },
        body: JSON.stringify(response)
      }).then(function (answer) {
        return answer.json().then(function (body) { showResult(box, answer.status, body); });
      });
    });
  });
})();

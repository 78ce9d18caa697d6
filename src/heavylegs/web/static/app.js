/* heavylegs: small enhancements. Every page works without this file (and without htmx). */
(function () {
  "use strict";

  function focusFirst(root, selectors) {
    for (const selector of selectors) {
      const el = root.querySelector(selector);
      if (el) {
        if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
        el.focus({ preventScroll: false });
        return;
      }
    }
  }

  // After htmx swaps a wizard step or the diary, move focus where a keyboard or screen reader
  // user expects it: to the error summary if there is one, else to the new step's heading.
  // Redrawing the questions while answering (follow-ups appearing) leaves focus alone.
  let source = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    source = event.detail && event.detail.elt;
  });
  document.addEventListener("htmx:afterSettle", function () {
    const from = source;
    source = null;
    if (!from || !from.matches) return;
    if (from.matches("form[hx-target='#wizard']")) {
      const wizard = document.getElementById("wizard");
      if (wizard) focusFirst(wizard, [".error-summary", "#step-title"]);
    } else if (from.matches("form[hx-target='#diary-main']")) {
      const diary = document.getElementById("diary-main");
      if (diary) focusFirst(diary, [".error-summary", ".notice"]);
    }
  });

  // When follow-up questions appear or go (htmx redraws #questions), keep what the person did
  // meanwhile: the redrawn part carries the answers as they were when the request left, so the
  // values on screen at swap time are copied over to the inputs that are still there.
  let carried = null;

  function snapshot(root) {
    const state = { text: {}, checked: {} };
    root.querySelectorAll("input").forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        state.checked[el.name + "=" + el.value] = el.checked;
      } else if (el.type !== "hidden") {
        state.text[el.name] = el.value;
      }
    });
    return state;
  }

  function restore(root, state) {
    root.querySelectorAll("input").forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        const key = el.name + "=" + el.value;
        if (key in state.checked) el.checked = state.checked[key];
      } else if (el.type !== "hidden" && el.name in state.text) {
        el.value = state.text[el.name];
      }
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail && event.detail.target;
    carried = target && target.id === "questions" ? snapshot(target) : null;
  });

  document.addEventListener("htmx:afterSwap", function () {
    const questions = document.getElementById("questions");
    if (carried && questions) restore(questions, carried);
    carried = null;
  });

  // On a full page load with errors, start at the error summary.
  document.addEventListener("DOMContentLoaded", function () {
    const summary = document.querySelector(".error-summary");
    if (summary) focusFirst(document, [".error-summary"]);
  });
})();

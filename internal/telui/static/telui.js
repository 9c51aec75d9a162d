// Telephony pages: conveniences only; every page works without this script.
(function () {
  "use strict";
  // Show only the inputs that apply to the chosen value of a select:
  // <div data-show-when="f-overflow_action" data-show-values="ivr voicemail">.
  function sync(sel) {
    document.querySelectorAll('[data-show-when="' + sel.id + '"]').forEach(function (el) {
      var vals = (el.getAttribute("data-show-values") || "").split(" ");
      el.hidden = vals.indexOf(sel.value) < 0;
    });
  }
  document.querySelectorAll("[data-show-when]").forEach(function (el) {
    var sel = document.getElementById(el.getAttribute("data-show-when"));
    if (sel && !sel.hasAttribute("data-show-bound")) {
      sel.setAttribute("data-show-bound", "");
      sync(sel);
      sel.addEventListener("change", function () { sync(sel); });
    }
  });
  // Jump to a line of the flow editor: <a data-goto-line="12">.
  document.addEventListener("click", function (e) {
    var n = e.target.getAttribute && parseInt(e.target.getAttribute("data-goto-line"), 10);
    var ta = document.getElementById("f-definition");
    if (!n || !ta) {
      return;
    }
    e.preventDefault();
    var lines = ta.value.split("\n"), pos = 0;
    for (var i = 0; i < n - 1 && i < lines.length; i++) {
      pos += lines[i].length + 1;
    }
    ta.focus();
    ta.setSelectionRange(pos, pos + (lines[n - 1] || "").length);
    var lh = parseFloat(getComputedStyle(ta).lineHeight) || 20;
    ta.scrollTop = Math.max(0, (n - 4) * lh);
  });
})();

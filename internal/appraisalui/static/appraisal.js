// Appraisal pages: rows of the scheme form (items, tiers, bonus tiers,
// conditions, commission tiers) are added from <template> elements and
// removed in place; a source shows the field of its kind only. The form
// posts every row; the server ignores blank ones. No inline scripts: the
// Content-Security-Policy forbids them.
(function () {
  "use strict";

  // <button data-add-row="NAME" data-template="ID" data-prefix="P">
  // appends the template to [data-rows=NAME], with __N__ the next index
  // of that container and __P__ the prefix.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-add-row]");
    if (!btn) {
      return;
    }
    e.preventDefault();
    var name = btn.getAttribute("data-add-row");
    var box = null;
    document.querySelectorAll("[data-rows]").forEach(function (el) {
      if (el.getAttribute("data-rows") === name) {
        box = el;
      }
    });
    var tmpl = document.getElementById(btn.getAttribute("data-template"));
    if (!box || !tmpl) {
      return;
    }
    var n = parseInt(box.getAttribute("data-next") || "0", 10);
    box.setAttribute("data-next", String(n + 1));
    var html = tmpl.innerHTML.split("__N__").join(String(n)).split("__P__").join(btn.getAttribute("data-prefix") || "");
    var holder = document.createElement(box.tagName === "TBODY" ? "tbody" : "div");
    holder.innerHTML = html;
    var first = null;
    while (holder.firstChild) {
      var child = holder.firstChild;
      box.appendChild(child);
      if (!first && child.nodeType === 1) {
        first = child;
      }
    }
    if (first) {
      first.querySelectorAll("[data-source]").forEach(showKind);
      var input = first.querySelector("input:not([type=hidden]), select");
      if (input) {
        input.focus();
      }
    }
  });

  // <button data-remove-row> removes its [data-row].
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-remove-row]");
    if (!btn) {
      return;
    }
    e.preventDefault();
    var row = btn.closest("[data-row]");
    if (row) {
      row.parentNode.removeChild(row);
    }
  });

  // A source block shows the select of its kind only.
  function showKind(block) {
    var sel = block.querySelector("[data-source-kind]");
    if (!sel) {
      return;
    }
    block.querySelectorAll("[data-kind]").forEach(function (f) {
      f.hidden = f.getAttribute("data-kind") !== sel.value;
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-source-kind")) {
      showKind(e.target.closest("[data-source]"));
    }
  });
  document.querySelectorAll("[data-source]").forEach(showKind);
})();

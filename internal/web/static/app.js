// Hotline UI behaviour. Every page works without this script; it only adds
// conveniences. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // Ask before destructive actions: <form data-confirm="...">.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });

  // Filters apply as soon as a select changes: <select data-autosubmit>.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });

  // Team choices follow the chosen department: <select data-filter-by="id">
  // whose options carry data-group (their department).
  function filterOptions(sel, by) {
    var dept = by.value;
    Array.prototype.forEach.call(sel.options, function (o) {
      var g = o.getAttribute("data-group");
      o.hidden = !!(dept && g && g !== dept);
    });
    var cur = sel.options[sel.selectedIndex];
    if (cur && cur.hidden) {
      sel.value = "";
    }
  }
  document.querySelectorAll("select[data-filter-by]").forEach(function (sel) {
    var by = document.getElementById(sel.getAttribute("data-filter-by"));
    if (!by) {
      return;
    }
    filterOptions(sel, by);
    by.addEventListener("change", function () { filterOptions(sel, by); });
    sel.addEventListener("change", function () {
      var o = sel.options[sel.selectedIndex];
      var g = o && o.getAttribute("data-group");
      if (g && !by.value) {
        by.value = g; // a team implies its department
        filterOptions(sel, by);
      }
    });
  });

  // Permission matrix: the last box of a row ticks the whole row.
  document.querySelectorAll("tr[data-matrix-row]").forEach(function (row) {
    var all = row.querySelector("input[data-row-all]");
    if (!all) {
      return;
    }
    var boxes = row.querySelectorAll("input[name=perm]");
    function sync() {
      var n = 0;
      boxes.forEach(function (b) { if (b.checked) { n++; } });
      all.checked = n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    sync();
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      sync();
    });
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
  });

  // Copy buttons: <button data-copy="element-id">.
  document.addEventListener("click", function (e) {
    var id = e.target.getAttribute && e.target.getAttribute("data-copy");
    var el = id && document.getElementById(id);
    if (!el || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(el.textContent).then(function () {
      e.target.classList.add("copied");
    });
  });
})();

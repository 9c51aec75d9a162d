// CRM pages: import progress polling and "select all" boxes. The pages work
// without it (the progress page has a refresh link).
(function () {
  "use strict";

  // <input type="checkbox" data-check-all="id"> ticks every box named id in its form.
  document.addEventListener("change", function (e) {
    var name = e.target.getAttribute && e.target.getAttribute("data-check-all");
    if (!name || !e.target.form) {
      return;
    }
    e.target.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (b) {
      b.checked = e.target.checked;
    });
  });

  // The running import polls its batch (GET /api/v1/crm/imports/{id}) and
  // reloads the page with the report when it ends.
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-poll");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  function set(id, v) {
    var el = document.getElementById(id);
    if (el) {
      el.textContent = v;
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (b) {
        bar.value = b.progress;
        text.textContent = b.progress + "%";
        set("batch-read", b.rows_read);
        set("batch-valid", b.rows_valid);
        set("batch-invalid", b.rows_invalid);
        if (b.status !== "running") {
          window.location.reload();
          return;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();

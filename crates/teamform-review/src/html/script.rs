//! The report's optional script: sorting the users table by a clicked column header and
//! filtering its rows by a text. Without it the page is complete, in email order.

/// The inline script (no external call, no `eval`).
pub(crate) const SCRIPT: &str = r#"
(function () {
  "use strict";
  var table = document.getElementById("users-table");
  var box = document.getElementById("filter-box");
  var input = document.getElementById("filter");
  if (!table || !box || !input) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  box.hidden = false;
  input.addEventListener("input", function () {
    var q = input.value.toLowerCase();
    rows.forEach(function (r) {
      r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, col) {
    th.setAttribute("aria-sort", "none");
    th.tabIndex = 0;
    var sort = function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        return up ? x.localeCompare(y) : y.localeCompare(x);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
  });
  document.documentElement.setAttribute("data-ready", "true");
})();
"#;

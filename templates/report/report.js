// Filters the finding table by rule, severity, status and document, in the
// page itself (no server, no library). Without scripts the filters stay hidden
// and every finding shows. The query string preselects them, so that a link
// such as `report.html?rule=license-count&status=open` opens filtered.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("finding-table");
  if (!form || !table) { return; }
  var fields = {
    rule: document.getElementById("filter-rule"),
    severity: document.getElementById("filter-severity"),
    status: document.getElementById("filter-status"),
    document: document.getElementById("filter-document")
  };
  var count = document.getElementById("filter-count");
  var docs = table.querySelectorAll("section.doc");
  var total = table.querySelectorAll("tr.finding").length;
  function apply() {
    var rule = fields.rule.value, severity = fields.severity.value, status = fields.status.value;
    var doc = fields.document.value.trim().toLowerCase();
    var shown = 0;
    for (var d = 0; d < docs.length; d++) {
      var section = docs[d];
      var name = (section.getAttribute("data-doc") || "").toLowerCase();
      var docOk = !doc || name.indexOf(doc) !== -1;
      var any = false;
      var rows = section.querySelectorAll("tr.finding");
      for (var r = 0; r < rows.length; r++) {
        var row = rows[r];
        var ok = docOk &&
          (!rule || row.getAttribute("data-rule") === rule) &&
          (!severity || row.getAttribute("data-severity") === severity) &&
          (!status || (" " + row.getAttribute("data-status") + " ").indexOf(" " + status + " ") !== -1);
        row.hidden = !ok;
        if (ok) { any = true; shown++; }
      }
      section.hidden = !any;
    }
    count.value = shown + " of " + total + " findings shown";
    table.setAttribute("data-shown", String(shown));
  }
  var query = new URLSearchParams(window.location.search);
  Object.keys(fields).forEach(function (key) {
    var value = query.get(key);
    if (value !== null) { fields[key].value = value; }
  });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
}());

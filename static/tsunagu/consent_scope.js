// 本人同意の範囲 (coordination/consent_form.html): a row's 「すべて」 box ticks or clears the
// row's parts, and shows whether every part is ticked. The server reads 「すべて」 as every
// part, so the form works the same without this file; it only keeps the boxes in step.
(function () {
  "use strict";
  function boxes(row) {
    var all = row.querySelector('input[name$="_all"]');
    var parts = row.querySelectorAll('input[type="checkbox"]:not([name$="_all"])');
    return { all: all, parts: Array.prototype.slice.call(parts) };
  }
  function sync(row) {
    var b = boxes(row);
    b.all.checked = b.parts.length > 0 && b.parts.every(function (p) { return p.checked; });
  }
  function tickAll(b) {
    b.parts.forEach(function (p) { p.checked = b.all.checked; });
  }
  // On load (also after a refused submit): a ticked 「すべて」 wins, as on the server.
  document.querySelectorAll("tr[data-scope-row]").forEach(function (row) {
    var b = boxes(row);
    if (b.all.checked) tickAll(b); else sync(row);
  });
  document.addEventListener("change", function (event) {
    var row = event.target.closest("tr[data-scope-row]");
    if (!row) return;
    var b = boxes(row);
    if (event.target === b.all) {
      tickAll(b);
    } else {
      sync(row);
    }
  });
})();

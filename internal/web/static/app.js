// Small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Preset time zone selects to the browser's zone on a fresh form.
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {}
  if (zone) {
    document.querySelectorAll("select[data-browser-zone]").forEach(function (sel) {
      var found = Array.prototype.some.call(sel.options, function (o) { return o.value === zone; });
      if (!found) {
        var opt = document.createElement("option");
        opt.value = zone;
        opt.textContent = zone.replace(/_/g, " ");
        sel.insertBefore(opt, sel.firstChild);
      }
      sel.value = zone;
      var note = document.getElementById(sel.id + "-detected");
      if (note) {
        note.textContent = "We picked " + zone.replace(/_/g, " ") + " from your browser. Change it if it is not right.";
        note.hidden = false;
      }
    });
  }

  // A "Copy" button beside read-only links.
  document.querySelectorAll("input[data-copy]").forEach(function (input) {
    if (!navigator.clipboard) return;
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "button button-secondary";
    btn.textContent = "Copy link";
    btn.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        btn.textContent = "Copied";
        setTimeout(function () { btn.textContent = "Copy link"; }, 2000);
      });
    });
    input.insertAdjacentElement("afterend", btn);
  });

  // Applicants: "Choose all shown" becomes a checkbox that ticks every row
  // shown, instead of the link that reloads the list with all of them ticked.
  document.querySelectorAll("[data-pick-all-box]").forEach(function (wrap) {
    var form = wrap.closest("form");
    var all = wrap.querySelector("input");
    var link = form && form.querySelector("[data-pick-all-link]");
    if (!form || !all) return;
    var rows = form.querySelectorAll('input[type=checkbox][name="id"]');
    var sync = function () {
      var n = Array.prototype.filter.call(rows, function (r) { return r.checked; }).length;
      all.checked = n > 0 && n === rows.length;
      all.indeterminate = n > 0 && n < rows.length;
    };
    all.addEventListener("change", function () {
      rows.forEach(function (r) { r.checked = all.checked; });
    });
    rows.forEach(function (r) { r.addEventListener("change", sync); });
    if (link) link.hidden = true;
    wrap.hidden = false;
    sync();
  });

  // Move focus to the error summary so keyboard and screen reader users hear it.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    // A link of the summary moves the focus to its control and shows the
    // control's question (its legend or label) above it, not just the box.
    summary.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      e.preventDefault();
      var fieldset = target.closest("fieldset");
      var label = (fieldset && fieldset.querySelector("legend")) || document.querySelector("label[for='" + target.id + "']") || target;
      label.scrollIntoView();
      target.focus({ preventScroll: true });
      if (history.replaceState) history.replaceState(null, "", link.getAttribute("href"));
    });
  }
})();

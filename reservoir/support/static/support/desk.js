/*!
 * Agent desk behaviour (no build step, no library):
 *  - [data-due] SLA clocks tick down every second from the server's due time (a clock
 *    paused while the case waits for the customer, data-state="paused", stands still);
 *  - the reply box's Public / Internal switch restyles the box and its hint;
 *  - "Insert" in the KB picker puts an article's link and summary at the cursor;
 *  - the customer picker of "Log a case" fills the hidden party field;
 *  - a file input with [data-file-list] names the chosen files.
 */
(function () {
  "use strict";
  var doc = document;

  function fmt(seconds, overdue) {
    var late = seconds < 0;
    var s = Math.abs(Math.floor(seconds));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var text;
    if (d) text = d + "d " + h + "h";
    else if (h) text = h + "h " + m + "m";
    else if (m < 10) text = m + "m " + String(s % 60).padStart(2, "0") + "s";
    else text = m + "m";
    return late ? text + " " + overdue : text;
  }

  function tick() {
    var now = Date.now();
    doc.querySelectorAll(".sla-clock[data-due]").forEach(function (el) {
      if (el.getAttribute("data-state") === "paused") return;
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var left = (due - now) / 1000;
      var out = el.querySelector(".sla-left");
      if (out) out.textContent = fmt(left, el.getAttribute("data-overdue") || "overdue");
      if (left < 0 && !el.classList.contains("badge-danger")) {
        el.classList.remove("badge-success", "badge-warning");
        el.classList.add("badge-danger");
      }
    });
  }
  setInterval(tick, 1000);
  doc.addEventListener("DOMContentLoaded", tick);

  function syncReply(form) {
    var checked = form.querySelector("input[name=visibility]:checked");
    var internal = checked && checked.value === "internal";
    var card = form.closest(".reply-card");
    if (card) card.classList.toggle("is-internal", internal);
    var hint = form.querySelector(".reply-hint");
    if (hint) hint.textContent = hint.getAttribute(internal ? "data-internal" : "data-public");
  }

  doc.addEventListener("change", function (event) {
    var t = event.target;
    if (t.name === "visibility" && t.form) syncReply(t.form);
    if (t.matches && t.matches("input[type=file][data-file-list]")) {
      var list = doc.querySelector(t.getAttribute("data-file-list"));
      if (list) list.textContent = Array.prototype.map.call(t.files, function (f) { return f.name; }).join(", ");
    }
  });

  doc.addEventListener("click", function (event) {
    var insert = event.target.closest("[data-insert]");
    if (insert) {
      var box = doc.querySelector(insert.getAttribute("data-target") || "#id_body");
      if (box) {
        var text = insert.getAttribute("data-insert");
        var start = box.selectionStart != null ? box.selectionStart : box.value.length;
        var end = box.selectionEnd != null ? box.selectionEnd : box.value.length;
        var before = box.value.slice(0, start), after = box.value.slice(end);
        var pad = before && !/\n$/.test(before) ? "\n\n" : "";
        box.value = before + pad + text + "\n" + after;
        box.focus();
        var pos = (before + pad + text + "\n").length;
        box.setSelectionRange(pos, pos);
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }
      return;
    }
    var pick = event.target.closest("[data-pick-party]");
    if (pick) {
      doc.getElementById("id_party").value = pick.getAttribute("data-pick-party");
      doc.getElementById("picked-name").textContent = pick.getAttribute("data-pick-label");
      doc.getElementById("picked-party").classList.remove("is-hidden");
      doc.getElementById("customer-q").classList.add("is-hidden");
      doc.getElementById("customer-options").innerHTML = "";
      return;
    }
    if (event.target.closest("[data-unpick]")) {
      doc.getElementById("id_party").value = "";
      doc.getElementById("picked-party").classList.add("is-hidden");
      var q = doc.getElementById("customer-q");
      q.classList.remove("is-hidden");
      q.focus();
    }
  });
})();

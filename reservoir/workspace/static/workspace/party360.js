/*
 * Customer 360: keep the timeline live.
 *  - Opens the WebSocket named by #timeline[data-ws-path]; on {"type": "timeline_changed"} it
 *    re-fetches the timeline partial with the current filters and highlights new items.
 *  - The "Log" form's response raises the same refresh (HX-Trigger: timeline:changed).
 *  - On {"type": "traits_changed"} it raises traits:changed on the body (the scores card
 *    re-fetches itself).
 *  - htmx swaps 422 answers too, so forms show their validation errors in place.
 */
(function () {
  "use strict";
  var root = document.getElementById("timeline");
  if (!root || !window.htmx) return;
  var filters = document.getElementById("timeline-filters");
  var live = document.getElementById("timeline-live");
  var timer = null;

  function ids() {
    var seen = {};
    root.querySelectorAll("[data-interaction-id]").forEach(function (el) {
      seen[el.getAttribute("data-interaction-id")] = true;
    });
    return seen;
  }

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var before = ids();
      var query = filters ? new URLSearchParams(new FormData(filters)).toString() : "";
      var url = root.getAttribute("data-timeline-url") + (query ? "?" + query : "");
      htmx.ajax("GET", url, { target: root, swap: "innerHTML" }).then(function () {
        root.querySelectorAll("[data-interaction-id]").forEach(function (el) {
          if (!before[el.getAttribute("data-interaction-id")]) el.classList.add("is-new");
        });
      });
    }, 120);
  }

  document.body.addEventListener("timeline:changed", refresh);

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function connect(attempt) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + root.getAttribute("data-ws-path"));
    socket.onopen = function () {
      attempt = 0;
      if (live) live.hidden = false;
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message && message.type === "timeline_changed") refresh();
      if (message && message.type === "traits_changed") htmx.trigger(document.body, "traits:changed");
    };
    socket.onclose = function (event) {
      if (live) live.hidden = true;
      if (event.code === 4403) return; // not allowed to watch this customer
      setTimeout(function () { connect(attempt + 1); }, Math.min(30000, 1000 * Math.pow(2, attempt)));
    };
  }

  if ("WebSocket" in window) connect(0);
})();

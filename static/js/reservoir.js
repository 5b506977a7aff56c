/*
 * Reservoir staff UI behaviour: small, dependency free, safe to load with `defer`.
 *
 *  - htmx requests carry the CSRF token read from <meta name="csrf-token">.
 *  - Mobile navigation: [data-nav-toggle] opens/closes the sidebar (aria-controls names it).
 *  - "/" focuses the global search (#global-search); Esc closes its results; ArrowDown
 *    moves into them.
 *  - Toasts (.toast) close on their [data-dismiss] button and fade out after 6s unless they
 *    are errors. The server can raise one from an htmx response with the header
 *    `HX-Trigger: {"toast": {"text": "Saved", "tone": "success"}}`.
 *  - <time datetime="…" data-relative> shows "3 minutes ago" in the page language and is
 *    refreshed every minute; the server-rendered text stays as the tooltip.
 *  - <select data-autosubmit> submits its form on change (used by the language switch).
 *
 * Everything also runs for content htmx swaps in (htmx.onLoad).
 */
(function () {
  "use strict";

  var doc = document;
  var TOAST_MS = 6000;

  function lang() {
    return doc.documentElement.lang || navigator.language || "en";
  }

  /* ---- CSRF for htmx ------------------------------------------------------------ */
  function csrfToken() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  doc.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  /* ---- Mobile navigation ---------------------------------------------------------- */
  function setNav(button, open) {
    var target = doc.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    target.classList.toggle("is-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  doc.addEventListener("click", function (event) {
    var button = event.target.closest("[data-nav-toggle]");
    if (button) {
      setNav(button, button.getAttribute("aria-expanded") !== "true");
      return;
    }
    if (event.target.closest(".sidebar.is-open .nav a")) {
      doc.querySelectorAll("[data-nav-toggle][aria-expanded='true']").forEach(function (b) {
        setNav(b, false);
      });
    }
    var search = doc.getElementById("search-results");
    if (search && !event.target.closest(".search")) {
      search.hidden = true;
    }
    var openMenu = doc.querySelectorAll("details.dd[open]");
    openMenu.forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  /* ---- Keyboard: "/" focuses search, Esc closes things ------------------------------ */
  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  doc.addEventListener("keydown", function (event) {
    var search = doc.getElementById("global-search");
    var results = doc.getElementById("search-results");

    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey &&
        !isTyping(event.target) && search) {
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }

    if (event.key === "Escape") {
      if (results && !results.hidden && results.children.length) {
        results.hidden = true;
        if (search) search.focus();
        return;
      }
      doc.querySelectorAll("[data-nav-toggle][aria-expanded='true']").forEach(function (b) {
        setNav(b, false);
      });
      doc.querySelectorAll("details.dd[open]").forEach(function (d) { d.removeAttribute("open"); });
      return;
    }

    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && results && !results.hidden &&
        (event.target === search || results.contains(event.target))) {
      var links = Array.prototype.slice.call(results.querySelectorAll("a[href]"));
      if (!links.length) return;
      event.preventDefault();
      var index = links.indexOf(doc.activeElement);
      if (event.key === "ArrowDown") {
        index = index < links.length - 1 ? index + 1 : 0;
      } else if (index <= 0) {
        if (search) search.focus();
        return;
      } else {
        index -= 1;
      }
      links[index].focus();
    }
  });

  doc.addEventListener("focusin", function (event) {
    var results = doc.getElementById("search-results");
    if (results && event.target.id === "global-search" && results.children.length) {
      results.hidden = false;
    }
  });

  doc.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "search-results") {
      event.target.hidden = false;
    }
  });

  /* ---- Toasts --------------------------------------------------------------------- */
  function dismiss(toast) {
    if (!toast || toast.classList.contains("is-leaving")) return;
    toast.classList.add("is-leaving");
    var remove = function () { if (toast.parentNode) toast.parentNode.removeChild(toast); };
    toast.addEventListener("animationend", remove);
    setTimeout(remove, 400);
  }

  function armToast(toast) {
    if (toast.dataset.armed) return;
    toast.dataset.armed = "1";
    var sticky = toast.classList.contains("toast-error") || toast.hasAttribute("data-sticky");
    if (sticky) return;
    var timer = setTimeout(function () { dismiss(toast); }, TOAST_MS);
    toast.addEventListener("mouseenter", function () { clearTimeout(timer); });
    toast.addEventListener("mouseleave", function () {
      timer = setTimeout(function () { dismiss(toast); }, TOAST_MS / 2);
    });
  }

  doc.addEventListener("click", function (event) {
    var close = event.target.closest("[data-dismiss]");
    if (close) dismiss(close.closest(".toast, .alert, [data-dismissible]"));
  });

  /** Show a toast: Reservoir.toast("Saved", "success"). Tones: success, info, warning, error. */
  function toast(text, tone) {
    var box = doc.getElementById("toasts");
    if (!box) return;
    var el = doc.createElement("div");
    el.className = "toast toast-" + (tone || "info");
    el.setAttribute("role", tone === "error" ? "alert" : "status");
    var icon = doc.createElement("span");
    icon.className = "toast-icon";
    icon.setAttribute("aria-hidden", "true");
    var body = doc.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    var close = doc.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("data-dismiss", "");
    close.setAttribute("aria-label", box.getAttribute("data-close-label") || "Close");
    close.innerHTML = '<i class="i i-x" aria-hidden="true"></i>';
    el.appendChild(icon);
    el.appendChild(body);
    el.appendChild(close);
    box.appendChild(el);
    armToast(el);
  }

  doc.addEventListener("toast", function (event) {
    var d = event.detail || {};
    if (d.value !== undefined && typeof d.value === "string") d = { text: d.value };
    if (d.text) toast(d.text, d.tone || d.level);
  });

  /* ---- Relative times ------------------------------------------------------------- */
  var UNITS = [
    ["year", 31536000], ["month", 2592000], ["week", 604800],
    ["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]
  ];
  var rtf = null;

  function relative(date) {
    if (!rtf) {
      try {
        rtf = new Intl.RelativeTimeFormat(lang(), { numeric: "auto" });
      } catch (e) {
        rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
      }
    }
    var seconds = (date.getTime() - Date.now()) / 1000;
    var abs = Math.abs(seconds);
    if (abs < 45) return rtf.format(0, "second");
    for (var i = 0; i < UNITS.length; i++) {
      if (abs >= UNITS[i][1] || UNITS[i][0] === "second") {
        return rtf.format(Math.round(seconds / UNITS[i][1]), UNITS[i][0]);
      }
    }
    return "";
  }

  function refreshTimes(root) {
    if (!window.Intl || !Intl.RelativeTimeFormat) return;
    (root || doc).querySelectorAll("time[data-relative]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      if (!el.hasAttribute("title")) {
        el.setAttribute("title", el.textContent.trim() || date.toLocaleString(lang()));
      }
      el.textContent = relative(date);
    });
  }

  setInterval(function () { refreshTimes(doc); }, 60000);

  /* ---- Auto-submitting selects ---------------------------------------------------- */
  doc.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit(); else el.form.submit();
    }
  });

  /* ---- Boot & swapped-in content -------------------------------------------------- */
  function init(root) {
    refreshTimes(root);
    (root.querySelectorAll ? root : doc).querySelectorAll(".toast").forEach(armToast);
    if (root.classList && root.classList.contains("toast")) armToast(root);
  }

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", function () { init(doc); });
  } else {
    init(doc);
  }

  window.Reservoir = { toast: toast, refreshTimes: refreshTimes };
})();

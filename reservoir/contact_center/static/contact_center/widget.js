/* Reservoir live chat widget: one <script src="https://crm.example.com/chat/widget.js"> tag.
 *
 * Optional attributes on the tag: data-lang="en|zh-hans|zh-hant" (else the page's <html lang>),
 * data-open="1" (open at once), data-title="…". Vanilla JS in a shadow root, so the host
 * page's CSS and ours never meet. The server sends window.ReservoirChatConfig first
 * (strings in every language, the stylesheet). The visitor's token lives in localStorage;
 * the socket reconnects and resumes with it; every message carries a client id, so a resend
 * after a reconnect is never stored twice.
 */
(function () {
  "use strict";
  var CONFIG = window.ReservoirChatConfig || { strings: {}, css: "", default_lang: "en" };
  var script = document.currentScript;
  if (!script || window.__reservoirChatLoaded) return;
  window.__reservoirChatLoaded = true;
  var base = new URL(script.src, location.href);
  var origin = base.origin;
  var sameOrigin = origin === location.origin;
  var storeKey = "reservoir-chat:" + origin;

  function pickLang() {
    var raw = (script.getAttribute("data-lang") || document.documentElement.lang || CONFIG.default_lang || "en").toLowerCase();
    if (CONFIG.strings[raw]) return raw;
    if (/^zh[-_](tw|hk|mo|hant)/.test(raw)) return "zh-hant";
    if (/^zh/.test(raw)) return "zh-hans";
    return CONFIG.strings[CONFIG.default_lang] ? CONFIG.default_lang : "en";
  }
  var lang = pickLang();
  var T = CONFIG.strings[lang] || CONFIG.strings.en || {};
  function t(key) { return T[key] || key; }

  // ------------------------------------------------------------------ DOM
  var host = document.createElement("div");
  host.id = "reservoir-chat";
  host.setAttribute("data-reservoir-chat", "");
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = CONFIG.css;
  root.appendChild(style);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  var launcher = el("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-label", t("launcher"));
  launcher.innerHTML = '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  var launcherLabel = el("span", "launcher-label", t("launcher"));
  launcher.appendChild(launcherLabel);

  var panel = el("section", "panel");
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", script.getAttribute("data-title") || t("title"));
  panel.hidden = true;
  var head = el("header", "head");
  var headText = el("div", "head-text");
  headText.appendChild(el("strong", "head-title", script.getAttribute("data-title") || t("title")));
  var headSub = el("span", "head-sub", t("subtitle"));
  headText.appendChild(headSub);
  var closeBtn = el("button", "icon-btn", "×");
  closeBtn.type = "button";
  closeBtn.setAttribute("aria-label", t("close"));
  head.appendChild(headText);
  head.appendChild(closeBtn);

  var banner = el("div", "banner", t("reconnecting"));
  banner.hidden = true;

  // pre-chat form
  var form = el("form", "prechat");
  form.appendChild(el("p", "intro", t("intro")));
  function field(name, label, type) {
    var wrap = el("label", "field");
    wrap.appendChild(el("span", "label", label));
    var input = el("input", "input");
    input.name = name; input.type = type; input.autocomplete = name === "name" ? "name" : name === "email" ? "email" : "tel";
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  }
  var nameInput = field("name", t("name"), "text");
  var emailInput = field("email", t("email"), "email");
  var phoneInput = field("phone", t("phone"), "tel");
  var formError = el("p", "form-error");
  formError.setAttribute("role", "alert");
  form.appendChild(formError);
  var startBtn = el("button", "btn btn-primary", t("start"));
  startBtn.type = "submit";
  form.appendChild(startBtn);

  // conversation
  var convo = el("div", "convo");
  var log = el("ol", "log");
  log.setAttribute("aria-live", "polite");
  var typingRow = el("div", "typing", t("typing"));
  typingRow.hidden = true;
  var actions = el("div", "actions");
  var personBtn = el("button", "chip", t("person"));
  personBtn.type = "button";
  var endBtn = el("button", "chip chip-quiet", t("end"));
  endBtn.type = "button";
  actions.appendChild(personBtn);
  actions.appendChild(endBtn);
  var composer = el("form", "composer");
  var textarea = el("textarea", "composer-input");
  textarea.rows = 1;
  textarea.maxLength = 2000;
  textarea.placeholder = t("placeholder");
  textarea.setAttribute("aria-label", t("placeholder"));
  var sendBtn = el("button", "btn btn-primary send", t("send"));
  sendBtn.type = "submit";
  composer.appendChild(textarea);
  composer.appendChild(sendBtn);
  var rating = el("div", "rating");
  rating.hidden = true;
  rating.appendChild(el("p", "rating-q", t("rate")));
  var stars = el("div", "stars");
  [1, 2, 3, 4, 5].forEach(function (n) {
    var star = el("button", "star", "★");
    star.type = "button";
    star.setAttribute("aria-label", n + "/5");
    star.dataset.value = String(n);
    stars.appendChild(star);
  });
  rating.appendChild(stars);
  var newChat = el("button", "chip", t("new_chat"));
  newChat.type = "button";
  rating.appendChild(newChat);
  convo.appendChild(log);
  convo.appendChild(typingRow);
  convo.appendChild(rating);
  convo.appendChild(actions);
  convo.appendChild(composer);
  convo.hidden = true;

  panel.appendChild(head);
  panel.appendChild(banner);
  panel.appendChild(form);
  panel.appendChild(convo);
  root.appendChild(panel);
  root.appendChild(launcher);
  (document.body || document.documentElement).appendChild(host);

  // ------------------------------------------------------------------ state
  var token = null;
  try { token = localStorage.getItem(storeKey); } catch (e) { token = null; }
  var ws = null;
  var status = "bot";
  var outbox = [];          // frames waiting for an open socket
  var bySeq = {};           // seq -> <li>
  var pending = {};         // client_id -> <li>
  var retry = 0;
  var typingSent = 0, typingTimer = null, peerTypingTimer = null;

  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function saveToken(value) {
    token = value;
    try { value ? localStorage.setItem(storeKey, value) : localStorage.removeItem(storeKey); } catch (e) { /* private mode */ }
  }
  function absolute(url) {
    try { return new URL(url, origin).href; } catch (e) { return "#"; }
  }

  function bubble(frame) {
    var li = el("li", "msg msg-" + frame.author);
    if (frame.author === "agent" || frame.author === "bot") {
      li.appendChild(el("span", "who", frame.author === "bot" ? t("bot") : (frame.author_name || t("agent"))));
    }
    li.appendChild(el("div", "text", frame.body));
    (frame.links || []).forEach(function (link) {
      var a = el("a", "kb", link.title);
      a.href = absolute(link.url);
      a.target = "_blank";
      a.rel = "noopener";
      if (link.snippet) a.title = link.snippet;
      li.appendChild(a);
    });
    return li;
  }

  function place(li, seq) {
    li.dataset.seq = String(seq);
    var after = null;
    var items = log.children;
    for (var i = items.length - 1; i >= 0; i--) {
      var s = Number(items[i].dataset.seq || Infinity);
      if (s < seq) { after = items[i]; break; }
    }
    if (after) after.after(li); else log.prepend(li);
  }

  // Every message carries its chat's sequence number: a gap means a frame was lost on the
  // way (a reconnect, a busy server), so ask for what follows the last unbroken number.
  var contiguous = 0, syncTimer = null;
  function noteSeq(seq) {
    while (bySeq[contiguous + 1]) contiguous += 1;
    if (seq > contiguous + 1 && !syncTimer) {
      syncTimer = setTimeout(function () { syncTimer = null; send({ type: "sync", after_seq: contiguous }); }, 400);
    }
  }
  setInterval(function () {
    if (ws && ws.readyState === 1 && (status === "bot" || status === "queued" || status === "active")) {
      send({ type: "sync", after_seq: contiguous });
    }
  }, 20000);

  function showMessage(frame) {
    if (bySeq[frame.seq]) return;
    var li = bubble(frame);
    if (frame.client_id && pending[frame.client_id]) {
      pending[frame.client_id].remove();
      delete pending[frame.client_id];
    }
    bySeq[frame.seq] = li;
    place(li, frame.seq);
    noteSeq(frame.seq);
    if (frame.author !== "visitor") typingRow.hidden = true;
    log.scrollTop = log.scrollHeight;
  }

  function setStatus(next, agent) {
    status = next;
    var open = next === "bot" || next === "queued" || next === "active";
    personBtn.hidden = next !== "bot";
    endBtn.hidden = !open;
    composer.hidden = !open;
    rating.hidden = open;
    if (agent) headSub.textContent = agent;
  }

  function showConvo() {
    form.hidden = true;
    convo.hidden = false;
  }

  function send(frame) {
    if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame));
    else outbox.push(frame);
  }

  function connect() {
    if (!token) return;
    var url = (origin.replace(/^http/, "ws")) + "/ws/chat/visitor/?token=" + encodeURIComponent(token);
    ws = new WebSocket(url);
    ws.onopen = function () {
      retry = 0;
      banner.hidden = true;
    };
    ws.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      onFrame(frame);
    };
    ws.onclose = function (event) {
      ws = null;
      if (event.code === 4404 || !token) return;
      banner.hidden = false;
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, retry)));
    };
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "hello":
        showConvo();
        (frame.messages || []).forEach(showMessage);
        setStatus(frame.status, frame.agent);
        var queued = outbox; outbox = [];
        queued.forEach(send);
        break;
      case "message":
        showMessage(frame);
        break;
      case "status":
        setStatus(frame.status, frame.agent);
        break;
      case "typing":
        if (frame.author === "agent") {
          typingRow.hidden = !frame.active;
          clearTimeout(peerTypingTimer);
          if (frame.active) peerTypingTimer = setTimeout(function () { typingRow.hidden = true; }, 6000);
        }
        break;
      case "rated":
        rating.querySelector(".rating-q").textContent = t("thanks");
        stars.hidden = true;
        break;
      case "error":
        if (frame.code === "unknown_session") {
          saveToken(null);
          resetToForm();
          return;
        }
        if (frame.client_id && pending[frame.client_id]) pending[frame.client_id].classList.add("msg-failed");
        var li = el("li", "msg msg-error", frame.message || t("error"));
        li.dataset.seq = String(Infinity);
        log.appendChild(li);
        log.scrollTop = log.scrollHeight;
        break;
    }
  }

  function resetToForm() {
    if (ws) { try { ws.close(); } catch (e) { /* closed */ } }
    ws = null;
    log.textContent = "";
    bySeq = {}; pending = {}; outbox = []; contiguous = 0;
    stars.hidden = false;
    rating.querySelector(".rating-q").textContent = t("rate");
    headSub.textContent = t("subtitle");
    convo.hidden = true;
    form.hidden = false;
  }

  function start(payload, silent) {
    payload.page_url = location.href;
    payload.language = lang;
    startBtn.disabled = true;
    return fetch(origin + "/chat/api/sessions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: sameOrigin ? "same-origin" : "omit",
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (response.status === 429) return { ok: false, status: 429, body: {} };  // any proxy's too
      return response.json().then(function (body) {
        return { ok: response.ok, status: response.status, body: body || {} };
      });
    }).then(function (result) {
      startBtn.disabled = false;
      if (result.status === 429) {
        // too many chats started from here: say so even for the portal's silent start
        formError.textContent = t("rate_limited");
        return false;
      }
      if (!result.ok) {
        if (!silent) formError.textContent = result.body.detail || result.body.title || t("error");
        return false;
      }
      saveToken(result.body.token);
      connect();
      return true;
    }).catch(function () {
      startBtn.disabled = false;
      if (!silent) formError.textContent = t("error");
      return false;
    });
  }

  // ------------------------------------------------------------------ events
  function openPanel() {
    panel.hidden = false;
    launcher.hidden = true;
    if (token && !ws) connect();
    else if (!token && sameOrigin && !panel.dataset.tried) {
      panel.dataset.tried = "1";
      start({}, true);  // a signed-in portal customer needs no form
    }
    setTimeout(function () { (convo.hidden ? nameInput : textarea).focus(); }, 0);
  }
  launcher.addEventListener("click", openPanel);
  closeBtn.addEventListener("click", function () { panel.hidden = true; launcher.hidden = false; launcher.focus(); });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    formError.textContent = "";
    var email = emailInput.value.trim(), phone = phoneInput.value.trim();
    if (!email && !phone) { formError.textContent = t("email_or_phone"); return; }
    start({ name: nameInput.value.trim(), email: email, phone: phone }, false);
  });

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = textarea.value.trim();
    if (!body) return;
    var clientId = uid();
    var li = bubble({ author: "visitor", body: body, links: [] });
    li.classList.add("msg-pending");
    li.dataset.seq = String(Infinity);
    pending[clientId] = li;
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    textarea.value = "";
    send({ type: "message", body: body, client_id: clientId });
    send({ type: "typing", active: false });
    typingSent = 0;
  });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  textarea.addEventListener("input", function () {
    var now = Date.now();
    if (now - typingSent > 2000) { send({ type: "typing", active: true }); typingSent = now; }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { send({ type: "typing", active: false }); typingSent = 0; }, 3000);
  });
  personBtn.addEventListener("click", function () { send({ type: "handover" }); });
  endBtn.addEventListener("click", function () { send({ type: "end" }); });
  stars.addEventListener("click", function (event) {
    var value = event.target && event.target.dataset ? Number(event.target.dataset.value) : 0;
    if (value) send({ type: "rate", rating: value });
  });
  newChat.addEventListener("click", function () {
    saveToken(null);
    resetToForm();
    panel.dataset.tried = "";
    openPanel();
  });

  if (token || script.getAttribute("data-open") === "1") openPanel();
})();

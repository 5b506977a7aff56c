/* The agent's chat console: several chats at once over one WebSocket (/ws/chat/agent/).
 * Left: availability, capacity, my chats, the waiting queue. Centre: the open chat.
 * Right: the customer's 360, loaded with htmx from the server when a chat is opened.
 */
(function () {
  "use strict";
  var root = document.getElementById("chat-console");
  if (!root) return;
  var S = JSON.parse(document.getElementById("cc-strings").textContent);
  var CANNED = JSON.parse(document.getElementById("cc-canned-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var chats = {};       // id -> {summary, messages: {seq: frame}, unread, typing}
  var current = null;
  var ws = null, retry = 0, typingSent = 0, typingTimer = null;

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function uid() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID() : "a" + Date.now() + Math.random().toString(36).slice(2);
  }
  function send(frame) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame)); }

  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(proto + location.host + root.dataset.ws);
    ws.onopen = function () { retry = 0; $("cc-conn").textContent = ""; };
    ws.onmessage = function (e) { try { onFrame(JSON.parse(e.data)); } catch (err) { console.error(err); } };
    ws.onclose = function () {
      $("cc-conn").textContent = S.offline;
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, retry)));
    };
  }

  function setState(state) {
    $("cc-available").checked = !!state.available;
    $("cc-available-label").textContent = state.available ? S.available : S.away;
    $("cc-capacity").value = String(state.capacity);
    $("cc-load").textContent = state.active_count + "/" + state.capacity;
  }

  function addChat(summary, messages) {
    var chat = chats[summary.id] || { messages: {}, unread: 0 };
    chat.summary = summary;
    chats[summary.id] = chat;
    (messages || []).forEach(function (m) { chat.messages[m.seq] = m; });
    renderLists();
    if (!current) openChat(summary.id);
    else if (current === summary.id) renderLog();
  }

  function item(summary, mine) {
    var li = el("li", "cc-item" + (current === summary.id ? " is-active" : ""));
    li.dataset.session = summary.id;
    var btn = el("button", "cc-item-btn");
    btn.type = "button";
    var name = el("span", "cc-item-name", summary.visitor);
    btn.appendChild(name);
    var meta = el("span", "cc-item-meta muted small", mine ? (summary.identified_by || "") : S.waiting);
    btn.appendChild(meta);
    var chat = chats[summary.id];
    if (mine && chat && chat.unread) btn.appendChild(el("span", "badge badge-brand", String(chat.unread)));
    if (mine && chat && chat.summary.status !== "active") btn.appendChild(el("span", "badge", S.ended));
    if (mine) btn.addEventListener("click", function () { openChat(summary.id); });
    else btn.disabled = true;
    li.appendChild(btn);
    return li;
  }

  function renderLists() {
    var mine = $("cc-mine");
    mine.textContent = "";
    var ids = Object.keys(chats);
    ids.forEach(function (id) { mine.appendChild(item(chats[id].summary, true)); });
    if (!ids.length) mine.appendChild(el("li", "cc-none muted small", S.no_chats));
    $("cc-mine-count").textContent = String(ids.filter(function (id) { return chats[id].summary.status === "active"; }).length);
  }

  function renderQueue(queue) {
    var list = $("cc-queue");
    list.textContent = "";
    queue.forEach(function (s) { list.appendChild(item(s, false)); });
    if (!queue.length) list.appendChild(el("li", "cc-none muted small", S.no_queue));
    $("cc-queue-count").textContent = String(queue.length);
  }

  function openChat(id) {
    current = id;
    var chat = chats[id];
    chat.unread = 0;
    $("cc-empty").hidden = true;
    $("cc-pane").hidden = false;
    $("cc-name").textContent = chat.summary.visitor;
    $("cc-avatar").textContent = (chat.summary.visitor || "?").charAt(0).toUpperCase();
    $("cc-meta").textContent = [chat.summary.identified_by, chat.summary.page_url].filter(Boolean).join(" · ");
    renderLists();
    renderLog();
    send({ type: "open", session: id });
    var url = root.dataset.contextUrl.replace("/0/", "/" + id + "/");
    if (window.htmx) window.htmx.ajax("GET", url, { target: "#cc-context", swap: "innerHTML" });
    else fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) { $("cc-context").innerHTML = html; });
    $("cc-input").focus();
  }

  function renderLog() {
    var log = $("cc-log");
    log.textContent = "";
    if (!current) return;
    var chat = chats[current];
    Object.keys(chat.messages).map(Number).sort(function (a, b) { return a - b; }).forEach(function (seq) {
      var m = chat.messages[seq];
      var li = el("li", "cc-msg cc-" + m.author);
      li.dataset.seq = String(seq);
      if (m.author !== "system") {
        var who = m.author === "visitor" ? chat.summary.visitor : m.author === "bot" ? S.bot : (m.author_name || S.you);
        li.appendChild(el("span", "cc-msg-who", who));
      }
      li.appendChild(el("div", "cc-msg-text", m.body));
      (m.links || []).forEach(function (l) {
        var a = el("a", "cc-kb", l.title);
        a.href = l.url; a.target = "_blank"; a.rel = "noopener";
        li.appendChild(a);
      });
      var t = el("time", "cc-msg-time", new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
      li.appendChild(t);
      log.appendChild(li);
    });
    var ended = chat.summary.status !== "active";
    $("cc-composer").hidden = ended;
    $("cc-end").disabled = ended;
    log.scrollTop = log.scrollHeight;
  }

  // A gap in a chat's sequence numbers means a frame was lost: ask for what follows.
  function contiguous(chat) {
    var n = chat.contiguous || 0;
    while (chat.messages[n + 1]) n += 1;
    chat.contiguous = n;
    return n;
  }
  function noteSeq(id, chat) {
    var last = contiguous(chat);
    var max = Math.max.apply(null, Object.keys(chat.messages).map(Number));
    if (max > last + 1 && !chat.syncing) {
      chat.syncing = setTimeout(function () { chat.syncing = null; send({ type: "sync", session: Number(id), after_seq: contiguous(chat) }); }, 400);
    }
  }
  setInterval(function () {
    send({ type: "refresh" });
    Object.keys(chats).forEach(function (id) {
      if (chats[id].summary.status === "active") send({ type: "sync", session: Number(id), after_seq: contiguous(chats[id]) });
    });
  }, 20000);

  function onFrame(f) {
    switch (f.type) {
      case "hello":
        setState(f.state);
        f.chats.forEach(function (c) { addChat(c, []); });
        renderLists();
        renderQueue(f.queue);
        break;
      case "chats":
        setState(f.state);
        f.chats.forEach(function (c) { if (!chats[c.id]) { addChat(c, []); send({ type: "sync", session: c.id, after_seq: 0 }); } });
        renderQueue(f.queue);
        break;
      case "assigned":
        addChat(f.chat, f.messages);
        if (f.state) setState(f.state);
        break;
      case "history":
        if (chats[f.chat.id]) { chats[f.chat.id].summary = f.chat; f.messages.forEach(function (m) { chats[f.chat.id].messages[m.seq] = m; }); if (current === f.chat.id) renderLog(); }
        break;
      case "message":
        var chat = chats[f.session];
        if (!chat) return;
        chat.messages[f.seq] = f;
        noteSeq(f.session, chat);
        if (current === f.session) { renderLog(); if (f.author === "visitor") $("cc-typing").hidden = true; }
        else { chat.unread += 1; renderLists(); }
        break;
      case "typing":
        if (f.session === current && f.author === "visitor") $("cc-typing").hidden = !f.active;
        break;
      case "status":
        if (chats[f.session]) {
          chats[f.session].summary.status = f.status;
          renderLists();
          if (current === f.session) renderLog();
        }
        break;
      case "released":
        delete chats[f.session];
        if (current === f.session) { current = null; $("cc-pane").hidden = true; $("cc-empty").hidden = false; }
        renderLists();
        break;
      case "queue":
        renderQueue(f.queue);
        break;
      case "state":
        setState(f.state);
        break;
      case "error":
        $("cc-conn").textContent = f.message;
        break;
    }
  }

  // ------------------------------------------------------------ canned responses
  var cannedList = $("cc-canned");
  function showCanned(prefix) {
    var key = prefix.slice(1).toLowerCase();
    var found = CANNED.filter(function (c) { return c.shortcut.indexOf(key) === 0; }).slice(0, 6);
    cannedList.textContent = "";
    found.forEach(function (c) {
      var li = el("li", "cc-canned-item");
      li.setAttribute("role", "option");
      li.appendChild(el("b", "mono", "/" + c.shortcut));
      li.appendChild(el("span", "muted", " " + c.title + (c.language ? " · " + c.language : "")));
      li.addEventListener("mousedown", function (e) { e.preventDefault(); $("cc-input").value = c.body; cannedList.hidden = true; $("cc-input").focus(); });
      cannedList.appendChild(li);
    });
    cannedList.hidden = !found.length;
  }

  $("cc-input").addEventListener("input", function () {
    var v = this.value;
    if (/^\/[\w-]*$/.test(v)) showCanned(v); else cannedList.hidden = true;
    if (!current) return;
    var now = Date.now();
    if (now - typingSent > 2000) { send({ type: "typing", session: current, active: true }); typingSent = now; }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { if (current) send({ type: "typing", session: current, active: false }); typingSent = 0; }, 3000);
  });
  $("cc-input").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("cc-composer").requestSubmit(); }
    if (e.key === "Escape") cannedList.hidden = true;
  });
  $("cc-composer").addEventListener("submit", function (e) {
    e.preventDefault();
    var body = $("cc-input").value.trim();
    if (!body || !current) return;
    var m = /^\/([\w-]+)$/.exec(body);
    if (m) send({ type: "canned", session: current, shortcut: m[1], client_id: uid() });
    else send({ type: "message", session: current, body: body, client_id: uid() });
    send({ type: "typing", session: current, active: false });
    typingSent = 0;
    $("cc-input").value = "";
    cannedList.hidden = true;
  });
  $("cc-end").addEventListener("click", function () { if (current) send({ type: "end", session: current }); });
  var transfer = $("cc-transfer");
  if (transfer) transfer.addEventListener("change", function () {
    if (current && this.value) send({ type: "transfer", session: current, to: Number(this.value) });
    this.value = "";
  });
  function availability() {
    send({ type: "availability", available: $("cc-available").checked, capacity: Number($("cc-capacity").value) });
  }
  $("cc-available").addEventListener("change", availability);
  $("cc-capacity").addEventListener("change", availability);

  connect();
})();

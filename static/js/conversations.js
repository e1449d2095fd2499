/* Conversations (orders/conversations): an open thread shows new messages without a reload. Every
   few seconds it asks the page's JSON endpoint for the messages after the last one shown, appends
   them, and tells the server the reader has seen the other side's. Sending stays a normal form
   POST; without this script the page works the same, a reload shows new messages. */
(function () {
  "use strict";
  var chat = document.querySelector("[data-chat]");
  if (!chat || !window.fetch) return;
  var list = chat.querySelector("[data-chat-list]");
  var lastId = parseInt(chat.getAttribute("data-last-id"), 10) || 0;
  var side = chat.getAttribute("data-side");
  var updatesUrl = chat.getAttribute("data-updates-url");
  var readUrl = chat.getAttribute("data-read-url");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var FAST = 3000, SLOW = 15000, failures = 0;

  function scrollToEnd() { list.scrollTop = list.scrollHeight; }

  function render(message) {
    var item = document.createElement("li");
    item.className = "chat__msg chat__msg--" + message.side + (message.mine ? " chat__msg--mine" : "");
    item.setAttribute("data-message", message.id);
    item.setAttribute("data-side", message.side);
    var meta = document.createElement("div");
    meta.className = "chat__meta";
    var time = document.createElement("time");
    time.setAttribute("datetime", message.created_at);
    time.textContent = message.time;
    meta.appendChild(document.createTextNode(message.sender + " · "));
    meta.appendChild(time);
    item.appendChild(meta);
    if (message.body) {
      var body = document.createElement("div");
      body.className = "chat__body";
      body.textContent = message.body;  // text, never HTML
      item.appendChild(body);
    }
    if (message.image_url) {
      var link = document.createElement("a");
      link.className = "chat__image";
      link.href = message.image_url;
      link.target = "_blank";
      link.rel = "noopener";
      var img = document.createElement("img");
      img.src = message.image_url;
      img.alt = chat.getAttribute("data-label-image") || "";
      link.appendChild(img);
      item.appendChild(link);
    }
    return item;
  }

  function markRead() {
    if (!readUrl || !side || !tokenInput) return;
    window.fetch(readUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenInput.value, "X-Requested-With": "fetch" }
    }).catch(function () {});
  }

  function poll() {
    var url = updatesUrl + "?after=" + encodeURIComponent(lastId);
    window.fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        failures = 0;
        var fromOthers = false;
        (data.messages || []).forEach(function (message) {
          if (message.id <= lastId || list.querySelector("[data-message='" + message.id + "']")) return;
          var empty = list.querySelector("[data-chat-empty]");
          if (empty) empty.remove();
          list.appendChild(render(message));
          lastId = message.id;
          if (!message.mine) fromOthers = true;
        });
        if (fromOthers) { scrollToEnd(); if (!document.hidden) markRead(); }
        schedule();
      })
      .catch(function () { failures += 1; schedule(); });
  }

  function schedule() {
    var wait = document.hidden || failures ? SLOW : FAST;
    window.setTimeout(poll, wait);
  }

  scrollToEnd();
  schedule();
})();

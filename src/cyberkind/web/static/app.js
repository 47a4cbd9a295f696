// cyberkind: the live guard while typing. No framework, no inline script (the CSP forbids
// it). Every page works without this file; it only adds feedback as you type.
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The draft cut into pieces, the flagged ones wrapped in <mark>; built with textContent
  // only, so nothing the user typed is ever parsed as HTML.
  function highlighted(text, spans) {
    var marks = new Array(text.length).fill(null);
    spans.forEach(function (s) {
      for (var i = Math.max(0, s.start); i < Math.min(text.length, s.end); i++) {
        if (!marks[i]) marks[i] = s.label;
      }
    });
    var p = el("p", { "class": "highlighted", id: "highlighted" });
    var i = 0;
    while (i < text.length) {
      var j = i;
      while (j < text.length && marks[j] === marks[i]) j++;
      var chunk = text.slice(i, j);
      if (marks[i]) p.appendChild(el("mark", { title: marks[i].replace(/_/g, " ") }, chunk));
      else p.appendChild(document.createTextNode(chunk));
      i = j;
    }
    return p;
  }

  function render(box, textarea, data) {
    box.replaceChildren();
    if (!data || !data.ok) return;
    if (data.verdict === "ok") {
      box.appendChild(el("p", { "class": "ok verdict" }, "Looks kind. Nothing to change."));
      return;
    }
    box.appendChild(el("p", { "class": "verdict " + data.verdict },
      data.verdict === "hold" ? "You might want to hold this one back."
                              : "Worth a second look before you send it."));
    var spans = [];
    data.reasons.forEach(function (r) { spans = spans.concat(r.spans); });
    box.appendChild(highlighted(data.text, spans));
    var ul = el("ul", { "class": "reasons" });
    data.reasons.forEach(function (r) { ul.appendChild(el("li", {}, r.message)); });
    box.appendChild(ul);
    if (data.rewrite) {
      var div = el("div", { "class": "rewrite" });
      var p = el("p", {}, "A kinder way to say it: ");
      p.appendChild(el("q", { "class": "rewrite-text" }, data.rewrite));
      div.appendChild(p);
      var button = el("button", { type: "button", id: "use-rewrite" }, "Use the kinder version");
      button.addEventListener("click", function () {
        textarea.value = data.rewrite;
        textarea.focus();
        check(textarea, box);
      });
      div.appendChild(button);
      box.appendChild(div);
    } else if (data.rewrite_note) {
      box.appendChild(el("p", { "class": "small" }, data.rewrite_note));
    }
  }

  var pending = null;
  function check(textarea, box) {
    var text = textarea.value;
    if (!text.trim()) { box.replaceChildren(); return; }
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(textarea.getAttribute("data-live-check"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: text }),
      credentials: "same-origin",
      signal: pending.signal
    }).then(function (r) { return r.json(); })
      .then(function (data) { if (textarea.value === text) render(box, textarea, data); })
      .catch(function () { /* a nudge, never a blocker: stay quiet on errors */ });
  }

  // "Copy": the draft to the clipboard. Hidden without JavaScript, where the draft is
  // selectable text in its textarea.
  function copy(button) {
    var textarea = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector('[data-copied-for="' + textarea.id + '"]');
    function said(words) { if (status) status.textContent = words; }
    function fallback() {
      textarea.select();
      said(document.execCommand("copy") ? "Copied." : "Select the text and copy it.");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(textarea.value).then(function () { said("Copied."); }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
    document.querySelectorAll("textarea[data-live-check]").forEach(function (textarea) {
      var box = document.getElementById("feedback");
      if (!box) return;
      var timer = null;
      textarea.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { check(textarea, box); }, 350);
      });
    });
  });
})();

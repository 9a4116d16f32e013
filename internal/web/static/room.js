// The live meeting room. The page works without this file (every form posts
// and the page shows the truth on reload); with it, every screen follows the
// room as it changes: the server sends the room's regions on every change
// over an event stream, and this script swaps them in, counts the timer down
// on the server's clock and sends forms without leaving the page.
(function () {
  "use strict";

  var room = document.getElementById("room");
  if (!room || !window.EventSource || !window.fetch) return;

  var me = room.dataset.me;
  var zone = room.dataset.zone || undefined;
  var version = Number(room.dataset.version) || 0;
  var offset = 0; // server clock minus this screen's clock, in ms
  var pending = {}; // regions held back while someone types in them
  var conn = room.querySelector("[data-conn]");

  // --- Whose controls are whose -------------------------------------------

  function has(list, id) { return (list || []).indexOf(id) >= 0; }

  function applyState(st) {
    var c = room.classList;
    c.toggle("can-facilitate", has(st.facilitate, me));
    c.toggle("can-control", has(st.control, me));
    c.toggle("can-present", has(st.present, me));
    c.toggle("can-notes", has(st.notes, me));
    c.toggle("me-hand", has(st.hands, me));
    c.toggle("me-speaking", st.speaker === me);
    c.toggle("is-started", !!st.started);
    c.toggle("is-ended", !!st.ended);
    c.toggle("is-closing", !!st.closing);
  }

  // Elements meant for one person (the owner of a commitment, say).
  function applyOwners(root) {
    var canFacilitate = room.classList.contains("can-facilitate");
    root.querySelectorAll("[data-for]").forEach(function (el) {
      var mine = el.dataset.for.split(" ").indexOf(me) >= 0;
      el.hidden = !(mine || (el.hasAttribute("data-or-facilitator") && canFacilitate));
    });
  }

  // The board's form follows what the segment takes: hidden while the
  // board is closed, a suggestion only when suggestions are welcome.
  function applyBoard() {
    var mode = room.querySelector("[data-board]");
    var radio = room.querySelector("input[data-suggestion]");
    if (!mode || !radio) return;
    var form = radio.form, board = mode.dataset.board;
    if (form) form.hidden = board !== "questions" && board !== "suggestions";
    var open = board === "suggestions";
    radio.disabled = !open;
    if (!open && radio.checked) {
      var q = room.querySelector("input[name=kind][value=question]");
      if (q) q.checked = true;
    }
  }

  // Sizes drawn from the data: the page's security policy allows no style
  // attributes in the markup, so they are set here (without JavaScript the
  // agenda's parts are equal and the figures are written out).
  function applySizes(root) {
    root.querySelectorAll("[data-grow]").forEach(function (el) { el.style.flexGrow = el.dataset.grow; });
    root.querySelectorAll("[data-width]").forEach(function (el) { el.style.width = el.dataset.width + "%"; });
    root.querySelectorAll("[data-left]").forEach(function (el) { el.style.left = el.dataset.left + "%"; });
    // On a phone the agenda scrolls sideways: keep the current part in view.
    var bar = root.querySelector(".agenda-bar"), cur = bar && bar.querySelector(".seg-current");
    if (cur && bar.scrollWidth > bar.clientWidth) {
      bar.scrollLeft += cur.getBoundingClientRect().left - bar.getBoundingClientRect().left - 8;
    }
  }

  // Times written in the reader's own zone.
  function localTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d)) return;
      var opts = t.dataset.local === "time"
        ? { hour: "2-digit", minute: "2-digit", timeZone: zone }
        : { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: zone };
      try { t.textContent = new Intl.DateTimeFormat(undefined, opts).format(d); } catch (e) {}
    });
  }

  // --- Regions ------------------------------------------------------------

  // busy reports whether someone is writing in a region, which must then
  // wait: replacing it would lose what they typed.
  function busy(el) {
    var active = document.activeElement;
    if (active && el.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "hidden") return true;
    return Array.prototype.some.call(el.querySelectorAll("input, textarea"), function (f) {
      if (f.type === "checkbox" || f.type === "radio") return f.checked !== f.defaultChecked;
      return f.type !== "hidden" && f.value !== f.defaultValue;
    });
  }

  function swap(el, html) {
    // Keep keyboard focus on the same control when a region is redrawn.
    var active = document.activeElement, at = -1;
    var controls = el.querySelectorAll("button, a, input, select, textarea");
    if (active && el.contains(active)) at = Array.prototype.indexOf.call(controls, active);
    el.innerHTML = html;
    applyOwners(el);
    applySizes(el);
    localTimes(el);
    wireForms(el);
    if (at >= 0) {
      var again = el.querySelectorAll("button, a, input, select, textarea")[at];
      if (again) again.focus();
    }
  }

  function flushPending() {
    Object.keys(pending).forEach(function (name) {
      var el = room.querySelector('[data-region="' + name + '"]');
      if (!el) { delete pending[name]; return; }
      if (!busy(el)) { swap(el, pending[name]); delete pending[name]; }
    });
  }

  function applyFrame(frame) {
    var st = frame.state;
    if (st.v < version) return; // an older room than the one shown
    version = st.v;
    offset = st.now - Date.now();
    applyState(st);
    // A frame carries the regions that changed (all of them when it is a
    // stream's first); the others stay as they are.
    Object.keys(frame.regions || {}).forEach(function (name) {
      var el = room.querySelector('[data-region="' + name + '"]');
      if (!el) return;
      if (busy(el)) { pending[name] = frame.regions[name]; return; }
      delete pending[name];
      swap(el, frame.regions[name]);
    });
    applyOwners(room);
    applyBoard();
    followMinutes(st);
    tick();
  }

  // --- Timer ----------------------------------------------------------------

  function clock(ms) {
    var s = Math.round(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(sec);
  }

  // The tab's title carries the clock, so it shows in the tab bar while
  // the video call has the screen.
  var pageTitle = document.title;

  function tick() {
    var t = room.querySelector("[data-timer]");
    if (!t || t.dataset.active !== "true") {
      document.title = pageTitle;
      return;
    }
    var planned = Number(t.dataset.planned), elapsed = Number(t.dataset.elapsed);
    if (t.dataset.running === "true") elapsed += Date.now() + offset - Number(t.dataset.started);
    var left = planned - elapsed;
    var warn = planned < 300000 ? planned / 5 : 60000;
    var text = left < 0 ? clock(left) + " over" : clock(left) + " left";
    var out = t.querySelector("[data-clock]");
    if (out) out.textContent = text;
    document.title = text + (t.dataset.running === "true" ? "" : " (paused)") + " · " + pageTitle;
    t.classList.toggle("timer-late", left < 0);
    t.classList.toggle("timer-warn", left >= 0 && left <= warn);
  }

  // --- Forms ----------------------------------------------------------------

  function showError(form, text) {
    // Forms without a place of their own (the timer's buttons) use the room's.
    var el = form.querySelector("[data-error]") || room.querySelector("[data-room-error]");
    if (el) el.textContent = text || "";
    if (text) showDone(form, "");
  }

  // doneNote is where a form says its change is saved: its own note, or its
  // section's when the form sits in a region that is redrawn (the play-back).
  function doneNote(form) {
    var section = form.closest("section");
    return form.querySelector("[data-done-note], [data-saved]") || (section && section.querySelector("[data-done-note]"));
  }

  // showDone says that a form's change is saved, in the calm style of
  // success, never in the error's place; it clears the other one.
  function showDone(form, text) {
    var el = doneNote(form);
    if (el) el.textContent = text || "";
    if (text) showError(form, "");
  }

  function send(form, submitter) {
    var body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    // Not form.action: the timer's forms have a field named "action".
    return fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    });
  }

  var signedOut = "This was not sent: you may have been signed out. Copy what you wrote, then reload the page.";

  function wireForms(root) {
    root.querySelectorAll("form[data-live]").forEach(function (form) {
      if (form.dataset.wired) return;
      form.dataset.wired = "1";
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        showError(form, "");
        showDone(form, "");
        var button = e.submitter;
        if (button) button.disabled = true;
        send(form, button).then(function (res) {
          // A redirect is the sign-in page (the session ended): nothing was
          // done, and what was written must stay in the form.
          if (res.redirected) { showError(form, signedOut); return; }
          if (res.ok) {
            if (form.hasAttribute("data-reset")) form.reset();
            if (form.dataset.done) showDone(form, form.dataset.done);
            return;
          }
          return res.json().then(function (b) { showError(form, b.error || "That did not work. Please try again."); },
            function () { showError(form, "That did not work. Please try again."); });
        }, function () {
          showError(form, "We could not reach Roundtable. Check your connection and try again.");
        }).finally(function () { if (button) button.disabled = false; });
      });
    });
  }

  // --- Minutes --------------------------------------------------------------

  var minutesForm = room.querySelector("form[data-minutes]");
  var saveTimer = null;

  function field(name) { return minutesForm.querySelector('[name="' + name + '"]'); }

  // followMinutes shows a newer version someone else saved, unless the
  // note-taker is writing: then her next save merges both.
  function followMinutes(st) {
    if (!minutesForm || typeof st.minutesVersion !== "number") return;
    var base = field("base_version"), baseText = field("base_text"), text = field("text");
    if (st.minutesVersion <= Number(base.value)) return;
    if (text.value === baseText.value && document.activeElement !== text) {
      text.value = st.minutesText;
      text.defaultValue = st.minutesText;
      base.value = st.minutesVersion;
      baseText.value = st.minutesText;
    }
  }

  function saveMinutes() {
    clearTimeout(saveTimer);
    var text = field("text"), sent = text.value;
    var saved = minutesForm.querySelector("[data-saved]");
    showError(minutesForm, "");
    return send(minutesForm).then(function (res) {
      if (res.redirected) { showError(minutesForm, signedOut); return; }
      // Not every refusal is JSON (a body too large is a page): say so
      // rather than fail silently; the text stays for another try.
      return res.json().catch(function () { return { error: "The minutes could not be saved (" + res.status + ")." }; }).then(function (b) {
        if (!res.ok || b.error) { showError(minutesForm, b.error || "The minutes could not be saved."); return; }
        if (b.conflict) {
          field("base_version").value = b.theirs.version;
          field("base_text").value = b.theirs.text;
          showConflict(b.theirs);
          return;
        }
        field("base_version").value = b.version;
        field("base_text").value = b.text;
        if (text.value === sent) { text.value = b.text; }
        text.defaultValue = b.text;
        var old = minutesForm.querySelector("[data-conflict]");
        if (old) old.remove();
        if (saved) saved.textContent = b.merged ? "Saved, together with an edit someone made meanwhile." : "Saved.";
      });
    }, function () {
      showError(minutesForm, "We could not reach Roundtable. Your text is still here; it will be saved when you try again.");
    });
  }

  function showConflict(theirs) {
    var box = minutesForm.querySelector("[data-conflict]");
    if (!box) {
      box = document.createElement("div");
      box.className = "card todo";
      box.setAttribute("data-conflict", "");
      box.setAttribute("role", "alert");
      minutesForm.insertBefore(box, minutesForm.firstChild);
    }
    box.innerHTML = "";
    var h = document.createElement("h3");
    h.textContent = (theirs.by || "Someone") + " changed the same lines";
    var p = document.createElement("p");
    p.textContent = "Nothing of yours is lost: your text is below. Their version is here; copy what you want to keep into yours, then save again.";
    var pre = document.createElement("pre");
    pre.className = "minutes-text";
    pre.textContent = theirs.text;
    box.append(h, p, pre);
  }

  if (minutesForm) {
    minutesForm.addEventListener("submit", function (e) { e.preventDefault(); saveMinutes(); });
    // Save a few seconds after the note-taker stops typing.
    field("text").addEventListener("input", function () {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(saveMinutes, 4000);
    });
  }

  // --- The event stream -----------------------------------------------------

  var source = null, retry = 1000;

  function status(text) {
    if (!conn) return;
    conn.textContent = text || "";
    conn.hidden = !text;
  }

  // reconnect opens a new stream after a pause that grows with each try.
  function reconnect() {
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 30000);
  }

  function connect() {
    source = new EventSource(room.dataset.events);
    source.onopen = function () { status(""); retry = 1000; room.dataset.live = "open"; };
    source.onmessage = function (e) {
      try {
        applyFrame(JSON.parse(e.data));
      } catch (err) {
        // Later frames may carry only what changed since this one: start a
        // new stream, whose first frame is the whole room.
        room.dataset.frameError = String(err);
        if (window.console) console.error(err);
        source.close();
        reconnect();
      }
    };
    source.onerror = function () {
      status("Connection lost. Reconnecting…");
      room.dataset.live = "lost";
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (the server refused): try again.
        reconnect();
      }
    };
  }

  var t0 = room.querySelector("[data-timer]");
  if (t0) offset = Number(t0.dataset.now) - Date.now();
  applyOwners(room);
  applySizes(room);
  applyBoard();
  localTimes(room);
  wireForms(room);
  connect();
  setInterval(function () { tick(); flushPending(); }, 250);
})();

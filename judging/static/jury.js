/* The tablet's outbox, on every jury page: each unsent change and each submit intent of the juror waits in
   localStorage (synchronous, so a tap is kept even if the tab dies the next instant) until the server has
   acknowledged it with the expected JSON. Any jury page sends what waits (the list included), on load, when the
   connection returns and when the page is left (keepalive). Logging out sends what it can, warns about the rest,
   then wipes the tablet: outbox, last known cards, pitch timers, caches and the service worker. */
(function () {
  "use strict";
  var context = document.getElementById("jury-tablet");
  if (!context) return;
  var juror = context.dataset.juror;
  var csrf = context.dataset.csrf;
  var CACHE = "jury-pages-v1";
  var PREFIXES = ["outbox:", "known:", "sent:", "pitch:", "scorecard-"];
  var running = {}, queued = {}, listeners = {}, retryTimer = null, retryDelay = 1000;

  function key(card) { return "outbox:" + juror + ":" + card; }
  function knownKey(outboxKey) { return "known:" + outboxKey.slice("outbox:".length); }
  function read(name) {
    try { return JSON.parse(localStorage.getItem(name)); } catch (e) { return null; }
  }
  function get(outboxKey) { return read(outboxKey); }
  function put(outboxKey, item) { localStorage.setItem(outboxKey, JSON.stringify(item)); }
  function remove(outboxKey) { localStorage.removeItem(outboxKey); }
  function known(outboxKey) { return read(knownKey(outboxKey)); }
  function remember(outboxKey, card) {
    localStorage.setItem(knownKey(outboxKey), JSON.stringify({
      version: card.version, status: card.status,
      values: { marks: card.marks || {}, comments: card.comments || {}, overall_comment: card.overall_comment || "" } }));
  }
  function mine() {
    var keys = [], prefix = "outbox:" + juror + ":";
    for (var i = 0; i < localStorage.length; i++) {
      var name = localStorage.key(i);
      if (name && name.indexOf(prefix) === 0) keys.push(name);
    }
    return keys;
  }
  function on(outboxKey, listener) { (listeners[outboxKey] = listeners[outboxKey] || []).push(listener); }
  function tell(outboxKey, result) {
    (listeners[outboxKey] || []).concat(listeners["*"] || []).forEach(function (listener) { listener(result, outboxKey); });
  }

  // What the server said, in four kinds: saved (the expected JSON), conflict (another device's copy), refused
  // (a reason the juror must read) and retry (no signal, a server error, a login page or anything unexpected).
  function judge(response, data) {
    if (response.status === 200 && !response.redirected && data && typeof data.version === "number"
        && typeof data.status === "string" && data.marks && typeof data.marks === "object") {
      return { kind: "saved", card: data };
    }
    if (response.status === 409 && data && data.server) return { kind: "conflict", server: data.server };
    if (data && data.refused === true) return { kind: "refused", error: data.error, readOnly: !!data.read_only };
    // An expired session, a proxy's or captive portal's page, a server error: kept, and tried again.
    return { kind: "retry", error: data && (data.message || data.error) };
  }

  function sentKey(outboxKey) { return "sent:" + outboxKey.slice("outbox:".length); }
  // The server trims comments and drops empty ones: compare what it would store.
  function same(a, b) {
    function norm(v) {
      var marks = {}, comments = {};
      Object.keys(v.marks || {}).sort().forEach(function (k) {
        if (v.marks[k] !== null && v.marks[k] !== "") marks[k] = Number(v.marks[k]);
      });
      Object.keys(v.comments || {}).sort().forEach(function (k) {
        var text = String(v.comments[k] || "").trim();
        if (text) comments[k] = text;
      });
      return JSON.stringify([marks, comments, String(v.overall_comment || "").trim()]);
    }
    return norm(a) === norm(b);
  }

  function post(outboxKey, item, keepalive) {
    // Kept until the reply: if it is lost (tab closed, signal gone) and later edits meet this very save on the
    // server, the tablet knows the server's copy is its own and builds on it instead of calling it a conflict.
    var unanswered = (read(sentKey(outboxKey)) || []).filter(function (earlier) {
      return !(earlier.base === item.base && same(earlier.values, item.values));
    }).slice(-19);
    unanswered.push({ base: item.base, values: item.values });
    localStorage.setItem(sentKey(outboxKey), JSON.stringify(unanswered));
    var body = { marks: item.values.marks, comments: item.values.comments,
                 overall_comment: item.values.overall_comment, version: item.base };
    if (item.submit) body.submit = true;
    return fetch(item.api, { method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body) })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return (json ? response.json() : Promise.resolve(null)).catch(function () { return null; })
          .then(function (data) { return judge(response, data); });
      }, function () { return { kind: "retry" }; })
      .then(function (result) {
        var now = get(outboxKey), unanswered = read(sentKey(outboxKey)) || [];
        if (result.kind === "conflict" && now && unanswered.some(function (earlier) {
          return result.server.version === earlier.base + 1 && same(earlier.values, result.server);
        })) {
          now.base = result.server.version;  // the server holds this tablet's own earlier save
          put(outboxKey, now);
          return { kind: "rebased", pending: true };
        }
        if (result.kind === "saved") {
          localStorage.removeItem(sentKey(outboxKey));  // every earlier send is settled
          remember(outboxKey, result.card);
          if (now && now.at === item.at) remove(outboxKey);
          else if (now) { now.base = result.card.version; put(outboxKey, now); }  // edits made meanwhile build on it
        } else if (now && now.at === item.at && result.kind !== "retry") {
          if (result.kind === "conflict") now.conflict = result.server;
          else { now.refused = result.error; now.readOnly = result.readOnly; }
          put(outboxKey, now);
        }
        result.pending = !!get(outboxKey);
        return result;
      });
  }

  // One request at a time per scorecard; taps made while one is in flight are sent together right after it,
  // reading the outbox then, so a submit tapped during an autosave is never lost nor turned into a draft.
  function send(outboxKey, options) {
    options = options || {};
    if (running[outboxKey]) {
      if (!queued[outboxKey]) {
        queued[outboxKey] = running[outboxKey].then(function () {
          queued[outboxKey] = null;
          return send(outboxKey, options);
        });
      }
      return queued[outboxKey];
    }
    var item = get(outboxKey);
    if (!item || ((item.conflict || item.refused) && !options.force)) {
      return Promise.resolve({ kind: item ? "waiting" : "nothing", pending: !!item });
    }
    running[outboxKey] = post(outboxKey, item, options.keepalive).then(function (result) {
      running[outboxKey] = null;
      if (result.kind === "rebased") return send(outboxKey, options);
      if (result.kind === "retry") scheduleRetry(); else retryDelay = 1000;
      tell(outboxKey, result);
      return result;
    });
    return running[outboxKey];
  }

  function flushAll(options) {
    return Promise.all(mine().map(function (outboxKey) { return send(outboxKey, options); }));
  }

  function scheduleRetry() {
    if (retryTimer) return;
    // Jittered, so that a hall of tablets does not resend in step when the server comes back.
    retryTimer = setTimeout(function () { retryTimer = null; flushAll(); }, retryDelay * (0.5 + Math.random()));
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  window.addEventListener("online", function () { retryDelay = 1000; flushAll(); });
  // Leaving the page (closing the tab, switching app): the browser lets keepalive requests finish.
  window.addEventListener("pagehide", function () { flushAll({ keepalive: true }); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushAll({ keepalive: true });
  });

  function label(name) { return context.dataset["label" + name] || ""; }
  function describe(item) {
    if (!item) return "";
    if (item.conflict) return label("Conflict");
    if (item.refused) return label("Refused") + ": " + item.refused;
    return item.submit ? label("SubmitQueued") : label("Waiting");
  }

  // The list: each entry says what still waits on this tablet, and what the tablet last heard from the server.
  function markRows() {
    Array.prototype.forEach.call(document.querySelectorAll("tr[data-card]"), function (row) {
      var outboxKey = key(row.dataset.card), item = get(outboxKey), note = row.querySelector(".outbox-note");
      var last = known(outboxKey), badge = row.querySelector(".card-status");
      if (badge && last) {
        badge.textContent = last.status === "submitted" ? label("Submitted") : label("Draft");
        badge.className = "badge card-status status-" + last.status;
      }
      if (!note) return;
      note.textContent = describe(item);
      note.hidden = !item;
      note.dataset.state = !item ? "" : item.conflict ? "conflict" : item.refused ? "refused"
        : item.submit ? "submit-queued" : "waiting";
    });
  }

  // Logging out: send what can be sent, warn about the rest, then leave nothing of this juror on the tablet.
  function wipe() {
    var names = [];
    for (var i = 0; i < localStorage.length; i++) names.push(localStorage.key(i));
    names.forEach(function (name) {
      if (PREFIXES.some(function (prefix) { return name && name.indexOf(prefix) === 0; })) localStorage.removeItem(name);
    });
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (all) { return Promise.all(all.map(function (n) { return caches.delete(n); })); }));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (all) {
        return Promise.all(all.map(function (registration) { return registration.unregister(); }));
      }));
    }
    return Promise.all(jobs).catch(function () {});
  }

  function guardLogout(form) {
    var warning = document.getElementById("logout-warning");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var waited = new Promise(function (resolve) { setTimeout(resolve, 4000); });
      Promise.race([flushAll({ force: false }), waited]).then(function () {
        var left = mine();
        if (!left.length || !warning) { wipe().then(function () { form.submit(); }); return; }
        var list = document.getElementById("logout-unsent");
        list.textContent = "";
        left.forEach(function (outboxKey) {
          var item = get(outboxKey) || {}, li = document.createElement("li");
          li.textContent = (item.title || outboxKey) + " — " + describe(item);
          list.appendChild(li);
        });
        warning.hidden = false;
        warning.scrollIntoView({ block: "center" });
        document.getElementById("logout-anyway").onclick = function () { wipe().then(function () { form.submit(); }); };
        document.getElementById("logout-stay").onclick = function () { warning.hidden = true; };
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[action$='/auth/logout']"), guardLogout);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(context.dataset.sw, { scope: "/jury/" }).catch(function () {});
  }

  // Opened online, the list keeps every assigned scorecard and its files (within a budget) for a day offline.
  var FILE_BUDGET = 10 * 1024 * 1024, TOTAL_BUDGET = 80 * 1024 * 1024;
  function precache() {
    if (!window.caches || navigator.onLine === false) return;
    var urls = [context.dataset.offlineUrl].concat(context.dataset.assets.split(" ")), total = 0;
    Array.prototype.forEach.call(document.querySelectorAll("#precache [data-url]"), function (li) {
      var size = parseInt(li.dataset.size || "0", 10);
      if (size > FILE_BUDGET || total + size > TOTAL_BUDGET) return;
      total += size;
      urls.push(li.dataset.url);
    });
    caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () {});
      }));
    }).then(function () { context.dataset.precached = String(urls.length); });
  }

  // Marks kept by the previous version of the scorecard script (one key per card, no outbox yet).
  (function adoptOldKeys() {
    var prefix = "scorecard-" + juror + "-", names = [];
    for (var i = 0; i < localStorage.length; i++) names.push(localStorage.key(i));
    names.forEach(function (name) {
      var parts = name && name.indexOf(prefix) === 0 ? name.slice(prefix.length).split("-") : [];
      var old = parts.length === 2 ? read(name) : null;
      if (old && old.values && !get(key(parts.join("-")))) {
        put(key(parts.join("-")), { api: "/jury/api/scorecards/" + parts[0] + "/" + parts[1], title: "",
                                    base: old.base, values: old.values, submit: false, at: String(old.at) });
      }
      if (parts.length === 2) localStorage.removeItem(name);
    });
  })();

  // This very page, its scripts and the offline page are kept for a reload with no signal. The service worker
  // keeps what it serves; a page loaded before the worker took over (the day's first) is fetched once more.
  function keepThisPage() {
    if (!window.caches || navigator.onLine === false || !navigator.serviceWorker) return Promise.resolve();
    return navigator.serviceWorker.ready.then(function () { return caches.open(CACHE); }).then(function (cache) {
      var urls = [location.href, context.dataset.offlineUrl].concat(context.dataset.assets.split(" "));
      return Promise.all(urls.map(function (url) {
        return cache.match(url).then(function (hit) {
          if (hit && (url !== location.href || navigator.serviceWorker.controller)) return null;
          return fetch(url, { credentials: "same-origin" }).then(function (response) {
            if (response.ok && !response.redirected) return cache.put(url, response);
          });
        });
      }));
    }).then(function () { context.dataset.kept = "yes"; }).catch(function () {});
  }

  window.Jury = { key: key, get: get, put: put, remove: remove, known: known, remember: remember, send: send,
                  flushAll: flushAll, on: on, describe: describe, juror: juror };
  on("*", markRows);
  markRows();
  if (document.getElementById("precache")) precache();
  keepThisPage();
  flushAll().then(markRows);
})();

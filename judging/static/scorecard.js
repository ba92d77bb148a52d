/* The tablet scorecard: autosave, offline queue, two-tablet conflicts, live total, pitch timer.
   The page works without this file (plain form posts); this adds what only a script can do. */
(function () {
  "use strict";
  var form = document.getElementById("scorecard");
  if (!form) return;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/jury/sw.js", { scope: "/jury/" }).catch(function () {});
  }
  // Keep a copy of this page and its assets, so that a reload with no signal still opens the scorecard.
  function refreshCache() {
    if (!window.caches || !navigator.onLine) return;
    caches.open("jury-pages-v1").then(function (cache) {
      return cache.addAll([location.href, "/static/app.css", "/static/scorecard.js"]);
    }).catch(function () {});
  }
  refreshCache();
  var api = form.dataset.api;
  var storageKey = form.dataset.storageKey;
  var locked = form.dataset.locked === "yes";
  var csrf = form.querySelector("[name=csrf_token]").value;
  var versionInput = form.querySelector("[name=version]");
  var indicator = document.getElementById("sync-status");
  var totalOutput = document.getElementById("total");
  var conflictPanel = document.getElementById("conflict");
  var criteria = Array.prototype.map.call(form.querySelectorAll("fieldset.criterion"), function (f) {
    return { key: f.dataset.key, weight: parseFloat(f.dataset.weight), min: parseFloat(f.dataset.min),
             max: parseFloat(f.dataset.max), label: f.querySelector("legend").firstChild.textContent.trim() };
  });
  var timer = null, inFlight = false, again = false, retryDelay = 1000, retryTimer = null, serverCopy = null;

  function show(state) {
    indicator.dataset.state = state;
    indicator.textContent = indicator.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)] || state;
  }

  function read() {
    var values = { marks: {}, comments: {}, overall_comment: form.overall_comment.value };
    criteria.forEach(function (c) {
      var checked = form.querySelector("input[name='mark-" + c.key + "']:checked");
      if (checked) values.marks[c.key] = parseInt(checked.value, 10);
      var comment = form.querySelector("[name='comment-" + c.key + "']");
      if (comment && comment.value.trim()) values.comments[c.key] = comment.value;
    });
    return values;
  }

  function apply(values) {
    criteria.forEach(function (c) {
      form.querySelectorAll("input[name='mark-" + c.key + "']").forEach(function (input) {
        input.checked = values.marks[c.key] !== undefined && String(values.marks[c.key]) === input.value;
      });
      var comment = form.querySelector("[name='comment-" + c.key + "']");
      if (comment) comment.value = (values.comments || {})[c.key] || "";
    });
    form.overall_comment.value = values.overall_comment || "";
    showTotal();
  }

  // Display only: the server recomputes and stores the total with scoring.weighted_total.
  function total(marks) {
    var weights = 0, sum = 0;
    for (var i = 0; i < criteria.length; i++) {
      var c = criteria[i];
      if (marks[c.key] === undefined) return null;
      weights += c.weight;
      sum += c.weight * (marks[c.key] - c.min) / (c.max - c.min) * 100;
    }
    return weights ? sum / weights : null;
  }

  function showTotal() {
    var value = total(read().marks);
    totalOutput.textContent = value === null ? "—" : value.toLocaleString(document.documentElement.lang || "en",
      { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }

  function pending() {
    try { return JSON.parse(localStorage.getItem(storageKey)); } catch (e) { return null; }
  }

  function stash() {
    var current = pending();
    // The base is the server version this edit starts from; it only moves when a save is acknowledged.
    var base = current ? current.base : parseInt(versionInput.value, 10);
    localStorage.setItem(storageKey, JSON.stringify({ base: base, values: read(), at: Date.now() }));
  }

  function setVersion(version) {
    versionInput.value = version;
    form.dataset.version = version;
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    // Jittered, so that a hall of tablets does not resend in step when the server comes back.
    retryTimer = setTimeout(send, retryDelay * (0.5 + Math.random()));
    retryDelay = Math.min(retryDelay * 2, 10000);
  }

  function send(submit) {
    var item = pending();
    if (!item && !submit) { if (!inFlight) show("saved"); return Promise.resolve(true); }
    if (inFlight) { again = true; return Promise.resolve(false); }
    inFlight = true;
    show("saving");
    var body = item ? item.values : read();
    body.version = item ? item.base : parseInt(versionInput.value, 10);
    if (submit) body.submit = true;
    return fetch(api, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body) })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        inFlight = false;
        if (result.status === 200) {
          retryDelay = 1000;
          setVersion(result.data.version);
          var now = pending();
          if (now && item && now.at !== item.at) {
            now.base = result.data.version;  // edits made during the save build on the saved version
            localStorage.setItem(storageKey, JSON.stringify(now));
            again = true;
          } else {
            localStorage.removeItem(storageKey);
          }
          show(again ? "saving" : "saved");
          if (again) { again = false; return send(submit); }
          refreshCache();
          return true;
        }
        if (result.status === 409 && result.data.server) {
          showConflict(read(), result.data.server);
          return false;
        }
        if (result.status >= 500 || result.status === 0) { show("offline"); scheduleRetry(); return false; }
        // A refusal (invalid marks, window closed, not assigned): keep the values, say why, do not retry.
        show("error");
        indicator.textContent += ": " + (result.data.error || result.status);
        return false;
      })
      .catch(function () {
        inFlight = false;
        show("offline");
        scheduleRetry();
        return false;
      });
  }

  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }

  function showConflict(mine, theirs) {
    serverCopy = theirs;
    show("conflict");
    var rows = document.getElementById("conflict-rows");
    rows.textContent = "";
    criteria.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(c.label));
      tr.appendChild(cell(mine.marks[c.key] === undefined ? "—" : String(mine.marks[c.key])));
      tr.appendChild(cell(theirs.marks[c.key] === undefined ? "—" : String(theirs.marks[c.key])));
      rows.appendChild(tr);
    });
    var tr = document.createElement("tr");
    tr.appendChild(cell(form.querySelector("label[for=overall_comment]").textContent));
    tr.appendChild(cell(mine.overall_comment || "—"));
    tr.appendChild(cell(theirs.overall_comment || "—"));
    rows.appendChild(tr);
    conflictPanel.hidden = false;
  }

  document.getElementById("keep-mine").addEventListener("click", function () {
    conflictPanel.hidden = true;
    setVersion(serverCopy.version);
    localStorage.setItem(storageKey, JSON.stringify({ base: serverCopy.version, values: read(), at: Date.now() }));
    send();
  });
  document.getElementById("keep-theirs").addEventListener("click", function () {
    conflictPanel.hidden = true;
    localStorage.removeItem(storageKey);
    setVersion(serverCopy.version);
    apply(serverCopy);
    show("saved");
  });

  function changed() {
    showTotal();
    stash();
    show(navigator.onLine === false ? "offline" : "saving");
    clearTimeout(timer);
    timer = setTimeout(send, 600);
  }

  if (!locked) {
    form.addEventListener("change", changed);
    form.addEventListener("input", function (event) { if (event.target.tagName === "TEXTAREA") changed(); });
    form.addEventListener("submit", function (event) {
      var action = event.submitter ? event.submitter.value : "save";
      if (action !== "submit") { event.preventDefault(); stash(); send(); return; }
      event.preventDefault();
      stash();
      send(true).then(function (ok) { if (ok) window.location.reload(); });
    });
    window.addEventListener("online", function () { retryDelay = 1000; send(); });
    window.addEventListener("offline", function () { if (pending()) show("offline"); });
    // A reload (even offline, from the service worker's copy) shows what was not sent yet, then sends it.
    var unsent = pending();
    if (unsent) {
      apply(unsent.values);
      show("offline");
      send();
    }
  }
  showTotal();

  // Pitch timer for stand visits: counts down the slot; tapping starts, pauses or resets it.
  var pitch = document.getElementById("pitch-timer");
  if (pitch) {
    var seconds = parseInt(pitch.dataset.minutes, 10) * 60, left = seconds, ticking = null;
    var display = pitch.querySelector("output");
    var render = function () {
      var m = Math.floor(Math.abs(left) / 60), s = Math.abs(left) % 60;
      display.textContent = (left < 0 ? "-" : "") + m + ":" + (s < 10 ? "0" : "") + s;
      pitch.dataset.state = left <= 0 ? "over" : left <= 60 ? "last-minute" : ticking ? "running" : "paused";
    };
    pitch.querySelector("[data-action=toggle]").addEventListener("click", function () {
      if (ticking) { clearInterval(ticking); ticking = null; }
      else { ticking = setInterval(function () { left -= 1; render(); }, 1000); }
      render();
    });
    pitch.querySelector("[data-action=reset]").addEventListener("click", function () {
      clearInterval(ticking); ticking = null; left = seconds; render();
    });
    render();
  }
})();

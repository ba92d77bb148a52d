/* The tablet scorecard: autosave through the outbox (jury.js), live total, review before the final submit,
   two-tablet comparison per criterion, read-only when scoring is closed, pitch timer.
   The page works without this file (plain form posts); this adds what only a script can do. */
(function () {
  "use strict";
  var form = document.getElementById("scorecard");
  var Jury = window.Jury;
  if (!form || !Jury) return;
  var key = Jury.key(form.dataset.card);
  var versionInput = form.querySelector("[name=version]");
  var indicator = document.getElementById("sync-status");
  var totalOutput = document.getElementById("total");
  var conflictPanel = document.getElementById("conflict");
  var review = document.getElementById("review");
  var labels = document.getElementById("compare-labels").dataset;
  var criteria = Array.prototype.map.call(form.querySelectorAll("fieldset.criterion"), function (f) {
    return { key: f.dataset.key, weight: parseFloat(f.dataset.weight), min: parseFloat(f.dataset.min),
             max: parseFloat(f.dataset.max), label: f.querySelector("legend").firstChild.textContent.trim() };
  });
  var tapAt = null, serverCopy = null, textTimer = null;
  window.tapToSavedMs = [];  // read by the browser suite's metrics

  function show(state, detail) {
    indicator.dataset.state = state;
    indicator.textContent = (indicator.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)] || state)
      + (detail ? ": " + detail : "");
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
      if (comment) {
        comment.value = (values.comments || {})[c.key] || "";
        if (comment.value) comment.closest("details").open = true;
      }
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
  function formatTotal(value) {
    return value === null ? "—" : value.toLocaleString(document.documentElement.lang || "en",
      { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }
  function showTotal() { totalOutput.textContent = formatTotal(total(read().marks)); }

  function version() { return parseInt(versionInput.value, 10); }
  function setVersion(v) { versionInput.value = v; form.dataset.version = v; }

  function lock(on) {
    form.querySelectorAll("input[type=radio], textarea, .score-bar button").forEach(function (el) { el.disabled = on; });
  }

  // Every change goes to the outbox first (kept even if the tab dies), then to the server at once.
  function stash(submit) {
    var item = Jury.get(key);
    Jury.put(key, { api: form.dataset.api, page: form.dataset.page, title: form.dataset.title,
                    base: item ? item.base : version(), values: read(), submit: !!submit,
                    at: Date.now() + ":" + Math.random() });
  }
  function sendNow() {
    var item = Jury.get(key);
    if (!item) { show("saved"); return; }
    show(item.submit ? "submitting" : "saving");
    Jury.send(key, { force: true });
  }

  function submitted() {
    lock(true);
    form.dataset.locked = "yes";
    show("submitted");
    document.getElementById("submitted-note").hidden = false;
    document.getElementById("queued-note").hidden = true;
    document.getElementById("next-entry").hidden = false;
    var timer = document.getElementById("pitch-timer");
    if (timer) timer.hidden = true;
    var skip = document.getElementById("skip-stand-form");  // a scored stand is no longer one to skip
    if (skip) skip.hidden = true;
  }

  function readOnly(reason) {
    lock(true);
    form.dataset.locked = "yes";
    show("closed");
    var note = document.getElementById("closed-reason");
    note.textContent = reason;
    note.hidden = false;
  }

  Jury.on(key, function (result) {
    var item = Jury.get(key);
    if (result.kind === "saved") {
      setVersion(result.card.version);
      if (item) { show(item.submit ? "submitting" : "saving"); return; }  // edits made meanwhile are on their way
      if (result.card.status === "submitted") { submitted(); return; }
      show("saved");
      if (tapAt !== null) {
        window.tapToSavedMs.push(performance.now() - tapAt);
        tapAt = null;
        indicator.dataset.saves = String(window.tapToSavedMs.length);
      }
    } else if (result.kind === "conflict") {
      showConflict(item ? item.values : read(), result.server);
    } else if (result.kind === "refused") {
      if (result.readOnly) { readOnly(result.error); return; }
      if (item && item.submit) {  // the submission was refused (a mark is missing...): back to editing, with why
        item.submit = false;
        Jury.put(key, item);
        lock(false);
        document.getElementById("queued-note").hidden = true;
      }
      show("error", result.error);
    } else if (result.kind === "retry") {
      if (item && item.submit) { show("queued"); queued(); }
      else show(navigator.onLine === false ? "offline" : "retry", result.error);
    }
  });

  function queued() {
    lock(true);
    document.getElementById("queued-note").hidden = false;
    document.getElementById("next-entry").hidden = false;
  }

  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }
  // Each cell names its column, for the narrow screen (or 200 % zoom) where the rows become cards.
  function labelCells(rows) {
    var heads = rows.parentNode.tHead.rows[0].cells;
    Array.prototype.forEach.call(rows.rows, function (tr) {
      for (var i = 1; i < tr.cells.length && i < heads.length; i++) tr.cells[i].dataset.label = heads[i].textContent;
    });
  }
  function valueCell(mark, comment, choice, checked, legend) {
    var td = document.createElement("td");
    var label = document.createElement("label");
    label.className = "choice";
    if (choice) {
      var input = document.createElement("input");
      input.type = "radio"; input.name = choice; input.value = checked.value; input.checked = checked.on;
      input.setAttribute("aria-label", legend);
      label.appendChild(input);
    }
    var strong = document.createElement("strong");
    strong.textContent = mark === undefined ? labels.none : String(mark);
    label.appendChild(strong);
    if (comment) { var small = document.createElement("span"); small.className = "compare-comment"; small.textContent = comment; label.appendChild(small); }
    td.appendChild(label);
    return td;
  }

  // Both versions side by side, marks and comments, and a choice per criterion; nothing is dropped unseen.
  function showConflict(mine, theirs) {
    serverCopy = theirs;
    show("conflict");
    var rows = document.getElementById("conflict-rows");
    rows.textContent = "";
    var lines = criteria.map(function (c) {
      return { key: c.key, label: c.label, mine: [mine.marks[c.key], (mine.comments || {})[c.key] || ""],
               theirs: [theirs.marks[c.key], (theirs.comments || {})[c.key] || ""] };
    });
    lines.push({ key: "__overall", label: labels.overall, mine: [undefined, mine.overall_comment || ""],
                 theirs: [undefined, theirs.overall_comment || ""], overall: true });
    lines.forEach(function (line) {
      var tr = document.createElement("tr");
      tr.dataset.key = line.key;
      var same = line.mine[0] === line.theirs[0] && line.mine[1].trim() === line.theirs[1].trim();
      tr.className = same ? "same" : "differs";
      tr.appendChild(cell(line.label));
      var name = same ? null : "choose-" + line.key;
      tr.appendChild(valueCell(line.overall ? undefined : line.mine[0], line.mine[1], name, { value: "mine", on: true },
                               line.label + ": " + labels.keepMine));
      tr.appendChild(valueCell(line.overall ? undefined : line.theirs[0], line.theirs[1], name, { value: "theirs", on: false },
                               line.label + ": " + labels.keepTheirs));
      rows.appendChild(tr);
    });
    labelCells(rows);
    conflictPanel.hidden = false;
    conflictPanel.scrollIntoView({ block: "start" });
    document.getElementById("conflict-title").focus({ preventScroll: true });
  }

  function resolve(pick) {
    var mine = (Jury.get(key) || {}).values || read(), theirs = serverCopy;
    var merged = { marks: {}, comments: {}, overall_comment: "" };
    criteria.forEach(function (c) {
      var source = pick(c.key) === "theirs" ? theirs : mine;
      if (source.marks[c.key] !== undefined) merged.marks[c.key] = source.marks[c.key];
      if ((source.comments || {})[c.key]) merged.comments[c.key] = source.comments[c.key];
    });
    merged.overall_comment = (pick("__overall") === "theirs" ? theirs : mine).overall_comment || "";
    conflictPanel.hidden = true;
    apply(merged);
    setVersion(theirs.version);
    Jury.put(key, { api: form.dataset.api, page: form.dataset.page, title: form.dataset.title, base: theirs.version,
                    values: read(), submit: false, at: Date.now() + ":" + Math.random() });
    sendNow();  // the server answers "saved" at once if the choice equals its copy
  }
  function chosen(lineKey) {
    var input = conflictPanel.querySelector("input[name='choose-" + lineKey + "']:checked");
    return input ? input.value : "mine";
  }
  document.getElementById("keep-chosen").addEventListener("click", function () { resolve(chosen); });
  document.getElementById("keep-mine").addEventListener("click", function () { resolve(function () { return "mine"; }); });
  document.getElementById("keep-theirs").addEventListener("click", function () { resolve(function () { return "theirs"; }); });

  // The review before the final submit: every mark, its comment and the total, then one more tap.
  function openReview() {
    var values = read(), rows = document.getElementById("review-rows"), missing = false;
    rows.textContent = "";
    criteria.forEach(function (c) {
      var tr = document.createElement("tr");
      if (values.marks[c.key] === undefined) { missing = true; tr.className = "missing"; }
      tr.appendChild(cell(c.label));
      tr.appendChild(cell(values.marks[c.key] === undefined ? labels.none : String(values.marks[c.key])));
      tr.appendChild(cell(values.comments[c.key] || ""));
      rows.appendChild(tr);
    });
    labelCells(rows);
    document.getElementById("review-total").textContent = formatTotal(total(values.marks));
    document.getElementById("review-missing").hidden = !missing;
    document.getElementById("confirm-submit").disabled = missing;
    review.hidden = false;
    review.scrollIntoView({ block: "start" });
    document.getElementById("review-title").focus({ preventScroll: true });
  }
  document.getElementById("review-back").addEventListener("click", function () { review.hidden = true; });
  document.getElementById("confirm-submit").addEventListener("click", function () {
    review.hidden = true;
    stash(true);
    lock(true);
    sendNow();
  });

  function changed(event) {
    var name = event.target.name || "";
    // Only the card's own fields: the comparison's and the review's choices are not marks.
    if (!(name.indexOf("mark-") === 0 || name.indexOf("comment-") === 0 || name === "overall_comment")) return;
    showTotal();
    stash(false);
    tapAt = performance.now();
    clearTimeout(textTimer);
    if (event.type === "input") {
      show(navigator.onLine === false ? "offline" : "saving");
      textTimer = setTimeout(sendNow, 300);  // typing: one save per pause, the text itself is already kept
    } else {
      sendNow();
    }
  }

  if (form.dataset.locked !== "yes") {
    form.addEventListener("change", changed);
    form.addEventListener("input", function (event) { if (event.target.tagName === "TEXTAREA") changed(event); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var action = event.submitter ? event.submitter.value : "save";
      if (action === "submit") { openReview(); return; }
      stash(false);
      sendNow();
    });
  }

  // What this tablet holds for the card wins over the page's copy (which may come from the offline cache).
  var unsent = Jury.get(key), last = Jury.known(key);
  if (!unsent && last && last.version > version()) {
    apply(last.values);
    setVersion(last.version);
    if (last.status === "submitted") submitted();
  }
  if (unsent) {
    apply(unsent.values);
    if (unsent.conflict) showConflict(unsent.values, unsent.conflict);
    else if (unsent.refused && unsent.readOnly) readOnly(unsent.refused);
    else if (unsent.refused) show("error", unsent.refused);
    else {
      if (unsent.submit) { show("queued"); queued(); }
      sendNow();
    }
  }
  showTotal();

  // Pitch timer for stand visits: the end time is kept on the tablet, and the time left is recomputed from a
  // monotonic clock on every tick (never by counting ticks), so it neither drifts nor resets on reload.
  var pitch = document.getElementById("pitch-timer");
  if (pitch) {
    var slot = parseInt(pitch.dataset.minutes, 10) * 60000, display = pitch.querySelector("output");
    var alarm = pitch.querySelector(".time-up"), audio = null, ticking = null;
    var now = function () { return performance.timeOrigin + performance.now(); };
    var load = function () { return JSON.parse(localStorage.getItem(pitch.dataset.key) || "null") || { left: slot, endAt: null }; };
    var save = function (state) { localStorage.setItem(pitch.dataset.key, JSON.stringify(state)); };
    var beep = function () {
      if (!audio) return;
      try {
        var oscillator = audio.createOscillator();
        oscillator.connect(audio.destination);
        oscillator.start();
        oscillator.stop(audio.currentTime + 0.6);
      } catch (e) { /* sound is optional */ }
    };
    var render = function () {
      var state = load(), running = state.endAt !== null;
      var left = running ? state.endAt - now() : state.left;
      var secs = Math.ceil(Math.abs(left) / 1000);
      var m = Math.floor(secs / 60), s = secs % 60;
      display.textContent = (left < 0 ? "-" : "") + m + ":" + (s < 10 ? "0" : "") + s;
      var over = left <= 0;
      pitch.dataset.state = over ? "over" : left <= 60000 ? "last-minute" : running ? "running" : "paused";
      if (over && alarm.hidden) {
        alarm.hidden = false;
        beep();
        if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      }
      if (!over) alarm.hidden = true;
    };
    var tick = function (on) {
      clearInterval(ticking);
      ticking = on ? setInterval(render, 250) : null;
    };
    pitch.querySelector("[data-action=toggle]").addEventListener("click", function () {
      var state = load();
      if (state.endAt !== null) save({ left: state.endAt - now(), endAt: null });
      else save({ left: state.left, endAt: now() + state.left });
      if (!audio && (window.AudioContext || window.webkitAudioContext)) {
        try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
      }
      tick(load().endAt !== null);
      render();
    });
    pitch.querySelector("[data-action=reset]").addEventListener("click", function () {
      save({ left: slot, endAt: null });
      tick(false);
      render();
    });
    tick(load().endAt !== null);
    render();
  }
})();

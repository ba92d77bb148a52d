/* The juror's "next stand" page on the show floor. Online, it asks the server every few seconds (an organiser may
   send the juror elsewhere, a colleague may take a stand). Without a connection it falls back to the visit
   schedule's order as kept on this tablet: the first stand of the walk not yet scored (here or in the outbox) and
   not skipped, skipped stands last; "skip" and "go" then work on the tablet alone (scoring.floor.schedule_order is
   the same rule on the server). */
(function () {
  "use strict";
  var box = document.getElementById("next-stand");
  if (!box) return;
  var juror = (document.getElementById("jury-tablet") || { dataset: {} }).dataset.juror;
  var round = box.dataset.round;
  var skipKey = "floor-skips:" + juror + ":" + round;
  var card = document.getElementById("next-card"), none = document.getElementById("next-none");
  var mode = document.getElementById("floor-mode");
  var goForm = document.getElementById("go-form"), skipForm = document.getElementById("skip-form");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#floor-schedule tr[data-entry]"));
  var offline = false, shown = box.dataset.next;
  var labels = { sent: box.dataset.labelSent, nearest: box.dataset.labelNearest, requeued: box.dataset.labelRequeued,
                 schedule: box.dataset.labelSchedule };

  function read(name) { try { return JSON.parse(localStorage.getItem(name)); } catch (e) { return null; } }
  function localSkips() { return read(skipKey) || []; }
  function doneHere(row) {
    if (row.dataset.status === "scored") return true;
    var outbox = read("outbox:" + juror + ":" + row.dataset.card), known = read("known:" + juror + ":" + row.dataset.card);
    return !!((outbox && outbox.submit) || (known && known.status === "submitted"));
  }
  function rowOf(entry) { return rows.filter(function (r) { return r.dataset.entry === String(entry); })[0]; }

  function show(stand, why, text) {
    if (!stand) {
      card.hidden = true;
      none.hidden = false;
      if (text) none.textContent = text;
      shown = "";
      return;
    }
    document.getElementById("next-title").textContent = stand.title;
    document.getElementById("next-where").textContent = box.dataset.labelHall + " " + (stand.hall || "—") + " · " +
      box.dataset.labelStand + " " + (stand.stand || "—");
    document.getElementById("next-company").textContent = stand.company;
    document.getElementById("next-why").textContent = labels[why] || labels.nearest;
    goForm.action = stand.go_url; goForm.dataset.scoreUrl = stand.score_url;
    skipForm.action = stand.skip_url; skipForm.dataset.entry = stand.entry;
    box.dataset.why = why; box.dataset.next = String(stand.entry);
    card.hidden = false; none.hidden = true;
    shown = String(stand.entry);
  }

  function fromRow(row) {
    return { entry: row.dataset.entry, title: row.dataset.title, company: row.dataset.company, hall: row.dataset.hall,
             stand: row.dataset.stand, score_url: row.dataset.scoreUrl, go_url: row.dataset.goUrl, skip_url: row.dataset.skipUrl };
  }

  function scheduleOrder() {  // the offline rule: schedule order, done ones out, skipped ones last (oldest first)
    var skips = localSkips().concat(rows.filter(function (r) { return r.dataset.status === "skipped"; })
      .map(function (r) { return r.dataset.entry; })).filter(function (v, i, all) { return all.indexOf(v) === i; });
    var left = rows.filter(function (r) { return !doneHere(r); });
    var fresh = left.filter(function (r) { return skips.indexOf(r.dataset.entry) < 0; });
    var later = left.filter(function (r) { return skips.indexOf(r.dataset.entry) >= 0; })
      .sort(function (a, b) { return skips.indexOf(a.dataset.entry) - skips.indexOf(b.dataset.entry); });
    return fresh.concat(later);
  }

  function goOffline() {
    offline = true;
    box.dataset.mode = "offline";
    mode.textContent = box.dataset.labelOffline;
    mode.hidden = false;
    var next = scheduleOrder()[0];
    if (next) show(fromRow(next), localSkips().indexOf(next.dataset.entry) >= 0 ? "requeued" : "schedule");
    else show(null, "done", box.dataset.labelDone);
  }

  function refresh() {
    if (navigator.onLine === false) { goOffline(); return; }
    fetch(box.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || (response.headers.get("Content-Type") || "").indexOf("json") < 0) throw new Error("offline");
        return response.json();
      })
      .then(function (data) {
        offline = false;
        box.dataset.mode = "online";
        mode.hidden = true;
        if (localSkips().length) { reportSkips(); return; }  // then asks again, with the server knowing them
        if (data.next) {
          var row = rowOf(data.next.entry);
          show(row ? fromRow(row) : data.next, data.why);
        } else {
          show(null, data.why, data.why === "done" ? box.dataset.labelDone : box.dataset.labelAllBusy);
        }
      })
      .catch(goOffline);
  }

  function reportSkips() {  // the stands skipped without a connection go back in the server's queue too
    var csrf = (document.getElementById("jury-tablet") || { dataset: {} }).dataset.csrf;
    var pending = localSkips();
    Promise.all(pending.map(function (entry) {
      var row = rowOf(entry);
      if (!row) return null;
      var body = new URLSearchParams({ csrf_token: csrf });
      return fetch(row.dataset.skipUrl, { method: "POST", credentials: "same-origin", body: body, redirect: "manual" });
    })).then(function () {
      localStorage.removeItem(skipKey);
      refresh();
    }, function () {});
  }

  goForm.addEventListener("submit", function (event) {
    if (!offline) return;
    event.preventDefault();  // no connection: the scorecard is on the tablet, the server learns it later
    location.href = goForm.dataset.scoreUrl;
  });
  skipForm.addEventListener("submit", function (event) {
    if (!offline) return;
    event.preventDefault();
    var skips = localSkips().filter(function (e) { return e !== shown; });
    skips.push(shown);
    localStorage.setItem(skipKey, JSON.stringify(skips));
    goOffline();
  });
  window.addEventListener("online", refresh);
  window.addEventListener("offline", goOffline);
  if (navigator.onLine === false) goOffline();
  setInterval(function () { if (!document.hidden) refresh(); }, 4000);
})();

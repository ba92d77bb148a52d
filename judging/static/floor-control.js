/* The live floor control (organisers, jury president): every few seconds the page asks for the floor's state
   (short polling of a JSON endpoint) and updates who is where, since when, who is idle, each stand's visits and
   whether it is closed. The forms stay plain forms: they work without this script. */
(function () {
  "use strict";
  var root = document.getElementById("floor-control");
  if (!root) return;
  var updated = document.getElementById("floor-updated");
  var d = root.dataset, lastOk = Date.now();

  function where(stand) {
    return d.labelHall + " " + (stand.hall || "—") + " · " + d.labelStand + " " + (stand.stand || "—") + " · " + stand.title;
  }
  function badge(text, extra) {
    var span = document.createElement("span");
    span.className = "badge" + (extra ? " " + extra : "");
    span.textContent = text;
    return span;
  }
  function minutes(n) { return d.labelMinutes.replace("{n}", String(n)); }

  function apply(state) {
    state.jurors.forEach(function (j) {
      var row = root.querySelector('tr[data-juror="' + j.juror + '"]');
      if (!row) return;
      row.className = j.idle ? "idle" : "busy";
      var cell = row.querySelector(".where");
      cell.textContent = "";
      if (j.at) {
        cell.appendChild(document.createTextNode(where(j.at)));
        if (j.scored_here) { cell.appendChild(document.createTextNode(" ")); cell.appendChild(badge(d.labelDoneHere)); }
      } else {
        cell.appendChild(badge(d.labelIdle, "idle"));
      }
      row.querySelector(".since").textContent = j.minutes === null ? d.labelNone : minutes(j.minutes);
      row.querySelector(".sent").textContent = j.sent_to ? j.sent_to.title : d.labelNone;
      row.querySelector(".scored").textContent = j.scored + " / " + j.to_score;
    });
    state.stands.forEach(function (s) {
      var row = root.querySelector('.floor-stands tr[data-entry="' + s.entry + '"]');
      if (!row) return;
      row.className = (s.closed ? "closed" : "") + (s.missing ? " lacking" : "");
      row.querySelector(".here").textContent = s.here.length ? s.here.join(", ") : d.labelNone;
      var visits = row.querySelector(".visits");
      visits.textContent = s.scored + " / " + s.expected;
      if (s.missing) { visits.appendChild(document.createTextNode(" ")); visits.appendChild(badge(d.labelToGo.replace("{n}", String(s.missing)), "lacking")); }
      var form = row.querySelector(".toggle-form");
      form.action = s.closed ? d.reopenUrl : d.closeUrl;
      form.querySelector(".state").textContent = s.closed ? d.labelClosed : d.labelOpen;
      form.querySelector("button").textContent = s.closed ? d.labelReopen : d.labelClose;
    });
    root.dataset.polled = String((+root.dataset.polled || 0) + 1);
  }

  function poll() {
    fetch(d.state, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) {
        apply(state);
        lastOk = Date.now();
        updated.textContent = new Date().toLocaleTimeString();
      })
      .catch(function () {
        if (Date.now() - lastOk > 15000) updated.textContent = updated.dataset.labelStale;
      });
  }
  setInterval(function () { if (!document.hidden) poll(); }, 3000);
})();

// The job page follows the worker: the bar moves every second; when the job ends the page reloads with the result.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section || (section.dataset.status !== "queued" && section.dataset.status !== "running")) return;
  var bar = document.getElementById("job-progress");
  var state = document.getElementById("job-state");
  function poll() {
    fetch(section.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { window.setTimeout(poll, 3000); return; }
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        bar.value = job.percent;
        bar.setAttribute("value", job.percent);
        bar.textContent = job.percent + " %";
        if (state && job.status === "running") {
          state.textContent = (state.dataset.rows || "{done} / {total}")
            .replace("{done}", job.done).replace("{total}", job.total);
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();

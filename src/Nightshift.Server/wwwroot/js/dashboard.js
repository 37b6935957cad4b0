// Nightshift dashboard: progressive enhancement only. Every page is complete without this script; with it, the board
// refreshes itself, the task page follows the task's Server-Sent Events and re-renders server fragments, the diff gets
// diff2html's viewer and the usage page gets charts.
(function () {
  "use strict";

  var FINAL = ["task.succeeded", "task.failed", "task.cancelled", "task.timed_out", "task.needs_review", "task.dead"];
  // Events that only add timeline entries; everything else may change the status, plan, usage or actions above it.
  var TIMELINE_ONLY = ["tool.call", "tool.result", "command.output", "model.request"];

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    followTask();
    richDiff();
    usageCharts();
  });

  function fetchText(url, accept) {
    return fetch(url, { headers: { "Accept": accept || "text/html" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("GET " + url + " answered " + r.status); }
      return r.text();
    });
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  // ---- task page -------------------------------------------------------------------------------------------------

  function followTask() {
    var root = document.getElementById("task");
    if (!root || !window.fetch || !window.ReadableStream) { return; }
    var id = root.getAttribute("data-task-id");
    var received = parseInt(root.getAttribute("data-last-seq"), 10) || 0;
    var rendered = received;
    var wantTimeline = false, wantSummary = false, timer = null, running = false, finished = root.getAttribute("data-final") === "true";
    var note = root.querySelector(".live-note");

    function schedule() {
      if (timer || running) { return; }
      timer = setTimeout(flush, 100);
    }

    function flush() {
      timer = null;
      running = true;
      var work = [];
      if (wantTimeline) { wantTimeline = false; work.push(refreshTimeline()); }
      if (wantSummary) { wantSummary = false; work.push(refreshSummary()); }
      Promise.all(work).catch(function () { /* the next event retries */ }).then(function () {
        running = false;
        if (wantTimeline || wantSummary) { schedule(); }
      });
    }

    function refreshTimeline() {
      return fetchText("/tasks/" + encodeURIComponent(id) + "?handler=Events&after=" + rendered).then(function (html) {
        var timeline = document.getElementById("timeline");
        var items = fragment(html).querySelectorAll("li.ev");
        items.forEach(function (item) {
          var seq = parseInt(item.getAttribute("data-seq"), 10) || 0;
          if (seq <= rendered) { return; }
          rendered = seq;
          var foldInto = item.getAttribute("data-fold-into");
          var target = foldInto ? document.getElementById(foldInto) : null;
          if (target) {
            var result = item.querySelector("details.result");
            if (result) { target.appendChild(result); }
            if (item.classList.contains("is-error")) { target.classList.add("is-error"); }
            return;
          }
          var mergeKey = item.getAttribute("data-merge-key");
          var last = timeline.lastElementChild;
          if (mergeKey && last && last.getAttribute("data-merge-key") === mergeKey) {
            var into = last.querySelector("pre.output"), from = item.querySelector("pre.output");
            if (into && from) { into.textContent += "\n" + from.textContent; into.scrollTop = into.scrollHeight; return; }
          }
          timeline.appendChild(item);
        });
      });
    }

    function refreshSummary() {
      return fetchText("/tasks/" + encodeURIComponent(id) + "?handler=Summary").then(function (html) {
        var summary = document.getElementById("summary");
        // Keep what a person is typing (an edited plan, a reason) and where the keyboard focus is.
        var kept = {};
        summary.querySelectorAll("textarea, input").forEach(function (f) { if (f.id) { kept[f.id] = f.value; } });
        var focused = document.activeElement && summary.contains(document.activeElement) ? document.activeElement.id : null;
        summary.replaceChildren(fragment(html));
        Object.keys(kept).forEach(function (key) {
          var f = document.getElementById(key);
          if (f && kept[key]) { f.value = kept[key]; }
        });
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
        var status = document.getElementById("task-status");
        if (status) { root.setAttribute("data-status", status.getAttribute("data-status")); }
      });
    }

    function onEvent(type, seq) {
      if (seq > received) { received = seq; }
      wantTimeline = true;
      if (TIMELINE_ONLY.indexOf(type) < 0) { wantSummary = true; }
      if (FINAL.indexOf(type) >= 0) { finished = true; }
      schedule();
    }

    // A fetch-based reader instead of EventSource: it sends our Accept header, sees every event type, and resumes
    // from the last sequence number after a dropped connection.
    function connect() {
      if (finished) { return; }
      if (note) { note.hidden = false; }
      fetch("/api/v1/tasks/" + encodeURIComponent(id) + "/events?after=" + received, {
        headers: { "Accept": "text/event-stream" }, credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok || !response.body) { throw new Error("event stream answered " + response.status); }
        var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) { return; }
            buffer += decoder.decode(chunk.value, { stream: true });
            var end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              var block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              var type = null, seq = 0;
              block.split("\n").forEach(function (line) {
                if (line.indexOf("event:") === 0) { type = line.slice(6).trim(); }
                else if (line.indexOf("id:") === 0) { seq = parseInt(line.slice(3).trim(), 10) || 0; }
              });
              if (type) { onEvent(type, seq); }
            }
            return pump();
          });
        }
        return pump();
      }).catch(function () { /* reconnect below */ }).then(function () {
        if (!finished) { setTimeout(connect, 1500); } else if (note) { note.hidden = true; }
      });
    }

    connect();
  }

  // ---- diff ------------------------------------------------------------------------------------------------------

  function richDiff() {
    var rich = document.getElementById("diff-rich");
    var plain = document.getElementById("diff-plain");
    if (!rich || !plain || !window.Diff2Html) { return; }
    fetchText(rich.getAttribute("data-diff-url"), "text/x-diff, text/plain").then(function (diff) {
      rich.innerHTML = window.Diff2Html.html(diff, {
        drawFileList: true,
        matching: "lines",
        outputFormat: window.innerWidth >= 1000 ? "side-by-side" : "line-by-line"
      });
      plain.hidden = true;
    }).catch(function () { /* the plain view stays */ });
  }

  // ---- usage -----------------------------------------------------------------------------------------------------

  function usageCharts() {
    var data = document.getElementById("usage-data");
    if (!data || !window.Chart) { return; }
    var reports = JSON.parse(data.textContent);
    var style = getComputedStyle(document.documentElement);
    function color(name) { return style.getPropertyValue(name).trim(); }
    window.Chart.defaults.color = color("--muted");
    window.Chart.defaults.borderColor = color("--line");

    function show(id, config) {
      var canvas = document.getElementById(id);
      if (!canvas) { return; }
      canvas.parentElement.hidden = false;
      return new window.Chart(canvas, config);
    }

    // Lines only where the axis is time (per day); categories (models, repositories) get bars.
    ["day", "model", "repo"].forEach(function (key) {
      var report = reports[key];
      if (!report || report.rows.length === 0) { return; }
      var overTime = key === "day";
      var labels = report.rows.map(function (r) { return r.key || "(no model chosen)"; });
      show("chart-" + key, {
        type: overTime ? "line" : "bar",
        data: {
          labels: labels,
          datasets: [
            { label: "cost (USD)", data: report.rows.map(function (r) { return r.costUsd; }), borderColor: color("--accent"), backgroundColor: color("--accent"), yAxisID: "cost" },
            { label: "tokens", data: report.rows.map(function (r) { return r.inputTokens + r.outputTokens; }), borderColor: color("--good"), backgroundColor: color("--good"), yAxisID: "tokens" }
          ]
        },
        options: {
          maintainAspectRatio: false, animation: false,
          scales: { cost: { position: "left", beginAtZero: true }, tokens: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } }
        }
      });
      if (key === "day") {
        show("chart-day-tasks", {
          type: "line",
          data: {
            labels: labels,
            datasets: [
              { label: "tasks finished", data: report.rows.map(function (r) { return r.tasksFinished; }), borderColor: color("--run"), backgroundColor: color("--run"), yAxisID: "tasks" },
              { label: "success rate (%)", data: report.rows.map(function (r) { return r.successRate === null ? null : r.successRate * 100; }), borderColor: color("--good"), backgroundColor: color("--good"), yAxisID: "rate" }
            ]
          },
          options: {
            maintainAspectRatio: false, animation: false,
            scales: { tasks: { position: "left", beginAtZero: true, ticks: { precision: 0 } }, rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } }
          }
        });
      }
    });
  }
})();

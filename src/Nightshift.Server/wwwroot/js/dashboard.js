// Nightshift dashboard: progressive enhancement only. Every page is complete without this script; with it, the board
// refreshes itself, the task page follows the task's Server-Sent Events and re-renders server fragments, the diff gets
// diff2html's viewer and the usage page gets charts.
(function () {
  "use strict";

  var FINAL = ["task.succeeded", "task.failed", "task.cancelled", "task.timed_out", "task.needs_review", "task.dead"];
  // Events that only add timeline entries; everything else may change the status, plan, usage or actions above it.
  // Bookkeeping (a checkpoint saved, a request sent, a host let through) changes nothing a person sees above the timeline.
  var TIMELINE_ONLY = ["tool.call", "tool.result", "command.output", "model.request", "task.checkpoint", "network.allowed"];

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    followTask();
    followRun();
    localTimes(document);
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

  // ---- pipeline run page ---------------------------------------------------------------------------------------

  var RUN_FINAL = ["run.succeeded", "run.needs_review", "run.failed", "run.cancelled"];

  // Follows the run's Server-Sent Events (/api/v1/runs/{id}/events) and re-renders the server's own fragment of the
  // page (header, graph, steps, timeline) as they arrive; approve and reject post without leaving the page.
  function followRun() {
    var root = document.getElementById("run");
    if (!root || !window.fetch || !window.ReadableStream) { return; }
    var id = root.getAttribute("data-run-id");
    var received = parseInt(root.getAttribute("data-last-seq"), 10) || 0;
    var finished = root.getAttribute("data-final") === "true";
    var timer = null, running = false, again = false;

    function note(show) {
      var n = root.querySelector(".live-note");
      if (n) { n.hidden = !show; }
    }

    function schedule() {
      if (running) { again = true; return; }
      if (timer) { return; }
      timer = setTimeout(refresh, 100);
    }

    function refresh() {
      timer = null;
      running = true;
      fetchText("/runs/" + encodeURIComponent(id) + "?handler=Live").then(replaceBody).catch(function () { /* the next event retries */ }).then(function () {
        running = false;
        if (again) { again = false; schedule(); }
      });
    }

    function replaceBody(html) {
      var body = document.getElementById("run-body");
      // Keep which steps are open, what a person is typing (a reason) and where the keyboard focus is.
      var open = {}, kept = {};
      body.querySelectorAll("li.step").forEach(function (li) {
        var d = li.querySelector("details");
        if (d) { open[li.id] = d.open; }
      });
      body.querySelectorAll("input[id], textarea[id]").forEach(function (f) { kept[f.id] = f.value; });
      var focused = document.activeElement && body.contains(document.activeElement) ? document.activeElement.id : null;
      body.replaceChildren(fragment(html));
      Object.keys(open).forEach(function (key) {
        var li = document.getElementById(key), d = li && li.querySelector("details");
        if (d && open[key]) { d.open = true; }
      });
      Object.keys(kept).forEach(function (key) {
        var f = document.getElementById(key);
        if (f && kept[key]) { f.value = kept[key]; }
      });
      if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
      note(!finished);
      localTimes(body);
    }

    function onEvent(type, seq) {
      if (seq > received) { received = seq; }
      if (RUN_FINAL.indexOf(type) >= 0) { finished = true; }
      schedule();
    }

    // A fetch-based reader, as on the task page: it resumes after a dropped connection with Last-Event-ID.
    function connect() {
      if (finished) { note(false); return; }
      note(true);
      fetch("/api/v1/runs/" + encodeURIComponent(id) + "/events", {
        headers: { "Accept": "text/event-stream", "Last-Event-ID": String(received) }, credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok || !response.body) { throw new Error("event stream answered " + response.status); }
        root.setAttribute("data-live", "stream");
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
      }).catch(function () {
        // No stream (a dropped connection): catch up from the page itself before trying again.
        schedule();
      }).then(function () {
        if (!finished) { setTimeout(connect, 1500); } else { note(false); }
      });
    }

    // Approve and reject: post the form (with its antiforgery field) and stay; the step changes when the run's
    // event arrives. A refusal shows the server's page fragment with its message.
    root.addEventListener("submit", function (e) {
      var form = e.target;
      if (!form.classList || !form.classList.contains("decide-form")) { return; }
      e.preventDefault();
      var box = form.closest(".decide");
      box.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      fetch(form.getAttribute("action"), { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (response.ok) {
            var sent = box.querySelector(".decide-sent");
            if (sent) { sent.hidden = false; }
            if (finished || root.getAttribute("data-live") !== "stream") { schedule(); }
            return;
          }
          return response.text().then(function (html) {
            var page = fragment(html).querySelector("#run-body");
            if (page) { replaceBody(page.innerHTML); }
          });
        })
        .catch(function () { box.querySelectorAll("button").forEach(function (b) { b.disabled = false; }); });
    });

    // A node of the graph opens its step's details below it.
    root.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a.node-link");
      if (!link) { return; }
      var li = document.getElementById(link.getAttribute("data-open"));
      var d = li && li.querySelector("details");
      if (d) { d.open = true; }
    });

    connect();
  }

  // Times marked "local" read in the viewer's own time zone (the server writes UTC, which stays in the title).
  function localTimes(scope) {
    scope.querySelectorAll("time.local[datetime]").forEach(function (t) {
      var when = new Date(t.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      if (!t.title) { t.title = t.textContent; }
      t.textContent = when.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    });
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

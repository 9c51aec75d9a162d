// The report page: the period presets, the charts (drawn with the vendored
// ECharts from the data the page carries in data-charts) and the export
// buttons (a job of the export API, its progress, then the download). No
// inline scripts: the Content-Security-Policy forbids them, so the page
// hands over what this script needs in data-* attributes, texts included.
(function () {
  "use strict";

  function parse(el, attr) {
    try {
      return JSON.parse(el.getAttribute(attr) || "null");
    } catch (e) {
      return null;
    }
  }

  // Period presets: a preset applies at once; typing a date makes the
  // period custom.
  var form = document.getElementById("report-form");
  if (form) {
    var period = form.elements.period;
    ["from", "to"].forEach(function (n) {
      form.elements[n].addEventListener("change", function () { period.value = "custom"; });
    });
    period.addEventListener("change", function () {
      if (period.value !== "custom") {
        form.submit();
      }
    });
  }

  // Colours: traffic lines in fixed colours so that "abandoned" reads the
  // same in every chart; references grey (target) and violet (trend).
  var lineColours = ["#1f5fd1", "#16794a", "#e8a33d", "#c4312b", "#7a5af8", "#0e9384"];
  var stateColours = ["#12b76a", "#fdb022", "#1f5fd1", "#7a5af8", "#0e9384", "#f04438", "#f97066", "#fda29b", "#fecdca", "#912018"];

  function lineStyle(s) {
    if (s.style === "target") {
      return { type: "dashed", width: 1.5, color: "#98a2b3" };
    }
    if (s.style === "trend") {
      return { type: "dotted", width: 2, color: "#7a5af8" };
    }
    return { width: 2 };
  }

  function lineOption(c) {
    var many = c.x.length > 60;
    return {
      animation: !many,
      color: lineColours,
      tooltip: { trigger: "axis" },
      legend: { top: 0, left: 64, right: 8, type: "scroll" },
      grid: { left: 8, right: 16, top: 40, bottom: many ? 36 : 8, containLabel: true },
      dataZoom: many ? [{ type: "inside" }, { type: "slider", height: 16, bottom: 4 }] : [],
      // The first and last labels sit on the chart's edges: align them inward
      // so that neither is cut off.
      xAxis: { type: "category", data: c.x, boundaryGap: false, axisLabel: { alignMinLabel: "left", alignMaxLabel: "right" } },
      yAxis: { type: "value", name: c.unit || "", max: c.max || null, minInterval: c.id === "calls" ? 1 : 0 },
      series: c.series.map(function (s) {
        return {
          name: s.name, type: "line", data: s.data, lineStyle: lineStyle(s), showSymbol: !many && !s.style,
          symbol: s.style ? "none" : "circle", connectNulls: s.style === "trend",
          itemStyle: s.style ? { color: lineStyle(s).color } : undefined
        };
      })
    };
  }

  function barOption(c) {
    return {
      color: stateColours,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, left: 64, right: 8, type: "scroll" },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: c.x, axisLabel: { interval: "auto", rotate: c.x.length > 12 ? 30 : 0 } },
      yAxis: { type: "value", name: c.unit || "" },
      series: c.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "states", data: s.data, barMaxWidth: 36 };
      })
    };
  }

  function radarOption(c) {
    return {
      color: ["#1f5fd1", "#98a2b3"],
      tooltip: {},
      legend: { top: 0 },
      radar: { indicator: c.indicators, radius: "62%", center: ["50%", "56%"], axisName: { color: "#475467" } },
      series: [{
        type: "radar",
        data: c.series.map(function (s) {
          return {
            name: s.name, value: s.data, lineStyle: lineStyle(s), symbol: s.style ? "none" : "circle",
            areaStyle: s.style ? undefined : { opacity: 0.18 }
          };
        })
      }]
    };
  }

  var options = { line: lineOption, bar: barOption, radar: radarOption };
  var box = document.getElementById("charts");
  var drawn = [];
  if (box && window.echarts) {
    var set = parse(box, "data-charts") || { charts: [] };
    (set.charts || []).forEach(function (c) {
      var el = document.getElementById("chart-" + c.id);
      var make = options[c.kind];
      if (!el || !make) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas", locale: set.locale || "EN" });
      chart.setOption(make(c));
      drawn.push(chart);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (ch) { ch.resize(); });
    });
    box.setAttribute("data-drawn", String(drawn.length));
  }

  // Export: start a job for the report as shown, follow its progress,
  // then download the file.
  var exp = document.getElementById("export");
  if (!exp) {
    return;
  }
  var texts = parse(exp, "data-texts") || {};
  var status = document.getElementById("export-status");
  var busy = false;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("failed", !!failed);
  }

  function call(method, url) {
    var headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["X-CSRF-Token"] = exp.getAttribute("data-csrf");
    }
    return fetch(url, { method: method, credentials: "same-origin", headers: headers }).then(function (r) {
      return r.text().then(function (t) {
        var b = null;
        try {
          b = t ? JSON.parse(t) : null;
        } catch (e) {
          b = null;
        }
        if (!r.ok) {
          return Promise.reject({ status: r.status, message: (b && b.error && b.error.message) || "" });
        }
        return b;
      });
    });
  }

  var doneStates = { done: true, completed: true, complete: true, ready: true, succeeded: true, finished: true };
  var failedStates = { failed: true, error: true, cancelled: true, canceled: true };

  function percent(p) {
    return typeof p === "number" ? String(Math.round(p)) : "0";
  }

  function follow(job) {
    var base = "/api/v1/reports/exports/" + encodeURIComponent(job.id);
    if (doneStates[job.status]) {
      say(texts.done || "");
      var a = document.createElement("a");
      a.href = job.download_url || base + "/file";
      a.setAttribute("download", "");
      document.body.appendChild(a);
      a.click();
      a.remove();
      exp.setAttribute("data-done", job.id);
      busy = false;
      return;
    }
    if (failedStates[job.status]) {
      say((texts.failed || "") + (job.error ? " " + job.error : ""), true);
      busy = false;
      return;
    }
    say((texts.progress || "{p}").split("{p}").join(percent(job.progress)));
    window.setTimeout(function () {
      call("GET", base).then(follow, fail);
    }, 500);
  }

  function fail(e) {
    busy = false;
    if (e && (e.status === 404 || e.status === 405)) {
      say(texts.missing || "", true);
      return;
    }
    say((texts.failed || "") + (e && e.message ? " " + e.message : ""), true);
  }

  exp.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-format]");
    if (!btn || busy) {
      return;
    }
    busy = true;
    say(texts.starting || "");
    var q = exp.getAttribute("data-query");
    var url = "/api/v1/reports/exports?" + (q ? q + "&" : "") + "format=" + encodeURIComponent(btn.getAttribute("data-format"));
    call("POST", url).then(follow, fail);
  });
})();

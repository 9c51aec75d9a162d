// The wallboard (监控大屏). Every two seconds it reads the live queues
// (GET /api/v1/live/queues) and, when the role may see them, the agents in
// its data scope (/live/agents), the live calls (/live/calls) and each
// queue's early-warning status (/alerts/status: the alert level and the
// figures over the rules' windows). Figures past a warning level of their
// queue's rule are amber, past a critical level red (the rules come with
// the page in data-rules); a queue with an open alert is framed in its
// alert's colour. Supervisors listen, whisper or barge into a call (POST
// /live/calls/{id}/monitor): their phone rings and joins the call.
(function () {
  "use strict";
  var D = window.HotlineDesk;
  var root = document.getElementById("wall");
  if (!D || !root) {
    return;
  }
  var t = D.t, el = D.el;
  function $(id) {
    return document.getElementById(id);
  }
  function num(name) {
    return Number(root.getAttribute(name)) || 0;
  }
  // rules: queue ID ("0" the defaults) → metric → {enabled, warning, critical}.
  var rules = {};
  try {
    rules = JSON.parse(root.getAttribute("data-rules") || "{}") || {};
  } catch (e) {
    rules = {};
  }
  var withAgents = root.hasAttribute("data-agents"), withCalls = root.hasAttribute("data-calls");
  var withAlerts = root.hasAttribute("data-alerts");
  var canMonitor = root.hasAttribute("data-monitor"), me = num("data-me");
  var status = {}; // queue ID → its early-warning status, when the role may see alerts
  // Agents sort by how much they matter to a supervisor now.
  var stateOrder = { on_call: 0, on_hold: 1, ringing: 2, wrap_up: 3, ready: 4, not_ready: 5, logged_out: 6 };
  var rank = { "": 0, warning: 1, critical: 2 };

  function set(id, text, level) {
    var n = $(id);
    if (n) {
      n.textContent = text;
      n.classList.toggle("warn", level === "warning");
      n.classList.toggle("bad", level === "critical");
    }
  }
  // levels is the rule of a queue's metric: the status's (current), else
  // the queue's own from the page, else the default.
  function levels(qid, metric) {
    var st = status[qid];
    if (st) {
      for (var i = 0; i < st.metrics.length; i++) {
        if (st.metrics[i].metric === metric) {
          return st.metrics[i];
        }
      }
    }
    return (rules[qid] && rules[qid][metric]) || (rules["0"] && rules["0"][metric]) || null;
  }
  // past is the level a value is strictly past ("", warning, critical);
  // the service level is bad below its levels, the rest above.
  function past(metric, v, lv) {
    if (!lv || !lv.enabled || v === null || v === undefined) {
      return "";
    }
    var worse = metric === "service_level" ? function (l) { return v < l; } : function (l) { return v > l; };
    return worse(lv.critical) ? "critical" : (worse(lv.warning) ? "warning" : "");
  }
  function levelOf(qid, metric, v) {
    return past(metric, v, levels(qid, metric));
  }
  function worst(a, b) {
    return rank[b] > rank[a] ? b : a;
  }
  function figClass(level) {
    return level === "critical" ? "bad" : (level === "warning" ? "warn" : "");
  }
  // abandonRate leaves out short abandons (callers who hung up within the
  // short-abandon threshold), as the metric's definition does.
  function abandonRate(q) {
    var ab = Math.max(0, q.abandoned - (q.short_abandoned || 0));
    var offered = q.answered + ab;
    return offered ? 100 * ab / offered : 0;
  }
  function pct(v) {
    return (Math.round(v * 10) / 10) + "%";
  }
  // windowed returns a queue's figure over its rule's window from the
  // status: {value, level, window} or null.
  function windowed(qid, metric) {
    var st = status[qid];
    if (!st) {
      return null;
    }
    for (var i = 0; i < st.metrics.length; i++) {
      var m = st.metrics[i];
      if (m.metric === metric && m.enabled) {
        return { value: m.value, level: m.level || past(metric, m.value, m), window: m.window_min };
      }
    }
    return null;
  }

  function renderQueue(box, q, tot) {
    var waitLv = levelOf(q.id, "waiting", q.waiting), longLv = levelOf(q.id, "longest_wait", q.longest_wait_ms / 1000);
    var ar = abandonRate(q), slLv = levelOf(q.id, "service_level", q.service_level), arLv = levelOf(q.id, "abandon_rate", ar);
    tot.level = worst(tot.level, worst(waitLv, longLv));
    // The frame shows the queue's open alert; a role without alerts:view
    // sees the worst figure's level instead.
    var level = status[q.id] ? (status[q.id].level || "") : worst(worst(waitLv, longLv), worst(slLv, arLv));
    function fig(label, value, lv) {
      return el("div", {}, [el("dt", { text: label }), el("dd", { class: figClass(lv), text: String(value) })]);
    }
    var figs = [
      fig(t("wall.longest"), D.dur(q.longest_wait_ms), longLv),
      fig(t("wall.sl"), pct(q.service_level), slLv),
      fig(t("wall.abandon_rate"), pct(ar), arLv)
    ];
    [["service_level", "wall.sl_window"], ["abandon_rate", "wall.abandon_window"]].forEach(function (p) {
      var w = windowed(q.id, p[0]);
      if (w) {
        figs.push(fig(t(p[1], w.window), w.value === null ? "—" : pct(w.value), w.level));
      }
    });
    figs.push(fig(t("wall.ready"), q.available + " / " + q.ready), fig(t("wall.busy"), q.busy),
      fig(t("wall.not_ready"), q.not_ready + (q.wrap_up ? " + " + q.wrap_up : "")), fig(t("wall.answered"), q.answered),
      fig(t("wall.abandoned"), q.abandoned), fig(t("wall.asa"), D.dur(q.asa_ms)));
    box.appendChild(el("section", { class: "wall-queue" + (level ? " alert-" + level : ""), "data-queue": q.name, "data-level": level }, [
      el("h3", {}, [el("span", {}, [q.name, level ? el("span", { class: "wall-level level-" + level, text: t("wall.level." + level) }) : null]),
        el("span", { class: "muted small", text: t("wall.waiting") })]),
      el("div", { class: "big " + figClass(waitLv), text: String(q.waiting) }),
      el("dl", { class: "wall-figs" }, figs)
    ]));
  }

  function renderQueues(qs) {
    var box = D.clear($("wall-queues"));
    if (!qs.length) {
      box.appendChild(el("p", { class: "empty", text: t("wall.no_queues") }));
    }
    var tot = { waiting: 0, longest: 0, answered: 0, abandoned: 0, inSL: 0, offered: 0, level: "" };
    qs.forEach(function (q) {
      tot.waiting += q.waiting;
      tot.longest = Math.max(tot.longest, q.longest_wait_ms);
      tot.answered += q.answered;
      tot.abandoned += q.abandoned;
      tot.inSL += q.answered_in_sl;
      tot.offered += q.answered + Math.max(0, q.abandoned - (q.short_abandoned || 0)) + (q.overflowed || 0);
      renderQueue(box, q, tot);
    });
    // The totals are judged by the default rules.
    var sl = tot.offered ? 100 * tot.inSL / tot.offered : 100;
    set("total-waiting", String(tot.waiting), tot.level);
    set("total-longest", D.dur(tot.longest), levelOf("0", "longest_wait", tot.longest / 1000));
    set("total-answered", String(tot.answered));
    set("total-abandoned", String(tot.abandoned));
    set("total-sl", pct(sl), levelOf("0", "service_level", sl));
  }

  function renderAgents(as) {
    var body = D.clear($("wall-agents").tBodies[0]);
    as = as.filter(function (a) { return a.state !== "logged_out"; });
    as.sort(function (a, b) {
      return (stateOrder[a.state] - stateOrder[b.state]) || String(a.name).localeCompare(String(b.name));
    });
    var n = { ready: 0, busy: 0, not_ready: 0 };
    as.forEach(function (a) {
      if (a.state === "ready") {
        n.ready++;
      } else if (a.state === "not_ready") {
        n.not_ready++;
      } else {
        n.busy++;
      }
      var reason = a.state === "not_ready" && a.reason ? (D.has("reason." + a.reason) ? t("reason." + a.reason) : a.reason) : "";
      var call = a.call ? (a.call.direction === "inbound" ? a.call.from : a.call.to) : "";
      body.appendChild(el("tr", { "data-agent": a.id }, [
        el("td", {}, [a.name || "#" + a.id, a.extension ? el("span", { class: "muted small mono", text: " " + a.extension }) : null]),
        el("td", {}, [el("span", { class: "badge st-" + a.state, text: t("state." + a.state) }),
          reason ? el("span", { class: "muted small", text: " " + reason }) : null,
          call ? el("span", { class: "mono small", text: " " + call }) : null]),
        el("td", { class: "num mono", text: D.dur(D.now() - a.since_ms) }),
        el("td", { class: "num", text: String(a.calls_today || 0) })
      ]));
    });
    if (!as.length) {
      body.appendChild(el("tr", {}, [el("td", { colspan: "4", class: "empty", text: t("wall.no_agents") })]));
    }
    $("agents-count").textContent = String(as.length);
    set("total-ready", String(n.ready));
    set("total-busy", String(n.busy));
    set("total-not-ready", String(n.not_ready));
  }

  // monitorButtons offers the three ways in, or the way out to a
  // supervisor already on the call.
  function monitorButtons(c) {
    var box = el("span", { class: "wall-monitor" });
    if ((c.monitors || []).some(function (m) { return m.user_id === me; })) {
      box.appendChild(el("button", { class: "btn btn-sm", type: "button", "data-monitor": "stop", "data-call-id": c.id, text: t("monitor.stop") }));
      return box;
    }
    ["listen", "whisper", "barge"].forEach(function (mode) {
      var b = el("button", { class: "btn btn-sm", type: "button", "data-monitor": mode, "data-call-id": c.id, text: t("monitor." + mode) });
      box.appendChild(b);
    });
    return box;
  }
  function renderCalls(cs) {
    var body = D.clear($("wall-calls").tBodies[0]);
    var cols = canMonitor ? 4 : 3;
    cs.forEach(function (c) {
      var who = (c.agents || []).map(function (p) { return p.name; }).join(", ");
      var row = el("tr", { "data-call": c.id }, [
        el("td", {}, [el("span", { class: "mono", text: (c.from || "?") + " → " + (c.to || "?") }),
          el("div", { class: "muted small", text: [c.queue, c.campaign, who].filter(Boolean).join(" · ") })]),
        el("td", {}, [el("span", { class: "badge", text: D.has("callstate." + c.state) ? t("callstate." + c.state) : c.state }),
          c.monitors && c.monitors.length ? el("div", { class: "muted small", text: c.monitors.map(function (m) {
            return m.name + " · " + t("monitor." + m.mode);
          }).join(", ") }) : null]),
        el("td", { class: "num mono", text: D.dur(D.now() - Date.parse(c.started_at)) })
      ]);
      if (canMonitor) {
        row.appendChild(el("td", { class: "actions" }, [c.state === "talking" || c.state === "held" ? monitorButtons(c) : null]));
      }
      body.appendChild(row);
    });
    if (!cs.length) {
      body.appendChild(el("tr", {}, [el("td", { colspan: String(cols), class: "empty", text: t("wall.no_calls") })]));
    }
    $("calls-count").textContent = String(cs.length);
  }

  if (canMonitor) {
    $("wall-calls").addEventListener("click", function (e) {
      var b = e.target.closest("[data-monitor]");
      if (!b) {
        return;
      }
      var path = "/api/v1/live/calls/" + encodeURIComponent(b.getAttribute("data-call-id")) + "/monitor";
      var mode = b.getAttribute("data-monitor");
      var done = mode === "stop" ? D.api("DELETE", path) : D.api("POST", path, { mode: mode }).then(function () {
        D.say(t("monitor.started"), "info");
      });
      done.then(poll).catch(function (e) { D.say(e.message); });
    });
  }

  function poll() {
    var live = D.api("GET", "/api/v1/live/queues"), queues = live;
    if (withAlerts) {
      // The status first, so that the queues are drawn with their levels.
      queues = D.api("GET", "/api/v1/alerts/status").then(function (st) {
        status = {};
        (st || []).forEach(function (q) {
          status[q.queue_id] = q;
        });
      }, function () {
        status = {}; // the figures are still coloured by the rules
      }).then(function () {
        return live;
      });
    }
    var parts = [queues.then(renderQueues)];
    if (withAgents) {
      parts.push(D.api("GET", "/api/v1/live/agents").then(renderAgents));
    }
    if (withCalls) {
      parts.push(D.api("GET", "/api/v1/live/calls").then(renderCalls));
    }
    return Promise.all(parts).then(function () {
      $("wall-updated").textContent = t("wall.updated", D.clock(Date.now()));
      root.setAttribute("data-loaded", "1");
    }, function (e) {
      D.say(e.message);
    });
  }
  D.every(num("data-poll") || 2000, poll);
})();

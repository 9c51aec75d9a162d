// The wallboard (监控大屏). Every two seconds it reads the live queues
// (GET /api/v1/live/queues) and, when the role may see them, the agents in
// its data scope (/live/agents) and the live calls (/live/calls), and shows
// them with the figures past their thresholds in red. Supervisors listen,
// whisper or barge into a call (POST /live/calls/{id}/monitor): their phone
// rings and joins the call.
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
  // The thresholds come from the server (deskui's constants).
  var waitMs = num("data-wait-sec") * 1000, slPct = num("data-sl-pct"), abandonPct = num("data-abandon-pct");
  var withAgents = root.hasAttribute("data-agents"), withCalls = root.hasAttribute("data-calls");
  var canMonitor = root.hasAttribute("data-monitor"), me = num("data-me");
  // Agents sort by how much they matter to a supervisor now.
  var stateOrder = { on_call: 0, on_hold: 1, ringing: 2, wrap_up: 3, ready: 4, not_ready: 5, logged_out: 6 };

  function set(id, text, bad) {
    var n = $(id);
    if (n) {
      n.textContent = text;
      n.classList.toggle("bad", !!bad);
    }
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

  function renderQueues(qs) {
    var box = D.clear($("wall-queues"));
    if (!qs.length) {
      box.appendChild(el("p", { class: "empty", text: t("wall.no_queues") }));
    }
    var tot = { waiting: 0, longest: 0, answered: 0, abandoned: 0, inSL: 0, offered: 0 };
    qs.forEach(function (q) {
      var longBad = q.longest_wait_ms > waitMs, slBad = q.service_level < slPct, ar = abandonRate(q), arBad = ar > abandonPct;
      tot.waiting += q.waiting;
      tot.longest = Math.max(tot.longest, q.longest_wait_ms);
      tot.answered += q.answered;
      tot.abandoned += q.abandoned;
      tot.inSL += q.answered_in_sl;
      tot.offered += q.answered + Math.max(0, q.abandoned - (q.short_abandoned || 0)) + (q.overflowed || 0);
      function fig(label, value, bad) {
        return el("div", {}, [el("dt", { text: label }), el("dd", { class: bad ? "bad" : "", text: String(value) })]);
      }
      box.appendChild(el("section", { class: "wall-queue" + (longBad || slBad || arBad ? " breach" : ""), "data-queue": q.name }, [
        el("h3", {}, [el("span", { text: q.name }), el("span", { class: "muted small", text: t("wall.waiting") })]),
        el("div", { class: "big" + (longBad ? " bad" : ""), text: String(q.waiting) }),
        el("dl", { class: "wall-figs" }, [
          fig(t("wall.longest"), D.dur(q.longest_wait_ms), longBad),
          fig(t("wall.sl"), pct(q.service_level), slBad),
          fig(t("wall.abandon_rate"), pct(ar), arBad),
          fig(t("wall.ready"), q.available + " / " + q.ready),
          fig(t("wall.busy"), q.busy),
          fig(t("wall.not_ready"), q.not_ready + (q.wrap_up ? " + " + q.wrap_up : "")),
          fig(t("wall.answered"), q.answered),
          fig(t("wall.abandoned"), q.abandoned),
          fig(t("wall.asa"), D.dur(q.asa_ms))
        ])
      ]));
    });
    var sl = tot.offered ? 100 * tot.inSL / tot.offered : 100;
    set("total-waiting", String(tot.waiting), tot.longest > waitMs);
    set("total-longest", D.dur(tot.longest), tot.longest > waitMs);
    set("total-answered", String(tot.answered));
    set("total-abandoned", String(tot.abandoned));
    set("total-sl", pct(sl), sl < slPct);
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
    var parts = [D.api("GET", "/api/v1/live/queues").then(renderQueues)];
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

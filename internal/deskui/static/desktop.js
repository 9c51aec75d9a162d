// The agent desktop (坐席工作台). Every second it reads GET /api/v1/me/agent
// and shows the agent's state, the current call and the controls that apply;
// it pops the caller's customer (GET /desk/api/pop) when a call arrives,
// keeps a campaign call's script and result form up until the result is
// saved (even across a reload), and polls the follow-ups due within 10
// minutes to remind the agent (弹窗提醒).
(function () {
  "use strict";
  var D = window.HotlineDesk;
  var root = document.getElementById("desk");
  if (!D || !root) {
    return;
  }
  var t = D.t, el = D.el;
  function $(id) {
    return document.getElementById(id);
  }
  var store = window.sessionStorage;
  function load(k) {
    try {
      return JSON.parse(store.getItem(k) || "null");
    } catch (e) {
      return null;
    }
  }
  function keep(k, v) {
    try {
      if (v === null) {
        store.removeItem(k);
      } else {
        store.setItem(k, JSON.stringify(v));
      }
    } catch (e) { /* private mode: nothing survives a reload */ }
  }
  function fail(e) {
    D.say(e && e.message ? e.message : t("err.generic"));
  }

  var popKey = "";   // what the screen pop shows: "call:ID" or "contact:ID"
  var callID = "";   // the current (or last) call, to tie notes to it
  var campaign = null; // the campaign of the pop, while a result is due
  // pending is the campaign contact whose result is still to be recorded:
  // a previewed contact or a campaign call's. It survives a reload.
  var pending = load("hotline.desk.pending");
  // disposed lists the campaign calls whose result is saved, so that the
  // call still going on does not ask for it again.
  var disposed = load("hotline.desk.disposed") || [];
  function setPending(p) {
    pending = p;
    keep("hotline.desk.pending", p);
  }

  // ---- state bar --------------------------------------------------------
  function reasonText(r) {
    return D.has("reason." + r) ? t("reason." + r) : r;
  }
  function renderState(a) {
    var b = $("state-badge");
    b.textContent = t("state." + a.state);
    b.setAttribute("data-state", a.state);
    var reason = a.state === "not_ready" && a.reason ? reasonText(a.reason) : "";
    if (a.pending_reason) {
      reason = t("pending", reasonText(a.pending_reason));
    }
    $("state-reason").textContent = reason;
    $("state-time").textContent = D.dur(D.now() - a.since_ms);
    $("calls-today").textContent = String(a.calls_today || 0);
    $("wrapup-end").hidden = a.state !== "wrap_up";
    resState = a.state;
    if (a.state === "ready" || a.state === "not_ready" || a.state === "logged_out") {
      resCall = "";
    }
    renderResolution();
    document.querySelectorAll("#state-bar button[data-state]").forEach(function (btn) {
      var on = btn.getAttribute("data-state") === a.state &&
        (a.state !== "not_ready" || btn.getAttribute("data-reason") === a.reason);
      btn.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  // ---- current call -----------------------------------------------------
  // The customer's number: the caller of an inbound call, else the callee.
  function customerNumber(c) {
    return c.direction === "inbound" || c.direction === "internal" ? c.from : c.to;
  }
  // sameNumber compares two forms of a number by their last 8 digits
  // (+8613800138000 and 13800138000 are the same line).
  function sameNumber(a, b) {
    var x = String(a || "").replace(/\D/g, ""), y = String(b || "").replace(/\D/g, "");
    return x.length >= 5 && y.length >= 5 && x.slice(-8) === y.slice(-8);
  }
  // ---- resolution (first-call resolution) --------------------------------
  // The agent marks an inbound call they answered resolved or not, during
  // the call or in its wrap-up; the mark is the call's, in the call log.
  var resCall = "", resState = "", marks = {};
  function renderResolution() {
    var box = $("resolution");
    if (!box) {
      return;
    }
    box.hidden = !resCall || (resState !== "on_call" && resState !== "on_hold" && resState !== "wrap_up");
    box.querySelectorAll("button[data-result]").forEach(function (b) {
      b.setAttribute("aria-pressed", marks[resCall] === b.getAttribute("data-result") ? "true" : "false");
    });
  }
  if ($("resolution")) {
    $("resolution").addEventListener("click", function (e) {
      var b = e.target.closest("button[data-result]");
      if (!b || !resCall) {
        return;
      }
      var id = resCall, result = b.getAttribute("data-result");
      D.api("POST", "/api/v1/me/calls/" + encodeURIComponent(id) + "/resolution", { result: result }).then(function () {
        marks[id] = result;
        renderResolution();
        D.say(t("resolution.saved", t("resolution." + result)), "info");
      }).catch(fail);
    });
  }

  function renderCall(c) {
    if (c && c.direction === "inbound" && (c.agents || []).length) {
      resCall = c.id;
    }
    renderResolution();
    $("call-none").hidden = !!c;
    $("call-info").hidden = !c;
    var st = $("call-state");
    st.hidden = !c;
    if (!c) {
      return;
    }
    callID = c.id;
    st.textContent = t("callstate." + c.state);
    $("call-number").textContent = customerNumber(c) || "—";
    $("call-name").textContent = c.direction === "inbound" && c.from_name ? c.from_name : "";
    $("call-direction").textContent = D.has("dir." + c.direction) ? t("dir." + c.direction) : c.direction;
    $("call-queue").textContent = [c.queue, c.campaign].filter(Boolean).join(" · ") || "—";
    $("call-time").textContent = D.dur(D.now() - Date.parse(c.started_at));
    var parties = (c.agents || []).map(function (p) {
      return p.name + (p.consulting ? " (" + t("consulting") + ")" : "");
    }).concat(c.externals || []);
    if (c.consulting) {
      parties.push(c.consulting.replace(/^[a-z]+:/, "") + " (" + t("consult_waiting") + ")");
    }
    $("call-parties").textContent = parties.join(", ") || "—";
    controls(c);
  }
  // controls shows the buttons that apply: resume on hold, the consultation's
  // three ways out while consulting, leave in a conference.
  function controls(c) {
    var box = $("call-controls");
    if (!box) {
      return;
    }
    var agents = c.agents || [];
    var consulting = agents.some(function (p) { return p.consulting; });
    var waiting = !!c.consulting; // a consultation rings or waits in a queue
    var talking = agents.filter(function (p) { return !p.consulting; }).length;
    var held = !!c.held_by || c.state === "held";
    function show(action, on) {
      box.querySelector('[data-call="' + action + '"]').hidden = !on;
    }
    show("hold", !held);
    show("unhold", held);
    show("complete", consulting);
    show("conference", consulting);
    show("cancel_consult", consulting || waiting);
    show("leave", !consulting && !waiting && talking > 1);
    $("transfer-form").hidden = consulting || waiting;
  }

  // ---- screen pop -------------------------------------------------------
  function popFor(c) {
    var key = "call:" + c.id;
    if (key === popKey) {
      return;
    }
    popKey = key;
    var number = customerNumber(c);
    var q = { number: number, customer_id: c.customer_id || "" };
    if (c.campaign) {
      q.campaign = c.campaign;
    } else if (pending && sameNumber(pending.phone, number)) {
      q.customer_id = pending.customer_id || "";
      q.campaign_id = pending.campaign_id || "";
    }
    loadPop(q);
  }
  function loadPop(q) {
    var qs = Object.keys(q).filter(function (k) { return q[k] !== "" && q[k] !== null && q[k] !== undefined; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(q[k]); }).join("&");
    return D.api("GET", "/desk/api/pop?" + qs).then(function (p) {
      renderPop(p);
      renderCampaign(p.campaign || null);
    }).catch(fail);
  }
  function renderPop(p) {
    var box = $("pop"), body = D.clear($("pop-body"));
    box.hidden = !p.searched;
    if (!p.searched) {
      return;
    }
    $("pop-number").textContent = p.number || "";
    if (!p.customers.length) {
      body.appendChild(el("p", { class: "muted", id: "pop-none", text: p.number ? t("pop.none", p.number) : t("pop.unknown") }));
      if (p.can_create) {
        body.appendChild(el("a", { class: "btn btn-sm", href: "/customers/new", target: "_blank", rel: "noopener", text: t("pop.new") }));
      }
      return;
    }
    p.customers.forEach(function (c) { body.appendChild(customerCard(c)); });
  }
  function item(it) {
    return el("li", { class: "tl-" + it.kind }, [
      el("span", { class: "at", text: it.at }),
      el("strong", { text: it.title }),
      it.detail ? el("span", { class: "detail", text: " · " + it.detail }) : null,
      it.actor ? el("span", { class: "muted", text: " · " + it.actor }) : null
    ]);
  }
  function customerCard(c) {
    var facts = el("dl", { class: "facts" });
    function fact(k, v) {
      if (v) {
        facts.appendChild(el("div", {}, [el("dt", { text: t("pop." + k) }), el("dd", { text: v })]));
      }
    }
    fact("phones", c.phones.join(", "));
    fact("level", c.level);
    fact("status", c.status);
    fact("source", c.source);
    fact("owner", c.owner || (c.in_pool ? t("pop.in_pool") : ""));
    fact("last_contact", c.last_contact);
    fact("next_follow_up", c.next_follow_up);
    fact("tags", c.tags.join(", "));
    var tl = el("ol", { class: "desk-tl" });
    c.timeline.forEach(function (it) { tl.appendChild(item(it)); });
    var none = el("p", { class: "muted small", text: t("pop.no_history"), hidden: c.timeline.length > 0 });
    var card = el("div", { class: "desk-customer", "data-customer": c.id }, [
      el("h3", {}, [
        el("a", { href: c.url, target: "_blank", rel: "noopener", text: c.name }),
        c.company ? el("span", { class: "muted small", text: " · " + c.company }) : null
      ]),
      facts,
      el("h3", { text: t("pop.history") }), none, tl
    ]);
    if (c.can_note) {
      card.appendChild(noteForm(c, tl, none));
    }
    return card;
  }
  function noteForm(c, tl, none) {
    var ta = el("textarea", { rows: "3", maxlength: "5000", placeholder: t("pop.note_ph"), "aria-label": t("pop.note_ph") });
    var form = el("form", { class: "desk-note" }, [ta,
      el("button", { class: "btn btn-primary btn-sm", type: "submit", text: t("pop.add_note") })]);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = ta.value.trim();
      if (!text) {
        return;
      }
      D.api("POST", "/desk/api/notes", { customer_id: c.id, body: text, call_id: callID }).then(function (n) {
        ta.value = "";
        none.hidden = true;
        tl.insertBefore(item({ kind: "note", at: n.at, title: t("tl.note"), detail: n.body, actor: n.author }), tl.firstChild);
        D.say(t("pop.note_saved"), "success");
      }).catch(fail);
    });
    return form;
  }

  // ---- campaign: script, objections, result -----------------------------
  function renderCampaign(c) {
    if (c) {
      campaign = c;
      if (pending && !pending.campaign_id) {
        pending.campaign_id = c.id;
        setPending(pending);
      }
    } else if (!pending) {
      campaign = null;
    }
    var panel = $("campaign-panel");
    panel.hidden = !campaign;
    if (!campaign) {
      return;
    }
    $("camp-name").textContent = campaign.name;
    $("camp-contact").textContent = pending ? t("camp.contact", pending.name || "", pending.phone || "") : "";
    var script = $("camp-script");
    script.textContent = (campaign.script || "").split("\u2028").join("\n");
    script.hidden = !campaign.script;
    var objs = D.clear($("camp-objections"));
    campaign.objections.forEach(function (o) {
      objs.appendChild(el("dt", { text: o.objection }));
      objs.appendChild(el("dd", { text: o.answer }));
    });
    $("camp-objections-title").hidden = !campaign.objections.length;
    var form = $("dispose-form");
    if (!form) {
      return;
    }
    form.hidden = !pending;
    var box = D.clear($("camp-dispositions"));
    campaign.dispositions.forEach(function (d) {
      box.appendChild(el("label", {}, [el("input", { type: "radio", name: "disposition", value: d.key }), el("span", { text: d.label })]));
    });
  }
  var disposeForm = $("dispose-form");
  if (disposeForm) {
    disposeForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var chosen = disposeForm.querySelector("input[name=disposition]:checked");
      if (!chosen) {
        D.say(t("camp.choose"));
        return;
      }
      if (!pending) {
        return;
      }
      D.api("POST", "/api/v1/campaign-contacts/" + encodeURIComponent(pending.contact_id) + "/disposition",
        { disposition: chosen.value, callback_class: $("dispose-class").value, note: $("dispose-note").value.trim() })
        .then(function () {
          if (pending.call_id) {
            disposed = disposed.concat([pending.call_id]).slice(-50);
            keep("hotline.desk.disposed", disposed);
          }
          setPending(null);
          campaign = null;
          $("campaign-panel").hidden = true;
          $("dispose-note").value = "";
          $("dispose-class").value = "";
          showPreview();
          D.say(t("camp.disposed"), "success");
        }).catch(fail);
    });
  }

  // ---- preview dialling -------------------------------------------------
  function showPreview() {
    var p = $("preview-contact");
    if (!p) {
      return;
    }
    var on = !!(pending && pending.preview);
    p.hidden = !on;
    p.textContent = on ? t("camp.contact", pending.name || "", pending.phone) : "";
    $("preview-dial").hidden = !on;
  }
  var nextBtn = $("preview-next");
  if (nextBtn) {
    nextBtn.addEventListener("click", function () {
      var id = $("preview-campaign").value;
      D.api("POST", "/api/v1/campaigns/" + encodeURIComponent(id) + "/next").then(function (ct) {
        setPending({ contact_id: ct.id, campaign_id: Number(id), phone: ct.phone, name: ct.name, customer_id: ct.customer_id || 0, preview: true });
        showPreview();
        popKey = "contact:" + ct.id;
        loadPop({ number: ct.phone, customer_id: ct.customer_id || "", campaign_id: id });
      }).catch(function (e) {
        if (e.code === "not_found") {
          D.say(t("preview.none"), "info");
        } else {
          fail(e);
        }
      });
    });
    $("preview-dial").addEventListener("click", function () {
      if (!pending) {
        return;
      }
      D.api("POST", "/api/v1/campaign-contacts/" + encodeURIComponent(pending.contact_id) + "/dial").then(function () {
        D.say(t("preview.dialing", pending.name || pending.phone), "info");
      }).catch(fail);
    });
  }

  // holdResult keeps the result of an automatic campaign call until the
  // call ends: the dialler stores the call's outcome when it ends, over a
  // result saved before (see the package doc), so saving waits for it.
  function holdResult(c) {
    var save = $("dispose-save");
    if (!save) {
      return;
    }
    var live = !!(c && pending && pending.call_id === c.id);
    save.disabled = live;
    $("dispose-wait").hidden = !live;
  }

  // ---- the poll ---------------------------------------------------------
  function tick() {
    return D.api("GET", "/api/v1/me/agent").then(function (a) {
      renderState(a);
      var c = a.call || null;
      renderCall(c);
      holdResult(c);
      if (!c) {
        return;
      }
      if (c.campaign && c.contact_id && (!pending || pending.contact_id !== c.contact_id) && disposed.indexOf(c.id) < 0) {
        setPending({ contact_id: c.contact_id, call_id: c.id, campaign: c.campaign, phone: customerNumber(c), name: "", customer_id: c.customer_id || 0 });
        showPreview();
        holdResult(c);
      }
      popFor(c);
    }, function (e) {
      if (e.status !== 401) {
        D.say(e.message);
      }
    });
  }

  // ---- controls ---------------------------------------------------------
  document.querySelectorAll("#state-bar button[data-state]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var body = { state: btn.getAttribute("data-state") };
      if (btn.getAttribute("data-reason")) {
        body.reason = btn.getAttribute("data-reason");
      }
      btn.disabled = true;
      D.api("POST", "/api/v1/me/agent/state", body).then(renderState).catch(fail).then(function () { btn.disabled = false; });
    });
  });
  $("wrapup-end").addEventListener("click", function () {
    D.api("POST", "/api/v1/me/agent/wrapup/end").then(tick).catch(fail);
  });
  var controlBox = $("call-controls");
  if (controlBox) {
    controlBox.addEventListener("click", function (e) {
      var b = e.target.closest("[data-call]");
      if (b) {
        D.api("POST", "/api/v1/me/call/" + b.getAttribute("data-call")).then(tick).catch(fail);
      }
    });
  }
  var tf = $("transfer-form");
  if (tf) {
    tf.addEventListener("submit", function (e) { e.preventDefault(); });
    tf.querySelectorAll("[data-mode]").forEach(function (b) {
      b.addEventListener("click", function () {
        var v = $("transfer-value").value.trim();
        if (!v) {
          D.say(t("transfer.need"));
          return;
        }
        var mode = b.getAttribute("data-mode");
        D.api("POST", "/api/v1/me/call/transfer", { mode: mode, target: { kind: $("transfer-kind").value, value: v } })
          .then(function () {
            D.say(t("transfer." + mode), "info");
            tick();
          }).catch(fail);
      });
    });
  }
  var dialForm = $("dial-form");
  if (dialForm) {
    dialForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var n = $("dial-number").value.trim();
      if (n) {
        D.api("POST", "/api/v1/me/dial", { number: n }).then(function () { D.say(t("dial.calling", n), "info"); }).catch(fail);
      }
    });
  }
  $("pop-close").addEventListener("click", function () { $("pop").hidden = true; });

  // ---- follow-up reminders ----------------------------------------------
  // At most maxBanners reminders stand at once; older ones make room.
  var maxBanners = 4;
  function banner(task) {
    var box = $("reminders");
    var due = Date.parse(task.due_at);
    var dismiss = el("button", { class: "btn btn-sm", type: "button", text: t("remind.dismiss") });
    var b = el("div", { class: "desk-reminder", role: "alert", "data-task": task.id }, [
      el("strong", { text: t("remind.title") }),
      el("div", {}, [el("a", { href: "/customers/" + task.customer_id, text: task.customer_name }),
        " · " + (task.title || t("task." + task.kind))]),
      el("div", { class: "row" }, [
        el("span", { class: "muted small", text: task.overdue ? t("remind.overdue", D.clock(due)) : t("remind.due", D.clock(due)) }),
        dismiss])
    ]);
    dismiss.addEventListener("click", function () { b.remove(); });
    while (box.children.length >= maxBanners) {
      box.removeChild(box.firstChild);
    }
    box.appendChild(b);
  }
  function renderTasks(all) {
    var list = D.clear($("tasks-list"));
    all.slice(0, 8).forEach(function (task) {
      list.appendChild(el("li", { class: task.overdue ? "late" : "" }, [
        el("a", { href: "/customers/" + task.customer_id, text: task.customer_name }),
        el("span", { class: "small", text: D.clock(Date.parse(task.due_at)) + " · " + (D.has("task." + task.kind) ? t("task." + task.kind) : task.kind) +
          (task.title ? " · " + task.title : "") })
      ]));
    });
    $("tasks-none").hidden = all.length > 0;
  }
  var remindMs = Number(root.getAttribute("data-remind"));
  if (remindMs) {
    var reminded = load("hotline.desk.reminded") || [];
    D.every(remindMs, function () {
      return D.api("GET", "/api/v1/tasks/due?within=10m").then(function (d) {
        var all = (d.overdue || []).concat(d.due_soon || []);
        renderTasks(all);
        all.forEach(function (task) {
          if (reminded.indexOf(task.id) < 0) {
            reminded.push(task.id);
            banner(task);
          }
        });
        reminded = reminded.slice(-500);
        keep("hotline.desk.reminded", reminded);
      });
    });
  }

  if (pending) {
    popKey = "contact:" + pending.contact_id;
    loadPop({ number: pending.phone, customer_id: pending.customer_id || "", campaign_id: pending.campaign_id || "", campaign: pending.campaign_id ? "" : pending.campaign });
    showPreview();
  }
  D.every(Number(root.getAttribute("data-poll")) || 1000, tick);
})();

/* Dashboard: poll the JSON every 3 s and redraw services, charts (uPlot) and incidents. */
"use strict";
(() => {
  const { t, el, request, poll, priority, state, health } = window.Site;
  const POLL_MS = 3000;
  const MARK_COLOURS = { alert: "#cf222e", resolved: "#1a7f37", signal: "#d4a72c" };
  const charts = new Map(); // id -> {card, plotBox, nowBox, plot, marks, range}

  function renderServices(services) {
    const box = document.getElementById("services");
    if (!services.length) {
      box.replaceChildren(el("p", { class: "muted" }, t("no_services")));
      return;
    }
    box.replaceChildren(...services.map((s) => el("article", { class: `service status-${s.status}` },
      el("div", { class: "service-head" }, el("span", { class: "service-name" }, s.name), health(s.status)),
      s.description ? el("p", { class: "muted small" }, s.description) : null,
      el("ul", { class: "cis" }, s.cis.length ? s.cis.map((c) => el("li", {
        class: `ci ci-${c.status}`, title: `${c.type}: ${t(`health_${c.status}`)}`,
      }, el("span", { class: "dot" }), c.name)) : el("li", { class: "muted small" }, t("no_cis"))),
      s.incidents.length
        ? el("p", { class: "service-incidents" }, t("active_incidents").replace("{n}", String(s.incidents.length)))
        : null)));
  }

  function renderIncidents(items) {
    document.getElementById("incident-count").textContent = String(items.length);
    const body = document.querySelector("#incidents tbody");
    if (!items.length) {
      body.replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: 7 }, t("no_open_incidents"))));
      return;
    }
    body.replaceChildren(...items.map((i) => {
      const href = `/incidents/${encodeURIComponent(i.id)}`;
      return el("tr", {},
        el("td", {}, priority(i.priority)),
        el("td", { class: "mono" }, el("a", { href }, i.id)),
        el("td", {}, el("a", { href }, i.title)),
        el("td", {}, i.service || "—"),
        el("td", {}, state(i.state)),
        el("td", { class: "num" }, String(i.alert_count)),
        el("td", { class: "num" }, i.age));
    }));
  }

  function fmt(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "—";
    const a = Math.abs(v);
    const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
    return v.toLocaleString(undefined, { maximumFractionDigits: digits });
  }

  /** Vertical lines at alert / resolve / signal times, drawn after the series. */
  function marksPlugin(entry) {
    return { hooks: { draw: [(u) => {
      const { ctx } = u;
      const top = u.bbox.top, h = u.bbox.height;
      for (const m of entry.marks) {
        if (m.t < u.scales.x.min || m.t > u.scales.x.max) continue;
        const x = Math.round(u.valToPos(m.t, "x", true));
        ctx.save();
        ctx.strokeStyle = MARK_COLOURS[m.kind] || "#57606a";
        ctx.fillStyle = ctx.strokeStyle;
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.setLineDash(m.kind === "signal" ? [4 * devicePixelRatio, 3 * devicePixelRatio] : []);
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
        const s = 5 * devicePixelRatio;
        ctx.beginPath(); ctx.moveTo(x - s, top); ctx.lineTo(x + s, top); ctx.lineTo(x, top + s * 1.4); ctx.fill();
        ctx.restore();
      }
    }] } };
  }

  function ensureChart(c) {
    let entry = charts.get(c.id);
    if (entry) return entry;
    const nowBox = el("span", { class: "chart-now" }, "—");
    const plotBox = el("div", { class: "chart-plot" }, el("div", { class: "chart-empty" }, t("waiting_for_data")));
    const card = el("div", { class: "chart", "data-chart": c.id },
      el("div", { class: "chart-head" }, el("span", { class: "chart-title" }, c.title), nowBox), plotBox);
    document.getElementById("charts").append(card);
    entry = { card, plotBox, nowBox, plot: null, marks: [], unit: c.unit, range: null };
    charts.set(c.id, entry);
    return entry;
  }

  function makePlot(entry, c) {
    const opts = {
      width: Math.max(entry.plotBox.clientWidth, 300), height: 200,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: () => entry.range }, y: { range: (u, lo, hi) => [0, hi > 0 ? hi * 1.15 : 1] } },
      axes: [
        { stroke: "#656d76", grid: { stroke: "#eaeef2" }, ticks: { stroke: "#d8dee4" } },
        { stroke: "#656d76", grid: { stroke: "#eaeef2" }, ticks: { stroke: "#d8dee4" }, size: 56,
          label: c.unit, labelSize: 18, values: (u, vals) => vals.map((v) => fmt(v)) },
      ],
      series: [{}, { label: c.title, stroke: "#0b5cad", width: 2, fill: "rgba(11,92,173,0.08)", points: { show: false } }],
      plugins: [marksPlugin(entry)],
    };
    entry.plotBox.replaceChildren();
    entry.plot = new uPlot(opts, [c.x, c.y], entry.plotBox);
  }

  function renderChart(c, since, now) {
    const entry = ensureChart(c);
    entry.range = [since, now];
    const last = [...c.y].reverse().find((v) => v !== null);
    entry.nowBox.replaceChildren(fmt(last), el("span", { class: "unit" }, c.unit));
    if (!c.x.length) return;
    if (!entry.plot) makePlot(entry, c);
    else entry.plot.setData([c.x, c.y]);
  }

  async function refresh() {
    const [dash, ch] = await Promise.all([request("GET", "/api/v1/dashboard"), request("GET", "/api/v1/charts")]);
    renderServices(dash.services);
    renderIncidents(dash.incidents);
    const since = Date.parse(ch.since) / 1000, now = Date.parse(dash.now) / 1000;
    const services = [...new Set(ch.items.map((c) => c.service).filter(Boolean))];
    const marks = {};
    await Promise.all(services.map(async (s) => {
      const q = new URLSearchParams({ service: s, since: ch.since });
      marks[s] = (await request("GET", `/api/v1/marks?${q}`)).items;
    }));
    for (const c of ch.items) {
      const entry = ensureChart(c);
      entry.marks = marks[c.service] || [];
      renderChart(c, since, Math.max(now, since + 60));
    }
  }

  window.addEventListener("resize", () => {
    for (const e of charts.values()) if (e.plot) e.plot.setSize({ width: Math.max(e.plotBox.clientWidth, 300), height: 200 });
  });
  poll(refresh, POLL_MS);
})();

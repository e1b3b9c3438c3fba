/* Shared helpers for the control site. Untrusted text only ever goes through textContent. */
"use strict";
window.Site = (() => {
  const strings = JSON.parse(document.getElementById("ui-strings").textContent);
  const t = (key) => (key in strings ? strings[key] : key);

  /** Build an element; string children become text nodes, never markup. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function errorMessage(body, status) {
    if (body && typeof body === "object" && body.message) {
      const details = (body.errors || []).map((e) => `${(e.loc || []).join(".")}: ${e.msg}`);
      return [body.message, ...details].join("; ");
    }
    return `HTTP ${status}`;
  }

  async function request(method, url, body) {
    const init = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(url, init);
    let data = null;
    try { data = await resp.json(); } catch (_) { data = null; }
    if (!resp.ok) throw new Error(errorMessage(data, resp.status));
    return data;
  }

  function setStatus(ok) {
    const node = document.getElementById("refresh-status");
    if (!node) return;
    node.classList.toggle("failed", !ok);
    node.textContent = ok ? `${t("updated")} ${new Date().toLocaleTimeString()}` : t("refresh_failed");
  }

  /** Run `fn` now and every `ms`, one at a time, skipping while the tab is hidden. */
  function poll(fn, ms) {
    const tick = async () => {
      if (!document.hidden) {
        try { await fn(); setStatus(true); } catch (err) { console.warn(err); setStatus(false); }
      }
      setTimeout(tick, ms);
    };
    tick();
  }

  const priority = (p) => el("span", { class: `prio prio-${p}`, title: "ITIL priority" }, `P${p}`);
  const state = (s) => el("span", { class: `state state-${s}` }, s);
  const health = (h) => el("span", { class: `health health-${h}` }, t(`health_${h}`));

  return { t, el, request, poll, setStatus, priority, state, health };
})();

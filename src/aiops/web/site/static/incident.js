/* Incident page: actions and comments through the API, then refresh the sections in place. */
"use strict";
(() => {
  const { request, poll } = window.Site;
  const header = document.getElementById("inc-header");
  const id = header.dataset.incident;
  const base = `/api/v1/incidents/${encodeURIComponent(id)}`;
  const SECTIONS = ["inc-header", "inc-timeline", "inc-logs", "inc-alerts", "inc-diagnosis"];
  let busy = false;

  /** Re-render from the server's own (escaped) HTML, so page and refresh never disagree. */
  async function refresh() {
    const resp = await fetch(window.location.pathname, { headers: { Accept: "text/html" } });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
    for (const sid of SECTIONS) {
      const fresh = doc.getElementById(sid);
      const here = document.getElementById(sid);
      if (!fresh || !here) continue;
      const err = here.querySelector(".error");
      const keep = err ? err.textContent : "";
      here.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
      for (const a of fresh.getAttributeNames()) here.setAttribute(a, fresh.getAttribute(a));
      const errNew = here.querySelector(".error");
      if (errNew) errNew.textContent = keep;
    }
  }

  document.addEventListener("click", async (ev) => {
    const btn = ev.target.closest("button[data-verb]");
    if (!btn || btn.disabled) return;
    const out = document.getElementById("action-error");
    out.textContent = "";
    busy = true;
    btn.disabled = true;
    try {
      await request("POST", `${base}/${btn.dataset.verb}`, { actor: "web" });
      await refresh();
    } catch (err) {
      btn.disabled = false;
      document.getElementById("action-error").textContent = `${window.Site.t("action_failed")}: ${err.message}`;
    } finally {
      busy = false;
    }
  });

  document.getElementById("comment-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const box = document.getElementById("comment-text");
    const out = document.getElementById("comment-error");
    out.textContent = "";
    try {
      await request("POST", `${base}/comments`, { actor: "web", text: box.value });
      box.value = "";
      await refresh();
    } catch (err) {
      out.textContent = err.message;
    }
  });

  // New alerts, signals and diagnoses arrive while the page is open.
  setTimeout(() => poll(async () => { if (!busy) await refresh(); }, 5000), 5000);
})();

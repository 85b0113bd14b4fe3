// parley overview: the whole corpus at a glance: a world map shaded by events per country,
// the busiest dyads, alerts and the most recent events, each linking to its dyad or country page.
"use strict";

const RECENT = 25;
const view = { since: "", until: "", measure: "events" };

function readURL() {
  const q = new URLSearchParams(location.search);
  const date = (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v || "") ? v : "");
  view.since = date(q.get("since"));
  view.until = date(q.get("until"));
  view.measure = q.get("measure") === "goldstein" ? "goldstein" : "events";
  $("f-since").value = view.since;
  $("f-until").value = view.until;
  $("f-measure").value = view.measure;
}

function counted() {
  return { ...COUNTED, since: view.since, until: view.until };
}

async function loadMap() {
  const params = { ...counted(), by: "month" };
  $("download-panel-csv").href = "/api/panel" + query({ ...params, format: "csv" });
  const panel = await api("/api/panel", params);
  const totals = countryTotals(panel.panel);
  await worldMap($("world"), totals, view.measure, (c) => { location.href = "/country" + query({ c }); });
}

async function loadDyads() {
  const edges = await api("/api/network", counted());
  const body = $("dyads").tBodies[0];
  body.replaceChildren(...dyads(edges.edges).slice(0, 15).map((d) => el("tr", { "data-dyad": `${d.a}-${d.b}` },
    el("td", {}, dyadLink(d.a, d.b, `${d.a_name || d.a} – ${d.b_name || d.b}`), el("span", { class: "meta" }, ` ${d.a}–${d.b}`)),
    el("td", {}, String(d.events)), el("td", {}, String(d.cooperation)), el("td", {}, String(d.conflict)),
    el("td", {}, (d.goldstein_sum / d.events).toFixed(2)))));
  if (!body.rows.length) body.append(el("tr", {}, el("td", { colspan: "5", class: "meta" }, "No dyads.")));
}

async function loadAlerts() {
  const found = await api("/api/alerts", { ...counted(), by: "week" });
  const body = $("alerts").tBodies[0];
  body.replaceChildren(...found.alerts.slice(0, 15).map((a) => {
    const [x, y] = String(a.dyad).split("-");
    return el("tr", { "data-dyad": a.dyad }, el("td", {}, dyadLink(x, y, a.dyad_name || a.dyad)), el("td", {}, String(a.period)),
      el("td", {}, a.kind), el("td", {}, String(a.events)), el("td", {}, Number(a.baseline).toFixed(1)), el("td", {}, Number(a.score).toFixed(1)));
  }));
  if (!body.rows.length) body.append(el("tr", {}, el("td", { colspan: "6", class: "meta" }, "No alerts: no dyad jumped above its recent baseline.")));
}

async function loadRecent() {
  const params = { ...counted(), sort: "date:desc" };
  $("download-csv").href = "/api/events.csv" + query(params);
  $("download-parquet").href = "/api/events.parquet" + query(params);
  const page = await api("/api/events", { ...params, limit: RECENT });
  const body = $("recent").tBodies[0];
  body.replaceChildren(...page.events.map((e) => {
    const pair = `${e.actor_party_name || e.actor_party || "?"} → ${e.recipient_party_name || e.recipient_party || "?"}`;
    const title = (e.mentions || [])[0] || {};
    return el("tr", { "data-event": e.event_key },
      el("td", {}, e.date || ""), el("td", {}, e.event_type + (e.negated ? " (not)" : "")),
      el("td", {}, `${e.cameo} ${e.cameo_name || ""}`),
      el("td", {}, e.actor_party && e.recipient_party ? dyadLink(e.actor_party, e.recipient_party, pair) : pair),
      el("td", {}, [e.place_name, e.place_country_name].filter(Boolean).join(", ")),
      el("td", {}, safeLink(title.url, title.title || title.doc_id || "")));
  }));
  $("recent-count").textContent = `${page.events.length} latest of ${page.total}`;
  $("recent-count").dataset.total = String(page.total);
}

function load() {
  $("status").textContent = "";
  return settle(loadMap(), loadDyads(), loadAlerts(), loadRecent());
}

function start() {
  readURL();
  const submit = () => {
    view.since = $("f-since").value;
    view.until = $("f-until").value;
    view.measure = $("f-measure").value;
    const q = query({ since: view.since, until: view.until, measure: view.measure === "events" ? "" : view.measure });
    history.pushState(null, "", location.pathname + q);
    load();
  };
  $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); submit(); });
  $("f-measure").addEventListener("change", submit);
  window.addEventListener("popstate", () => { readURL(); load(); });
  load();
}

document.addEventListener("DOMContentLoaded", start);

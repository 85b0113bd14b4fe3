// parley country page: one country's (or organisation's) events per period, its partners ranked,
// the issues on its agenda with its main partners, and its recent events, with downloads.
"use strict";

const RECENT = 25;
const AGENDA_PARTNERS = 3;
const view = { c: "USA", by: "month", since: "", until: "" };

function readURL() {
  const q = new URLSearchParams(location.search);
  const date = (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v || "") ? v : "");
  view.c = /^[A-Za-z][A-Za-z .'()-]{0,59}$/.test(q.get("c") || "") ? q.get("c").trim() : "USA";
  view.by = ["week", "month", "quarter", "year"].includes(q.get("by")) ? q.get("by") : "month";
  view.since = date(q.get("since"));
  view.until = date(q.get("until"));
  for (const k of Object.keys(view)) $("f-" + k).value = view[k];
}

function counted() {
  return { ...COUNTED, since: view.since, until: view.until };
}

// the country's code and name: the API checks the name or code (an unknown one is an error that
// suggests the nearest), the actors list maps a name to its code
async function resolve(value) {
  await api("/api/events", { party: value, limit: 1 });
  const known = await api("/api/actors", { limit: 1 });
  const found = known.countries.find((c) => c.country === value.toUpperCase() || (c.name || "").toLowerCase() === value.toLowerCase());
  return found || { country: value.toUpperCase(), name: value };
}

async function loadSeries(code) {
  const params = { ...counted(), by: view.by, party: code };
  $("download-panel-csv").href = "/api/panel" + query({ ...params, format: "csv" });
  const panel = await api("/api/panel", params);
  const series = panel.panel.filter((r) => r.country === code);
  renderChart(series, $("chart"), "this country");
  const total = series.reduce((s, r) => s + (Number(r.events) || 0), 0);
  $("country-total").textContent = `${total} events by ${view.by}`;
  $("country-total").dataset.total = String(total);
}

async function loadPartners(code) {
  const edges = await api("/api/network", { ...counted(), party: code });
  const partners = dyads(edges.edges).filter((d) => d.a === code || d.b === code);
  const body = $("partners").tBodies[0];
  body.replaceChildren(...partners.map((d) => {
    const [other, name] = d.a === code ? [d.b, d.b_name] : [d.a, d.a_name];
    return el("tr", { "data-partner": other },
      el("td", {}, countryLink(other, `${name || other}`), el("span", { class: "meta" }, " " + other), " · ",
        dyadLink(code, other, "dyad")),
      el("td", {}, String(d.events)), el("td", {}, String(d.cooperation)), el("td", {}, String(d.conflict)),
      el("td", {}, (d.goldstein_sum / d.events).toFixed(2)));
  }));
  if (!partners.length) body.append(el("tr", {}, el("td", { colspan: "5", class: "meta" }, "No partners.")));
  return partners.slice(0, AGENDA_PARTNERS).map((d) => (d.a === code ? d.b : d.a));
}

async function loadAgenda(code, partners) {
  const box = $("agenda");
  const found = await Promise.all(partners.map((p) => api(`/api/agenda/${encodeURIComponent(code)}/${encodeURIComponent(p)}`)));
  box.replaceChildren();
  for (const r of found) {
    for (const issue of r.issues) {
      box.append(el("p", { class: "agenda-issue" }, el("span", { class: "badge" }, issue.status || "?"), el("strong", {}, issue.issue),
        " with ", dyadLink(r.a, r.b, r.b_name || r.b), el("span", { class: "meta" }, ` ${issue.first_date || "?"} – ${issue.last_date || "?"}`)));
    }
  }
  if (!box.childNodes.length) box.append(el("p", { class: "meta" }, "No issues with its main partners."));
}

async function loadRecent(code) {
  const params = { ...counted(), party: code, sort: "date:desc" };
  $("download-csv").href = "/api/events.csv" + query(params);
  $("download-parquet").href = "/api/events.parquet" + query(params);
  const page = await api("/api/events", { ...params, limit: RECENT });
  $("recent").tBodies[0].replaceChildren(...page.events.map((e) => el("tr", { "data-event": e.event_key },
    el("td", {}, e.date || ""), el("td", {}, e.event_type + (e.negated ? " (not)" : "")),
    el("td", {}, `${e.cameo} ${e.cameo_name || ""}`),
    el("td", {}, e.actor_party && e.recipient_party
      ? dyadLink(e.actor_party, e.recipient_party, `${e.actor_party_name || e.actor_party} → ${e.recipient_party_name || e.recipient_party}`)
      : `${e.actor_party_name || "?"} → ${e.recipient_party_name || "?"}`),
    el("td", {}, [e.place_name, e.place_country_name].filter(Boolean).join(", ")))));
  $("recent-count").textContent = `${page.events.length} latest of ${page.total}`;
  $("recent-count").dataset.total = String(page.total);
}

async function loadAll() {
  const country = await resolve(view.c);
  const code = country.country;
  $("country-name").textContent = `${country.name || code} (${code})`;
  document.title = `parley: ${country.name || code}`;
  await Promise.all([loadSeries(code), loadRecent(code), loadPartners(code).then((p) => loadAgenda(code, p))]);
}

function load() {
  $("status").textContent = "";
  $("country-name").textContent = view.c;
  return settle(loadAll());
}

async function fillChoices() {
  const actors = await api("/api/actors", { limit: 1 });
  $("countries").replaceChildren(...actors.countries.map((c) => el("option", { value: c.country }, `${c.name || c.country}: ${c.events} events`)));
}

function start() {
  readURL();
  $("filters").addEventListener("submit", (ev) => {
    ev.preventDefault();
    for (const k of Object.keys(view)) view[k] = $("f-" + k).value.trim();
    history.pushState(null, "", location.pathname + query({ c: view.c, by: view.by, since: view.since, until: view.until }));
    load();
  });
  window.addEventListener("popstate", () => { readURL(); load(); });
  fillChoices().catch(fail);
  load();
}

document.addEventListener("DOMContentLoaded", start);

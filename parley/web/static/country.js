// parley country and actor page: one country's, organisation's or actor code's (RUSGOV) events per
// period, its partners ranked, the issues on its (country's) agenda with its main partners, its actor
// codes and its recent events, with downloads.
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

// what the page is about: a country or organisation ("Russia", "RUS", "UN") or an actor code
// below it ("RUSGOV"); the API checks the value (an unknown one is an error that suggests the nearest)
async function resolve(value) {
  const page = await api("/api/events", { party: value, limit: 1 });
  const known = await api("/api/actors", { limit: 1000 });
  const upper = value.toUpperCase();
  const country = known.countries.find((c) => c.country === upper || (c.name || "").toLowerCase() === value.toLowerCase());
  if (country) return { kind: "country", code: country.country, name: country.name, country: country.country, actors: known.actors };
  const event = page.events[0] || {};
  const party = [...(event.actors || []), ...(event.recipients || [])].find((p) => (p.code || "").startsWith(upper));
  const home = party ? party.party : null;
  return { kind: "actor", code: upper, name: home ? party.party_name : value, country: home || upper, actors: known.actors };
}

function renderActors(subject) {
  const codes = subject.actors.filter((a) => a.code !== subject.country && a.code.startsWith(subject.country));
  const body = $("actors").tBodies[0];
  body.replaceChildren(...codes.map((a) => el("tr", { "data-actor": a.code },
    el("td", {}, countryLink(a.code, a.code)), el("td", {}, a.name || ""), el("td", {}, String(a.events)))));
  if (!codes.length) body.append(el("tr", {}, el("td", { colspan: "3", class: "meta" }, "No actor codes below the country.")));
}

async function loadSeries(code, country) {
  const params = { ...counted(), by: view.by, party: code };
  $("download-panel-csv").href = "/api/panel" + query({ ...params, format: "csv" });
  const panel = await api("/api/panel", params);
  // every selected event involves the country, so its row counts them all (for an actor code too)
  const series = panel.panel.filter((r) => r.country === country);
  renderChart(series, $("chart"), "this country");
  const total = series.reduce((s, r) => s + (Number(r.events) || 0), 0);
  $("country-total").textContent = `${total} events by ${view.by}`;
  $("country-total").dataset.total = String(total);
}

async function loadPartners(party, code) {
  const edges = await api("/api/network", { ...counted(), party });
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
  const subject = await resolve(view.c);
  const { code, country } = subject;
  $("country-name").textContent = subject.kind === "country" ? `${subject.name || code} (${code})` : `actor ${code} (${subject.name || "?"}, ${country})`;
  $("country-name").dataset.kind = subject.kind;
  document.title = `parley: ${subject.kind === "country" ? subject.name || code : code}`;
  renderActors(subject);
  await Promise.all([loadSeries(code, country), loadRecent(code), loadPartners(code, country).then((p) => loadAgenda(country, p))]);
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

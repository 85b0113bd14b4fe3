// parley dashboard: a dyad's timeline, agenda, map and events with their evidence, names beside codes.
// The chart, its totals and the table are asked for with the same filters, so they count the same events.
// Article text is untrusted: the DOM is built with createElement and textContent only.
"use strict";

const PERIODS = ["day", "week", "month", "quarter", "year"];
const PAGE = 100;
let typeDescriptions = {};  // PLOVER type -> what it covers, from /api/types
// the filters beside the dyad, as the API names them; their defaults are what an analysis counts
const FILTERS = { type: "", quad: "", status: "factual", negated: "no", coverage: "true", goldstein_min: "",
  goldstein_max: "", min_confidence: "", issue: "", context: "", source: "", place: "", text: "", sort: "" };
const state = { a: "USA", b: "RUS", by: "week", since: "", until: "", offset: 0, ...FILTERS };




function readURL() {
  const q = new URLSearchParams(location.search);
  // a country or organisation by code or name ("RUS", "Russia", "UN"); the API resolves it
  const party = (v, d) => (/^[A-Za-z][A-Za-z .'()-]{0,59}$/.test(v || "") ? v.trim() : d);
  const date = (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v || "") ? v : "");
  state.a = party(q.get("a"), "USA");
  state.b = party(q.get("b"), "RUS");
  state.by = PERIODS.includes(q.get("by")) ? q.get("by") : "week";
  state.since = date(q.get("since"));
  state.until = date(q.get("until"));
  for (const [k, d] of Object.entries(FILTERS)) {
    const v = q.get(k);
    state[k] = v !== null && v.length <= 200 ? v : d;  // any text: the API checks it, and says why
  }
  state.offset = Math.max(0, parseInt(q.get("offset") || "0", 10) || 0);
}

function writeURL() {
  const q = new URLSearchParams();
  for (const k of ["a", "b", "by", "since", "until"]) if (state[k]) q.set(k, state[k]);
  for (const [k, d] of Object.entries(FILTERS)) if (state[k] !== d) q.set(k, state[k]);
  if (state.offset) q.set("offset", String(state.offset));
  history.pushState(null, "", "?" + q.toString());
}

function syncForm() {
  for (const k of ["a", "b", "by", "since", "until", ...Object.keys(FILTERS)]) {
    const input = $("f-" + k);
    if (input.tagName === "SELECT" && state[k] && ![...input.options].some((o) => o.value === state[k])) {
      input.append(el("option", { value: state[k] }, state[k]));
    }
    input.value = state[k];
  }
}

// the filters every request of the page sends: the chart, its totals and the table count the same events
function filterParams() {
  const out = { since: state.since, until: state.until };
  for (const k of Object.keys(FILTERS)) out[k] = state[k];
  return out;
}



function dyadPath() {
  return encodeURIComponent(state.a) + "/" + encodeURIComponent(state.b);
}

// --- timeline -------------------------------------------------------------------------------

function renderTotals(series) {
  const sum = (k) => series.reduce((s, r) => s + (Number(r[k]) || 0), 0);
  $("total-events").textContent = String(sum("events"));
  for (const q of QUADS) $("total-" + q).textContent = String(sum(q));
  $("total-goldstein").textContent = sum("goldstein_sum").toFixed(1);
}


// --- agenda ---------------------------------------------------------------------------------

function highlighted(sentence, spans) {
  // the sentence as text nodes, with <mark> around each span (start/end relative to the sentence)
  // where spans overlap the trigger wins, then the actor, then the recipient
  const rank = { trigger: 3, actor: 2, recipient: 1, "": 0 };
  const labels = new Array(sentence.length).fill("");
  for (const s of spans) {
    for (let i = Math.max(0, s.start); i < Math.min(sentence.length, s.end); i++) {
      if (rank[s.cls] > rank[labels[i]]) labels[i] = s.cls;
    }
  }
  const out = el("p", { class: "sentence" });
  let i = 0;
  while (i < sentence.length) {
    let j = i;
    while (j < sentence.length && labels[j] === labels[i]) j++;
    const text = sentence.slice(i, j);
    out.append(labels[i] ? el("mark", { class: labels[i] }, text) : document.createTextNode(text));
    i = j;
  }
  return out;
}

function token(value) {
  return String(value || "").toLowerCase().replace(/[^a-z0-9_-]/g, "");
}

function renderAgenda(issues) {
  const box = $("agenda");
  box.replaceChildren();
  if (!issues.length) { box.append(el("p", { class: "meta" }, "No issues between these countries.")); return; }
  for (const issue of issues) {
    const badge = el("span", { class: "badge" }, issue.status || "?");
    if (token(issue.status)) badge.classList.add(token(issue.status));
    const summary = el("summary", {}, badge, el("strong", {}, issue.issue),
      el("span", { class: "meta" }, ` ${issue.first_date || "?"} – ${issue.last_date || "?"}`,
        (issue.raised_by_names || []).length ? `, raised by ${issue.raised_by_names.join(", ")}` : ""));
    const list = el("ol", { class: "history" });
    for (const h of issue.history || []) {
      const sentence = String(h.sentence || "");
      const at = h.trigger ? sentence.indexOf(h.trigger) : -1;
      const spans = at >= 0 ? [{ start: at, end: at + h.trigger.length, cls: "trigger" }] : [];
      list.append(el("li", {}, el("span", { class: "meta" },
        `${h.date || "?"} · ${h.by || "?"} · ${h.stance || ""} · ${h.event_type || ""}${h.negated ? " (negated)" : ""}`),
      highlighted(sentence, spans)));
    }
    box.append(el("details", { class: "issue" }, summary, list));
  }
}

// --- map ------------------------------------------------------------------------------------

function renderMap(events) {
  const box = $("map");
  box.replaceChildren();
  const root = svgEl("svg", { viewBox: "0 0 360 180", role: "img", "aria-label": "map of event locations" });
  root.append(svgEl("image", { href: "/static/world.svg", x: 0, y: 0, width: 360, height: 180 }));
  const places = new Map();
  for (const e of events) {
    if (e.place_lat === null || e.place_lon === null || e.place_lat === undefined) continue;
    const key = `${e.place_lat},${e.place_lon}`;
    const p = places.get(key) || { lat: e.place_lat, lon: e.place_lon, name: e.place_name, n: 0 };
    p.n += 1;
    places.set(key, p);
  }
  for (const p of places.values()) {
    const dot = svgEl("circle", { cx: (p.lon + 180).toFixed(2), cy: (90 - p.lat).toFixed(2), r: (1.5 + Math.sqrt(p.n)).toFixed(2), class: "point" });
    dot.append(svgEl("title", {}, `${p.name || "?"}: ${p.n} event${p.n === 1 ? "" : "s"}`));
    root.append(dot);
  }
  box.append(root);
}

// --- events and evidence --------------------------------------------------------------------

function parties(list) {
  return (list || []).map((p) => p.code || p.text).join(", ") || "?";
}

function partyNames(list) {
  return [...new Set((list || []).map((p) => p.party_name || p.name || p.text))].join(", ") || "?";
}

function renderEvents(page) {
  const body = $("events").tBodies[0];
  body.replaceChildren();
  for (const e of page.events) {
    const place = [e.place_name, e.place_country_name || e.place_country].filter(Boolean).join(", ");
    const row = el("tr", { "data-event": e.event_key },
      el("td", {}, e.date || ""), el("td", {}, e.event_type + (e.negated ? " (not)" : "")),
      el("td", { title: e.cameo_name || "" }, `${e.cameo} ${e.cameo_name || ""}`),
      el("td", {}, `${parties(e.actors)} → ${parties(e.recipients)}`,
        el("br"), el("span", { class: "meta" }, `${partyNames(e.actors)} → ${partyNames(e.recipients)}`)),
      el("td", {}, place),
      el("td", {}, String(e.num_mentions)));
    row.addEventListener("click", () => {
      for (const r of body.rows) r.classList.remove("selected");
      row.classList.add("selected");
      showEvidence(e);
    });
    body.append(row);
  }
  const last = page.offset + page.events.length;
  $("events-count").textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : "none";
  $("events-count").dataset.total = String(page.total);
  $("prev").disabled = page.offset === 0;
  $("next").disabled = last >= page.total;
}


// the stored text of a mention's document, as text, with the evidence sentence marked
async function showStoredText(m, box) {
  const doc = await api("/api/documents/" + encodeURIComponent(m.doc_key));
  if (doc.text === null || doc.text === undefined) {
    box.replaceChildren(el("p", { class: "meta" }, "The text of this document was not stored (ingested with --no-text, or before texts were kept)."));
    return;
  }
  const text = String(doc.text), start = Number(m.sentence_start) || 0, end = start + String(m.sentence).length;
  const ok = text.slice(start, end) === String(m.sentence);
  box.replaceChildren(el("pre", { class: "stored-text" }, ok ? text.slice(0, start) : text,
    ok ? el("mark", { class: "evidence-sentence" }, text.slice(start, end)) : "", ok ? text.slice(end) : ""));
}

function showEvidence(e) {
  const box = $("evidence-body");
  const typeText = typeDescriptions[e.event_type];
  box.replaceChildren(el("p", {},
    el("strong", {}, `${e.event_type} (CAMEO ${e.cameo}: ${e.cameo_name || "?"}, Goldstein ${e.goldstein})`),
    ` ${partyNames(e.actors)} → ${partyNames(e.recipients)} (${parties(e.actors)} → ${parties(e.recipients)}),`,
    ` ${e.date || "undated"}${e.place_name ? ", " + e.place_name : ""}; ${e.status}${e.negated ? ", negated" : ""}`),
  el("dl", { class: "codes" },
    el("dt", {}, "CAMEO " + e.cameo), el("dd", { class: "cameo-description" }, e.cameo_name || "no description"),
    el("dt", {}, "Quad class " + e.quad_class), el("dd", {}, QUAD_NAMES[Number(e.quad_class) - 1] || "?"),
    el("dt", {}, "PLOVER " + e.event_type), el("dd", { class: "type-description" }, typeText || "no description")));
  for (const m of e.mentions) {
    const start = m.sentence_start;
    const spans = [];
    for (const [key, cls] of [["actors", "actor"], ["recipients", "recipient"]]) {
      for (const p of m[key] || []) {
        if (Number.isInteger(p.start) && Number.isInteger(p.end)) spans.push({ start: p.start - start, end: p.end - start, cls });
      }
    }
    spans.push({ start: m.trigger.start - start, end: m.trigger.end - start, cls: "trigger" });
    const stored = el("div", { class: "stored" });
    const button = el("button", { type: "button", class: "show-text" }, "Show the stored text");
    button.addEventListener("click", () => showStoredText(m, stored).catch(fail));
    box.append(el("div", { class: "mention", "data-mention": m.mention_id },
      el("p", { class: "meta" }, el("strong", { class: "title" }, m.title || m.doc_id || m.doc_key), ` · ${m.source || ""} · ${m.published || ""}`),
      highlighted(String(m.sentence), spans),
      el("p", { class: "meta links" }, "Source: ", safeLink(m.url, m.url || "no URL"), " · ",
        el("a", { href: "/api/documents/" + encodeURIComponent(m.doc_key), class: "document-link" }, "stored document (JSON)"), " ", button),
      stored));
  }
  $("evidence").hidden = false;
  $("evidence").scrollIntoView({ block: "nearest" });
}

// --- loading --------------------------------------------------------------------------------


function dyadParam() {
  return `${state.a}-${state.b}`;
}

async function loadEvents() {
  const params = { dyad: dyadParam(), ...filterParams() };
  const page = await api("/api/events", { ...params, limit: PAGE, offset: state.offset });
  renderEvents(page);
  renderMap(page.events);
  $("download-csv").href = "/api/events.csv" + query(params);
  $("download-parquet").href = "/api/events.parquet" + query(params);
}

async function load() {
  $("status").textContent = "";
  $("evidence").hidden = true;
  $("dyad-name").textContent = `${state.a} – ${state.b} by ${state.by}`;
  document.title = `parley: ${state.a} – ${state.b}`;
  document.body.dataset.loaded = "";
  const seriesParams = { by: state.by, ...filterParams() };
  $("download-series-csv").href = `/api/dyads/${dyadPath()}/series.csv` + query(seriesParams);
  const series = api(`/api/dyads/${dyadPath()}/series`, seriesParams)
    .then((r) => {
      $("dyad-name").textContent = `${r.a_name || r.a} – ${r.b_name || r.b} (${r.a}–${r.b}) by ${state.by}`;
      document.title = `parley: ${r.a_name || r.a} – ${r.b_name || r.b}`;
      $("counted").textContent = `status ${r.counted.status.join(", ")}; negated: ${r.counted.negated};` +
        ` ${r.counted.coverage ? "dated within the documents' coverage" : "any date"}`;
      renderTotals(r.series);
      renderChart(r.series);
    });
  const agenda = api(`/api/agenda/${dyadPath()}`).then((r) => renderAgenda(r.issues));
  const results = await Promise.allSettled([series, agenda, loadEvents()]);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) fail(failed.reason);
  document.body.dataset.loaded = failed ? "error" : "ok";
}

async function fillChoices() {
  try {
    const [actors, types] = await Promise.all([api("/api/actors", { limit: 1 }), api("/api/types")]);
    $("countries").replaceChildren(...actors.countries.map((c) => el("option", { value: c.country }, `${c.name || c.country}: ${c.events} events`)));
    typeDescriptions = types.descriptions || {};
    const select = $("f-type");
    for (const t of types.types) {
      if (![...select.options].some((o) => o.value === t)) select.append(el("option", { value: t, title: (types.descriptions || {})[t] || "" }, t));
    }
    select.value = state.type;
  } catch (err) {
    fail(err);
  }
}

function start() {
  readURL();
  syncForm();
  $("filters").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    for (const k of ["a", "b", "by", "since", "until", ...Object.keys(FILTERS)]) state[k] = String(form.get(k) || "").trim();
    state.offset = 0;
    writeURL();
    load();
  });
  $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); writeURL(); loadEvents().catch(fail); });
  $("next").addEventListener("click", () => { state.offset += PAGE; writeURL(); loadEvents().catch(fail); });
  $("evidence-close").addEventListener("click", () => { $("evidence").hidden = true; });
  window.addEventListener("popstate", () => { readURL(); syncForm(); load(); });
  fillChoices();
  load();
}

document.addEventListener("DOMContentLoaded", start);

// parley dashboard helpers shared by every page: DOM built with createElement and textContent only
// (article text is untrusted), JSON from the API, and the world map shaded by country.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const QUADS = ["quad1", "quad2", "quad3", "quad4"];
const QUAD_NAMES = ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];
// what an analysis counts by default, as the dyad page sends it
const COUNTED = { status: "factual", negated: "no", coverage: "true" };

// an element with attributes and children (strings become text nodes)
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function $(id) { return document.getElementById(id); }

function query(params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== undefined && v !== null));
  return q.toString() ? "?" + q : "";
}

async function api(path, params = {}) {
  const response = await fetch(path + query(params), { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || response.status + " " + response.statusText);
  return body;
}

function safeLink(url, text) {
  return /^https?:\/\//i.test(url || "") ? el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, text) : el("span", {}, text);
}

function dyadLink(a, b, text) {
  return el("a", { href: "/dyad" + query({ a, b }), class: "dyad-link" }, text);
}

function countryLink(code, text) {
  return el("a", { href: "/country" + query({ c: code }), class: "country-link" }, text || code);
}

// a country-code-keyed value as a fill: counts on a log scale of blues, Goldstein means red (conflict) to blue
function shade(value, most, measure) {
  if (measure === "goldstein") {
    const t = Math.max(-1, Math.min(1, value / 10));
    const [r, g, b] = t >= 0 ? [255 - 180 * t, 255 - 110 * t, 255 - 40 * t] : [255 + 40 * t, 255 + 200 * t, 255 + 200 * t];
    return `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;
  }
  const t = Math.log1p(value) / Math.log1p(Math.max(1, most));
  return `rgb(${Math.round(225 - 195 * t)},${Math.round(235 - 155 * t)},${Math.round(245 - 65 * t)})`;
}

// the world map (our own static SVG, outlines tagged data-country) inline, shaded by `values`
// (country -> {events, goldstein_mean, name}); zoomable with buttons and the mouse wheel
async function worldMap(box, values, measure, onPick) {
  const text = await (await fetch("/static/world.svg")).text();
  const source = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
  const root = svgEl("svg", { viewBox: "0 0 360 180", role: "img", "aria-label": "world map shaded by " + measure });
  const outlines = document.importNode(source.querySelector("g"), true);
  root.append(outlines);
  const most = Math.max(1, ...Object.values(values).map((v) => v.events));
  for (const path of outlines.querySelectorAll("path[data-country]")) {
    const v = values[path.dataset.country];
    if (!v) continue;
    const mean = v.goldstein_mean;
    if (measure === "goldstein" && (mean === null || mean === undefined)) continue;
    path.setAttribute("fill", shade(measure === "goldstein" ? Number(mean) : v.events, most, measure));
    path.setAttribute("class", "shaded");
    path.dataset.events = String(v.events);
    path.append(svgEl("title", {}, `${v.name || path.dataset.country} (${path.dataset.country}): ${v.events} events` +
      (mean === null || mean === undefined ? "" : `, mean Goldstein ${Number(mean).toFixed(2)}`)));
    if (onPick) path.addEventListener("click", () => onPick(path.dataset.country));
  }
  let view = [0, 0, 360, 180];
  const show = () => root.setAttribute("viewBox", view.map((n) => n.toFixed(2)).join(" "));
  const zoom = (factor, cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2) => {
    const w = Math.min(360, Math.max(22.5, view[2] * factor)), h = w / 2;
    view = [Math.min(360 - w, Math.max(0, cx - w / 2)), Math.min(180 - h, Math.max(0, cy - h / 2)), w, h];
    show();
  };
  root.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const box2 = root.getBoundingClientRect();
    zoom(ev.deltaY < 0 ? 0.8 : 1.25, view[0] + ((ev.clientX - box2.left) / box2.width) * view[2],
      view[1] + ((ev.clientY - box2.top) / box2.height) * view[3]);
  }, { passive: false });
  const controls = el("p", { class: "map-controls" },
    el("button", { type: "button", id: "zoom-in" }, "+"), el("button", { type: "button", id: "zoom-out" }, "−"),
    el("button", { type: "button", id: "zoom-reset" }, "reset"));
  box.replaceChildren(controls, root);
  $("zoom-in").addEventListener("click", () => zoom(0.5));
  $("zoom-out").addEventListener("click", () => zoom(2));
  $("zoom-reset").addEventListener("click", () => { view = [0, 0, 360, 180]; show(); });
  return root;
}

// the panel's rows summed per country: events, Goldstein sum and mean over every period
function countryTotals(panel) {
  const out = {};
  for (const r of panel) {
    const v = out[r.country] || (out[r.country] = { name: r.country_name, events: 0, goldstein_sum: 0, goldstein_mean: null });
    v.events += Number(r.events) || 0;
    v.goldstein_sum += Number(r.goldstein_sum) || 0;
  }
  for (const v of Object.values(out)) v.goldstein_mean = v.events ? v.goldstein_sum / v.events : null;
  return out;
}

// directed network edges as undirected dyads, busiest first
function dyads(edges) {
  const out = new Map();
  for (const e of edges) {
    const [a, b] = [e.actor, e.recipient].sort();
    const names = a === e.actor ? [e.actor_name, e.recipient_name] : [e.recipient_name, e.actor_name];
    const d = out.get(a + "-" + b) || { a, b, a_name: names[0], b_name: names[1], events: 0, goldstein_sum: 0, conflict: 0, cooperation: 0 };
    d.events += e.events; d.goldstein_sum += e.goldstein_sum; d.conflict += e.conflict; d.cooperation += e.cooperation;
    out.set(a + "-" + b, d);
  }
  return [...out.values()].filter((d) => d.a !== d.b).sort((x, y) => y.events - x.events || (x.a + x.b).localeCompare(y.a + y.b));
}

// events per period stacked by quad class, the mean Goldstein line broken where a period has no mean,
// periods without documents shaded (gaps, not zeros)
function renderChart(series, chart = $("chart"), what = "this dyad") {
  const W = 900, H = 260, left = 40, right = 40, top = 10, bottom = 30;
  const plotW = W - left - right, plotH = H - top - bottom;
  chart.replaceChildren();
  const root = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "events per period by quad class, with the mean Goldstein score" });
  chart.append(root);
  if (!series.some((r) => Number(r.events) > 0)) {
    root.append(svgEl("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "axis-label" }, "no events for " + what));
    if (!series.length) return;
  }
  const most = Math.max(1, ...series.map((r) => QUADS.reduce((s, q) => s + (Number(r[q]) || 0), 0)));
  const step = plotW / series.length, barW = Math.min(48, Math.max(1, step * 0.8));
  const y = (n) => top + plotH - (n / most) * plotH;
  const gy = (g) => top + plotH / 2 - (g / 10) * (plotH / 2);
  root.append(svgEl("line", { x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH, class: "axis" }));
  root.append(svgEl("line", { x1: left, y1: gy(0), x2: left + plotW, y2: gy(0), class: "axis", "stroke-dasharray": "3 3" }));
  root.append(svgEl("text", { x: left - 4, y: top + 8, "text-anchor": "end", class: "axis-label" }, String(most)));
  root.append(svgEl("text", { x: left - 4, y: top + plotH, "text-anchor": "end", class: "axis-label" }, "0"));
  for (const [g, label] of [[10, "+10"], [0, "0"], [-10, "−10"]]) {
    root.append(svgEl("text", { x: left + plotW + 4, y: gy(g) + 3, class: "axis-label" }, label));
  }
  const gaps = svgEl("g", { class: "gaps" });
  const bars = svgEl("g", { class: "bars" });
  const runs = [[]];  // the mean Goldstein line, broken where a period has no mean (no events, or a gap)
  series.forEach((r, i) => {
    const x = left + i * step + (step - barW) / 2;
    if (r.events === null || r.events === undefined) {
      const gap = svgEl("rect", { x: (left + i * step).toFixed(2), y: top, width: step.toFixed(2), height: plotH, class: "gap", "data-period": String(r.period) });
      gap.append(svgEl("title", {}, `${r.period}: no documents`));
      gaps.append(gap);
    }
    let base = 0;
    QUADS.forEach((q, k) => {
      const n = Number(r[q]) || 0;
      if (!n) return;
      const rect = svgEl("rect", { x: x.toFixed(2), y: y(base + n).toFixed(2), width: barW.toFixed(2),
        height: (y(base) - y(base + n)).toFixed(2), class: "bar " + q, "data-period": String(r.period), "data-count": String(n) });
      rect.append(svgEl("title", {}, `${r.period}: ${n} ${QUAD_NAMES[k]}`));
      bars.append(rect);
      base += n;
    });
    if (r.goldstein_mean !== null && r.goldstein_mean !== undefined) runs[runs.length - 1].push([x + barW / 2, gy(Number(r.goldstein_mean)), r]);
    else if (runs[runs.length - 1].length) runs.push([]);
    if (i === 0 || i === series.length - 1 || (series.length > 6 && i % Math.ceil(series.length / 6) === 0)) {
      root.append(svgEl("text", { x: (x + barW / 2).toFixed(2), y: H - 12, "text-anchor": "middle", class: "axis-label" }, String(r.period)));
    }
  });
  root.append(gaps, bars);
  for (const run of runs.filter((r) => r.length)) {
    root.append(svgEl("polyline", { class: "goldstein", points: run.map(([px, py]) => `${px.toFixed(2)},${py.toFixed(2)}`).join(" ") }));
    for (const [px, py, r] of run) {
      const dot = svgEl("circle", { cx: px.toFixed(2), cy: py.toFixed(2), r: 2.5, class: "goldstein-dot" });
      dot.append(svgEl("title", {}, `${r.period}: mean Goldstein ${Number(r.goldstein_mean).toFixed(2)}`));
      root.append(dot);
    }
  }
}

function fail(err) {
  $("status").textContent = String(err.message || err);
}

// run the page's loaders; the body's data-loaded says ok or error once all have settled
async function settle(...loaders) {
  document.body.dataset.loaded = "";
  const results = await Promise.allSettled(loaders);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) fail(failed.reason);
  document.body.dataset.loaded = failed ? "error" : "ok";
}

// The ArqonHPO dashboard page: polls /api/runs, fetches a run's views when its version moves,
// and draws them as SVG. Plain JavaScript, no library; the server decimates what is drawn.
"use strict";

const POLL_MS = 1000;
const PAGE = 50;
const STAGES = ["probe", "refine", "failed"];
const COMPARE = ["#7b61ff", "#0f9fb0", "#a65628", "#e7298a", "#666666"];
const state = { runs: [], current: 0, version: -1, sort: "id", order: "asc", offset: 0, busy: false, data: null };
const $ = (id) => document.getElementById(id);

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function fmt(v) {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "number") return String(v);
  if (!isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(5)));
}

function param(v) {
  return typeof v === "number" ? fmt(v) : String(v);
}

async function get(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status + " " + (await response.text()));
  return response.json();
}

// A scale maps data to pixels; `log` scales work in log10.
function scale(lo, hi, a, b, log) {
  const t = (v) => (log ? Math.log10(v) : v);
  let l = t(lo), h = t(hi);
  if (!(h > l)) { l -= 0.5; h += 0.5; }
  const f = (v) => a + ((t(v) - l) / (h - l)) * (b - a);
  f.ticks = (n) => ticks(l, h, n, log);
  return f;
}

function ticks(l, h, n, log) {
  if (log) {
    const out = [];
    for (let e = Math.ceil(l); e <= Math.floor(h); e++) out.push(Math.pow(10, e));
    if (out.length >= 2) return out.length > n + 2 ? out.filter((_, i) => i % Math.ceil(out.length / n) === 0) : out;
    return [Math.pow(10, l), Math.pow(10, (l + h) / 2), Math.pow(10, h)];
  }
  const step0 = (h - l) / Math.max(1, n);
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  // The round step nearest the wanted one (a little smaller rather than far larger).
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0 * 0.7) || step0;
  const out = [];
  for (let v = Math.ceil(l / step) * step; v <= h + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function axes(x, y, box, xlog, ylog, xticks, yticks) {
  const { l, r, t, b } = box;
  let s = `<path class="axis" d="M${l} ${t}V${b}H${r}"/>`;
  for (const v of y.ticks(yticks)) {
    const py = y(v).toFixed(1);
    s += `<path class="gridline" d="M${l} ${py}H${r}"/><text x="${l - 5}" y="${py}" dy="3.5" text-anchor="end">${fmt(v)}</text>`;
  }
  if (xticks) {
    for (const v of x.ticks(xticks)) {
      // A label at the right edge ends there instead of running off the plot.
      const anchor = x(v) > r - 24 ? "end" : "middle";
      s += `<text x="${x(v).toFixed(1)}" y="${b + 14}" text-anchor="${anchor}">${fmt(v)}</text>`;
    }
  }
  return s;
}

function width(el, fallback) {
  return Math.max(260, Math.floor(el.clientWidth || fallback));
}

// Deterministic jitter for points on a categorical strip.
function jitter(id) {
  return (((id * 2654435761) >>> 0) % 1000) / 1000 - 0.5;
}

function circle(cx, cy, p, titled) {
  const title = titled ? `<title>trial ${p[3]}: ${fmt(p[1])} (${STAGES[p[2]]})</title>` : "";
  return `<circle class="pt s${p[2]}" cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${p[2] === 2 ? 3 : 2.6}">${title}</circle>`;
}

function yRange(summary, extra) {
  let lo = summary.range ? summary.range[0] : 0, hi = summary.range ? summary.range[1] : 1;
  for (const v of extra) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return [lo, hi];
}

function drawConvergence(summary, conv, others) {
  const el = $("convergence");
  const W = width(el, 900), H = Math.round(Math.min(380, Math.max(240, W * 0.42)));
  const box = { l: 62, r: W - 14, t: 22, b: H - 34 };
  const n = Math.max(conv.told, 1);
  const extra = [];
  for (const o of others) for (const p of o.best) if (!summary.log_y || p[1] > 0) extra.push(p[1]);
  const [lo, hi] = yRange(summary, extra);
  const x = scale(1, Math.max(n, ...others.map((o) => o.told), 2), box.l, box.r, false);
  const y = scale(lo, hi, box.b, box.t + 10, summary.log_y);
  let s = axes(x, y, box, false, summary.log_y, Math.max(3, Math.floor(W / 110)), 5);
  s += `<text x="${(box.l + box.r) / 2}" y="${H - 4}" text-anchor="middle">trials told</text>`;
  const titled = conv.points.length <= 1500;
  for (const p of conv.points) {
    s += circle(x(p[0]), p[2] === 2 ? box.t + 2 : y(p[1]), p, titled);
  }
  const step = (best) => {
    let d = "";
    best.forEach((p, i) => {
      const px = x(p[0]).toFixed(1), py = y(p[1]).toFixed(1);
      d += i === 0 ? `M${px} ${py}` : `H${px}V${py}`;
    });
    return d;
  };
  others.forEach((o, i) => {
    if (o.best.length) s += `<path class="compare" stroke="${COMPARE[i % COMPARE.length]}" d="${step(o.best)}"><title>${esc(o.name)}</title></path>`;
  });
  if (conv.best.length) s += `<path class="bestline" d="${step(conv.best)}"/>`;
  el.innerHTML = `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-shown="${conv.points.length}" data-told="${conv.told}" role="img" aria-label="convergence">${s}</svg>`;
  $("convergence-note").textContent = conv.shown < conv.told
    ? `${conv.told} trials told, ${conv.shown} drawn (decimated)${summary.log_y ? ", log scale" : ""}`
    : `${conv.told} trials told${summary.log_y ? ", log scale" : ""}`;
  $("compare-legend").innerHTML = others.map((o, i) =>
    ` · <svg class="swatch" viewBox="0 0 18 8" width="18" height="8"><path class="compare" stroke="${COMPARE[i % COMPARE.length]}" d="M0 4H18"/></svg>${esc(o.name)}`).join("");
}

function drawOverview(run, summary) {
  const c = summary.counts, best = summary.best, cfg = summary;
  const phase = summary.phase.phase === "refine" ? `refine (${summary.phase.strategy})` : summary.phase.phase;
  const cards = [
    ["trials told", `${c.told} / ${cfg.budget}`, `${c.pending} pending · ${c.probe} probe · ${c.refine} refine`],
    ["best value", best ? fmt(best.value) : "–", best ? `trial ${best.id}` : "no trial completed"],
    ["phase", phase, summary.classification ? summary.classification.label : "classifying after the probe"],
    ["failed", String(c.failed), c.told ? `${((100 * c.failed) / c.told).toFixed(1)} % of told` : ""],
    ["run", run.name, `seed ${cfg.seed} · engine ${summary.engine_version}`],
  ];
  $("overview").innerHTML = cards.map(([k, v, d]) =>
    `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div><div class="d">${esc(d)}</div></div>`).join("");
}

function drawClassification(summary) {
  const c = summary.classification, el = $("classification");
  if (!c) {
    el.innerHTML = `<p class="empty">Not classified yet: the probe has ${summary.counts.probe} trial(s) handed out.</p>`;
    return;
  }
  const W = 300, bar = (v) => 10 + Math.max(0, Math.min(1, v)) * (W - 20);
  const gauge = `<svg class="gauge" viewBox="0 0 ${W} 34" width="${W}" height="34" aria-label="score against threshold">
    <rect x="10" y="8" width="${W - 20}" height="10" rx="5" fill="#eef1f5"/>
    <rect x="10" y="8" width="${(bar(c.score) - 10).toFixed(1)}" height="10" rx="5" fill="#3b7dd8"/>
    <path d="M${bar(c.threshold).toFixed(1)} 3V23" stroke="#d0342c" stroke-width="2"/>
    <text x="10" y="32">score ${fmt(c.score)}</text><text x="${W - 10}" y="32" text-anchor="end">threshold ${fmt(c.threshold)}</text></svg>`;
  const rows = Object.entries(c.features).map(([k, v]) => `<tr><td>${esc(k)}</td><td class="num">${v === null ? "–" : esc(fmt(v))}</td></tr>`).join("");
  el.innerHTML = `<div class="verdict">${esc(c.label)}</div><p class="reason">${esc(c.reason)}</p>${gauge}
    <table class="features"><tbody>${rows}</tbody></table>`;
}

function drawSlices(summary, slices) {
  const el = $("slices");
  const cell = el.clientWidth ? Math.min(el.clientWidth, Math.max(300, (el.clientWidth - 12) / Math.max(1, Math.floor(el.clientWidth / 312)))) : 320;
  const W = Math.floor(cell), H = Math.round(W * 0.68);
  const box = { l: 54, r: W - 10, t: 20, b: H - 26 };
  const [lo, hi] = yRange(summary, []);
  const y = scale(lo, hi, box.b, box.t + 6, slices.log_y);
  let total = 0;
  const svgs = slices.params.map((p) => {
    let s = `<text class="title" x="${box.l}" y="13">${esc(p.name)}${p.log ? " (log)" : ""}</text>`;
    if (p.kind === "choice") {
      const k = p.choices.length, band = (box.r - box.l) / k;
      const x = (i) => box.l + band * (i + 0.5);
      s += axes(x, y, box, false, slices.log_y, 0, 4);
      p.choices.forEach((c, i) => { s += `<text x="${x(i).toFixed(1)}" y="${box.b + 14}" text-anchor="middle">${esc(param(c))}</text>`; });
      for (const q of p.points) s += circle(x(q[0]) + jitter(q[3]) * band * 0.6, y(q[1]), q, p.points.length <= 800);
    } else {
      const x = scale(p.low, p.high, box.l + 4, box.r - 4, p.log);
      s += axes(x, y, box, p.log, slices.log_y, Math.max(3, Math.floor(W / 90)), 4);
      for (const q of p.points) s += circle(x(q[0]), y(q[1]), q, p.points.length <= 800);
    }
    total += p.points.length;
    return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" class="slice" data-param="${esc(p.name)}" data-shown="${p.points.length}" data-log="${p.log}">${s}</svg>`;
  });
  el.innerHTML = svgs.map((s) => `<div>${s}</div>`).join("");
  const per = slices.params.length ? Math.round(total / slices.params.length) : 0;
  $("slices-note").textContent = `${slices.completed} completed trial(s), ${per < slices.completed ? per + " drawn per parameter" : "all drawn"}`;
}

function drawParallel(par) {
  const el = $("parallel");
  if (!par.trials.length) { el.innerHTML = `<p class="empty">No completed trial yet.</p>`; return; }
  const W = width(el, 900), H = Math.round(Math.min(340, Math.max(240, W * 0.36)));
  const axesList = par.axes.concat([{ name: "value", kind: "value" }]);
  const box = { l: 40, r: W - 48, t: 28, b: H - 26 };
  const gap = (box.r - box.l) / Math.max(1, axesList.length - 1);
  const ax = (i) => box.l + gap * i;
  const values = par.trials.map((t) => t.value);
  const vlo = Math.min(...values), vhi = Math.max(...values);
  const vy = (v) => (vhi > vlo ? box.b - ((v - vlo) / (vhi - vlo)) * (box.b - box.t) : (box.t + box.b) / 2);
  const py = (u) => box.b - u * (box.b - box.t);
  let s = "";
  axesList.forEach((a, i) => {
    const x = ax(i).toFixed(1);
    const anchor = i === 0 ? "start" : i === axesList.length - 1 ? "end" : "middle";
    s += `<path class="axis" d="M${x} ${box.t}V${box.b}"/><text class="title" x="${x}" y="14" text-anchor="${anchor}">${esc(a.name)}</text>`;
    if (a.kind === "value") {
      s += `<text x="${x}" y="${box.t - 3}" text-anchor="end">${fmt(vhi)}</text><text x="${x}" y="${box.b + 14}" text-anchor="end">${fmt(vlo)}</text>`;
    } else if (a.kind === "choice") {
      a.choices.forEach((c, k) => { s += `<text x="${x}" dx="4" y="${py((k + 0.5) / a.choices.length).toFixed(1)}" dy="3">${esc(param(c))}</text>`; });
    } else {
      s += `<text x="${x}" y="${box.t - 3}" text-anchor="${anchor}">${fmt(a.high)}</text><text x="${x}" y="${box.b + 14}" text-anchor="${anchor}">${fmt(a.low)}</text>`;
    }
  });
  const n = par.trials.length;
  let lines = "";
  for (let r = n - 1; r >= 0; r--) {
    const t = par.trials[r];
    const pts = t.at.map((u, i) => (u === null ? null : `${ax(i).toFixed(1)},${py(u).toFixed(1)}`)).filter(Boolean);
    pts.push(`${ax(axesList.length - 1).toFixed(1)},${vy(t.value).toFixed(1)}`);
    const shade = Math.round(90 + (150 * r) / Math.max(1, n - 1));
    const desc = Object.entries(t.params).map(([k, v]) => `${k}=${param(v)}`).join(" ");
    lines += `<polyline class="pc${r === 0 ? " top" : ""}" stroke="rgb(${shade},${shade},${Math.min(255, shade + 60)})" points="${pts.join(" ")}"><title>#${r + 1} trial ${t.id}: ${fmt(t.value)} ${esc(desc)}</title></polyline>`;
  }
  // Lines first, so the axis labels stay readable on top of them.
  el.innerHTML = `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-lines="${n}" class="parallel">${lines}${s}</svg>`;
  $("parallel-note").textContent = `best ${n} of the completed trials; the best in red`;
}

function drawTable(summary, page) {
  const names = summary.params;
  const cols = [["id", "id"], ["stage", "stage"], ["method", null], ["status", "status"], ["value", "value"]]
    .concat(names.map((n) => [n, "param:" + n])).concat([["failure reason", null]]);
  $("trials").querySelector("thead").innerHTML = "<tr>" + cols.map(([label, key]) => {
    const cls = key === state.sort ? ` class="sorted${state.order === "desc" ? " desc" : ""}"` : "";
    return `<th${cls}${key ? ` data-sort="${esc(key)}"` : ""}>${esc(label)}</th>`;
  }).join("") + "</tr>";
  $("trials").querySelector("tbody").innerHTML = page.rows.map((t) => {
    const code = t.status === "failed" ? 2 : t.stage === "probe" ? 0 : 1;
    const cells = [`<td class="num">${t.id}</td>`, `<td><span class="badge s${code}">${esc(t.stage)}</span></td>`,
      `<td>${esc(t.method)}</td>`, `<td>${esc(t.status)}</td>`, `<td class="num">${fmt(t.value)}</td>`]
      .concat(names.map((n) => `<td class="num">${esc(param(t.params[n]))}</td>`))
      .concat([`<td class="reason-cell">${esc(t.reason || "")}</td>`]);
    return `<tr data-id="${t.id}">${cells.join("")}</tr>`;
  }).join("");
  const from = page.total ? page.offset + 1 : 0, to = page.offset + page.rows.length;
  $("page").textContent = `rows ${from}–${to} of ${page.total}`;
  $("trials-note").textContent = `click a column to sort`;
  $("first").disabled = $("prev").disabled = page.offset === 0;
  $("next").disabled = $("last").disabled = to >= page.total;
  state.total = page.total;
}

async function loadTable() {
  const run = state.current;
  const q = `sort=${encodeURIComponent(state.sort)}&order=${state.order}&offset=${state.offset}&limit=${PAGE}`;
  const page = await get(`/api/run/${run}/trials?${q}`);
  if (run === state.current && state.data) drawTable(state.data.summary, page);
}

function drawAll() {
  const d = state.data;
  if (!d) return;
  const run = state.runs[state.current];
  drawOverview(run, d.summary);
  drawConvergence(d.summary, d.conv, d.others);
  drawClassification(d.summary);
  drawSlices(d.summary, d.slices);
  drawParallel(d.par);
  $("config").textContent = d.summary.config_text;
}

async function loadRun() {
  const i = state.current, run = state.runs[i];
  const points = Math.min(4000, Math.max(400, Math.floor(window.innerWidth * 2.5)));
  const [summary, conv, slices, par] = await Promise.all([
    get(`/api/run/${i}/summary`), get(`/api/run/${i}/convergence?max=${points}`),
    get(`/api/run/${i}/slices?max=${Math.floor(points / 2)}`), get(`/api/run/${i}/parallel?top=30`),
  ]);
  const others = [];
  for (const o of state.runs) {
    if (o.id === i || o.version === 0) continue;
    const c = await get(`/api/run/${o.id}/convergence?max=50`);
    others.push({ name: o.name, best: c.best, told: c.told });
  }
  if (i !== state.current) return;
  state.data = { summary, conv, slices, par, others };
  state.version = run.version;
  drawAll();
  await loadTable();
  document.body.dataset.version = String(run.version);
  document.body.dataset.told = String(summary.counts.told);
}

function drawTabs() {
  $("runs").innerHTML = state.runs.map((r) =>
    `<button type="button" data-run="${r.id}" class="${r.id === state.current ? "on" : ""}">${esc(r.name)} <small>${r.told}</small></button>`).join("");
}

async function poll() {
  try {
    const { runs } = await get("/api/runs");
    state.runs = runs;
    drawTabs();
    const run = runs[state.current];
    const live = $("live");
    if (run && run.error) {
      live.textContent = `${run.name}: ${run.error}`;
      live.classList.add("error");
    } else {
      live.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
      live.classList.remove("error");
    }
    if (run && run.version > 0 && run.version !== state.version && !state.busy) {
      state.busy = true;
      try { await loadRun(); } finally { state.busy = false; }
    }
  } catch (e) {
    $("live").textContent = "disconnected: " + e.message;
    $("live").classList.add("error");
  }
  setTimeout(poll, POLL_MS);
}

$("runs").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-run]");
  if (!b) return;
  state.current = Number(b.dataset.run);
  state.version = -1;
  state.offset = 0;
  drawTabs();
  poll();
});
$("trials").addEventListener("click", (e) => {
  const th = e.target.closest("th[data-sort]");
  if (!th) return;
  const key = th.dataset.sort;
  state.order = key === state.sort && state.order === "asc" ? "desc" : "asc";
  state.sort = key;
  state.offset = 0;
  loadTable();
});
const turn = (to) => () => { state.offset = Math.max(0, to()); loadTable(); };
$("first").addEventListener("click", turn(() => 0));
$("prev").addEventListener("click", turn(() => state.offset - PAGE));
$("next").addEventListener("click", turn(() => state.offset + PAGE));
$("last").addEventListener("click", turn(() => Math.floor(Math.max(0, state.total - 1) / PAGE) * PAGE));
let resize = null;
window.addEventListener("resize", () => { clearTimeout(resize); resize = setTimeout(drawAll, 150); });
poll();

// SVG charts: axes, legends, units, and each drawn beside a table with the same figures.
import { h, s, PHASES, phaseLabel, table, fmt } from "./dom.js";

const day = (iso) => Date.parse(`${iso}T00:00:00Z`) / 86400000;
const isoOf = (d) => new Date(d * 86400000).toISOString().slice(0, 10);

function chartSvg(id, title, desc, width, height, children) {
  return s("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-labelledby": `${id}-t ${id}-d`, id },
    s("title", { id: `${id}-t` }, title), s("desc", { id: `${id}-d` }, desc), children);
}

function dateTicks(x0, x1, count) {
  const out = [];
  for (let i = 0; i <= count; i++) out.push(Math.round(x0 + ((x1 - x0) * i) / count));
  return out;
}

function phaseLegend(x, y, phases) {
  return s("g", { class: "legend" }, phases.map((p, i) =>
    s("g", { transform: `translate(${x + i * 130},${y})` },
      s("rect", { class: `key phase-${p}`, width: 12, height: 12 }),
      s("text", { x: 16, y: 10 }, phaseLabel(p)))));
}

// The phase timeline: one bar per segment along the dates, with its table.
export function phaseTimeline(progress) {
  const W = 1180, H = 90, L = 40, R = 40;
  const x0 = day(progress.started_on), x1 = day(progress.as_of) + 1;
  const x = (d) => L + ((d - x0) / Math.max(1, x1 - x0)) * (W - L - R);
  const segs = progress.segments.map((g) =>
    s("rect", { class: `seg phase-${g.phase}`, x: x(day(g.start)), y: 10, height: 30,
      width: Math.max(1, x(g.end ? day(g.end) + 1 : x1) - x(day(g.start))) },
      s("title", {}, `${phaseLabel(g.phase)}: ${g.start} – ${g.end ?? "now"} (${g.days} days)`)));
  const ticks = dateTicks(x0, x1 - 1, 6).map((d) => s("g", { class: "axis" },
    s("line", { x1: x(d), x2: x(d), y1: 40, y2: 45 }), s("text", { x: x(d), y: 57, "text-anchor": "middle" }, isoOf(d))));
  const used = PHASES.filter((p) => progress.segments.some((g) => g.phase === p));
  const svg = chartSvg("timeline", "Phase timeline", `Phases from ${progress.started_on} to ${progress.as_of}; the table below lists each segment.`, W, H,
    [segs, s("line", { class: "axis", x1: L, x2: W - R, y1: 40, y2: 40, stroke: "#4a5563" }), ticks, phaseLegend(L, 70, used)]);
  const rows = progress.segments.map((g) => [phaseLabel(g.phase), g.start, g.end ?? "current", { num: g.days }, { num: g.sessions.attended }, { num: g.sessions.total }]);
  return [svg, details("Phase timeline as a table",
    table("Phase segments", ["Phase", "From", "To", "Days", "Sessions attended", "Sessions"], rows, { "data-table": "segments" }))];
}

function details(summary, content) {
  return h("details", {}, h("summary", {}, summary), content);
}

// A measure over time, over the phase bands (vertical) and severity bands (horizontal).
export function measureChart(id, spec, points, progress) {
  const W = 1180, H = 250, L = 56, R = 200, T = 12, B = 40;
  const x0 = day(progress.started_on), x1 = day(progress.as_of) + 1;
  const x = (d) => L + ((d - x0) / Math.max(1, x1 - x0)) * (W - L - R);
  const y = (v) => T + (1 - (v - spec.min) / (spec.max - spec.min)) * (H - T - B);
  const phaseBands = progress.segments.map((g) =>
    s("rect", { class: `phase-${g.phase}`, x: x(day(g.start)), y: T, height: H - T - B,
      width: Math.max(1, x(g.end ? day(g.end) + 1 : x1) - x(day(g.start))) }));
  const top = (i) => (i + 1 < spec.bands.length ? spec.bands[i + 1].lo : spec.max);
  const sevBands = spec.bands.map((b, i) => s("g", {},
    s("rect", { class: `band-${i}`, x: W - R + 4, y: y(top(i)), width: 12, height: y(b.lo) - y(top(i)), stroke: "#c9d1db" }),
    s("line", { class: "grid", x1: L, x2: W - R, y1: y(b.lo), y2: y(b.lo) }),
    s("text", { x: W - R + 20, y: (y(b.lo) + y(top(i))) / 2 + 4 }, `${b.name.replace("_", " ")} (${b.lo}–${b.hi})`)));
  const yTicks = spec.ticks.map((v) => s("g", { class: "axis" },
    s("line", { x1: L - 5, x2: L, y1: y(v), y2: y(v) }), s("text", { x: L - 8, y: y(v) + 4, "text-anchor": "end" }, String(v))));
  const xTicks = dateTicks(x0, x1 - 1, 6).map((d) => s("g", { class: "axis" },
    s("line", { x1: x(d), x2: x(d), y1: H - B, y2: H - B + 5 }), s("text", { x: x(d), y: H - B + 17, "text-anchor": "middle" }, isoOf(d))));
  const sorted = [...points].sort((a, b) => (a.administered_on < b.administered_on ? -1 : 1));
  const path = sorted.map((p, i) => `${i ? "L" : "M"}${x(day(p.administered_on)).toFixed(1)},${y(p.total).toFixed(1)}`).join(" ");
  const dots = sorted.map((p) => s("circle", { class: "dot", cx: x(day(p.administered_on)), cy: y(p.total), r: 3 },
    s("title", {}, `${p.administered_on}: ${fmt(p.total)}${p.severity ? ` (${p.severity})` : ""}`)));
  const svg = chartSvg(id, `${spec.label} over time`,
    `${spec.label} ${spec.unit} for ${sorted.length} administrations, drawn over the treatment phases${spec.bands.length ? " and the severity bands" : ""}.`, W, H,
    [phaseBands, sevBands, yTicks, xTicks,
      s("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B, stroke: "#4a5563" }),
      s("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#4a5563" }),
      s("text", { x: 12, y: T + (H - T - B) / 2, transform: `rotate(-90 12 ${T + (H - T - B) / 2})`, "text-anchor": "middle" }, `${spec.label} ${spec.unit}`),
      s("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, "Date administered"),
      path ? s("path", { class: "series", d: path }) : null, dots]);
  const rows = sorted.map((p) => [p.administered_on, { num: p.total }, p.severity ?? "—", phaseLabel(phaseOn(progress, p.administered_on))]);
  return [svg, details(`${spec.label} as a table`,
    table(`${spec.label} administrations`, ["Date", `Total ${spec.unit}`, "Severity", "Phase"], rows, { "data-table": id }))];
}

export function phaseOn(progress, iso) {
  let phase = null;
  for (const g of progress.segments) if (g.start <= iso) phase = g.phase;
  const last = progress.segments[progress.segments.length - 1];
  return last && last.end && iso > last.end ? null : phase;
}

// Bars of one value per phase (ODF 1–7).
export function phaseBars(id, title, unit, min, max, entries) {
  const W = 560, H = 220, L = 50, T = 12, B = 44, R = 10;
  const band = (W - L - R) / Math.max(1, entries.length);
  const y = (v) => T + (1 - (v - min) / (max - min)) * (H - T - B);
  const bars = entries.map((e, i) => s("g", {},
    e.value === null ? null : s("rect", { class: `seg phase-${e.phase}`, x: L + i * band + band * 0.2, width: band * 0.6, y: y(e.value), height: y(min) - y(e.value) },
      s("title", {}, `${phaseLabel(e.phase)}: ${fmt(e.value)}`)),
    s("text", { x: L + i * band + band / 2, y: H - B + 16, "text-anchor": "middle" }, phaseLabel(e.phase)),
    s("text", { x: L + i * band + band / 2, y: e.value === null ? y(min) - 4 : y(e.value) - 4, "text-anchor": "middle" }, e.value === null ? "none" : fmt(e.value))));
  const ticks = [];
  for (let v = min; v <= max; v++) ticks.push(s("g", { class: "axis" }, s("line", { class: "grid", x1: L, x2: W - R, y1: y(v), y2: y(v) }),
    s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, String(v))));
  return chartSvg(id, title, `${title} per phase in order, ${unit}.`, W, H, [ticks, bars,
    s("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B, stroke: "#4a5563" }),
    s("text", { x: 12, y: T + (H - T - B) / 2, transform: `rotate(-90 12 ${T + (H - T - B) / 2})`, "text-anchor": "middle" }, unit),
    s("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" }, "Phase (in order entered)")]);
}

// Themes (rows) × sessions (columns); the colour is the intensity (1–5).
export function themeMatrix(progress, sessionDates) {
  const themes = progress.theme_trajectories;
  const dates = sessionDates.length ? sessionDates : [...new Set(themes.flatMap((t) => t.points.map((p) => p.on)))].sort();
  const col = new Map(dates.map((d, i) => [d, i]));
  const L = 210, T = 10, R = 10, rowH = 14;
  const cw = Math.max(2, Math.min(18, (1180 - L - R) / Math.max(1, dates.length)));
  const W = L + cw * dates.length + R, H = T + rowH * themes.length + 70;
  const cells = [];
  themes.forEach((t, r) => {
    cells.push(s("text", { x: L - 6, y: T + r * rowH + 11, "text-anchor": "end" }, t.label));
    for (const p of t.points) {
      const c = col.get(p.on);
      if (c === undefined) continue;
      cells.push(s("rect", { class: `cell int-${p.intensity}`, x: L + c * cw, y: T + r * rowH + 1, width: Math.max(1, cw - 1), height: rowH - 2 }));
    }
  });
  const bands = progress.segments.map((g) => {
    const first = dates.findIndex((d) => d >= g.start);
    const last = g.end ? dates.findLastIndex((d) => d <= g.end) : dates.length - 1;
    if (first < 0 || last < first) return null;
    return s("rect", { class: `seg phase-${g.phase}`, x: L + first * cw, y: T + rowH * themes.length + 4, width: (last - first + 1) * cw, height: 8 });
  });
  const legendY = T + rowH * themes.length + 34;
  const legend = s("g", {}, s("text", { x: L, y: legendY + 10 }, "Intensity (1–5):"),
    [1, 2, 3, 4, 5].map((i) => s("g", { transform: `translate(${L + 100 + (i - 1) * 34},${legendY})` },
      s("rect", { class: `int-${i}`, width: 12, height: 12 }), s("text", { x: 16, y: 10 }, String(i)))),
    s("text", { x: L + 290, y: legendY + 10 }, `Columns: ${dates.length} sessions, ${dates[0] ?? ""} to ${dates.at(-1) ?? ""}; the bar below the rows shows the phase.`));
  return chartSvg("themes", "Theme trajectories", `Intensity of ${themes.length} themes across ${dates.length} sessions; the table below summarises each theme per phase.`, W, H,
    [cells, bands, legend]);
}

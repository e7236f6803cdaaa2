// Builds elements from data without parsing markup, so no text from the API is ever read as HTML.
const SVG_NS = "http://www.w3.org/2000/svg";

function build(element, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

export const PHASES = ["initial", "exploration", "working_through", "termination"];
export const phaseLabel = (p) => (p ? p.replace("_", " ") : "—");
export const label = (code) => (code ? String(code).replaceAll("_", " ") : "—");
export const fmt = (n) => (n === null || n === undefined ? "—" : Number.isInteger(n) ? String(n) : Number(n).toFixed(2));

// A table with a caption; rows are arrays of cells (a cell may be {num: value} or a Node).
export function table(caption, headers, rows, attrs = {}) {
  const cell = (c, tag) => {
    if (c && typeof c === "object" && !(c instanceof Node) && "num" in c) return h(tag, { class: "num" }, fmt(c.num));
    return h(tag, tag === "th" ? { scope: "row" } : {}, c ?? "—");
  };
  return h("table", attrs,
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => cell(c, i === 0 ? "th" : "td"))))));
}

export function clientName(c) {
  const given = c.preferred_name || c.given_name;
  return `${given} ${c.family_name}`;
}

// replaceChildren that takes nested arrays and skips empty parts, as h() does.
export const fill = (element, ...children) =>
  element.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));

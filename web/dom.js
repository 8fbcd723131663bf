// SPDX-License-Identifier: EUPL-1.2
// web/dom.js — building DOM nodes without innerHTML (no markup from data
// ever reaches the parser), and the small pieces every page shares.

// h("p", {class: "x", onclick: fn}, "text", child, [more]) -> element
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v);
    } else if (k === "text") {
      el.textContent = String(v);
    } else {
      el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// SVG element with attributes.
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  return append(el, children);
}

// A message box. kind: "error" (announced at once), "ok", "warn", "" (polite).
export function message(kind, text) {
  const role = kind === "error" ? "alert" : "status";
  return h("div", { class: "msg " + (kind || ""), role }, text);
}

// Text where "[word]" marks a search hit: returned as text and <mark>.
export function marked(text) {
  const out = [];
  const re = /\[([^\[\]]{1,200})\]/g;
  let last = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    out.push(text.slice(last, m.index), h("mark", {}, m[1]));
    last = re.lastIndex;
  }
  out.push(text.slice(last));
  return out;
}

export function when(unixSeconds) {
  if (unixSeconds === null || unixSeconds === undefined) return "–";
  return new Date(unixSeconds * 1000).toLocaleString("de-DE");
}

export function where(hit) {
  const parts = [];
  if (hit.section) parts.push("Abschnitt " + hit.section);
  if (hit.page) parts.push("Seite " + hit.page);
  return parts.join(", ");
}

// Replace the page: a heading (focused for screen readers) and content.
export function page(main, title, ...content) {
  document.title = title + " – lotse";
  const h1 = h("h1", { tabindex: "-1" }, title);
  main.replaceChildren(h1);
  append(main, content);
  return h1;
}

// A labelled form field; returns [label, input] with matching ids.
let fieldSeq = 0;
export function field(labelText, tag, attrs, hint) {
  const id = "f" + ++fieldSeq;
  const hintId = hint ? id + "-hinweis" : null;
  const input = h(tag, { id, "aria-describedby": hintId, ...attrs });
  return {
    input,
    nodes: [h("label", { for: id }, labelText),
      hint ? h("p", { class: "hint", id: hintId }, hint) : null, input],
  };
}

// A table with caption, header row and rows of cells (strings or nodes),
// in a wrapper that scrolls sideways when the table is wider than the page
// (WCAG 1.4.10: the page itself reflows at 320 CSS px; a data table keeps
// its two-dimensional layout). Only while it overflows the wrapper is a
// named, focusable region, so keyboard users can scroll it and nothing
// adds a tab stop when the table fits.
let tableSeq = 0;
const overflowWatch = typeof ResizeObserver === "function"
  ? new ResizeObserver((entries) => {
    for (const e of entries) scrollRegion(e.target.closest(".table-wrap"));
  }) : null;

function scrollRegion(wrap) {
  if (!wrap) return;
  if (wrap.scrollWidth > wrap.clientWidth + 1) {
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-labelledby", wrap.dataset.caption);
    wrap.tabIndex = 0;
  } else {
    wrap.removeAttribute("role");
    wrap.removeAttribute("aria-labelledby");
    wrap.removeAttribute("tabindex");
  }
}

export function table(caption, headers, rows, numeric = []) {
  const capId = "tabelle" + ++tableSeq;
  const tbl = h("table", {},
    h("caption", { id: capId }, caption),
    h("thead", {}, h("tr", {}, headers.map((t, i) =>
      h("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, t)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) =>
      h("td", { class: numeric.includes(i) ? "num" : null }, c))))));
  const wrap = h("div", { class: "table-wrap", "data-caption": capId }, tbl);
  if (overflowWatch) {
    overflowWatch.observe(wrap);
    overflowWatch.observe(tbl);
  }
  return wrap;
}

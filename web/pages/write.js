// SPDX-License-Identifier: EUPL-1.2
// web/pages/write.js — "Schreiben": the style check for administrative
// German (POST /api/write/check). The findings are shown inside the text
// as <mark> elements at their places and as a numbered list below; each
// list entry links to its place in the text (focus moves there) and each
// place carries a numbered link back to its entry, so message and
// suggestion are reachable by keyboard and screen reader.
//
// The server counts in UTF-8 bytes, JavaScript strings in UTF-16 code
// units: byteIndex() converts. annotate() is shared with the page
// "Leichte Sprache" (easy.js).
import { ApiError, post, whoAmI } from "../api.js";
import { h, message, page, field } from "../dom.js";

const RULES = {
  long_sentence: "Langer Satz", nominal_chain: "Nominalstil", function_verb: "Funktionsverbgefüge",
  passive: "Passiv", genitive_chain: "Genitivkette", phrase: "Amtsdeutsch", abbreviation: "Abkürzung",
};

// For each UTF-8 byte offset 0..len the index into the JavaScript string
// (an offset inside a character maps to that character's start).
export function byteIndex(text) {
  const idx = [];
  let i = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) idx.push(i);
    i += ch.length;
  }
  idx.push(i);
  return (b) => idx[Math.max(0, Math.min(idx.length - 1, b | 0))];
}

// Focus an element that is not focusable by itself (tabindex -1).
function jump(target) {
  return (e) => {
    e.preventDefault();
    const el = document.getElementById(target);
    if (el) el.focus();
  };
}

// The findings (each {start, end, message, suggestion?, rule?}, byte
// offsets) as [annotatedText, list]. label(f) names a finding's kind.
// Overlapping findings nest; one that crosses another is split into
// several marks (the first carries the id "stelle-N").
export function annotate(text, findings, label, prefix = "") {
  const at = byteIndex(text);
  const fs = findings.map((f, n) => ({ ...f, n: n + 1, s: at(f.start), e: at(f.end) }))
    .filter((f) => f.e > f.s);
  const cuts = new Set([0, text.length]);
  for (const f of fs) { cuts.add(f.s); cuts.add(f.e); }
  const points = [...cuts].sort((a, b) => a - b);
  const order = (a, b) => a.s - b.s || b.e - a.e || a.n - b.n;
  const root = h("div", { class: "annotated", id: prefix + "markiert" });
  const stack = [{ el: root, f: null }];
  const opened = new Set();
  const ref = (f) => h("a", { class: "ref", href: "#" + prefix + "befund-" + f.n,
    "aria-label": "Befund " + f.n + ": " + f.message, onclick: jump(prefix + "befund-" + f.n) }, String(f.n));
  for (let p = 0; p + 1 < points.length; p++) {
    const [a, b] = [points[p], points[p + 1]];
    const want = fs.filter((f) => f.s <= a && f.e >= b).sort(order);
    let keep = 1;
    while (keep < stack.length && keep - 1 < want.length && stack[keep].f === want[keep - 1]) keep++;
    while (stack.length > keep) {
      const top = stack.pop();
      if (top.f.e <= a) stack[stack.length - 1].el.append(ref(top.f));
    }
    for (const f of want.slice(keep - 1)) {
      const first = !opened.has(f.n);
      opened.add(f.n);
      const m = h("mark", { class: "finding rule-" + (f.rule || "other"), "data-finding": f.n,
        id: first ? prefix + "stelle-" + f.n : null, tabindex: first ? "-1" : null });
      stack[stack.length - 1].el.append(m);
      stack.push({ el: m, f });
    }
    stack[stack.length - 1].el.append(text.slice(a, b));
  }
  while (stack.length > 1) {
    const top = stack.pop();
    stack[stack.length - 1].el.append(ref(top.f));
  }
  const list = h("ol", { class: "findings", id: prefix + "befunde" }, fs.map((f) =>
    h("li", { id: prefix + "befund-" + f.n, tabindex: "-1" },
      h("p", {}, f.message.startsWith(label(f)) ? null : h("strong", {}, label(f) + ": "), f.message),
      f.suggestion ? h("p", { class: "hint" }, f.suggestion) : null,
      h("p", {}, h("a", { href: "#" + prefix + "stelle-" + f.n, onclick: jump(prefix + "stelle-" + f.n) },
        "Zur Stelle im Text: „" + text.slice(f.s, f.e).slice(0, 60) + (f.e - f.s > 60 ? " …" : "") + "“")))));
  return [root, list];
}

// The German hint for an anonymous caller (or a session that ended).
export function loginHint(what) {
  return message("error", ["Bitte melden Sie sich an, um " + what + " zu nutzen. ",
    h("a", { href: "#/anmelden" }, "Zur Anmeldung")]);
}

export function failure(e, what) {
  return e instanceof ApiError && e.status === 401 ? loginHint(what) : message("error", e.message);
}

export async function render(main) {
  const title = "Schreiben";
  if (!whoAmI()) return page(main, title, loginHint("die Schreibassistenz"));
  const text = field("Ihr Text", "textarea", { name: "text", required: true, rows: "10" },
    "Die Prüfung zeigt schwer lesbare Stellen: lange Sätze, Nominalstil, Passiv, Amtsdeutsch, Abkürzungen. " +
    "Der Text wird nicht gespeichert und geht an kein KI-Modell.");
  const words = field("Höchstens Wörter je Satz", "input", { type: "number", name: "max_words", min: "1",
    max: "1000", value: "25", inputmode: "numeric" });
  const out = h("div", { id: "schreiben-ergebnis" });
  const form = h("form", { "aria-label": "Text prüfen" }, text.nodes, words.nodes,
    h("button", { type: "submit" }, "Prüfen"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = text.input.value;
    if (!body.trim()) {
      out.replaceChildren(message("error", "Bitte einen Text eingeben."));
      return;
    }
    let r;
    try {
      r = await post("/api/write/check", { text: body, max_words: Number(words.input.value) || 25 });
    } catch (err) {
      out.replaceChildren(failure(err, "die Schreibassistenz"));
      return;
    }
    const n = r.findings.length;
    if (!n) {
      out.replaceChildren(message("ok", "Keine Befunde: Der Text ist gut lesbar."));
      return;
    }
    const [marked, list] = annotate(body, r.findings, (f) => RULES[f.rule] || f.rule);
    out.replaceChildren(
      message("", n === 1 ? "1 Befund." : n + " Befunde." + (r.truncated ? " Weitere wurden abgeschnitten." : "")),
      h("h2", {}, "Text mit markierten Stellen"), marked,
      h("h2", {}, "Befunde"), list);
  });
  return page(main, title, form, out);
}

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
//
// Second part, "Entwurf aus Vorlage": a built-in template (GET
// /api/write/templates) with one labelled field per placeholder, the
// register, and for a template with the placeholder "text" (the summary)
// the choice of a document number or a search instead of typed text;
// POST /api/write drafts through the governed application "schreiben".
// The draft is shown with its label, the transparency notice, its style
// findings marked inline (annotate() with the prefix "vorlage-") and a
// link to it in "Meine Entwürfe". Refusals and "no model" are German
// messages; missing fields are marked at the field (aria-invalid) and in
// an error summary with links to them.
import { ApiError, get, post, whoAmI } from "../api.js";
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

function checkSection() {
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
      h("h3", {}, "Text mit markierten Stellen"), marked,
      h("h3", {}, "Befunde"), list);
  });
  return h("section", { "aria-labelledby": "schreiben-pruefen" },
    h("h2", { id: "schreiben-pruefen" }, "Text prüfen"), form, out);
}

// ------------------------------------------------- Entwurf aus Vorlage

// German labels of the built-in placeholders; long ones get a textarea.
const PLACEHOLDERS = {
  empfaenger: "Empfängerin oder Empfänger", anliegen: "Anliegen", anlass: "Anlass",
  sachverhalt: "Sachverhalt", adressat: "Adressatin oder Adressat", gegenstand: "Gegenstand des Antrags",
  entscheidung: "Entscheidung (Tenor)", begruendung: "Begründung", rechtsgrundlage: "Rechtsgrundlage",
  anfrage: "Anfrage der Bürgerin oder des Bürgers", antwort: "Inhalt der Antwort", text: "Text",
};
const LONG = new Set(["anliegen", "sachverhalt", "entscheidung", "begruendung", "anfrage", "antwort", "text"]);
const REGISTERS = [["fachlich", "Fachlich", "für Kolleginnen, Kollegen und Fachleute"],
  ["buergernah", "Bürgernah", "für Bürgerinnen und Bürger: einfache Wörter, kurze Sätze, direkte Anrede"]];
const SOURCES = [["eingabe", "Text eingeben"], ["dokument", "Ein Dokument zusammenfassen (Dokumentnummer)"],
  ["suche", "Suchtreffer zusammenfassen (Suchbegriff)"]];
const P = "vorlage-"; // id prefix of everything in this part

const placeholderLabel = (k) => PLACEHOLDERS[k] || k.charAt(0).toUpperCase() + k.slice(1);

// A labelled input with a slot for its error message; {node, input, error(text)}.
function entry(id, labelText, long, attrs = {}, hint = null) {
  const errId = id + "-fehler", hintId = hint ? id + "-hinweis" : null;
  const input = long
    ? h("textarea", { id, name: id, rows: "4", "aria-describedby": hintId, ...attrs })
    : h("input", { id, name: id, type: "text", "aria-describedby": hintId, ...attrs });
  const err = h("p", { class: "field-error", id: errId, hidden: true });
  const node = h("div", { class: "entry" }, h("label", { for: id }, labelText),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null, err, input);
  return {
    node, input, label: labelText,
    error(text) {
      err.textContent = text || "";
      err.hidden = !text;
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", [text ? errId : null, hintId].filter(Boolean).join(" "));
      if (!input.getAttribute("aria-describedby")) input.removeAttribute("aria-describedby");
    },
  };
}

// A group of radio buttons; {node, value(), set(v), inputs}.
function radios(legend, name, options, onchange) {
  const inputs = options.map(([v]) => h("input", { type: "radio", name: P + name, value: v, id: P + name + "-" + v,
    onchange }));
  const node = h("fieldset", {}, h("legend", {}, legend), options.map(([v, text, more], i) =>
    h("div", {}, inputs[i], " ", h("label", { for: P + name + "-" + v, class: "inline" }, text,
      more ? h("span", { class: "hint" }, " – " + more) : null))));
  return {
    node, inputs,
    value: () => (inputs.find((i) => i.checked) || {}).value,
    set: (v) => { for (const i of inputs) i.checked = i.value === v; },
  };
}

function describeTemplate(t) {
  return (t.register === "buergernah" ? "bürgernah" : "fachlich") + (t.tone ? ", " + t.tone : "") +
    ", etwa " + t.length + " Wörter" + (t.source === "datei" ? "; Vorlage des Kreises"
    : t.source === "beispiel" ? "; Beispielvorlage von lotse" : "");
}

function draftResult(r) {
  const n = r.findings.length;
  const [marked, list] = annotate(r.text, r.findings, (f) => RULES[f.rule] || f.rule, P);
  const head = h("h3", { tabindex: "-1", id: P + "entwurf" }, "Entwurf");
  return [head, [
    head,
    h("p", { class: "draft-label" }, r.label || "KI-Entwurf – nicht geprüft"),
    r.notice ? h("p", { class: "hint" }, "Hinweis: " + r.notice) : null,
    marked,
    h("p", {}, "Gespeichert als ", h("a", { href: "#/entwuerfe/" + r.draft_id }, "Entwurf " + r.draft_id),
      " – prüfen und abzeichnen unter „Meine Entwürfe“."),
    h("h3", {}, "Befunde der Stilprüfung"),
    n ? [h("p", {}, n === 1 ? "1 Befund im Entwurf." : n + " Befunde im Entwurf." +
      (r.truncated ? " Weitere wurden abgeschnitten." : "")), list]
      : h("p", {}, "Keine Befunde: Der Entwurf ist gut lesbar."),
  ]];
}

// The German message for a failed draft request.
function draftFailure(e) {
  if (!(e instanceof ApiError)) return message("error", "Der Entwurf ist fehlgeschlagen: " + e.message);
  if (e.status === 401) return loginHint("die Schreibassistenz");
  if (e.status === 503) {
    return message("error", "Kein Entwurf möglich: Auf diesem Server ist kein Sprachmodell eingerichtet " +
      "oder es ist nicht erreichbar. Bitte wenden Sie sich an den IT-Betrieb. Die Prüfung oben funktioniert ohne KI.");
  }
  if (e.status === 403 && e.body && e.body.error && e.body.error.reason) {
    return message("error", "Abgelehnt: " + e.message);
  }
  return message("error", "Kein Entwurf: " + e.message);
}

function templateSection(templates) {
  const byId = new Map(templates.map((t) => [t.id, t]));
  const pick = field("Vorlage", "select", { name: P + "vorlage", "aria-describedby": P + "beschreibung" });
  pick.input.id = P + "auswahl";
  pick.nodes[0].setAttribute("for", P + "auswahl");
  for (const t of templates) pick.input.append(h("option", { value: t.id }, t.title));
  const about = h("p", { class: "hint", id: P + "beschreibung" });
  const reg = radios("Sprachebene", "register", REGISTERS);
  const src = radios("Woher kommt der Text?", "quelle", SOURCES, () => showSource());
  const docNo = entry(P + "dokument", "Dokumentnummer", false, { inputmode: "numeric", autocomplete: "off" },
    "Die Nummer steht in der Adresse des Dokuments (#/dokument/NUMMER). Nur Dokumente, die Sie lesen dürfen.");
  const query = entry(P + "suche", "Suchbegriff", false, { type: "search", autocomplete: "off" },
    "Die besten fünf Treffer, die Sie lesen dürfen, werden zusammengefasst.");
  const fields = h("div", { id: P + "felder" });
  const values = new Map(); // placeholder -> text typed so far (kept across templates)
  let entries = new Map();
  const summary = h("div", { id: P + "fehler", tabindex: "-1" });
  const out = h("div", { id: P + "ergebnis" });
  const live = h("p", { class: "visually-hidden", role: "status" });

  function showSource() {
    const t = byId.get(pick.input.value);
    const s = t && t.sources ? src.value() : "eingabe";
    if (entries.has("text")) entries.get("text").node.hidden = s !== "eingabe";
    docNo.node.hidden = s !== "dokument";
    query.node.hidden = s !== "suche";
  }

  function showTemplate() {
    for (const [k, e] of entries) values.set(k, e.input.value);
    const t = byId.get(pick.input.value);
    about.textContent = t ? "Vorlage „" + t.title + "“: " + describeTemplate(t) + "." : "";
    entries = new Map((t ? t.placeholders : []).map((k) => {
      const e = entry(P + "wert-" + k, placeholderLabel(k), LONG.has(k), {});
      e.input.value = values.get(k) || "";
      return [k, e];
    }));
    fields.replaceChildren(...[...entries.values()].map((e) => e.node));
    src.node.hidden = !(t && t.sources);
    if (t) reg.set(t.register);
    summary.replaceChildren();
    showSource();
  }

  // The request body, or null after marking what is missing.
  function body() {
    const t = byId.get(pick.input.value);
    const s = t.sources ? src.value() : "eingabe";
    const missing = [];
    const b = { template: t.id, values: {}, register: reg.value() || t.register };
    for (const [k, e] of entries) {
      const v = e.input.value;
      if (k === "text" && s !== "eingabe") { e.error(""); continue; }
      e.error(v.trim() ? "" : "Bitte „" + e.label + "“ ausfüllen.");
      if (!v.trim()) missing.push(e);
      else b.values[k] = v;
    }
    docNo.error("");
    query.error("");
    if (s === "dokument") {
      const n = docNo.input.value.trim();
      if (!/^[1-9][0-9]{0,17}$/.test(n)) {
        docNo.error("Bitte eine Dokumentnummer (ganze Zahl ab 1) eingeben.");
        missing.push(docNo);
      } else b.doc_id = Number(n);
    } else if (s === "suche") {
      if (!query.input.value.trim()) {
        query.error("Bitte einen Suchbegriff eingeben.");
        missing.push(query);
      } else b.query = query.input.value.trim();
    }
    if (!missing.length) {
      summary.replaceChildren();
      return b;
    }
    summary.replaceChildren(h("div", { class: "msg error", role: "alert" },
      h("p", {}, missing.length === 1 ? "Ein Feld fehlt:" : missing.length + " Felder fehlen:"),
      h("ul", {}, missing.map((e) => h("li", {}, h("a", { href: "#" + e.input.id, onclick: jump(e.input.id) },
        e.label))))));
    summary.focus();
    return null;
  }

  pick.input.addEventListener("change", showTemplate);
  const form = h("form", { "aria-label": "Entwurf aus Vorlage", novalidate: true }, pick.nodes, about,
    reg.node, src.node, fields, docNo.node, query.node,
    h("button", { type: "submit" }, "Entwurf erstellen"));
  let running = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (running) return;
    const b = body();
    if (!b) return;
    running = true;
    out.setAttribute("aria-busy", "true");
    out.replaceChildren(message("", "Der Entwurf wird erstellt … Das kann eine Weile dauern."));
    try {
      const r = await post("/api/write", b);
      const [head, nodes] = draftResult(r);
      out.replaceChildren(...nodes.flat().filter(Boolean));
      live.textContent = "Entwurf " + r.draft_id + " erstellt (KI-Entwurf, nicht geprüft), " +
        r.findings.length + " Befunde.";
      head.focus();
    } catch (err) {
      out.replaceChildren(draftFailure(err));
    } finally {
      running = false;
      out.removeAttribute("aria-busy");
    }
  });
  src.set("eingabe");
  showTemplate();
  return h("section", { "aria-labelledby": P + "titel" },
    h("h2", { id: P + "titel" }, "Entwurf aus Vorlage"),
    h("p", {}, "Die Angaben gehen an die KI-Anwendung „Schreibassistenz“. Sie erhalten einen gekennzeichneten " +
      "Entwurf, der unter „Meine Entwürfe“ gespeichert wird; prüfen und ändern Sie ihn, bevor Sie ihn verwenden."),
    summary, form, live, out);
}

export async function render(main) {
  const title = "Schreiben";
  if (!whoAmI()) return page(main, title, loginHint("die Schreibassistenz"));
  let drafting;
  try {
    const r = await get("/api/write/templates");
    drafting = templateSection(r.templates);
  } catch (err) {
    drafting = h("section", { "aria-labelledby": P + "titel" },
      h("h2", { id: P + "titel" }, "Entwurf aus Vorlage"), failure(err, "die Schreibassistenz"));
  }
  return page(main, title, checkSection(), drafting);
}

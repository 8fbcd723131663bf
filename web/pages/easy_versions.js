// SPDX-License-Identifier: EUPL-1.2
// web/pages/easy_versions.js — "Fassungen in Leichter Sprache": the
// easy-language versions of Bescheide (GET/POST /api/easy/versions).
//
// "#/fassungen": the versions the user may see (state in words) and the
// form "Neue Fassung" (Aktenzeichen, optional document number, data class,
// text). "#/fassungen?entwurf=N" prefills the text from the AI draft N
// (GET /api/drafts/N; the link comes from the page "Leichte Sprache").
// "#/fassungen/ID": one version — its state, the public address with the
// QR code for the paper Bescheid (GET /api/easy/qr, shown as an image and
// offered for download), the current text with the findings of the rule
// check marked inline (POST /api/easy/check, annotate() from write.js with
// the prefix "fassung-"), the next steps the server allows (steps) as
// forms whose button asks for a German confirmation first, and the
// history. The public page itself is /leicht/ID (server/route_leicht.c).
import { ApiError, get, post, state, whoAmI } from "../api.js";
import { h, message, page, field, table, when } from "../dom.js";
import { annotate, failure, loginHint } from "./write.js";

const WHAT = "die Fassungen in Leichter Sprache";

const STATES = {
  entwurf: "Entwurf, noch nicht geprüft",
  geprueft: "Geprüft",
  pruefgruppe: "Von der Prüfgruppe gelesen",
  veroeffentlicht: "Veröffentlicht",
  zurueckgezogen: "Zurückgezogen",
};

const ACTIONS = {
  "easy.create": "Angelegt",
  "easy.edit": "Neue Überarbeitung",
  "easy.review": "Prüfung",
  "easy.publish": "Veröffentlicht",
  "easy.withdraw": "Zurückgezogen",
};

const CLASSES = [["", "Vorgabe (wie das Dokument, sonst intern)"], ["offen", "offen"], ["intern", "intern"],
  ["vertraulich", "vertraulich"], ["personenbezogen", "personenbezogen"]];

const stateWords = (s) => STATES[s] || s;

// ------------------------------------------------------------ QR code

// The headers of api.js for a request whose body is not JSON (an image).
function authHeaders() {
  const hd = {};
  if (state.devUser && (!state.session || state.session.method === "dev-token")) {
    hd.Authorization = "Bearer dev:" + state.devUser;
  }
  return hd;
}

// GET /api/easy/qr as a data: URL (the page's CSP allows data: images).
async function qrDataUrl(url, format) {
  const res = await fetch("/api/easy/qr?" + new URLSearchParams({ url, format, size: "8" }),
    { headers: authHeaders(), credentials: "same-origin" });
  if (!res.ok) {
    let msg = "Der QR-Code konnte nicht erzeugt werden (Status " + res.status + ")";
    try { msg = (await res.json()).error.message; } catch (e) { /* keep */ }
    throw new ApiError(res.status, msg, null);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return "data:" + (format === "svg" ? "image/svg+xml" : "image/png") + ";base64," + btoa(bin);
}

function addressSection(v) {
  const url = v.url || location.origin + v.path;
  const box = h("div", { id: "fassung-qr" }, message("", "Der QR-Code wird erzeugt."));
  const part = h("section", { "aria-labelledby": "fassung-adresse" },
    h("h2", { id: "fassung-adresse" }, "Adresse und QR-Code für den Bescheid"),
    h("p", {}, "Diese Adresse und den QR-Code drucken Sie auf den verbindlichen Bescheid. ",
      v.online ? "Unter der Adresse steht die veröffentlichte Fassung."
        : "Bis zur Veröffentlichung zeigt die Adresse nur den Hinweis, dass es die Seite nicht gibt."),
    h("p", {}, h("a", { href: url, id: "fassung-link", rel: "noreferrer" }, url)),
    box);
  Promise.all([qrDataUrl(url, "svg"), qrDataUrl(url, "png")]).then(([svgUrl, pngUrl]) => {
    box.replaceChildren(
      h("img", { src: svgUrl, width: "200", height: "200", class: "qr",
        alt: "QR-Code mit der Adresse " + url }),
      h("ul", {},
        h("li", {}, h("a", { href: svgUrl, download: "qr-" + v.id + ".svg" }, "QR-Code als SVG herunterladen")),
        h("li", {}, h("a", { href: pngUrl, download: "qr-" + v.id + ".png" }, "QR-Code als PNG herunterladen"))));
  }).catch((e) => box.replaceChildren(message("error", e.message)));
  return part;
}

// ------------------------------------------------------------ detail

function facts(v) {
  const rows = [
    ["Aktenzeichen des Bescheids", v.bescheid_ref + (v.doc_id ? " (Dokument " + v.doc_id + ")" : "")],
    ["Stand", stateWords(v.status) + " (Überarbeitung " + v.rev + ")"],
    ["Online", v.online ? "Ja, Überarbeitung " + v.published_rev + " seit " + when(v.published_at)
      : v.withdrawn_at ? "Nein, zurückgezogen am " + when(v.withdrawn_at) : "Nein, noch nicht veröffentlicht"],
    ["Datenklasse", v.data_class],
    ["Angelegt", when(v.created_at) + " von " + v.created_by + (v.draft_id ? ", aus KI-Entwurf " + v.draft_id : "")],
  ];
  return h("dl", { class: "facts" }, rows.map(([k, val]) => [h("dt", {}, k), h("dd", {}, val)]));
}

async function textSection(cur) {
  const out = [h("h2", { id: "fassung-text" }, "Text der Überarbeitung " + cur.rev)];
  try {
    const r = await post("/api/easy/check", { text: cur.text });
    const n = r.findings.length;
    out.push(message(n ? "warn" : "ok", n === 0 ? "Die Regelprüfung findet nichts."
      : (n === 1 ? "Die Regelprüfung findet 1 Stelle." : "Die Regelprüfung findet " + n + " Stellen.") +
        " Zum Veröffentlichen ist dann ein Grund für die Abweichung nötig."));
    if (n) {
      const [marked, list] = annotate(cur.text, r.findings, (f) => f.message.split(":")[0], "fassung-");
      out.push(marked, h("h3", {}, "Befunde der Regelprüfung"), list);
      return { nodes: out, findings: n };
    }
    out.push(h("div", { class: "annotated", id: "fassung-markiert" }, cur.text));
    return { nodes: out, findings: 0 };
  } catch (e) {
    out.push(message("error", "Die Regelprüfung ist nicht möglich: " + e.message),
      h("div", { class: "annotated", id: "fassung-markiert" }, cur.text));
    return { nodes: out, findings: -1 };
  }
}

function historyTable(v) {
  const rows = v.history.map((x) => [when(x.at),
    x.action === "easy.review" ? stateWords(x.to_status) : ACTIONS[x.action] || x.action,
    String(x.rev), x.actor, x.note || ""]);
  return table("Alle Schritte mit Zeit und Person", ["Zeit", "Schritt", "Überarbeitung", "Person", "Bemerkung"], rows, [2]);
}

// A form for one step: fields, a button that first asks for confirmation
// (a German question with "Ja" and "Abbrechen", focus on "Ja"), then
// POST /api/easy/versions/ID/ACTION with body().
function stepForm(v, spec, onDone) {
  const out = h("div", { class: "step-result" });
  const confirm = h("div", { class: "confirm", hidden: true });
  const button = h("button", { type: "submit", id: "schritt-" + spec.action }, spec.button);
  const form = h("form", { "aria-labelledby": "titel-" + spec.action, novalidate: true },
    h("h3", { id: "titel-" + spec.action }, spec.title),
    spec.hint ? h("p", { class: "hint" }, spec.hint) : null,
    (spec.fields || []).map((f) => f.nodes), button, confirm, out);
  const send = async () => {
    confirm.hidden = true;
    confirm.replaceChildren();
    for (const f of spec.fields || []) f.input.removeAttribute("aria-invalid");
    try {
      await post("/api/easy/versions/" + encodeURIComponent(v.id) + "/" + (spec.path || spec.action), spec.body());
      onDone(spec.done);
    } catch (e) {
      out.replaceChildren(failure(e, WHAT));
      button.focus();
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const missing = (spec.fields || []).find((f) => f.input.required && !f.input.value.trim());
    if (missing) {
      missing.input.setAttribute("aria-invalid", "true");
      out.replaceChildren(message("error", "Bitte „" + missing.nodes[0].textContent + "“ ausfüllen."));
      missing.input.focus();
      return;
    }
    out.replaceChildren();
    const yes = h("button", { type: "button", id: "ja-" + spec.action, onclick: send }, spec.yes);
    const no = h("button", { type: "button", class: "secondary", onclick: () => {
      confirm.hidden = true;
      confirm.replaceChildren();
      button.focus();
    } }, "Abbrechen");
    confirm.replaceChildren(h("p", { role: "alert" }, spec.question), yes, " ", no);
    confirm.hidden = false;
    yes.focus();
  });
  return form;
}

function stepForms(v, cur, findings, onDone) {
  const steps = new Set(v.steps);
  const forms = [];
  const add = (spec) => forms.push(stepForm(v, spec, onDone));
  const me = (state.session && state.session.user) || state.devUser;
  if (steps.has("review")) {
    const note = field("Bemerkung zur Prüfung (freiwillig)", "input", { type: "text", name: "note", maxlength: "2000" });
    add({ action: "review", title: "Prüfen (zweite Person)", fields: [note],
      hint: "Sie bestätigen: Der Text stimmt mit dem Bescheid überein. Nichts fehlt, nichts ist dazugekommen.",
      button: "Als geprüft bestätigen", yes: "Ja, geprüft",
      question: "Haben Sie den Text mit dem Bescheid verglichen? Ihre Prüfung wird mit Ihrem Namen gespeichert.",
      body: () => ({ state: "geprueft", note: note.input.value || null }), done: "Die Prüfung ist gespeichert." });
  } else if (cur.status === "entwurf" && cur.author === me) {
    forms.push(message("", "Sie haben diese Überarbeitung geschrieben. Prüfen muss eine zweite Person (Vier-Augen-Prinzip)."));
  }
  if (steps.has("test")) {
    const note = field("Wer hat gelesen? (freiwillig)", "input", { type: "text", name: "note", maxlength: "2000" });
    add({ action: "pruefgruppe", path: "review", title: "Prüfgruppe", fields: [note],
      hint: "Menschen aus der Zielgruppe haben den Text gelesen und verstanden (freiwilliger Schritt).",
      button: "Prüfung durch die Prüfgruppe eintragen", yes: "Ja, eintragen",
      question: "Hat die Prüfgruppe den Text gelesen und verstanden?",
      body: () => ({ state: "pruefgruppe", note: note.input.value || null }),
      done: "Die Prüfgruppe ist eingetragen." });
  }
  if (steps.has("publish")) {
    const reason = findings > 0 ? field("Grund für die Abweichung von den Regeln", "input",
      { type: "text", name: "override", required: true, maxlength: "2000" },
      "Die Regelprüfung findet " + findings + (findings === 1 ? " Stelle." : " Stellen.")) : null;
    add({ action: "publish", title: "Veröffentlichen", fields: reason ? [reason] : [],
      hint: "Danach zeigt die Adresse diesen Text allen, die den QR-Code scannen.",
      button: "Veröffentlichen", yes: "Ja, veröffentlichen",
      question: "Soll Überarbeitung " + cur.rev + " jetzt öffentlich unter der Adresse stehen?",
      body: () => (reason ? { override: reason.input.value } : {}), done: "Die Fassung ist veröffentlicht." });
  }
  if (steps.has("edit")) {
    const text = field("Neuer Text", "textarea", { name: "text", rows: "8", required: true },
      "Eine neue Überarbeitung beginnt als Entwurf. Die veröffentlichte Fassung bleibt online, bis die neue " +
      "geprüft und veröffentlicht ist.");
    text.input.value = cur.text;
    add({ action: "edit", title: "Überarbeiten", fields: [text],
      button: "Überarbeitung speichern", yes: "Ja, speichern",
      question: "Neue Überarbeitung als Entwurf speichern?",
      body: () => ({ text: text.input.value }), done: "Die neue Überarbeitung ist gespeichert." });
  }
  if (steps.has("withdraw")) {
    const reason = field("Grund für das Zurückziehen", "input", { type: "text", name: "reason", required: true,
      maxlength: "2000" });
    add({ action: "withdraw", title: "Zurückziehen", fields: [reason],
      hint: "Die Adresse zeigt danach nur noch einen Hinweis. Das lässt sich nicht rückgängig machen.",
      button: "Zurückziehen", yes: "Ja, endgültig zurückziehen",
      question: "Die Fassung endgültig zurückziehen?",
      body: () => ({ reason: reason.input.value }), done: "Die Fassung ist zurückgezogen." });
  }
  return forms;
}

async function renderDetail(main, id, notice) {
  let v;
  try {
    v = await get("/api/easy/versions/" + encodeURIComponent(id));
  } catch (e) {
    return page(main, "Fassung in Leichter Sprache", failure(e, WHAT),
      h("p", {}, h("a", { href: "#/fassungen" }, "Zur Übersicht")));
  }
  const cur = v.revisions[v.revisions.length - 1];
  const text = await textSection(cur);
  const onDone = (msg) => renderDetail(main, id, msg).then((h1) => h1 && h1.focus());
  const forms = stepForms(v, cur, text.findings, onDone);
  return page(main, "Fassung zu " + v.bescheid_ref,
    notice ? message("ok", notice) : null,
    h("p", {}, h("a", { href: "#/fassungen" }, "Zur Übersicht")),
    facts(v), addressSection(v),
    h("section", { "aria-labelledby": "fassung-text" }, text.nodes),
    h("section", { "aria-labelledby": "fassung-schritte" },
      h("h2", { id: "fassung-schritte" }, "Nächste Schritte"),
      forms.length ? forms : message("", "Für diese Fassung ist kein Schritt mehr möglich.")),
    h("section", { "aria-labelledby": "fassung-verlauf" },
      h("h2", { id: "fassung-verlauf" }, "Verlauf"), historyTable(v)));
}

// ------------------------------------------------------------ list, new

function listTable(list) {
  if (!list.length) return message("", "Noch keine Fassungen.");
  return table("Fassungen", ["Aktenzeichen", "Stand", "Überarbeitung", "Online", "Angelegt"], list.map((v) => [
    h("a", { href: "#/fassungen/" + v.id }, v.bescheid_ref),
    stateWords(v.status), String(v.rev), v.online ? "ja" : "nein",
    when(v.created_at) + " von " + v.created_by]), [2]);
}

async function newForm(query) {
  const ref = field("Aktenzeichen des Bescheids", "input", { type: "text", name: "bescheid_ref", required: true,
    maxlength: "200", autocomplete: "off" });
  const doc = field("Dokumentnummer des Bescheids (freiwillig)", "input", { type: "number", name: "doc_id",
    min: "1", inputmode: "numeric" }, "Nummer des Bescheids im Dokumentbestand; dann gilt seine Datenklasse.");
  const cls = field("Datenklasse", "select", { name: "data_class" });
  for (const [val, label] of CLASSES) cls.input.append(h("option", { value: val }, label));
  const text = field("Text in Leichter Sprache", "textarea", { name: "text", rows: "10", required: true },
    "Leere Zeilen trennen Absätze. Der Text ist nie rechtlich verbindlich; das steht auf der Seite immer oben.");
  const out = h("div", { id: "fassung-neu-ergebnis" });
  const pre = [];
  let draftId = null;
  const draft = query && query.get("entwurf");
  if (draft && /^[1-9][0-9]{0,17}$/.test(draft)) {
    try {
      const d = await get("/api/drafts/" + draft);
      text.input.value = d.final_text || d.text;
      draftId = Number(draft);
      pre.push(message("warn", "Text aus KI-Entwurf " + draft + " übernommen. Bitte prüfen Sie ihn gegen den " +
        "Bescheid, bevor eine zweite Person ihn bestätigt."));
    } catch (e) {
      pre.push(message("error", "Der KI-Entwurf " + draft + " ist nicht lesbar: " + e.message));
    }
  }
  const form = h("form", { "aria-labelledby": "fassung-neu", novalidate: true }, pre, ref.nodes, doc.nodes, cls.nodes, text.nodes,
    h("button", { type: "submit" }, "Fassung anlegen"), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    for (const f of [ref, text, doc]) f.input.removeAttribute("aria-invalid");
    const missing = [ref, text].find((f) => !f.input.value.trim());
    if (missing) {
      missing.input.setAttribute("aria-invalid", "true");
      out.replaceChildren(message("error", "Bitte „" + missing.nodes[0].textContent + "“ ausfüllen."));
      missing.input.focus();
      return;
    }
    const body = { bescheid_ref: ref.input.value.trim(), text: text.input.value };
    if (doc.input.value) body.doc_id = Number(doc.input.value);
    if (cls.input.value) body.data_class = cls.input.value;
    if (draftId) body.draft_id = draftId;
    try {
      const v = await post("/api/easy/versions", body);
      location.hash = "#/fassungen/" + v.id;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && body.doc_id) doc.input.setAttribute("aria-invalid", "true");
      out.replaceChildren(failure(err, WHAT));
    }
  });
  return h("section", { "aria-labelledby": "fassung-neu" }, h("h2", { id: "fassung-neu" }, "Neue Fassung"), form);
}

export async function render(main, args, opts) {
  const title = "Fassungen in Leichter Sprache";
  if (!whoAmI()) return page(main, title, loginHint(WHAT));
  if (args && args[0]) return renderDetail(main, args[0]);
  let list;
  try {
    list = (await get("/api/easy/versions")).versions;
  } catch (e) {
    return page(main, title, failure(e, WHAT));
  }
  return page(main, title,
    h("p", {}, "Fassungen in Leichter Sprache gehören zu einem verbindlichen Bescheid. Eine zweite Person prüft " +
      "jede Überarbeitung; erst dann kann sie veröffentlicht werden."),
    listTable(list), await newForm(opts && opts.query));
}

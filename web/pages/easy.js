// SPDX-License-Identifier: EUPL-1.2
// web/pages/easy.js — "Leichte Sprache": the rule check for Leichte
// Sprache and the readability scores (POST /api/easy/check). Findings are
// marked in the text and listed as on the page "Schreiben" (annotate() in
// write.js); the scores follow as a table.
// Below, "Mit KI in Leichte Sprache übertragen" (POST /api/easy/simplify):
// the model's draft with the label "KI-Entwurf – nicht geprüft", the rule
// findings marked in the draft (ids with the prefix "entwurf-"), the
// scores of the Bescheid and of the draft side by side, and a link that
// creates an easy version from the draft (#/fassungen?entwurf=ID).
import { ApiError, post, whoAmI } from "../api.js";
import { h, message, page, field, table } from "../dom.js";
import { annotate, failure, loginHint } from "./write.js";

const WHAT = "die Prüfung auf Leichte Sprache";

const num = (v, digits = 2) => typeof v === "number"
  ? v.toLocaleString("de-DE", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "–";

function scoreRows(s, maxWords) {
  return [
    ["Sätze", num(s.sentences, 0), ""],
    ["Wörter", num(s.words, 0), ""],
    ["Silben", num(s.syllables, 0), ""],
    ["Lesbarkeitsindex nach Flesch (Amstad)", num(s.fre_amstad), "0 bis 100, höher ist leichter"],
    ["Wiener Sachtextformel 1", num(s.wstf1), "Schulstufe, niedriger ist leichter"],
    ["Wiener Sachtextformel 2", num(s.wstf2), "Schulstufe, niedriger ist leichter"],
    ["Wiener Sachtextformel 3", num(s.wstf3), "Schulstufe, niedriger ist leichter"],
    ["Wiener Sachtextformel 4", num(s.wstf4), "Schulstufe, niedriger ist leichter"],
    ["LIX", num(s.lix), "unter 40 leicht, über 60 schwer"],
    ["Sätze mit höchstens " + maxWords + " Wörtern", num(s.sentences_short, 0), ""],
    ["Sätze ohne Befund", num(s.sentences_clean, 0), ""],
  ];
}

function scoreTable(s, maxWords) {
  return table("Lesbarkeitswerte des Textes", ["Wert", "Ergebnis", "Bedeutung"], scoreRows(s, maxWords), [1]);
}

// The scores of the Bescheid and of the draft side by side.
function compareTable(before, after, maxWords) {
  const a = scoreRows(after, maxWords);
  const rows = scoreRows(before, maxWords).map((r, i) => [r[0], r[1], a[i][1], r[2]]);
  rows.push(["Befunde der Regelprüfung", num(before.findings, 0), num(after.findings, 0), "weniger ist leichter"]);
  return table("Lesbarkeit vorher und nachher", ["Wert", "Bescheid", "KI-Entwurf", "Bedeutung"], rows, [1, 2]);
}

const SIMPLIFY = "die Übertragung in Leichte Sprache";

function simplifyFailure(e) {
  if (!(e instanceof ApiError) || e.status === 401) return failure(e, SIMPLIFY);
  if (e.status === 403 && e.body && e.body.error && e.body.error.reason) {
    return message("error", "Die Anwendung „Leichte Sprache“ lehnt die Anfrage ab: " + e.message);
  }
  if (e.status === 503) {
    return message("error", ["Zurzeit ist kein KI-Modell für Leichte Sprache verfügbar (" + e.message + "). ",
      "Die Prüfung oben funktioniert auch ohne KI-Modell."]);
  }
  return message("error", e.message);
}

function simplifyResult(r, maxWords) {
  const n = r.findings.length;
  const parts = [
    message("warn", [h("strong", {}, r.label), " – Entwurf Nr. " + r.draft_id +
      ". Bitte prüfen Sie jeden Satz gegen den Bescheid: Fristen, Beträge und Rechte müssen stimmen."]),
    h("p", { class: "hint" }, r.notice),
    r.ai_notice ? h("p", { class: "hint" }, r.ai_notice) : null,
    message(n ? "" : "ok", n === 0 ? "Die Regelprüfung findet im Entwurf nichts."
      : n === 1 ? "Die Regelprüfung findet im Entwurf 1 Stelle." : "Die Regelprüfung findet im Entwurf " + n + " Stellen."),
  ];
  if (n) {
    const [marked, list] = annotate(r.text, r.findings, (f) => f.message.split(":")[0], "entwurf-");
    parts.push(h("h3", {}, "Entwurf mit markierten Stellen"), marked, h("h3", {}, "Befunde im Entwurf"), list);
  } else {
    parts.push(h("h3", {}, "Entwurf"), h("div", { class: "annotated", id: "entwurf-markiert" }, r.text));
  }
  parts.push(h("h3", {}, "Lesbarkeit"), compareTable(r.original_scores, r.scores, maxWords),
    h("p", {}, h("a", { href: "#/fassungen?entwurf=" + r.draft_id, id: "entwurf-fassung" },
      "Als Fassung in Leichter Sprache anlegen")));
  return parts.filter(Boolean);
}

function simplifySection(words) {
  const text = field("Text des Bescheids", "textarea", { name: "bescheid", required: true, rows: "10" },
    "Ein KI-Modell der Kreisverwaltung entwirft daraus einen Text in Leichter Sprache; die Regelprüfung läuft " +
    "danach auf dem Entwurf. Der Entwurf wird unter „Meine Entwürfe“ gespeichert und gilt erst nach Prüfung " +
    "durch Menschen. Eine Fassung in Leichter Sprache ist nie rechtlich verbindlich.");
  const out = h("div", { id: "leicht-entwurf" });
  const button = h("button", { type: "submit" }, "In Leichte Sprache übertragen");
  const form = h("form", { "aria-label": "Bescheid mit KI in Leichte Sprache übertragen" }, text.nodes, button);
  let busy = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (busy) return;
    const body = text.input.value;
    if (!body.trim()) {
      out.replaceChildren(message("error", "Bitte den Text des Bescheids eingeben."));
      return;
    }
    const maxWords = Number(words.input.value) || 12;
    busy = true;
    form.setAttribute("aria-busy", "true");
    out.replaceChildren(message("", "Der Entwurf wird erstellt. Das kann einige Minuten dauern."));
    try {
      const r = await post("/api/easy/simplify", { text: body, max_words: maxWords });
      out.replaceChildren(...simplifyResult(r, maxWords));
    } catch (err) {
      out.replaceChildren(simplifyFailure(err));
    } finally {
      busy = false;
      form.removeAttribute("aria-busy");
    }
  });
  return h("section", { "aria-labelledby": "leicht-ki" },
    h("h2", { id: "leicht-ki" }, "Mit KI in Leichte Sprache übertragen"), form, out);
}

export async function render(main) {
  const title = "Leichte Sprache";
  if (!whoAmI()) return page(main, title, loginHint(WHAT));
  const text = field("Ihr Text", "textarea", { name: "text", required: true, rows: "10" },
    "Die Prüfung zeigt Stellen, die gegen Regeln der Leichten Sprache verstoßen, und misst die Lesbarkeit. " +
    "Ob der Text für die Zielgruppe verständlich ist, prüfen Menschen aus der Zielgruppe. " +
    "Der Text wird nicht gespeichert und geht an kein KI-Modell.");
  const words = field("Höchstens Wörter je Satz", "input", { type: "number", name: "max_words", min: "1",
    max: "1000", value: "12", inputmode: "numeric" });
  const out = h("div", { id: "leicht-ergebnis" });
  const form = h("form", { "aria-label": "Text auf Leichte Sprache prüfen" }, text.nodes, words.nodes,
    h("button", { type: "submit" }, "Prüfen"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = text.input.value;
    if (!body.trim()) {
      out.replaceChildren(message("error", "Bitte einen Text eingeben."));
      return;
    }
    const maxWords = Number(words.input.value) || 12;
    let r;
    try {
      r = await post("/api/easy/check", { text: body, max_words: maxWords });
    } catch (err) {
      out.replaceChildren(failure(err, WHAT));
      return;
    }
    const n = r.findings.length;
    const parts = [message(n ? "" : "ok", n === 0 ? "Keine Befunde." : n === 1 ? "1 Befund." : n + " Befunde.")];
    if (n) {
      const [marked, list] = annotate(body, r.findings, (f) => f.message.split(":")[0]);
      parts.push(h("h2", {}, "Text mit markierten Stellen"), marked, h("h2", {}, "Befunde"), list);
    }
    if (r.scores) parts.push(h("h2", {}, "Lesbarkeit"), scoreTable(r.scores, maxWords));
    out.replaceChildren(...parts);
  });
  return page(main, title, form, out, simplifySection(words));
}

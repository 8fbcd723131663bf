// SPDX-License-Identifier: EUPL-1.2
// web/pages/easy.js — "Leichte Sprache": the rule check for Leichte
// Sprache and the readability scores (POST /api/easy/check). Findings are
// marked in the text and listed as on the page "Schreiben" (annotate() in
// write.js); the scores follow as a table.
import { post, whoAmI } from "../api.js";
import { h, message, page, field, table } from "../dom.js";
import { annotate, failure, loginHint } from "./write.js";

const WHAT = "die Prüfung auf Leichte Sprache";

const num = (v, digits = 2) => typeof v === "number"
  ? v.toLocaleString("de-DE", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "–";

function scoreTable(s, maxWords) {
  const rows = [
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
  return table("Lesbarkeitswerte des Textes", ["Wert", "Ergebnis", "Bedeutung"], rows, [1]);
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
  return page(main, title, form, out);
}

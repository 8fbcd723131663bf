// SPDX-License-Identifier: EUPL-1.2
// web/pages/questionnaire.js — the classification form of an application:
// the AI-Act questionnaire (GET /api/questionnaire) as fieldsets of radio
// buttons and check boxes, pre-filled with the current answers. A question
// whose ask_if conditions do not hold is hidden and not sent. The answers
// go to POST /api/apps/ID/classify; the server computes the risk class.
import { get, post } from "../api.js";
import { h, message } from "../dom.js";

let seq = 0;

function chosen(fs) {
  return Array.from(fs.querySelectorAll("input:checked")).map((i) => i.value);
}

function questionSet(q, current) {
  const name = "q" + ++seq + "-" + q.id;
  const multi = q.kind === "multi_choice";
  const have = new Set(Array.isArray(current) ? current : current ? [current] : []);
  const helpId = q.help ? name + "-hilfe" : null;
  const fs = h("fieldset", { "data-id": q.id, "aria-describedby": helpId },
    h("legend", {}, q.text + (q.required ? " (Pflichtfrage)" : "")),
    q.help ? h("p", { class: "hint", id: helpId }, q.help) : null,
    q.options.map((o) => {
      const id = name + "-" + o.value;
      return h("div", {}, h("input", { type: multi ? "checkbox" : "radio", name, id, value: o.value,
        checked: have.has(o.value), "data-exclusive": o.exclusive ? "1" : null }),
      " ", h("label", { for: id, class: "inline" }, o.label));
    }));
  if (multi) {
    // an exclusive option ("keiner davon") stands alone
    fs.addEventListener("change", (e) => {
      const t = e.target;
      if (!t.checked) return;
      for (const i of fs.querySelectorAll("input")) {
        if (i !== t && (t.dataset.exclusive || i.dataset.exclusive)) i.checked = false;
      }
    });
  }
  return fs;
}

function askedNow(q, sets) {
  for (const [id, values] of Object.entries(q.ask_if || {})) {
    const fs = sets.get(id);
    if (!fs || fs.hidden || !chosen(fs).some((v) => values.includes(v))) return false;
  }
  return true;
}

// The form for application a; rerender(notice) shows the application anew.
export async function classifyForm(a, out, rerender) {
  let questions;
  try {
    questions = await get("/api/questionnaire");
  } catch (e) {
    return message("error", "Fragebogen nicht verfügbar: " + e.message);
  }
  const sets = new Map();
  const answers = a.answers || {};
  const fieldsets = questions.map((q) => {
    const fs = questionSet(q, answers[q.id]);
    sets.set(q.id, fs);
    return fs;
  });
  const update = () => {
    for (const q of questions) sets.get(q.id).hidden = !askedNow(q, sets);
  };
  const form = h("form", { "aria-labelledby": "classify-h" },
    h("h3", { id: "classify-h" }, "Fragebogen ausfüllen (KI-Koordination)"),
    h("p", { class: "hint" }, "Die Risikoklasse ergibt sich aus den Antworten. Folgefragen erscheinen, wenn sie zutreffen."),
    fieldsets, h("button", { type: "submit" }, "Klassifizieren"));
  form.addEventListener("change", update);
  update();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {};
    for (const q of questions) {
      const fs = sets.get(q.id);
      if (fs.hidden) continue;
      const v = chosen(fs);
      if (!v.length) continue;
      body[q.id] = q.kind === "multi_choice" ? v : v[0];
    }
    try {
      const r = await post("/api/apps/" + encodeURIComponent(a.id) + "/classify", { answers: body });
      await rerender(message("ok", "Klassifiziert: Risikoklasse " + r.risk_class + "."));
    } catch (err) {
      out.replaceChildren(message("error", "Klassifizieren fehlgeschlagen: " + err.message));
      out.focus();
    }
  });
  return form;
}

// SPDX-License-Identifier: EUPL-1.2
// web/pages/apps.js — "Anwendungen": the register of AI applications (GET
// /api/apps), one application with its classification (the AI-Act
// questionnaire's answers and risk class), the approvals each role still
// has to give, whether the gate lets it run, and the decision form for
// the roles (POST /api/apps/ID/approve|reject) and the workflow steps of
// the KI-Koordination (submit, suspend, resume).
import { get, post, state } from "../api.js";
import { h, message, page, field, table, when } from "../dom.js";
import { classifyForm } from "./questionnaire.js";

const ROLE_LABEL = {
  ki_koordination: "KI-Koordination", fachdienstleitung: "Fachdienstleitung", datenschutz: "Datenschutz",
  informationssicherheit: "Informationssicherheit", personalrat: "Personalrat", ethik_beirat: "Ethik-Beirat",
  auditor: "Revision", admin: "Administration",
};
const roleLabel = (r) => ROLE_LABEL[r] || r;

// What the runtime gate will do: run only an approved, unexpired and
// unchanged version (list rows and the show reply say it differently).
function gateBadge(a) {
  let why = "";
  if (a.status !== "freigegeben") why = a.status_label || a.status;
  else if (a.approval && a.approval.expired) why = "Freigabe abgelaufen";
  else if (a.approval && a.approval.current === false) why = "geändert seit der Freigabe";
  else if (a.valid_until && a.valid_until * 1000 < Date.now()) why = "Freigabe abgelaufen";
  else if (a.approved_version && a.approved_version !== a.version) why = "geändert seit der Freigabe";
  return why ? h("span", { class: "badge bad" }, "gesperrt: " + why)
    : h("span", { class: "badge ok" }, "läuft (freigegeben)");
}

async function renderList(main) {
  let r;
  try {
    r = await get("/api/apps");
  } catch (e) {
    return page(main, "Anwendungen", message("error", e.message));
  }
  const rows = r.apps.map((a) => [h("a", { href: "#/anwendungen/" + encodeURIComponent(a.id) }, a.id),
    a.name, a.status_label || a.status,
    a.risk_class === null || a.risk_class === undefined ? "nicht klassifiziert" : String(a.risk_class),
    String(a.version), gateBadge(a)]);
  return page(main, "Anwendungen",
    h("p", {}, "Das Register der KI-Anwendungen des Landkreises. Nur freigegebene Anwendungen laufen."),
    rows.length ? table("Registrierte Anwendungen", ["Kennung", "Name", "Status", "Risikoklasse", "Version", "Laufzeit-Freigabe"], rows, [3, 4])
      : message("", "Es sind noch keine Anwendungen registriert."));
}

function decisionForm(a, out, rerender) {
  const roles = (a.required && a.required.roles) || [];
  const role = field("In der Rolle", "select", { name: "role" });
  for (const r of roles) role.input.append(h("option", { value: r }, roleLabel(r)));
  const comment = field("Begründung", "textarea", { name: "comment" }, "Bei Ablehnung erforderlich.");
  const approve = h("button", { type: "submit", value: "approve" }, "Zustimmen");
  const reject = h("button", { type: "submit", value: "reject", class: "secondary" }, "Ablehnen");
  const form = h("form", { "aria-labelledby": "decide-h" },
    h("h2", { id: "decide-h" }, "Entscheidung"), role.nodes, comment.nodes, approve, reject);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const action = e.submitter ? e.submitter.value : "approve";
    try {
      await post("/api/apps/" + encodeURIComponent(a.id) + "/" + action,
        { role: role.input.value, comment: comment.input.value });
      await rerender(message("ok", action === "approve" ? "Zustimmung gespeichert." : "Ablehnung gespeichert."));
    } catch (err) {
      out.replaceChildren(message("error", err.message));
      out.focus();
    }
  });
  return form;
}

function stepButtons(a, out, rerender) {
  const steps = { entwurf: [["submit", "Zur Prüfung einreichen"]], freigegeben: [["suspend", "Aussetzen"]],
    ausgesetzt: [["resume", "Wieder aufnehmen"]] }[a.status] || [];
  if (!steps.length) return null;
  return h("section", { "aria-labelledby": "steps-h" }, h("h2", { id: "steps-h" }, "Arbeitsschritte (KI-Koordination)"),
    steps.map(([action, label]) => h("button", { type: "button", class: "secondary", onclick: async () => {
      try {
        await post("/api/apps/" + encodeURIComponent(a.id) + "/" + action, {});
        await rerender(message("ok", "Schritt „" + label + "“ ausgeführt."));
      } catch (err) {
        out.replaceChildren(message("error", err.message));
        out.focus();
      }
    } }, label)));
}

function answerText(v) {
  if (v === true) return "ja";
  if (v === false) return "nein";
  if (Array.isArray(v)) return v.map(answerText).join(", ");
  return typeof v === "string" ? v : JSON.stringify(v);
}

function classification(a) {
  const answers = Object.entries(a.answers || {});
  const c = a.classification;
  return [h("h2", {}, "Fragebogen zur KI-Verordnung"),
    c ? h("p", {}, "Risikoklasse " + c.risk_class + ". ", (c.reasons || []).join(" ")) : h("p", {}, "Noch nicht klassifiziert."),
    answers.length ? table("Antworten im Fragebogen", ["Frage", "Antwort"],
      answers.map(([k, v]) => [k, answerText(v)])) : null];
}

// Classifying is possible in "Entwurf" and in review before the round's
// first decision; with a session only KI-Koordination and Administration
// see the form (the server checks the role in any case).
function mayClassify(a) {
  const roles = state.session ? state.session.roles || [] : null;
  if (roles && !roles.includes("ki_koordination") && !roles.includes("admin")) return false;
  if (a.status === "entwurf") return true;
  return a.status === "in_pruefung" && !(a.approvals || []).some((x) => x.round === a.round);
}

async function renderOne(main, id, notice) {
  let a;
  try {
    a = await get("/api/apps/" + encodeURIComponent(id));
  } catch (e) {
    return page(main, "Anwendung " + id, message("error", e.message));
  }
  const out = h("div", { "aria-live": "polite", tabindex: "-1" }, notice || null);
  const rerender = async (n) => {
    const box = await renderOne(main, id, n);
    if (box) box.focus();
  };
  const cur = a.current || {};
  const required = (a.required && a.required.roles) || [];
  const approved = a.approved_roles || [];
  const h1 = page(main, (cur.name || a.id) + " (" + a.id + ")", out,
    h("p", {}, h("a", { href: "#/anwendungen" }, "Zurück zum Register")),
    h("p", {}, "Status: ", a.status_label || a.status, " · Version " + a.version + " · Runde " + a.round + " · ", gateBadge(a)),
    h("p", {}, cur.purpose || ""),
    h("p", { class: "meta" }, "Fachbereich: " + (cur.owner_unit || "–") + " · zugelassene Einheiten: " +
      (cur.units || []).join(", ") + " · Pflichtschulungen: " + ((cur.trainings || []).join(", ") || "keine")),
    classification(a),
    mayClassify(a) ? await classifyForm(a, out, rerender) : null,
    h("h2", {}, "Freigaben je Rolle"),
    table("Erforderliche Zustimmungen", ["Rolle", "Stand"], required.map((r) => [roleLabel(r),
      approved.includes(r) ? h("span", { class: "badge ok" }, "zugestimmt") : h("span", { class: "badge bad" }, "offen")])),
    (a.missing || []).length ? message("warn", "Es fehlt noch: " + a.missing.join(", ")) : null,
    (a.approvals || []).length ? table("Entscheidungen", ["Rolle", "Person", "Entscheidung", "Begründung", "Zeit", "Version"],
      a.approvals.map((x) => [roleLabel(x.role), x.user, x.decision, x.comment || "", when(x.at), String(x.version)])) : null,
    a.status === "in_pruefung" ? decisionForm(a, out, rerender) : null,
    stepButtons(a, out, rerender));
  return notice ? out : h1;
}

export async function render(main, args) {
  if (args[0]) return renderOne(main, args[0]);
  return renderList(main);
}

// SPDX-License-Identifier: EUPL-1.2
// web/pages/audit.js — "Audit" (roles Revision and Administration): the
// verdict of the hash-chain check over the whole trail and the most recent
// records (GET /api/audit), filterable by application and person.
import { get } from "../api.js";
import { h, message, page, field, table } from "../dom.js";

function chainBox(c) {
  if (c.ok) {
    return message("ok", "Prüfkette intakt: " + c.records + " Einträge geprüft, letzter Eintrag " + c.head_seq +
      (c.anchor_lag ? " (" + c.anchor_lag + " Einträge nach dem letzten Anker)" : "") + ".");
  }
  return message("error", "Prüfkette verletzt (" + c.fault + "): " + c.message);
}

function rows(records) {
  return records.map((r) => [String(r.seq), r.time ? new Date(r.time).toLocaleString("de-DE") : "", r.actor, r.unit,
    r.app, r.action, r.decision === "refuse" ? h("span", { class: "badge bad" }, "abgelehnt")
      : r.decision === "allow" ? h("span", { class: "badge ok" }, "erlaubt") : "–",
    r.reason || r.reason_code || ""]);
}

export async function render(main, args) {
  const params = new URLSearchParams(args[0] || "");
  const app = field("Anwendung", "input", { type: "text", name: "app", value: params.get("app") || "" });
  const actor = field("Person", "input", { type: "text", name: "actor", value: params.get("actor") || "" });
  const form = h("form", { "aria-label": "Einträge filtern" }, app.nodes, actor.nodes,
    h("button", { type: "submit" }, "Filtern"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (app.input.value.trim()) q.set("app", app.input.value.trim());
    if (actor.input.value.trim()) q.set("actor", actor.input.value.trim());
    location.hash = "#/audit/" + encodeURIComponent(q.toString());
  });
  const q = new URLSearchParams({ limit: "100" });
  for (const k of ["app", "actor"]) if (params.get(k)) q.set(k, params.get(k));
  let r;
  try {
    r = await get("/api/audit?" + q);
  } catch (e) {
    return page(main, "Audit", message("error", e.message));
  }
  const c = r.chain;
  return page(main, "Audit", h("h2", {}, "Prüfkette"), chainBox(c),
    h("p", { class: "meta" }, "Kopf-Hash: ", h("span", { class: "mono" }, c.head_hash || "–")),
    h("h2", {}, "Letzte Einträge"), form,
    r.records.length ? table("Die letzten " + r.records.length + " Einträge, neueste zuerst",
      ["Nr.", "Zeit", "Person", "Einheit", "Anwendung", "Aktion", "Entscheidung", "Grund"], rows(r.records), [0])
      : message("", "Keine Einträge."));
}

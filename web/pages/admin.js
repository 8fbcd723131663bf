// SPDX-License-Identifier: EUPL-1.2
// web/pages/admin.js — "Verwaltung" (Administration, KI-Koordination):
// users with unit, cleared data classes, groups, roles and trainings; units,
// groups and the training catalogue (GET /api/directory, read-only). Changes
// are made with the commands listed at the end of the page.
import { get, state } from "../api.js";
import { h, message, page, table, when } from "../dom.js";

const COMMANDS = [
  ["Benutzer anlegen oder ändern", "lotse user add NAME --unit EINHEIT --group GRUPPE --clearance offen,intern"],
  ["Passwort setzen", "lotse user passwd NAME"],
  ["Zwei-Faktor-Anmeldung einrichten", "lotse user totp enroll NAME"],
  ["Rollen vergeben / entziehen", "lotse user grant NAME ROLLE / lotse user revoke NAME ROLLE"],
  ["Schulungen", "lotse training add | grant | list"],
];

function trainingsText(list) {
  if (!list.length) return "keine";
  return list.map((t) => t.id + (t.expires_at ? " (gültig bis " + when(t.expires_at) + ")" : "")).join("; ");
}

function own() {
  const s = state.session;
  if (!s) return h("p", {}, state.devUser ? "Entwicklungszugang: " + state.devUser : "Sie sind nicht angemeldet.");
  return table("Angemeldetes Konto", ["Angabe", "Wert"], [["Benutzer", s.user], ["Organisationseinheit", s.unit || "–"],
    ["Rollen", (s.roles || []).join(", ") || "keine"]]);
}

export async function render(main) {
  const commands = [h("h2", {}, "Änderungen"),
    h("p", {}, "Benutzer, Rollen und Schulungen werden in dieser Version auf dem Server mit diesen Befehlen geändert:"),
    table("Verwaltungsbefehle auf dem Server", ["Aufgabe", "Befehl"], COMMANDS.map(([t, c]) => [t, h("code", {}, c)]))];
  let d;
  try {
    d = await get("/api/directory");
  } catch (e) {
    return page(main, "Verwaltung", message("error", e.message), h("h2", {}, "Ihr Konto"), own(), commands);
  }
  return page(main, "Verwaltung",
    h("p", {}, "Wer welche Dokumente sehen und welche KI-Anwendungen nutzen darf (nur lesend)."),
    h("h2", {}, "Benutzer"),
    table(d.users.length + " Benutzer", ["Benutzer", "Name", "Organisationseinheit", "Datenklassen", "Gruppen", "Rollen", "Schulungen"],
      d.users.map((u) => [u.name, u.display, u.unit || "–", u.clearance.join(", "), u.groups.join(", ") || "–",
        u.roles.join(", ") || "–", trainingsText(u.trainings)])),
    h("h2", {}, "Organisationseinheiten"),
    table(d.units.length + " Organisationseinheiten", ["Einheit", "Übergeordnet"], d.units.map((x) => [x.name, x.parent || "–"])),
    h("h2", {}, "Gruppen"),
    table(d.groups.length + " Gruppen", ["Gruppe", "Mitglieder"], d.groups.map((g) => [g.name, String(g.members)]), [1]),
    h("h2", {}, "Schulungen"),
    table("Schulungskatalog", ["Kennung", "Titel", "Gültigkeit"], d.trainings.map((t) =>
      [t.id, t.title, t.valid_days ? t.valid_days + " Tage" : "unbegrenzt"])),
    commands);
}

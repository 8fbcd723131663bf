// SPDX-License-Identifier: EUPL-1.2
// web/pages/admin.js — "Verwaltung": users, groups, units, roles and
// trainings. There is no HTTP interface for them yet: this page shows the
// caller's own account and names the commands that administer the rest.
import { state } from "../api.js";
import { h, message, page, table } from "../dom.js";

const COMMANDS = [
  ["Benutzer anlegen", "lotse user add NAME --unit EINHEIT --group GRUPPE --clearance offen,intern"],
  ["Passwort setzen", "lotse user passwd NAME"],
  ["Zwei-Faktor-Anmeldung einrichten", "lotse user totp enroll NAME"],
  ["Rollen vergeben / entziehen", "lotse user grant NAME ROLLE / lotse user revoke NAME ROLLE"],
  ["Schulungen", "lotse training add | grant | list"],
  ["Anwendungen", "lotse app create | classify | submit | approve"],
];

export async function render(main) {
  const s = state.session;
  return page(main, "Verwaltung",
    message("warn", "Benutzer, Gruppen, Organisationseinheiten und Schulungen werden in dieser Version über die " +
      "Kommandozeile des Servers verwaltet; eine Bearbeitung im Browser folgt."),
    h("h2", {}, "Ihr Konto"),
    s ? table("Angemeldetes Konto", ["Angabe", "Wert"], [["Benutzer", s.user], ["Organisationseinheit", s.unit || "–"],
      ["Rollen", (s.roles || []).join(", ") || "keine"]])
      : h("p", {}, state.devUser ? "Entwicklungszugang: " + state.devUser : "Sie sind nicht angemeldet."),
    h("h2", {}, "Befehle für die Administration"),
    table("Verwaltungsbefehle auf dem Server", ["Aufgabe", "Befehl"],
      COMMANDS.map(([t, c]) => [t, h("code", {}, c)])));
}

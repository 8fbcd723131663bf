// SPDX-License-Identifier: EUPL-1.2
// web/pages/admin.js — "Verwaltung" (Administration; KI-Koordination for
// trainings): the accounts with their status (GET /api/admin/users), units,
// groups and the training catalogue (GET /api/directory), and forms that
// change them through POST /api/admin/… (docs/api/admin.md): create and
// change users, deactivate and reactivate (after a confirmation), set or
// generate a password (shown once), enrol TOTP (the authenticator address
// shown once) or reset it, roles, training
// completions, units, groups and the catalogue. Errors go to the page's
// role=alert region, success to its role=status region; the server checks
// every right again.
import { get, post, state } from "../api.js";
import { h, page, field, table } from "../dom.js";

const CLASSES = ["offen", "intern", "vertraulich", "personenbezogen"];
const ROLES = [
  ["ki_koordination", "KI-Koordination"], ["fachdienstleitung", "Fachdienstleitung"], ["datenschutz", "Datenschutz"],
  ["informationssicherheit", "Informationssicherheit"], ["personalrat", "Personalrat"], ["ethik_beirat", "Ethik-Beirat"],
  ["auditor", "Revision"], ["admin", "Administration"],
];
const roleLabel = (r) => (ROLES.find(([id]) => id === r) || [r, r])[1];

// The page's two live regions; kept across re-renders of the content.
let notice = { text: "", password: "", uri: "" };

const day = (t) => new Date(t * 1000).toLocaleDateString("de-DE");

function trainingsText(list) {
  if (!list.length) return "keine";
  return list.map((t) => t.id + (t.expires_at ? " (gültig bis " + day(t.expires_at) + ")" : "")).join("; ");
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

// A <select> field with options [value, text]; first: an optional empty one.
function select(label, name, options, first, hint) {
  const f = field(label, "select", { name }, hint);
  if (first !== undefined) f.input.append(h("option", { value: "" }, first));
  for (const [v, t] of options) f.input.append(h("option", { value: v }, t));
  return f;
}

// Checkboxes in a fieldset with a legend; returns {node, values(), set(list)}.
let boxSeq = 0;
function checkboxes(legend, name, options, checked) {
  const boxes = options.map(([v, t]) => {
    const id = "cb" + ++boxSeq;
    const input = h("input", { type: "checkbox", id, name, value: v, checked: (checked || []).includes(v) });
    return { input, node: h("div", {}, input, " ", h("label", { for: id, class: "inline" }, t)) };
  });
  return {
    node: h("fieldset", {}, h("legend", {}, legend), boxes.map((b) => b.node)),
    values: () => boxes.filter((b) => b.input.checked).map((b) => b.input.value),
    set: (list) => boxes.forEach((b) => { b.input.checked = list.includes(b.input.value); }),
  };
}

// A form section: heading, fields, the submit button, then secondary
// submit buttons [label, value] (after the primary one, so Enter in a field
// submits the primary action); onSubmit(submitter) returns the reply of the
// change, or null when the user cancelled (and may throw an ApiError whose
// message is shown).
function form(id, title, nodes, button, onSubmit, ctx, extra = []) {
  const f = h("form", { "aria-labelledby": id, novalidate: true }, h("h3", { id }, title), nodes,
    h("p", {}, h("button", { type: "submit" }, button), extra.map(([label, value]) =>
      [" ", h("button", { type: "submit", value, class: "secondary" }, label)])));
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    await ctx.run(() => onSubmit(e.submitter), f);
  });
  return f;
}

function userOptions(users) {
  return users.map((u) => [u.name, u.display && u.display !== u.name ? u.name + " (" + u.display + ")" : u.name]);
}

// ------------------------------------------------------------- sections

function usersTable(users) {
  return table(users.length + " Benutzer", ["Benutzer", "Name", "Organisationseinheit", "Datenklassen", "Gruppen",
    "Rollen", "Schulungen", "Konto", "Anmeldung"], users.map((u) => [u.name, u.display, u.unit || "–",
    u.clearance.join(", "), u.groups.join(", ") || "–", u.roles.map(roleLabel).join(", ") || "–",
    trainingsText(u.trainings),
    u.active ? h("span", { class: "badge ok" }, "aktiv")
      : h("span", { class: "badge bad" }, "deaktiviert seit " + day(u.disabled_at)),
    (u.password ? "Passwort" : "kein Passwort") + (u.totp ? ", Zwei-Faktor" : "")]));
}

function createUserForm(d, ctx) {
  const name = field("Benutzername", "input", { type: "text", name: "name", autocomplete: "off", required: true },
    "Kleinbuchstaben, Ziffern, Punkt, Unterstrich oder Bindestrich, z. B. bberger.");
  const display = field("Anzeigename", "input", { type: "text", name: "display", autocomplete: "off" });
  const unit = select("Organisationseinheit", "unit", d.units.map((u) => [u.name, u.name]), "– keine –");
  const classes = checkboxes("Freigegebene Datenklassen", "clearance", CLASSES.map((c) => [c, c]), ["offen", "intern"]);
  const groups = checkboxes("Gruppen", "groups", d.groups.map((g) => [g.name, g.name]), []);
  const pw = field("Erstes Passwort (optional)", "input", { type: "password", name: "password", autocomplete: "new-password" },
    "Mindestens 10 Zeichen. Leer lassen und unten ankreuzen, um eines erzeugen zu lassen.");
  const genId = "gen-create";
  const gen = h("input", { type: "checkbox", id: genId, name: "generate" });
  return form("h-user-create", "Benutzer anlegen", [name.nodes, display.nodes, unit.nodes, classes.node,
    d.groups.length ? groups.node : null, pw.nodes,
    h("div", {}, gen, " ", h("label", { for: genId, class: "inline" }, "Passwort erzeugen (wird einmal angezeigt)"))],
  "Benutzer anlegen", async () => {
    const body = { name: name.input.value.trim(), clearance: classes.values(), groups: groups.values() };
    if (display.input.value.trim()) body.display = display.input.value.trim();
    if (unit.input.value) body.unit = unit.input.value;
    if (pw.input.value) body.password = pw.input.value;
    if (gen.checked) body.generate = true;
    return post("/api/admin/users/create", body);
  }, ctx);
}

function editUserForm(users, d, ctx) {
  const who = select("Benutzer", "name", userOptions(users));
  const display = field("Anzeigename", "input", { type: "text", name: "display", autocomplete: "off" });
  const unit = select("Organisationseinheit", "unit", d.units.map((u) => [u.name, u.name]), "– keine –");
  const classes = checkboxes("Freigegebene Datenklassen", "clearance", CLASSES.map((c) => [c, c]));
  const groups = checkboxes("Gruppen", "groups", d.groups.map((g) => [g.name, g.name]));
  const fill = () => {
    const u = users.find((x) => x.name === who.input.value);
    if (!u) return;
    display.input.value = u.display;
    unit.input.value = u.unit;
    classes.set(u.clearance);
    groups.set(u.groups);
  };
  who.input.addEventListener("change", fill);
  fill();
  return form("h-user-edit", "Benutzer ändern", [who.nodes, display.nodes, unit.nodes, classes.node,
    d.groups.length ? groups.node : null], "Änderungen speichern", () =>
    post("/api/admin/users/update", { name: who.input.value, display: display.input.value.trim(),
      unit: unit.input.value, clearance: classes.values(), groups: groups.values() }), ctx);
}

function accountForm(users, ctx) {
  const who = select("Benutzer", "name", userOptions(users));
  const pw = field("Neues Passwort", "input", { type: "password", name: "password", autocomplete: "new-password" },
    "Mindestens 10 Zeichen; laufende Sitzungen des Benutzers enden.");
  const btn = (label, value, cls) => h("button", { type: "submit", value, class: cls }, label);
  const f = h("form", { "aria-labelledby": "h-account", novalidate: true }, h("h3", { id: "h-account" }, "Konto"),
    who.nodes, pw.nodes, h("p", {}, btn("Passwort setzen", "password"), " ",
      btn("Passwort erzeugen", "generate", "secondary")),
    h("p", {}, btn("Zwei-Faktor-Anmeldung einrichten", "totp-enroll", "secondary"), " ",
      btn("Zwei-Faktor-Anmeldung zurücksetzen", "totp", "secondary"), " ",
      btn("Deaktivieren", "deactivate", "secondary"), " ", btn("Reaktivieren", "reactivate", "secondary")));
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const action = e.submitter ? e.submitter.value : "password";
    const name = who.input.value;
    const ask = {
      deactivate: "Benutzer " + name + " deaktivieren? Laufende Sitzungen enden, eine Anmeldung ist nicht mehr möglich.",
      totp: "Zwei-Faktor-Anmeldung von " + name + " zurücksetzen? Sie muss danach neu eingerichtet werden.",
      "totp-enroll": "Zwei-Faktor-Anmeldung für " + name + " neu einrichten? Ein früheres Geheimnis gilt danach nicht mehr.",
    }[action];
    if (ask && !window.confirm(ask)) return;
    await ctx.run(() => {
      if (action === "password") return post("/api/admin/users/password", { name, password: pw.input.value });
      if (action === "generate") return post("/api/admin/users/password", { name, generate: true });
      if (action === "totp") return post("/api/admin/users/totp-reset", { name });
      if (action === "totp-enroll") return post("/api/admin/users/totp-enroll", { name });
      return post("/api/admin/users/" + action, { name });
    }, f);
  });
  return f;
}

function rolesForm(users, ctx) {
  const who = select("Benutzer", "name", userOptions(users));
  const roles = checkboxes("Rollen", "roles", ROLES);
  const fill = () => roles.set((users.find((u) => u.name === who.input.value) || { roles: [] }).roles);
  who.input.addEventListener("change", fill);
  fill();
  return form("h-roles", "Rollen vergeben und entziehen", [who.nodes, roles.node], "Rollen speichern", () => {
    const had = (users.find((u) => u.name === who.input.value) || { roles: [] }).roles;
    const want = roles.values();
    const revoke = had.filter((r) => !want.includes(r));
    const grant = want.filter((r) => !had.includes(r));
    if (revoke.length && !window.confirm("Rollen entziehen: " + revoke.map(roleLabel).join(", ") + "?")) return null;
    return post("/api/admin/users/roles", { name: who.input.value, grant, revoke });
  }, ctx);
}

function trainingForms(users, d, ctx) {
  const who = select("Benutzer", "name", userOptions(users));
  const tr = select("Schulung", "training", d.trainings.map((t) => [t.id, t.title + " (" + t.id + ")"]));
  const done = field("Abgeschlossen am", "input", { type: "date", name: "completed", value: today() });
  const exp = field("Gültig bis (optional)", "input", { type: "date", name: "expires" },
    "Leer: Abschluss plus die Gültigkeit der Schulung.");
  const grant = form("h-training-grant", "Schulung eintragen oder austragen", [who.nodes, tr.nodes, done.nodes, exp.nodes],
    "Schulung eintragen", (submitter) => {
    const body = { name: who.input.value, training: tr.input.value };
    if (submitter && submitter.value === "revoke") {
      if (!window.confirm("Schulung " + body.training + " von " + body.name + " austragen?")) return null;
      return post("/api/admin/users/training-revoke", body);
    }
    if (done.input.value) body.completed = done.input.value;
    if (exp.input.value) body.expires = exp.input.value;
    return post("/api/admin/users/training-grant", body);
  }, ctx, [["Schulung austragen", "revoke"]]);
  const id = field("Kennung", "input", { type: "text", name: "id", autocomplete: "off" }, "a-z, 0-9, Bindestrich, z. B. ki-grundlagen.");
  const title = field("Titel", "input", { type: "text", name: "title", autocomplete: "off" });
  const days = field("Gültigkeit in Tagen", "input", { type: "number", name: "valid_days", min: "0", max: "3660", value: "0" },
    "0: unbegrenzt gültig. Eine vorhandene Kennung wird geändert.");
  const catalogue = form("h-training-new", "Schulung in den Katalog aufnehmen oder ändern", [id.nodes, title.nodes, days.nodes],
    "Schulung speichern", () => {
      const body = { id: id.input.value.trim(), title: title.input.value.trim(), valid_days: Number(days.input.value || 0) };
      const known = d.trainings.some((t) => t.id === body.id);
      return post("/api/admin/trainings/" + (known ? "update" : "create"), body);
    }, ctx);
  return [users.length && d.trainings.length ? grant : null, catalogue];
}

function orgForms(users, d, ctx) {
  const units = d.units.map((u) => [u.name, u.name]);
  const uname = field("Name der Einheit", "input", { type: "text", name: "unit", autocomplete: "off" });
  const parent = select("Übergeordnete Einheit", "parent", units, "– keine –");
  const unitNew = form("h-unit-new", "Organisationseinheit anlegen", [uname.nodes, parent.nodes], "Einheit anlegen", () => {
    const body = { name: uname.input.value.trim() };
    if (parent.input.value) body.parent = parent.input.value;
    return post("/api/admin/units/create", body);
  }, ctx);
  const old = select("Einheit", "unit-old", units);
  const to = field("Neuer Name", "input", { type: "text", name: "new_name", autocomplete: "off" });
  const rename = form("h-unit-rename", "Organisationseinheit umbenennen", [old.nodes, to.nodes], "Umbenennen", () =>
    post("/api/admin/units/rename", { name: old.input.value, new_name: to.input.value.trim() }), ctx);
  const gname = field("Name der Gruppe", "input", { type: "text", name: "group", autocomplete: "off" });
  const groupNew = form("h-group-new", "Gruppe anlegen", [gname.nodes], "Gruppe anlegen", () =>
    post("/api/admin/groups/create", { name: gname.input.value.trim() }), ctx);
  const grp = select("Gruppe", "group-members", d.groups.map((g) => [g.name, g.name]));
  const member = select("Benutzer", "member", userOptions(users));
  const members = form("h-members", "Mitglieder einer Gruppe", [grp.nodes, member.nodes], "Zur Gruppe hinzufügen",
    (submitter) => {
    const remove = submitter && submitter.value === "remove";
    if (remove && !window.confirm(member.input.value + " aus der Gruppe " + grp.input.value + " entfernen?")) return null;
    return post("/api/admin/groups/members", { name: grp.input.value, [remove ? "remove" : "add"]: [member.input.value] });
  }, ctx, [["Aus der Gruppe entfernen", "remove"]]);
  return [unitNew, units.length ? rename : null, groupNew, d.groups.length && users.length ? members : null];
}

// --------------------------------------------------------------- render

export async function render(main) {
  const status = h("div", { role: "status", id: "verwaltung-status", tabindex: "-1" });
  const alert = h("div", { role: "alert", id: "verwaltung-fehler" });
  const roles = (state.session && state.session.roles) || null;
  const isAdmin = !roles || roles.includes("admin");
  let users;
  let d;
  try {
    [users, d] = await Promise.all([get("/api/admin/users"), get("/api/directory")]);
    users = users.users;
  } catch (e) {
    alert.append(h("div", { class: "msg error" }, e.message));
    return page(main, "Verwaltung", alert, status);
  }
  const ctx = {
    // Run one change: show the error in the alert region, or re-render
    // with the success (and a generated password) in the status region.
    // The error also goes below the form that failed: the alert region is
    // at the top of a long page, out of sight of keyboard and magnifier
    // users (screen readers hear it from the alert region; the copy below
    // the form is not a live region, so it is not announced twice).
    run: async (fn, formEl) => {
      alert.replaceChildren();
      status.replaceChildren();
      main.querySelectorAll(".form-error").forEach((n) => n.remove());
      try {
        const r = await fn();
        if (!r) return;
        notice = { text: r.message || "Gespeichert.", password: r.password || "", uri: r.totp_uri || "" };
        await render(main);
      } catch (err) {
        alert.replaceChildren(h("div", { class: "msg error" }, err.message));
        if (formEl) formEl.append(h("div", { class: "msg error form-error" }, err.message));
      }
    },
  };
  if (notice.text) {
    status.append(h("div", { class: "msg ok" }, notice.text,
      notice.password ? [" Neues Passwort (nur jetzt sichtbar): ", h("code", { class: "mono" }, notice.password)] : null,
      notice.uri ? [" Adresse für die Authenticator-App (nur jetzt sichtbar; dort einfügen oder abtippen): ",
        h("code", { class: "mono", id: "totp-adresse" }, notice.uri)] : null));
    notice = { text: "", password: "", uri: "" };
  }
  const userSection = isAdmin ? [h("h2", {}, "Benutzer anlegen und ändern"), createUserForm(d, ctx),
    users.length ? [editUserForm(users, d, ctx), accountForm(users, ctx), rolesForm(users, ctx)] : null] : null;
  const h1 = page(main, "Verwaltung",
    h("p", {}, "Wer welche Dokumente sehen und welche KI-Anwendungen nutzen darf. Jede Änderung steht im Prüfprotokoll."),
    alert, status,
    h("h2", {}, "Benutzer"), usersTable(users),
    userSection,
    h("h2", {}, "Schulungen"),
    table("Schulungskatalog", ["Kennung", "Titel", "Gültigkeit"], d.trainings.map((t) =>
      [t.id, t.title, t.valid_days ? t.valid_days + " Tage" : "unbegrenzt"])),
    trainingForms(users, d, ctx),
    h("h2", {}, "Organisationseinheiten und Gruppen"),
    table(d.units.length + " Organisationseinheiten", ["Einheit", "Übergeordnet"], d.units.map((x) => [x.name, x.parent || "–"])),
    table(d.groups.length + " Gruppen", ["Gruppe", "Mitglieder"], d.groups.map((g) => [g.name, String(g.members)]), [1]),
    isAdmin ? orgForms(users, d, ctx) : null);
  if (status.childNodes.length) status.focus();
  return h1;
}

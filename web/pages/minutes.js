// SPDX-License-Identifier: EUPL-1.2
// web/pages/minutes.js — "Protokolle": the form-based minutes editor with
// the fixed structure of apps/minutes.h (Sitzung, Datum, Ort, Anwesende,
// TOPs with Wortbeiträge and Beschlüsse, Aufgaben), which works without a
// model; "Aus Notizen entwerfen" fills it from the model (POST
// /api/minutes/draft). Vorschau, Speichern and PDF go to /api/minutes
// (docs/api/minutes.md); the server's validation message names the field
// ("items[2].title: Text fehlt"), which is marked at that field
// (aria-invalid, aria-describedby) and listed in an error summary whose
// link moves the focus there. Signed-off minutes drafts can be downloaded
// as PDF (GET /api/minutes/ID?format=pdf) and published as a document that
// search finds.
//
// "#/protokolle/ID" opens the minutes of draft ID in the form.
import { ApiError, get, post, state, whoAmI } from "../api.js";
import { h, message, page, field, table, when } from "../dom.js";
import { failure, loginHint } from "./write.js";

const WHAT = "die Protokolle";
const CLASSES = [["intern", "intern"], ["offen", "offen"], ["vertraulich", "vertraulich"],
  ["personenbezogen", "personenbezogen"]];

const empty = () => ({
  meeting: "", date: "", place: "", attendees: [""],
  items: [{ title: "", statements: [], decisions: [] }], tasks: [],
});

// The id of a field named as the server names it: "items[2].title" →
// "p-items-2-title".
export const fieldId = (path) => "p-" + path.replace(/\[(\d+)\]/g, "-$1").replace(/\./g, "-");

// Focus an element by id without touching location.hash (the router's).
function jump(id) {
  return (e) => {
    e.preventDefault();
    const el = document.getElementById(id);
    if (el) el.focus();
  };
}

// A model value bound to an input: typing updates the model.
function bind(input, get_, set) {
  input.value = get_() || "";
  input.addEventListener("input", () => set(input.value));
  return input;
}

function labelled(id, text, tag, attrs) {
  const input = h(tag, { id, ...attrs });
  return { input, nodes: [h("label", { for: id }, text), input] };
}

// ------------------------------------------------------------ the editor

class Editor {
  constructor() {
    this.m = empty();
    this.root = h("div", { id: "protokoll-felder" });
    this.summary = h("div", { id: "protokoll-fehler" });
  }

  load(doc) {
    const m = empty();
    Object.assign(m, JSON.parse(JSON.stringify(doc)));
    if (!m.attendees || !m.attendees.length) m.attendees = [""];
    if (!m.items || !m.items.length) m.items = empty().items;
    m.tasks = m.tasks || [];
    m.place = m.place || "";
    this.m = m;
    this.draw();
  }

  // The minutes as the server wants them (no empty place).
  json() {
    const m = JSON.parse(JSON.stringify(this.m));
    if (!m.place.trim()) delete m.place;
    return m;
  }

  // Redraw everything, then move the focus to id (if given).
  draw(focusId) {
    this.clearErrors();
    this.root.replaceChildren(this.head(), this.attendees(), this.items(), this.tasks());
    if (focusId) {
      const el = document.getElementById(focusId);
      if (el) el.focus();
    }
  }

  head() {
    const m = this.m;
    const meeting = labelled(fieldId("meeting"), "Sitzung", "input", { type: "text", required: true, autocomplete: "off" });
    bind(meeting.input, () => m.meeting, (v) => { m.meeting = v; });
    const date = labelled(fieldId("date"), "Datum", "input", { type: "date", required: true });
    bind(date.input, () => m.date, (v) => { m.date = v; });
    const place = labelled(fieldId("place"), "Ort (freiwillig)", "input", { type: "text", autocomplete: "off" });
    bind(place.input, () => m.place, (v) => { m.place = v; });
    return h("fieldset", {}, h("legend", {}, "Sitzung"), meeting.nodes, date.nodes, place.nodes);
  }

  // A list of texts (attendees, statements, decisions) with add/remove.
  textList(list, path, noun, legend, tag, of = "") {
    const rows = list.map((v, i) => {
      const id = fieldId(path + "[" + (i + 1) + "]");
      const f = labelled(id, noun + " " + (i + 1) + of, tag, tag === "textarea" ? { rows: "3" } : { type: "text", autocomplete: "off" });
      bind(f.input, () => list[i], (x) => { list[i] = x; });
      const del = h("button", { type: "button", class: "secondary", id: id + "-entfernen" },
        noun + " " + (i + 1) + of + " entfernen");
      del.addEventListener("click", () => {
        list.splice(i, 1);
        const next = list.length ? fieldId(path + "[" + Math.min(i + 1, list.length) + "]") : fieldId(path) + "-neu";
        this.draw(next);
      });
      return h("li", { class: "minutes-row" }, f.nodes, del);
    });
    const add = h("button", { type: "button", class: "secondary", id: fieldId(path) + "-neu" }, noun + of + " hinzufügen");
    add.addEventListener("click", () => {
      list.push("");
      this.draw(fieldId(path + "[" + list.length + "]"));
    });
    return h("fieldset", { id: fieldId(path), tabindex: "-1" }, h("legend", {}, legend),
      rows.length ? h("ol", { class: "plain" }, rows) : h("p", { class: "hint" }, "Noch keine Einträge."), add);
  }

  attendees() {
    return this.textList(this.m.attendees, "attendees", "Person", "Anwesende", "input");
  }

  moveButton(i, delta, label, n) {
    const b = h("button", { type: "button", class: "secondary", id: fieldId("items[" + (i + 1) + "]") + "-" + label,
      disabled: i + delta < 0 || i + delta >= n },
    "TOP " + (i + 1) + (label === "hoch" ? " nach oben" : " nach unten"));
    b.addEventListener("click", () => {
      const items = this.m.items;
      const [it] = items.splice(i, 1);
      items.splice(i + delta, 0, it);
      const j = i + delta;
      const want = fieldId("items[" + (j + 1) + "]") + "-" + label;
      const el = () => document.getElementById(want);
      this.draw(want);
      if (el() && el().disabled) document.getElementById(fieldId("items[" + (j + 1) + "].title")).focus();
    });
    return b;
  }

  item(it, i, n) {
    const p = "items[" + (i + 1) + "]";
    const title = labelled(fieldId(p + ".title"), "Titel von TOP " + (i + 1), "input", { type: "text", required: true, autocomplete: "off" });
    bind(title.input, () => it.title, (v) => { it.title = v; });
    const del = h("button", { type: "button", class: "secondary", id: fieldId(p) + "-entfernen" }, "TOP " + (i + 1) + " entfernen");
    del.addEventListener("click", () => {
      this.m.items.splice(i, 1);
      const left = this.m.items.length;
      this.draw(left ? fieldId("items[" + Math.min(i + 1, left) + "].title") : fieldId("items") + "-neu");
    });
    return h("li", {}, h("fieldset", { id: fieldId(p), tabindex: "-1" }, h("legend", {}, "TOP " + (i + 1)),
      title.nodes,
      this.textList(it.statements, p + ".statements", "Wortbeitrag", "Wortbeiträge zu TOP " + (i + 1), "textarea",
        " zu TOP " + (i + 1)),
      this.textList(it.decisions, p + ".decisions", "Beschluss", "Beschlüsse zu TOP " + (i + 1), "textarea",
        " zu TOP " + (i + 1)),
      h("p", { class: "minutes-actions" }, this.moveButton(i, -1, "hoch", n), " ", this.moveButton(i, 1, "runter", n),
        " ", del)));
  }

  items() {
    const items = this.m.items;
    const add = h("button", { type: "button", class: "secondary", id: fieldId("items") + "-neu" }, "TOP hinzufügen");
    add.addEventListener("click", () => {
      items.push({ title: "", statements: [], decisions: [] });
      this.draw(fieldId("items[" + items.length + "].title"));
    });
    return h("fieldset", { id: fieldId("items"), tabindex: "-1", class: "minutes-items" },
      h("legend", {}, "Tagesordnung"),
      items.length ? h("ol", { class: "plain" }, items.map((it, i) => this.item(it, i, items.length)))
        : h("p", { class: "hint" }, "Noch keine Tagesordnungspunkte."), add);
  }

  task(t, i) {
    const p = "tasks[" + (i + 1) + "]";
    const task = labelled(fieldId(p + ".task"), "Aufgabe " + (i + 1), "textarea", { rows: "2", required: true });
    bind(task.input, () => t.task, (v) => { t.task = v; });
    const owner = labelled(fieldId(p + ".owner"), "Zuständig für Aufgabe " + (i + 1), "input", { type: "text", required: true, autocomplete: "off" });
    bind(owner.input, () => t.owner, (v) => { t.owner = v; });
    const due = labelled(fieldId(p + ".due"), "Frist für Aufgabe " + (i + 1), "input", { type: "date", required: true });
    bind(due.input, () => t.due, (v) => { t.due = v; });
    const del = h("button", { type: "button", class: "secondary", id: fieldId(p) + "-entfernen" }, "Aufgabe " + (i + 1) + " entfernen");
    del.addEventListener("click", () => {
      this.m.tasks.splice(i, 1);
      const left = this.m.tasks.length;
      this.draw(left ? fieldId("tasks[" + Math.min(i + 1, left) + "].task") : fieldId("tasks") + "-neu");
    });
    return h("li", {}, h("fieldset", { id: fieldId(p), tabindex: "-1" }, h("legend", {}, "Aufgabe " + (i + 1)),
      task.nodes, owner.nodes, due.nodes, h("p", { class: "minutes-actions" }, del)));
  }

  tasks() {
    const tasks = this.m.tasks;
    const add = h("button", { type: "button", class: "secondary", id: fieldId("tasks") + "-neu" }, "Aufgabe hinzufügen");
    add.addEventListener("click", () => {
      tasks.push({ task: "", owner: "", due: "" });
      this.draw(fieldId("tasks[" + tasks.length + "].task"));
    });
    return h("fieldset", { id: fieldId("tasks"), tabindex: "-1" }, h("legend", {}, "Aufgaben"),
      tasks.length ? h("ol", { class: "plain" }, tasks.map((t, i) => this.task(t, i)))
        : h("p", { class: "hint" }, "Keine Aufgaben."), add);
  }

  clearErrors() {
    this.summary.replaceChildren();
    for (const el of document.querySelectorAll("#protokoll-felder [aria-invalid]")) {
      el.removeAttribute("aria-invalid");
      const d = (el.getAttribute("aria-describedby") || "").split(" ").filter((x) => !x.endsWith("-fehler"));
      if (d.length) el.setAttribute("aria-describedby", d.join(" "));
      else el.removeAttribute("aria-describedby");
    }
    for (const el of document.querySelectorAll("#protokoll-felder .field-error")) el.remove();
  }

  // The server's message at its field and in the summary (focused).
  showError(msg, field_, focus = true) {
    this.clearErrors();
    const id = field_ ? fieldId(field_) : "";
    const target = id && document.getElementById(id);
    const errId = id + "-fehler";
    // "items[2].title: Text fehlt" → "Titel von TOP 2: Text fehlt".
    if (target && msg.startsWith(field_ + ": ")) {
      const name = target.tagName === "FIELDSET" ? target.querySelector("legend").textContent
        : (target.labels && target.labels[0] ? target.labels[0].textContent : field_);
      msg = name + ": " + msg.slice(field_.length + 2);
    }
    if (target) {
      target.setAttribute("aria-invalid", "true");
      const d = target.getAttribute("aria-describedby");
      target.setAttribute("aria-describedby", (d ? d + " " : "") + errId);
      const note = h("p", { class: "field-error", id: errId }, msg);
      if (target.tagName === "FIELDSET") target.querySelector("legend").after(note);
      else target.before(note);
    }
    const box = h("div", { class: "error-summary", tabindex: "-1", role: "alert", "aria-labelledby": "protokoll-fehler-h" },
      h("h2", { id: "protokoll-fehler-h" }, "Das Protokoll ist noch nicht vollständig"),
      h("ul", {}, h("li", {}, target
        ? h("a", { href: "#" + id, onclick: jump(id) }, msg)
        : msg)));
    this.summary.replaceChildren(box);
    if (focus) box.focus();
  }
}

// ------------------------------------------------------------ requests

// A request whose reply is not JSON (HTML, the PDF): same credentials as
// api.js. body undefined: GET.
async function fetchRaw(path, body) {
  const method = body === undefined ? "GET" : "POST";
  const hd = method === "POST" ? { "Content-Type": "application/json" } : {};
  if (state.devUser && (!state.session || state.session.method === "dev-token")) {
    hd.Authorization = "Bearer dev:" + state.devUser;
  }
  if (method === "POST" && state.session && state.session.csrf) hd["X-CSRF-Token"] = state.session.csrf;
  let res;
  try {
    res = await fetch(path, { method, headers: hd, credentials: "same-origin",
      body: method === "POST" ? JSON.stringify(body) : undefined });
  } catch (e) {
    throw new ApiError(0, "Der Server ist nicht erreichbar", null);
  }
  if (res.ok) return res;
  const err = (res.headers.get("Content-Type") || "").includes("json") ? await res.json() : null;
  throw new ApiError(res.status, err && err.error ? err.error.message : "Der Server antwortet mit Status " + res.status, err);
}

// Hand a PDF reply to the browser as a download named name.
async function download(res, name) {
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", { href: url, download: name }, name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// Only these elements of the server's HTML reach the page (rebuilt, text
// copied as text); headings one level down under "Vorschau".
const KEEP = { H1: "h3", H2: "h4", TABLE: "table", TBODY: "tbody", TR: "tr", TH: "th", TD: "td",
  SECTION: "section", UL: "ul", LI: "li", P: "p", H3: "h5" };

function rebuild(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
  const tag = node.nodeType === Node.ELEMENT_NODE && KEEP[node.tagName];
  if (!tag) return null;
  const scope = node.getAttribute("scope");
  const el = h(tag, { scope: scope === "row" || scope === "col" ? scope : null });
  for (const c of node.childNodes) {
    const k = rebuild(c);
    if (k) el.append(k);
  }
  return el;
}

function preview(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const src = doc.querySelector("main");
  const out = h("div", { class: "minutes-preview" });
  for (const c of src ? src.childNodes : []) {
    const k = rebuild(c);
    if (k) out.append(k);
  }
  return out;
}

// ------------------------------------------------------------- sections

function notesForm(ed, out) {
  const notes = field("Notizen oder Mitschrift", "textarea", { name: "notes", rows: "8" },
    "Das Sprachmodell ordnet die Notizen in die Felder unten ein. Das Ergebnis ist ein KI-Entwurf: " +
    "Prüfen und ergänzen Sie jedes Feld, bevor Sie speichern.");
  const form = h("form", { "aria-labelledby": "notizen-h" }, h("h2", { id: "notizen-h" }, "Aus Notizen entwerfen"),
    notes.nodes, h("button", { type: "submit" }, "Entwurf erstellen lassen"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!notes.input.value.trim()) {
      out.replaceChildren(message("error", "Bitte Notizen eingeben."));
      return;
    }
    out.replaceChildren(message("", "Das Sprachmodell arbeitet …"));
    let r;
    try {
      r = await post("/api/minutes/draft", { notes: notes.input.value });
    } catch (err) {
      out.replaceChildren(failure(err, WHAT));
      return;
    }
    ed.load(r.minutes);
    out.replaceChildren(message("ok", [h("span", { class: "draft-label" }, r.label),
      ": Die Felder unten sind aus den Notizen gefüllt (gespeichert als ",
      h("a", { href: "#/entwuerfe/" + r.draft_id }, "Entwurf " + r.draft_id), ")."]));
    // What the strict check found (e.g. a date that is no date) is marked
    // at its field, as a server error would be.
    if (r.finding) {
      const m = /^([a-z][a-z0-9_.[\]]*): /.exec(r.finding);
      ed.showError(r.finding, m ? m[1] : "", false);
    }
  });
  return form;
}

function editorForm(ed, out, preview_) {
  const form = h("form", { "aria-labelledby": "protokoll-h", novalidate: true },
    h("h2", { id: "protokoll-h" }, "Protokoll erfassen"), ed.summary, ed.root,
    h("p", { class: "minutes-actions" },
      h("button", { type: "button", id: "protokoll-vorschau" }, "Vorschau"), " ",
      h("button", { type: "submit", id: "protokoll-speichern" }, "Als Entwurf speichern"), " ",
      h("button", { type: "button", class: "secondary", id: "protokoll-pdf" }, "PDF herunterladen")));
  const bad = (err) => {
    if (err instanceof ApiError && err.status === 400) {
      const f = err.body && err.body.error && err.body.error.field;
      ed.showError(err.message, f);
      return true;
    }
    out.replaceChildren(failure(err, WHAT));
    return false;
  };
  form.querySelector("#protokoll-vorschau").addEventListener("click", async () => {
    let res;
    try {
      res = await fetchRaw("/api/minutes/render?format=html", ed.json());
    } catch (err) {
      bad(err);
      return;
    }
    ed.clearErrors();
    const box = h("section", { "aria-labelledby": "vorschau-h", tabindex: "-1", id: "protokoll-vorschau-inhalt" },
      h("h2", { id: "vorschau-h" }, "Vorschau"), preview(await res.text()));
    preview_.replaceChildren(box);
    box.focus();
  });
  form.querySelector("#protokoll-pdf").addEventListener("click", async () => {
    let res;
    try {
      res = await fetchRaw("/api/minutes/render?format=pdf", ed.json());
    } catch (err) {
      bad(err);
      return;
    }
    ed.clearErrors();
    await download(res, "protokoll.pdf");
    out.replaceChildren(message("ok", "Die PDF-Datei protokoll.pdf wird heruntergeladen."));
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    let r;
    try {
      r = await post("/api/minutes", { minutes: ed.json() });
    } catch (err) {
      bad(err);
      return;
    }
    ed.clearErrors();
    const box = message("ok", [h("span", { class: "draft-label" }, r.label), ": Das Protokoll ist als ",
      h("a", { href: "#/entwuerfe/" + r.draft_id }, "Entwurf " + r.draft_id),
      " gespeichert. Eine berechtigte Person prüft und zeichnet es unter „Meine Entwürfe“ ab; danach können Sie es hier veröffentlichen."]);
    box.tabIndex = -1;
    out.replaceChildren(box);
    box.focus();
  });
  return form;
}

// Signed-off minutes drafts of the caller, each with a publish button.
async function publishSection() {
  const sec = h("section", { "aria-labelledby": "veroeffentlichen-h" },
    h("h2", { id: "veroeffentlichen-h" }, "Veröffentlichen"),
    h("p", {}, "Abgezeichnete Protokolle werden als Dokument gespeichert, das die Suche findet."));
  let r;
  try {
    r = await get("/api/drafts?status=final&app=protokoll&limit=50");
  } catch (err) {
    sec.append(failure(err, WHAT));
    return sec;
  }
  if (!r.drafts.length) {
    sec.append(message("", "Sie haben keine abgezeichneten Protokolle."));
    return sec;
  }
  const rows = r.drafts.map((d) => {
    const cls = labelled("klasse-" + d.id, "Schutzklasse für Entwurf " + d.id, "select", {});
    for (const [v, t] of CLASSES) cls.input.append(h("option", { value: v }, t));
    const result = h("div", { id: "veroeffentlicht-" + d.id });
    const btn = h("button", { type: "button", id: "veroeffentlichen-" + d.id }, "Entwurf " + d.id + " veröffentlichen");
    btn.addEventListener("click", async () => {
      try {
        const p = await post("/api/minutes/" + d.id + "/publish", { class: cls.input.value });
        result.replaceChildren(message("ok", ["Veröffentlicht als ",
          h("a", { href: "#/dokument/" + p.doc_id }, "Dokument " + p.doc_id), " (" + p.class + ")."]));
      } catch (err) {
        result.replaceChildren(failure(err, WHAT));
      }
    });
    const pdf = h("button", { type: "button", class: "secondary", id: "pdf-" + d.id }, "PDF von Entwurf " + d.id);
    pdf.addEventListener("click", async () => {
      try {
        await download(await fetchRaw("/api/minutes/" + d.id + "?format=pdf"), "protokoll-" + d.id + ".pdf");
      } catch (err) {
        result.replaceChildren(failure(err, WHAT));
      }
    });
    return [h("a", { href: "#/entwuerfe/" + d.id }, "Entwurf " + d.id), when(d.signed_at), d.reviewer || "",
      h("div", {}, cls.nodes, btn, " ", pdf, result)];
  });
  sec.append(table("Abgezeichnete Protokolle", ["Entwurf", "Abgezeichnet", "von", "Veröffentlichen"], rows));
  return sec;
}

async function loadDraft(ed, id, out) {
  try {
    const d = await get("/api/drafts/" + encodeURIComponent(id));
    ed.load(JSON.parse(d.status === "final" && d.final_text ? d.final_text : d.text));
    out.replaceChildren(message("", "Das Formular zeigt das Protokoll aus Entwurf " + d.id +
      ". Speichern legt einen neuen Entwurf an."));
  } catch (err) {
    out.replaceChildren(err instanceof SyntaxError
      ? message("error", "Entwurf " + id + " ist kein Protokoll.") : failure(err, WHAT));
  }
}

export async function render(main, args) {
  const title = "Protokolle";
  if (!whoAmI()) return page(main, title, loginHint(WHAT));
  const ed = new Editor();
  ed.draw();
  const notesOut = h("div", { id: "notizen-ergebnis" });
  const out = h("div", { id: "protokoll-ergebnis" });
  const previewBox = h("div", {});
  if (args && args[0]) await loadDraft(ed, args[0], out);
  const h1 = page(main, title,
    h("p", {}, "Protokolle in der Gliederung des Landkreises: Sitzung, Anwesende, Tagesordnungspunkte mit " +
      "Wortbeiträgen und Beschlüssen, Aufgaben mit Zuständigkeit und Frist. Sie können das Formular von Hand " +
      "ausfüllen oder aus Notizen entwerfen lassen."),
    notesForm(ed, notesOut), notesOut, editorForm(ed, out, previewBox), out, previewBox, await publishSection());
  return h1;
}

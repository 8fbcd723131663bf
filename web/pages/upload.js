// SPDX-License-Identifier: EUPL-1.2
// web/pages/upload.js — "Dokumente hochladen": files go one by one to
// POST /api/upload (body: the file's bytes; name, class and group in the
// query), with a progress bar from the XHR upload events.
import { upload } from "../api.js";
import { h, message, page, field, table } from "../dom.js";

const CLASSES = [["offen", "offen"], ["intern", "intern"], ["vertraulich", "vertraulich"],
  ["personenbezogen", "personenbezogen"]];
const STATUS = { new: "aufgenommen", version: "neue Version", unchanged: "unverändert", access: "Zugriff geändert" };

export async function render(main) {
  const files = field("Dateien", "input", { type: "file", name: "dateien", multiple: true, required: true },
    "PDF, Word (DOCX), OpenDocument (ODT), HTML, Markdown, Text oder E-Mail (EML), je höchstens 16 MB.");
  const cls = field("Schutzklasse", "select", { name: "klasse" });
  for (const [v, t] of CLASSES) cls.input.append(h("option", { value: v }, t));
  cls.input.value = "intern";
  const group = field("Zugriffsgruppe (optional)", "input", { type: "text", name: "gruppe", autocomplete: "off" },
    "Nur Mitglieder dieser Gruppe sehen die Dokumente; leer: alle mit passender Freigabe. Sie können nur Gruppen wählen, zu denen Sie gehören.");
  const progress = h("progress", { max: "100", value: "0", id: "upload-progress", "aria-label": "Fortschritt des Hochladens" });
  const status = h("p", { "aria-live": "polite", id: "upload-status" }, "");
  const results = [];
  const out = h("div", {});
  const form = h("form", { "aria-label": "Dokumente hochladen" }, files.nodes, cls.nodes, group.nodes,
    h("button", { type: "submit" }, "Hochladen"), h("div", { class: "progress-box" },
      h("label", { for: "upload-progress" }, "Fortschritt"), progress, status));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const list = Array.from(files.input.files || []);
    if (!list.length) return;
    results.length = 0;
    for (const [i, f] of list.entries()) {
      const q = new URLSearchParams({ name: f.name, class: cls.input.value });
      if (group.input.value.trim()) q.set("group", group.input.value.trim());
      status.textContent = "Datei " + (i + 1) + " von " + list.length + ": " + f.name;
      progress.value = 0;
      try {
        const r = await upload("/api/upload?" + q, f, (done, total) => {
          progress.value = Math.round((100 * done) / total);
        });
        progress.value = 100;
        results.push([f.name, STATUS[r.status] || r.status,
          r.doc_id ? h("a", { href: "#/dokument/" + r.doc_id + "/" }, "Dokument " + r.doc_id) : "–",
          r.hidden ? r.hidden + " versteckte Passage(n) ausgelassen" : ""]);
      } catch (err) {
        results.push([f.name, "abgelehnt", "–", err.message]);
      }
    }
    status.textContent = "Fertig: " + list.length + " Datei(en) verarbeitet.";
    out.replaceChildren(table("Ergebnis des Hochladens", ["Datei", "Ergebnis", "Dokument", "Hinweis"], results));
    if (results.some((r) => r[1] === "abgelehnt")) {
      out.prepend(message("error", "Nicht alle Dateien wurden aufgenommen."));
    }
  });
  return page(main, "Dokumente hochladen", form, out);
}

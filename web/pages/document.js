// SPDX-License-Identifier: EUPL-1.2
// web/pages/document.js — one document (GET /api/documents/ID) with its
// passages; the cited passage (#/dokument/ID/CHUNK) is marked and focused.
import { get } from "../api.js";
import { h, message, page, when } from "../dom.js";

export async function render(main, args) {
  const id = args[0];
  const chunk = Number(args[1] || 0);
  if (!/^\d+$/.test(id || "")) {
    return page(main, "Dokument", message("error", "Keine gültige Dokumentnummer."));
  }
  let d;
  try {
    d = await get("/api/documents/" + id);
  } catch (e) {
    return page(main, "Dokument " + id, message("error", e.message));
  }
  let target = null;
  const passages = (d.chunks || []).map((c) => {
    const cited = c.id === chunk;
    const label = [c.section ? "Abschnitt " + c.section : "", c.page ? "Seite " + c.page : "",
      "Passage " + (c.ord + 1)].filter(Boolean).join(", ");
    // Only the cited passage is a named region (it takes focus); naming
    // every passage would flood a screen reader's list of landmarks.
    const el = h("section", { class: "passage" + (cited ? " cited" : ""), id: "passage-" + c.id,
      "aria-label": cited ? "Zitierte Passage: " + label : null, tabindex: cited ? "-1" : null },
    h("p", { class: "meta" }, label, cited ? " – zitierte Stelle" : ""), c.text);
    if (cited) target = el;
    return el;
  });
  const h1 = page(main, d.title || "Dokument " + d.id,
    h("p", { class: "meta" }, "Quelle: " + d.source + " · Klasse: " + d.class +
      " · Version " + d.version + " · aufgenommen " + when(d.created_at)),
    h("p", {}, h("a", { href: "#/suche" }, "Zurück zur Suche")),
    h("h2", {}, "Passagen"), passages);
  if (target) {
    target.scrollIntoView({ block: "center" });
    target.focus();
    return null;
  }
  return h1;
}

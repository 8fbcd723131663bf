// SPDX-License-Identifier: EUPL-1.2
// web/pages/drafts.js — "Meine Entwürfe": the caller's AI drafts (GET
// /api/drafts), one draft with its sources, and the sign-off by the
// caller (POST /api/drafts/ID/signoff) with the reviewed text.
import { get, post } from "../api.js";
import { h, message, page, field, table, when, where } from "../dom.js";

function statusBadge(d) {
  return d.status === "final"
    ? h("span", { class: "badge ok" }, "abgezeichnet")
    : h("span", { class: "badge bad" }, "nicht geprüft");
}

async function renderList(main) {
  let r;
  try {
    r = await get("/api/drafts?limit=200");
  } catch (e) {
    return page(main, "Meine Entwürfe", message("error", e.message));
  }
  const rows = r.drafts.map((d) => [h("a", { href: "#/entwuerfe/" + d.id }, "Entwurf " + d.id), d.app,
    when(d.created_at), statusBadge(d), d.excerpt]);
  return page(main, "Meine Entwürfe",
    h("p", {}, "KI-Antworten sind Entwürfe. Prüfen Sie den Text und die Quellen, dann zeichnen Sie ab."),
    rows.length ? table("Entwürfe, neueste zuerst", ["Entwurf", "Anwendung", "Erstellt", "Status", "Auszug"], rows)
      : message("", "Sie haben keine Entwürfe."));
}

function signoffForm(d, out, main) {
  const text = field("Geprüfter Text", "textarea", { name: "final_text", required: true },
    "Sie können den Text vor dem Abzeichnen korrigieren. Beide Fassungen werden aufbewahrt.");
  text.input.value = d.text;
  const form = h("form", { "aria-labelledby": "signoff-h" }, h("h2", { id: "signoff-h" }, "Prüfen und abzeichnen"),
    text.nodes, h("button", { type: "submit" }, "Abzeichnen"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await post("/api/drafts/" + d.id + "/signoff", { final_text: text.input.value });
      const box = await renderOne(main, d.id, message("ok", "Entwurf " + d.id + " ist abgezeichnet."));
      if (box) box.focus();
    } catch (err) {
      out.replaceChildren(message("error", "Abzeichnen fehlgeschlagen: " + err.message));
    }
  });
  return form;
}

async function renderOne(main, id, notice) {
  let d;
  try {
    d = await get("/api/drafts/" + id);
  } catch (e) {
    return page(main, "Entwurf " + id, message("error", e.message));
  }
  const out = h("div", { "aria-live": "polite", tabindex: notice ? "-1" : null }, notice || null);
  const h1 = page(main, "Entwurf " + d.id, out,
    h("p", {}, h("a", { href: "#/entwuerfe" }, "Zurück zur Liste")),
    h("p", {}, statusBadge(d), " ", h("span", { class: "draft-label" }, d.label)),
    d.notice ? h("p", { class: "hint" }, d.notice) : null,
    h("p", { class: "meta" }, "Anwendung " + d.app + " (Version " + d.app_version + ") · von " + d.user +
      " · " + when(d.created_at)),
    h("h2", {}, "Text der KI"), h("div", { class: "answer" }, d.text),
    d.status === "final" ? [h("h2", {}, "Geprüfter Text"), h("div", { class: "answer" }, d.final_text || ""),
      h("p", { class: "meta" }, "Abgezeichnet von " + d.reviewer + " am " + when(d.signed_at))] : null,
    h("h2", {}, "Quellen"),
    (d.sources || []).length ? h("ol", {}, d.sources.map((s) => h("li", {},
      h("a", { href: "#/dokument/" + s.doc + "/" + (s.chunk || "") }, s.title || "Dokument " + s.doc),
      " ", h("span", { class: "meta" }, where(s))))) : h("p", {}, "Keine Quellen."),
    d.status === "final" ? null : signoffForm(d, out, main));
  return notice ? out : h1;
}

export async function render(main, args) {
  if (args[0]) return renderOne(main, args[0]);
  return renderList(main);
}

// SPDX-License-Identifier: EUPL-1.2
// web/pages/search.js — "Suche und Fragen": full-text search (GET
// /api/search) and questions to the application Fragen (POST /api/ask).
// Every hit and every cited source opens its passage (#/dokument/ID/CHUNK).
import { get, post } from "../api.js";
import { append, h, message, marked, page, field, where } from "../dom.js";

function docLink(docId, chunkId, text) {
  return h("a", { href: "#/dokument/" + docId + "/" + (chunkId || "") }, text);
}

function renderHits(out, r) {
  if (!r.hits.length) {
    out.replaceChildren(message("", "Keine Treffer für „" + r.query + "“."));
    return;
  }
  out.replaceChildren(
    h("h2", {}, r.total + " Treffer für „" + r.query + "“"),
    h("ol", { class: "hits" }, r.hits.map((hit) => h("li", { class: "hit" },
      h("h3", {}, docLink(hit.doc_id, hit.chunk_id, hit.title || hit.source)),
      h("p", {}, marked(hit.snippet || "")),
      h("p", { class: "meta" }, [where(hit), "Klasse: " + hit.class]
        .filter(Boolean).join(" · "))))));
}

// The answer text with "[n]" turned into links to source n.
function answerWithLinks(text, sources) {
  const byN = new Map(sources.map((s) => [s.n, s]));
  const out = [];
  const re = /\[(\d{1,3})\]/g;
  let last = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    const s = byN.get(Number(m[1]));
    out.push(text.slice(last, m.index));
    // The link text "[n]" says little on its own (e.g. in a screen
    // reader's list of links): its name adds the source's title.
    const link = s ? docLink(s.doc_id, s.chunk_id, "[" + m[1] + "]") : null;
    if (link) link.setAttribute("aria-label", "Quelle [" + m[1] + "]: " + (s.title || "Dokument " + s.doc_id));
    out.push(link || m[0]);
    last = re.lastIndex;
  }
  out.push(text.slice(last));
  return out;
}

function renderAnswer(out, a) {
  const sources = a.sources || [];
  out.replaceChildren();
  append(out, [
    h("h2", {}, "Antwort"),
    h("p", { class: "draft-label" }, a.label || "KI-Entwurf – nicht geprüft"),
    a.notice ? h("p", { class: "hint" }, a.notice) : null,
    h("div", { class: "answer" }, answerWithLinks(a.answer || "", sources)),
    a.draft_id ? h("p", {}, "Gespeichert als ",
      h("a", { href: "#/entwuerfe/" + a.draft_id }, "Entwurf " + a.draft_id),
      " – prüfen und abzeichnen unter „Meine Entwürfe“.") : null,
    a.withheld ? message("warn", a.withheld +
      " Quelle(n) wurden der KI vorenthalten (Schutzklasse oder versteckte Anweisungen).") : null,
    h("h2", {}, "Quellen"),
    sources.length ? h("ol", { class: "hits" }, sources.map((s) => h("li", { class: "hit" },
      h("h3", {}, "[" + s.n + "] ", docLink(s.doc_id, s.chunk_id, s.title || "Dokument " + s.doc_id)),
      h("p", {}, s.snippet || ""),
      h("p", { class: "meta" }, [where(s), "Klasse: " + s.class,
        s.cited ? "in der Antwort zitiert" : "nicht zitiert"].filter(Boolean).join(" · ")))))
      : h("p", {}, "Keine Quellen.")]);
}

export async function render(main) {
  const q = field("Suchbegriff oder Frage", "input",
    { type: "search", name: "q", required: true, autocomplete: "off" },
    "Suche findet Dokumente; „Fragen“ lässt die KI aus Ihren Dokumenten antworten, mit Quellen.");
  // The results are not a live region (a screen reader would read every
  // hit); a short status line says what happened instead.
  const out = h("div", {});
  const live = h("p", { role: "status", class: "visually-hidden" });
  const busy = (text) => {
    live.textContent = text;
    out.replaceChildren(message("", text));
  };
  const form = h("form", { role: "search", "aria-label": "Dokumente durchsuchen" },
    q.nodes,
    h("div", {},
      h("button", { type: "submit", name: "aktion", value: "suchen" }, "Suchen"),
      h("button", { type: "submit", name: "aktion", value: "fragen", class: "secondary" }, "Fragen")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = q.input.value.trim();
    if (!text) return;
    const ask = e.submitter && e.submitter.value === "fragen";
    try {
      if (ask) {
        busy("Die Antwort wird erstellt …");
        const a = await post("/api/ask", { question: text });
        renderAnswer(out, a);
        live.textContent = "Antwort erstellt (KI-Entwurf), " + (a.sources || []).length + " Quelle(n).";
      } else {
        busy("Suche läuft …");
        const r = await get("/api/search?limit=20&q=" + encodeURIComponent(text));
        renderHits(out, r);
        live.textContent = r.hits.length ? r.total + " Treffer." : "Keine Treffer.";
      }
    } catch (err) {
      live.textContent = "";
      out.replaceChildren(message("error", (ask ? "Keine Antwort: " : "Suche fehlgeschlagen: ") + err.message));
    }
  });
  return page(main, "Suche und Fragen", form, live, out);
}

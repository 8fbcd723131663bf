// SPDX-License-Identifier: EUPL-1.2
// web/pages/cockpit.js — "Cockpit" (KI-Koordination, Revision,
// Administration): key figures per application from the audit trail (GET
// /api/kpi) and the county's AI project portfolio (GET /api/portfolio) as
// SVG bar charts. Each chart has a text alternative: a <title>/<desc> and
// the same numbers in a table below it.
import { get } from "../api.js";
import { h, svg, message, page, table } from "../dom.js";

const COLORS = ["#00507a", "#a4161a", "#1d6b2a", "#6a3d9a"];
let chartSeq = 0;

// Horizontal grouped bars: labels[i] with one bar per series.
export function barChart(title, labels, series) {
  const id = "chart" + ++chartSeq;
  const barH = 18;
  const groupH = series.length * barH + 14;
  const left = 170;
  const width = 640;
  const legendH = 26;
  const height = legendH + labels.length * groupH + 10;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const scale = (width - left - 60) / max;
  const desc = labels.map((l, i) => l + ": " + series.map((s) => s.name + " " + s.values[i]).join(", ")).join("; ");
  const root = svg("svg", { class: "chart", role: "img", viewBox: "0 0 " + width + " " + height,
    "aria-labelledby": id + "-t " + id + "-d" },
  svg("title", { id: id + "-t" }, title), svg("desc", { id: id + "-d" }, desc));
  series.forEach((s, j) => {
    root.append(svg("rect", { x: left + j * 150, y: 4, width: 14, height: 14, fill: COLORS[j % COLORS.length] }),
      svg("text", { x: left + j * 150 + 20, y: 16 }, s.name));
  });
  labels.forEach((l, i) => {
    const y0 = legendH + i * groupH;
    root.append(svg("text", { x: 0, y: y0 + (groupH - 14) / 2 + 5 }, l.length > 22 ? l.slice(0, 21) + "…" : l));
    series.forEach((s, j) => {
      const y = y0 + j * barH;
      const w = Math.max(1, s.values[i] * scale);
      root.append(svg("rect", { x: left, y, width: w, height: barH - 4, fill: COLORS[j % COLORS.length] }),
        svg("text", { x: left + w + 6, y: y + barH - 7 }, String(s.values[i])));
    });
  });
  return h("figure", {}, root, h("figcaption", { class: "hint" }, title + " (Zahlen in der Tabelle darunter)"));
}

function kpiSection(k) {
  const apps = k.apps || [];
  if (!apps.length) return [h("h2", {}, "Nutzung der Anwendungen"), message("", "Noch keine KI-Aufrufe im Audit-Protokoll.")];
  const pct = (x) => (x === null || x === undefined ? "–" : Math.round(x * 100) + " %");
  const ms = (x) => (x === null || x === undefined ? "–" : Math.round(x) + " ms");
  return [h("h2", {}, "Nutzung der Anwendungen"),
    barChart("Aufrufe je Anwendung: erlaubt und abgelehnt", apps.map((a) => a.app),
      [{ name: "erlaubt", values: apps.map((a) => a.allowed) }, { name: "abgelehnt", values: apps.map((a) => a.refusals) }]),
    table("Kennzahlen je Anwendung", ["Anwendung", "Personen", "Aufrufe", "erlaubt", "abgelehnt", "Entwürfe",
      "abgezeichnet", "Abzeichnungsquote", "Median-Antwortzeit"],
    apps.concat([k.total]).map((a) => [a.app || "gesamt", String(a.users), String(a.calls), String(a.allowed),
      String(a.refusals), a.drafts === null ? "–" : String(a.drafts), a.drafts_signed === null ? "–" : String(a.drafts_signed),
      pct(a.signoff_rate), ms(a.latency_median_ms)]), [1, 2, 3, 4, 5, 6, 7, 8]),
    k.registry ? h("p", {}, "Register: " + k.registry.apps_total + " Anwendungen, davon " + k.registry.apps_approved +
      " freigegeben (" + pct(k.registry.apps_approved_share) + ").") : null];
}

function portfolioSection(p) {
  const projects = p.projects || [];
  const prios = [...new Set(projects.map((x) => x.priority))].sort();
  const label = (n) => {
    const one = projects.find((x) => x.priority === n);
    return "Priorität " + n + (one && one.priority_name ? " – " + one.priority_name : "");
  };
  return [h("h2", {}, "Projektportfolio"),
    barChart("Projekte je Priorität", prios.map(label),
      [{ name: "Projekte", values: prios.map((n) => projects.filter((x) => x.priority === n).length) }]),
    table("Projekte des Landkreises", ["Nr.", "Projekt", "Priorität", "Zeitrahmen", "Schwerpunkt", "Kennzahlen"],
      projects.map((x) => [String(x.number), x.title, String(x.priority), x.time_frame || "", x.focus_name || x.focus || "",
        (x.kpis || []).map((k) => k.name).join("; ")]), [0, 2])];
}

export async function render(main) {
  const parts = [];
  try {
    parts.push(kpiSection(await get("/api/kpi")));
  } catch (e) {
    parts.push(h("h2", {}, "Nutzung der Anwendungen"), message("error", e.message));
  }
  try {
    parts.push(portfolioSection(await get("/api/portfolio")));
  } catch (e) {
    parts.push(h("h2", {}, "Projektportfolio"), message("error", e.message));
  }
  return page(main, "Cockpit", parts);
}

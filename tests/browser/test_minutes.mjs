// SPDX-License-Identifier: EUPL-1.2
// tests/browser/test_minutes.mjs — the page "Protokolle" (#/protokolle,
// web/pages/minutes.js, /api/minutes) in a real browser against
// `lotse serve --dev-tokens` on the demo workspace (no model).
//
// What must hold: the form is filled with the keyboard alone (people, TOPs
// with Wortbeiträge and Beschlüsse added, moved and removed, a task with a
// date) and saved as a draft whose stored minutes are exactly what was
// typed; an invalid entry is refused by the server and its message shown
// at the field it names (aria-invalid, aria-describedby) and in an error
// summary whose link moves the focus to that field, nothing stored; the
// preview shows the county layout; "Aus Notizen entwerfen" without a model
// shows the German message; a signed-off minutes draft is published and
// search finds it; an anonymous caller gets the login hint; axe-core
// reports 0 violations in every state. Screenshots go to LOTSE_ARTIFACTS.
// Run: node tests/browser/test_minutes.mjs (ctest: browser/test_minutes;
// exit 77 = skipped when chromium or the npm test tools are missing).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import * as lib from "./lib.mjs";

const { chromium, axeSource } = lib.tools(); // exits 77 when missing

const USER = "mmustermann";
let dir, ws, srv, browser;

before(async () => {
  dir = lib.scratch("minutes");
  ws = lib.demoWorkspace(dir);
  srv = await lib.serve(ws, "--dev-tokens");
  browser = await lib.launch(chromium);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) {
    const rc = await srv.stop();
    assert.equal(rc, 0, "server exit: " + srv.stderr());
  }
});

// The API straight, as user.
async function api(method, path, body, user = USER) {
  const r = await fetch(srv.url + path, {
    method,
    headers: { Authorization: "Bearer dev:" + user, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const ct = r.headers.get("Content-Type") || "";
  return { status: r.status, body: ct.includes("json") ? await r.json() : await r.text() };
}

const myDrafts = async () => (await api("GET", "/api/drafts?limit=1000")).body.drafts.length;

// axe 0, no junk text, no page problems except the refusals this state
// expects (Chromium logs every 4xx/5xx of fetch as a console error).
async function clean(page, ctx, shot, what, expected = []) {
  const re = expected.length ? new RegExp("status of (" + expected.join("|") + ")") : null;
  await lib.assertClean(page, ctx.problems.filter((p) => !(re && re.test(p))), axeSource, shot, what);
}

async function openAs(user, hash) {
  const ctx = await lib.context(browser, user);
  const page = await ctx.newPage();
  await lib.open(page, srv.url, hash);
  return { ctx, page };
}

// Tab until the focused element matches pred (in the page), at most n times.
async function tabTo(page, pred, arg, n = 120) {
  for (let i = 0; i < n; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(pred, arg)) return;
  }
  throw new Error("not reached with Tab: " + pred.toString() + " " + JSON.stringify(arg));
}

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return { id: a.id, tag: a.tagName, text: a.textContent, label: a.labels && a.labels[0] ? a.labels[0].textContent : "" };
});
const isId = (id) => document.activeElement && document.activeElement.id === id;
const isButton = (name) => document.activeElement && document.activeElement.tagName === "BUTTON" &&
  document.activeElement.textContent === name;

// Tab to the field with this id and type text (keyboard only).
async function typeInto(page, id, text) {
  await tabTo(page, isId, id);
  await page.keyboard.type(text);
}

async function press(page, buttonName) {
  await tabTo(page, isButton, buttonName);
  await page.keyboard.press("Enter");
}

// A date field takes the digits of its segments in the browser's order
// (TT.MM.JJJJ in German, MM/DD/YYYY in English): found once with a
// scratch field, then the real field is typed into with the keyboard.
let dayFirst = null;
async function typeDate(page, id, iso) {
  const [y, m, d] = iso.split("-");
  if (dayFirst === null) {
    await page.evaluate(() => {
      const probe = document.createElement("input");
      probe.type = "date";
      probe.id = "datumsprobe";
      document.body.append(probe);
      probe.focus();
    });
    await page.keyboard.type("01022000");
    dayFirst = await page.evaluate(() => {
      const probe = document.getElementById("datumsprobe");
      probe.remove();
      return probe.value === "2000-02-01";
    });
  }
  await tabTo(page, isId, id);
  await page.keyboard.type(dayFirst ? d + m + y : m + d + y);
  assert.equal(await page.locator("#" + id).inputValue(), iso, "date " + id);
}

const WANT = {
  meeting: "Dienstbesprechung Straßenbau",
  date: "2026-03-04",
  place: "Raum 1.12",
  attendees: ["Jana Köhler", "Ömer Yıldız"],
  items: [
    { title: "Radweg Nord", statements: ["Frau Köhler berichtet über die Planung."],
      decisions: ["Ausschreibung im April"] },
    { title: "Winterdienst", statements: [], decisions: [] },
  ],
  tasks: [{ task: "Kosten schätzen", owner: "Ömer Yıldız", due: "2026-04-30" }],
};

test("Protokolle as anonymous: the German login hint, axe 0 violations", async () => {
  const { ctx, page } = await openAs(null, "#/protokolle");
  const hint = page.getByRole("alert").filter({ hasText: "Bitte melden Sie sich an" });
  await hint.waitFor();
  assert.equal(await page.getByRole("button", { name: "Als Entwurf speichern" }).count(), 0);
  await clean(page, ctx, "protokolle-anonym", "#/protokolle anonymous");
  await ctx.close();
});

test("Protokolle with the keyboard alone: fill, add, move, remove, save as draft", async () => {
  const before_ = await myDrafts();
  const { ctx, page } = await openAs(USER, "#/protokolle");
  await clean(page, ctx, "protokolle-leer", "#/protokolle empty form");
  await typeInto(page, "p-meeting", WANT.meeting);
  await typeDate(page, "p-date", WANT.date);
  await typeInto(page, "p-place", WANT.place);
  await typeInto(page, "p-attendees-1", WANT.attendees[0]);
  // Add a person: the focus moves into the new field.
  await press(page, "Person hinzufügen");
  assert.equal((await focused(page)).id, "p-attendees-2");
  await page.keyboard.type("Irrtum");
  await press(page, "Person hinzufügen");
  assert.equal((await focused(page)).id, "p-attendees-3");
  await page.keyboard.type(WANT.attendees[1]);
  // Remove person 2 ("Irrtum"): person 3 moves up, the focus follows.
  await page.locator("#p-attendees-1").focus();
  await press(page, "Person 2 entfernen");
  assert.equal((await focused(page)).id, "p-attendees-2");
  assert.equal(await page.locator("#p-attendees-2").inputValue(), WANT.attendees[1]);
  assert.equal(await page.locator("#p-attendees-3").count(), 0);
  // TOP 1 is "Winterdienst" at first; a second TOP is moved up.
  await typeInto(page, "p-items-1-title", WANT.items[1].title);
  await press(page, "TOP hinzufügen");
  assert.equal((await focused(page)).id, "p-items-2-title");
  await page.keyboard.type(WANT.items[0].title);
  await press(page, "Wortbeitrag zu TOP 2 hinzufügen");
  assert.equal((await focused(page)).id, "p-items-2-statements-1");
  await page.keyboard.type(WANT.items[0].statements[0]);
  await press(page, "Beschluss zu TOP 2 hinzufügen");
  assert.equal((await focused(page)).id, "p-items-2-decisions-1");
  await page.keyboard.type(WANT.items[0].decisions[0]);
  await press(page, "TOP 2 nach oben");
  assert.equal(await page.locator("#p-items-1-title").inputValue(), WANT.items[0].title);
  assert.equal(await page.locator("#p-items-2-title").inputValue(), WANT.items[1].title);
  assert.equal(await page.locator("#p-items-1-decisions-1").inputValue(), WANT.items[0].decisions[0]);
  assert.ok((await focused(page)).id.startsWith("p-items-1"), "focus stays with the moved TOP");
  // A third TOP added and removed again.
  await press(page, "TOP hinzufügen");
  assert.equal((await focused(page)).id, "p-items-3-title");
  await press(page, "TOP 3 entfernen");
  assert.equal(await page.locator("#p-items-3-title").count(), 0);
  // A task with a due date.
  await press(page, "Aufgabe hinzufügen");
  assert.equal((await focused(page)).id, "p-tasks-1-task");
  await page.keyboard.type(WANT.tasks[0].task);
  await typeInto(page, "p-tasks-1-owner", WANT.tasks[0].owner);
  await typeDate(page, "p-tasks-1-due", WANT.tasks[0].due);
  await clean(page, ctx, "protokolle-ausgefuellt", "#/protokolle filled");
  await press(page, "Als Entwurf speichern");
  const ok = page.getByRole("status").filter({ hasText: "ist als Entwurf" });
  await ok.waitFor();
  const link = ok.getByRole("link", { name: /^Entwurf \d+$/ });
  const id = (await link.getAttribute("href")).split("/").pop();
  assert.equal(await myDrafts(), before_ + 1);
  const d = (await api("GET", "/api/drafts/" + id)).body;
  assert.equal(d.label, "KI-Entwurf – nicht geprüft");
  assert.equal(d.app, "protokoll");
  assert.deepEqual(JSON.parse(d.text), WANT);
  await clean(page, ctx, "protokolle-gespeichert", "#/protokolle saved");
  // The draft opens in the form again.
  await lib.open(page, srv.url, "#/protokolle/" + id);
  assert.equal(await page.locator("#p-items-1-title").inputValue(), WANT.items[0].title);
  assert.equal(await page.locator("#p-tasks-1-due").inputValue(), WANT.tasks[0].due);
  await ctx.close();
});

test("Protokolle: the server's validation error at the field and in the summary", async () => {
  const before_ = await myDrafts();
  const { ctx, page } = await openAs(USER, "#/protokolle");
  await page.getByLabel("Sitzung", { exact: true }).fill("Probe");
  await page.getByLabel("Datum", { exact: true }).fill("2026-02-28");
  await page.getByLabel("Person 1", { exact: true }).fill("A. Meier");
  await page.getByLabel("Titel von TOP 1").fill("Erster Punkt");
  await page.getByRole("button", { name: "TOP hinzufügen" }).click();
  // TOP 2 stays without a title.
  await page.getByRole("button", { name: "Als Entwurf speichern" }).click();
  const summary = page.locator(".error-summary");
  await summary.waitFor();
  // The server says "items[2].title: Text fehlt"; the page names the field
  // by its label.
  const msg = "Titel von TOP 2: Text fehlt";
  assert.equal(await summary.getByRole("link").innerText(), msg);
  assert.equal(await page.evaluate(() => document.activeElement.className), "error-summary");
  const field = page.locator("#p-items-2-title");
  assert.equal(await field.getAttribute("aria-invalid"), "true");
  const described = (await field.getAttribute("aria-describedby")).split(" ");
  const texts = await Promise.all(described.map((i) => page.locator("#" + i).innerText()));
  assert.ok(texts.includes(msg), JSON.stringify(texts));
  assert.equal(await myDrafts(), before_, "nothing stored");
  await clean(page, ctx, "protokolle-fehler", "#/protokolle with an error", [400]);
  // The summary's link takes the keyboard to the field.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), msg);
  await page.keyboard.press("Enter");
  assert.equal((await focused(page)).id, "p-items-2-title");
  assert.ok(page.url().endsWith("#/protokolle"), "the route stays");
  // Reflow (WCAG 1.4.10): at 320 CSS px nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 800 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320),
    "the page reflows at 320 px");
  await lib.screenshot(page, "protokolle-320px");
  await page.setViewportSize({ width: 1280, height: 900 });
  // Fixed: the error goes away, the draft is stored.
  await page.keyboard.type("Zweiter Punkt");
  await page.getByRole("button", { name: "Als Entwurf speichern" }).click();
  await page.getByRole("status").filter({ hasText: "ist als Entwurf" }).waitFor();
  assert.equal(await page.locator("[aria-invalid]").count(), 0);
  assert.equal(await page.locator(".error-summary").count(), 0);
  assert.equal(await myDrafts(), before_ + 1);
  await ctx.close();
});

test("Protokolle: preview in the county layout, PDF, notes without a model", async () => {
  const { ctx, page } = await openAs(USER, "#/protokolle");
  await page.getByLabel("Sitzung", { exact: true }).fill("Vorschau <b>fett</b>");
  await page.getByLabel("Datum", { exact: true }).fill("2026-02-28");
  await page.getByLabel("Person 1", { exact: true }).fill("A. Meier");
  await page.getByLabel("Titel von TOP 1").fill("Haushalt");
  await page.getByRole("button", { name: "Vorschau" }).click();
  const pv = page.locator("#protokoll-vorschau-inhalt");
  await pv.waitFor();
  const text = await pv.innerText();
  for (const s of ["Niederschrift", "28.02.2026", "TOP 1: Haushalt", "Keine Wortbeiträge.", "Kein Beschluss.",
    "Keine Aufgaben.", "Vorschau <b>fett</b>"]) assert.ok(text.includes(s), s + " in " + text);
  assert.equal(await pv.locator("b").count(), 0, "text stays text");
  assert.equal(await pv.getByRole("heading", { name: "TOP 1: Haushalt", level: 4 }).count(), 1);
  await clean(page, ctx, "protokolle-vorschau", "#/protokolle preview");
  // PDF: a download, or the German message while PDF output is missing.
  const pdf = await api("POST", "/api/minutes/render?format=pdf", {
    meeting: "x", date: "2026-02-28", attendees: ["A"], items: [{ title: "T", statements: [], decisions: [] }],
    tasks: [] });
  if (pdf.status === 200) {
    const [dl] = await Promise.all([page.waitForEvent("download"),
      page.getByRole("button", { name: "PDF herunterladen" }).click()]);
    assert.equal(dl.suggestedFilename(), "protokoll.pdf");
  } else {
    assert.equal(pdf.status, 503);
    await page.getByRole("button", { name: "PDF herunterladen" }).click();
    await page.getByRole("alert").filter({ hasText: pdf.body.error.message }).waitFor();
  }
  // Notes → model: the demo has none (or refuses): the German message.
  const before_ = await myDrafts();
  await page.getByLabel("Notizen oder Mitschrift").fill("Sitzung am Montag, Punkt 1: Haushalt.");
  await page.getByRole("button", { name: "Entwurf erstellen lassen" }).click();
  const err = page.locator("#notizen-ergebnis [role=alert]");
  await err.waitFor();
  assert.match(await err.innerText(), /Sprachmodell|abgelehnt|nicht|Anwendung/);
  assert.equal(await myDrafts(), before_);
  assert.equal(await page.locator("#p-meeting").inputValue(), "Vorschau <b>fett</b>", "the form is kept");
  await clean(page, ctx, "protokolle-notizen", "#/protokolle notes without model", [403, 503]);
  await ctx.close();
});

test("Protokolle: publish signed-off minutes, search finds them", async () => {
  const minutes = { ...WANT, meeting: "Sitzung Wegewartung Kranichweg" };
  const c = await api("POST", "/api/minutes", { minutes });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const id = c.body.draft_id;
  assert.equal((await api("POST", "/api/drafts/" + id + "/signoff", {})).status, 200);
  const { ctx, page } = await openAs(USER, "#/protokolle");
  const tbl = page.getByRole("table", { name: "Abgezeichnete Protokolle" });
  await tbl.waitFor();
  // The signed-off minutes as PDF.
  const [dl] = await Promise.all([page.waitForEvent("download"),
    page.getByRole("button", { name: "PDF von Entwurf " + id }).click()]);
  assert.equal(dl.suggestedFilename(), "protokoll-" + id + ".pdf");
  const fs = await import("node:fs");
  assert.equal(fs.readFileSync(await dl.path()).subarray(0, 5).toString(), "%PDF-");
  await page.locator("#klasse-" + id).focus();
  await page.keyboard.press("Home"); // "intern"
  await page.keyboard.press("ArrowDown"); // "offen"
  assert.equal(await page.locator("#klasse-" + id).inputValue(), "offen");
  await page.keyboard.press("Tab");
  assert.equal((await focused(page)).id, "veroeffentlichen-" + id);
  await page.keyboard.press("Enter");
  const done = page.locator("#veroeffentlicht-" + id).getByRole("status");
  await done.waitFor();
  const doc = (await done.getByRole("link").getAttribute("href")).split("/").pop();
  const hits = await (await fetch(srv.url + "/api/search?q=Kranichweg")).json();
  assert.deepEqual(hits.hits.map((h) => String(h.doc_id)), [doc]);
  await clean(page, ctx, "protokolle-veroeffentlicht", "#/protokolle published");
  await ctx.close();
});

test("Protokolle: notes → model through the gate fill the form (synthetic model)", async () => {
  // The demo's "protokoll" waits in review: the missing approvals, then a
  // second server with a tiny synthetic model on the same workspace.
  lib.lotse(ws, "app", "approve", "protokoll", "--user", "hamt", "--role", "fachdienstleitung");
  lib.lotse(ws, "app", "approve", "protokoll", "--user", "dsb", "--role", "datenschutz");
  const model = dir + "/protokoll-synth.gguf";
  lib.lotse(ws, "model", "synth", "-o", model, "--arch", "llama", "--type", "F32", "--shape", "tiny",
    "--vocab", "bytes", "--chat-template", "chatml", "--seed", "7", "--name", "protokoll-synth");
  const msrv = await lib.serve(ws, "--dev-tokens", "--model", model, "--threads", "2");
  try {
    const ctx = await lib.context(browser, "hamt");
    const page = await ctx.newPage();
    await lib.open(page, msrv.url, "#/protokolle");
    await page.getByLabel("Notizen oder Mitschrift").fill("Besprechung Hauptamt: Punkt 1 Haushalt, Punkt 2 Personal.");
    await page.getByRole("button", { name: "Entwurf erstellen lassen" }).click();
    const ok = page.locator("#notizen-ergebnis").getByRole("status").filter({ hasText: "KI-Entwurf – nicht geprüft" });
    await ok.waitFor({ timeout: 120000 });
    const id = (await ok.getByRole("link").getAttribute("href")).split("/").pop();
    const r = await fetch(msrv.url + "/api/drafts/" + id, { headers: { Authorization: "Bearer dev:hamt" } });
    const m = JSON.parse((await r.json()).text);
    const check = await fetch(msrv.url + "/api/minutes/render", { method: "POST", body: JSON.stringify(m),
      headers: { Authorization: "Bearer dev:hamt" } });
    if (check.status === 400) {
      // The strict check's finding is marked at the field it names.
      const field = (await check.json()).error.field;
      const fid = "p-" + field.replace(/\[(\d+)\]/g, "-$1").replace(/\./g, "-");
      assert.equal(await page.locator("#" + fid).getAttribute("aria-invalid"), "true", fid);
      await page.locator(".error-summary").waitFor();
    }
    // The form shows the model's minutes, field by field.
    assert.equal(await page.locator("#p-meeting").inputValue(), m.meeting);
    assert.equal(await page.locator("#p-attendees-1").inputValue(), m.attendees[0]);
    assert.equal(await page.locator("[id^=p-attendees-]:not([id$=neu]):not([id$=entfernen])").count(),
      m.attendees.length);
    assert.equal(await page.locator("#p-items-1-title").inputValue(), m.items[0].title);
    assert.equal(await page.locator("[id$=-title]").count(), m.items.length);
    await clean(page, ctx, "protokolle-aus-notizen", "#/protokolle filled from notes");
    await ctx.close();
  } finally {
    assert.equal(await msrv.stop(), 0, "model server exit: " + msrv.stderr());
  }
});

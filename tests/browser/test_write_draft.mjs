// SPDX-License-Identifier: EUPL-1.2
// tests/browser/test_write_draft.mjs — "Entwurf aus Vorlage" on the page
// Schreiben (#/schreiben): GET /api/write/templates fills the form, POST
// /api/write drafts through the application "schreiben" (approved in the
// demo, demo/governance.sh), in a real browser against `lotse serve
// --dev-tokens` on the demo workspace.
//
// What must hold, with the keyboard alone: a template is picked in the
// select and its placeholders appear as labelled fields; submitting with
// empty fields marks each at the field (aria-invalid, message linked by
// aria-describedby) and in a focused error summary whose links move focus
// to the fields; the request carries exactly the typed values and the
// chosen register; the summary template offers a document number or a
// search instead of text. Without a model the German "kein Sprachmodell"
// message (so the demo application exists and lets the user through);
// a user of a unit the application does not admit gets the refusal with
// its reason. With a (synthetic) model: the stored draft with its label,
// the transparency notice and a link that opens it in "Meine Entwürfe".
// The draft's style findings are marked at exactly the byte ranges of the
// reply, with ids that do not collide with the check above. axe-core: 0
// violations in every state; no page errors.
// Run: node tests/browser/test_write_draft.mjs (ctest:
// browser/test_write_draft; exit 77 = skipped without chromium or the npm
// test tools).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as lib from "./lib.mjs";

const { chromium, axeSource } = lib.tools(); // exits 77 when missing

const USER = "mmustermann"; // Bürgerservice, trained: admitted by "schreiben"

let dir, ws, srv, browser;

before(async () => {
  dir = lib.scratch("write-draft");
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

// Page problems, less the console line a 503 reply (no model) leaves: the
// page shows that reply as its message.
const problems = (ctx) => ctx.problems.filter((p) => !/status of 503/.test(p));

async function clean(page, ctx, shot, what) {
  await lib.assertClean(page, problems(ctx), axeSource, shot, what);
  const dup = await page.evaluate(() => {
    const seen = new Set(), out = [];
    for (const e of document.querySelectorAll("[id]")) {
      if (seen.has(e.id)) out.push(e.id);
      seen.add(e.id);
    }
    return out;
  });
  assert.deepEqual(dup, [], what + ": duplicate ids");
}

// Tab until the focused element matches pred (in the page), at most 80 times.
async function tabTo(page, pred, arg) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(pred, arg)) return;
  }
  throw new Error("not reached with Tab: " + pred.toString() + " " + (arg || ""));
}

const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return e ? e.id || e.tagName.toLowerCase() + ":" + e.textContent.trim() : null;
});
const isId = (id) => document.activeElement && document.activeElement.id === id;
const isButton = (name) => document.activeElement && document.activeElement.tagName === "BUTTON" &&
  document.activeElement.textContent.trim() === name;

async function openAs(user, hash, server = srv) {
  const ctx = await lib.context(browser, user);
  const page = await ctx.newPage();
  await lib.open(page, server.url, hash);
  return { ctx, page };
}

// Pick the template whose option text is title in the focused select with
// the arrow keys (the select's change event builds the fields).
async function pickTemplate(page, title) {
  await page.locator("#vorlage-auswahl").focus();
  for (let i = 0; i < 10; i++) {
    const now = await page.evaluate(() => {
      const s = document.activeElement;
      return s.options[s.selectedIndex].textContent;
    });
    if (now === title) return;
    await page.keyboard.press("ArrowDown");
  }
  throw new Error("template not found: " + title);
}

// The body of the next POST /api/write the page sends, once it is sent.
function nextDraftRequest(page) {
  return page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/write")
    .then((r) => JSON.parse(r.postData()));
}

async function apiGet(p, user = USER) {
  const r = await fetch(srv.url + p, { headers: { Authorization: "Bearer dev:" + user } });
  assert.equal(r.status, 200, p);
  return r.json();
}

test("anonymous: the German login hint and no drafting form", async () => {
  const { ctx, page } = await openAs(null, "#/schreiben");
  await page.getByRole("alert").filter({ hasText: "Bitte melden Sie sich an" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Entwurf erstellen" }).count(), 0);
  await clean(page, ctx, "vorlage-anonym", "anonymous");
  await ctx.close();
});

test("keyboard only: missing fields marked at the field and in the summary; the typed values sent; no model: the German message", async () => {
  const { ctx, page } = await openAs(USER, "#/schreiben");
  const templates = (await apiGet("/api/write/templates")).templates;
  const options = await page.locator("#vorlage-auswahl option").allTextContents();
  assert.deepEqual(options, templates.map((t) => t.title), "one option per template of the API");
  await clean(page, ctx, "vorlage-start", "start");

  await page.locator("h1").focus();
  await tabTo(page, isId, "vorlage-auswahl");
  await pickTemplate(page, "Vermerk");
  const labels = await page.locator("#vorlage-felder label").allTextContents();
  assert.deepEqual(labels, ["Anlass", "Sachverhalt"]);
  assert.match(await page.locator("#vorlage-beschreibung").textContent(),
    /^Vorlage „Vermerk“: fachlich, .*, etwa 250 Wörter; Beispielvorlage von lotse\.$/);
  // The register: the template's default checked, the arrow key moves it.
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "vorlage-register-fachlich");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.locator("#vorlage-register-buergernah").isChecked(), true);

  await tabTo(page, isButton, "Entwurf erstellen");
  await page.keyboard.press("Enter");
  assert.equal(await focused(page), "vorlage-fehler", "focus on the error summary");
  const summary = page.locator("#vorlage-fehler");
  assert.deepEqual(await summary.getByRole("link").allTextContents(), ["Anlass", "Sachverhalt"]);
  for (const [id, name] of [["vorlage-wert-anlass", "Anlass"], ["vorlage-wert-sachverhalt", "Sachverhalt"]]) {
    const f = page.locator("#" + id);
    assert.equal(await f.getAttribute("aria-invalid"), "true", id);
    const desc = await f.getAttribute("aria-describedby");
    assert.equal(await page.locator("#" + desc.split(" ")[0]).textContent(), "Bitte „" + name + "“ ausfüllen.");
  }
  await clean(page, ctx, "vorlage-fehlt", "error summary");

  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  assert.equal(await focused(page), "vorlage-wert-anlass", "summary link moves focus to the field");
  await page.keyboard.type("Ortstermin an der Brücke");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "vorlage-wert-sachverhalt");
  await page.keyboard.type("Die Brücke über die Aller ist seit Montag gesperrt. Grüße 😀");
  await tabTo(page, isButton, "Entwurf erstellen");
  const sent = nextDraftRequest(page);
  await page.keyboard.press("Enter");
  assert.deepEqual(await sent, {
    template: "vermerk", register: "buergernah",
    values: { anlass: "Ortstermin an der Brücke",
      sachverhalt: "Die Brücke über die Aller ist seit Montag gesperrt. Grüße 😀" },
  });
  const alert = page.locator("#vorlage-ergebnis [role=alert]");
  await alert.waitFor();
  assert.match(await alert.textContent(), /kein Sprachmodell eingerichtet/);
  assert.equal(await page.locator("[aria-invalid=true]").count(), 0, "marks gone once filled");
  assert.equal(await summary.textContent(), "");
  await clean(page, ctx, "vorlage-ohne-modell", "no model");
  await ctx.close();
});

test("the summary template: a document number or a search instead of text", async () => {
  const { ctx, page } = await openAs(USER, "#/schreiben");
  const hit = (await apiGet("/api/search?q=Urlaubsantrag&limit=1")).hits[0];
  assert.ok(hit, "the demo has a document about leave");
  await page.locator("h1").focus();
  await tabTo(page, isId, "vorlage-auswahl");
  assert.equal(await page.locator("#vorlage-quelle-eingabe").isVisible(), false,
    "no source choice for the first template (no placeholder 'text')");
  await pickTemplate(page, "Zusammenfassung");
  await page.keyboard.press("Tab"); // register
  await page.keyboard.press("Tab"); // the source: "Text eingeben" checked
  assert.equal(await focused(page), "vorlage-quelle-eingabe");
  assert.equal(await page.locator("#vorlage-wert-text").isVisible(), true);
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.locator("#vorlage-wert-text").isVisible(), false, "text field out of the way");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "vorlage-dokument");
  await page.keyboard.type("abc");
  await tabTo(page, isButton, "Entwurf erstellen");
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("#vorlage-dokument").getAttribute("aria-invalid"), "true");
  await clean(page, ctx, "vorlage-dokument-fehlt", "bad document number");

  await page.locator("#vorlage-dokument").fill(String(hit.doc_id));
  let sent = nextDraftRequest(page);
  await page.locator("#vorlage-dokument").press("Enter");
  assert.deepEqual(await sent, { template: "zusammenfassung", register: "fachlich", values: {},
    doc_id: hit.doc_id });
  await page.locator("#vorlage-ergebnis [role=alert]").filter({ hasText: "kein Sprachmodell" }).waitFor();

  await page.locator("#vorlage-quelle-dokument").focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.locator("#vorlage-quelle-suche").isChecked(), true);
  assert.equal(await page.locator("#vorlage-dokument").isVisible(), false);
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "vorlage-suche");
  await page.keyboard.type("Urlaubsantrag");
  sent = nextDraftRequest(page);
  await page.keyboard.press("Enter");
  assert.deepEqual(await sent, { template: "zusammenfassung", register: "fachlich", values: {},
    query: "Urlaubsantrag" });
  await page.locator("#vorlage-ergebnis [role=alert]").filter({ hasText: "kein Sprachmodell" }).waitFor();
  await clean(page, ctx, "vorlage-suche", "search");
  await ctx.close();
});

test("a county template file in the workspace appears in the form with its own fields", async () => {
  fs.mkdirSync(path.join(ws, "vorlagen"), { recursive: true });
  fs.writeFileSync(path.join(ws, "vorlagen", "aushang.txt"), "id: aushang\ntitle: Aushang im Kreishaus\n" +
    "register: buergernah\ntone: freundlich\nlength: 80\nplaceholders: ort, termin\n---\n" +
    "Schreibe einen Aushang: {{ort}}, {{termin}}.\n");
  try {
    const { ctx, page } = await openAs(USER, "#/schreiben");
    await pickTemplate(page, "Aushang im Kreishaus");
    assert.deepEqual(await page.locator("#vorlage-felder label").allTextContents(), ["Ort", "Termin"]);
    assert.match(await page.locator("#vorlage-beschreibung").textContent(), /bürgernah.*; Vorlage des Kreises\.$/);
    assert.equal(await page.locator("#vorlage-register-buergernah").isChecked(), true);
    await page.locator("#vorlage-wert-ort").fill("Sitzungssaal");
    await page.locator("#vorlage-wert-termin").fill("Montag, 9 Uhr");
    const sent = nextDraftRequest(page);
    await page.locator("#vorlage-wert-termin").press("Enter");
    assert.deepEqual(await sent, { template: "aushang", register: "buergernah",
      values: { ort: "Sitzungssaal", termin: "Montag, 9 Uhr" } });
    await page.locator("#vorlage-ergebnis [role=alert]").filter({ hasText: "kein Sprachmodell" }).waitFor();
    await clean(page, ctx, "vorlage-kreis", "county template");
    await ctx.close();
  } finally {
    fs.rmSync(path.join(ws, "vorlagen"), { recursive: true, force: true });
  }
});

test("a user whose unit the application does not admit gets the refusal with its reason", async () => {
  const { ctx, page } = await openAs("kreistag", "#/schreiben");
  await page.locator("#vorlage-auswahl").selectOption("email");
  await page.locator("#vorlage-wert-empfaenger").fill("Frau Abel");
  await page.locator("#vorlage-wert-anliegen").fill("Der Termin am Montag fällt aus.");
  await page.getByRole("button", { name: "Entwurf erstellen" }).press("Enter");
  const alert = page.locator("#vorlage-ergebnis [role=alert]");
  await alert.waitFor();
  assert.match(await alert.textContent(), /^Abgelehnt: .*nicht zugelassen/);
  await clean(page, ctx, "vorlage-abgelehnt", "refusal");
  await ctx.close();
});

test("with a model: the labelled stored draft, the notice and the link to Meine Entwürfe", async () => {
  const model = path.join(dir, "schreib-synth.gguf");
  lib.lotse(ws, "model", "synth", "-o", model, "--arch", "llama", "--type", "F32", "--shape", "tiny",
    "--vocab", "bytes", "--chat-template", "chatml", "--seed", "7", "--name", "schreib-synth");
  const withModel = await lib.serve(ws, "--dev-tokens", "--model", model, "--threads", "2");
  try {
    const { ctx, page } = await openAs(USER, "#/schreiben", withModel);
    await page.locator("#vorlage-auswahl").selectOption("email");
    await page.locator("#vorlage-wert-empfaenger").fill("Frau Abel");
    await page.locator("#vorlage-wert-anliegen").fill("Der Termin am Montag fällt aus.");
    await page.locator("#vorlage-auswahl").focus();
    await tabTo(page, isButton, "Entwurf erstellen");
    await page.keyboard.press("Enter");
    const head = page.locator("#vorlage-entwurf");
    await head.waitFor({ timeout: 120000 });
    assert.equal(await focused(page), "vorlage-entwurf", "focus on the draft");
    const out = page.locator("#vorlage-ergebnis");
    assert.equal(await out.locator(".draft-label").textContent(), "KI-Entwurf – nicht geprüft");
    assert.match(await out.textContent(), /Hinweis: Dieser Entwurf wurde von einer KI erstellt/);
    const link = out.getByRole("link", { name: /^Entwurf \d+$/ });
    const id = Number((await link.getAttribute("href")).replace("#/entwuerfe/", ""));
    const d = await fetch(withModel.url + "/api/drafts/" + id,
      { headers: { Authorization: "Bearer dev:" + USER } }).then((r) => r.json());
    assert.equal(d.app, "schreiben", JSON.stringify(d));
    await clean(page, ctx, "vorlage-entwurf", "draft");
    await link.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => location.hash === "#/entwuerfe/" + n &&
      /Entwurf/.test(document.querySelector("h1").textContent), id);
    await clean(page, ctx, "vorlage-entwurf-geoeffnet", "draft opened");
    await ctx.close();
  } finally {
    assert.equal(await withModel.stop(), 0, "server with model: " + withModel.stderr());
  }
});

test("the draft's findings are marked at the reply's byte ranges, apart from those of the check", async () => {
  // The reply of POST /api/write, its findings taken from the server's own
  // check of the text (the synthetic model writes no German).
  const text = "Grüße 😀 an alle. Der Antrag wird seitens der Behörde geprüft. Die Entscheidung erfolgt z. B. bald.";
  const check = await fetch(srv.url + "/api/write/check", {
    method: "POST", body: JSON.stringify({ text }),
    headers: { Authorization: "Bearer dev:" + USER, "Content-Type": "application/json" },
  }).then((r) => r.json());
  assert.ok(check.findings.length >= 3, JSON.stringify(check));
  const enc = new TextEncoder(), dec = new TextDecoder();
  const want = Object.fromEntries(check.findings.map((f, i) =>
    [String(i + 1), dec.decode(enc.encode(text).slice(f.start, f.end))]));
  const { ctx, page } = await openAs(USER, "#/schreiben");
  await page.route("**/api/write", (route) => route.fulfill({
    status: 200, contentType: "application/json; charset=utf-8",
    body: JSON.stringify({ template: "email", register: "fachlich", text, draft_id: 99, label:
      "KI-Entwurf – nicht geprüft", notice: null, findings: check.findings, truncated: false }),
  }));
  // The check above on the same text, so that both sets of marks coexist.
  await page.getByLabel("Ihr Text").fill(text);
  await page.getByRole("button", { name: "Prüfen" }).click();
  await page.locator("#befunde").waitFor();
  await page.locator("#vorlage-auswahl").selectOption("email");
  await page.locator("#vorlage-wert-empfaenger").fill("Frau Abel");
  await page.locator("#vorlage-wert-anliegen").fill("Termin");
  await page.getByRole("button", { name: "Entwurf erstellen" }).click();
  await page.locator("#vorlage-befunde").waitFor();
  const got = await page.evaluate(() => {
    const out = {};
    for (const m of document.querySelectorAll("#vorlage-markiert mark[data-finding]")) {
      const c = m.cloneNode(true);
      for (const r of c.querySelectorAll("a.ref")) r.remove();
      const n = m.dataset.finding;
      if (!m.parentElement.closest("mark[data-finding='" + n + "']")) out[n] = (out[n] || "") + c.textContent;
    }
    return out;
  });
  assert.deepEqual(got, want);
  // Keyboard: a finding's entry links to its place, the place back to it.
  await page.locator('#vorlage-befunde a[href="#vorlage-stelle-2"]').focus();
  await page.keyboard.press("Enter");
  assert.equal(await focused(page), "vorlage-stelle-2");
  await page.locator('#vorlage-markiert a.ref[href="#vorlage-befund-2"]').focus();
  await page.keyboard.press("Enter");
  assert.equal(await focused(page), "vorlage-befund-2");
  assert.equal(await page.locator("#markiert mark[data-finding]").count() > 0, true, "the check's marks stay");
  await clean(page, ctx, "vorlage-befunde", "findings");
  await ctx.close();
});

test("at 320 px: the form and the result reflow without sideways scrolling", async () => {
  const ctx = await lib.context(browser, USER);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 320, height: 800 });
  await lib.open(page, srv.url, "#/schreiben");
  await page.locator("#vorlage-auswahl").selectOption("zusammenfassung");
  await page.getByRole("button", { name: "Entwurf erstellen" }).click();
  await page.locator("#vorlage-fehler [role=alert]").waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), "page wider than 320 px");
  await lib.screenshot(page, "vorlage-320");
  assert.deepEqual(problems(ctx), []);
  await ctx.close();
});

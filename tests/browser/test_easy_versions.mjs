// SPDX-License-Identifier: EUPL-1.2
// tests/browser/test_easy_versions.mjs — the page "Fassungen in Leichter
// Sprache" (#/fassungen, /api/easy/versions) and the public page
// /leicht/ID in a real browser against `lotse serve --dev-tokens` on the
// demo workspace.
//
// What must hold: with the keyboard alone a member of staff creates a
// version; its author is not offered the check (four eyes) and a second
// demo user checks and publishes it, each step after a German
// confirmation; the detail shows the QR code and the public address; the
// public page then shows the text under the notice "nicht rechtlich
// verbindlich"; a text with findings has them marked inline and needs a
// reason to publish; "?entwurf=N" prefills the text from a readable draft;
// axe-core reports 0 violations on the list, the detail and the public
// page; an anonymous caller gets the German login hint.
// Run: node tests/browser/test_easy_versions.mjs (ctest:
// browser/test_easy_versions; exit 77 = skipped when chromium or the npm
// test tools are missing).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as lib from "./lib.mjs";

const { chromium, axeSource } = lib.tools(); // exits 77 when missing

const AUTHOR = "mmustermann";
const CHECKER = "hamt";
const REF = "50.2-0815/2026";
const CLEAN = "Sie bekommen Geld vom Amt.\n\nDas Geld kommt jeden Monat.";
const HARD = "Gemäß § 35 SGB XII wird Ihnen hiermit die beantragte Leistung bewilligt.";
const NOTICE = "Dieser Text ist in Leichter Sprache. Er ist nicht rechtlich verbindlich. " +
  "Rechtlich gilt nur der Bescheid.";

let dir, ws, srv, browser;

before(async () => {
  dir = lib.scratch("easy-versions");
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

const clean = (page, ctx, shot, what) => lib.assertClean(page, ctx.problems, axeSource, shot, what);

async function tabTo(page, pred, arg) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(pred, arg)) return;
  }
  throw new Error("not reached with Tab: " + pred.toString());
}

const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
const focusedIs = (id) => (want) => document.activeElement && document.activeElement.id === want;

async function openAs(user, hash) {
  const ctx = await lib.context(browser, user);
  const page = await ctx.newPage();
  await lib.open(page, srv.url, hash);
  return { ctx, page };
}

// A step with the keyboard: Tab to its button, Enter, then Enter on "Ja".
async function step(page, action, done) {
  await tabTo(page, focusedIs(), "schritt-" + action);
  await page.keyboard.press("Enter");
  await page.waitForFunction((id) => document.activeElement && document.activeElement.id === id, "ja-" + action);
  await page.keyboard.press("Enter");
  await page.getByRole("status").filter({ hasText: done }).waitFor();
}

async function api(user, method, p, body) {
  const r = await fetch(srv.url + p, {
    method, headers: { Authorization: "Bearer dev:" + user, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
}

test("Fassungen as anonymous: the German login hint, axe 0 violations", async () => {
  const { ctx, page } = await openAs(null, "#/fassungen");
  await page.getByRole("alert").filter({ hasText: "Bitte melden Sie sich an" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Fassung anlegen" }).count(), 0);
  await clean(page, ctx, "fassungen-anonym", "#/fassungen anonymous");
  await ctx.close();
});

test("keyboard only: create, check by a second person, publish; the public page shows it", async () => {
  let { ctx, page } = await openAs(AUTHOR, "#/fassungen");
  await clean(page, ctx, "fassungen-liste", "#/fassungen list");
  await tabTo(page, () => document.activeElement.name === "bescheid_ref");
  await page.keyboard.insertText(REF);
  await tabTo(page, () => document.activeElement.tagName === "TEXTAREA");
  await page.keyboard.insertText(CLEAN);
  await tabTo(page, () => document.activeElement.textContent === "Fassung anlegen");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: "Fassung zu " + REF }).waitFor();
  const id = page.url().split("#/fassungen/")[1];
  assert.match(id, /^[a-z2-7]{26}$/);
  // The author is told about four eyes and gets no check button.
  await page.getByText("Prüfen muss eine zweite Person").waitFor();
  assert.equal(await page.locator("#schritt-review").count(), 0);
  assert.equal(await page.locator("#schritt-publish").count(), 0);
  // QR code and address.
  const img = page.getByRole("img", { name: /QR-Code mit der Adresse .*\/leicht\// });
  await img.waitFor();
  assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), "QR image loads");
  assert.equal(await page.locator("#fassung-link").innerText(), srv.url + "/leicht/" + id);
  await page.getByRole("status").filter({ hasText: "Die Regelprüfung findet nichts" }).waitFor();
  await clean(page, ctx, "fassung-entwurf", "#/fassungen/ID draft");
  await ctx.close();
  // Not yet public.
  assert.equal((await fetch(srv.url + "/leicht/" + id)).status, 404);

  ({ ctx, page } = await openAs(CHECKER, "#/fassungen/" + id));
  await step(page, "review", "Die Prüfung ist gespeichert");
  assert.match(await page.locator("dl.facts").innerText(), /Geprüft/);
  await step(page, "publish", "Die Fassung ist veröffentlicht");
  assert.match(await page.locator("dl.facts").innerText(), /Online\s+Ja, Überarbeitung 1/);
  await clean(page, ctx, "fassung-veroeffentlicht", "#/fassungen/ID published");

  // The public page: notice first, then the text; axe 0.
  await page.goto(srv.url + "/leicht/" + id);
  await page.getByRole("heading", { level: 1, name: "Ihr Bescheid in Leichter Sprache" }).waitFor();
  const body = await page.locator("main").innerText();
  assert.ok(body.indexOf(NOTICE) >= 0 && body.indexOf(NOTICE) < body.indexOf("Sie bekommen Geld"), body);
  assert.ok(body.includes(REF), body);
  assert.equal(await page.locator("p").filter({ hasText: "Das Geld kommt jeden Monat." }).count(), 1);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "de");
  await clean(page, ctx, "leicht-oeffentlich", "/leicht/ID");
  await ctx.close();
});

test("findings are marked inline and publishing asks for a reason", async () => {
  const r = await api(AUTHOR, "POST", "/api/easy/versions", { bescheid_ref: "AZ-2", text: HARD });
  assert.equal(r.status, 201);
  const id = r.body.id;
  assert.equal((await api(CHECKER, "POST", "/api/easy/versions/" + id + "/review", {})).status, 200);
  const check = await api(AUTHOR, "POST", "/api/easy/check", { text: HARD });
  const { ctx, page } = await openAs(AUTHOR, "#/fassungen/" + id);
  await page.locator("#fassung-befunde").waitFor();
  assert.equal(await page.locator("#fassung-befunde > li").count(), check.body.findings.length);
  assert.ok(await page.locator("#fassung-markiert mark[data-finding]").count() >= 1);
  // Without a reason the form says what is missing, at the field.
  await tabTo(page, focusedIs(), "schritt-publish");
  await page.keyboard.press("Enter");
  const reason = page.getByLabel("Grund für die Abweichung von den Regeln");
  assert.equal(await reason.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.name), "override");
  await page.keyboard.insertText("Fachwort wird erklärt");
  await tabTo(page, focusedIs(), "schritt-publish");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter"); // focus is on "Ja, veröffentlichen"
  await page.getByRole("status").filter({ hasText: "Die Fassung ist veröffentlicht" }).waitFor();
  await clean(page, ctx, "fassung-befunde", "#/fassungen/ID with findings");
  assert.equal((await fetch(srv.url + "/leicht/" + id)).status, 200);
  await ctx.close();
});

test("?entwurf=N prefills the text from a readable draft", async () => {
  const json = path.join(dir, "minutes.json");
  fs.writeFileSync(json, JSON.stringify({ meeting: "Probe", date: "2026-02-28", attendees: ["A"],
    items: [{ title: "T", statements: [], decisions: [] }], tasks: [] }));
  const out = lib.lotse(ws, "minutes", "new", "--from-json", json, "--user", AUTHOR);
  const draft = out.match(/Entwurf (\d+)/)[1];
  const d = await api(AUTHOR, "GET", "/api/drafts/" + draft);
  const { ctx, page } = await openAs(AUTHOR, "#/fassungen?entwurf=" + draft);
  await page.getByText("Text aus KI-Entwurf " + draft + " übernommen").waitFor();
  assert.equal(await page.getByLabel("Text in Leichter Sprache").inputValue(), d.body.text);
  await clean(page, ctx, "fassung-aus-entwurf", "#/fassungen?entwurf=N");
  await ctx.close();
  // Someone else's draft is not readable: a German message, no text.
  const other = await openAs("dsb", "#/fassungen?entwurf=" + draft);
  await other.page.getByRole("alert").filter({ hasText: "nicht lesbar" }).waitFor();
  assert.equal(await other.page.getByLabel("Text in Leichter Sprache").inputValue(), "");
  await other.ctx.close();
});

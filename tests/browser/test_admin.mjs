// SPDX-License-Identifier: EUPL-1.2
// tests/browser/test_admin.mjs — the Verwaltung page in a real browser
// (Debian's chromium through playwright-core) against `lotse serve
// --dev-tokens` on the demo workspace (tests/browser/fixture.sh).
//
// What must hold: the administrator creates a group and a user with unit,
// group and clearance, records a training and sets a password, all through
// the page's forms, and enrols TOTP (the address shown once); that user then
// logs in with the password and a code on the Anmelden page; the administrator deactivates the user (after a
// confirmation), the user's open session ends and a new login is refused.
// A bad input shows the server's German reason in the role=alert region
// and changes nothing; a user without the role gets the German refusal; the
// KI-Koordination sees the training forms but not the user forms. axe-core
// reports 0 violations in every state; screenshots go to LOTSE_ARTIFACTS.
// Run: node tests/browser/test_admin.mjs (ctest: browser/test_admin; exit
// 77 = skipped when chromium or the npm test tools are missing).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import * as lib from "./lib.mjs";

const { chromium, axeSource } = lib.tools(); // exits 77 when missing

let dir, ws, srv, browser;

before(async () => {
  dir = lib.scratch("admin");
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

const form = (page, name) => page.getByRole("form", { name, exact: true });
const status = (page) => page.locator("#verwaltung-status");
const alert = (page) => page.locator("#verwaltung-fehler");

async function expectStatus(page, re) {
  await status(page).getByText(re).waitFor({ timeout: 15000 });
  assert.equal(await alert(page).innerText(), "", "no error expected");
}

// Log in on the Anmelden page in a fresh context, with the TOTP code of
// secret (later seconds ahead) when the page asks; returns {ctx, page, ok}.
async function loginAs(user, pw, display, secret, later = 0) {
  const ctx = await lib.context(browser, null);
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/anmelden");
  await page.getByLabel("Benutzername", { exact: true }).fill(user);
  await page.getByLabel("Passwort", { exact: true }).fill(pw);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  if (secret) {
    const code = page.getByLabel(/Sicherheitscode/);
    await code.waitFor({ state: "visible" });
    await page.waitForFunction(() => document.activeElement && document.activeElement.name === "totp");
    await code.fill(await lib.totp(secret, Date.now() / 1000 + later)); // a code works once
    await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  }
  const okText = page.getByText("Angemeldet: " + display);
  const failText = page.getByText(/Anmeldung fehlgeschlagen/);
  await Promise.race([okText.waitFor({ timeout: 15000 }), failText.waitFor({ timeout: 15000 })]);
  return { ctx, page, ok: await okText.isVisible() };
}

test("admin creates a user with unit, group, training and password; the user logs in; deactivated, the login is refused", async () => {
  const ctx = await lib.context(browser, "admin");
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/verwaltung");
  await form(page, "Benutzer anlegen").waitFor();
  await clean(page, ctx, "verwaltung-admin", "Verwaltung as admin");

  // A new group.
  const g = form(page, "Gruppe anlegen");
  await g.getByLabel("Name der Gruppe").fill("ordnungsamt");
  await g.getByRole("button", { name: "Gruppe anlegen" }).click();
  await expectStatus(page, /Gruppe ordnungsamt angelegt/);

  // The user: unit, group, clearance.
  const c = form(page, "Benutzer anlegen");
  await c.getByLabel("Benutzername").fill("olga");
  await c.getByLabel("Anzeigename").fill("Olga Ordnung");
  await c.getByLabel("Organisationseinheit").selectOption("Bürgerservice");
  await c.getByLabel("ordnungsamt").check();
  await c.getByLabel("vertraulich").check();
  await c.getByRole("button", { name: "Benutzer anlegen" }).click();
  await expectStatus(page, /Benutzer olga angelegt/);
  await clean(page, ctx, "verwaltung-angelegt", "after creating a user");
  const row = page.locator("tr", { has: page.getByRole("cell", { name: "olga", exact: true }) });
  assert.match(await row.innerText(), /Olga Ordnung\s+Bürgerservice\s+offen, intern, vertraulich\s+ordnungsamt/);

  // A bad input: the server's German reason in the alert region.
  await form(page, "Benutzer anlegen").getByLabel("Benutzername").fill("olga");
  await form(page, "Benutzer anlegen").getByRole("button", { name: "Benutzer anlegen" }).click();
  await alert(page).getByText(/Benutzer 'olga' gibt es schon/).waitFor();
  // ... and the same reason below the form that failed, in view (the alert
  // region is at the top of a long page).
  const below = form(page, "Benutzer anlegen").locator(".form-error");
  assert.match(await below.innerText(), /Benutzer 'olga' gibt es schon/);
  assert.ok(await below.isVisible());
  await clean(page, ctx, "verwaltung-fehler", "error shown");
  // A missing name says what to fill in, in staff's words.
  await form(page, "Benutzer anlegen").getByLabel("Benutzername").fill("");
  await form(page, "Benutzer anlegen").getByRole("button", { name: "Benutzer anlegen" }).click();
  await alert(page).getByText(/Bitte den Namen angeben/).waitFor();
  assert.equal(await page.locator(".form-error").count(), 1, "only the failed form shows the error");
  // That 400 is the expected answer: take exactly its console line out.
  const i400 = ctx.problems.findIndex((m) => /status of 400/.test(m));
  assert.ok(i400 >= 0, "the refused request was logged");
  ctx.problems.splice(i400, 1);

  // A training completion.
  const t = form(page, "Schulung eintragen oder austragen");
  await t.getByLabel("Benutzer", { exact: true }).selectOption("olga");
  await t.getByLabel("Schulung", { exact: true }).selectOption("ki-grundlagen");
  await t.getByLabel("Abgeschlossen am").fill("2026-11-02");
  await t.getByRole("button", { name: "Schulung eintragen" }).click();
  await expectStatus(page, /Schulung ki-grundlagen für olga eingetragen/);
  assert.match(await page.locator("tr", { has: page.getByRole("cell", { name: "olga", exact: true }) }).innerText(),
    /ki-grundlagen \(gültig bis/);

  // Enter in a field submits the primary action (eintragen, not
  // austragen); austragen asks first.
  const t2 = form(page, "Schulung eintragen oder austragen");
  await t2.getByLabel("Benutzer", { exact: true }).selectOption("olga");
  await t2.getByLabel("Schulung", { exact: true }).selectOption("datenschutz-ki");
  await t2.getByLabel("Abgeschlossen am").fill("2026-11-03");
  await t2.getByLabel("Abgeschlossen am").press("Enter");
  await expectStatus(page, /Schulung datenschutz-ki für olga eingetragen/);
  const t3 = form(page, "Schulung eintragen oder austragen");
  await t3.getByLabel("Benutzer", { exact: true }).selectOption("olga");
  await t3.getByLabel("Schulung", { exact: true }).selectOption("datenschutz-ki");
  page.once("dialog", (d) => d.accept());
  await t3.getByRole("button", { name: "Schulung austragen" }).click();
  await expectStatus(page, /Schulung datenschutz-ki von olga ausgetragen/);
  assert.doesNotMatch(await page.locator("tr", { has: page.getByRole("cell", { name: "olga", exact: true }) }).innerText(),
    /datenschutz-ki/);

  // A password typed by the administrator.
  const pw = "Ordnung-muss-sein-26";
  const k = form(page, "Konto");
  await k.getByLabel("Benutzer", { exact: true }).selectOption("olga");
  await k.getByLabel("Neues Passwort").fill(pw);
  await k.getByRole("button", { name: "Passwort setzen" }).click();
  await expectStatus(page, /Passwort gesetzt für olga/);
  await clean(page, ctx, "verwaltung-passwort", "after setting a password");

  // Two-factor login: enrolled on the page, the address shown once.
  await form(page, "Konto").getByLabel("Benutzer", { exact: true }).selectOption("olga");
  page.once("dialog", (d) => d.accept());
  await form(page, "Konto").getByRole("button", { name: "Zwei-Faktor-Anmeldung einrichten" }).click();
  await expectStatus(page, /Zwei-Faktor-Anmeldung für olga eingerichtet/);
  const uri = await page.locator("#totp-adresse").innerText();
  const secret = decodeURIComponent(uri.match(/[?&]secret=([A-Z2-7=]+)/i)[1]);
  await clean(page, ctx, "verwaltung-totp", "after enrolling TOTP");

  // The user logs in with password and code.
  const olga = await loginAs("olga", pw, "Olga Ordnung", secret);
  assert.ok(olga.ok, "olga could not log in");

  // Deactivation asks first; cancelling changes nothing.
  await form(page, "Konto").getByLabel("Benutzer", { exact: true }).selectOption("olga");
  page.once("dialog", (d) => d.dismiss());
  await form(page, "Konto").getByRole("button", { name: "Deaktivieren" }).click();
  const olgaRow = () => page.locator("tr", { has: page.getByRole("cell", { name: "olga", exact: true }) }).innerText();
  assert.doesNotMatch(await olgaRow(), /deaktiviert/);
  page.once("dialog", (d) => {
    assert.match(d.message(), /olga deaktivieren/);
    d.accept();
  });
  await form(page, "Konto").getByRole("button", { name: "Deaktivieren" }).click();
  await expectStatus(page, /Benutzer olga deaktiviert/);
  assert.match(await olgaRow(), /deaktiviert seit/);
  await clean(page, ctx, "verwaltung-deaktiviert", "after deactivating");

  // olga's open session has ended; a new login is refused.
  const r = await olga.page.evaluate(async () => (await fetch("/api/session")).status);
  assert.equal(r, 401);
  await olga.ctx.close();
  const again = await loginAs("olga", pw, "Olga Ordnung", secret, 30);
  assert.equal(again.ok, false, "a deactivated user logged in");
  await lib.screenshot(again.page, "anmelden-deaktiviert");
  await again.ctx.close();
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test("a user without the role gets the German refusal", async () => {
  const ctx = await lib.context(browser, "mmustermann");
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/verwaltung");
  await alert(page).getByText(/Keine Berechtigung/).waitFor();
  assert.equal(await page.getByRole("form").count(), 0);
  await clean(page, ctx, "verwaltung-ohne-rolle", "Verwaltung without role");
  await ctx.close();
});

test("KI-Koordination: training forms, no user administration", async () => {
  const ctx = await lib.context(browser, "koord");
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/verwaltung");
  await form(page, "Schulung in den Katalog aufnehmen oder ändern").waitFor();
  assert.equal(await form(page, "Benutzer anlegen").count(), 0);
  const f = form(page, "Schulung in den Katalog aufnehmen oder ändern");
  await f.getByLabel("Kennung").fill("ki-aufsicht");
  await f.getByLabel("Titel").fill("Menschliche Aufsicht über KI");
  await f.getByLabel("Gültigkeit in Tagen").fill("365");
  await f.getByRole("button", { name: "Schulung speichern" }).click();
  await expectStatus(page, /Schulung ki-aufsicht in den Katalog aufgenommen/);
  await page.getByRole("cell", { name: "Menschliche Aufsicht über KI" }).waitFor();
  await clean(page, ctx, "verwaltung-koordination", "Verwaltung as KI-Koordination");
  await ctx.close();
});

// SPDX-License-Identifier: EUPL-1.2
// tests/browser/test_pages.mjs — the web application in a real browser
// (Debian's chromium through playwright-core) against the real `lotse
// serve --dev-tokens` on the demo workspace (tests/browser/fixture.sh).
//
// What must hold: every page, for the anonymous public and for a user of
// the role it is made for, renders without page errors or CSP violations
// and with 0 axe-core violations (WCAG 2.1 A/AA and best practice); a
// screenshot of each is written to LOTSE_ARTIFACTS. The flows: search and
// a question answered with citations whose links open the cited passage;
// a refusal of the gate shown with its German reason; a draft signed off;
// an application in review approved by each remaining role, after which
// the gate lets it run; the audit view with a verified chain; keyboard:
// the skip link moves focus to the content.
// Run: node tests/browser/test_pages.mjs (ctest: browser/pages; exit 77 =
// skipped when chromium or the npm test tools are missing).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import * as lib from "./lib.mjs";

const { chromium, axeSource } = lib.tools(); // exits 77 when missing

let dir, ws, srv, browser;

before(async () => {
  dir = lib.scratch("pages");
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

// Open hash as user, check axe and problems, take the screenshot.
async function checkPage(user, hash, shot, expectText) {
  const ctx = await lib.context(browser, user);
  try {
    const page = await ctx.newPage();
    await lib.open(page, srv.url, hash);
    if (expectText) {
      await page.getByText(expectText).first().waitFor({ timeout: 15000 });
    }
    const vs = await lib.axe(page, axeSource);
    await lib.screenshot(page, shot);
    assert.deepEqual(vs, [], hash + " as " + (user || "anonymous") + ":\n" +
      lib.describeViolations(vs));
    assert.deepEqual(ctx.problems, [], hash + ": page problems");
    assert.deepEqual(await lib.junkText(page), [], hash + ": text of a rendering bug");
    assert.equal(await page.locator("html").getAttribute("lang"), "de");
  } finally {
    await ctx.close();
  }
}

// [hash, user (null: anonymous), screenshot name, text the page shows]
const PAGES = [
  ["#/anmelden", null, "anmelden", "Anmelden"],
  ["#/suche", null, "suche-anonym", "Suche und Fragen"],
  ["#/suche", "mmustermann", "suche", "Suche und Fragen"],
  ["#/hochladen", "pamt", "hochladen", null],
  ["#/entwuerfe", "mmustermann", "entwuerfe", "Meine Entwürfe"],
  ["#/entwuerfe", null, "entwuerfe-anonym", null],
  ["#/anwendungen", "koord", "anwendungen", "fragen"],
  ["#/anwendungen/protokoll", "dsb", "anwendung-protokoll", "Freigaben je Rolle"],
  ["#/audit", "rpa", "audit", "Prüfkette intakt"],
  ["#/audit", "mmustermann", "audit-ohne-rolle", "Keine Berechtigung"],
  ["#/cockpit", "koord", "cockpit", null],
  ["#/verwaltung", "admin", "verwaltung", null],
  ["#/gibt-es-nicht", null, "unbekannt", "Seite nicht gefunden"],
];

for (const [hash, user, shot, text] of PAGES) {
  test(`page ${hash} as ${user || "anonymous"}: axe 0 violations`, () =>
    checkPage(user, hash, shot, text));
}

test("keyboard: the skip link is the first tab stop and moves focus to <main>", async () => {
  const ctx = await lib.context(browser, null);
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/suche");
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement.textContent.trim());
  assert.equal(first, "Zum Inhalt springen");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "focus must be visible");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "inhalt");
  await ctx.close();
});

test("search: hits link to the document's passage", async () => {
  const ctx = await lib.context(browser, "mmustermann");
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/suche");
  await page.getByLabel("Suchbegriff oder Frage").fill("Urlaubsantrag");
  await page.getByRole("button", { name: "Suchen" }).click();
  const hit = page.locator("ol.hits a").first();
  await hit.waitFor();
  const vs = await lib.axe(page, axeSource);
  await lib.screenshot(page, "suche-treffer");
  assert.deepEqual(vs, [], lib.describeViolations(vs));
  await hit.click();
  await page.locator("section.passage.cited").waitFor();
  assert.match(await page.evaluate(() => document.activeElement.className), /cited/);
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test("ask: an answer with citations that open the cited passage; the draft is signed off", async () => {
  const ctx = await lib.context(browser, "mmustermann");
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/suche");
  await page.getByLabel("Suchbegriff oder Frage").fill("Wie stelle ich einen Urlaubsantrag?");
  await page.getByRole("button", { name: "Fragen" }).click();
  await page.getByRole("heading", { name: "Antwort" }).waitFor({ timeout: 60000 });
  await page.getByText("KI-Entwurf – nicht geprüft").first().waitFor();
  const cite = page.locator(".answer a").first();
  assert.match(await cite.textContent(), /^\[\d+\]$/);
  const vs = await lib.axe(page, axeSource);
  await lib.screenshot(page, "frage-antwort");
  assert.deepEqual(vs, [], lib.describeViolations(vs));
  assert.deepEqual(await lib.junkText(page), [], "answer page: text of a rendering bug");
  const draftHref = await page.locator('a[href^="#/entwuerfe/"]').first().getAttribute("href");
  const want = (await cite.getAttribute("href")).split("/");
  await cite.click();
  await page.locator("section.passage.cited").waitFor();
  assert.equal(await page.locator("section.passage.cited").getAttribute("id"), "passage-" + want[3]);
  await lib.screenshot(page, "zitierte-passage");
  // Sign-off of the draft by its author.
  await lib.open(page, srv.url, draftHref);
  await page.getByRole("button", { name: "Abzeichnen" }).click();
  await page.getByText(/ist abgezeichnet/).waitFor();
  await page.getByText("Abgezeichnet von mmustermann").waitFor();
  const vs2 = await lib.axe(page, axeSource);
  await lib.screenshot(page, "entwurf-abgezeichnet");
  assert.deepEqual(vs2, [], lib.describeViolations(vs2));
  assert.deepEqual(ctx.problems, []);
  const id = draftHref.split("/").pop();
  const r = await fetch(srv.url + "/api/drafts/" + id,
    { headers: { Authorization: "Bearer dev:mmustermann" } });
  assert.equal((await r.json()).status, "final");
  await ctx.close();
});

test("a refusal of the gate is shown with its German reason", async () => {
  const ctx = await lib.context(browser, "kreistag"); // unit not permitted
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/suche");
  await page.getByLabel("Suchbegriff oder Frage").fill("Wie stelle ich einen Urlaubsantrag?");
  await page.getByRole("button", { name: "Fragen" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /Keine Antwort: .*nicht zugelassen/);
  const vs = await lib.axe(page, axeSource);
  await lib.screenshot(page, "frage-abgelehnt");
  assert.deepEqual(vs, [], lib.describeViolations(vs));
  await ctx.close();
});

test("approval: each remaining role approves 'protokoll' in the browser, then the gate lets it run", async () => {
  const ask = () => fetch(srv.url + "/api/ask", {
    method: "POST",
    // pamt: unit Personalamt, both trainings the classification requires
    headers: { Authorization: "Bearer dev:pamt", "Content-Type": "application/json" },
    body: JSON.stringify({ question: "Wie stelle ich einen Urlaubsantrag?", app: "protokoll" }),
  });
  const r0 = await ask();
  const e0 = (await r0.json()).error;
  assert.equal(r0.status, 403);
  assert.equal(e0.reason, "not_approved", e0.message);
  for (const [user, role] of [["hamt", "Fachdienstleitung"], ["dsb", "Datenschutz"]]) {
    const ctx = await lib.context(browser, user);
    const page = await ctx.newPage();
    await lib.open(page, srv.url, "#/anwendungen/protokoll");
    await page.getByLabel("In der Rolle").selectOption({ label: role });
    await page.getByRole("button", { name: "Zustimmen" }).click();
    await page.getByText("Zustimmung gespeichert.").waitFor();
    await lib.screenshot(page, "freigabe-" + user);
    assert.deepEqual(ctx.problems, []);
    await ctx.close();
  }
  const ctx = await lib.context(browser, "koord");
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/anwendungen/protokoll");
  await page.getByText("läuft (freigegeben)").waitFor();
  const vs = await lib.axe(page, axeSource);
  await lib.screenshot(page, "anwendung-freigegeben");
  assert.deepEqual(vs, [], lib.describeViolations(vs));
  await ctx.close();
  const r = await ask();
  assert.equal(r.status, 200, "the gate lets it run: " + await r.text());
});

test("harness: axe reports a violation planted in a page (the check can fail)", async () => {
  const ctx = await lib.context(browser, null);
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/suche");
  await page.evaluate(() => {
    const i = document.createElement("input"); // no label
    i.type = "text";
    document.getElementById("inhalt").append(i);
  });
  const vs = await lib.axe(page, axeSource);
  assert.ok(vs.some((v) => v.id === "label"), JSON.stringify(vs));
  await ctx.close();
});

test("upload: a file goes up with progress events and becomes a searchable document", async () => {
  const ctx = await lib.context(browser, "pamt");
  const page = await ctx.newPage();
  // Record the XHR upload events the page receives.
  await page.addInitScript(() => {
    window.__uploadEvents = [];
    const open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (...a) {
      this.upload.addEventListener("progress", (e) =>
        window.__uploadEvents.push([e.loaded, e.total]));
      return open.apply(this, a);
    };
  });
  await lib.open(page, srv.url, "#/hochladen");
  const word = "Probelauf" + process.pid;
  const para = "Die Dienstanweisung zum " + word + " regelt den Einsatz der Fahrzeuge des Landkreises. ";
  const body = "Dienstanweisung " + word + "\n\n" + para.repeat(Math.ceil(1500000 / para.length));
  await page.getByLabel("Dateien").setInputFiles({ name: "dienstanweisung.txt", mimeType: "text/plain",
    buffer: Buffer.from(body) });
  await page.getByLabel("Schutzklasse").selectOption("intern");
  await page.getByRole("button", { name: "Hochladen" }).click();
  await page.getByText(/Fertig: 1 Datei/).waitFor({ timeout: 120000 });
  const events = await page.evaluate(() => window.__uploadEvents);
  assert.ok(events.length >= 1, "no progress events");
  const last = events[events.length - 1];
  assert.equal(last[0], last[1], "upload did not reach its total: " + JSON.stringify(events));
  assert.ok(last[1] >= body.length, JSON.stringify(last));
  assert.equal(await page.locator("#upload-progress").evaluate((p) => p.value), 100);
  const result = await page.locator("main table").innerText();
  assert.match(result, /dienstanweisung\.txt\s+aufgenommen\s+Dokument \d+/, result);
  const vs = await lib.axe(page, axeSource);
  await lib.screenshot(page, "hochgeladen");
  assert.deepEqual(vs, [], lib.describeViolations(vs));
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
  const r = await fetch(srv.url + "/api/search?q=" + word, { headers: { Authorization: "Bearer dev:pamt" } });
  assert.equal((await r.json()).hits.length, 1);
});

test("local login with password and TOTP code (2FA) in the browser; logout", async (t) => {
  lib.lotse(ws, "user", "add", "anna", "--display", "Anna Beispiel", "--unit", "Hauptamt");
  lib.lotse(ws, "user", "grant", "anna", "auditor");
  const pw = "Frühling-im-Kreishaus-2026";
  const p = lib.lotseInput(ws, pw + "\n", "user", "passwd", "anna");
  if (p.status !== 0) return t.skip("lotse user passwd fehlt: " + p.stderr);
  const e = lib.lotseInput(ws, "", "user", "totp", "enroll", "anna");
  assert.equal(e.status, 0, e.stderr);
  const secret = decodeURIComponent(e.stdout.match(/otpauth:\/\/\S*[?&]secret=([A-Z2-7=]+)/i)[1]);
  const ctx = await lib.context(browser, null);
  const page = await ctx.newPage();
  await lib.open(page, srv.url, "#/anmelden");
  await page.getByLabel("Benutzername", { exact: true }).waitFor();
  // No single sign-on set up here: GET /api/session says so, no link.
  assert.equal(await page.getByRole("link", { name: /Single Sign-on/ }).count(), 0);
  await page.getByLabel("Benutzername", { exact: true }).fill("anna");
  await page.getByLabel("Passwort", { exact: true }).fill(pw);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  const code = page.getByLabel(/Sicherheitscode/);
  await code.waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => document.activeElement.name), "totp");
  const vs = await lib.axe(page, axeSource);
  await lib.screenshot(page, "anmelden-code");
  assert.deepEqual(vs, [], lib.describeViolations(vs));
  await code.fill(await lib.totp(secret));
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  await page.getByText("Angemeldet: Anna Beispiel").waitFor();
  const cookies = await ctx.cookies();
  const c = cookies.find((x) => x.name === "lotse_session");
  assert.ok(c && c.httpOnly && c.sameSite === "Strict", JSON.stringify(cookies));
  // The session opens what the role allows: the audit view.
  await lib.open(page, srv.url, "#/audit");
  await page.getByText("Prüfkette intakt").waitFor();
  await lib.screenshot(page, "audit-mit-sitzung");
  await lib.open(page, srv.url, "#/anmelden");
  await page.getByRole("button", { name: "Abmelden" }).click();
  await page.getByText("Nicht angemeldet").waitFor();
  assert.equal((await ctx.cookies()).filter((x) => x.name === "lotse_session" && x.value).length, 0);
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});

test("OIDC login: single sign-on through a real OpenID provider, back as a named user", async (t) => {
  const pport = await lib.freePort();
  const lport = await lib.freePort();
  const base = "http://127.0.0.1:" + lport;
  const prov = await lib.oidcProvider(pport, base + "/auth/oidc/callback");
  if (!prov) return t.skip("tests/reference/oidc_provider.mjs or npm oidc-provider missing");
  const odir = lib.scratch("oidc");
  const ows = lib.demoWorkspace(odir);
  (await import("node:fs")).appendFileSync(ows + "/lotse.conf",
    "\n[auth]\ncookie_secure = off\n\n[oidc]\nissuer = " + prov.issuer + "\nclient_id = lotse\n" +
    "client_secret = lotse-test-secret\nredirect_uri = " + base + "/auth/oidc/callback\n" +
    "claim_groups = groups\nclaim_roles = roles\nclaim_unit = unit\n");
  const osrv = await lib.serve(ows, "--port", String(lport));
  const ctx = await lib.context(browser, null);
  try {
    const page = await ctx.newPage();
    // A refused callback is a German page with a way back, not raw JSON.
    const bad = await page.goto(base + "/auth/oidc/callback?state=" + "A".repeat(43) + "&code=x");
    assert.equal(bad.status(), 400);
    await page.getByRole("heading", { name: "Anmeldung fehlgeschlagen" }).waitFor();
    await page.getByRole("alert").filter({ hasText: "Anmeldevorgang" }).waitFor();
    const bvs = await lib.axe(page, axeSource);
    await lib.screenshot(page, "anmelden-sso-fehler");
    assert.deepEqual(bvs, [], lib.describeViolations(bvs));
    await page.getByRole("link", { name: "Zurück zur Anmeldung" }).click();
    await page.waitForURL(base + "/#/anmelden");
    // the 400 itself is reported by the browser; nothing else may be
    assert.deepEqual(ctx.problems.filter((p) => !/status of 400/.test(p)), []);
    ctx.problems.length = 0;
    const sso = page.getByRole("link", { name: /Single Sign-on/ });
    const vs = await lib.axe(page, axeSource);
    await lib.screenshot(page, "anmelden-sso");
    assert.deepEqual(vs, [], lib.describeViolations(vs));
    await sso.click();
    await page.waitForURL(prov.issuer + "/**");
    await page.getByLabel("Benutzer").fill("alice");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.waitForURL(base + "/**");
    await page.getByText("Angemeldet: Alice Amtmann").waitFor({ timeout: 30000 });
    await lib.screenshot(page, "angemeldet-sso");
    const s = await page.evaluate(async () => (await fetch("/api/session")).json());
    assert.equal(s.method, "oidc");
    assert.equal(s.user, "alice");
    assert.ok(s.roles.includes("datenschutz"), JSON.stringify(s));
    assert.deepEqual(ctx.problems, []);
    // Logout ends the single sign-on at the provider too (RP-Initiated
    // Logout): the app follows the redirect, the provider confirms and
    // sends the browser back.
    await lib.open(page, osrv.url, "#/anmelden");
    await page.getByRole("button", { name: "Abmelden" }).click();
    await page.waitForURL(prov.issuer + "/session/end**");
    await page.getByRole("button", { name: /sign me out/i }).click();
    await page.waitForURL(base + "/?state=**");
    await page.getByText("Nicht angemeldet").waitFor();
    assert.equal((await ctx.cookies(base)).filter((x) => x.name === "lotse_session" && x.value).length, 0);
    await lib.open(page, osrv.url, "#/anmelden");
    await page.getByRole("link", { name: /Single Sign-on/ }).click();
    await page.waitForURL(prov.issuer + "/**");
    await page.getByLabel("Benutzer").waitFor(); // the provider asks again
    // oidc-provider's own logout page refers to an outside resource that
    // cannot be resolved offline; nothing else may be reported.
    assert.deepEqual(ctx.problems.filter((p) => !/ERR_NAME_NOT_RESOLVED/.test(p)), []);
  } finally {
    await ctx.close();
    const rc = await osrv.stop();
    await prov.stop();
    assert.equal(rc, 0, osrv.stderr());
  }
});

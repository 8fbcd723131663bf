// SPDX-License-Identifier: EUPL-1.2
// tests/browser/test_keyboard.mjs — the web application operated with the
// keyboard only (WCAG 2.1 AA / BITV 2.0: 2.1.1, 2.1.2, 2.4.1, 2.4.3, 2.4.7,
// 3.2.1, 1.4.10, 1.4.4, 1.4.12, 1.4.11 for focus indicators, 2.3.3 reduced
// motion), in
// Debian's chromium through playwright-core against `lotse serve
// --dev-tokens` on the demo workspace (tests/browser/fixture.sh).
//
// What must hold, on every page and in the states the flows reach:
// - Tab visits every focusable element (each radio group once) and ends on
//   the document again (no keyboard trap); Shift+Tab visits the same
//   elements in exactly the reverse order;
// - each element shows a visible focus indicator: its computed outline or
//   box-shadow when focused differs from the unfocused state, and the
//   indicator's colour has a contrast of at least 3:1 against the
//   background behind it;
// - the focused element lies in the viewport (not hidden or off-screen);
// - no positive tabindex; the tab order is the DOM order, and within each
//   region (header, nav, main, footer) it follows the on-screen reading
//   order (top to bottom, left to right within a row);
// - client-side navigation moves focus to the new page's h1 and changes
//   the title; the skip link moves focus to <main>;
// - keyboard-only flows: search, a question asked with Enter, the cited
//   passage opened, the draft signed off, a file uploaded through the file
//   input's keyboard path (Space opens the chooser), an application
//   approved by each remaining role and suspended by the KI-Koordination;
// - reflow: at 320 CSS px no horizontal scrolling of the page, and with the
//   text zoomed to 200 % or with the text spacing of 1.4.12 nothing is
//   clipped and the page does not scroll sideways (wide data tables scroll
//   inside their own focusable region); moving focus changes nothing;
// - forced colours (Windows high contrast): the focus ring stays;
// - prefers-reduced-motion: no transition or animation runs.
// The harness test at the end plants faults (a positive tabindex, an
// element without focus indicator, a trap) and checks they are reported.
// Run: node tests/browser/test_keyboard.mjs (ctest: browser/keyboard; exit
// 77 = skipped when chromium or the npm test tools are missing).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import * as lib from "./lib.mjs";

const { chromium, axeSource } = lib.tools(); // exits 77 when missing

let dir, ws, srv, browser;

before(async () => {
  dir = lib.scratch("keyboard");
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

const MAX_STOPS = 400;

// Facts about the focused element; marks it with data-kbd (its number in
// the walk) so that later steps can find it again.
function focusedInfo() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (!el.dataset.kbd) el.dataset.kbd = String(document.querySelectorAll("[data-kbd]").length + 1);
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const region = el.closest("header, nav, main, footer, aside");
  // Where it starts and where it ends (a link may wrap over two lines).
  const frags = el.getClientRects();
  const doc = (q) => ({ top: q.top + scrollY, bottom: q.bottom + scrollY, left: q.left + scrollX,
    right: q.right + scrollX });
  return {
    kbd: el.dataset.kbd,
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " „" +
      (el.getAttribute("aria-label") || el.textContent || el.value || el.name || "").trim().slice(0, 40) + "“",
    region: region ? region.tagName.toLowerCase() : "body",
    segmented: el.tagName === "INPUT" && /^(date|time|datetime-local|month|week)$/.test(el.type),
    rect: doc(r),
    start: doc(frags.length ? frags[0] : r),
    end: doc(frags.length ? frags[frags.length - 1] : r),
    inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
      r.top < innerHeight && r.left < innerWidth,
    style: {
      outline: cs.outlineStyle === "none" || parseFloat(cs.outlineWidth) === 0 ? "none"
        : cs.outlineStyle + " " + cs.outlineWidth + " " + cs.outlineColor,
      outlineColor: cs.outlineColor,
      boxShadow: cs.boxShadow,
    },
  };
}

// Walk with key from the focused element until focus leaves the page's
// elements (back on the document) or comes back to the first element;
// returns the stops, the first one included.
async function walk(page, key) {
  const first = await page.evaluate(focusedInfo);
  const stops = first ? [first] : [];
  let same = 0;
  for (let i = 0; i < MAX_STOPS; i++) {
    await page.keyboard.press(key);
    const info = await page.evaluate(focusedInfo);
    if (!info) return { stops, ended: true };
    if (stops.length && info.kbd === stops[0].kbd) return { stops, ended: true, wrapped: true };
    if (stops.length && info.kbd === stops[stops.length - 1].kbd) {
      // Date and time fields take Tab through their parts (day, month,
      // year) first: a few stops on the same element are no trap.
      if (info.segmented && ++same < 6) continue;
      return { stops, ended: false, trap: "focus stays on " + info.what + " after " + key };
    }
    same = 0;
    stops.push(info);
  }
  return { stops, ended: false, trap: "more than " + MAX_STOPS + " stops: focus cycles inside the page" };
}

// The elements the walk must reach: focusable, rendered, enabled, with a
// tabindex >= 0; of a radio group only the checked (or first) button.
function expectedFocusables() {
  const sel = "a[href], area[href], button, input:not([type=hidden]), select, textarea, iframe, " +
    "summary, [tabindex], [contenteditable=''], [contenteditable='true']";
  const seen = new Set();
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || el.tabIndex < 0) continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    if (el.type === "radio" && el.name) {
      if (seen.has(el.form + el.name)) continue;
      const group = Array.from(document.getElementsByName(el.name));
      const pick = group.find((x) => x.checked) || group[0];
      if (pick !== el) continue;
      seen.add(el.form + el.name);
    }
    out.push({ kbd: el.dataset.kbd || null, what: el.outerHTML.slice(0, 80) });
  }
  return out;
}

// Relative luminance and contrast (WCAG 2.x definitions).
function parseColor(c) {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c || "");
  return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
}
function luminance({ r, g, b }) {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function contrast(c1, c2) {
  const [a, b] = [luminance(c1), luminance(c2)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

// The background behind an element's outline: what the page shows at the
// middle of the outline's left (else top) edge, below the element itself:
// the first opaque background there. Leaves the element focused.
function backgroundBehind(kbd) {
  const el = document.querySelector(`[data-kbd="${kbd}"]`);
  el.focus(); // as it is seen focused (the skip link moves into view)
  const cs = getComputedStyle(el);
  const d = (parseFloat(cs.outlineOffset) || 0) + (parseFloat(cs.outlineWidth) || 0) / 2;
  const r = el.getBoundingClientRect();
  const opaque = (e) => {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(getComputedStyle(e).backgroundColor);
    return m && (m[4] === undefined || +m[4] > 0.5) ? getComputedStyle(e).backgroundColor : null;
  };
  for (const [x, y] of [[r.left - d, r.top + r.height / 2], [r.left + r.width / 2, r.top - d]]) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    for (const e of document.elementsFromPoint(x, y)) {
      if (e === el || el.contains(e)) continue;
      const bg = opaque(e);
      if (bg) return bg;
    }
    return "rgb(255, 255, 255)";
  }
  for (let e = el.parentElement; e; e = e.parentElement) {
    const bg = opaque(e);
    if (bg) return bg;
  }
  return "rgb(255, 255, 255)";
}

// b (its first line box) comes after a (its last line box) in reading
// order; a and b are in the same region.
function readsAfter(a, b) {
  const tol = 4;
  if (b.top >= a.bottom - tol) return true; // below
  if (b.top >= a.top - tol && b.left >= a.left - tol) return true; // same row, to the right
  return b.top >= a.top - tol && b.bottom <= a.bottom + tol && b.left >= a.left - tol;
}

// Everything the keyboard checks find wrong on the current page state
// (an empty list when all holds). Leaves focus on the document.
async function keyboardProblems(page, label) {
  const problems = [];
  const positive = await page.evaluate(() => Array.from(document.querySelectorAll("[tabindex]"))
    .filter((e) => e.tabIndex > 0).map((e) => e.outerHTML.slice(0, 80)));
  for (const p of positive) problems.push("positive tabindex: " + p);
  // Start at the top of the document: the skip link takes focus first.
  await page.evaluate(() => {
    for (const e of document.querySelectorAll("[data-kbd]")) delete e.dataset.kbd;
    document.activeElement.blur();
    window.scrollTo(0, 0);
  });
  await page.locator(".skip-link").focus();
  const where = () => page.evaluate(() => location.href + " " + document.title + " " +
    document.getElementById("inhalt").childElementCount);
  const before = await where();
  const fwd = await walk(page, "Tab");
  if (!fwd.ended) problems.push("keyboard trap: " + fwd.trap);
  if (fwd.stops.length && !/Zum Inhalt springen/.test(fwd.stops[0].what)) {
    problems.push("first tab stop is not the skip link: " + fwd.stops[0].what);
  }
  // The same stops backwards: start after the last element.
  const last = fwd.stops[fwd.stops.length - 1];
  const back = { stops: [] };
  if (last) {
    await page.evaluate((k) => document.querySelector(`[data-kbd="${k}"]`).focus(), last.kbd);
    const b = await walk(page, "Shift+Tab");
    back.stops = b.stops;
    if (!b.ended) problems.push("keyboard trap (Shift+Tab): " + b.trap);
    const f = fwd.stops.map((s) => s.kbd).join(",");
    const r = back.stops.map((s) => s.kbd).reverse().join(",");
    if (f !== r) problems.push("Shift+Tab order is not the reverse of Tab: " + f + " / " + r);
  }
  // Moving focus alone changes nothing (3.2.1 On Focus).
  const afterWalk = await where();
  if (afterWalk !== before) problems.push("focus changed the page: " + before + " -> " + afterWalk);
  // Every focusable element is reached.
  const expected = await page.evaluate(expectedFocusables);
  for (const e of expected) if (!e.kbd) problems.push("not reachable with Tab: " + e.what);
  // DOM order, and the reading order within each region.
  const domOrdered = await page.evaluate((ks) => {
    const els = ks.map((k) => document.querySelector(`[data-kbd="${k}"]`));
    return els.every((e, i) => i === 0 ||
      (els[i - 1].compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING));
  }, fwd.stops.map((s) => s.kbd));
  if (!domOrdered) problems.push("tab order differs from DOM order");
  for (let i = 1; i < fwd.stops.length; i++) {
    const a = fwd.stops[i - 1];
    const b = fwd.stops[i];
    if (a.region !== b.region) continue;
    const inside = await page.evaluate(([ka, kb]) => document.querySelector(`[data-kbd="${ka}"]`)
      .contains(document.querySelector(`[data-kbd="${kb}"]`)), [a.kbd, b.kbd]);
    if (!inside && !readsAfter(a.end, b.start)) {
      problems.push(`reading order in <${a.region}>: ${b.what} ${JSON.stringify(b.start)} ` +
        `comes after ${a.what} ${JSON.stringify(a.end)}`);
    }
  }
  // Visible focus: the focused look differs from the unfocused one.
  await page.evaluate(() => document.activeElement.blur());
  const focusedStyle = new Map();
  for (const s of back.stops) focusedStyle.set(s.kbd, s); // all stops reached with the keyboard
  for (const s of fwd.stops) {
    const f = focusedStyle.get(s.kbd) || s;
    if (!f.inView) problems.push("focused element not in the viewport: " + f.what);
    const plain = await page.evaluate((k) => {
      const cs = getComputedStyle(document.querySelector(`[data-kbd="${k}"]`));
      return { outline: cs.outlineStyle === "none" || parseFloat(cs.outlineWidth) === 0 ? "none"
        : cs.outlineStyle + " " + cs.outlineWidth + " " + cs.outlineColor, boxShadow: cs.boxShadow };
    }, s.kbd);
    if (f.style.outline === plain.outline && f.style.boxShadow === plain.boxShadow) {
      problems.push("no visible focus indicator: " + f.what + " (" + JSON.stringify(f.style) + " / " + JSON.stringify(plain) + ")");
      continue;
    }
    if (f.style.outline !== "none") {
      const bg = parseColor(await page.evaluate(backgroundBehind, s.kbd));
      const fg = parseColor(f.style.outlineColor);
      const c = fg && bg ? contrast(fg, bg) : 0;
      if (c < 3) problems.push(`focus indicator contrast ${c.toFixed(2)}:1 < 3:1: ${f.what}`);
    }
  }
  return problems.map((p) => label + ": " + p);
}

async function assertKeyboard(page, label) {
  const problems = await keyboardProblems(page, label);
  assert.deepEqual(problems, [], problems.join("\n"));
}

// Press Tab until the focused element matches test(info) (at most
// MAX_STOPS); returns its info.
async function tabTo(page, what, key = "Tab") {
  for (let i = 0; i < MAX_STOPS; i++) {
    await page.keyboard.press(key);
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      return { tag: el.tagName.toLowerCase(), text: (el.textContent || "").trim(), label: el.labels && el.labels[0]
        ? el.labels[0].textContent.trim() : el.getAttribute("aria-label") || "", href: el.getAttribute("href") || "",
      type: el.type || "", form: el.form ? el.form.getAttribute("aria-labelledby") || "" : "" };
    });
    if (what(info)) return info;
  }
  throw new Error("Tab never reached the element wanted");
}

const byText = (re) => (i) => re.test(i.text);
const byLabel = (re) => (i) => re.test(i.label);
const byHref = (re) => (i) => re.test(i.href);

async function activeSummary(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || "").trim().slice(0, 200),
      className: el.className || "" };
  });
}

// [hash, user (null: anonymous), text the page shows]
const PAGES = [
  ["#/anmelden", null, "Anmelden"],
  ["#/anmelden", "mmustermann", "Ihr Konto"],
  ["#/suche", null, "Suche und Fragen"],
  ["#/suche", "mmustermann", "Suche und Fragen"],
  ["#/hochladen", "pamt", "Dokumente hochladen"],
  ["#/entwuerfe", "mmustermann", "Meine Entwürfe"],
  ["#/entwuerfe", null, null],
  ["#/anwendungen", "koord", "fragen"],
  ["#/anwendungen/protokoll", "dsb", "Freigaben je Rolle"],
  ["#/anwendungen/protokoll", "koord", "Freigaben je Rolle"],
  ["#/audit", "rpa", "Prüfkette intakt"],
  ["#/audit", "mmustermann", "Keine Berechtigung"],
  ["#/cockpit", "koord", "Cockpit"],
  ["#/verwaltung", "admin", "Verwaltung"],
  ["#/gibt-es-nicht", null, "Seite nicht gefunden"],
  // The assistants: Schreiben (check, draft from a template), Leichte
  // Sprache (check, draft by the model), the versions in Leichter Sprache
  // and the minutes editor.
  ["#/schreiben", "mmustermann", "Entwurf aus Vorlage"],
  ["#/schreiben", null, "Bitte melden Sie sich an"],
  ["#/leichte-sprache", "mmustermann", "Mit KI in Leichte Sprache übertragen"],
  ["#/fassungen", "mmustermann", "Neue Fassung"],
  ["#/fassungen", null, "Bitte melden Sie sich an"],
  ["#/protokolle", "mmustermann", "Protokoll erfassen"],
];

async function openAs(user, hash, text) {
  const ctx = await lib.context(browser, user);
  const page = await ctx.newPage();
  await lib.open(page, srv.url, hash);
  if (text) await page.getByText(text).first().waitFor({ timeout: 15000 });
  return { ctx, page };
}

for (const [hash, user, text] of PAGES) {
  test(`keyboard on ${hash} as ${user || "anonymous"}: all stops, visible focus, order, no trap`, async () => {
    const { ctx, page } = await openAs(user, hash, text);
    try {
      await assertKeyboard(page, hash + " as " + (user || "anonymous"));
      assert.deepEqual(ctx.problems, [], "page problems");
    } finally {
      await ctx.close();
    }
  });
}

test("client-side navigation: focus on the new page's h1, the title changes; the skip link moves focus to main", async () => {
  const { ctx, page } = await openAs("koord", "#/suche", "Suche und Fragen");
  try {
    // Every link of the main navigation, from the current page onwards.
    const hrefs = await page.locator(".site-nav a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.ok(hrefs.length >= 8, hrefs.join(" "));
    for (const href of [...hrefs.filter((x) => x !== "#/suche"), "#/suche"]) {
      await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
      await page.locator(".skip-link").focus();
      await tabTo(page, (i) => i.href === href);
      const before = await page.title();
      await page.keyboard.press("Enter");
      await page.waitForFunction((want) => location.hash === want && document.activeElement.tagName === "H1" &&
        document.activeElement.closest("main"), href, { timeout: 15000 });
      const h1 = await page.evaluate(() => document.activeElement.textContent);
      assert.equal(await page.title(), h1 + " – lotse", href);
      assert.notEqual(await page.title(), before, href);
      assert.equal(await page.locator(`.site-nav a[href="${href}"]`).getAttribute("aria-current"), "page");
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, "none", "the focused heading shows focus: " + href);
    }
    // Skip link: the first tab stop of a freshly loaded page; Enter moves
    // focus to <main>, and the next Tab goes to the first element inside it.
    await page.reload();
    await page.locator("main h1", { hasText: "Suche und Fragen" }).waitFor();
    await page.keyboard.press("Tab");
    assert.equal((await activeSummary(page)).text, "Zum Inhalt springen");
    await page.keyboard.press("Enter");
    assert.equal((await activeSummary(page)).id, "inhalt");
    await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => document.getElementById("inhalt").contains(document.activeElement) &&
      document.activeElement.id !== "inhalt"), "Tab after the skip link goes into main");
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }
});

test("keyboard only: search, a hit opened; a question asked with Enter, the cited passage opened, the draft signed off", async () => {
  const { ctx, page } = await openAs("mmustermann", "#/suche", "Suche und Fragen");
  try {
    await page.locator(".skip-link").focus();
    await tabTo(page, byLabel(/Suchbegriff/));
    await page.keyboard.type("Urlaubsantrag");
    await page.keyboard.press("Enter"); // implicit submission: "Suchen"
    await page.locator("ol.hits a").first().waitFor();
    assert.match(await page.getByRole("status").filter({ hasText: /Treffer/ }).first().textContent(), /^\d+ Treffer\.$/,
      "a short status line, not the whole list, is announced");
    assert.equal(await page.locator("main [aria-live] ol.hits").count(), 0, "hits outside any live region");
    await assertKeyboard(page, "search hits");
    // From the search field to the first hit, Enter opens the passage.
    await page.getByLabel("Suchbegriff oder Frage").focus();
    const hitHref = await page.locator("ol.hits a").first().getAttribute("href");
    await tabTo(page, (i) => i.href === hitHref);
    await page.keyboard.press("Enter");
    await page.locator("section.passage.cited").waitFor();
    assert.match((await activeSummary(page)).className, /cited/);
    await assertKeyboard(page, "document with the cited passage");

    // A question: type, Tab to "Fragen", Enter.
    await page.goBack();
    await page.locator("h1", { hasText: "Suche und Fragen" }).waitFor();
    await page.getByLabel("Suchbegriff oder Frage").focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("Wie stelle ich einen Urlaubsantrag?");
    await tabTo(page, (i) => i.tag === "button" && i.text === "Fragen");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Antwort" }).waitFor({ timeout: 60000 });
    await assertKeyboard(page, "answer");
    // Tab from the button to the first citation in the answer, Enter.
    await page.getByRole("button", { name: "Fragen" }).focus();
    const cite = await tabTo(page, (i) => /^\[\d+\]$/.test(i.text));
    assert.match(cite.label, /^Quelle \[\d+\]: \S/, "a citation link names its source");
    const draftHref = await page.locator('a[href^="#/entwuerfe/"]').first().getAttribute("href");
    await page.keyboard.press("Enter");
    await page.locator("section.passage.cited").waitFor();
    const want = cite.href.split("/")[3];
    const act = await activeSummary(page);
    assert.match(act.className, /cited/);
    assert.equal(await page.evaluate(() => document.activeElement.id), "passage-" + want);
    assert.match(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), /^Zitierte Passage: /);
    assert.equal(await page.locator("section.passage[aria-label]").count(), 1, "only the cited passage is a region");

    // Back to the answer, Tab to the draft link, Enter, sign off.
    await page.goBack();
    await page.locator("h1", { hasText: "Suche und Fragen" }).waitFor();
    // The answer is not kept across navigation: open the draft from the nav.
    await page.locator(".skip-link").focus();
    await tabTo(page, (i) => i.href === "#/entwuerfe");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement.tagName === "H1");
    await tabTo(page, (i) => i.href === draftHref);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Abzeichnen" }).waitFor();
    assert.equal((await activeSummary(page)).tag, "h1", "focus on the draft's heading");
    await assertKeyboard(page, "draft before sign-off");
    await page.locator("h1").focus();
    await tabTo(page, byLabel(/Geprüfter Text/));
    await tabTo(page, (i) => i.tag === "button" && i.text === "Abzeichnen");
    await page.keyboard.press("Enter");
    await page.getByText(/ist abgezeichnet/).waitFor();
    assert.match((await activeSummary(page)).text, /ist abgezeichnet/, "focus on the confirmation");
    await assertKeyboard(page, "draft after sign-off");
    const id = draftHref.split("/").pop();
    const r = await fetch(srv.url + "/api/drafts/" + id, { headers: { Authorization: "Bearer dev:mmustermann" } });
    assert.equal((await r.json()).status, "final");
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }
});

test("keyboard only: upload through the file input (Space opens the chooser), class chosen with the arrow keys", async () => {
  const { ctx, page } = await openAs("pamt", "#/hochladen", "Dokumente hochladen");
  try {
    await page.locator(".skip-link").focus();
    await tabTo(page, (i) => i.type === "file");
    const word = "Tastatur" + process.pid;
    const chooser = page.waitForEvent("filechooser");
    await page.keyboard.press("Space");
    await (await chooser).setFiles({ name: "tastatur.txt", mimeType: "text/plain",
      buffer: Buffer.from("Merkblatt " + word + "\n\nDas Merkblatt " + word + " beschreibt die Bedienung.\n") });
    await tabTo(page, byLabel(/Schutzklasse/));
    await page.keyboard.press("ArrowDown"); // intern -> vertraulich
    assert.equal(await page.getByLabel("Schutzklasse").inputValue(), "vertraulich");
    await page.keyboard.press("ArrowUp");
    assert.equal(await page.getByLabel("Schutzklasse").inputValue(), "intern");
    await tabTo(page, (i) => i.tag === "button" && i.text === "Hochladen");
    await page.keyboard.press("Enter");
    await page.getByText(/Fertig: 1 Datei/).waitFor({ timeout: 120000 });
    const result = await page.locator("main table").innerText();
    assert.match(result, /tastatur\.txt\s+aufgenommen\s+Dokument \d+/, result);
    await assertKeyboard(page, "upload result");
    assert.deepEqual(ctx.problems, []);
    const r = await fetch(srv.url + "/api/search?q=" + word, { headers: { Authorization: "Bearer dev:pamt" } });
    assert.equal((await r.json()).hits.length, 1);
  } finally {
    await ctx.close();
  }
});

test("keyboard only: each remaining role approves 'protokoll', then the KI-Koordination suspends it", async () => {
  for (const [user, role] of [["hamt", "Fachdienstleitung"], ["dsb", "Datenschutz"]]) {
    const { ctx, page } = await openAs(user, "#/anwendungen/protokoll", "Freigaben je Rolle");
    try {
      await page.locator(".skip-link").focus();
      await tabTo(page, byLabel(/In der Rolle/));
      // Choose the option by typing its first letters (select keyboard search).
      const options = await page.getByLabel("In der Rolle").locator("option").allTextContents();
      for (let i = 0; i < options.length && (await page.getByLabel("In der Rolle")
        .evaluate((s) => s.options[s.selectedIndex].text)) !== role; i++) {
        await page.keyboard.press("ArrowDown");
      }
      assert.equal(await page.getByLabel("In der Rolle").evaluate((s) => s.options[s.selectedIndex].text), role);
      await tabTo(page, (i) => i.tag === "button" && i.text === "Zustimmen");
      await page.keyboard.press("Enter");
      await page.getByText("Zustimmung gespeichert.").waitFor();
      assert.match((await activeSummary(page)).text, /Zustimmung gespeichert/, "focus on the confirmation");
      await assertKeyboard(page, "approved by " + user);
      assert.deepEqual(ctx.problems, []);
    } finally {
      await ctx.close();
    }
  }
  const { ctx, page } = await openAs("koord", "#/anwendungen/protokoll", "läuft (freigegeben)");
  try {
    await page.locator(".skip-link").focus();
    await tabTo(page, (i) => i.tag === "button" && i.text === "Aussetzen");
    await page.keyboard.press("Enter");
    await page.getByText(/Schritt „Aussetzen“ ausgeführt/).waitFor();
    assert.match((await activeSummary(page)).text, /ausgeführt/, "focus on the confirmation");
    await assertKeyboard(page, "suspended");
    await tabTo(page, (i) => i.tag === "button" && i.text === "Wieder aufnehmen");
    await page.keyboard.press("Space");
    await page.getByText(/Schritt „Wieder aufnehmen“ ausgeführt/).waitFor();
    await page.getByText("läuft (freigegeben)").first().waitFor();
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }
});

test("keyboard only: login with password, then the security code (focus moves to it), logout", async (t) => {
  lib.lotse(ws, "user", "add", "tastatur", "--display", "Tara Tastatur", "--unit", "Hauptamt");
  const pw = "Herbst-im-Kreishaus-2026";
  const p = lib.lotseInput(ws, pw + "\n", "user", "passwd", "tastatur");
  if (p.status !== 0) return t.skip("lotse user passwd fehlt: " + p.stderr);
  const e = lib.lotseInput(ws, "", "user", "totp", "enroll", "tastatur");
  assert.equal(e.status, 0, e.stderr);
  const secret = decodeURIComponent(e.stdout.match(/otpauth:\/\/\S*[?&]secret=([A-Z2-7=]+)/i)[1]);
  const { ctx, page } = await openAs(null, "#/anmelden", "Anmelden");
  try {
    await page.keyboard.press("Tab");
    await tabTo(page, byLabel(/^Benutzername$/));
    await page.keyboard.type("tastatur");
    await page.keyboard.press("Tab");
    assert.equal((await page.evaluate(() => document.activeElement.name)), "password");
    await page.keyboard.type(pw);
    await page.keyboard.press("Enter");
    await page.getByLabel(/Sicherheitscode/).waitFor({ state: "visible" });
    assert.equal(await page.evaluate(() => document.activeElement.name), "totp", "focus on the code field");
    await assertKeyboard(page, "login asking for the code");
    await page.getByLabel(/Sicherheitscode/).focus();
    await page.keyboard.type(await lib.totp(secret));
    await page.keyboard.press("Enter");
    await page.getByText("Angemeldet: Tara Tastatur").waitFor();
    await page.waitForFunction(() => document.activeElement.tagName === "H1");
    // Logout: from the navigation to the account page, Tab to the button.
    await page.locator(".skip-link").focus();
    await tabTo(page, (i) => i.href === "#/anmelden");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Abmelden" }).waitFor();
    await tabTo(page, (i) => i.tag === "button" && i.text === "Abmelden");
    await page.keyboard.press("Enter");
    await page.getByText("Nicht angemeldet").waitFor();
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }
});

// Press ArrowDown on the focused <select> until its value is want.
async function chooseWithArrows(page, want) {
  for (let i = 0; i < 100; i++) {
    if (await page.evaluate(() => document.activeElement.value) === want) return;
    await page.keyboard.press("ArrowDown");
  }
  throw new Error("option " + want + " not reached with ArrowDown");
}

test("keyboard only: the administration creates a user (select, check box, password) and deactivates it after the confirmation", async () => {
  const { ctx, page } = await openAs("admin", "#/verwaltung", "Benutzer anlegen");
  try {
    await page.locator(".skip-link").focus();
    await tabTo(page, byLabel(/^Benutzername$/));
    await page.keyboard.type("tkeyboard");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Theo Keyboard");
    await page.keyboard.press("Tab");
    await chooseWithArrows(page, "Hauptamt");
    await tabTo(page, (i) => i.type === "checkbox" && i.label === "vertraulich");
    await page.keyboard.press("Space");
    await tabTo(page, byLabel(/^Erstes Passwort/));
    await page.keyboard.type("Winter-im-Kreishaus-2026");
    await page.keyboard.press("Enter"); // implicit submission of "Benutzer anlegen"
    await page.waitForFunction(() => document.activeElement.id === "verwaltung-status" &&
      document.activeElement.textContent.length > 0, null, { timeout: 15000 });
    const users = await (await fetch(srv.url + "/api/admin/users", { headers: { Authorization: "Bearer dev:admin" } })).json();
    const u = users.users.find((x) => x.name === "tkeyboard");
    assert.ok(u, "user created");
    assert.equal(u.unit, "Hauptamt");
    assert.deepEqual([...u.clearance].sort(), ["intern", "offen", "vertraulich"]);
    assert.ok(u.password, "password set");
    await assertKeyboard(page, "Verwaltung after creating a user");
    // Deactivate: the account form's user, the button, the confirmation.
    await page.locator("#verwaltung-status").focus();
    await tabTo(page, (i) => i.tag === "select" && i.label === "Benutzer" && i.form === "h-account");
    await chooseWithArrows(page, "tkeyboard");
    await tabTo(page, (i) => i.tag === "button" && i.text === "Deaktivieren");
    // The confirmation is the browser's own dialog (keyboard operable);
    // accepted by the handler, as Enter does not return while it is open.
    let asked = "";
    page.once("dialog", (dlg) => { asked = dlg.message(); dlg.accept(); });
    await page.keyboard.press("Enter");
    await page.getByText(/deaktiviert seit/).first().waitFor({ timeout: 15000 });
    assert.match(asked, /tkeyboard deaktivieren\?/);
    const after = await (await fetch(srv.url + "/api/admin/users", { headers: { Authorization: "Bearer dev:admin" } })).json();
    assert.equal(after.users.find((x) => x.name === "tkeyboard").active, false);
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }
});

async function apiAs(user, method, p, body) {
  const r = await fetch(srv.url + p, { method, body: body ? JSON.stringify(body) : undefined,
    headers: { Authorization: "Bearer dev:" + user, "Content-Type": "application/json" } });
  return { status: r.status, body: await r.json() };
}

test("keyboard only: the assistants' pages in their result states (checks, template draft, a version, the minutes editor grown)", async () => {
  const text = "Der Antrag wird seitens der Behörde geprüft. Die Entscheidung erfolgt z. B. nach Eingang.";
  let { ctx, page } = await openAs("mmustermann", "#/schreiben", "Entwurf aus Vorlage");
  try {
    // Schreiben: the check with findings, then a template sent with its
    // fields empty (the error summary takes focus).
    await page.locator(".skip-link").focus();
    await tabTo(page, byLabel(/^Ihr Text$/));
    await page.keyboard.type(text);
    await tabTo(page, (i) => i.tag === "button" && i.text === "Prüfen");
    await page.keyboard.press("Enter");
    await page.locator("#befunde").waitFor();
    await assertKeyboard(page, "Schreiben with findings");
    await page.locator("h1").focus();
    await tabTo(page, byLabel(/^Vorlage$/));
    await chooseWithArrows(page, "vermerk");
    await tabTo(page, (i) => i.tag === "button" && i.text === "Entwurf erstellen");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement.id === "vorlage-fehler");
    await assertKeyboard(page, "Schreiben, template with missing fields");
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }

  ({ ctx, page } = await openAs("mmustermann", "#/leichte-sprache", "Mit KI in Leichte Sprache übertragen"));
  try {
    await page.locator(".skip-link").focus();
    await tabTo(page, byLabel(/^Ihr Text$/));
    await page.keyboard.type(text);
    await tabTo(page, (i) => i.tag === "button" && i.text === "Prüfen");
    await page.keyboard.press("Enter");
    await page.locator("#befunde").waitFor();
    await assertKeyboard(page, "Leichte Sprache with findings and scores");
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }

  // A version in Leichter Sprache, opened from the list with Enter.
  const made = await apiAs("mmustermann", "POST", "/api/easy/versions",
    { bescheid_ref: "50.2-1234/2026", text: "Sie bekommen Geld.\n\nDas Geld kommt jeden Monat." });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  ({ ctx, page } = await openAs("mmustermann", "#/fassungen", "Neue Fassung"));
  try {
    await page.locator(".skip-link").focus();
    await tabTo(page, byHref(new RegExp("^#/fassungen/" + made.body.id + "$")));
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement.tagName === "H1" &&
      /50\.2-1234\/2026/.test(document.activeElement.textContent), null, { timeout: 15000 });
    await page.waitForLoadState("networkidle");
    await assertKeyboard(page, "a version in Leichter Sprache");
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }
  // The same version as a colleague sees it: the four-eyes check is hers.
  ({ ctx, page } = await openAs("hamt", "#/fassungen/" + made.body.id, "Als geprüft bestätigen"));
  try {
    await assertKeyboard(page, "a version in Leichter Sprache, seen by a reviewer");
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }

  // Protokolle: a TOP and a task added with the keyboard.
  ({ ctx, page } = await openAs("mmustermann", "#/protokolle", "Protokoll erfassen"));
  try {
    await page.locator(".skip-link").focus();
    for (const name of ["TOP hinzufügen", "Aufgabe hinzufügen"]) {
      await tabTo(page, (i) => i.tag === "button" && i.text === name);
      await page.keyboard.press("Enter");
    }
    await assertKeyboard(page, "Protokolle with an added TOP and task");
    assert.deepEqual(ctx.problems, []);
  } finally {
    await ctx.close();
  }
});

// Horizontal overflow of the page and clipped text; [] when all fits.
// Waits for two frames first: layout and resize observers after a change.
async function reflowProblems() {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const out = [];
  const de = document.documentElement;
  if (de.scrollWidth > de.clientWidth + 1) {
    const wide = Array.from(document.querySelectorAll("body *")).filter((e) => {
      const r = e.getBoundingClientRect();
      return r.right > de.clientWidth + 1 && !e.closest(".table-wrap");
    }).slice(0, 5).map((e) => e.tagName.toLowerCase() + "." + e.className + " right=" +
      Math.round(e.getBoundingClientRect().right));
    out.push(`page scrolls sideways: scrollWidth ${de.scrollWidth} > ${de.clientWidth} (${wide.join("; ")})`);
  }
  for (const w of document.querySelectorAll(".table-wrap")) {
    if (w.scrollWidth > w.clientWidth + 1 && !(w.tabIndex === 0 && w.getAttribute("role") === "region" &&
        w.getAttribute("aria-labelledby"))) {
      out.push("a table scrolls sideways but its region is not focusable and named: " + w.textContent.slice(0, 40));
    }
  }
  for (const e of document.querySelectorAll("body *")) {
    const cs = getComputedStyle(e);
    if (e.closest(".visually-hidden, .skip-link") || !e.checkVisibility()) continue;
    // A text field's value scrolls inside it with the caret: no loss.
    if (e.matches("textarea, input:is([type=text], [type=search], [type=password], [type=email], " +
      "[type=number], [type=url], [type=tel])")) continue;
    const clips = (o) => o === "hidden" || o === "clip";
    if ((clips(cs.overflowX) && e.scrollWidth > e.clientWidth + 1) ||
        (clips(cs.overflowY) && e.scrollHeight > e.clientHeight + 1)) {
      out.push("clipped content: " + e.outerHTML.slice(0, 100) + ` (${e.scrollWidth}×${e.scrollHeight} in ` +
        `${e.clientWidth}×${e.clientHeight})`);
    }
  }
  return out;
}

const REFLOW = [
  ["#/anmelden", null, "Anmelden"],
  ["#/suche", "mmustermann", "Suche und Fragen"],
  ["#/hochladen", "pamt", "Dokumente hochladen"],
  ["#/entwuerfe", "mmustermann", "Meine Entwürfe"],
  ["#/anwendungen", "koord", "fragen"],
  ["#/anwendungen/protokoll", "koord", "Freigaben je Rolle"],
  ["#/audit", "rpa", "Prüfkette intakt"],
  ["#/cockpit", "koord", "Cockpit"],
  ["#/verwaltung", "admin", "Verwaltung"],
  ["#/schreiben", "mmustermann", "Entwurf aus Vorlage"],
  ["#/leichte-sprache", "mmustermann", "Mit KI in Leichte Sprache übertragen"],
  ["#/fassungen", "mmustermann", "Neue Fassung"],
  ["#/protokolle", "mmustermann", "Protokoll erfassen"],
];

for (const [hash, user, text] of REFLOW) {
  test(`reflow ${hash}: 320 CSS px without sideways scrolling; text at 200 % and wider spacing not clipped`, async () => {
    const { ctx, page } = await openAs(user, hash, text);
    try {
      await page.setViewportSize({ width: 320, height: 640 });
      const narrow = await page.evaluate(reflowProblems);
      await lib.screenshot(page, "reflow-320-" + hash.replace(/[^a-z]+/g, "-").replace(/^-|-$/g, ""));
      assert.deepEqual(narrow, [], hash + " at 320 px:\n" + narrow.join("\n"));
      // Tables wider than the page scroll in a focusable region: the
      // keyboard checks hold at this width too.
      await assertKeyboard(page, hash + " at 320 px");
      // Text-only zoom to 200 % at 1280 px (the browser setting "font size").
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.evaluate(() => { document.documentElement.style.fontSize = "200%"; });
      const zoomed = await page.evaluate(reflowProblems);
      const sizes = await page.evaluate(() => [getComputedStyle(document.querySelector("main h1")).fontSize,
        getComputedStyle(document.body).fontSize]);
      await lib.screenshot(page, "text-200-" + hash.replace(/[^a-z]+/g, "-").replace(/^-|-$/g, ""));
      assert.deepEqual(zoomed, [], hash + " with text at 200 %:\n" + zoomed.join("\n"));
      assert.equal(sizes[1], "32px", "body text scales with the root font size");
      assert.ok(parseFloat(sizes[0]) >= 56, "headings scale: " + sizes[0]);
      // Text spacing (1.4.12): line height 1.5, paragraphs 2 em apart,
      // letter spacing 0.12 em, word spacing 0.16 em — nothing clipped.
      await page.evaluate(() => { // through the CSSOM: the page's CSP forbids <style>
        const sheet = document.styleSheets[0];
        sheet.insertRule("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; " +
          "word-spacing: 0.16em !important; }", sheet.cssRules.length);
        sheet.insertRule("p { margin-bottom: 2em !important; }", sheet.cssRules.length);
      });
      const spaced = await page.evaluate(reflowProblems);
      assert.deepEqual(spaced, [], hash + " with wider text spacing:\n" + spaced.join("\n"));
      // Both at once (320 px and 200 % text) still reflows.
      await page.setViewportSize({ width: 320, height: 640 });
      const both = await page.evaluate(reflowProblems);
      assert.deepEqual(both, [], hash + " at 320 px with text at 200 %:\n" + both.join("\n"));
      const vs = await lib.axe(page, axeSource);
      assert.deepEqual(vs, [], lib.describeViolations(vs));
      assert.deepEqual(ctx.problems, []);
    } finally {
      await ctx.close();
    }
  });
}

test("forced colours (Windows high contrast): the focus ring stays on every stop", async () => {
  for (const [hash, user, text] of [["#/suche", "mmustermann", "Suche und Fragen"],
    ["#/anwendungen/protokoll", "koord", "Freigaben je Rolle"]]) {
    const { ctx, page } = await openAs(user, hash, text);
    try {
      await page.emulateMedia({ forcedColors: "active" });
      assert.ok(await page.evaluate(() => matchMedia("(forced-colors: active)").matches));
      await assertKeyboard(page, hash + " in forced colours");
      await lib.screenshot(page, "forced-colors-" + hash.replace(/[^a-z]+/g, "-").replace(/^-|-$/g, ""));
    } finally {
      await ctx.close();
    }
  }
});

test("prefers-reduced-motion: no transition or animation runs", async () => {
  const { ctx, page } = await openAs("koord", "#/anwendungen/protokoll", "Freigaben je Rolle");
  try {
    await page.emulateMedia({ reducedMotion: "reduce" });
    const moving = await page.evaluate(() => {
      const out = [];
      for (const e of [document.documentElement, ...document.querySelectorAll("*")]) {
        for (const pseudo of [null, "::before", "::after"]) {
          const cs = getComputedStyle(e, pseudo);
          const dur = (s) => s.split(",").some((x) => parseFloat(x) > 0);
          if (dur(cs.transitionDuration) || (cs.animationName !== "none" && dur(cs.animationDuration))) {
            out.push(e.tagName.toLowerCase() + (pseudo || "") + "." + e.className);
          }
        }
        if (getComputedStyle(e).scrollBehavior === "smooth") out.push("smooth scrolling: " + e.tagName);
      }
      return out;
    });
    assert.deepEqual(moving, []);
    assert.deepEqual(await page.evaluate(() => document.getAnimations().length), 0);
    // A transition added later is switched off by the style sheet's rule
    // for reduced motion, and runs without it (the check can fail).
    const planted = async () => page.evaluate(() => getComputedStyle(document.querySelector(".planted-motion"))
      .transitionDuration);
    await page.evaluate(() => {
      const sheet = document.styleSheets[0];
      sheet.insertRule(".planted-motion { transition: color 1s; }", sheet.cssRules.length - 1);
      const p = document.createElement("p");
      p.className = "planted-motion";
      p.textContent = "Bewegung";
      document.getElementById("inhalt").append(p);
    });
    assert.equal(await planted(), "0s", "reduced motion turns a transition off");
    await page.emulateMedia({ reducedMotion: "no-preference" });
    assert.equal(await planted(), "1s");
  } finally {
    await ctx.close();
  }
});

test("harness: planted faults are reported (positive tabindex, no focus indicator, low contrast, trap, order, unreachable, reflow)", async () => {
  const { ctx, page } = await openAs("mmustermann", "#/suche", "Suche und Fragen");
  try {
    assert.deepEqual(await keyboardProblems(page, "clean"), []);
    await page.evaluate(() => {
      const main = document.getElementById("inhalt");
      const a = document.createElement("button");
      a.textContent = "ohne Fokus";
      a.style.outline = "none";
      a.className = "planted-a";
      const b = document.createElement("button");
      b.textContent = "vorgezogen";
      b.tabIndex = 2;
      const c = document.createElement("button");
      c.textContent = "blass";
      c.style.outlineColor = "#eeeeee";
      // d sits above the elements before it on screen: reading order.
      const d = document.createElement("a");
      d.href = "#/suche";
      d.textContent = "oben";
      d.style.position = "absolute";
      d.style.top = "0";
      d.style.left = "40%";
      // e cannot take focus (inert), though it looks like a button.
      const box = document.createElement("div");
      box.inert = true;
      const e = document.createElement("button");
      e.textContent = "unerreichbar";
      box.append(e);
      main.append(a, c, d, b, box);
    });
    const problems = (await keyboardProblems(page, "planted")).join("\n");
    assert.match(problems, /positive tabindex/);
    assert.match(problems, /no visible focus indicator: button „ohne Fokus“/);
    assert.match(problems, /contrast [\d.]+:1 < 3:1: button „blass“/);
    assert.match(problems, /reading order in <main>: a „oben“/);
    assert.match(problems, /not reachable with Tab: <button>unerreichbar/);
    // A trap: a field that sends focus back to itself on Tab.
    await page.reload();
    await page.locator("h1").waitFor();
    await page.evaluate(() => {
      const i = document.getElementById("inhalt").querySelector("input");
      i.addEventListener("keydown", (e) => { if (e.key === "Tab") e.preventDefault(); });
    });
    assert.match((await keyboardProblems(page, "trap")).join("\n"), /keyboard trap: focus stays on input/);
    // Reflow: a fixed-width box widens the page; a fixed-height box clips.
    await page.setViewportSize({ width: 320, height: 640 });
    assert.deepEqual(await page.evaluate(reflowProblems), []);
    await page.evaluate(() => {
      const wide = document.createElement("p");
      wide.textContent = "breit";
      wide.style.width = "500px";
      const low = document.createElement("p");
      low.textContent = "abgeschnitten ".repeat(20);
      low.style.height = "1em";
      low.style.overflow = "hidden";
      document.getElementById("inhalt").append(wide, low);
    });
    const reflow = (await page.evaluate(reflowProblems)).join("\n");
    assert.match(reflow, /page scrolls sideways/);
    assert.match(reflow, /clipped content: <p style/);
  } finally {
    await ctx.close();
  }
});

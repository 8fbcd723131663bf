// SPDX-License-Identifier: EUPL-1.2
// tests/browser/lib.mjs — the browser test harness: a scratch workspace
// with the demo data (fixture.sh), `lotse serve` on a free port, Debian's
// chromium driven by playwright-core, axe-core run inside each page, and
// screenshots written to LOTSE_ARTIFACTS (build/test-artifacts/browser).
//
// Environment: LOTSE_BIN, LOTSE_TEST_TMP, LOTSE_SOURCE_DIR,
// LOTSE_ARTIFACTS, LOTSE_CHROMIUM (default /usr/bin/chromium).
// Tools missing (chromium, node_modules of tests/reference): exit 77, which
// ctest reports as skipped, with the reason on stderr.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const SRC = process.env.LOTSE_SOURCE_DIR || path.resolve(here, "../..");
export const BIN = path.resolve(process.env.LOTSE_BIN || path.join(SRC, "build/lotse"));
const TMP = process.env.LOTSE_TEST_TMP || "/tmp";
export const ARTIFACTS = process.env.LOTSE_ARTIFACTS ||
  path.join(SRC, "build", "test-artifacts", "browser");
const CHROMIUM = process.env.LOTSE_CHROMIUM || "/usr/bin/chromium";
const REF = path.join(SRC, "tests", "reference");
export const SKIP = 77;

export function skip(why) {
  process.stderr.write("SKIP: " + why + "\n");
  process.exit(SKIP);
}

// playwright-core and axe-core from tests/reference/node_modules.
export function tools() {
  if (!fs.existsSync(CHROMIUM)) {
    skip(CHROMIUM + " fehlt (apt-get install chromium; scripts/install-test-tools.sh)");
  }
  const req = createRequire(path.join(REF, "package.json"));
  let pw, axePath;
  try {
    pw = req("playwright-core");
    axePath = req.resolve("axe-core/axe.min.js");
  } catch (e) {
    skip("playwright-core/axe-core fehlen in tests/reference/node_modules " +
      "(scripts/install-test-tools.sh): " + e.message);
  }
  return { chromium: pw.chromium, axeSource: fs.readFileSync(axePath, "utf8") };
}

export function scratch(name) {
  const d = path.join(TMP, "browser-" + name + "." + process.pid);
  fs.rmSync(d, { recursive: true, force: true });
  fs.mkdirSync(d, { recursive: true });
  return d;
}

// The demo workspace (users, documents, governance) under dir/ws.
export function demoWorkspace(dir) {
  const ws = path.join(dir, "ws");
  const p = spawnSync(path.join(here, "fixture.sh"), [BIN, ws],
    { encoding: "utf8", timeout: 600000 });
  if (p.status !== 0) throw new Error("fixture.sh: " + p.stdout + p.stderr);
  return ws;
}

export function lotse(ws, ...args) {
  const p = spawnSync(BIN, ["--workspace", ws, ...args],
    { encoding: "utf8", timeout: 600000 });
  if (p.status !== 0) {
    throw new Error("lotse " + args.join(" ") + ": " + p.stdout + p.stderr);
  }
  return p.stdout;
}

// `lotse serve --port 0 ...`; resolves with {url, stop()} once /healthz
// answers. stop() sends SIGTERM and resolves with the exit code.
export async function serve(ws, ...extra) {
  const errPath = path.join(ws, "..", "serve-" + process.hrtime.bigint() + ".err");
  const err = fs.openSync(errPath, "w");
  const proc = spawn(BIN, ["--workspace", ws, "serve", "--port", "0", ...extra],
    { stdio: ["ignore", "pipe", err] });
  const exited = new Promise((res) => proc.on("exit", (code, sig) => res(code ?? sig)));
  const url = await new Promise((resolve, reject) => {
    let buf = "";
    const t = setTimeout(() => reject(new Error("server did not start: " +
      fs.readFileSync(errPath, "utf8"))), 120000);
    proc.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(/http:\/\/(\[[^\]]+\]|[^:/\s]+):(\d+)\//);
      if (m) { clearTimeout(t); resolve("http://" + m[1] + ":" + m[2]); }
    });
    proc.on("exit", () => reject(new Error("server exited: " +
      fs.readFileSync(errPath, "utf8"))));
  });
  proc.stdout.resume();
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url + "/healthz")).ok) break;
    } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stderr: () => fs.readFileSync(errPath, "utf8"),
    stop: async () => { proc.kill("SIGTERM"); return exited; },
  };
}

// axe-core inside the page (evaluated through the DevTools protocol, so
// the page's own Content-Security-Policy stays in force for its scripts).
// WCAG 2.0/2.1 A and AA rules. Returns the violations.
export async function axe(page, axeSource) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary),
    }));
  });
}

export function describeViolations(vs) {
  return vs.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ` +
    v.nodes.join("\n    ")).join("\n");
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name + ".png");
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// A new browser context working as user (development access of the web
// application: the name kept in sessionStorage, sent as Bearer dev:NAME);
// no user: the anonymous public. Collects page errors, console errors and
// CSP violations in ctx.problems.
export async function context(browser, user) {
  const ctx = await browser.newContext({ locale: "de-DE", viewport: { width: 1280, height: 900 } });
  if (user) {
    await ctx.addInitScript((u) => {
      // about:blank (the first document of a page) has no storage.
      if (location.protocol === "http:") sessionStorage.setItem("lotse.devUser", u);
    }, user);
  }
  ctx.problems = [];
  ctx.on("page", (p) => watch(p, ctx.problems));
  return ctx;
}

export function watch(page, problems) {
  page.on("pageerror", (e) => problems.push("pageerror: " + e.message));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // An API refusal the page shows as a message is not a page problem.
    if (/Failed to load resource: the server responded with a status of (401|403|404|409)/.test(m.text())) return;
    problems.push("console: " + m.text());
  });
}

// Load "#/name" and wait until the page rendered its <h1> (the router
// replaced the "wird geladen" placeholder).
export async function open(page, url, hash) {
  await page.goto(url + "/" + hash);
  await page.waitForFunction(() => {
    const m = document.getElementById("inhalt");
    return m && !/wird geladen/.test(m.textContent) && m.querySelector("h1");
  }, null, { timeout: 30000 });
  await page.waitForLoadState("networkidle");
}

// Text that only a rendering bug puts on a page: a JavaScript null,
// undefined, NaN or an object printed as text. Returns the offending lines.
export async function junkText(page) {
  const text = await page.locator("body").innerText();
  return text.split("\n").filter((l) =>
    /^\s*(null|undefined|NaN)\s*$|\[object Object\]|\bundefined\b/.test(l));
}

// `lotse ... ` with text on stdin; returns {status, stdout, stderr}.
export function lotseInput(ws, input, ...args) {
  return spawnSync(BIN, ["--workspace", ws, ...args],
    { encoding: "utf8", input, timeout: 600000 });
}

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 secret, for the
// step that holds unix time t (seconds).
export async function totp(secretB32, t = Date.now() / 1000) {
  const { createHmac } = await import("node:crypto");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretB32.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error("bad base32: " + c);
    bits += v.toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, "0");
}

export async function freePort() {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

// The test OpenID provider of tests/reference (npm oidc-provider; users
// alice and bob, a plain login form). Resolves with {issuer, stop()}.
export async function oidcProvider(port, redirectUri) {
  const script = path.join(REF, "oidc_provider.mjs");
  if (!fs.existsSync(script) || !fs.existsSync(path.join(REF, "node_modules", "oidc-provider"))) {
    return null;
  }
  const proc = spawn(process.execPath, [script, String(port), redirectUri],
    { cwd: REF, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    let buf = "";
    proc.stdout.on("data", (d) => {
      buf += d;
      if (buf.startsWith("ready")) resolve();
    });
    proc.on("exit", (c) => reject(new Error("oidc provider exited " + c + ": " + buf)));
  });
  proc.stdout.resume();
  const exited = new Promise((res) => proc.on("exit", (code, sig) => res(code ?? sig)));
  return { issuer: "http://127.0.0.1:" + port, stop: async () => { proc.kill("SIGTERM"); return exited; } };
}

// Chromium as every browser test starts it (LOTSE_CHROMIUM or Debian's).
export function launch(chromium) {
  return chromium.launch({
    executablePath: process.env.LOTSE_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
}

// The checks every page state must pass: no axe violation, no text of a
// rendering bug ("undefined", "[object Object]", …), none of the page
// problems watch() collected; a screenshot named shot either way.
export async function assertClean(page, problems, axeSource, shot, what) {
  const vs = await axe(page, axeSource);
  await screenshot(page, shot);
  assert.deepEqual(vs, [], what + ":\n" + describeViolations(vs));
  assert.deepEqual(await junkText(page), [], what + ": text of a rendering bug");
  assert.deepEqual(problems, [], what + ": page problems");
}

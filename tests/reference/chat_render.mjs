// SPDX-License-Identifier: EUPL-1.2
//
// chat_render.mjs — reference renderings of chat templates with
// @huggingface/jinja (the JS port of jinja2 that transformers.js uses).
//
// Usage: node chat_render.mjs DATA_DIR > DATA_DIR/expected.json
// DATA_DIR holds *.jinja templates and cases.json (templates with their
// bos/eos tokens, the fixed "now" for strftime_now, and the conversations).
// Output: {"<template>/<case>": {"output": "..."} | {"error": "..."}}, keys
// sorted, so the committed fixture diffs cleanly.
// Run with TZ=UTC; strftime_now sees the fixed instant cases.json names.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Template } from "@huggingface/jinja";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: node chat_render.mjs DATA_DIR\n");
  process.exit(2);
}
const spec = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8"));

// strftime_now() reads `new Date()`; pin it to spec.now, and pin the month
// names to English (Python's C locale) whatever the machine's locale is.
const fixed = Date.parse(spec.now);
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...a) { super(...(a.length ? a : [fixed])); }
  static now() { return fixed; }
};
const RealDTF = Intl.DateTimeFormat;
Intl.DateTimeFormat = function (loc, opts) { return new RealDTF(loc ?? "en-US", opts); };

const out = {};
const names = readdirSync(dir).filter((f) => f.endsWith(".jinja")).sort();
for (const name of names) {
  const meta = spec.templates[name] ?? {};
  const tmpl = new Template(readFileSync(join(dir, name), "utf8"));
  for (const c of spec.cases) {
    const vars = {
      messages: c.messages,
      add_generation_prompt: c.add_generation_prompt,
      bos_token: meta.bos_token ?? "",
      eos_token: meta.eos_token ?? "",
      enable_thinking: c.enable_thinking,
      ...(c.tools ? { tools: c.tools } : {}),
    };
    const key = `${name}/${c.name}`;
    try {
      out[key] = { output: tmpl.render(vars) };
    } catch (e) {
      out[key] = { error: String(e && e.message ? e.message : e) };
    }
  }
}
const sorted = {};
for (const k of Object.keys(out).sort()) sorted[k] = out[k];
process.stdout.write(JSON.stringify(sorted, null, 1) + "\n");

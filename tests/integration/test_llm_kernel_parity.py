# SPDX-License-Identifier: EUPL-1.2
"""Kernel-level parity of the built-in engine with llama.cpp (issue 3).

For every weight type, on a tiny synthetic llama model: llama.cpp's graph is
run with every intermediate dumped (tests/reference/refdump), and each of
lotse's matmuls is fed llama.cpp's own input for it
(tests/reference/lotsedump, through tests/reference/parity_localise.py).
With the same input, lotse's output must equal llama.cpp's to float
rounding (relative 1e-5 of the tensor's largest value) for every matmul of
every layer and the output: the same weights, the same activation
quantisation (Q8_0 / Q8_K, scale rounding, sums) and the same dot product.

Why this test beside test_llm_parity.py: on these models the end-to-end
comparison is chaotic. A one-ulp difference anywhere before a matmul (e.g.
in SiLU or attention) flips one rounding of the activation re-quantisation,
which changes that token's whole output row by ~1e-3 and then, through
attention, every row; llama.cpp differs from itself as much when flash
attention is switched. This test checks the quantised path without that
amplification, so a systematic error there cannot hide in the noise.

F16/BF16: llama.cpp rounds the activations to the weight's type before the
dot product (ggml's vec_dot_type); lotse does the same (quant.h), so these
types are checked like the others.

Needs the llama.cpp reference (tests/reference/node_modules) and liblotse.a
beside LOTSE_BIN; skipped otherwise and under the sanitizer build.
"""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

REF = os.path.join(lt.SRC, "tests", "reference")
TYPES = ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"]
SIMULATE_ROUNDING = ()  # types whose rounding lotsedump would simulate
TOL = 1e-5


class LlmKernelParity(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(REF, "node_modules")):
            raise unittest.SkipTest(
                "llama.cpp reference not installed (cd tests/reference && "
                "npm ci --omit=optional)")
        cls.build = os.path.dirname(os.path.abspath(lt.BIN))
        cache = os.path.join(cls.build, "CMakeCache.txt")
        if not os.path.exists(os.path.join(cls.build, "liblotse.a")):
            raise unittest.SkipTest("no liblotse.a beside " + lt.BIN)
        if os.path.exists(cache):
            with open(cache) as f:
                sanitized = "LOTSE_SANITIZE:BOOL=ON" in f.read()
        else:
            sanitized = False
        if sanitized:
            raise unittest.SkipTest("sanitizer build (lotsedump links liblotse.a)")
        cls.work = lt.scratch("llm-kernel-parity")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_every_matmul_equals_llama_cpp_on_the_same_input(self):
        bad = []
        for typ in TYPES:
            model = os.path.join(self.work, "llama-%s.gguf" % typ.lower())
            subprocess.run([lt.BIN, "model", "synth", "--shape", "tiny",
                            "--arch", "llama", "--vocab", "bytes", "--type",
                            typ, "--seed", "7", "-o", model], check=True,
                           capture_output=True)
            cmd = [sys.executable, os.path.join(REF, "parity_localise.py"),
                   "--lotse-build", self.build, model, "--json"]
            if typ in SIMULATE_ROUNDING:
                cmd.append("--round-act")
            p = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=600)
            self.assertEqual(p.returncode, 0, p.stderr)
            res = json.loads(p.stdout.splitlines()[-1])
            isos = [t for t in res["tensors"] if t["iso"] is not None]
            self.assertGreaterEqual(len(isos), 15, typ)  # 2 layers x 7 + output
            worst = max(t["iso"] for t in isos)
            print("%s: largest relative matmul difference %.3g" % (typ, worst))
            bad += ["%s %s %.3g" % (typ, t["tensor"], t["iso"])
                    for t in isos if t["iso"] > TOL]
            os.remove(model)
        self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main()

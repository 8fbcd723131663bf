# SPDX-License-Identifier: EUPL-1.2
"""lotse's tensor types against the real ggml (tests/reference/ggml_types.sh).

Block sizes, bit-exact dequantisation of both quantisers' bytes, and matmul
results at every SIMD level vs ggml's vec_dot. Skips (passes with a message)
when node-llama-cpp is not installed under tests/reference/node_modules.
"""
import os
import subprocess
import sys
import unittest

SRC = os.environ.get("LOTSE_SOURCE_DIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))


class GgmlTypes(unittest.TestCase):
    def test_cross_check(self):
        script = os.path.join(SRC, "tests", "reference", "ggml_types.sh")
        tmp = os.environ.get("LOTSE_TEST_TMP")
        if tmp:
            os.makedirs(tmp, exist_ok=True)
        p = subprocess.run(["sh", script], capture_output=True, text=True,
                           timeout=600)
        sys.stderr.write(p.stdout)
        if p.returncode == 77:
            self.skipTest(p.stdout.strip() or "reference not available")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("\nok\n", "\n" + p.stdout)


if __name__ == "__main__":
    unittest.main()

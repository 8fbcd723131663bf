# SPDX-License-Identifier: EUPL-1.2
"""Weights are mapped, not copied (issue 3): the peak resident memory of a
generation stays within the model file's size plus its KV cache plus 10%.

The model is a synthetic Qwen2-0.5B-shape file in Q8_0 (about 530 MB, the
vocabulary padded to 151,936 tokens), so fixed costs (program, tokenizer,
scratch buffers) must fit in the 10%. The peak is the kernel's ru_maxrss of
the one child process (os.wait4). Skipped under ASan, whose shadow memory
makes resident sizes meaningless."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

CTX = 2048
# qwen2-0.5b: 24 layers, 2 KV heads of 64; K and V in f16
KV_BYTES = 2 * 24 * CTX * 2 * 64 * 2


def peak_rss(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    err = p.stderr.read().decode()
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(cmd), err))
    return usage.ru_maxrss * 1024


@unittest.skipIf(os.environ.get("LOTSE_SANITIZE") == "1",
                 "resident memory is not meaningful under ASan")
class Memory(unittest.TestCase):
    def test_peak_rss_within_file_plus_kv_plus_10_percent(self):
        d = lt.scratch("llm-memory")
        model = os.path.join(d, "q8.gguf")
        subprocess.run([lt.BIN, "model", "synth", "-o", model, "--arch",
                        "qwen2", "--type", "Q8_0", "--shape", "qwen2-0.5b",
                        "--n-vocab", "151936"], check=True,
                       capture_output=True)
        size = os.path.getsize(model)
        rss = peak_rss([lt.BIN, "generate", "-m", model, "--ctx", str(CTX),
                        "-t", "2", "--temp", "0", "--max-tokens", "16",
                        "Der Kreistag hat in seiner Sitzung beschlossen"])
        limit = (size + KV_BYTES) * 1.10
        print("file %.1f MB, KV %.1f MB, peak RSS %.1f MB, limit %.1f MB"
              % (size / 1e6, KV_BYTES / 1e6, rss / 1e6, limit / 1e6))
        self.assertLessEqual(rss, limit)
        os.remove(model)


if __name__ == "__main__":
    unittest.main()

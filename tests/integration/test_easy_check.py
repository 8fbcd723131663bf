# SPDX-License-Identifier: EUPL-1.2
"""`lotse easy check`: JSON findings whose byte offsets cut the matched text
out of the input (umlauts before them included), the scores line, the
options, the German list, stdin, exit codes, and the docs page against -h."""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

TEXT = ("Ihr Antrag über Geld wurde am 01.02.2026 geprüft, weil alle "
        "Unterlagen vorlagen.\n"
        "Sie bekommen keine Krankenversicherung nach Teil IV.\n"
        "Wir helfen Ihnen gern.\n")

EXPECTED = [
    ("passive", "wurde am 01.02.2026 geprüft"),
    ("date", "01.02.2026"),
    ("statements", ", weil"),
    ("negation", "keine"),
    ("long_word", "Krankenversicherung"),
    ("roman_numeral", "IV"),
]

HYPH = os.environ.get("LOTSE_HYPHEN_DIC", "/usr/share/hyphen/hyph_de_DE.dic")


def lotse(*args, stdin=None, env=None):
    return subprocess.run([lt.BIN] + [str(a) for a in args], input=stdin,
                          capture_output=True, timeout=120, env=env)


@unittest.skipUnless(os.path.exists(HYPH),
                     "German hyphenation patterns (hyphen-de) not installed")
class EasyCheck(lt.TestCase):
    def setUp(self):
        self.dir = lt.scratch(self.id().split(".")[-1])
        self.path = lt.write(os.path.join(self.dir, "brief.txt"),
                             TEXT.encode("utf-8"))

    def lines(self, *args, stdin=None):
        p = lotse("easy", "check", "--json", *args, stdin=stdin)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [json.loads(l) for l in p.stdout.decode().splitlines()]

    def test_json_offsets(self):
        data = TEXT.encode("utf-8")
        got = self.lines(self.path)
        scores = got.pop()["scores"]
        self.assertEqual(sorted((f["rule"], data[f["start"]:f["end"]].decode())
                                for f in got), sorted(EXPECTED))
        starts = [f["start"] for f in got]
        self.assertEqual(starts, sorted(starts))
        for f in got:
            self.assertEqual(set(f), {"rule", "start", "end", "sentence",
                                      "message", "suggestion"})
            self.assertTrue(f["message"])
        by_rule = {f["rule"]: f for f in got}
        self.assertEqual(by_rule["date"]["suggestion"], "1. Februar 2026")
        self.assertEqual(by_rule["roman_numeral"]["suggestion"], "4")
        self.assertEqual(by_rule["long_word"]["suggestion"],
                         "Kranken·versicherung")
        self.assertEqual(scores["sentences"], 3)
        self.assertEqual(scores["sentences_clean"], 1)
        self.assertEqual(scores["findings"], len(EXPECTED))
        self.assertGreater(scores["fre_amstad"], 0)

    def test_options_and_stdin(self):
        short = "Wir schicken Ihnen den Brief morgen früh nach Hause.\n"
        got = self.lines("-", stdin=short.encode())
        self.assertEqual(len(got), 1)  # scores only
        got = self.lines("--max-words", "5", "-", stdin=short.encode())
        self.assertEqual([f["rule"] for f in got[:-1]], ["sentence_length"])
        got = self.lines("--max-letters", "6", "-", stdin=short.encode())
        self.assertEqual([f["rule"] for f in got[:-1]], ["long_word"])

    def test_list_and_errors(self):
        p = lotse("easy", "check", self.path)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout.decode()
        self.assertIn("Passiv", out)
        self.assertIn("1. Februar 2026", out)
        self.assertIn("Lesbarkeit: Flesch (Amstad)", out)
        self.assertEqual(lotse("easy", "check", os.path.join(
            self.dir, "fehlt.txt")).returncode, 1)
        self.assertEqual(lotse("easy", "check").returncode, 2)
        self.assertEqual(lotse("easy", "check", "--max-words", "0",
                               self.path).returncode, 2)
        env = dict(os.environ, LOTSE_HYPHEN_DIC=os.path.join(self.dir, "x"))
        p = lotse("easy", "check", self.path, env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"hyphen", p.stderr)

    def test_docs_page(self):
        page = open(os.path.join(lt.SRC, "docs", "cli", "easy-check.md"),
                    encoding="utf-8").read()
        syn = re.search(r"^Synopsis: (.*)$", page, re.M).group(1)
        out = lotse("easy", "check", "-h").stdout.decode()
        self.assertIn("Aufruf: " + syn + "\n", out)
        for opt in re.findall(r"--([a-z][a-z-]+)", out):
            if opt not in ("help", "workspace"):
                self.assertIn("--" + opt, page)


if __name__ == "__main__":
    unittest.main()

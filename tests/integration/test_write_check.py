# SPDX-License-Identifier: EUPL-1.2
"""`lotse write check`: one JSON object per finding whose byte offsets cut
the reported words out of the input (umlauts before them included), every
rule on a letter we wrote, --max-words, the German list, stdin, the docs
page, and the exit codes (0 also with findings, 1 unreadable file, 2
usage)."""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402

LETTER = (
    "Sehr geehrte Frau Müller,\n\n"
    "aufgrund der Tatsache, dass Ihre Unterlagen unvollständig sind, wird "
    "Ihr Antrag zurzeit nicht bearbeitet. "
    "Die Prüfung der Unterlagen des Antragstellers dauert länger. "
    "Die Durchführung der Prüfung zur Feststellung der Zuständigkeit kommt "
    "erst danach. "
    "Wir bringen die Regel zur Anwendung. "
    "Nach dem SGB steht Ihnen die Leistung zu.\n")

EXPECTED = [
    ("phrase", "aufgrund der Tatsache, dass"),
    ("passive", "wird Ihr Antrag zurzeit nicht bearbeitet"),
    ("genitive_chain", "Prüfung der Unterlagen des Antragstellers"),
    ("nominal_chain",
     "Durchführung der Prüfung zur Feststellung der Zuständigkeit"),
    ("function_verb", "bringen die Regel zur Anwendung"),
    ("abbreviation", "SGB"),
]


def lotse(*args, stdin=None):
    return subprocess.run([lt.BIN] + [str(a) for a in args], input=stdin,
                          capture_output=True, timeout=120)


class WriteCheck(lt.TestCase):
    def setUp(self):
        self.dir = lt.scratch(self.id().split(".")[-1])
        self.path = lt.write(os.path.join(self.dir, "brief.txt"),
                             LETTER.encode("utf-8"))

    def findings(self, *args, stdin=None):
        p = lotse("write", "check", "--json", *args, stdin=stdin)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [json.loads(l) for l in p.stdout.decode().splitlines()]

    def test_every_rule_with_offsets(self):
        data = LETTER.encode("utf-8")
        got = [(f["rule"], data[f["start"]:f["end"]].decode())
               for f in self.findings(self.path)]
        self.assertEqual(got, EXPECTED)
        for f in self.findings(self.path):
            self.assertTrue(f["message"] and f["suggestion"], f)

    def test_stdin_and_max_words(self):
        text = "Eins zwei drei vier fünf. Sechs sieben.\n".encode("utf-8")
        self.assertEqual(self.findings("-", stdin=text), [])
        got = self.findings("--max-words", "4", "-", stdin=text)
        self.assertEqual([(f["rule"], text[f["start"]:f["end"]].decode())
                          for f in got],
                         [("long_sentence", "Eins zwei drei vier fünf.")])

    def test_german_list(self):
        p = lotse("write", "check", self.path)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout.decode()
        self.assertIn("Amtsdeutsch: „aufgrund der Tatsache, dass“", out)
        self.assertIn("Vorschlag: Einfacher: „weil“.", out)
        self.assertIn("Zeile 3", out)
        self.assertTrue(out.rstrip().endswith("6 Hinweise"), out)
        p = lotse("write", "check", "-", stdin=b"Wir helfen Ihnen gern.\n")
        self.assertEqual(p.stdout.decode(), "Keine Hinweise.\n")

    def test_errors(self):
        p = lotse("write", "check", os.path.join(self.dir, "fehlt.txt"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("lotse", p.stderr.decode())
        self.assertEqual(lotse("write", "check").returncode, 2)
        self.assertEqual(lotse("write", "pruefen", self.path).returncode, 2)
        for bad in ("0", "x", "1001", ""):
            p = lotse("write", "check", "--max-words", bad, self.path)
            self.assertEqual(p.returncode, 2, bad)
            self.assertEqual(p.stdout, b"")

    def test_docs_page_matches_help(self):
        page = open(os.path.join(lt.SRC, "docs", "cli", "write.md"),
                    encoding="utf-8").read()
        syn = re.search(r"^Synopsis: (.*)$", page, re.M).group(1)
        h = lotse("write", "-h").stdout.decode()
        self.assertIn("Aufruf: " + syn + "\n", h)
        for opt in re.findall(r"--([a-z][a-z-]+)", h):
            if opt not in ("help", "workspace"):
                self.assertIn("--" + opt, page)


class WriteCheckHttp(lt.TestCase):
    """POST /api/write/check: the same findings as the CLI, named users
    only, body errors and the text size limit."""
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("write_http")
        lt.run(cls.ws, "user", "add", "berta", "--unit", "Sozialamt")
        # a request limit above the route's own text limit (256 KiB)
        with open(os.path.join(cls.ws, "lotse.conf"), "a",
                  encoding="utf-8") as f:
            f.write("\n[server]\nmax_request_kb = 1024\n")
        cls.srv = Server(cls.ws, "write", "--dev-tokens")

    @classmethod
    def tearDownClass(cls):
        if cls.srv:
            cls.srv.stop()

    def post(self, body, user="berta"):
        h = {"Content-Type": "application/json"}
        if user:
            h["Authorization"] = "Bearer dev:" + user
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return request(self.srv, "POST", "/api/write/check", h, data)

    def test_findings_like_the_cli(self):
        r = self.post({"text": LETTER})
        self.assertEqual(r.status, 200, r.body)
        data = LETTER.encode("utf-8")
        got = [(f["rule"], data[f["start"]:f["end"]].decode())
               for f in r.json()["findings"]]
        self.assertEqual(got, EXPECTED)
        self.assertIs(r.json()["truncated"], False)
        cli = subprocess.run([lt.BIN, "write", "check", "--json", "-"],
                             input=data, capture_output=True, check=True)
        self.assertEqual(r.json()["findings"],
                         [json.loads(l) for l in cli.stdout.splitlines()])
        r = self.post({"text": "Eins zwei drei. Vier.", "max_words": 2})
        self.assertEqual([f["rule"] for f in r.json()["findings"]],
                         ["long_sentence"])

    def test_reply_matches_spec(self):
        with open(os.path.join(lt.SRC, "server", "api", "write.json"),
                  encoding="utf-8") as f:
            spec = json.load(f)
        r = self.post({"text": LETTER})
        schema = spec["reply_schema"]["200"]["schema"]
        self.assertEqual(schema_errors(r.json(), schema, spec), [])

    def test_anonymous_and_bad_bodies(self):
        r = self.post({"text": "Anbei."}, user=None)
        self.assertEqual(r.status, 401, r.body)
        for body in (b"", b"[1]", b"{", {"text": 3}, {"txt": "x"},
                     {"text": "x", "max_words": 0},
                     {"text": "x", "max_words": "5"}):
            r = self.post(body)
            self.assertEqual(r.status, 400, (body, r.body))
            self.assertTrue(r.json()["error"]["message"])
        r = self.post({"text": "Ja. " * (60 << 10)})  # 240 KiB: checked
        self.assertEqual(r.status, 200, r.body[:200])
        r = self.post({"text": "a " * (130 << 10)})  # 260 KiB: too long
        self.assertEqual(r.status, 413, r.body[:200])
        self.assertIn("zu lang", r.json()["error"]["message"])
        r = self.post({"text": "a " * (600 << 10)})  # over the request limit
        self.assertEqual(r.status, 413, r.body[:200])
        r = request(self.srv, "GET", "/api/write/check",
                    {"Authorization": "Bearer dev:berta"})
        self.assertEqual(r.status, 405)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: EUPL-1.2
"""POST /api/easy/check and GET /api/easy/qr: the same findings and scores
as `lotse easy check --json`, the same image bytes as `lotse easy qr`,
named users only, body and query errors, the text size limit, the reply
against the spec."""
import json
import os
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_easy_check import HYPH, TEXT, EXPECTED  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402

URL = "https://www.kreis.example/leicht/M%C3%BCll-2026?s=1"


class EasyApi(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("easy_http")
        lt.run(cls.ws, "user", "add", "berta", "--unit", "Sozialamt")
        with open(os.path.join(cls.ws, "lotse.conf"), "a",
                  encoding="utf-8") as f:
            f.write("\n[server]\nmax_request_kb = 1024\n")
        cls.srv = Server(cls.ws, "easy", "--dev-tokens")

    @classmethod
    def tearDownClass(cls):
        if cls.srv:
            cls.srv.stop()

    def post(self, body, user="berta"):
        h = {"Content-Type": "application/json"}
        if user:
            h["Authorization"] = "Bearer dev:" + user
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return request(self.srv, "POST", "/api/easy/check", h, data)

    def qr(self, user="berta", **params):
        h = {"Authorization": "Bearer dev:" + user} if user else {}
        path = "/api/easy/qr?" + urllib.parse.urlencode(params)
        return request(self.srv, "GET", path, h)

    def spec(self, name):
        with open(os.path.join(lt.SRC, "server", "api", name),
                  encoding="utf-8") as f:
            return json.load(f)

    @unittest.skipUnless(os.path.exists(HYPH),
                         "German hyphenation patterns (hyphen-de) missing")
    def test_check_like_the_cli(self):
        data = TEXT.encode("utf-8")
        r = self.post({"text": TEXT})
        self.assertEqual(r.status, 200, r.body)
        got = r.json()
        self.assertEqual([(f["rule"], data[f["start"]:f["end"]].decode())
                          for f in got["findings"]], EXPECTED)
        cli = subprocess.run([lt.BIN, "easy", "check", "--json", "-"],
                             input=data, capture_output=True, check=True)
        lines = [json.loads(l) for l in cli.stdout.splitlines()]
        self.assertEqual(got["findings"], lines[:-1])
        self.assertEqual(sorted(got["scores"]), sorted(lines[-1]["scores"]))
        for k, v in lines[-1]["scores"].items():
            self.assertAlmostEqual(got["scores"][k], v, places=6, msg=k)
        spec = self.spec("easy-check.json")
        self.assertEqual(schema_errors(
            got, spec["reply_schema"]["200"]["schema"], spec), [])
        # options: a 3-word limit and a 6-letter limit report more
        r = self.post({"text": "Wir helfen Ihnen gern heute.",
                       "max_words": 3, "max_letters": 5})
        self.assertEqual(sorted({f["rule"] for f in r.json()["findings"]}),
                         ["long_word", "sentence_length"])
        r = self.post({"text": "Wir helfen Ihnen gern heute."})
        self.assertEqual(r.json()["findings"], [])
        self.assertEqual(r.json()["scores"]["sentences_clean"], 1)

    @unittest.skipUnless(os.path.exists(HYPH),
                         "German hyphenation patterns (hyphen-de) missing")
    def test_check_errors(self):
        r = self.post({"text": "Wir helfen."}, user=None)
        self.assertEqual(r.status, 401, r.body)
        for body in (b"", b"[1]", b"{", {"text": 3}, {"txt": "x"},
                     {"text": "x", "max_words": 0},
                     {"text": "x", "max_letters": 1001},
                     {"text": "x", "max_words": "5"}):
            r = self.post(body)
            self.assertEqual(r.status, 400, (body, r.body))
            self.assertTrue(r.json()["error"]["message"])
        r = self.post({"text": "a " * (130 << 10)})  # 260 KiB: too long
        self.assertEqual(r.status, 413, r.body[:200])
        self.assertIn("zu lang", r.json()["error"]["message"])
        r = request(self.srv, "GET", "/api/easy/check",
                    {"Authorization": "Bearer dev:berta"})
        self.assertEqual(r.status, 405)

    def test_qr_same_bytes_as_cli(self):
        d = lt.scratch("easy_http_qr")
        png, svg = os.path.join(d, "q.png"), os.path.join(d, "q.svg")
        lt.run(d, "easy", "qr", "--url", URL, "--png", png, "--svg", svg,
               "--size", "3")
        r = self.qr(url=URL, size="3")
        self.assertEqual(r.status, 200, r.body[:200])
        self.assertEqual(r.header("Content-Type"), "image/png")
        with open(png, "rb") as f:
            self.assertEqual(r.body, f.read())
        r = self.qr(url=URL, format="svg", size="3")
        self.assertEqual(r.status, 200, r.body[:200])
        self.assertEqual(r.header("Content-Type"), "image/svg+xml")
        with open(svg, "rb") as f:
            self.assertEqual(r.body, f.read())
        r = self.qr(url=URL, format="svg")  # default size 8
        self.assertIn(b"<svg", r.body)
        with open(svg, "rb") as f:
            self.assertNotEqual(r.body, f.read())

    def test_qr_errors(self):
        self.assertEqual(self.qr(user=None, url=URL).status, 401)
        for params in ({}, {"url": ""}, {"url": "ftp://x.example/a"},
                       {"url": "https://x.example/Müll"},
                       {"url": URL, "format": "gif"},
                       {"url": URL, "size": "0"},
                       {"url": URL, "size": "65"},
                       {"url": URL, "size": "3x"}):
            r = self.qr(**params)
            self.assertEqual(r.status, 400, (params, r.body))
            self.assertTrue(r.json()["error"]["message"])
        r = request(self.srv, "POST", "/api/easy/qr?url=" + URL,
                    {"Authorization": "Bearer dev:berta"}, b"{}")
        self.assertEqual(r.status, 405)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: EUPL-1.2
"""Easy-language versions of a Bescheid: `lotse easy version` (exit codes,
help = docs/cli/easy-version.md, audit records), /api/easy/versions (the
life cycle with four eyes and the rule check, visibility by data class,
bad input changing nothing, replies against server/api/easy-versions.json)
and the public page /leicht/ID (only the published revision, the notice,
headers, 410 after withdrawal, 404 for unknown and malformed ids)."""
import base64
import hashlib
import html.parser
import json
import os
import re
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_easy_check import HYPH  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402

CLEAN = "Sie bekommen Geld vom Amt.\n\nDas Geld kommt jeden Monat.\n"
CLEAN2 = "Sie bekommen mehr Geld.\n\nDas Geld kommt <bald> & sicher.\n"
HARD = ("Gemäß § 35 SGB XII wird Ihnen hiermit die beantragte Leistung "
        "bewilligt, sofern keine anderweitigen Ansprüche bestehen.\n")
NOTICE = ("Dieser Text ist in Leichter Sprache. Er ist nicht rechtlich "
          "verbindlich. Rechtlich gilt nur der Bescheid.")
ID_RE = re.compile(r"^[a-z2-7]{26}$")


def spec():
    with open(os.path.join(lt.SRC, "server", "api", "easy-versions.json"),
              encoding="utf-8") as f:
        return json.load(f)


def audit_actions(ws):
    con = sqlite3.connect("file:%s/audit.db?mode=ro" % ws, uri=True)
    try:
        return [r[0] for r in con.execute(
            "SELECT action FROM audit WHERE action LIKE 'easy.%' "
            "ORDER BY seq")]
    finally:
        con.close()


def rows(ws):
    con = sqlite3.connect("file:%s/lotse.db?mode=ro" % ws, uri=True)
    try:
        return tuple(con.execute(
            "SELECT (SELECT count(*) FROM easy_versions),"
            " (SELECT count(*) FROM easy_revisions),"
            " (SELECT count(*) FROM easy_history)").fetchone())
    finally:
        con.close()


class Page(html.parser.HTMLParser):
    """The parts of the public page the tests look at."""

    def __init__(self):
        super().__init__()
        self.tags, self.lang, self.style, self.text = [], None, "", []
        self._in = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "style":
            self.style += data
        else:
            self.text.append(data)


@unittest.skipUnless(os.path.exists(HYPH),
                     "German hyphenation patterns (hyphen-de) missing")
class EasyVersion(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("easy_version")
        for u, cl in (("anna", "offen,intern"), ("bert", "offen,intern"),
                      ("vera", "offen,intern,vertraulich")):
            lt.run(cls.ws, "user", "add", u, "--unit", "Sozialamt",
                   "--clearance", cl)
        with open(os.path.join(cls.ws, "lotse.conf"), "a",
                  encoding="utf-8") as f:
            f.write("\n[server]\npublic_url = https://kreis.example/\n")
        cls.srv = Server(cls.ws, "easyver", "--dev-tokens")

    @classmethod
    def tearDownClass(cls):
        if cls.srv:
            rc, _ = cls.srv.stop()
            if rc != 0:  # e.g. a leak reported by the sanitizer build
                raise AssertionError("server exited %d:\n%s" %
                                     (rc, cls.srv.stderr_text()))

    # ------------------------------------------------------------ helpers

    def cli(self, *args, text=None, check=None):
        p = subprocess.run([lt.BIN, "--workspace", self.ws, "easy",
                            "version"] + list(args), input=text,
                           capture_output=True, text=True, timeout=120)
        if check is not None:
            self.assertEqual(p.returncode, check, p.stderr)
        return p

    def api(self, method, path, body=None, user="anna", raw=None):
        h = {}
        if user:
            h["Authorization"] = "Bearer dev:" + user
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h["Content-Type"] = "application/json"
        r = request(self.srv, method, "/api/easy/versions" + path, h, data)
        if (r.header("Content-Type") or "").startswith("application/json"):
            s = spec()
            reply = s["reply_schema"].get(str(r.status))
            self.assertIsNotNone(reply, "status %d not in spec" % r.status)
            if method != "HEAD":
                self.assertEqual(schema_errors(r.json(), reply["schema"], s),
                                 [], r.body[:300])
        return r

    def public(self, vid, method="GET"):
        return request(self.srv, method, "/leicht/" + vid)

    def create(self, text=CLEAN, user="anna", **extra):
        body = dict({"bescheid_ref": "50.2-123/2026", "text": text}, **extra)
        r = self.api("POST", "", body, user=user)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    # -------------------------------------------------------------- tests

    def test_api_life_cycle_and_public_page(self):
        vid = self.create(HARD)
        self.assertRegex(vid, ID_RE)
        v = self.api("GET", "/" + vid).json()
        self.assertEqual((v["status"], v["rev"], v["online"]),
                         ("entwurf", 1, False))
        self.assertEqual(v["url"], "https://kreis.example/leicht/" + vid)
        self.assertNotIn("review", v["steps"])  # anna wrote it
        self.assertIn("review", self.api("GET", "/" + vid,
                                         user="bert").json()["steps"])
        self.assertEqual(self.public(vid).status, 404)  # never a draft
        before = rows(self.ws)
        r = self.api("POST", "/%s/review" % vid, {})
        self.assertEqual(r.status, 403, r.body)
        self.assertIn("Vier-Augen", r.json()["error"]["message"])
        self.assertEqual(self.api("POST", "/%s/publish" % vid, {},
                                  user="bert").status, 409)
        self.assertEqual(rows(self.ws), before)
        r = self.api("POST", "/%s/review" % vid, {"note": "verglichen"},
                     user="bert")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["status"], "geprueft")
        r = self.api("POST", "/%s/review" % vid, {"state": "pruefgruppe",
                                                  "note": "Lebenshilfe"})
        self.assertEqual(r.json()["revisions"][0]["tested_by"], "anna")
        r = self.api("POST", "/%s/publish" % vid, {})
        self.assertEqual(r.status, 409, r.body)  # findings, no override
        self.assertIn("Befund", r.json()["error"]["message"])
        r = self.api("POST", "/%s/publish" % vid, {"override": "Fachwort"})
        self.assertEqual(r.status, 200, r.body)
        rev = r.json()["revisions"][0]
        self.assertGreater(rev["findings"], 0)
        self.assertEqual(rev["override_reason"], "Fachwort")
        self.assertTrue(r.json()["online"])
        page = self.public(vid)
        self.assertEqual(page.status, 200)
        self.assertIn("Leistung", page.body.decode())
        # an edit is a new draft; the published revision stays online
        r = self.api("POST", "/%s/edit" % vid, {"text": CLEAN2}, user="bert")
        self.assertEqual((r.status, r.json()["rev"], r.json()["status"]),
                         (200, 2, "entwurf"))
        self.assertIn("Leistung", self.public(vid).body.decode())
        self.assertNotIn("sicher", self.public(vid).body.decode())
        self.assertEqual(self.api("POST", "/%s/edit" % vid,
                                  {"text": CLEAN2}).status, 400)  # same
        self.assertEqual(self.api("POST", "/%s/review" % vid, {},
                                  user="anna").status, 200)
        r = self.api("POST", "/%s/publish" % vid, {}, user="anna")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["published_rev"], 2)
        body = self.public(vid).body.decode()
        self.assertIn("&lt;bald&gt; &amp; sicher", body)  # escaped
        self.assertNotIn("Leistung", body)
        # withdraw: final, 410 without the text
        self.assertEqual(self.api("POST", "/%s/withdraw" % vid, {},
                                  user="bert").status, 400)  # no reason
        r = self.api("POST", "/%s/withdraw" % vid, {"reason": "aufgehoben"},
                     user="bert")
        self.assertEqual((r.status, r.json()["status"], r.json()["online"]),
                         (200, "zurueckgezogen", False))
        self.assertEqual(r.json()["steps"], [])
        gone = self.public(vid)
        self.assertEqual(gone.status, 410)
        self.assertNotIn("sicher", gone.body.decode())
        before = rows(self.ws)
        self.assertEqual(self.api("POST", "/%s/edit" % vid,
                                  {"text": CLEAN}).status, 409)
        self.assertEqual(rows(self.ws), before)
        hist = [h["action"] for h in r.json()["history"]]
        self.assertEqual(hist, ["easy.create", "easy.review", "easy.review",
                                "easy.publish", "easy.edit", "easy.review",
                                "easy.publish", "easy.withdraw"])
        acts = audit_actions(self.ws)
        self.assertEqual(acts[-8:], hist)
        p = subprocess.run([lt.BIN, "--workspace", self.ws, "audit",
                            "verify"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_public_page_shape_and_headers(self):
        vid = self.create(CLEAN)
        self.api("POST", "/%s/review" % vid, {}, user="bert")
        self.assertEqual(self.api("POST", "/%s/publish" % vid, {}).status,
                         200)  # clean: no override needed
        r = self.public(vid)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertEqual(r.header("Referrer-Policy"), "no-referrer")
        self.assertEqual(r.header("X-Robots-Tag"), "noindex")
        p = Page()
        p.feed(r.body.decode("utf-8"))
        self.assertEqual(p.lang, "de")
        self.assertEqual(p.tags.count("h1"), 1)
        self.assertNotIn("script", p.tags)
        self.assertEqual(p.tags.count("p") >= 3, True)
        text = " ".join(" ".join(p.text).split())
        self.assertLess(text.index(NOTICE), text.index("Sie bekommen Geld"))
        self.assertIn("50.2-123/2026", text)
        self.assertRegex(text, r"Veröffentlicht am \d{1,2}\. [A-Zä][a-zä]+ "
                               r"\d{4}")
        csp = r.header("Content-Security-Policy")
        self.assertTrue(csp.startswith("default-src 'none'"), csp)
        digest = base64.b64encode(hashlib.sha256(
            p.style.encode("utf-8")).digest()).decode()
        self.assertIn("style-src 'sha256-%s'" % digest, csp)
        self.assertEqual(request(self.srv, "HEAD", "/leicht/" + vid).body,
                         b"")
        self.assertEqual(request(self.srv, "POST", "/leicht/" + vid, {},
                                 b"").status, 405)
        for bad in ("a" * 26, "../etc/passwd", vid.upper(), vid + "x",
                    vid + "/", ""):
            r = self.public(bad)
            self.assertEqual(r.status, 404, bad)
            self.assertIn('lang="de"', r.body.decode())
            self.assertEqual(r.header("X-Robots-Tag"), "noindex")

    def test_visibility_and_bad_input(self):
        secret = self.create(CLEAN, user="vera", data_class="vertraulich")
        mine = self.create(CLEAN)
        ids = [v["id"] for v in self.api("GET", "").json()["versions"]]
        self.assertIn(mine, ids)
        self.assertNotIn(secret, ids)
        self.assertIn(secret, [v["id"] for v in self.api(
            "GET", "", user="vera").json()["versions"]])
        before = rows(self.ws)
        self.assertEqual(self.api("GET", "/" + secret).status, 404)
        self.assertEqual(self.api("POST", "/%s/review" % secret, {}).status,
                         404)
        self.assertEqual(self.api("GET", "/" + "a" * 26).status, 404)
        self.assertEqual(self.api("GET", "/kurz").status, 404)
        self.assertEqual(self.api("GET", "/%s/nix" % mine).status, 404)
        self.assertEqual(self.api("GET", "", user=None).status, 401)
        self.assertEqual(self.api("POST", "", {"text": "x"},
                                  user=None).status, 401)
        self.assertEqual(self.api("GET", "/%s/edit" % mine).status, 405)
        self.assertEqual(self.api("POST", "/" + mine, {}).status, 405)
        for body in ({"text": CLEAN}, {"bescheid_ref": "AZ"},
                     {"bescheid_ref": "", "text": CLEAN},
                     {"bescheid_ref": "AZ", "text": "   "},
                     {"bescheid_ref": "AZ", "text": CLEAN, "autor": "x"},
                     {"bescheid_ref": "AZ", "text": 5},
                     {"bescheid_ref": "AZ", "text": "a\u0000b"},
                     {"bescheid_ref": "AZ", "text": CLEAN,
                      "data_class": "vertraulich"},
                     {"bescheid_ref": "AZ", "text": CLEAN,
                      "data_class": "geheim"},
                     {"bescheid_ref": "AZ", "text": CLEAN, "doc_id": 0},
                     [1, 2]):
            r = self.api("POST", "", body)
            self.assertEqual(r.status, 400, (body, r.body))
        self.assertEqual(self.api("POST", "", raw=b"{kaputt").status, 400)
        for body in ({"bescheid_ref": "AZ", "text": CLEAN, "doc_id": 999},
                     {"bescheid_ref": "AZ", "draft_id": 999}):
            self.assertEqual(self.api("POST", "", body).status, 404, body)
        self.assertEqual(self.api("POST", "/%s/review" % mine,
                                  {"state": "veroeffentlicht"},
                                  user="bert").status, 400)
        self.assertEqual(rows(self.ws), before)

    def test_cli(self):
        path = lt.write(os.path.join(self.dir, "leicht.txt"), CLEAN)
        p = self.cli("new", "--user", "anna", "--ref", "AZ 7", "--text",
                     path, check=0)
        m = re.search(r"^Kennung: ([a-z2-7]{26})$", p.stdout, re.M)
        self.assertTrue(m, p.stdout)
        vid = m.group(1)
        self.assertIn("Adresse: https://kreis.example/leicht/" + vid,
                      p.stdout)
        self.assertIn("lotse easy qr --id " + vid, p.stderr)
        self.cli("review", "--user", "anna", vid, check=1)
        self.cli("publish", "--user", "anna", vid, check=1)
        self.cli("review", "--user", "bert", "--note", "ok", vid, check=0)
        self.cli("review", "--user", "bert", "--state", "entwurf", vid,
                 check=2)
        p = self.cli("publish", "--user", "bert", vid, check=0)
        self.assertIn("0 Befunde", p.stdout)
        self.assertEqual(self.public(vid).status, 200)
        p = self.cli("edit", "--user", "bert", "--text", "-", vid,
                     text=CLEAN2, check=0)
        self.assertIn("Überarbeitung 2", p.stdout)
        p = self.cli("show", "--user", "anna", "--json", vid, check=0)
        v = json.loads(p.stdout)
        self.assertEqual((v["rev"], v["published_rev"], v["status"]),
                         (2, 1, "entwurf"))
        self.assertEqual(v["revisions"][1]["text"], CLEAN2)
        p = self.cli("list", "--user", "anna", check=0)
        self.assertIn(vid, p.stdout)
        p = self.cli("list", "--user", "anna", "--limit", "1", "--json",
                     check=0)
        self.assertEqual(len(json.loads(p.stdout)), 1)
        self.cli("withdraw", "--user", "anna", vid, check=2)  # no reason
        self.cli("withdraw", "--user", "anna", "--reason", "falsch", vid,
                 check=0)
        self.assertEqual(self.public(vid).status, 410)
        self.cli("edit", "--user", "anna", "--text", path, vid, check=1)
        self.cli("show", "--user", "niemand", vid, check=1)
        self.cli("new", "--user", "anna", "--text", path, check=2)  # no ref
        self.cli("show", "--user", "anna", check=2)  # no id
        self.cli("frobnicate", "--user", "anna", check=2)
        self.cli("new", "--user", "anna", "--ref", "AZ", "--class",
                 "geheim", "--text", path, check=2)

    def test_help_matches_docs(self):
        with open(os.path.join(lt.SRC, "docs", "cli", "easy-version.md"),
                  encoding="utf-8") as f:
            page = f.read()
        syn = re.search(r"^Synopsis: (.*)$", page, re.M).group(1)
        out = subprocess.run([lt.BIN, "easy", "version", "-h"],
                             capture_output=True, text=True).stdout
        self.assertIn("Aufruf: " + syn + "\n", out)
        for opt in re.findall(r"--([a-z][a-z-]+)", out):
            if opt not in ("help", "workspace"):
                self.assertIn("--" + opt, page, opt)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: EUPL-1.2
"""The web application as `lotse serve` delivers it (server/route_static.c)
and the routes made for it: GET /api/audit and GET /api/portfolio.

Static files: every file below web/ is served with the type its extension
names and the page CSP; every ES module a page imports exists; nothing
outside web/ can be reached (.., encoded .., hidden names, symbolic links,
directories, unknown extensions). The audit route reports the real chain
state (a trail tampered with here shows up as broken) and both routes refuse
callers without the role. Browser checks (axe-core, flows) live in
tests/browser/.
"""
import os
import re
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402

import json  # noqa: E402

WEB = os.path.join(lt.SRC, "web")
PAGE_TYPES = {".html": "text/html; charset=utf-8",
              ".js": "text/javascript; charset=utf-8",
              ".css": "text/css; charset=utf-8"}


def spec(name):
    with open(os.path.join(lt.SRC, "server", "api", name + ".json"),
              encoding="utf-8") as f:
        return json.load(f)


def web_files():
    out = []
    for root, dirs, files in os.walk(WEB):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            if not f.startswith("."):
                out.append(os.path.relpath(os.path.join(root, f), WEB))
    return sorted(out)


class WebStaticTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("web-static")
        lt.run(cls.ws, "user", "add", "revisor", "--unit", "Hauptamt")
        lt.run(cls.ws, "user", "grant", "revisor", "auditor")
        lt.run(cls.ws, "user", "add", "koord", "--unit", "Hauptamt")
        lt.run(cls.ws, "user", "grant", "koord", "ki_koordination")
        lt.run(cls.ws, "user", "add", "berta", "--unit", "Sozialamt")
        # Two refused calls (application not registered) make two records.
        for user in ("berta", "koord"):
            p = lt.run(cls.ws, "ask", "--user", user, "Wie beantrage ich "
                       "Urlaub?", check=False)
            assert p.returncode != 0, p.stdout
        # A web folder of our own with a link that leads outside it.
        cls.alt = os.path.join(cls.dir, "altweb")
        os.makedirs(os.path.join(cls.alt, "sub"))
        lt.write(os.path.join(cls.alt, "index.html"),
                 "<!DOCTYPE html><title>alt</title>\n")
        lt.write(os.path.join(cls.alt, "sub", "ok.js"), "export {};\n")
        lt.write(os.path.join(cls.dir, "secret.txt"), "geheim\n")
        lt.write(os.path.join(cls.alt, ".hidden.js"), "x\n")
        lt.write(os.path.join(cls.alt, "prog.exe"), "MZ\n")
        os.symlink(os.path.join(cls.dir, "secret.txt"),
                   os.path.join(cls.alt, "leak.txt"))
        os.symlink(os.path.join(cls.alt, "sub", "ok.js"),
                   os.path.join(cls.alt, "inside.js"))
        cls.srv = Server(cls.ws, "web", "--dev-tokens")
        old = os.environ.get("LOTSE_WEB_DIR")
        os.environ["LOTSE_WEB_DIR"] = cls.alt
        try:
            cls.alt_srv = Server(cls.ws, "webalt")
        finally:
            if old is None:
                del os.environ["LOTSE_WEB_DIR"]
            else:
                os.environ["LOTSE_WEB_DIR"] = old

    @classmethod
    def tearDownClass(cls):
        for s in (cls.srv, cls.alt_srv):
            rc, _ = s.stop()
            assert rc == 0, s.stderr_text()

    def get(self, path, user=None, srv=None):
        hd = {"Authorization": "Bearer dev:" + user} if user else {}
        return request(srv or self.srv, "GET", path, hd)

    # ------------------------------------------------------------ static

    def test_index_is_german_page_with_csp(self):
        r = self.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), PAGE_TYPES[".html"])
        html = r.body.decode("utf-8")
        with open(os.path.join(WEB, "index.html"), encoding="utf-8") as f:
            self.assertEqual(html, f.read())
        self.assertIn('<html lang="de">', html)
        self.assertIn('href="#inhalt"', html)           # skip link
        self.assertIn('<main id="inhalt"', html)
        self.assertIn('aria-label="Hauptnavigation"', html)
        for label in ("Suche und Fragen", "Dokumente hochladen",
                      "Meine Entwürfe", "Anwendungen", "Audit", "Cockpit",
                      "Verwaltung", "Anmelden"):
            self.assertIn(">%s<" % label, html)
        csp = r.header("Content-Security-Policy")
        self.assertIn("script-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        # no inline script or style the CSP would block
        self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)[^>]*>")
        self.assertNotIn(" style=", html)

    def test_every_file_served_with_its_type(self):
        files = web_files()
        self.assertIn("app.js", files)
        for rel in files:
            ext = os.path.splitext(rel)[1]
            r = self.get("/web/" + rel)
            self.assertEqual(r.status, 200, rel)
            self.assertEqual(r.header("Content-Type"), PAGE_TYPES[ext], rel)
            with open(os.path.join(WEB, rel), "rb") as f:
                self.assertEqual(r.body, f.read(), rel)
            self.assertIn("default-src 'none'",
                          r.header("Content-Security-Policy"))

    def test_every_import_resolves(self):
        # A module importing a missing file breaks the whole application.
        for rel in web_files():
            if not rel.endswith(".js"):
                continue
            with open(os.path.join(WEB, rel), encoding="utf-8") as f:
                text = f.read()
            for target in re.findall(r'from\s+"(\.[^"]+)"', text):
                path = os.path.normpath(os.path.join(
                    os.path.dirname(rel), target))
                self.assertEqual(self.get("/web/" + path).status, 200,
                                 "%s imports %s" % (rel, target))
            # no markup built from data
            self.assertNotRegex(text, r"\.(inner|outer)HTML\s*=|"
                                r"insertAdjacentHTML|document\.write", rel)

    def test_no_way_out_of_web(self):
        for path in ("/web/../README.md", "/web/%2e%2e/README.md",
                     "/web/pages/../app.js", "/web/./app.js",
                     "/web/.hidden.js", "/web/", "/web//app.js",
                     "/web/pages", "/web/app.js/", "/web/app.js%00.css",
                     "/web/app%20.js", "/web/%2fetc/passwd",
                     "/web/..%2f..%2fREADME.md", "/web/nope.js",
                     "/web/APP.JS", "/web/app.js?v=1", "/web/%61pp.js"):
            r = self.get(path)
            self.assertIn(r.status, (400, 404), path)
            self.assertNotIn(b"lotse", r.body.lower().replace(
                b"datei nicht gefunden", b""), path)

    def test_configured_folder_links_and_types(self):
        alt = self.alt_srv
        r = self.get("/", srv=alt)
        self.assertEqual((r.status, r.body),
                         (200, b"<!DOCTYPE html><title>alt</title>\n"))
        self.assertEqual(self.get("/web/sub/ok.js", srv=alt).status, 200)
        self.assertEqual(self.get("/web/inside.js", srv=alt).status, 200)
        for path in ("/web/leak.txt", "/web/.hidden.js", "/web/prog.exe",
                     "/web/sub", "/web/app.js"):
            r = self.get(path, srv=alt)
            self.assertEqual(r.status, 404, path)
            self.assertEqual(r.json()["error"]["message"],
                             "Datei nicht gefunden")

    def test_methods(self):
        for path in ("/", "/web/app.js"):
            r = request(self.srv, "POST", path, {}, b"x")
            self.assertEqual(r.status, 405, path)
            self.assertEqual(r.header("Allow"), "GET, HEAD")
            r = request(self.srv, "HEAD", path)
            self.assertEqual((r.status, r.body), (200, b""), path)

    # ------------------------------------------------------------- audit

    def audit(self, query="", user="revisor"):
        r = self.get("/api/audit" + query, user)
        body = r.json()
        sp = spec("audit")
        reply = sp["reply_schema"].get(str(r.status))
        schema = reply["schema"] if reply else {"$ref": "#/definitions/error"}
        self.assertEqual(schema_errors(body, schema, sp), [], body)
        return r.status, body

    def test_audit_roles(self):
        self.assertEqual(self.get("/api/audit").status, 401)
        for user in ("berta", "koord"):
            st, body = self.audit(user=user)
            self.assertEqual(st, 403, user)
            self.assertIn("Revision", body["error"]["message"])
        self.assertEqual(self.audit()[0], 200)

    def test_audit_records_newest_first_and_filters(self):
        st, body = self.audit()
        self.assertEqual(st, 200)
        self.assertTrue(body["chain"]["ok"], body)
        self.assertEqual(body["chain"]["records"], 2)
        seqs = [x["seq"] for x in body["records"]]
        self.assertEqual(seqs, [2, 1])
        self.assertEqual(body["records"][0]["actor"], "koord")
        self.assertEqual(body["records"][0]["decision"], "refuse")
        self.assertEqual(body["chain"]["head_hash"],
                         body["records"][0]["hash"])
        st, body = self.audit("?limit=1")
        self.assertEqual([x["seq"] for x in body["records"]], [2])
        st, body = self.audit("?actor=berta")
        self.assertEqual([x["actor"] for x in body["records"]], ["berta"])
        self.assertEqual(body["chain"]["records"], 2)  # check covers all
        st, body = self.audit("?app=andere")
        self.assertEqual(body["records"], [])
        for bad in ("?limit=0", "?limit=501", "?limit=x", "?actor=",
                    "?app=" + "a" * 129):
            self.assertEqual(self.audit(bad)[0], 400, bad)

    def test_audit_shows_broken_chain(self):
        d, ws = lt.init("web-audit-tamper")
        lt.run(ws, "user", "add", "revisor")
        lt.run(ws, "user", "grant", "revisor", "auditor")
        for _ in range(3):
            lt.run(ws, "ask", "--user", "revisor", "Frage?", check=False)
        con = sqlite3.connect(os.path.join(ws, "audit.db"))
        con.executescript("DROP TRIGGER IF EXISTS audit_no_update;"
                          "UPDATE audit SET actor = 'jemand' WHERE seq = 2;")
        con.close()
        srv = Server(ws, "tamper", "--dev-tokens")
        try:
            r = request(srv, "GET", "/api/audit",
                        {"Authorization": "Bearer dev:revisor"})
        finally:
            srv.stop()
        self.assertEqual(r.status, 200)
        chain = r.json()["chain"]
        self.assertFalse(chain["ok"], chain)
        self.assertNotEqual(chain["fault"], "ok")
        self.assertTrue(chain["message"])

    # --------------------------------------------------------- portfolio

    def test_portfolio(self):
        self.assertEqual(self.get("/api/portfolio").status, 401)
        r = self.get("/api/portfolio", "berta")
        self.assertEqual(r.status, 403)
        self.assertIn("KI-Koordination", r.json()["error"]["message"])
        for user in ("koord", "revisor"):
            r = self.get("/api/portfolio", user)
            self.assertEqual(r.status, 200, r.body)
            body = r.json()
            sp = spec("portfolio")
            self.assertEqual(schema_errors(
                body, sp["reply_schema"]["200"]["schema"], sp), [])
            self.assertGreaterEqual(len(body["projects"]), 1)
        # the same data as the command
        p = lt.run(self.ws, "portfolio", "--json")
        self.assertEqual(json.loads(p.stdout), body)

    # ----------------------------------------------------- questionnaire

    def test_questionnaire(self):
        self.assertEqual(self.get("/api/questionnaire").status, 401)
        r = self.get("/api/questionnaire", "berta")
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        sp = spec("questionnaire")
        self.assertEqual(schema_errors(
            body, sp["reply_schema"]["200"]["schema"], sp), [])
        # the same questions as the command
        p = lt.run(self.ws, "app", "questions", "--json")
        self.assertEqual(json.loads(p.stdout), body)
        self.assertTrue(any("ask_if" in x for x in body))

    # --------------------------------------------------------- directory

    def test_directory(self):
        self.assertEqual(self.get("/api/directory").status, 401)
        for user in ("berta", "revisor"):
            r = self.get("/api/directory", user)
            self.assertEqual(r.status, 403, user)
            self.assertIn("Administration", r.json()["error"]["message"])
        lt.run(self.ws, "training", "add", "ki-grundlagen", "--title",
               "KI-Grundlagen", "--valid-days", "365")
        lt.run(self.ws, "training", "grant", "--user", "berta", "ki-grundlagen")
        r = self.get("/api/directory", "koord")
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        sp = spec("directory")
        self.assertEqual(schema_errors(
            body, sp["reply_schema"]["200"]["schema"], sp), [])
        users = {u["name"]: u for u in body["users"]}
        self.assertEqual(sorted(users), ["berta", "koord", "revisor"])
        self.assertEqual(users["revisor"]["roles"], ["auditor"])
        self.assertEqual(users["berta"]["unit"], "Sozialamt")
        self.assertEqual([t["id"] for t in users["berta"]["trainings"]],
                         ["ki-grundlagen"])
        self.assertIsNotNone(users["berta"]["trainings"][0]["expires_at"])
        self.assertEqual(users["koord"]["trainings"], [])
        self.assertIn({"id": "ki-grundlagen", "title": "KI-Grundlagen",
                       "valid_days": 365}, body["trainings"])
        self.assertEqual(sorted(u["name"] for u in body["units"]),
                         ["Hauptamt", "Sozialamt"])
        self.assertNotIn("hash", r.body.decode().lower())


if __name__ == "__main__":
    unittest.main(verbosity=2)

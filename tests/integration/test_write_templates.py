# SPDX-License-Identifier: EUPL-1.2
"""GET /api/write/templates: the built-in templates of the writing assistant
as the web application's "Entwurf aus Vorlage" form reads them, through the
real `lotse serve` with a synthetic model and an approved "schreiben".

Checks: the reply matches server/api/write-templates.json; the ids are the
ones the library knows (the list in the error for an unknown template);
for EVERY listed template, values for exactly the listed placeholders make
a labelled draft through POST /api/write, one missing placeholder is a 400
that names it; a template marked `sources` drafts from a document instead of
a value; anonymous callers get 401, other methods 405; the list stores
nothing.
"""
import http.client
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
import test_http  # noqa: E402  (schema_errors: the reply-schema checker)
import test_write_draft as twd  # noqa: E402  (answers, Serve)

SPECS = {}


def spec(name):
    if name not in SPECS:
        with open(os.path.join(lt.SRC, "server", "api", name + ".json"),
                  encoding="utf-8") as f:
            SPECS[name] = json.load(f)
    return SPECS[name]


def lotse(*args, check=True):
    return lt.run(twd.WS, *args, check=check)


def setUpModule():
    d, ws = lt.init("write_templates")
    twd.D, twd.WS = d, ws
    twd.MODEL = os.path.join(d, "vorlage-synth.gguf")
    lotse("model", "synth", "-o", twd.MODEL, "--arch", "llama", "--type",
          "F32", "--shape", "tiny", "--vocab", "bytes", "--chat-template",
          "chatml", "--seed", "11", "--name", "vorlage-synth")
    lotse("user", "add", "anna", "--unit", "fd-soziales")
    lotse("user", "add", "koord", "--unit", "kreis")
    lotse("user", "add", "leitung", "--unit", "fd-soziales")
    lotse("user", "grant", "koord", "ki_koordination")
    lotse("user", "grant", "leitung", "fachdienstleitung")
    lotse("training", "add", "ki-grundlagen", "--title", "KI-Grundlagen")
    lotse("training", "grant", "ki-grundlagen", "--user", "anna")
    questions = json.loads(lotse("app", "questions").stdout)
    answers = lt.write(os.path.join(d, "answers.json"),
                       json.dumps(twd.answers_for(questions)))
    lotse("app", "create", "schreiben", "--name", "Schreibassistenz",
          "--purpose", "Entwürfe aus Vorlagen", "--unit", "fd-soziales",
          "--units", "fd-soziales", "--classes", "offen,intern",
          "--training", "ki-grundlagen", "--model", "vorlage-synth",
          "--prompt", "Du bist Schreibhilfe.", "--user", "koord")
    lotse("app", "classify", "schreiben", "--answers", answers,
          "--user", "koord")
    lotse("app", "document", "schreiben", "--kind", "transparenzhinweis",
          "--ref", "Dieser Entwurf wurde mit KI erstellt.", "--user", "koord")
    lotse("app", "submit", "schreiben", "--user", "koord")
    lotse("app", "approve", "schreiben", "--user", "koord", "--role",
          "ki_koordination")
    lotse("app", "approve", "schreiben", "--user", "leitung", "--role",
          "fachdienstleitung")
    lt.write(os.path.join(d, "docs", "sprech.txt"),
             "Sprechzeiten\n\nDie Sprechzeiten der Zulassung ändern sich ab "
             "Montag: geöffnet von 8 bis 12 Uhr.\n")
    lotse("ingest", "--class", "offen", os.path.join(d, "docs"))


def request(srv, method, path, body=None, user="anna"):
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if user:
        headers["Authorization"] = "Bearer dev:" + user
    try:
        c.request(method, path, headers=headers,
                  body=None if body is None else json.dumps(body).encode())
        resp = c.getresponse()
        raw = resp.read()
        return resp.status, dict(resp.getheaders()), (
            json.loads(raw) if raw else None)
    finally:
        c.close()


class WriteTemplatesApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = twd.Serve()

    @classmethod
    def tearDownClass(cls):
        assert cls.srv.stop() == 0, "server did not stop cleanly"

    def templates(self):
        st, _, r = request(self.srv, "GET", "/api/write/templates")
        self.assertEqual(st, 200, r)
        s = spec("write-templates")
        self.assertEqual(test_http.schema_errors(
            r, s["reply_schema"]["200"]["schema"], s), [])
        return r["templates"]

    def test_list_is_what_the_library_knows(self):
        ts = self.templates()
        ids = [t["id"] for t in ts]
        p = lotse("write", "draft", "--user", "anna", "--template", "fax",
                  check=False)
        m = re.search(r"bekannt: ([^)]*)\)", p.stderr)
        self.assertTrue(m, p.stderr)
        self.assertEqual(ids, m.group(1).split(", "))
        for t in ts:
            self.assertTrue(t["title"] and t["placeholders"], t)
            self.assertEqual(len(set(t["placeholders"])),
                             len(t["placeholders"]), t)
            self.assertEqual(t["sources"], "text" in t["placeholders"], t)
        email = ts[ids.index("email")]
        self.assertEqual(email["placeholders"], ["empfaenger", "anliegen"])
        self.assertEqual(email["register"], "fachlich")
        self.assertEqual(ts[ids.index("buergeranfrage")]["register"],
                         "buergernah")

    def test_every_listed_template_drafts_with_its_placeholders(self):
        before = twd.drafts()
        made = 0
        for t in self.templates():
            values = {k: "Probe %d" % i
                      for i, k in enumerate(t["placeholders"])}
            st, _, r = request(self.srv, "POST", "/api/write", {
                "template": t["id"], "values": values, "max_tokens": 8})
            self.assertEqual(st, 200, (t["id"], r))
            self.assertEqual(r["template"], t["id"])
            self.assertEqual(r["register"], t["register"])
            self.assertEqual(r["label"], "KI-Entwurf – nicht geprüft")
            made += 1
            missing = t["placeholders"][-1]
            del values[missing]
            st, _, r = request(self.srv, "POST", "/api/write", {
                "template": t["id"], "values": values, "max_tokens": 8})
            self.assertEqual(st, 400, (t["id"], r))
            self.assertIn("„%s“" % missing, r["error"]["message"])
        self.assertEqual(twd.drafts(), before + made)

    def test_a_sources_template_drafts_from_a_document(self):
        doc = int(lt.db_scalar(twd.WS, "SELECT id FROM documents WHERE "
                               "source LIKE '%sprech.txt'"))
        for t in self.templates():
            values = {k: "Probe" for k in t["placeholders"] if k != "text"}
            st, _, r = request(self.srv, "POST", "/api/write", {
                "template": t["id"], "values": values, "doc_id": doc,
                "max_tokens": 8})
            self.assertEqual(st, 200 if t["sources"] else 400, (t["id"], r))

    def test_county_files_replace_and_add_templates(self):
        """A file in WORKSPACE/vorlagen replaces the example of its id and
        adds new ones, from the next request on; a broken file is left out
        of the list and refused by name when used, never replaced by the
        example; `lotse write templates` lists the same and exits 1 on a
        broken file."""
        vdir = os.path.join(twd.WS, "vorlagen")
        os.makedirs(vdir, exist_ok=True)
        own = os.path.join(vdir, "vermerk.txt")
        new = os.path.join(vdir, "anhoerung.txt")
        bad = os.path.join(vdir, "email.txt")
        try:
            lt.write(own, "id: vermerk\ntitle: Aktenvermerk des Kreises\n"
                     "placeholders: inhalt\n---\nVermerk: {{inhalt}}\n")
            lt.write(new, "id: anhoerung\ntitle: Anhörung\nregister: "
                     "buergernah\nplaceholders: name, frist\n---\n"
                     "Anhörung von {{name}} bis {{frist}}.\n")
            ts = {t["id"]: t for t in self.templates()}
            self.assertEqual(ts["vermerk"]["title"], "Aktenvermerk des Kreises")
            self.assertEqual(ts["vermerk"]["source"], "datei")
            self.assertEqual(ts["vermerk"]["placeholders"], ["inhalt"])
            self.assertEqual(ts["anhoerung"]["register"], "buergernah")
            self.assertEqual(ts["email"]["source"], "beispiel")
            self.assertEqual(list(ts), sorted(ts))
            st, _, r = request(self.srv, "POST", "/api/write", {
                "template": "anhoerung", "max_tokens": 8,
                "values": {"name": "Herrn Beispiel", "frist": "1. März"}})
            self.assertEqual(st, 200, r)
            self.assertEqual(r["register"], "buergernah")
            p = lotse("write", "templates")
            self.assertRegex(p.stdout, r"(?m)^vermerk +Datei +Aktenvermerk")
            self.assertRegex(p.stdout, r"(?m)^email +Beispiel +E-Mail")
            # Broken: placeholder used but not declared.
            lt.write(bad, "id: email\ntitle: E-Mail\n---\nAn {{wer}}\n")
            ids = [t["id"] for t in self.templates()]
            self.assertNotIn("email", ids)
            before = twd.drafts()
            st, _, r = request(self.srv, "POST", "/api/write", {
                "template": "email", "max_tokens": 8,
                "values": {"empfaenger": "x", "anliegen": "y"}})
            self.assertEqual(st, 400, r)
            self.assertIn("vorlagen/email.txt", r["error"]["message"])
            self.assertEqual(twd.drafts(), before)
            p = lotse("write", "templates", check=False)
            self.assertEqual(p.returncode, 1)
            self.assertRegex(p.stdout, r"(?m)^email +Datei +FEHLER: .*wer")
            p = lotse("write", "draft", "--user", "anna", "--template",
                      "email", "--set", "empfaenger=x", "--set", "anliegen=y",
                      check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("vorlagen/email.txt", p.stderr)
            # A path is never made from a bad id.
            st, _, r = request(self.srv, "POST", "/api/write", {
                "template": "../lotse", "values": {}})
            self.assertEqual(st, 400, r)
            self.assertIn("ungültig", r["error"]["message"])
        finally:
            for f in (own, new, bad):
                if os.path.exists(f):
                    os.remove(f)
        self.assertEqual([t["source"] for t in self.templates()],
                         ["beispiel"] * 5)

    def test_refusals_and_methods(self):
        before = lt.db_scalar(twd.WS, "SELECT count(*) FROM drafts")
        st, _, r = request(self.srv, "GET", "/api/write/templates", user=None)
        self.assertEqual(st, 401, r)
        self.assertEqual(test_http.schema_errors(
            r, {"$ref": "#/definitions/error"}, spec("write-templates")), [])
        st, _, r = request(self.srv, "GET", "/api/write/templates",
                           user="unbekannt")
        self.assertEqual(st, 401, r)
        for method in ("POST", "PUT", "DELETE"):
            st, h, _ = request(self.srv, method, "/api/write/templates", {})
            self.assertEqual(st, 405, method)
            self.assertEqual(h.get("Allow"), "GET, HEAD", method)
        st, h, _ = request(self.srv, "HEAD", "/api/write/templates")
        self.assertEqual(st, 200)
        self.assertIn("application/json", h.get("Content-Type", ""))
        self.assertEqual(h.get("Cache-Control"), "no-store")
        self.assertEqual(lt.db_scalar(twd.WS, "SELECT count(*) FROM drafts"),
                         before)


if __name__ == "__main__":
    unittest.main()

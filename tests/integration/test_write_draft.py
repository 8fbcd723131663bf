# SPDX-License-Identifier: EUPL-1.2
"""`lotse write draft`: drafts from county templates through the governed
application "schreiben" with a synthetic model, through the real binary.

Checks: a built-in and a county template file give a labelled draft that is
stored (drafts table) with the style check's findings of the draft text;
unknown templates, unknown placeholders and missing values are clear errors
that store nothing; a gate refusal (missing training) exits 3 with a German
reason and stores nothing; `write check` keeps working beside `draft`.
"""
import http.client
import json
import os
import re
import select
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
import test_http  # noqa: E402  (schema_errors: the reply-schema checker)

D = WS = MODEL = None


def lotse(*args, check=True):
    return lt.run(WS, *args, check=check)


def answers_for(questions):
    """A plain internal assistant: "nein" to yes/no except interaction."""
    a = {}
    for q in questions:
        values = [o["value"] for o in q.get("options", [])]
        if q["kind"] == "yes_no":
            a[q["id"]] = "ja" if q["id"] == "art50_interaction" else "nein"
        elif q["kind"] == "multi_choice":
            a[q["id"]] = ["none"] if "none" in values else []
        else:
            a[q["id"]] = "none" if "none" in values else values[0]
    return a


def drafts():
    return lt.db_scalar(WS, "SELECT count(*) FROM drafts")


def setUpModule():
    global D, WS, MODEL
    D, WS = lt.init("write_draft")
    MODEL = os.path.join(D, "schreib-synth.gguf")
    lotse("model", "synth", "-o", MODEL, "--arch", "llama", "--type", "F32",
          "--shape", "tiny", "--vocab", "bytes", "--chat-template", "chatml",
          "--seed", "7", "--name", "schreib-synth")
    lotse("user", "add", "anna", "--unit", "fd-soziales")
    lotse("user", "add", "emil", "--unit", "fd-soziales")  # no training
    lotse("user", "add", "dora", "--unit", "fd-soziales", "--clearance",
          "offen,intern,vertraulich")
    lotse("user", "add", "koord", "--unit", "kreis")
    lotse("user", "add", "leitung", "--unit", "fd-soziales")
    lotse("user", "grant", "koord", "ki_koordination")
    lotse("user", "grant", "leitung", "fachdienstleitung")
    lotse("training", "add", "ki-grundlagen", "--title", "KI-Grundlagen")
    lotse("training", "grant", "ki-grundlagen", "--user", "anna")
    lotse("training", "grant", "ki-grundlagen", "--user", "dora")
    questions = json.loads(lotse("app", "questions").stdout)
    answers = lt.write(os.path.join(D, "answers.json"),
                       json.dumps(answers_for(questions)))
    lotse("app", "create", "schreiben", "--name", "Schreibassistenz",
          "--purpose", "Entwürfe für Schreiben der Verwaltung aus Vorlagen",
          "--unit", "fd-soziales", "--units", "fd-soziales",
          "--classes", "offen,intern", "--training", "ki-grundlagen",
          "--model", "schreib-synth", "--prompt", "Du bist Schreibhilfe.",
          "--user", "koord")
    lotse("app", "classify", "schreiben", "--answers", answers,
          "--user", "koord")
    lotse("app", "document", "schreiben", "--kind", "transparenzhinweis",
          "--ref", "Dieser Entwurf wurde mit KI erstellt.", "--user", "koord")
    lotse("app", "submit", "schreiben", "--user", "koord")
    lotse("app", "approve", "schreiben", "--user", "koord", "--role",
          "ki_koordination")
    lotse("app", "approve", "schreiben", "--user", "leitung", "--role",
          "fachdienstleitung")
    docs = os.path.join(D, "docs")
    lt.write(os.path.join(docs, "offen", "sprech.txt"),
             "Sprechzeiten\n\nDie Sprechzeiten der Kfz-Zulassung ändern sich "
             "ab Montag: geöffnet von 8 bis 12 Uhr.\n")
    lt.write(os.path.join(docs, "personal", "geheim.txt"),
             "Geheimliste Zebrafink\n\nDie Sonderregel Zebrafink.\n")
    lt.write(os.path.join(docs, "vertraulich", "wagen.txt"),
             "Dienstwagen Kolibri\n\nDer Dienstwagen Kolibri steht im Hof.\n")
    lotse("ingest", "--class", "offen", os.path.join(docs, "offen"))
    lotse("ingest", "--class", "offen", "-g", "personal",
          os.path.join(docs, "personal"))
    lotse("ingest", "--class", "vertraulich",
          os.path.join(docs, "vertraulich"))


def doc_id(name):
    return str(lt.db_scalar(WS, "SELECT id FROM documents WHERE source LIKE "
                            "'%%%s'" % name))


def stored_sources(draft_id):
    return json.loads(lt.db_scalar(WS, "SELECT sources FROM drafts WHERE "
                                   "id=%d" % draft_id))


def draft(*args, check=True):
    return lotse("write", "draft", "--user", "anna", "-m", MODEL, "-t", "2",
                 "--max-tokens", "24", *args, check=check)


class WriteDraft(unittest.TestCase):
    def check_result(self, r, template, register):
        self.assertEqual(r["template"], template)
        self.assertEqual(r["register"], register)
        self.assertEqual(r["label"], "KI-Entwurf – nicht geprüft")
        self.assertIsInstance(r["draft_id"], int)
        self.assertGreater(r["draft_id"], 0)
        # the findings are those of `write check` on the draft text
        check = lt.write(os.path.join(D, "draft-%d.txt" % r["draft_id"]),
                         r["text"])
        want = [json.loads(l) for l in
                lotse("write", "check", "--json", check).stdout.splitlines()
                if l.strip()]
        self.assertEqual(r["findings"], want)
        stored = lt.db_scalar(WS, "SELECT count(*) FROM drafts WHERE id=%d"
                              % r["draft_id"])
        self.assertEqual(stored, 1)

    def test_builtin_template_gives_a_labelled_stored_draft(self):
        before = drafts()
        p = draft("--template", "vermerk", "--set", "anlass=Ortstermin",
                  "--set", "sachverhalt=Die Brücke ist gesperrt.", "--json")
        r = json.loads(p.stdout)
        self.check_result(r, "vermerk", "fachlich")
        self.assertEqual(r["notice"], "Dieser Entwurf wurde mit KI erstellt.")
        self.assertEqual(drafts(), before + 1)

    def test_register_and_human_output(self):
        p = draft("--template", "email", "--register", "buergernah",
                  "--set", "empfaenger=Frau Abel", "--set",
                  "anliegen=Termin verschieben")
        self.assertIn("KI-Entwurf – nicht geprüft (Entwurf ", p.stdout)
        self.assertIn("Stilprüfung:", p.stdout)
        p = draft("--template", "email", "--register", "locker", "--set",
                  "empfaenger=A", "--set", "anliegen=B", check=False)
        self.assertEqual(p.returncode, 2)

    def test_county_template_file_and_text_operand(self):
        tpl = lt.write(os.path.join(D, "kurz.tpl"),
                       "id: kurz\ntitle: Kurzfassung\nregister: buergernah\n"
                       "placeholders: text\n---\nKürze: {{text}}\n")
        src = lt.write(os.path.join(D, "quelle.txt"),
                       "Die Sprechzeiten ändern sich ab Montag.\n")
        r = json.loads(draft("--template-file", tpl, "--json", src).stdout)
        self.check_result(r, "kurz", "buergernah")

    def test_template_errors_store_nothing(self):
        before = drafts()
        bad = lt.write(os.path.join(D, "bad.tpl"),
                       "id: bad\ntitle: B\n---\nHallo {{wer}}\n")
        cases = [
            (("--template", "fax"), "unbekannte Vorlage „fax“", 1),
            (("--template-file", bad), "unbekannter Platzhalter „wer“", 1),
            (("--template", "vermerk", "--set", "anlass=X"),
             "„sachverhalt“ fehlt", 1),
            (("--template", "vermerk", "--set", "anlass=X", "--set",
              "sachverhalt=Y", "--set", "farbe=rot"), "„farbe“", 1),
            (("--template", "vermerk", "--set", "ohne-gleich"), "NAME=WERT", 2),
            (("--set", "a=b"), "--template", 2),
        ]
        for args, msg, rc in cases:
            p = draft(*args, check=False)
            self.assertEqual(p.returncode, rc, args)
            self.assertIn(msg, p.stderr, args)
        self.assertEqual(drafts(), before)

    def test_refusal_exits_3_and_stores_nothing(self):
        before = drafts()
        p = lotse("write", "draft", "--user", "emil", "-m", MODEL,
                  "--template", "vermerk", "--set", "anlass=X", "--set",
                  "sachverhalt=Y", "--json", check=False)
        self.assertEqual(p.returncode, 3)
        self.assertIn("abgelehnt", p.stderr)
        self.assertEqual(json.loads(p.stdout)["error"]["reason"],
                         "training_missing")
        p = lotse("write", "draft", "--user", "anna", "-m", MODEL,
                  "--app", "gibtsnicht", "--template", "vermerk", "--set",
                  "anlass=X", "--set", "sachverhalt=Y", check=False)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(drafts(), before)

    def test_summary_of_a_document_and_of_search_results(self):
        sprech = doc_id("sprech.txt")
        r = json.loads(draft("--template", "zusammenfassung", "--doc", sprech,
                             "--json").stdout)
        self.check_result(r, "zusammenfassung", "fachlich")
        self.assertIn(int(sprech), [x.get("doc") for x in
                                    stored_sources(r["draft_id"])])
        r = json.loads(draft("--template", "zusammenfassung", "--query",
                             "Sprechzeiten Zulassung", "--json").stdout)
        self.check_result(r, "zusammenfassung", "fachlich")
        self.assertIn(int(sprech), [x.get("doc") for x in
                                    stored_sources(r["draft_id"])])

    def test_summary_stays_within_rights_and_clearance(self):
        before = drafts()
        geheim, wagen = doc_id("geheim.txt"), doc_id("wagen.txt")
        p = draft("--template", "zusammenfassung", "--doc", geheim,
                  check=False)  # anna is not in group "personal"
        self.assertEqual(p.returncode, 1)
        self.assertIn("nicht gefunden", p.stderr)
        self.assertNotIn("Zebrafink", p.stdout + p.stderr)
        p = draft("--template", "zusammenfassung", "--query", "Zebrafink",
                  check=False)
        self.assertEqual(p.returncode, 1)
        self.assertNotIn("Sonderregel", p.stdout + p.stderr)
        # dora may read it, the application may not process "vertraulich"
        p = lotse("write", "draft", "--user", "dora", "-m", MODEL,
                  "--template", "zusammenfassung", "--doc", wagen,
                  check=False)
        self.assertEqual(p.returncode, 3)
        self.assertIn("abgelehnt", p.stderr)
        p = draft("--template", "vermerk", "--set", "anlass=X", "--set",
                  "sachverhalt=Y", "--doc", doc_id("sprech.txt"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("„text“", p.stderr)
        p = draft("--template", "zusammenfassung", "--doc", "1", "--query",
                  "x", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(drafts(), before)

    def test_check_still_works(self):
        f = lt.write(os.path.join(D, "c.txt"),
                     "Der Antrag wird seitens der Behörde geprüft.\n")
        rules = [json.loads(l)["rule"] for l in
                 lotse("write", "check", "--json", f).stdout.splitlines()]
        self.assertEqual(rules, ["passive", "phrase"])
        p = lotse("write", "check", "--template", "x", f, check=False)
        self.assertEqual(p.returncode, 2)


class Serve:
    """`lotse serve --port 0 --dev-tokens -m MODEL` for POST /api/write."""

    def __init__(self):
        with open(os.path.join(lt.SRC, "server", "api", "write-draft.json"),
                  encoding="utf-8") as f:
            self.spec = json.load(f)
        self.err = open(os.path.join(D, "serve.err"), "wb")
        self.proc = subprocess.Popen(
            [lt.BIN, "--workspace", WS, "serve", "--port", "0",
             "--dev-tokens", "--model", MODEL, "--threads", "2"],
            stdout=subprocess.PIPE, stderr=self.err)
        buf, deadline = b"", time.monotonic() + 60
        while b"\n" not in buf and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            r, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if r:
                buf += os.read(self.proc.stdout.fileno(), 4096)
        m = re.search(rb"http://([^:/]+):(\d+)/", buf)
        if not m:
            self.stop()
            raise RuntimeError("server did not start: %r" % buf)
        self.host, self.port = m.group(1).decode(), int(m.group(2))

    def post(self, body, user=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=120)
        headers = {"Content-Type": "application/json"}
        if user:
            headers["Authorization"] = "Bearer dev:" + user
        try:
            c.request("POST", "/api/write", body=json.dumps(body).encode(),
                      headers=headers)
            resp = c.getresponse()
            out = json.loads(resp.read())
            reply = self.spec["reply_schema"].get(str(resp.status))
            schema = reply["schema"] if reply else {
                "$ref": "#/definitions/error"}
            errs = test_http.schema_errors(out, schema, self.spec)
            if errs:
                raise AssertionError("reply does not match write-draft.json: "
                                     "%s" % errs)
            return resp.status, out
        finally:
            c.close()

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.err.close()
        return rc


class WriteApi(unittest.TestCase):
    def test_post_api_write(self):
        srv = Serve()
        try:
            before = drafts()
            st, r = srv.post({"template": "email", "values": {
                "empfaenger": "Frau Abel", "anliegen": "Termin"},
                "register": "buergernah", "max_tokens": 16}, user="anna")
            self.assertEqual(st, 200, r)
            self.assertEqual(r["register"], "buergernah")
            self.assertEqual(r["label"], "KI-Entwurf – nicht geprüft")
            self.assertEqual(drafts(), before + 1)
            st, r = srv.post({"template": "zusammenfassung", "doc_id":
                              int(doc_id("sprech.txt")), "max_tokens": 16},
                             user="anna")
            self.assertEqual(st, 200, r)
            self.assertEqual(drafts(), before + 2)
            cases = [
                ({"template": "email"}, None, 401),
                ({"template": "email", "values": {"empfaenger": "A"}},
                 "anliegen", 400),
                ({"template": "fax"}, "fax", 400),
                ({"template": "email", "values": {"empfaenger": 1}}, None, 400),
                ({"template": "zusammenfassung", "doc_id":
                  int(doc_id("geheim.txt"))}, "nicht gefunden", 404),
            ]
            for body, msg, want in cases:
                st, r = srv.post(body, user=None if want == 401 else "anna")
                self.assertEqual(st, want, body)
                if msg:
                    self.assertIn(msg, r["error"]["message"])
            st, r = srv.post({"template": "email", "values": {
                "empfaenger": "A", "anliegen": "B"}}, user="emil")
            self.assertEqual(st, 403)
            self.assertEqual(r["error"]["reason"], "training_missing")
            self.assertEqual(drafts(), before + 2)
        finally:
            self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: EUPL-1.2
"""`lotse ask`: the governed application "Fragen" through the real binary.

An application "fragen" is registered, classified, documented and approved
with the registry's CLI; documents are ingested (one hidden behind a group,
one above the application's clearance); questions are asked without a model
(extractive) and with a synthetic model. Checks: citations resolve to the
returned sources, a hidden document never shows (text or title), nothing
found is said instead of invented, the gate's refusals exit 3 with a German
reason, and the whole path ends in a signed-off draft and a verified audit
trail.
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

SPEC = None


def spec_errors(status, value, schema=None):
    """Where value does not match the reply schema of server/api/ask.json."""
    global SPEC
    if SPEC is None:
        with open(os.path.join(lt.SRC, "server", "api", "ask.json"),
                  encoding="utf-8") as f:
            SPEC = json.load(f)
    if schema is None:
        reply = SPEC["reply_schema"].get(str(status))
        schema = reply["schema"] if reply else {"$ref": "#/definitions/error"}
    return test_http.schema_errors(value, schema, SPEC)



def answers_for(questions):
    """A plain internal chatbot: no to every yes/no question except "interacts
    with people" (class 2, transparency notice), "none" where offered."""
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


NOTICE = "Diese Antwort hat eine KI aus Dokumenten des Kreises erstellt."

D = WS = MODEL = None


def lotse(*args, check=True):
    return lt.run(WS, *args, check=check)


def commands():
    out = subprocess.run([lt.BIN, "-h"], capture_output=True, text=True).stdout
    return out


def setUpModule():
    global D, WS, MODEL
    D, WS = lt.init("ask")
    MODEL = os.path.join(D, "fragen-synth.gguf")
    lt.run(WS, "model", "synth", "-o", MODEL, "--arch", "llama", "--type",
           "F32", "--shape", "tiny", "--vocab", "bytes", "--chat-template",
           "chatml", "--seed", "5", "--name", "fragen-synth")
    for name, unit, extra in (("anna", "fd-soziales", []),
                              ("bernd", "fd-soziales", ["-g", "personal"]),
                              ("dora", "fd-soziales",
                               ["--clearance",
                                "offen,intern,vertraulich"]),
                              ("emil", "fd-bauen", []),
                              ("koord", "kreis", []),
                              ("leitung", "fd-soziales", [])):
        lotse("user", "add", name, "--unit", unit, *extra)
    lotse("user", "grant", "koord", "ki_koordination")
    lotse("user", "grant", "leitung", "fachdienstleitung")
    lotse("training", "add", "ki-grundlagen", "--title", "KI-Grundlagen")
    for u in ("anna", "bernd", "dora", "emil"):
        lotse("training", "grant", "ki-grundlagen", "--user", u)
    questions = json.loads(lotse("app", "questions").stdout)
    answers = lt.write(os.path.join(D, "answers.json"),
                       json.dumps(answers_for(questions)))
    lotse("app", "create", "fragen", "--name", "Fragen", "--purpose",
          "Fragen der Beschäftigten zu Dienstanweisungen beantworten",
          "--unit", "fd-soziales", "--units", "fd-soziales,fd-bauen",
          "--classes", "offen,intern", "--training", "ki-grundlagen",
          "--model", "fragen-synth", "--prompt", "Du bist InfoBuddy.",
          "--user", "koord")
    lotse("app", "classify", "fragen", "--answers", answers, "--user", "koord")
    lotse("app", "document", "fragen", "--kind", "transparenzhinweis",
          "--ref", NOTICE, "--user", "koord")
    lotse("app", "submit", "fragen", "--user", "koord")
    lotse("app", "approve", "fragen", "--user", "koord", "--role",
          "ki_koordination")
    lotse("app", "approve", "fragen", "--user", "leitung", "--role",
          "fachdienstleitung")
    docs = os.path.join(D, "docs")
    lt.write(os.path.join(docs, "offen", "urlaub.txt"),
             "Urlaubsordnung\n\nAllgemeines zur Verwaltung des Kreises. "
             "Urlaub beantragen Sie im Mitarbeiterportal. Die Leitung "
             "entscheidet binnen einer Woche.\n")
    lt.write(os.path.join(docs, "offen", "reise.txt"),
             "Reisekostenrichtlinie\n\nDienstreisen genehmigt die "
             "Fachdienstleitung vorab. Die Abrechnung erfolgt binnen sechs "
             "Monaten.\n")
    lt.write(os.path.join(docs, "personal", "geheim.txt"),
             "Geheimliste Zebrafink\n\nUrlaub der Amtsleitung regelt die "
             "Sonderregel Zebrafink.\n")
    lt.write(os.path.join(docs, "vertraulich", "wagen.txt"),
             "Dienstwagenregeln Kolibri\n\nDer Dienstwagen Kolibri steht im "
             "Hof.\n")
    lotse("ingest", "--class", "offen", os.path.join(docs, "offen"))
    lotse("ingest", "--class", "offen", "-g", "personal",
          os.path.join(docs, "personal"))
    lotse("ingest", "--class", "vertraulich",
          os.path.join(docs, "vertraulich"))


def ask_json(*args, check=True):
    p = lotse("ask", "--json", *args, check=check)
    return p, (json.loads(p.stdout) if p.stdout.strip() else None)


def citations(text):
    nums = []
    for group in re.findall(r"\[([^\]]*)\]", text):
        if re.fullmatch(r"[0-9 ,]+", group):
            nums += [int(x) for x in re.findall(r"[0-9]+", group)]
    return nums


class Ask(unittest.TestCase):
    def check_answer(self, a):
        """Every citation names a returned source; sources are 1..n."""
        self.assertEqual([s["n"] for s in a["sources"]],
                         list(range(1, len(a["sources"]) + 1)))
        for n in citations(a["answer"]):
            self.assertTrue(1 <= n <= len(a["sources"]), a["answer"])

    def test_extractive_answer_cites_sources_and_stores_a_draft(self):
        _, a = ask_json("--user", "anna", "Wie beantrage ich Urlaub?")
        self.assertTrue(a["found"])
        self.assertTrue(a["extractive"])
        self.assertIn("Mitarbeiterportal", a["answer"])
        self.assertIn("[1]", a["answer"])
        self.assertEqual(a["sources"][0]["title"], "Urlaubsordnung")
        self.assertTrue(a["sources"][0]["cited"])
        self.assertEqual(a["label"], "KI-Entwurf – nicht geprüft")
        self.assertEqual(a["risk_class"], 2)
        self.assertEqual(a["notice"], NOTICE)
        self.assertIsInstance(a["draft_id"], int)
        self.check_answer(a)
        # The text form streams the answer, then sources, label and notice.
        out = lotse("ask", "--user", "anna", "Wie", "beantrage", "ich",
                    "Urlaub?").stdout
        self.assertIn("[1] Urlaubsordnung", out)
        self.assertIn("KI-Entwurf – nicht geprüft (Entwurf ", out)
        self.assertIn(NOTICE, out)
        self.assertLess(out.index("Mitarbeiterportal"), out.index("Quellen:"))

    def test_hidden_document_never_shows(self):
        q = "Was regelt die Sonderregel Zebrafink?"
        _, a = ask_json("--user", "bernd", q)
        self.assertTrue(a["found"])
        self.assertIn("Zebrafink", a["answer"])
        for who in ("anna", "emil"):
            p, a = ask_json("--user", who, q)
            self.assertNotIn("Zebrafink", p.stdout)
            self.assertNotIn("Geheimliste", p.stdout)
            self.assertFalse(a["found"])
            self.assertEqual(a["sources"], [])
            self.assertIsNone(a["draft_id"])
            self.assertIn("nichts Passendes gefunden", a["answer"])

    def test_source_above_the_apps_clearance_is_withheld(self):
        p, a = ask_json("--user", "dora", "Wo steht der Dienstwagen Kolibri?")
        self.assertEqual(a["withheld"], 1)
        self.assertFalse(a["found"])
        self.assertNotIn("Kolibri", a["answer"])
        self.assertNotIn("Dienstwagenregeln", p.stdout)

    def test_refusals_exit_3_with_a_german_reason(self):
        p = lotse("ask", "--user", "koord", "Urlaub?", check=False)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("abgelehnt", p.stderr)
        self.assertIn("Organisationseinheit", p.stderr)
        self.assertNotIn("Mitarbeiterportal", p.stdout)
        p, e = ask_json("--user", "koord", "Urlaub?", check=False)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(e["error"]["code"], "refused")
        self.assertIn("unit", e["error"]["reason"])
        p = lotse("ask", "--user", "anna", "--app", "gibtsnicht", "Urlaub?",
                  check=False)
        self.assertEqual(p.returncode, 3)

    def test_usage(self):
        self.assertEqual(lotse("ask", check=False).returncode, 2)
        self.assertEqual(lotse("ask", "--passages", "0", "x",
                               check=False).returncode, 2)
        p = lotse("ask", "--user", "anna", "   ", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("leer", p.stderr)

    def test_with_model_streams_and_cites_only_sources(self):
        _, a = ask_json("--user", "anna", "-m", MODEL, "-t", "2",
                        "--max-tokens", "16", "Wie beantrage ich Urlaub?")
        self.assertTrue(a["found"])
        self.assertGreater(a["usage"]["prompt_tokens"], 0)
        if not a["extractive"]:
            self.assertGreater(a["usage"]["completion_tokens"], 0)
        self.assertIsInstance(a["draft_id"], int)
        self.assertNotIn("Zebrafink", json.dumps(a))
        self.check_answer(a)

    def test_a_model_the_app_was_not_approved_with_does_not_run(self):
        other = os.path.join(D, "anderes.gguf")
        lt.run(WS, "model", "synth", "-o", other, "--arch", "llama", "--type",
               "F32", "--shape", "tiny", "--vocab", "bytes",
               "--chat-template", "chatml", "--name", "anderes")
        p = lotse("ask", "--user", "anna", "-m", other, "Urlaub?", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("nicht freigegeben", p.stderr)

    def test_whole_path_to_signoff_and_verified_audit(self):
        if " draft " not in commands() or " audit " not in commands():
            self.skipTest("lotse draft / lotse audit not built")
        _, a = ask_json("--user", "anna", "-m", MODEL, "-t", "2",
                        "--max-tokens", "8", "Wer genehmigt Dienstreisen?")
        draft = str(a["draft_id"])
        p = lotse("draft", "export", draft, check=False)
        self.assertNotEqual(p.returncode, 0)  # not final before sign-off
        lotse("draft", "signoff", draft, "--user", "leitung")
        lotse("draft", "export", draft)
        lotse("audit", "verify")
        rows = [json.loads(l) for l in
                lotse("audit", "export").stdout.splitlines() if l.strip()]
        asks = [r for r in rows if r.get("action") == "ask"]
        self.assertTrue(asks)
        self.assertNotIn("Dienstreisen?", json.dumps(rows))  # no content


class Serve:
    """`lotse serve --port 0 --dev-tokens -m MODEL` for the HTTP tests."""

    def __init__(self):
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
            c.request("POST", "/api/ask", body=json.dumps(body).encode(),
                      headers=headers)
            resp = c.getresponse()
            out = resp.read()
            if "json" in (resp.getheader("Content-Type") or ""):
                errs = spec_errors(resp.status, json.loads(out))
                if errs:
                    raise AssertionError("reply does not match ask.json: %s"
                                         % errs)
            return resp.status, resp.getheader("Content-Type"), out
        finally:
            c.close()

    def stop(self):
        """Stop with SIGTERM; the exit status (sanitizer reports make it
        non-zero) and stderr are returned."""
        self.proc.terminate()
        rc = self.proc.wait(timeout=60)
        self.err.close()
        with open(os.path.join(D, "serve.err"), encoding="utf-8",
                  errors="replace") as f:
            return rc, f.read()


class AskHttp(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = Serve()

    @classmethod
    def tearDownClass(cls):
        rc, err = cls.srv.stop()
        if rc != 0:
            raise AssertionError("lotse serve exited %d:\n%s" % (rc, err))

    def test_answer_as_json(self):
        st, ct, body = self.srv.post({"question": "Wie beantrage ich Urlaub?",
                                      "max_tokens": 8}, "anna")
        self.assertEqual(st, 200, body)
        self.assertIn("application/json", ct)
        a = json.loads(body)
        self.assertTrue(a["found"])
        self.assertEqual(a["sources"][0]["title"], "Urlaubsordnung")
        self.assertIsInstance(a["draft_id"], int)
        Ask.check_answer(self, a)

    def test_hidden_document_never_shows(self):
        st, _, body = self.srv.post(
            {"question": "Was regelt die Sonderregel Zebrafink?"}, "anna")
        self.assertEqual(st, 200)
        self.assertNotIn(b"Zebrafink", body)
        self.assertNotIn(b"Geheimliste", body)
        self.assertFalse(json.loads(body)["found"])

    def test_stream_sources_then_text_then_done(self):
        st, ct, body = self.srv.post({"question": "Wie beantrage ich Urlaub?",
                                      "stream": True, "max_tokens": 8},
                                     "anna")
        self.assertEqual(st, 200, body)
        self.assertIn("text/event-stream", ct)
        events = [json.loads(l[len("data: "):])
                  for l in body.decode().split("\n\n") if l.strip()]
        types = [e["type"] for e in events]
        self.assertEqual(types[0], "sources")
        self.assertEqual(types[-1], "done")
        self.assertEqual(set(types[1:-1]), {"text"})
        done = dict(events[-1])
        del done["type"]
        self.assertEqual(spec_errors(200, done), [])
        for src in events[0]["sources"]:
            self.assertEqual(spec_errors(200, src,
                                         {"$ref": "#/definitions/source"}), [])
        self.assertEqual("".join(e["text"] for e in events[1:-1]),
                         done["answer"])
        self.assertEqual([s["doc_id"] for s in events[0]["sources"]],
                         [s["doc_id"] for s in done["sources"]])
        self.assertIsInstance(done["draft_id"], int)
        Ask.check_answer(self, done)

    def test_client_leaving_a_stream_does_not_harm_the_server(self):
        # Read up to the first text event, then hang up; the server stops
        # that answer (or has finished it) and goes on serving; its clean
        # exit is checked in tearDownClass.
        c = http.client.HTTPConnection(self.srv.host, self.srv.port,
                                       timeout=120)
        c.request("POST", "/api/ask", body=json.dumps(
            {"question": "Wie beantrage ich Urlaub?", "stream": True,
             "max_tokens": 400}).encode(),
            headers={"Authorization": "Bearer dev:anna"})
        resp = c.getresponse()
        self.assertEqual(resp.status, 200)
        seen = b""
        while b'"type":"text"' not in seen and b'"type":"done"' not in seen:
            line = resp.fp.readline()
            if not line:
                break
            seen += line
        self.assertIn(b'"type":"sources"', seen)
        c.close()
        st, _, body = self.srv.post({"question": "Wie beantrage ich Urlaub?",
                                     "max_tokens": 4}, "anna")
        self.assertEqual(st, 200, body)

    def test_refused_is_403_also_when_streaming(self):
        for stream in (False, True):
            st, ct, body = self.srv.post({"question": "Urlaub?",
                                          "stream": stream}, "koord")
            self.assertEqual(st, 403, body)
            e = json.loads(body)["error"]
            self.assertIn("unit", e["reason"])
            self.assertIn("Organisationseinheit", e["message"])
        st, _, body = self.srv.post({"question": "Urlaub?"})  # anonymous
        self.assertEqual(st, 403, body)

    def test_bad_bodies_are_400(self):
        for body in ({}, {"question": 3}, {"question": "x", "stream": "ja"},
                     {"question": "x", "passages": 0}, {"question": "  "},
                     {"question": "x", "app": 5}):
            st, _, out = self.srv.post(body, "anna")
            self.assertEqual(st, 400, (body, out))
            self.assertIn("message", json.loads(out)["error"])


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: EUPL-1.2
"""`lotse easy simplify` and POST /api/easy/simplify: a Bescheid to a draft
in Leichte Sprache through the governed application "leichte-sprache" with
a synthetic model, through the real binary.

Checks: the draft is stored with its label; --json prints the draft object
and then exactly the lines of `lotse easy check --json` for the draft (same
thresholds), with the scores of the original; exit codes 0 / 1 (no model,
unreadable or non-UTF-8 text) / 2 (usage) / 3 (refused, nothing stored);
over HTTP 200 (findings and scores equal POST /api/easy/check of the draft,
reply against server/api/easy-simplify.json), 400, 401, 403 with the
gate's reason, 413, and 503 for a server without a model; failures store
nothing.
"""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402

HYPH = os.environ.get("LOTSE_HYPHEN_DIC",
                      "/usr/share/hyphen/hyph_de_DE.dic")
D = WS = MODEL = None
LABEL = "KI-Entwurf – nicht geprüft"
NOTICE = ("Dieser Text ist in Leichter Sprache. Er ist nicht rechtlich "
          "verbindlich. Rechtlich gilt nur der Bescheid.")
BESCHEID = (
    "Sehr geehrte Frau Beispiel,\n\nIhr Antrag auf Wohngeld vom 01.03.2026 "
    "wurde geprüft. Gemäß § 24 WoGG wird Ihnen ab dem 01.04.2026 ein "
    "monatlicher Zuschuss in Höhe von 120 Euro bewilligt, sofern sich Ihre "
    "Einkommensverhältnisse nicht ändern. Gegen diesen Bescheid können Sie "
    "innerhalb eines Monats Widerspruch einlegen.\n")


def lotse(*args, check=True, stdin=None):
    if stdin is None:
        return lt.run(WS, *args, check=check)
    return subprocess.run([lt.BIN, "--workspace", WS] + list(args),
                          input=stdin, capture_output=True, text=True,
                          timeout=600, check=check)


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
    D, WS = lt.init("easy_simplify")
    MODEL = os.path.join(D, "leicht-synth.gguf")
    lotse("model", "synth", "-o", MODEL, "--arch", "llama", "--type", "F32",
          "--shape", "tiny", "--vocab", "bytes", "--chat-template", "chatml",
          "--seed", "11", "--name", "leicht-synth")
    lotse("user", "add", "anna", "--unit", "fd-soziales")
    lotse("user", "add", "emil", "--unit", "fd-soziales")  # no training
    lotse("user", "add", "koord", "--unit", "kreis")
    lotse("user", "add", "leitung", "--unit", "fd-soziales")
    lotse("user", "grant", "koord", "ki_koordination")
    lotse("user", "grant", "leitung", "fachdienstleitung")
    lotse("training", "add", "ki-grundlagen", "--title", "KI-Grundlagen")
    lotse("training", "grant", "ki-grundlagen", "--user", "anna")
    questions = json.loads(lotse("app", "questions").stdout)
    answers = lt.write(os.path.join(D, "answers.json"),
                       json.dumps(answers_for(questions)))
    lotse("app", "create", "leichte-sprache", "--name", "Leichte Sprache",
          "--purpose", "Bescheide in Leichter Sprache entwerfen",
          "--unit", "fd-soziales", "--units", "fd-soziales",
          "--classes", "offen,intern,personenbezogen",
          "--training", "ki-grundlagen", "--model", "leicht-synth",
          "--prompt", "Du schreibst für Bürgerinnen und Bürger.",
          "--user", "koord")
    lotse("app", "classify", "leichte-sprache", "--answers", answers,
          "--user", "koord")
    lotse("app", "document", "leichte-sprache", "--kind",
          "transparenzhinweis", "--ref",
          "Dieser Entwurf wurde mit KI erstellt.", "--user", "koord")
    lotse("app", "submit", "leichte-sprache", "--user", "koord")
    lotse("app", "approve", "leichte-sprache", "--user", "koord", "--role",
          "ki_koordination")
    lotse("app", "approve", "leichte-sprache", "--user", "leitung", "--role",
          "fachdienstleitung")
    with open(os.path.join(WS, "lotse.conf"), "a", encoding="utf-8") as f:
        f.write("\n[server]\nmax_request_kb = 1024\n")
    lt.write(os.path.join(D, "bescheid.txt"), BESCHEID)


def check_lines(path, *opts):
    """The JSON lines of `lotse easy check --json` for the file."""
    out = lotse("easy", "check", "--json", *opts, path).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def simplify(*args, check=True, stdin=None):
    return lotse("easy", "simplify", "--user", "anna", "-m", MODEL, "-t",
                 "2", "--max-tokens", "24", *args, check=check, stdin=stdin)


@unittest.skipUnless(os.path.exists(HYPH),
                     "German hyphenation patterns (hyphen-de) missing")
class SimplifyCli(unittest.TestCase):
    def test_json_is_the_draft_then_the_check_of_the_draft(self):
        before = drafts()
        p = simplify("--json", "--max-words", "8", "--max-letters", "10",
                     os.path.join(D, "bescheid.txt"))
        lines = [json.loads(line) for line in p.stdout.splitlines()]
        head = lines[0]
        self.assertEqual(sorted(head), ["ai_notice", "draft_id", "label",
                                        "notice", "original_scores", "text"])
        self.assertEqual(head["label"], LABEL)
        self.assertEqual(head["notice"], NOTICE)
        self.assertEqual(head["ai_notice"],
                         "Dieser Entwurf wurde mit KI erstellt.")
        self.assertEqual(drafts(), before + 1)
        stored = lt.db_scalar(WS, "SELECT text FROM drafts WHERE id=%d"
                              % head["draft_id"])
        self.assertEqual(stored, head["text"])
        self.assertEqual(lt.db_scalar(WS, "SELECT label FROM drafts WHERE "
                                      "id=%d" % head["draft_id"]), LABEL)
        self.assertEqual(lt.db_scalar(WS, "SELECT app FROM drafts WHERE "
                                      "id=%d" % head["draft_id"]),
                         "leichte-sprache")
        # the rest: exactly `easy check --json` of the draft, same options
        draft = lt.write(os.path.join(D, "draft-%d.txt" % head["draft_id"]),
                         head["text"])
        self.assertEqual(lines[1:], check_lines(draft, "--max-words", "8",
                                                "--max-letters", "10"))
        orig = check_lines(os.path.join(D, "bescheid.txt"), "--max-words",
                           "8", "--max-letters", "10")
        self.assertEqual(head["original_scores"], orig[-1]["scores"])
        self.assertGreater(orig[-1]["scores"]["findings"], 5)
        self.assertIn("Entwurf %d" % head["draft_id"], p.stderr)

    def test_text_output_and_stdin(self):
        before = drafts()
        p = simplify("-", stdin=BESCHEID)
        self.assertIn(LABEL + " (Entwurf ", p.stderr)
        self.assertIn("Rechtlich gilt nur der Bescheid.", p.stderr)
        self.assertRegex(p.stderr, r"Flesch, Amstad\): vorher -?[0-9.]+, "
                                   r"nachher -?[0-9.]+")
        self.assertEqual(drafts(), before + 1)
        last = lt.db_scalar(WS, "SELECT text FROM drafts ORDER BY id DESC "
                            "LIMIT 1")
        self.assertEqual(p.stdout.rstrip("\n"), last.rstrip("\n"))

    def test_refusal_exits_3_and_stores_nothing(self):
        before = drafts()
        p = lotse("easy", "simplify", "--user", "emil", "-m", MODEL,
                  "--json", os.path.join(D, "bescheid.txt"), check=False)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("abgelehnt", p.stderr)
        self.assertEqual(json.loads(p.stdout)["error"]["reason"],
                         "training_missing")
        p = simplify("--app", "gibtsnicht", os.path.join(D, "bescheid.txt"),
                     check=False)
        self.assertEqual(p.returncode, 3)
        # without a model the gate still decides first
        p = lotse("easy", "simplify", "--user", "emil",
                  os.path.join(D, "bescheid.txt"), check=False)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(drafts(), before)

    def test_audit_trail_names_the_call_not_the_text(self):
        p = simplify("--json", os.path.join(D, "bescheid.txt"))
        draft_id = json.loads(p.stdout.splitlines()[0])["draft_id"]
        lotse("easy", "simplify", "--user", "emil", "-m", MODEL,
              os.path.join(D, "bescheid.txt"), check=False)
        lotse("audit", "verify")
        recs = [json.loads(line) for line in lotse(
            "audit", "export", "--app", "leichte-sprache").stdout.splitlines()
            if line.strip()]
        mine = [r for r in recs if r["action"] == "simplify"]
        self.assertTrue([r for r in mine if r["decision"] == "allow" and
                         r["actor"] == "anna" and r["model"]], recs)
        self.assertTrue([r for r in mine if r["decision"] == "refuse" and
                         r["actor"] == "emil" and
                         r["reason_code"] == "training_missing"], recs)
        dump = json.dumps(recs, ensure_ascii=False)
        self.assertNotIn("Wohngeld", dump)  # the input is not in the trail
        draft = lt.db_scalar(WS, "SELECT text FROM drafts WHERE id=%d"
                             % draft_id)
        if len(draft.strip()) >= 12:
            self.assertNotIn(draft.strip(), dump)

    def test_errors_and_usage(self):
        before = drafts()
        bescheid = os.path.join(D, "bescheid.txt")
        latin1 = os.path.join(D, "latin1.txt")
        with open(latin1, "wb") as f:
            f.write("Grüße".encode("latin-1"))
        cases = [
            (("easy", "simplify", "--user", "anna", bescheid), 1,
             "kein Sprachmodell"),
            (("easy", "simplify", "--user", "anna", "-m", MODEL, latin1), 1,
             "UTF-8"),
            (("easy", "simplify", "--user", "anna", "-m", MODEL,
              os.path.join(D, "fehlt.txt")), 1, "fehlt.txt"),
            (("easy", "simplify", "--user", "niemand", "-m", MODEL,
              bescheid), 1, "unbekannter Benutzer"),
            (("easy", "simplify", "-m", MODEL, bescheid), 2, "--user"),
            (("easy", "simplify", "--user", "anna", "-m", MODEL), 2,
             "DATEI"),
            (("easy", "simplify", "--user", "anna", "--max-words", "0",
              bescheid), 2, "--max-words"),
            (("easy", "simplify", "--user", "anna", "--farbe", "rot",
              bescheid), 2, ""),
        ]
        for args, rc, msg in cases:
            p = lotse(*args, check=False)
            self.assertEqual(p.returncode, rc, (args, p.stderr))
            self.assertIn(msg, p.stderr, args)
        self.assertEqual(drafts(), before)
        h = lotse("easy", "simplify", "-h")
        self.assertIn("Aufruf: lotse easy simplify", h.stdout)


def post(srv, body, user="anna"):
    h = {"Content-Type": "application/json"}
    if user:
        h["Authorization"] = "Bearer dev:" + user
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return request(srv, "POST", "/api/easy/simplify", h, data)


def spec():
    with open(os.path.join(lt.SRC, "server", "api", "easy-simplify.json"),
              encoding="utf-8") as f:
        return json.load(f)


@unittest.skipUnless(os.path.exists(HYPH),
                     "German hyphenation patterns (hyphen-de) missing")
class SimplifyApi(unittest.TestCase):
    def check_schema(self, r):
        s = spec()
        reply = s["reply_schema"].get(str(r.status))
        schema = reply["schema"] if reply else {"$ref": "#/definitions/error"}
        self.assertEqual(schema_errors(r.json(), schema, s), [],
                         "%d %s" % (r.status, r.body))

    def test_api_with_a_model(self):
        srv = Server(WS, "simplify", "--dev-tokens", "--model", MODEL,
                     "--threads", "2")
        try:
            before = drafts()
            r = post(srv, {"text": BESCHEID, "max_tokens": 24,
                           "max_words": 9})
            self.assertEqual(r.status, 200, r.body)
            self.check_schema(r)
            j = r.json()
            self.assertEqual(j["label"], LABEL)
            self.assertEqual(j["notice"], NOTICE)
            self.assertEqual(drafts(), before + 1)
            self.assertEqual(lt.db_scalar(
                WS, "SELECT text FROM drafts WHERE id=%d" % j["draft_id"]),
                j["text"])
            # the same findings and scores as POST /api/easy/check
            h = {"Content-Type": "application/json",
                 "Authorization": "Bearer dev:anna"}
            c = request(srv, "POST", "/api/easy/check", h, json.dumps(
                {"text": j["text"], "max_words": 9}).encode()).json()
            self.assertEqual(j["findings"], c["findings"])
            self.assertEqual(j["scores"], c["scores"])
            c = request(srv, "POST", "/api/easy/check", h, json.dumps(
                {"text": BESCHEID, "max_words": 9}).encode()).json()
            self.assertEqual(j["original_scores"], c["scores"])
            cases = [
                ({"text": BESCHEID}, None, 401, None),
                ({"text": BESCHEID}, "emil", 403, "training_missing"),
                ({"text": BESCHEID, "app": "gibtsnicht"}, "anna", 403,
                 "unknown_app"),
                (b"[1]", "anna", 400, None),
                (b"kein json", "anna", 400, None),
                ({}, "anna", 400, None),
                ({"text": ""}, "anna", 400, None),
                ({"text": 7}, "anna", 400, None),
                ({"text": "a\u0000b"}, "anna", 400, None),
                ({"text": "Hallo.", "app": 3}, "anna", 400, None),
                ({"text": "Hallo.", "max_words": 0}, "anna", 400, None),
                ({"text": "Hallo.", "max_tokens": 70000}, "anna", 400,
                 None),
                ({"text": "a" * (256 * 1024 + 1)}, "anna", 413, None),
            ]
            for body, who, want, reason in cases:
                r = post(srv, body, who)
                self.assertEqual(r.status, want, (str(body)[:60], r.body))
                self.check_schema(r)
                if reason:
                    self.assertEqual(r.json()["error"]["reason"], reason)
                    self.assertTrue(r.json()["error"]["message"])
            self.assertEqual(drafts(), before + 1)
        finally:
            rc, _ = srv.stop()
            self.assertEqual(rc, 0, srv.stderr_text())

    def test_api_without_a_model(self):
        srv = Server(WS, "simplify-nomodel", "--dev-tokens")
        try:
            before = drafts()
            r = post(srv, {"text": BESCHEID})
            self.assertEqual(r.status, 503, r.body)
            self.check_schema(r)
            self.assertIn("Sprachmodell", r.json()["error"]["message"])
            r = post(srv, {"text": BESCHEID}, "emil")
            self.assertEqual(r.status, 403, r.body)
            self.assertEqual(drafts(), before)
        finally:
            rc, _ = srv.stop()
            self.assertEqual(rc, 0, srv.stderr_text())


if __name__ == "__main__":
    unittest.main()

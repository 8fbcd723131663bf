# SPDX-License-Identifier: EUPL-1.2
"""`lotse minutes`: render a minutes JSON file as Markdown and HTML in the
fixed county layout (escaped), refuse invalid minutes with a German message
naming the field, store valid ones as a draft that `lotse draft` shows and a
named person can sign off; invalid input stores nothing."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

GOOD = {
    "meeting": "Dienstbesprechung Bauamt",
    "date": "2026-02-28",
    "place": "Raum 2.14",
    "attendees": ["A. Meier", "B. Yilmaz"],
    "items": [
        {"title": "Digitale Bauakte <script>x</script>",
         "statements": ["Frau Meier berichtet über den Stand."],
         "decisions": ["Pilotbetrieb ab März"]},
        {"title": "Verschiedenes", "statements": [], "decisions": []},
    ],
    "tasks": [{"task": "Zeitplan erstellen", "owner": "B. Yilmaz",
               "due": "2026-03-15"}],
}


def answers_for(questions):
    """An internal tool: no to every yes/no question except "interacts with
    people" (class 2, transparency notice), "none" where offered."""
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


def setUpModule():
    global D, WS, MODEL
    D, WS = lt.init("minutes")
    MODEL = os.path.join(D, "protokoll-synth.gguf")
    lt.run(WS, "model", "synth", "-o", MODEL, "--arch", "llama", "--type",
           "F32", "--shape", "tiny", "--vocab", "bytes", "--chat-template",
           "chatml", "--seed", "7", "--name", "protokoll-synth")
    for name, unit in (("anna", "fd-bauen"), ("emil", "fd-soziales"),
                       ("koord", "kreis"), ("leitung", "fd-bauen")):
        lt.run(WS, "user", "add", name, "--unit", unit)
    lt.run(WS, "user", "grant", "koord", "ki_koordination")
    lt.run(WS, "user", "grant", "leitung", "fachdienstleitung")
    lt.run(WS, "training", "add", "ki-grundlagen", "--title",
           "KI-Grundlagen")
    lt.run(WS, "training", "grant", "ki-grundlagen", "--user", "anna")
    questions = json.loads(lt.run(WS, "app", "questions").stdout)
    answers = lt.write(os.path.join(D, "answers.json"),
                       json.dumps(answers_for(questions)))
    lt.run(WS, "app", "create", "protokoll", "--name", "Protokolle",
           "--purpose", "Sitzungsnotizen zu Protokollen ordnen", "--unit",
           "fd-bauen", "--units", "fd-bauen", "--classes", "offen,intern",
           "--training", "ki-grundlagen", "--model", "protokoll-synth", "--prompt",
           "Du schreibst Protokolle.", "--user", "koord")
    lt.run(WS, "app", "classify", "protokoll", "--answers", answers,
           "--user", "koord")
    lt.run(WS, "app", "document", "protokoll", "--kind",
           "transparenzhinweis", "--ref", "Mit KI erstellt.", "--user",
           "koord")
    lt.run(WS, "app", "submit", "protokoll", "--user", "koord")
    lt.run(WS, "app", "approve", "protokoll", "--user", "koord", "--role",
           "ki_koordination")
    lt.run(WS, "app", "approve", "protokoll", "--user", "leitung", "--role",
           "fachdienstleitung")


def put(name, doc):
    text = doc if isinstance(doc, str) else json.dumps(doc)
    return lt.write(os.path.join(D, name), text)


def drafts():
    return lt.db_scalar(WS, "SELECT count(*) FROM drafts")


class Minutes(lt.TestCase):
    def test_render_markdown_in_order(self):
        out = lt.run(WS, "minutes", "render", put("g.json", GOOD)).stdout
        self.assertTrue(out.startswith("# Niederschrift: Dienstbesprechung Bauamt\n"))
        self.assertIn("| Datum | 28.02.2026 |", out)
        self.assertIn("| Anwesend | A. Meier, B. Yilmaz |", out)
        self.assertIn("## TOP 1: Digitale Bauakte \\<script\\>x\\</script\\>",
                      out)
        self.assertIn("- Pilotbetrieb ab März", out)
        self.assertIn("| 1 | Zeitplan erstellen | B. Yilmaz | 15.03.2026 |",
                      out)
        order = [out.index(s) for s in ("TOP 1", "TOP 2", "## Aufgaben")]
        self.assertEqual(order, sorted(order))

    def test_render_html_escapes(self):
        p = lt.run(WS, "minutes", "render", "--format", "html",
                   put("g.json", GOOD)).stdout
        self.assertIn('<html lang="de">', p)
        self.assertNotIn("<script>", p)
        self.assertIn("<h2>TOP 1: Digitale Bauakte &lt;script&gt;x&lt;/"
                      "script&gt;</h2>", p)
        self.assertIn("<td>15.03.2026</td>", p)

    def test_invalid_minutes_name_the_field(self):
        bad = json.loads(json.dumps(GOOD))
        bad["tasks"][0]["due"] = "15.03.2026"
        p = lt.run(WS, "minutes", "render", put("b.json", bad), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("tasks[1].due: Datum als JJJJ-MM-TT", p.stderr)
        p = lt.run(WS, "minutes", "render", put("c.json", "{"), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("kein gültiges JSON", p.stderr)

    def test_usage(self):
        for args in (["minutes"], ["minutes", "drucken"],
                     ["minutes", "render"],
                     ["minutes", "render", "--format", "docx", "x.json"],
                     ["minutes", "new", "--user", "anna"],
                     ["minutes", "new", "--from-json", "x.json"]):
            p = lt.run(WS, *args, check=False)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn("lotse minutes", p.stderr)

    def test_new_stores_a_draft_and_signoff(self):
        before = drafts()
        out = lt.run(WS, "minutes", "new", "--from-json",
                     put("n.json", GOOD), "--user", "anna").stdout
        self.assertIn("als Entwurf", out)
        did = out.split("Entwurf ")[1].split()[0]
        self.assertEqual(drafts(), before + 1)
        d = json.loads(lt.run(WS, "draft", "show", did, "--json").stdout)
        self.assertEqual(d["app"], "protokoll")
        self.assertEqual(d["user"], "anna")
        self.assertEqual(d["status"], "entwurf")
        self.assertEqual(json.loads(d["text"]), GOOD)
        lt.run(WS, "draft", "signoff", did, "--user", "leitung")
        d = json.loads(lt.run(WS, "draft", "show", did, "--json").stdout)
        self.assertEqual(d["status"], "final")

    def test_invalid_or_unknown_user_stores_nothing(self):
        before = drafts()
        bad = dict(GOOD, attendees=[])
        p = lt.run(WS, "minutes", "new", "--from-json", put("e.json", bad),
                   "--user", "anna", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("attendees: mindestens", p.stderr)
        p = lt.run(WS, "minutes", "new", "--from-json", put("u.json", GOOD),
                   "--user", "niemand", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("unbekannter Benutzer", p.stderr)
        self.assertEqual(drafts(), before)


SCHEMA_KEYS = ["meeting", "date", "place", "attendees", "items", "tasks"]


def schema_ok(doc):
    """What the schema promises, checked independently of the C validator."""
    if not isinstance(doc, dict) or set(doc) - set(SCHEMA_KEYS):
        return False
    for k in ("meeting", "date", "attendees", "items", "tasks"):
        if k not in doc:
            return False
    texts = [doc["meeting"], doc["date"]] + doc["attendees"]
    if len(doc["date"]) != 10 or not doc["attendees"] or not doc["items"]:
        return False
    for it in doc["items"]:
        if set(it) != {"title", "statements", "decisions"}:
            return False
        texts += [it["title"]] + it["statements"] + it["decisions"]
    for t in doc["tasks"]:
        if set(t) != {"task", "owner", "due"} or len(t["due"]) != 10:
            return False
        texts += [t["task"], t["owner"]]
    return all(isinstance(x, str) and x for x in texts)


class Draft(lt.TestCase):
    def draft(self, notes, *extra, user="anna", check=True):
        return lt.run(WS, "minutes", "draft", "--app", "protokoll", "--user",
                      user, "-m", MODEL, "--max-tokens", "200", *extra,
                      put("notes.txt", notes), check=check)

    def test_100_generations_parse_and_fit_the_schema(self):
        before = drafts()
        for i in range(100):
            p = self.draft("Sitzung %d des Bauausschusses, Punkt %d: "
                           "Radweg." % (i, i * 7))
            doc = json.loads(p.stdout)
            self.assertTrue(schema_ok(doc), p.stdout)
            self.assertIn("(Entwurf ", p.stderr)
            did = p.stderr.split("(Entwurf ")[1].split(")")[0]
            stored = json.loads(lt.run(WS, "draft", "show", did,
                                       "--json").stdout)
            self.assertEqual(json.loads(stored["text"]), doc)
            self.assertEqual(stored["app"], "protokoll")
        self.assertEqual(drafts(), before + 100)

    def test_refusal_stores_nothing(self):
        before = drafts()
        p = self.draft("Sitzung am Montag.", user="emil", check=False)
        self.assertEqual(p.returncode, 3)
        self.assertIn("abgelehnt", p.stderr)
        self.assertEqual(p.stdout, "")
        p = lt.run(WS, "minutes", "draft", "--app", "gibtsnicht", "--user",
                   "anna", "-m", MODEL, put("n2.txt", "x"), check=False)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(drafts(), before)

    def test_usage(self):
        for args in (["minutes", "draft", "--user", "anna"],
                     ["minutes", "draft", put("n3.txt", "x")],
                     ["minutes", "render", "-m", MODEL, "x.json"]):
            p = lt.run(WS, *args, check=False)
            self.assertEqual(p.returncode, 2, args)


class Publish(lt.TestCase):
    def test_notes_draft_signoff_publish_found_by_search(self):
        p = lt.run(WS, "minutes", "draft", "--app", "protokoll", "--user",
                   "anna", "-m", MODEL, "--max-tokens", "200",
                   put("p.txt", "Sitzung zum Radweg Nord."))
        did = p.stderr.split("(Entwurf ")[1].split(")")[0]
        # Not yet signed off: refused, nothing stored.
        docs = lt.db_scalar(WS, "SELECT count(*) FROM documents")
        r = lt.run(WS, "minutes", "publish", did, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("nicht abgezeichnet", r.stderr)
        # The reviewer corrects the model's draft into real minutes.
        final = json.loads(json.dumps(GOOD))
        final["meeting"] = "Ausschuss Radweg Zaunkönigstraße"
        lt.run(WS, "draft", "signoff", did, "--user", "leitung", "--text",
               put("final.json", final))
        out = lt.run(WS, "minutes", "publish", did, "--class",
                     "offen").stdout
        self.assertIn("als Dokument", out)
        self.assertEqual(lt.db_scalar(WS, "SELECT count(*) FROM documents"),
                         docs + 1)
        hits = lt.search(WS, "Zaunkönigstraße")
        self.assertEqual(len(hits), 1, hits)
        self.assertIn("Niederschrift", json.dumps(hits[0],
                                                  ensure_ascii=False))
        # Publishing again stores no second document.
        lt.run(WS, "minutes", "publish", did, "--class", "offen")
        self.assertEqual(lt.db_scalar(WS, "SELECT count(*) FROM documents"),
                         docs + 1)

    def test_signed_off_text_that_is_no_minutes_is_refused(self):
        p = lt.run(WS, "minutes", "new", "--from-json", put("x.json", GOOD),
                   "--user", "anna")
        did = p.stdout.split("Entwurf ")[1].split()[0]
        lt.run(WS, "draft", "signoff", did, "--user", "leitung", "--text",
               put("t.txt", "nur Freitext"))
        docs = lt.db_scalar(WS, "SELECT count(*) FROM documents")
        r = lt.run(WS, "minutes", "publish", did, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("kein gültiges Protokoll", r.stderr)
        r = lt.run(WS, "minutes", "publish", "999999", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(lt.db_scalar(WS, "SELECT count(*) FROM documents"),
                         docs)
        for args in (["publish"], ["publish", "x"],
                     ["publish", did, "--class", "geheim"],
                     ["render", "--class", "offen", "a.json"]):
            r = lt.run(WS, "minutes", *args, check=False)
            self.assertEqual(r.returncode, 2, args)


if __name__ == "__main__":
    unittest.main()

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


def setUpModule():
    global D, WS
    D, WS = lt.init("minutes")
    lt.run(WS, "user", "add", "anna", "--unit", "fd-bauen")
    lt.run(WS, "user", "add", "leitung", "--unit", "fd-bauen")


def put(name, doc):
    text = doc if isinstance(doc, str) else json.dumps(doc)
    return lt.write(os.path.join(D, name), text)


def drafts():
    return lt.db_scalar(WS, "SELECT count(*) FROM drafts")


class Minutes(lt.TestCase):
    def test_render_markdown_in_order(self):
        out = lt.run(WS, "minutes", "render", put("g.json", GOOD)).stdout
        self.assertTrue(out.startswith("# Niederschrift\n"))
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
                     ["minutes", "render", "--format", "pdf", "x.json"],
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


if __name__ == "__main__":
    unittest.main()

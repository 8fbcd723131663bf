# SPDX-License-Identifier: EUPL-1.2
"""`lotse app`, `lotse training` and `lotse user grant`: the register of AI
applications through the real binary — create, classify with the shipped
questionnaire, submit, approvals by role, documents, versions, suspension
and retirement; refusals leave the database unchanged."""
import hashlib
import json
import os
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

def all_no(ws):
    """Every question of the shipped questionnaire answered "no" (from
    `lotse app questions`, so new questions need no test change)."""
    qs = json.loads(lt.run(ws, "app", "questions").stdout)
    out = {}
    for q in qs:
        values = [o["value"] for o in q["options"]]
        if q["kind"] == "yes_no":
            out[q["id"]] = False
        elif q["kind"] == "multi_choice":
            excl = [o["value"] for o in q["options"] if o.get("exclusive")]
            out[q["id"]] = [excl[0] if excl else "none"]
        else:
            out[q["id"]] = "none" if "none" in values else values[0]
    return out


GOV_TABLES = ("apps", "app_versions", "app_approvals", "app_documents",
              "app_recommendations", "app_history", "gov_roles", "trainings",
              "user_trainings")


def gov_digest(ws):
    con = sqlite3.connect("file:%s/lotse.db?mode=ro" % ws, uri=True)
    h = hashlib.sha256()
    for t in GOV_TABLES:
        for row in con.execute("SELECT * FROM %s ORDER BY 1" % t):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


class AppCli(lt.TestCase):
    def setUp(self):
        self.dir, self.ws = lt.init("app-cli-" + self._testMethodName[-20:])
        run = self.lotse
        run("user", "add", "koord", "--unit", "Hauptamt")
        run("user", "add", "fdl", "--unit", "Sozialamt")
        run("user", "add", "dsb", "--unit", "Hauptamt")
        run("user", "add", "sb", "--unit", "Sozialamt")
        run("user", "add", "ethik", "--unit", "Hauptamt")
        run("user", "grant", "koord", "ki_koordination")
        run("user", "grant", "fdl", "fachdienstleitung")
        run("user", "grant", "dsb", "datenschutz")
        run("user", "grant", "ethik", "ethik_beirat")
        run("training", "add", "ki-grundlagen", "--title", "KI-Grundlagen")
        run("training", "add", "datenschutz-ki", "--title",
            "Datenschutz beim Einsatz von KI", "--valid-days", "365")

    def lotse(self, *args, check=True):
        return lt.run(self.ws, *args, check=check)

    def answers(self, **over):
        a = all_no(self.ws)
        a.update(over)
        return lt.write(os.path.join(self.dir, "answers.json"),
                        json.dumps(a))

    def create(self, *extra):
        return self.lotse("app", "create", "fragen", "--name", "Fragen",
                          "--purpose", "Fragen zu Dienstanweisungen",
                          "--unit", "Sozialamt", "--model", "qwen3-8b",
                          "--classes", "offen,intern", "--training",
                          "ki-grundlagen", *extra)

    def show(self):
        p = self.lotse("app", "show", "--json", "fragen")
        return json.loads(p.stdout)

    def refused(self, *args, code=1, text=None):
        before = gov_digest(self.ws)
        p = self.lotse(*args, check=False)
        self.assertEqual(p.returncode, code, p.stdout + p.stderr)
        if text:
            self.assertIn(text, p.stderr)
        self.assertEqual(gov_digest(self.ws), before, args)
        return p

    def test_class2_chatbot_whole_path(self):
        self.create()
        s = self.show()
        self.assertEqual(s["status"], "entwurf")
        self.assertEqual(s["current"]["data_classes"], ["offen", "intern"])
        self.assertEqual(s["sha256"], hashlib.sha256(json.dumps(
            s["current"], sort_keys=True, separators=(",", ":"),
            ensure_ascii=False).encode()).hexdigest())
        self.refused("app", "submit", "fragen", text="klassifiziert")
        p = self.lotse("app", "classify", "fragen", "--answers",
                       self.answers(art50_interaction=True))
        self.assertIn("Risikoklasse 2", p.stdout)
        self.lotse("app", "submit", "fragen")
        self.refused("app", "approve", "fragen", "--user", "sb", "--role",
                     "fachdienstleitung", text="Fachdienstleitung")
        self.refused("app", "approve", "fragen", "--user", "koord", code=2)
        self.lotse("app", "approve", "fragen", "--user", "koord", "--role",
                   "ki_koordination")
        self.refused("app", "approve", "fragen", "--user", "koord", "--role",
                     "ki_koordination", text="bereits")
        self.lotse("app", "approve", "fragen", "--user", "fdl", "--role",
                   "fachdienstleitung")
        s = self.show()
        self.assertEqual(s["status"], "in_pruefung")
        self.assertEqual(s["missing"],
                         ["Dokument: Transparenzhinweis (Art. 50 KI-VO)"])
        self.lotse("app", "document", "fragen", "--kind",
                   "transparenzhinweis", "--ref",
                   "Diese Antwort wurde mit KI erstellt.")
        s = self.show()
        self.assertEqual(s["status"], "freigegeben")
        self.assertEqual(s["approval"]["version"], 1)
        self.assertEqual(s["approval"]["sha256"], s["sha256"])
        self.assertFalse(s["approval"]["expired"])
        lines = self.lotse("app", "list", "--json").stdout.splitlines()
        self.assertEqual(json.loads(lines[0])["status"], "freigegeben")
        # A change is a new version and goes back to review.
        p = self.lotse("app", "update", "fragen", "--prompt",
                       "Antworte knapp.", "--comment", "Prompt geschärft")
        self.assertIn("Version 2", p.stdout)
        s = self.show()
        self.assertEqual((s["status"], s["version"]), ("in_pruefung", 2))
        self.assertNotEqual(s["approval"]["sha256"], s["sha256"])
        self.assertFalse(s["approval"]["current"])
        self.assertEqual(s["risk_class"], 2)  # same purpose: kept
        hist = [json.loads(l) for l in self.lotse(
            "app", "history", "--json", "fragen").stdout.splitlines()]
        self.assertEqual([h["action"] for h in hist],
                         ["created", "classified", "submitted", "approved",
                          "approved", "document", "released", "updated"])
        self.assertEqual(hist[-1]["comment"], "Prompt geschärft")
        # Identical content: no new version.
        self.lotse("app", "update", "fragen", "--prompt", "Antworte knapp.")
        self.assertEqual(self.show()["version"], 2)

    def test_personal_data_needs_datenschutz(self):
        self.create()
        self.lotse("app", "classify", "fragen", "--answers",
                   self.answers(personal_data=True,
                                special_categories=False))
        self.lotse("app", "submit", "fragen")
        s = self.show()
        self.assertIn("datenschutz", s["required"]["roles"])
        self.lotse("app", "approve", "fragen", "--user", "koord", "--role",
                   "ki_koordination")
        self.lotse("app", "approve", "fragen", "--user", "fdl", "--role",
                   "fachdienstleitung")
        self.assertEqual(self.show()["status"], "in_pruefung")
        self.refused("app", "approve", "fragen", "--user", "koord", "--role",
                     "datenschutz", text="Rolle Datenschutz nicht")
        self.lotse("app", "approve", "fragen", "--user", "dsb", "--role",
                   "datenschutz")
        self.assertEqual(self.show()["status"], "freigegeben")

    def test_prohibited_never_submitted(self):
        self.create()
        self.lotse("app", "classify", "fragen", "--answers",
                   self.answers(art5_social_scoring=True))
        self.assertEqual(self.show()["risk_class"], 4)
        self.refused("app", "submit", "fragen", text="Risikoklasse 4")

    def test_bad_input_changes_nothing(self):
        self.create()
        self.refused("app", "create", "fragen", "--name", "X", "--purpose",
                     "Y", "--unit", "Sozialamt", text="gibt es schon")
        self.refused("app", "create", "neu", "--name", "X", "--purpose", "Y",
                     "--unit", "Gibtsnicht", text="Gibtsnicht")
        self.refused("app", "create", "neu", "--name", "X", "--purpose", "Y",
                     "--unit", "Sozialamt", "--classes", "geheim",
                     text="geheim")
        self.refused("app", "create", "neu", "--name", "X", "--purpose", "Y",
                     "--unit", "Sozialamt", "--training", "yoga",
                     text="yoga")
        self.refused("app", "create", "neu", "--name", "X", "--unit",
                     "Sozialamt", text="purpose")
        self.refused("app", "update", "fragen", "--config", "[1,2]",
                     text="config")
        self.refused("app", "update", "fragen", "--config", "{kaputt",
                     code=2)
        self.refused("app", "classify", "fragen", "--answers",
                     self.answers(annex3_area="none"), text="annex3_area")
        self.refused("app", "approve", "fragen", "--user", "koord", "--role",
                     "ki_koordination", text="nicht in Prüfung")
        self.refused("app", "show", "nix", text="nicht gefunden")
        self.refused("app", "frobnicate", "fragen", code=2)
        self.refused("app", "show", code=2)
        self.refused("user", "grant", "koord", "kaiser", code=2)
        self.refused("user", "grant", "niemand", "admin", text="niemand")
        self.refused("training", "grant", "ki-grundlagen", "--user", "sb",
                     "--date", "gestern", code=2)
        self.refused("training", "grant", "yoga", "--user", "sb",
                     text="yoga")

    def test_reject_suspend_resume_retire(self):
        self.create()
        self.lotse("app", "classify", "fragen", "--answers", self.answers())
        self.lotse("app", "submit", "fragen")
        self.refused("app", "reject", "fragen", "--user", "fdl", "--role",
                     "fachdienstleitung", text="Begründung")
        self.lotse("app", "reject", "fragen", "--user", "fdl", "--role",
                   "fachdienstleitung", "--comment", "Zweck zu vage")
        self.assertEqual(self.show()["status"], "entwurf")
        self.lotse("app", "submit", "fragen")
        self.lotse("app", "approve", "fragen", "--user", "fdl", "--role",
                   "fachdienstleitung")
        self.lotse("app", "approve", "fragen", "--user", "koord", "--role",
                   "ki_koordination")
        self.assertEqual(self.show()["status"], "freigegeben")
        self.lotse("app", "suspend", "fragen", "--comment", "Beschwerde")
        self.assertEqual(self.show()["status"], "ausgesetzt")
        self.lotse("app", "resume", "fragen")
        self.assertEqual(self.show()["status"], "freigegeben")
        self.lotse("app", "retire", "fragen")
        self.assertEqual(self.show()["status"], "ausser_betrieb")
        self.refused("app", "update", "fragen", "--name", "Neu",
                     text="außer Betrieb")
        self.refused("app", "submit", "fragen")

    def test_ethics_opinion_and_recommendations(self):
        self.create()
        self.refused("app", "opinion", "fragen", "--user", "koord", "--text",
                     "gut", text="Ethik-Beirat")
        self.lotse("app", "opinion", "fragen", "--user", "ethik", "--text",
                   "Vertretbar", "--recommend", "Beschwerdeweg nennen",
                   "--recommend", "Nutzung nach 6 Monaten auswerten")
        s = self.show()
        self.assertEqual([r["status"] for r in s["recommendations"]],
                         ["offen", "offen"])
        self.lotse("app", "resolve", "fragen", "2", "--comment", "erledigt")
        self.refused("app", "resolve", "fragen", "2", text="keine offene")
        self.refused("app", "resolve", "fragen", "zwei", code=2)
        s = self.show()
        self.assertEqual([r["status"] for r in s["recommendations"]],
                         ["offen", "umgesetzt"])

    def test_trainings_and_roles_listed(self):
        self.lotse("training", "grant", "datenschutz-ki", "--user", "sb",
                   "--date", "2026-01-15")
        rows = [json.loads(l) for l in self.lotse(
            "training", "list", "--json", "--user", "sb").stdout.splitlines()]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["expires_at"] - rows[0]["completed_at"],
                         365 * 86400)
        cat = self.lotse("training", "list").stdout
        self.assertIn("KI-Grundlagen", cat)
        self.assertIn("Rollen: ki_koordination",
                      self.lotse("user", "list").stdout)
        self.lotse("user", "revoke", "koord", "ki_koordination")
        self.assertNotIn("ki_koordination", self.lotse("user", "list").stdout)

    def test_questions_json(self):
        q = json.loads(self.lotse("app", "questions").stdout)
        ids = [x["id"] for x in q]
        for k in ("art5_social_scoring", "annex3_area", "art50_interaction",
                  "personal_data", "staff_monitoring"):
            self.assertIn(k, ids)


if __name__ == "__main__":
    unittest.main()

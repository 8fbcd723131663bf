# SPDX-License-Identifier: EUPL-1.2
"""The cockpit from the command line: `lotse portfolio` (the strategy's 18
projects with KPI definitions), `lotse kpi` (per-application KPIs from the
audit trail) and `lotse register export` (algorithm-register JSON)."""
import json
import os
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

PORTFOLIO = os.path.join(lt.SRC, "gov", "portfolio", "projekte.yaml")


class Portfolio(lt.TestCase):
    def setUp(self):
        self.dir = lt.scratch("portfolio")
        self.ws = os.path.join(self.dir, "ws")  # never created: not needed

    def test_json_lists_18_projects_with_kpis(self):
        p = lt.run(self.ws, "portfolio", "--json")
        doc = json.loads(p.stdout)
        projects = doc["projects"]
        self.assertEqual([x["number"] for x in projects], list(range(1, 19)))
        for x in projects:
            self.assertIn(x["priority"], (1, 2, 3, 4))
            self.assertTrue(x["time_frame"])
            self.assertIn(x["focus"], ("governance", "verwaltung",
                                       "arbeitgeber", "daseinsvorsorge"))
            self.assertGreaterEqual(len(x["kpis"]), 3)
            for k in x["kpis"]:
                if k["source"] == "lotse":
                    self.assertIn("metric", k)
                else:
                    self.assertNotIn("metric", k)
        self.assertFalse(os.path.exists(self.ws))

    def test_one_project_as_text(self):
        p = lt.run(self.ws, "portfolio", "--project", "17")
        self.assertIn("17  ", p.stdout)
        self.assertIn("Langfristig (ab 2032)", p.stdout)
        self.assertIn("Erfolgskriterien", p.stdout)
        self.assertNotIn("\n01  ", p.stdout)

    def test_values_need_a_workspace(self):
        p = lt.run(self.ws, "portfolio", "--values", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")

    def test_unknown_project_and_bad_usage(self):
        p = lt.run(self.ws, "portfolio", "--project", "19", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("19", p.stderr)
        p = lt.run(self.ws, "portfolio", "--project", "x", check=False)
        self.assertEqual(p.returncode, 2)
        p = lt.run(self.ws, "portfolio", "extra", check=False)
        self.assertEqual(p.returncode, 2)

    def test_broken_file_names_line_and_shows_nothing(self):
        with open(PORTFOLIO, encoding="utf-8") as f:
            text = f.read()
        # Turn the first lotse KPI's unit into one its metric does not have.
        bad = text.replace("        unit: anzahl\n        direction: hoch\n"
                           "        source: lotse\n        metric: apps_total",
                           "        unit: anteil\n        direction: hoch\n"
                           "        source: lotse\n        metric: apps_total",
                           1)
        self.assertNotEqual(bad, text)
        path = lt.write(os.path.join(self.dir, "bad.yaml"), bad)
        p = lt.run(self.ws, "portfolio", "--file", path, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        self.assertRegex(p.stderr, r"bad\.yaml:\d+:\d+: .*apps_total")
        # The same through the environment variable.
        p = lt.run(self.ws, "portfolio", check=False,
                   env={"LOTSE_PORTFOLIO": path})
        self.assertEqual(p.returncode, 1)


class KpiEmpty(lt.TestCase):
    """KPIs of a workspace without any governed call."""

    def setUp(self):
        self.dir, self.ws = lt.init("kpi-empty")

    def test_no_trail_no_applications(self):
        p = lt.run(self.ws, "kpi", "--json")
        doc = json.loads(p.stdout)
        self.assertEqual(doc["apps"], [])
        self.assertEqual(doc["total"]["calls"], 0)
        self.assertIsNone(doc["total"]["latency_median_ms"])
        self.assertIsNone(doc["since"])
        p = lt.run(self.ws, "kpi")
        self.assertIn("Keine Aufrufe", p.stdout)
        # reading KPIs creates no audit trail
        self.assertFalse(os.path.exists(os.path.join(self.ws, "audit.db")))

    def test_time_options(self):
        p = lt.run(self.ws, "kpi", "--json", "--since", "2026-01-01",
                   "--until", "2026-02-01T12:00Z")
        doc = json.loads(p.stdout)
        self.assertEqual(doc["since"], "2026-01-01T00:00:00Z")
        self.assertEqual(doc["until"], "2026-02-01T12:00:00Z")
        for bad in (["--since", "gestern"], ["--until", "2026-02-30"],
                    ["--since", "2026-02-01", "--until", "2026-01-01"],
                    ["extra"]):
            p = lt.run(self.ws, "kpi", *bad, check=False)
            self.assertEqual(p.returncode, 2, bad)
            self.assertEqual(p.stdout, "")

    def test_missing_workspace(self):
        p = lt.run(os.path.join(self.dir, "nope"), "kpi", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("nope", p.stderr)


def approved_app(ws, tmpdir, app="fragen", classify=True, approve=True):
    """An application through `lotse app` (class 1, approved by
    KI-Koordination and Fachdienstleitung)."""
    for name, role in (("koord", "ki_koordination"),
                       ("fdl", "fachdienstleitung")):
        lt.run(ws, "user", "add", name, "--unit", "Hauptamt")
        lt.run(ws, "user", "grant", name, role)
    lt.run(ws, "training", "add", "ki-grundlagen", "--title", "KI-Grundlagen")
    lt.run(ws, "app", "create", app, "--name", "Fragen", "--purpose",
           "Fragen zu Dienstanweisungen beantworten", "--unit", "Hauptamt",
           "--model", "qwen3-8b", "--classes", "offen,intern", "--config",
           json.dumps({"rechtsgrundlage": "§ 1 Testgesetz"}))
    if not classify:
        return
    questions = json.loads(lt.run(ws, "app", "questions", "--json").stdout)
    answers = {}
    for q in questions:
        if q["kind"] == "yes_no":
            answers[q["id"]] = "nein"
        else:
            values = [o["value"] for o in q["options"]]
            none = "none" if "none" in values else values[0]
            answers[q["id"]] = [none] if q["kind"] == "multi_choice" else none
    path = lt.write(os.path.join(tmpdir, "answers.json"), json.dumps(answers))
    lt.run(ws, "app", "classify", app, "--answers", path)
    if not approve:
        return
    lt.run(ws, "app", "submit", app)
    lt.run(ws, "app", "approve", app, "--user", "koord", "--role",
           "ki_koordination")
    lt.run(ws, "app", "approve", app, "--user", "fdl", "--role",
           "fachdienstleitung")


class RegisterExport(lt.TestCase):
    def setUp(self):
        self.dir, self.ws = lt.init("register")

    def export(self, *args, check=True):
        return lt.run(self.ws, "register", "export", *args, check=check)

    def test_approved_application_exported(self):
        approved_app(self.ws, self.dir)
        p = self.export("--organisation", "Landkreis Musterhausen",
                        "--contact", "ki@musterhausen.example")
        entries = json.loads(p.stdout)
        self.assertEqual(len(entries), 1)
        e = entries[0]
        for key in ("name", "description_short", "organization", "status",
                    "contact_email", "publication_category", "goal",
                    "proportionality", "human_intervention", "risks",
                    "lawful_basis", "impacttoetsen_grouping", "impacttoetsen",
                    "source_data", "methods_and_models", "standard_version"):
            self.assertIn(key, e)
        self.assertEqual(e["name"], "Fragen")
        self.assertEqual(e["status"], "In gebruik")
        self.assertEqual(e["publication_category"], "Overige algoritmes")
        self.assertEqual(e["lawful_basis"], "§ 1 Testgesetz")
        self.assertEqual(e["organization"], "Landkreis Musterhausen")
        self.assertIn("KI-Koordination", e["risks"])
        self.assertEqual(e["x_lotse"]["status"], "freigegeben")
        self.assertNotIn("Hinweis", p.stderr)

    def test_config_defaults_drafts_and_errors(self):
        approved_app(self.ws, self.dir, classify=False)
        with open(os.path.join(self.ws, "lotse.conf"), "a") as f:
            f.write("\n[register]\norganisation = Kreis aus Konfig\n")
        p = self.export()
        self.assertEqual(json.loads(p.stdout), [])   # draft left out
        self.assertIn("Kontakt", p.stderr)           # contact is missing
        p = self.export("--all", "--pretty")
        e = json.loads(p.stdout)[0]
        self.assertEqual(e["organization"], "Kreis aus Konfig")
        self.assertEqual(e["status"], "In ontwikkeling")
        self.assertIsNone(e["publication_category"])
        p = self.export("--app", "gibtsnicht", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("gibtsnicht", p.stderr)
        p = lt.run(self.ws, "register", "import", check=False)
        self.assertEqual(p.returncode, 2)
        p = lt.run(self.ws, "register", check=False)
        self.assertEqual(p.returncode, 2)


def commands():
    out = lt.run(lt.TMP, "-h").stdout
    block = out.split("Befehle:")[1].split("\n\n")[0]
    return [l.split()[0] for l in block.splitlines() if l.strip()]


def governed_calls(test):
    """A workspace where the approved application "fragen" was asked twice
    by anna (allowed) and once by berta (refused: training missing)."""
    if "ask" not in commands():
        test.skipTest("lotse ask is not available in this build")
    d, ws = lt.init(test.id().split(".")[-1][:40])
    approved_app(ws, d)
    lt.run(ws, "user", "add", "anna", "--unit", "Hauptamt", "--clearance",
           "offen,intern")
    lt.run(ws, "user", "add", "berta", "--unit", "Hauptamt")
    lt.run(ws, "training", "grant", "ki-grundlagen", "--user", "anna")
    lt.write(os.path.join(d, "docs", "urlaub.txt"),
             "Urlaubsanträge sind beim Personalamt einzureichen. "
             "Die Frist beträgt zwei Wochen.\n")
    lt.run(ws, "ingest", os.path.join(d, "docs"))
    drafts = []
    for _ in range(2):
        p = lt.run(ws, "ask", "--json", "--user", "anna",
                   "Wo reiche ich Urlaubsanträge ein?")
        drafts.append(json.loads(p.stdout)["draft_id"])
    p = lt.run(ws, "ask", "--user", "berta", "Wo reiche ich Urlaub ein?",
               check=False)
    test.assertNotEqual(p.returncode, 0)
    return d, ws, drafts


def sign_off(ws, draft_id, reviewer):
    if "draft" in commands():
        lt.run(ws, "draft", "signoff", draft_id, "--user", reviewer)
        return
    # Until `lotse draft` exists: the one update the drafts table allows.
    con = sqlite3.connect(os.path.join(ws, "lotse.db"))
    with con:
        con.execute("UPDATE drafts SET status = 'final', reviewer = ?, "
                    "signed_at = strftime('%s','now'), final_text = text, "
                    "final_text_sha256 = text_sha256 WHERE id = ?",
                    (reviewer, draft_id))
    con.close()


class KpiFromGovernedCalls(lt.TestCase):
    def test_counts_from_the_trail(self):
        d, ws, drafts = governed_calls(self)
        doc = json.loads(lt.run(ws, "kpi", "--json").stdout)
        self.assertEqual([a["app"] for a in doc["apps"]], ["fragen"])
        k = doc["apps"][0]
        self.assertEqual(k["users"], 2)
        self.assertEqual(k["calls"], 3)
        self.assertEqual(k["allowed"], 2)
        self.assertEqual(k["refusals"], 1)
        self.assertEqual(sum(k["refusals_by_reason"].values()), 1)
        self.assertEqual(k["drafts"], 2)
        self.assertEqual(k["signoff_rate"], 0.0)
        self.assertIsNotNone(k["latency_median_ms"])
        self.assertEqual(doc["registry"]["apps_approved"], 1)
        sign_off(ws, drafts[0], "koord")
        k = json.loads(lt.run(ws, "kpi", "--json", "--app",
                              "fragen").stdout)["apps"][0]
        self.assertEqual(k["drafts_signed"], 1)
        self.assertEqual(k["signoff_rate"], 0.5)
        # a range in the future holds nothing; the trail stays intact
        doc = json.loads(lt.run(ws, "kpi", "--json", "--since",
                                "2999-01-01").stdout)
        self.assertEqual(doc["apps"], [])
        self.assertIn("fragen", lt.run(ws, "kpi").stdout)
        lt.run(ws, "audit", "verify")
        # the portfolio's KPI definitions with source lotse get these values
        p6 = json.loads(lt.run(ws, "portfolio", "--values", "--json",
                               "--project", "6").stdout)
        values = {k["id"]: k.get("value") for k in p6["kpis"]}
        self.assertEqual(values["aktive_nutzende"], 2)
        self.assertEqual(values["anfragen"], 3)
        self.assertIsNone(values["zufriedenheit"])  # a survey: no value
        p2 = json.loads(lt.run(ws, "portfolio", "--values", "--json",
                               "--project", "2").stdout)
        values = {k["id"]: k.get("value") for k in p2["kpis"]}
        self.assertEqual(values["freigegebene_anwendungen"], 1)
        self.assertEqual(values["anteil_freigegeben"], 1.0)
        p = lt.run(ws, "portfolio", "--values", "--project", "6")
        self.assertIn("aktuell: 3", p.stdout)


class KpiHttp(lt.TestCase):
    def test_roles_params_and_schema(self):
        from test_http import Server, request, schema_errors
        d, ws, _ = governed_calls(self)
        lt.run(ws, "user", "add", "revision", "--unit", "Hauptamt")
        lt.run(ws, "user", "grant", "revision", "auditor")
        with open(os.path.join(lt.SRC, "server", "api", "kpi.json"),
                  encoding="utf-8") as f:
            spec = json.load(f)
        srv = Server(ws, "kpi", "--dev-tokens")
        try:
            def get(path, user=None):
                h = {"Authorization": "Bearer dev:" + user} if user else {}
                r = request(srv, "GET", path, headers=h)
                body = r.json() if r.body else None
                reply = spec["reply_schema"].get(str(r.status))
                schema = reply["schema"] if reply else \
                    {"$ref": "#/definitions/error"}
                self.assertEqual(schema_errors(body, schema, spec), [],
                                 (path, r.status, body))
                return r.status, body
            self.assertEqual(get("/api/kpi")[0], 401)
            st, body = get("/api/kpi", "anna")
            self.assertEqual(st, 403)
            self.assertIn("Keine Berechtigung", body["error"]["message"])
            for user in ("revision", "koord"):
                st, body = get("/api/kpi?app=fragen", user)
                self.assertEqual(st, 200)
                self.assertEqual(body["apps"][0]["calls"], 3)
            st, body = get("/api/kpi?since=2999-01-01", "revision")
            self.assertEqual((st, body["apps"]), (200, []))
            for bad in ("since=gestern", "until=2026-02-30",
                        "since=2026-02-01&until=2026-01-01", "app=",
                        "app=%00x"):
                st, body = get("/api/kpi?" + bad, "revision")
                self.assertEqual(st, 400, bad)
            r = request(srv, "POST", "/api/kpi",
                        headers={"Authorization": "Bearer dev:revision"})
            self.assertEqual(r.status, 405)
        finally:
            rc, _ = srv.stop()
        self.assertEqual(rc, 0, srv.stderr_text())


if __name__ == "__main__":
    unittest.main()

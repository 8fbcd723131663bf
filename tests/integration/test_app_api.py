# SPDX-License-Identifier: EUPL-1.2
"""/api/apps against the real `lotse serve --dev-tokens`: list, show,
history, create and the approval workflow over HTTP, with role checks
(403 and a German reason), the error shape, replies checked against
server/api/apps.json, and no stored change by any refused request."""
import hashlib
import json
import os
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_app_cli import all_no  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402

with open(os.path.join(lt.SRC, "server", "api", "apps.json"),
          encoding="utf-8") as _f:
    SPEC = json.load(_f)

def tok(user):
    return {"Authorization": "Bearer dev:" + user}


def gov_digest(ws):
    con = sqlite3.connect("file:%s/lotse.db?mode=ro" % ws, uri=True)
    h = hashlib.sha256()
    for t in ("apps", "app_versions", "app_approvals", "app_documents",
              "app_recommendations", "app_history"):
        for row in con.execute("SELECT * FROM %s ORDER BY 1" % t):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


class AppApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("app-api")
        for name, unit, role in (("koord", "Hauptamt", "ki_koordination"),
                                 ("fdl", "Hauptamt", "fachdienstleitung"),
                                 ("ethik", "Hauptamt", "ethik_beirat"),
                                 ("berta", "Bauamt", None)):
            lt.run(cls.ws, "user", "add", name, "--unit", unit)
            if role:
                lt.run(cls.ws, "user", "grant", name, role)
        lt.run(cls.ws, "training", "add", "ki-grundlagen", "--title", "KI")
        cls.srv = Server(cls.ws, "apps", "--dev-tokens")

    @classmethod
    def tearDownClass(cls):
        rc, _ = cls.srv.stop()
        if rc != 0:
            raise AssertionError("server exited %d:\n%s" %
                                 (rc, cls.srv.stderr_text()))

    def call(self, method, path, user="koord", body=None, status=200):
        headers = tok(user) if user else {}
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else \
                json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        r = request(self.srv, method, path, headers, data)
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        if method == "HEAD":
            return None
        j = r.json()
        if status >= 400:
            errs = schema_errors(j, {"$ref": "#/definitions/error"}, SPEC)
            self.assertEqual(errs, [], j)
            self.assertEqual(j["error"]["code"], status)
        return j

    def check(self, value, name):
        self.assertEqual(schema_errors(value, {"$ref": "#/definitions/" +
                                               name}, SPEC), [], value)

    def refused(self, method, path, user="koord", body=None, status=400,
                text=None, etype=None):
        before = gov_digest(self.ws)
        j = self.call(method, path, user, body, status)
        if text:
            self.assertIn(text, j["error"]["message"])
        if etype:
            self.assertEqual(j["error"]["type"], etype)
        self.assertEqual(gov_digest(self.ws), before)
        return j

    def create(self, app_id):
        j = self.call("POST", "/api/apps", body={
            "id": app_id, "name": "Fragen", "purpose": "Fragen beantworten",
            "owner_unit": "Hauptamt", "models": ["qwen3-8b"],
            "data_classes": ["intern", "offen"],
            "trainings": ["ki-grundlagen"]}, status=201)
        self.check(j, "show")
        return j

    def test_workflow_over_http(self):
        j = self.create("wf")
        self.assertEqual((j["status"], j["version"]), ("entwurf", 1))
        self.assertEqual(j["current"]["data_classes"], ["offen", "intern"])
        self.refused("POST", "/api/apps/wf/submit", text="klassifiziert")
        answers = dict(all_no(self.ws), art50_interaction=True)
        j = self.call("POST", "/api/apps/wf/classify",
                      body={"answers": answers})
        self.assertEqual(j["risk_class"], 2)
        self.call("POST", "/api/apps/wf/submit", body={})
        # Roles decide, checked against the caller.
        self.refused("POST", "/api/apps/wf/approve", user="berta",
                     body={"role": "fachdienstleitung"}, status=403,
                     text="Fachdienstleitung", etype="forbidden")
        j = self.call("POST", "/api/apps/wf/approve",
                      body={"role": "ki_koordination", "comment": "passt"})
        self.assertEqual(j["approved_roles"], ["ki_koordination"])
        self.refused("POST", "/api/apps/wf/approve",
                     body={"role": "ki_koordination"}, status=409,
                     etype="conflict")
        j = self.call("POST", "/api/apps/wf/approve", user="fdl",
                      body={"role": "fachdienstleitung"})
        self.assertEqual(j["status"], "in_pruefung")
        self.refused("POST", "/api/apps/wf/document", user="berta",
                     body={"kind": "transparenzhinweis", "reference": "x"},
                     status=403)
        j = self.call("POST", "/api/apps/wf/document", body={
            "kind": "transparenzhinweis",
            "reference": "Diese Antwort wurde mit KI erstellt."})
        self.assertEqual(j["status"], "freigegeben")
        self.assertEqual(j["approval"]["sha256"], j["sha256"])
        # A change goes back to review.
        j = self.call("POST", "/api/apps/wf/update",
                      body={"system_prompt": "Kurz.", "comment": "Prompt"})
        self.assertEqual((j["status"], j["version"]), ("in_pruefung", 2))
        self.assertFalse(j["approval"]["current"])
        hist = self.call("GET", "/api/apps/wf/history")
        self.check(hist, "history")
        self.assertEqual(hist[-1]["action"], "updated")
        self.assertEqual(hist[-1]["comment"], "Prompt")
        lst = self.call("GET", "/api/apps", user="berta")
        self.check(lst, "list")
        self.assertIn("wf", [a["id"] for a in lst["apps"]])
        self.call("HEAD", "/api/apps/wf")
        j = self.call("POST", "/api/apps/wf/retire", body={"comment": "Ende"})
        self.assertEqual(j["status"], "ausser_betrieb")

    def test_opinion_and_resolve(self):
        self.create("eth")
        self.refused("POST", "/api/apps/eth/opinion", body={"text": "x"},
                     status=403, text="Ethik-Beirat")
        j = self.call("POST", "/api/apps/eth/opinion", user="ethik", body={
            "text": "Vertretbar", "recommendations": ["A", "B"]})
        self.assertEqual([r["nr"] for r in j["recommendations"]], [1, 2])
        j = self.call("POST", "/api/apps/eth/resolve", body={"nr": 1})
        self.assertEqual(j["recommendations"][0]["status"], "umgesetzt")
        self.refused("POST", "/api/apps/eth/resolve", body={"nr": "1"})
        self.refused("POST", "/api/apps/eth/opinion", user="ethik",
                     body={"text": "x", "recommendations": "A"})

    def test_refusals_change_nothing(self):
        self.create("ref")
        self.refused("GET", "/api/apps", user=None, status=401,
                     etype="unauthorized")
        self.refused("POST", "/api/apps", user=None, body={}, status=401)
        self.refused("POST", "/api/apps", user="berta", status=403, body={
            "id": "x1", "name": "X", "purpose": "Y", "owner_unit": "Bauamt"},
            text="KI-Koordination")
        self.refused("POST", "/api/apps", status=409, body={
            "id": "ref", "name": "X", "purpose": "Y",
            "owner_unit": "Hauptamt"})
        self.refused("POST", "/api/apps", body=b"{kaputt", text="JSON")
        self.refused("POST", "/api/apps", body=[1, 2])
        self.refused("POST", "/api/apps", body={
            "id": "x2", "name": "X", "purpose": "Y", "owner_unit": "Nirgends"},
            text="Nirgends")
        self.refused("POST", "/api/apps/ref/update",
                     body={"data_classes": ["geheim"]}, text="geheim")
        self.refused("POST", "/api/apps/ref/classify",
                     body={"answers": {"art5_manipulation": "vielleicht"}})
        self.refused("POST", "/api/apps/ref/frobnicate", body={}, status=404)
        self.refused("GET", "/api/apps/nix", status=404,
                     text="nicht gefunden")
        self.refused("POST", "/api/apps/nix/submit", body={}, status=404)
        self.refused("POST", "/api/apps/ref", body={}, status=405)
        self.refused("GET", "/api/apps/ref/submit", status=405)
        self.refused("GET", "/api/apps/ref/x/y", status=404)
        self.refused("GET", "/api/appsfoo", status=404)
        self.refused("POST", "/api/apps/ref/approve",
                     body={"role": "ki_koordination"}, text="nicht in Prüfung")
        self.refused("PUT", "/api/apps", body={}, status=405)


if __name__ == "__main__":
    unittest.main()

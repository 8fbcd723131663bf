#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""The administration API against the real `lotse serve` (docs/api/admin.md,
server/api/admin.json): every action end to end (users with unit, groups and
clearance; passwords typed and generated, with which the user then logs in;
deactivation that ends the user's sessions and refuses the login;
reactivation; TOTP reset; roles with the last-administrator guard; training
completions; units, groups and the catalogue), each change in the audit
trail without secrets, 403 for callers without the role, 400 with a German
message and nothing stored for bad input, CSRF on session callers.

Environment: LOTSE_BIN, LOTSE_TEST_TMP, LOTSE_SOURCE_DIR."""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402
from test_login import totp  # noqa: E402

CHEF_PW = "Chef-Passwort-2026"
SPEC = None


def spec():
    global SPEC
    if SPEC is None:
        with open(os.path.join(lt.SRC, "server", "api", "admin.json"),
                  encoding="utf-8") as f:
            SPEC = json.load(f)
    return SPEC


def digest(ws):
    """Every row of lotse.db except bookkeeping (sessions, login failures)."""
    con = sqlite3.connect("file:%s/lotse.db?mode=ro" % ws, uri=True)
    h = hashlib.sha256()
    try:
        for (t,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                "name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' "
                "AND name NOT IN ('sessions', 'login_failures') "
                "ORDER BY name"):
            h.update(t.encode())
            for row in con.execute('SELECT * FROM "%s" ORDER BY 1' % t):
                h.update(repr(row).encode())
    finally:
        con.close()
    return h.hexdigest()


def audit_rows(ws, action_prefix="admin."):
    if not os.path.exists(os.path.join(ws, "audit.db")):
        return []  # the trail is created with its first record
    con = sqlite3.connect("file:%s/audit.db?mode=ro" % ws, uri=True)
    try:
        return [(a, actor, json.loads(d)) for a, actor, d in con.execute(
            "SELECT action, actor, details FROM audit WHERE action LIKE ? "
            "ORDER BY seq", (action_prefix + "%",))]
    finally:
        con.close()


class Admin(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("admin_api")
        ws = cls.ws
        lt.run(ws, "user", "add", "chef", "--unit", "Hauptamt")
        lt.run(ws, "user", "grant", "chef", "admin")
        lt.run(ws, "user", "add", "koord", "--unit", "Hauptamt")
        lt.run(ws, "user", "grant", "koord", "ki_koordination")
        lt.run(ws, "user", "add", "sb", "--unit", "Hauptamt")
        lt.run(ws, "training", "add", "ki-grundlagen", "--title",
               "KI-Grundlagen", "--valid-days", "730")
        p = subprocess.run([lt.BIN, "--workspace", ws, "user", "passwd",
                            "chef"], input=CHEF_PW + "\n",
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        cls.srv = Server(ws, "admin", "--dev-tokens")

    @classmethod
    def tearDownClass(cls):
        rc, _ = cls.srv.stop()
        if rc != 0:
            raise AssertionError("server exited %d:\n%s" %
                                 (rc, cls.srv.stderr_text()))

    # ------------------------------------------------------------ helpers

    def call(self, who, method, path, body=None, headers=None):
        h = dict(headers or {})
        if who:
            h["Authorization"] = "Bearer dev:" + who
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else \
                json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        r = request(self.srv, method, path, h, data)
        if r.body and "json" in (r.header("Content-Type") or ""):
            rs = spec()["reply_schema"].get(str(r.status))
            schema = rs["schema"] if rs else {"$ref": "#/definitions/error"}
            self.assertEqual(schema_errors(r.json(), schema, spec()), [],
                             r.body)
        return r

    def act(self, action, body, status=200, who="chef"):
        r = self.call(who, "POST", "/api/admin/" + action, body)
        self.assertEqual(r.status, status, "%s %s: %s" % (action, body,
                                                          r.body))
        return r.json()

    def users(self, who="chef"):
        r = self.call(who, "GET", "/api/admin/users")
        self.assertEqual(r.status, 200, r.body)
        return {u["name"]: u for u in r.json()["users"]}

    def login(self, user, pw):
        r = request(self.srv, "POST", "/api/login",
                    {"Content-Type": "application/json"},
                    json.dumps({"user": user, "password": pw}).encode())
        cookie = None
        if r.status == 200:
            cookie = r.header("Set-Cookie").split(";")[0]
        return r, cookie

    def refused(self, who, action, body, status, words=None):
        """A refused change: status, German message, nothing stored, no
        audit record."""
        before, n_audit = digest(self.ws), len(audit_rows(self.ws))
        r = self.call(who, "POST", "/api/admin/" + action, body)
        self.assertEqual(r.status, status, "%s %s: %s" % (action, body,
                                                          r.body))
        msg = r.json()["error"]["message"]
        self.assertTrue(msg)
        for w in words or []:
            self.assertIn(w, msg)
        self.assertEqual(digest(self.ws), before, "%s changed data" % action)
        self.assertEqual(len(audit_rows(self.ws)), n_audit)
        return msg

    # -------------------------------------------------------------- flows

    def test_user_lifecycle_with_login(self):
        self.act("units/create", {"name": "Dezernat 3"}, 201)
        self.act("units/create", {"name": "Ordnungsamt",
                                  "parent": "Dezernat 3"}, 201)
        self.act("groups/create", {"name": "ordnung"}, 201)
        pw = "Erstes-Passwort-9"
        r = self.act("users/create", {
            "name": "olga", "display": "Olga Ordnung", "unit": "Ordnungsamt",
            "clearance": ["offen", "intern", "vertraulich"],
            "groups": ["ordnung"], "password": pw}, 201)
        self.assertNotIn("password", r)
        u = self.users()["olga"]
        self.assertEqual((u["display"], u["unit"], u["groups"], u["active"],
                          u["password"], u["totp"]),
                         ("Olga Ordnung", "Ordnungsamt", ["ordnung"], True,
                          True, False))
        self.assertEqual(u["clearance"], ["offen", "intern", "vertraulich"])
        r, cookie = self.login("olga", pw)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.users()["olga"]["sessions"], 1)
        # Deactivation ends the session and refuses the next login.
        self.act("users/deactivate", {"name": "olga"})
        s = request(self.srv, "GET", "/api/session", {"Cookie": cookie})
        self.assertEqual(s.status, 401, s.body)
        r, _ = self.login("olga", pw)
        self.assertIn(r.status, (401, 403), r.body)  # refused, no cookie
        self.assertIsNone(r.header("Set-Cookie") and
                          r.header("Set-Cookie").split(";")[0].split("=")[1]
                          or None)
        u = self.users()["olga"]
        self.assertEqual((u["active"], u["disabled_by"], u["sessions"]),
                         (False, "chef", 0))
        self.assertEqual(self.call("olga", "GET", "/api/session").status,
                         401)
        self.refused("chef", "users/deactivate", {"name": "olga"}, 400,
                     ["bereits deaktiviert"])
        self.act("users/reactivate", {"name": "olga"})
        r, _ = self.login("olga", pw)
        self.assertEqual(r.status, 200, r.body)
        # A generated password replaces the typed one; shown once.
        r = self.act("users/password", {"name": "olga", "generate": True})
        gen = r["password"]
        self.assertRegex(gen, r"^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$")
        self.assertEqual(self.login("olga", pw)[0].status, 401)
        self.assertEqual(self.login("olga", gen)[0].status, 200)
        self.assertNotIn(gen, json.dumps(self.users()))
        # Changes: display, unit removed, clearance, groups replaced.
        self.act("users/update", {"name": "olga", "display": "Olga O.",
                                  "unit": "", "clearance": ["offen"],
                                  "groups": []})
        u = self.users()["olga"]
        self.assertEqual((u["display"], u["unit"], u["clearance"],
                          u["groups"]), ("Olga O.", "", ["offen"], []))
        # No secret in any audit record or anywhere in the trail's file.
        with open(os.path.join(self.ws, "audit.db"), "rb") as f:
            raw = f.read()
        for secret in (pw, gen):
            self.assertNotIn(secret.encode(), raw)
        rec = [(a, d) for a, actor, d in audit_rows(self.ws)
               if d.get("name") == "olga"]
        self.assertEqual([a for a, _ in rec], [
            "admin.user_create", "admin.user_deactivate",
            "admin.user_reactivate", "admin.user_password",
            "admin.user_update"])
        self.assertEqual(rec[0][1]["password"], "gesetzt")
        self.assertEqual(rec[3][1]["password"], "erzeugt")
        self.assertEqual(rec[0][1]["groups"], ["ordnung"])
        p = lt.run(self.ws, "audit", "verify")
        self.assertIn("intakt", p.stdout)

    def test_totp_enroll_and_reset(self):
        pw = "Tina-Passwort-2026"
        self.act("users/create", {"name": "tina", "password": pw}, 201)
        r = self.act("users/totp-enroll", {"name": "tina"})
        uri = r["totp_uri"]
        q = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
        secret = q["secret"][0]
        self.assertTrue(self.users()["tina"]["totp"])
        self.assertNotIn(secret, json.dumps(self.users()))
        with open(os.path.join(self.ws, "audit.db"), "rb") as f:
            self.assertNotIn(secret.encode(), f.read())
        # The login now needs the code of that secret.
        r, _ = self.login("tina", pw)
        self.assertEqual(r.status, 401, r.body)
        r = request(self.srv, "POST", "/api/login",
                    {"Content-Type": "application/json"}, json.dumps(
                        {"user": "tina", "password": pw,
                         "totp": totp(secret, time.time())}).encode())
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.json()["mfa"])
        self.act("users/totp-reset", {"name": "tina"})
        self.assertFalse(self.users()["tina"]["totp"])
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT count(*) FROM user_totp t JOIN users u ON "
            "u.id = t.user_id WHERE u.name = 'tina'"), 0)
        self.refused("chef", "users/totp-reset", {"name": "tina"}, 400,
                     ["keine Zwei-Faktor-Anmeldung"])

    def test_roles_and_last_admin(self):
        self.act("users/create", {"name": "rita"}, 201)
        self.act("users/roles", {"name": "rita",
                                 "grant": ["auditor", "datenschutz"]})
        self.assertEqual(self.users()["rita"]["roles"],
                         ["auditor", "datenschutz"])
        self.act("users/roles", {"name": "rita", "revoke": ["auditor"]})
        self.assertEqual(self.users()["rita"]["roles"], ["datenschutz"])
        self.refused("chef", "users/roles",
                     {"name": "chef", "revoke": ["admin"]}, 409,
                     ["letzte aktive Administration"])
        self.refused("chef", "users/deactivate", {"name": "chef"}, 400,
                     ["eigene Konto"])
        # With a second administrator, chef may give the role up; rita
        # then cannot take it from herself as the last one.
        self.act("users/roles", {"name": "rita", "grant": ["admin"]})
        self.act("users/roles", {"name": "chef", "revoke": ["admin"]})
        self.refused("rita", "users/roles",
                     {"name": "rita", "revoke": ["admin"]}, 409)
        self.act("users/roles", {"name": "chef", "grant": ["admin"]},
                 who="rita")
        self.act("users/roles", {"name": "rita", "revoke": ["admin"]})

    def test_trainings(self):
        self.act("trainings/create", {"id": "ki-aufsicht",
                                      "title": "KI-Aufsicht",
                                      "valid_days": 365}, 201, who="koord")
        self.act("trainings/update", {"id": "ki-aufsicht",
                                      "title": "Menschliche Aufsicht"},
                 who="koord")
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT title || '/' || valid_days FROM trainings "
            "WHERE id = 'ki-aufsicht'"), "Menschliche Aufsicht/365")
        self.act("users/training-grant", {"name": "sb",
                                          "training": "ki-aufsicht",
                                          "completed": "2026-01-15"},
                 who="koord")
        t = self.users("koord")["sb"]["trainings"]
        self.assertEqual(t, [{"id": "ki-aufsicht",
                              "completed_at": 1768435200,
                              "expires_at": 1768435200 + 365 * 86400}])
        self.act("users/training-grant", {"name": "sb",
                                          "training": "ki-aufsicht",
                                          "completed": "2026-01-15",
                                          "expires": "2026-06-30"})
        self.assertEqual(self.users()["sb"]["trainings"][0]["expires_at"],
                         1782777600)
        self.act("users/training-revoke", {"name": "sb",
                                           "training": "ki-aufsicht"},
                 who="koord")
        self.assertEqual(self.users()["sb"]["trainings"], [])
        self.refused("koord", "users/training-revoke",
                     {"name": "sb", "training": "ki-aufsicht"}, 404)
        self.refused("koord", "trainings/create",
                     {"id": "ki-aufsicht", "title": "x"}, 409)

    def test_units_and_groups(self):
        self.act("units/create", {"name": "Kämmerei"}, 201)
        self.act("units/rename", {"name": "Kämmerei",
                                  "new_name": "Finanzverwaltung"})
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT count(*) FROM units WHERE name = "
            "'Finanzverwaltung'"), 1)
        # A unit an application names is not renamed.
        lt.run(self.ws, "app", "create", "kasse", "--name", "Kasse",
               "--purpose", "Test", "--unit", "Finanzverwaltung")
        self.refused("chef", "units/rename",
                     {"name": "Finanzverwaltung", "new_name": "Kasse"}, 409,
                     ["kasse"])
        self.act("groups/create", {"name": "finanzen"}, 201)
        self.act("users/create", {"name": "fritz"}, 201)
        self.act("groups/members", {"name": "finanzen",
                                    "add": ["fritz", "sb"]})
        self.assertEqual(self.users()["fritz"]["groups"], ["finanzen"])
        self.act("groups/members", {"name": "finanzen", "remove": ["sb"]})
        self.assertEqual(self.users()["sb"]["groups"], [])

    # --------------------------------------------------------- refusals

    def test_bad_input_is_400_and_changes_nothing(self):
        cases = [
            ("users/create", {"name": "Gross Klein"}, "ungültiger Benutzername"),
            ("users/create", {"name": "x", "unit": "Gibtsnicht"},
             "unbekannte Organisationseinheit"),
            ("users/create", {"name": "x", "groups": ["fehlt"]},
             "unbekannte Gruppe"),
            ("users/create", {"name": "x", "clearance": ["geheim"]},
             "unbekannte Datenklasse"),
            ("users/create", {"name": "x", "clearance": []},
             "mindestens eine Datenklasse"),
            ("users/create", {"name": "x", "password": "kurz"},
             "10 bis 1024"),
            ("users/create", {"name": "x", "password": "lang-genug-1",
                              "generate": True}, "nicht beides"),
            ("users/create", {"name": "x", "display": "a\nb"},
             "Anzeigename"),
            ("users/create", {"name": "x", "admin": True},
             "unbekannte Angabe 'admin'"),
            ("users/create", {"display": "ohne Namen"}, "'name' fehlt"),
            ("users/create", {"name": 7}, "muss ein Text sein"),
            ("users/create", {"name": "x", "groups": "a"}, "Liste"),
            ("users/update", {"name": "sb"}, "nichts zu ändern"),
            ("users/password", {"name": "sb"}, "Passwort angeben"),
            ("users/roles", {"name": "sb", "grant": ["kaiser"]},
             "unbekannte Rolle"),
            ("users/roles", {"name": "sb"}, "mindestens eine Rolle"),
            ("users/roles", {"name": "sb", "grant": ["auditor"],
                             "revoke": ["auditor"]}, "zugleich"),
            ("users/training-grant", {"name": "sb", "training": "fehlt"},
             "unbekannte Schulung"),
            ("users/training-grant", {"name": "sb",
                                      "training": "ki-grundlagen",
                                      "completed": "15.01.2026"},
             "JJJJ-MM-TT"),
            ("users/training-grant", {"name": "sb",
                                      "training": "ki-grundlagen",
                                      "completed": "2026-01-15",
                                      "expires": "2025-01-01"},
             "Ablaufdatum"),
            ("units/create", {"name": "a,b"}, "ungültiger Name"),
            ("units/create", {"name": "Neu", "parent": "Fehlt"},
             "unbekannte übergeordnete Einheit"),
            ("groups/members", {"name": "personal"}, "mindestens einen"),
            ("trainings/create", {"id": "Mit Leer", "title": "x"},
             "ungültige Schulungskennung"),
            ("trainings/create", {"id": "neu-x", "title": "x",
                                  "valid_days": -1}, "valid_days"),
            ("trainings/update", {"id": "ki-grundlagen"}, "nichts zu ändern"),
        ]
        lt.run(self.ws, "user", "add", "platz", "--group", "personal")
        for action, body, words in cases:
            with self.subTest(action=action, body=body):
                self.refused("chef", action, body, 400, [words])
        for raw in (b"", b"[]", b"{kaputt", b'"text"'):
            with self.subTest(body=raw):
                self.refused("chef", "units/create", raw, 400,
                             ["JSON-Objekt"])

    def test_unknown_objects_are_404_and_duplicates_409(self):
        for action, body in [
                ("users/update", {"name": "gibtsnicht", "display": "x"}),
                ("users/deactivate", {"name": "gibtsnicht"}),
                ("users/password", {"name": "gibtsnicht",
                                    "generate": True}),
                ("users/roles", {"name": "gibtsnicht",
                                 "grant": ["auditor"]}),
                ("units/rename", {"name": "Fehlt", "new_name": "Neu"}),
                ("groups/members", {"name": "fehlt", "add": ["sb"]}),
                ("trainings/update", {"id": "fehlt", "title": "x"})]:
            with self.subTest(action=action):
                self.refused("chef", action, body, 404)
        for action, body in [("users/create", {"name": "sb"}),
                             ("units/create", {"name": "Hauptamt"}),
                             ("trainings/create", {"id": "ki-grundlagen",
                                                   "title": "x"})]:
            with self.subTest(action=action):
                self.refused("chef", action, body, 409, ["gibt es schon"])

    def test_roles_required(self):
        for who, action, status in [
                (None, "users/create", 401), ("sb", "users/create", 403),
                ("koord", "users/create", 403),
                ("koord", "users/deactivate", 403),
                ("koord", "users/roles", 403),
                ("koord", "units/create", 403),
                ("koord", "groups/create", 403),
                ("sb", "trainings/create", 403),
                ("sb", "users/training-grant", 403)]:
            with self.subTest(who=who, action=action):
                msg = self.refused(who, action, {"name": "neu", "id": "neu"},
                                   status)
                if status == 403:
                    self.assertIn("Keine Berechtigung", msg)
        self.assertEqual(self.call(None, "GET", "/api/admin/users").status,
                         401)
        r = self.call("sb", "GET", "/api/admin/users")
        self.assertEqual(r.status, 403)
        self.assertIn("Keine Berechtigung", r.json()["error"]["message"])

    def test_damaged_audit_trail_stores_nothing(self):
        """A change whose audit record cannot be written is not made: the
        trail refuses to continue without its anchor (fail closed), the
        reply is 500, lotse.db is unchanged; with the anchor back, the same
        change goes through."""
        self.act("groups/create", {"name": "vor-dem-schaden"}, 201)
        anchor = os.path.join(self.ws, "audit.anchor")
        os.rename(anchor, anchor + ".weg")
        try:
            msg = self.refused("chef", "groups/create",
                               {"name": "ohne-protokoll"}, 500)
            self.assertIn("nichts wurde geändert", msg)
        finally:
            os.rename(anchor + ".weg", anchor)
        self.act("groups/create", {"name": "ohne-protokoll"}, 201)

    def test_csrf_and_methods(self):
        r, cookie = self.login("chef", CHEF_PW)
        self.assertEqual(r.status, 200, r.body)
        csrf = r.json()["csrf"]
        h = {"Cookie": cookie, "Content-Type": "application/json"}
        body = json.dumps({"name": "Per Sitzung"}).encode()
        before = digest(self.ws)
        r = request(self.srv, "POST", "/api/admin/groups/create", h, body)
        self.assertEqual(r.status, 403, r.body)
        self.assertIn("CSRF", r.json()["error"]["message"])
        self.assertEqual(digest(self.ws), before)
        h["X-CSRF-Token"] = csrf
        r = request(self.srv, "POST", "/api/admin/groups/create", h, body)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(self.call("chef", "GET",
                                   "/api/admin/users/create").status, 405)
        self.assertEqual(self.call("chef", "POST", "/api/admin/users",
                                   {}).status, 405)
        self.assertEqual(self.call("chef", "POST", "/api/admin/users/drop",
                                   {}).status, 404)
        self.assertEqual(self.call("chef", "GET", "/api/admin/").status,
                         404)


if __name__ == "__main__":
    unittest.main()

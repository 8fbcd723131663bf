#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Local login against the real `lotse serve` (docs/api/login.md,
logout.md, session.md, docs/cli/user.md): argon2id passwords set with
`lotse user passwd`, TOTP codes computed here with hmac/hashlib from the
secret `lotse user totp enroll` prints, TOTP required per role, no code
reuse, lock-out with back-off per account and per address, the session
cookie's attributes, CSRF, idle time-out and logout.

Environment: LOTSE_BIN, LOTSE_TEST_TMP, LOTSE_SOURCE_DIR."""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402

PW = {"anna": "Anna-Passwort-1", "chef": "Chef-Passwort-22",
      "rev": "Revision-Passwort-3", "lock": "Sperr-Passwort-4"}


def totp(secret_b32, t):
    """RFC 6238 code (SHA-1, 30 s, 6 digits) for unix time t."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(t) // 30),
                   hashlib.sha1).digest()
    off = mac[-1] & 15
    v = struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff
    return "%06d" % (v % 1000000)


def passwd(ws, user, pw):
    return subprocess.run([lt.BIN, "--workspace", ws, "user", "passwd", user],
                          input=pw + "\n", capture_output=True, text=True,
                          timeout=120)


def enroll(ws, user):
    p = lt.run(ws, "user", "totp", "enroll", user)
    uri = p.stdout.strip()
    u = urllib.parse.urlparse(uri)
    assert u.scheme == "otpauth" and u.netloc == "totp", uri
    return urllib.parse.parse_qs(u.query)["secret"][0], uri


def add_auth_conf(ws, lines):
    with open(os.path.join(ws, "lotse.conf"), "a", encoding="utf-8") as f:
        f.write("\n[auth]\n" + "".join(l + "\n" for l in lines))


def spec(name):
    with open(os.path.join(lt.SRC, "server", "api", name + ".json"),
              encoding="utf-8") as f:
        return json.load(f)


class Client:
    """Keeps the lotse_session cookie like a browser would (by hand)."""

    def __init__(self, srv):
        self.srv = srv
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None, csrf=True, headers=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if self.cookie:
            h["Cookie"] = "lotse_session=" + self.cookie
        if csrf and self.csrf and method != "GET":
            h["X-CSRF-Token"] = self.csrf
        r = request(self.srv, method, path, h, data)
        sc = r.header("Set-Cookie")
        if sc:
            m = re.match(r"lotse_session=([^;]*)", sc)
            self.cookie = m.group(1) or None
        return r

    def login(self, user, pw, code=None):
        body = {"user": user, "password": pw}
        if code is not None:
            body["totp"] = code
        r = self.call("POST", "/api/login", body)
        if r.status == 200:
            self.csrf = r.json()["csrf"]
        return r


class Login(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("login")
        ws = cls.ws
        lt.run(ws, "user", "add", "anna", "--display", "Anna Beispiel",
               "--unit", "Hauptamt")
        lt.run(ws, "user", "add", "chef", "--unit", "Hauptamt")
        lt.run(ws, "user", "grant", "chef", "admin")
        lt.run(ws, "user", "add", "rev", "--unit", "Hauptamt")
        lt.run(ws, "user", "grant", "rev", "auditor")
        lt.run(ws, "user", "add", "lock")
        for u, pw in PW.items():
            p = passwd(ws, u, pw)
            assert p.returncode == 0, p.stderr
        cls.secret, cls.uri = enroll(ws, "chef")
        add_auth_conf(ws, ["totp_roles = admin, auditor", "lockout_after = 3",
                           "lockout_base_seconds = 2",
                           "lockout_max_seconds = 60"])
        cls.srv = Server(ws, "login")

    @classmethod
    def tearDownClass(cls):
        rc, _ = cls.srv.stop()
        if rc != 0:
            raise AssertionError("server exited %d:\n%s" %
                                 (rc, cls.srv.stderr_text()))

    def check_spec(self, name, r):
        sp = spec(name)
        rs = sp["reply_schema"].get(str(r.status))
        schema = rs["schema"] if rs else {"$ref": "#/definitions/error"}
        self.assertEqual(schema_errors(r.json(), schema, sp), [], r.body)

    # ----------------------------------------------------------- passwords

    def test_password_stored_as_argon2id(self):
        h = lt.db_scalar(self.ws, "SELECT c.hash FROM user_credentials c "
                         "JOIN users u ON u.id = c.user_id "
                         "WHERE u.name = 'anna'")
        self.assertTrue(h.startswith("$argon2id$v=19$m=65536,t=3,p=1$"), h)
        self.assertNotIn(PW["anna"], h)

    def test_passwd_refuses_short_password_and_unknown_user(self):
        p = passwd(self.ws, "anna", "kurz")
        self.assertEqual(p.returncode, 1)
        self.assertIn("zu kurz", p.stderr)
        p = passwd(self.ws, "niemand", "Lang-genug-123")
        self.assertEqual(p.returncode, 1)
        self.assertIn("unbekannter Benutzer", p.stderr)
        c = Client(self.srv)
        self.assertEqual(c.login("anna", PW["anna"]).status, 200)

    def test_login_ok_and_session(self):
        c = Client(self.srv)
        r = c.login("anna", PW["anna"])
        self.assertEqual(r.status, 200, r.body)
        self.check_spec("login", r)
        b = r.json()
        self.assertEqual((b["user"], b["display"], b["unit"], b["roles"],
                          b["mfa"], b["method"]),
                         ("anna", "Anna Beispiel", "Hauptamt", [], False,
                          "passwort"))
        r = c.call("GET", "/api/session")
        self.assertEqual(r.status, 200, r.body)
        self.check_spec("session", r)
        self.assertEqual(r.json()["csrf"], b["csrf"])
        self.assertEqual(r.json()["user"], "anna")
        # The cookie's user is the caller everywhere: anna has no role.
        self.assertEqual(c.call("GET", "/api/kpi").status, 403)

    def test_anonymous_session_view(self):
        r = request(self.srv, "GET", "/api/session")
        self.assertEqual(r.status, 200)
        self.check_spec("session", r)
        self.assertEqual(r.json(), {"authenticated": False, "user": None,
                                    "csrf": None, "sso": {"enabled": False}})

    def test_wrong_password_and_unknown_user_look_alike(self):
        a = Client(self.srv).login("anna", "Falsches-Passwort")
        b = Client(self.srv).login("gibtsnicht", "Falsches-Passwort")
        self.assertEqual((a.status, b.status), (401, 401))
        self.check_spec("login", a)
        self.assertEqual(a.json(), b.json())
        self.assertEqual(a.json()["error"]["message"],
                         "Benutzername oder Passwort falsch")
        self.assertIsNone(a.header("Set-Cookie"))
        self.assertTrue(a.header("WWW-Authenticate"))
        self.assertEqual(Client(self.srv).login("anna", PW["anna"]).status,
                         200)

    def test_bad_body(self):
        for body in (b"", b"[]", b'{"user": "anna"}',
                     b'{"user": 1, "password": "x"}',
                     b'{"user": "", "password": "x"}',
                     b'{"user": "anna", "password": "x", "totp": 5}'):
            r = request(self.srv, "POST", "/api/login",
                        {"Content-Type": "application/json"}, body)
            self.assertEqual(r.status, 400, body)
            self.check_spec("login", r)
        r = request(self.srv, "GET", "/api/login")
        self.assertEqual((r.status, r.header("Allow")), (405, "POST"))

    # -------------------------------------------------------------- audit

    def audit(self, action_prefix="auth."):
        p = lt.run(self.ws, "audit", "export")
        recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        return [r for r in recs if r["action"].startswith(action_prefix)], \
            p.stdout

    def test_audit_records_logins_failures_and_logout(self):
        lt.run(self.ws, "user", "add", "audi", "--unit", "Hauptamt")
        self.assertEqual(passwd(self.ws, "audi", "Audi-Passwort-8")
                         .returncode, 0)
        before = len(self.audit()[0])
        c = Client(self.srv)
        self.assertEqual(c.login("audi", "Falsch-Audi-9").status, 401)
        # a password typed into the name field must not reach the trail
        self.assertEqual(Client(self.srv).login("Geheim-Vertippt-77",
                                                "Falsch-Audi-9").status, 401)
        self.assertEqual(c.login("audi", "Audi-Passwort-8").status, 200)
        self.assertEqual(c.call("POST", "/api/logout").status, 200)
        recs, text = self.audit()
        new = recs[before:]
        got = [(r["action"], r["actor"], r["decision"], r["reason_code"])
               for r in new]
        self.assertEqual(got, [
            ("auth.login_failed", "audi", "none", "bad_password"),
            ("auth.login_failed", "", "none", "unknown_user"),
            ("auth.login", "audi", "none", ""),
            ("auth.logout", "audi", "none", "")])
        # not gate decisions: the KPIs of AI applications stay untouched
        kpi = json.loads(lt.run(self.ws, "kpi", "--json").stdout)
        self.assertEqual([a["app"] for a in kpi["apps"]], [])
        self.assertEqual(kpi["total"]["calls"], 0)
        self.assertEqual(new[0]["unit"], "Hauptamt")
        self.assertEqual(new[0]["details"]["method"], "local")
        self.assertEqual(new[0]["details"]["client"], "127.0.0.1")
        self.assertEqual(new[1]["details"]["user_known"], False)
        self.assertEqual((new[2]["details"]["method"],
                          new[2]["details"]["mfa"]), ("local", False))
        for secret in ("Falsch-Audi-9", "Audi-Passwort-8",
                       "Geheim-Vertippt-77"):
            self.assertNotIn(secret, text)
            with open(os.path.join(self.ws, "audit.db"), "rb") as f:
                self.assertNotIn(secret.encode(), f.read())
        p = lt.run(self.ws, "audit", "verify", check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_audit_second_factor(self):
        before = len(self.audit()[0])
        self.assertEqual(Client(self.srv).login("chef", PW["chef"]).status,
                         401)
        wrong = "000000" if totp(self.secret, time.time()) != "000000" \
            else "111111"
        self.assertEqual(Client(self.srv).login("chef", PW["chef"], wrong)
                         .status, 401)
        self.assertEqual(Client(self.srv).login("rev", PW["rev"]).status,
                         403)
        new = self.audit()[0][before:]
        self.assertEqual([(r["actor"], r["reason_code"]) for r in new],
                         [("chef", "totp_required"), ("chef", "bad_totp"),
                          ("rev", "totp_not_enrolled")])
        self.assertNotIn(wrong, json.dumps([r["details"] for r in new]))

    def test_deactivated_account_answered_like_wrong_password(self):
        import sqlite3
        lt.run(self.ws, "user", "add", "dora")
        self.assertEqual(passwd(self.ws, "dora", "Dora-Passwort-11")
                         .returncode, 0)
        con = sqlite3.connect(os.path.join(self.ws, "lotse.db"))
        with con:
            con.execute("UPDATE users SET disabled_at = 1, disabled_by = "
                        "'chef' WHERE name = 'dora'")
        con.close()
        before = len(self.audit()[0])
        right = Client(self.srv).login("dora", "Dora-Passwort-11")
        wrong = Client(self.srv).login("anna", "Falsches-Passwort")
        self.assertEqual((right.status, right.json()),
                         (wrong.status, wrong.json()))
        self.assertIsNone(right.header("Set-Cookie"))
        rec = self.audit()[0][before]
        self.assertEqual((rec["action"], rec["actor"], rec["reason_code"]),
                         ("auth.login_failed", "dora", "account_disabled"))

    def test_deactivate_and_reactivate_cli(self):
        lt.run(self.ws, "user", "add", "otto")
        self.assertEqual(passwd(self.ws, "otto", "Otto-Passwort-12")
                         .returncode, 0)
        c = Client(self.srv)
        self.assertEqual(c.login("otto", "Otto-Passwort-12").status, 200)
        before = len(self.audit("")[0])
        p = lt.run(self.ws, "user", "deactivate", "otto")
        self.assertIn("deaktiviert", p.stdout)
        # The running session ended, and a new login looks like a wrong
        # password.
        r = c.call("GET", "/api/session")
        self.assertFalse(r.status == 200 and r.json()["authenticated"], r.body)
        right = Client(self.srv).login("otto", "Otto-Passwort-12")
        wrong = Client(self.srv).login("anna", "Falsches-Passwort")
        self.assertEqual((right.status, right.json()),
                         (wrong.status, wrong.json()))
        rec = self.audit("")[0][before]
        self.assertEqual(rec["action"], "admin.user_deactivate")
        self.assertTrue(rec["actor"].startswith("cli:"), rec)
        self.assertEqual(rec["details"]["name"], "otto")
        # Again: refused, nothing written; unknown user: refused.
        n = len(self.audit("")[0])
        p = lt.run(self.ws, "user", "deactivate", "otto", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("lotse:", p.stderr)
        p = lt.run(self.ws, "user", "reactivate", "gibtsnicht", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(self.audit("")[0]), n)
        p = lt.run(self.ws, "user", "deactivate", check=False)
        self.assertEqual(p.returncode, 2)
        lt.run(self.ws, "user", "reactivate", "otto")
        self.assertEqual(self.audit("")[0][n]["action"],
                         "admin.user_reactivate")
        self.assertEqual(Client(self.srv).login("otto", "Otto-Passwort-12")
                         .status, 200)

    # ------------------------------------------------------------ sessions

    def test_new_login_ends_the_browsers_session(self):
        c = Client(self.srv)
        self.assertEqual(c.login("anna", PW["anna"]).status, 200)
        first = c.cookie
        uid = lt.db_scalar(self.ws, "SELECT id FROM users WHERE name='anna'")
        count = lt.db_scalar(self.ws, "SELECT count(*) FROM sessions "
                             "WHERE user_id=%d" % uid)
        # the browser still sends the first cookie with the second login
        self.assertEqual(c.login("anna", PW["anna"]).status, 200)
        self.assertNotEqual(c.cookie, first)
        self.assertEqual(lt.db_scalar(self.ws, "SELECT count(*) FROM "
                                      "sessions WHERE user_id=%d" % uid),
                         count)
        r = request(self.srv, "GET", "/api/session",
                    {"Cookie": "lotse_session=" + first})
        self.assertEqual(r.status, 401, r.body)
        self.assertEqual(c.call("GET", "/api/session").status, 200)
        # an id planted in the browser beforehand is never taken over
        planted = "P" * 43
        c2 = Client(self.srv)
        c2.cookie = planted
        self.assertEqual(c2.login("anna", PW["anna"]).status, 200)
        self.assertNotEqual(c2.cookie, planted)
        self.assertRegex(c2.cookie, r"^[A-Za-z0-9_-]{43}$")

    # ------------------------------------------------------------- cookie

    def test_cookie_attributes_and_hashed_id(self):
        r = request(self.srv, "POST", "/api/login",
                    {"Content-Type": "application/json"},
                    json.dumps({"user": "anna",
                                "password": PW["anna"]}).encode())
        self.assertEqual(r.status, 200, r.body)
        sc = r.header("Set-Cookie")
        parts = [p.strip() for p in sc.split(";")]
        name, _, value = parts[0].partition("=")
        self.assertEqual(name, "lotse_session")
        self.assertRegex(value, r"^[A-Za-z0-9_-]{43}$")
        attrs = {p.split("=")[0].lower(): p.partition("=")[2]
                 for p in parts[1:]}
        self.assertEqual(attrs["path"], "/")
        self.assertEqual(attrs["samesite"], "Strict")
        self.assertIn("httponly", attrs)
        self.assertIn("secure", attrs)  # default auth.cookie_secure = on
        self.assertEqual(attrs["max-age"], "36000")
        # Only the SHA-256 of the id is stored.
        digest = hashlib.sha256(value.encode()).hexdigest()
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT count(*) FROM sessions WHERE id_hash = '%s'" %
            digest), 1)
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT count(*) FROM sessions WHERE id_hash = '%s'" %
            value), 0)

    def test_forged_cookie_refused_and_cleared(self):
        for forged in ("A" * 43, "kurz", "x" * 200):
            r = request(self.srv, "GET", "/api/session",
                        {"Cookie": "lotse_session=" + forged})
            self.assertEqual(r.status, 401, forged)
            self.check_spec("session", r)
            self.assertRegex(r.header("Set-Cookie"),
                             r"^lotse_session=; Path=/; Max-Age=0")

    # --------------------------------------------------------------- CSRF

    def test_csrf_required_with_cookie(self):
        c = Client(self.srv)
        self.assertEqual(c.login("anna", PW["anna"]).status, 200)
        r = c.call("POST", "/api/logout", csrf=False)
        self.assertEqual(r.status, 403, r.body)
        self.check_spec("logout", r)
        self.assertIn("CSRF", r.json()["error"]["message"])
        r = c.call("POST", "/api/logout", csrf=False,
                   headers={"X-CSRF-Token": "0" * 64})
        self.assertEqual(r.status, 403)
        # Every state-changing route, not only logout, before its handler.
        before = lt.db_scalar(self.ws, "SELECT count(*) FROM apps")
        r = c.call("POST", "/api/apps", {"id": "neu", "name": "Neu",
                                         "purpose": "x",
                                         "owner_unit": "Hauptamt"},
                   csrf=False)
        self.assertEqual(r.status, 403)
        self.assertIn("CSRF", r.json()["error"]["message"])
        self.assertEqual(lt.db_scalar(self.ws, "SELECT count(*) FROM apps"),
                         before)
        # The session survived the refusals; GET needs no token.
        self.assertEqual(c.call("GET", "/api/session").status, 200)
        r = c.call("POST", "/api/logout")
        self.assertEqual(r.status, 200, r.body)

    def test_dev_style_bearer_needs_no_csrf(self):
        # Development tokens are off here: a Bearer header is 401, never
        # mixed with a cookie.
        c = Client(self.srv)
        self.assertEqual(c.login("anna", PW["anna"]).status, 200)
        r = c.call("GET", "/api/session",
                   headers={"Authorization": "Bearer dev:chef"})
        self.assertEqual(r.status, 401)

    # ------------------------------------------------------------- logout

    def test_logout(self):
        c = Client(self.srv)
        self.assertEqual(c.login("anna", PW["anna"]).status, 200)
        old = c.cookie
        r = c.call("POST", "/api/logout")
        self.assertEqual(r.status, 200, r.body)
        self.check_spec("logout", r)
        self.assertEqual(r.json(), {"logged_out": True})
        self.assertRegex(r.header("Set-Cookie"),
                         r"^lotse_session=; Path=/; Max-Age=0; HttpOnly; "
                         r"SameSite=Strict")
        r = request(self.srv, "GET", "/api/session",
                    {"Cookie": "lotse_session=" + old})
        self.assertEqual(r.status, 401)
        self.assertIn("Sitzung", r.json()["error"]["message"])
        r = request(self.srv, "POST", "/api/logout")
        self.assertEqual((r.status, r.json()), (200, {"logged_out": False}))

    def test_password_change_ends_sessions(self):
        lt.run(self.ws, "user", "add", "wechsel")
        self.assertEqual(passwd(self.ws, "wechsel", "Alt-Passwort-6")
                         .returncode, 0)
        c = Client(self.srv)
        self.assertEqual(c.login("wechsel", "Alt-Passwort-6").status, 200)
        p = passwd(self.ws, "wechsel", "Neu-Passwort-7")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(c.call("GET", "/api/session").status, 401)
        self.assertEqual(Client(self.srv).login("wechsel", "Neu-Passwort-7")
                         .status, 200)

    # --------------------------------------------------------------- TOTP

    def test_totp_enroll_uri(self):
        self.assertRegex(self.uri, r"^otpauth://totp/lotse:chef\?secret="
                         r"[A-Z2-7]{32}&issuer=lotse&algorithm=SHA1&"
                         r"digits=6&period=30$")

    def test_totp_required_for_role(self):
        c = Client(self.srv)
        r = c.login("chef", PW["chef"])
        self.assertEqual(r.status, 401, r.body)
        self.check_spec("login", r)
        self.assertTrue(r.json()["error"]["totp_required"])
        self.assertIsNone(c.cookie)
        r = c.login("chef", PW["chef"], "000000" if totp(
            self.secret, time.time()) != "000000" else "111111")
        self.assertEqual(r.status, 401)
        self.assertIn("Code", r.json()["error"]["message"])
        # A code for the previous step is still accepted (clock drift),
        # and then the same code is refused: each code works once.
        now = time.time()
        code = totp(self.secret, now - 30)
        r = c.login("chef", PW["chef"], code)
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.json()["mfa"])
        self.assertEqual(r.json()["roles"], ["admin"])
        self.assertEqual(c.call("GET", "/api/kpi").status, 200)
        r = Client(self.srv).login("chef", PW["chef"], code)
        self.assertEqual(r.status, 401, r.body)
        self.assertEqual(r.json()["error"]["message"],
                         "Code ungültig oder bereits verwendet")
        # A code two steps old is outside the window.
        r = Client(self.srv).login("chef", PW["chef"],
                                   totp(self.secret, now - 90))
        self.assertEqual(r.status, 401)

    def test_totp_secret_encrypted_at_rest(self):
        lt.run(self.ws, "user", "add", "tom")
        self.assertEqual(passwd(self.ws, "tom", "Tom-Passwort-10")
                         .returncode, 0)
        secret, _ = enroll(self.ws, "tom")
        raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
        key = os.path.join(self.ws, "auth.key")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        blob = lt.db_scalar(self.ws, "SELECT hex(t.secret) FROM user_totp t "
                            "JOIN users u ON u.id = t.user_id "
                            "WHERE u.name = 'tom'")
        blob = bytes.fromhex(blob)
        self.assertTrue(blob.startswith(b"LTS1"), blob[:8])
        self.assertNotIn(raw, blob)
        self.assertNotIn(raw[:8], blob)
        with open(os.path.join(self.ws, "lotse.db"), "rb") as f:
            self.assertNotIn(raw, f.read())
        # Another key cannot check codes: a clear refusal, no session.
        with open(key) as f:
            saved = f.read()
        try:
            with open(key, "w") as f:
                f.write("ab" * 32 + "\n")
            r = Client(self.srv).login("tom", "Tom-Passwort-10",
                                       totp(secret, time.time()))
            self.assertEqual(r.status, 500, r.body)
            self.assertIn("Schlüssel", r.json()["error"]["message"])
            self.assertIsNone(r.header("Set-Cookie"))
        finally:
            with open(key, "w") as f:
                f.write(saved)
        r = Client(self.srv).login("tom", "Tom-Passwort-10",
                                   totp(secret, time.time()))
        self.assertEqual(r.status, 200, r.body)

    def test_totp_required_but_not_enrolled(self):
        r = Client(self.srv).login("rev", PW["rev"])
        self.assertEqual(r.status, 403, r.body)
        self.check_spec("login", r)
        self.assertIn("Zwei-Faktor", r.json()["error"]["message"])

    def test_totp_disable_and_enroll_cli(self):
        lt.run(self.ws, "user", "add", "tina")
        self.assertEqual(passwd(self.ws, "tina", "Tina-Passwort-5")
                         .returncode, 0)
        secret, _ = enroll(self.ws, "tina")
        # Enrolled without a role: the code is still required.
        r = Client(self.srv).login("tina", "Tina-Passwort-5")
        self.assertEqual(r.status, 401)
        self.assertTrue(r.json()["error"]["totp_required"])
        r = Client(self.srv).login("tina", "Tina-Passwort-5",
                                   totp(secret, time.time()))
        self.assertEqual(r.status, 200, r.body)
        lt.run(self.ws, "user", "totp", "disable", "tina")
        r = Client(self.srv).login("tina", "Tina-Passwort-5")
        self.assertEqual(r.status, 200, r.body)
        self.assertFalse(r.json()["mfa"])
        p = lt.run(self.ws, "user", "totp", "enroll", "gibtsnicht",
                   check=False)
        self.assertEqual(p.returncode, 1)

    # ----------------------------------------------------------- lock-out

    def test_lockout_and_backoff(self):
        u = "lock"
        lt.run(self.ws, "user", "add", u)
        for _ in range(3):
            self.assertEqual(Client(self.srv).login(u, "Falsch-Falsch")
                             .status, 401)
        # Locked: even the right password is refused before it is checked.
        r = Client(self.srv).login(u, PW[u])
        self.assertEqual(r.status, 429, r.body)
        self.check_spec("login", r)
        self.assertEqual(r.json()["error"]["type"], "too_many_requests")
        self.assertIn("Zu viele fehlgeschlagene Anmeldungen",
                      r.json()["error"]["message"])
        recs = [x for x in self.audit()[0] if x["actor"] == u]
        self.assertEqual([x["reason_code"] for x in recs[-5:]],
                         ["bad_password", "bad_password", "bad_password",
                          "lockout", "locked"])
        self.assertEqual(recs[-2]["action"], "auth.lockout")
        self.assertEqual(recs[-2]["details"]["locked_seconds"], 2)
        # Whole seconds: 2 s from a clock second that may have begun.
        first = int(r.header("Retry-After"))
        self.assertIn(first, (1, 2))
        time.sleep(first + 1.1)
        # One more failure after the lock: twice as long.
        self.assertEqual(Client(self.srv).login(u, "Falsch-Falsch").status,
                         401)
        r = Client(self.srv).login(u, PW[u])
        self.assertEqual(r.status, 429)
        second = int(r.header("Retry-After"))
        self.assertIn(second, (3, 4))
        time.sleep(second + 1.1)
        # Success clears the counter: the next failure is a plain 401.
        self.assertEqual(Client(self.srv).login(u, PW[u]).status, 200)
        self.assertEqual(Client(self.srv).login(u, "Falsch-Falsch").status,
                         401)
        self.assertEqual(Client(self.srv).login(u, PW[u]).status, 200)
        # Other accounts were never locked.
        self.assertEqual(Client(self.srv).login("anna", PW["anna"]).status,
                         200)


class StrictLogin(lt.TestCase):
    """A server with a short idle time-out and a low per-address limit."""

    def start(self, name, conf, *extra):
        d, ws = lt.init(name)
        lt.run(ws, "user", "add", "anna")
        self.assertEqual(passwd(ws, "anna", PW["anna"]).returncode, 0)
        add_auth_conf(ws, conf)
        srv = Server(ws, name, *extra)
        self.addCleanup(srv.stop)
        return srv

    def test_idle_timeout(self):
        srv = self.start("login-idle", ["session_idle_seconds = 3",
                                        "cookie_secure = off"])
        c = Client(srv)
        r = c.login("anna", PW["anna"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["idle_timeout_s"], 3)
        self.assertNotIn("Secure", r.header("Set-Cookie"))
        self.assertEqual(c.call("GET", "/api/session").status, 200)
        time.sleep(4)
        r = c.call("GET", "/api/session")
        self.assertEqual(r.status, 401, r.body)
        self.assertIn("abgelaufen", r.json()["error"]["message"])
        self.assertIsNone(c.cookie)  # the reply cleared the cookie

    def test_cookie_secure_off_only_on_loopback(self):
        srv = self.start("login-any", ["cookie_secure = off"],
                         "--bind", "0.0.0.0")
        r = Client(srv).login("anna", PW["anna"])
        self.assertEqual(r.status, 200, r.body)
        self.assertIn("; Secure", r.header("Set-Cookie"))

    def test_lockout_per_address(self):
        srv = self.start("login-ip", ["lockout_after = 100",
                                      "lockout_after_ip = 4",
                                      "lockout_base_seconds = 30"])
        for i in range(4):
            self.assertEqual(Client(srv).login("wer%d" % i, "x" * 10).status,
                             401)
        r = Client(srv).login("anna", PW["anna"])
        self.assertEqual(r.status, 429, r.body)
        self.assertIn(int(r.header("Retry-After")), (29, 30))

    def test_unknown_role_in_totp_roles(self):
        srv = self.start("login-badconf", ["totp_roles = admin, koenig"])
        r = Client(srv).login("anna", PW["anna"])
        self.assertEqual(r.status, 500)
        self.assertIn("auth", r.json()["error"]["message"])


if __name__ == "__main__":
    unittest.main()

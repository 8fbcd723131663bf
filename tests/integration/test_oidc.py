# SPDX-License-Identifier: EUPL-1.2
"""OpenID Connect login (server/oidc.c) against a real provider.

The test starts npm oidc-provider (tests/reference/oidc_provider.mjs) and
`lotse serve` configured for it, then drives the browser's part with
http.client: GET /auth/oidc/login, the provider's login form, the redirect
back to /auth/oidc/callback, and checks the session, the provisioned user
(groups, unit, roles, user_identities) and the refusals: tampered or
foreign state, tampered token, wrong audience, expired token, unknown key
(each a German HTML page with a link back to the login, and an
auth.login_failed record in the audit trail); GET /api/session telling
whether single sign-on is set up; a new login ending the browser's old
session; and logout at the provider (RP-Initiated Logout).
Skips when node or tests/reference/node_modules/oidc-provider is missing.
"""
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

REF = os.path.join(lt.SRC, "tests", "reference")
PROVIDER = os.path.join(REF, "node_modules", "oidc-provider")
NODE = shutil.which("node")
START_TIMEOUT = 30


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Follows one request at a time, keeping cookies per host:port."""

    def __init__(self):
        self.jar = {}

    def get(self, url, method="GET", body=None, headers=None):
        u = urllib.parse.urlsplit(url)
        key = u.netloc
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
        headers = dict(headers or {})
        if self.jar.get(key):
            headers["Cookie"] = "; ".join(
                "%s=%s" % kv for kv in self.jar[key].items())
        if body is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        path = u.path + ("?" + u.query if u.query else "")
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        cookies = self.jar.setdefault(key, {})
        for name, value in r.getheaders():
            if name.lower() != "set-cookie":
                continue
            nv = value.split(";", 1)[0]
            k, _, v = nv.partition("=")
            if "max-age=0" in value.lower() or not v:
                cookies.pop(k.strip(), None)
            else:
                cookies[k.strip()] = v.strip()
        c.close()
        loc = r.getheader("Location")
        if loc:
            loc = urllib.parse.urljoin(url, loc)
        return r.status, loc, data, r.getheaders()


@unittest.skipUnless(NODE and os.path.isdir(PROVIDER),
                     "node or tests/reference/node_modules/oidc-provider "
                     "missing (scripts/install-test-tools.sh)")
class TestOidc(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("oidc")
        cls.pport, cls.lport = free_port(), free_port()
        cls.issuer = "http://127.0.0.1:%d" % cls.pport
        cls.base = "http://127.0.0.1:%d" % cls.lport
        cls.callback = cls.base + "/auth/oidc/callback"
        cls.perr = open(os.path.join(cls.dir, "provider.err"), "wb")
        cls.prov = subprocess.Popen(
            [NODE, os.path.join(REF, "oidc_provider.mjs"), str(cls.pport),
             cls.callback], cwd=REF, stdout=subprocess.PIPE,
            stderr=cls.perr)
        line = cls.prov.stdout.readline().decode()
        if not line.startswith("ready"):
            cls.prov.kill()
            raise RuntimeError("provider did not start: %r" % line)
        with open(os.path.join(cls.ws, "lotse.conf"), "a") as f:
            f.write("\n[auth]\ncookie_secure = off\n\n[oidc]\n"
                    "issuer = %s\nclient_id = lotse\n"
                    "client_secret = lotse-test-secret\n"
                    "redirect_uri = %s\nclaim_groups = groups\n"
                    "claim_roles = roles\nclaim_unit = unit\n" %
                    (cls.issuer, cls.callback))
        # a local user of the same name as one provider account, linked on
        # first login, with a role the provider does not grant any more
        lt.run(cls.ws, "user", "add", "bob", "--unit", "bauamt")
        lt.run(cls.ws, "user", "grant", "bob", "auditor")
        cls.serr = open(os.path.join(cls.dir, "serve.err"), "wb")
        cls.srv = subprocess.Popen(
            [lt.BIN, "--workspace", cls.ws, "serve", "--port",
             str(cls.lport)], stdout=subprocess.DEVNULL, stderr=cls.serr)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", cls.lport,
                                               timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("lotse serve did not start")

    @classmethod
    def tearDownClass(cls):
        rcs = []
        for p in (cls.srv, cls.prov):
            p.terminate()
            try:
                rcs.append(p.wait(timeout=10))
            except subprocess.TimeoutExpired:
                p.kill()
                rcs.append(p.wait())
        cls.prov.stdout.close()
        cls.perr.close()
        cls.serr.close()
        with open(os.path.join(cls.dir, "serve.err"), "rb") as f:
            err = f.read().decode("utf-8", "replace")
        # lotse must stop cleanly (and, in a sanitizer build, without
        # reports)
        if rcs[0] != 0 or "Sanitizer" in err or "runtime error" in err:
            raise AssertionError("lotse serve exited %d:\n%s" %
                                 (rcs[0], err))

    def set_mode(self, mode):
        st, _, body, _ = Browser().get(self.issuer + "/test/mode?m=" + mode)
        self.assertEqual((st, body.decode()), (200, mode))

    def to_callback(self, b, user="alice"):
        """Start a login and log in at the provider; returns the callback
        URL the provider sends the browser to (not yet followed)."""
        st, loc, _, hdrs = b.get(self.base + "/auth/oidc/login")
        self.assertEqual(st, 302)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)
        self.assertEqual(q["code_challenge_method"], ["S256"])
        self.assertEqual(q["client_id"], ["lotse"])
        self.assertTrue(loc.startswith(self.issuer + "/auth?"))
        cookie = [v for k, v in hdrs if k.lower() == "set-cookie"][0]
        self.assertIn("HttpOnly", cookie)
        url = loc
        for _ in range(12):
            if url.startswith(self.callback):
                return url
            st, nxt, body, _ = b.get(url)
            if st == 200 and b"/login" in body:
                action = re.search(rb'action="([^"]+)"', body).group(1)
                st, nxt, body, _ = b.get(
                    urllib.parse.urljoin(url, action.decode()), "POST",
                    "login=" + user)
            self.assertIn(st, (302, 303), body[:300])
            url = nxt
        self.fail("provider never redirected back to lotse")

    def finish(self, b, url):
        st, loc, body, _ = b.get(url)
        return st, loc, body

    def error_message(self, body):
        return json.loads(body)["error"]["message"]

    def error_page(self, st, body, hdrs=None):
        """The German HTML page of a refused callback: its message."""
        text = body.decode("utf-8")
        self.assertTrue(text.startswith("<!doctype html>"), text[:200])
        self.assertIn('<html lang="de">', text)
        self.assertIn("<h1>Anmeldung fehlgeschlagen</h1>", text)
        self.assertIn('<a href="/#/anmelden">Zurück zur Anmeldung</a>', text)
        if hdrs is not None:
            ct = [v for k, v in hdrs if k.lower() == "content-type"][0]
            self.assertTrue(ct.startswith("text/html"), ct)
        m = re.search(r'<p role="alert">(.*?)</p>', text, re.S)
        return m.group(1)

    def audit(self):
        p = lt.run(self.ws, "audit", "export")
        return [json.loads(l) for l in p.stdout.splitlines()
                if l.strip() and json.loads(l)["action"].startswith("auth.")]

    def session_of(self, b):
        st, _, body, _ = b.get(self.base + "/api/session")
        self.assertEqual(st, 200, body)
        return json.loads(body)

    def jar(self, b):
        return b.jar.setdefault("127.0.0.1:%d" % self.lport, {})

    def test_1_login_provisions_user_and_session(self):
        self.set_mode("ok")
        b = Browser()
        st, loc, body = self.finish(b, self.to_callback(b, "alice"))
        self.assertEqual(st, 302, body)
        self.assertEqual(loc, self.base + "/")
        self.assertIn("lotse_session", b.jar["127.0.0.1:%d" % self.lport])
        st, _, body, _ = b.get(self.base + "/api/session")
        self.assertEqual(st, 200, body)
        self.assertEqual(json.loads(body)["user"], "alice")
        uid = lt.db_scalar(self.ws, "SELECT id FROM users WHERE name='alice'")
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT subject FROM user_identities WHERE user_id=%d"
            % uid), "sub-alice")
        groups = lt.db_scalar(
            self.ws, "SELECT group_concat(g.name) FROM (SELECT g.name FROM "
            "user_groups ug JOIN groups g ON g.id = ug.group_id WHERE "
            "ug.user_id=%d ORDER BY g.name) g" % uid)
        self.assertEqual(groups, "kreis/bauamt,sozialamt")
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT n.name FROM users u JOIN units n ON "
            "n.id = u.unit_id WHERE u.id=%d" % uid), "sozialamt")
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT group_concat(role) FROM gov_roles WHERE "
            "user_id=%d" % uid), "datenschutz")

    def test_2_existing_user_linked_roles_follow_provider(self):
        self.set_mode("ok")
        b = Browser()
        st, _, body = self.finish(b, self.to_callback(b, "bob"))
        self.assertEqual(st, 302, body)
        uid = lt.db_scalar(self.ws, "SELECT id FROM users WHERE name='bob'")
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT count(*) FROM gov_roles WHERE user_id=%d"
            % uid), 0)  # auditor revoked: the provider names no role
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT subject FROM user_identities WHERE user_id=%d"
            % uid), "sub-bob")

    def test_deactivated_user_gets_the_page(self):
        import sqlite3
        self.set_mode("ok")
        b = Browser()
        st, _, body = self.finish(b, self.to_callback(b, "bob"))
        self.assertEqual(st, 302, body)  # linked and provisioned
        db = os.path.join(self.ws, "lotse.db")
        con = sqlite3.connect(db)
        try:
            with con:
                con.execute("UPDATE users SET disabled_at = 1 WHERE "
                            "name = 'bob'")
            b = Browser()
            before = len(self.audit())
            st, _, body = self.finish(b, self.to_callback(b, "bob"))
            self.assertEqual(st, 403, body)
            self.assertIn("deaktiviert", self.error_page(st, body))
            self.assertNotIn("lotse_session", self.jar(b))
            rec = self.audit()[before]
            self.assertEqual((rec["action"], rec["reason_code"]),
                             ("auth.login_failed", "account_disabled"))
        finally:
            with con:
                con.execute("UPDATE users SET disabled_at = NULL WHERE "
                            "name = 'bob'")
            con.close()

    def test_state_must_match_browser_and_works_once(self):
        self.set_mode("ok")
        b = Browser()
        url = self.to_callback(b)
        bad = re.sub(r"state=[^&]+", "state=" + "A" * 43, url)
        before = len(self.audit())
        st, _, body = self.finish(b, bad)
        self.assertEqual(st, 400)
        self.assertIn("Anmeldevorgang", self.error_page(st, body))
        rec = self.audit()[before]
        self.assertEqual((rec["action"], rec["reason_code"], rec["actor"],
                          rec["details"]["method"]),
                         ("auth.login_failed", "bad_state", "", "oidc"))
        other = Browser()  # another browser: no lotse_oidc cookie
        st, _, body = self.finish(other, url)
        self.assertEqual(st, 400)
        st, _, body = self.finish(b, url)
        self.assertEqual(st, 302, body)
        st, _, body = self.finish(b, url)  # replay
        self.assertEqual(st, 400)

    def test_provider_refusal(self):
        b = Browser()
        url = self.to_callback(b, "mallory")  # unknown at the provider
        self.assertIn("error=access_denied", url)
        st, _, body = self.finish(b, url)
        self.assertEqual(st, 401, body)
        self.assertIn("abgebrochen oder abgelehnt", self.error_page(st, body))
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT count(*) FROM users WHERE name='mallory'"), 0)

    def refused(self, mode, status, text):
        self.set_mode(mode)
        try:
            b = Browser()
            before = lt.db_scalar(self.ws, "SELECT count(*) FROM sessions")
            st, _, body = self.finish(b, self.to_callback(b))
            self.assertEqual(st, status, body)
            self.assertIn(text, self.error_page(st, body))
            self.assertEqual(
                lt.db_scalar(self.ws, "SELECT count(*) FROM sessions"),
                before)
        finally:
            self.set_mode("ok")

    def test_tampered_token(self):
        self.refused("tampered", 401, "Signatur des ID-Tokens ist ungültig")

    def test_wrong_audience(self):
        self.refused("aud", 401, "nicht für diese Anwendung")

    def test_expired(self):
        self.refused("expired", 401, "abgelaufen")

    def test_unknown_kid(self):
        self.refused("kid", 401, "unbekannten Schlüssel")

    def test_session_says_sso_is_configured(self):
        anon = self.session_of(Browser())
        self.assertEqual(anon["authenticated"], False)
        self.assertEqual(anon["sso"]["enabled"], True)
        self.assertIn("Single Sign-on", anon["sso"]["label"])

    def test_html_error_page_headers(self):
        b = Browser()
        st, _, body, hdrs = b.get(self.base + "/auth/oidc/callback?state=" +
                                  "B" * 43 + "&code=x")
        self.assertEqual(st, 400)
        self.error_page(st, body, hdrs)
        csp = [v for k, v in hdrs
               if k.lower() == "content-security-policy"][0]
        self.assertIn("default-src 'none'", csp)
        self.assertNotIn("script-src", csp)

    def test_z_forged_callbacks_do_not_flood_the_trail(self):
        # named to run last: it uses up this minute's allowance of
        # bad_state records that test_state_… checks for
        before = len(self.audit())
        for i in range(30):
            st, _, _, _ = Browser().get(
                self.base + "/auth/oidc/callback?state=%s&code=x" %
                ("F%042d" % i))
            self.assertEqual(st, 400)
        new = [r for r in self.audit()[before:]
               if r["reason_code"] == "bad_state"]
        # at most 20 a minute per reason and address; the rest is counted
        # in the next admitted record (server/login_audit.c)
        self.assertLessEqual(len(new), 20)
        self.assertGreater(len(new), 0)
        self.assertEqual(new[-1]["details"]["client"], "127.0.0.1")

    def test_login_audited_and_ends_previous_session(self):
        self.set_mode("ok")
        b = Browser()
        st, _, body = self.finish(b, self.to_callback(b, "alice"))
        self.assertEqual(st, 302, body)
        first = self.jar(b)["lotse_session"]
        rec = self.audit()[-1]
        self.assertEqual((rec["action"], rec["actor"], rec["decision"],
                          rec["details"]["method"]),
                         ("auth.login", "alice", "none", "oidc"))
        # Second login in the same browser. The provider's redirect back is
        # cross-site: a SameSite=Strict cookie does not come with it.
        url = self.to_callback(b, "alice")
        jar = self.jar(b)
        jar.pop("lotse_session")
        st, _, body = self.finish(b, url)
        self.assertEqual(st, 302, body)
        self.assertNotEqual(jar["lotse_session"], first)
        old = Browser()
        self.jar(old)["lotse_session"] = first
        st, _, _, _ = old.get(self.base + "/api/session")
        self.assertEqual(st, 401)
        self.assertEqual(self.session_of(b)["user"], "alice")

    def test_logout_at_the_provider(self):
        self.set_mode("ok")
        b = Browser()
        st, _, body = self.finish(b, self.to_callback(b, "alice"))
        self.assertEqual(st, 302, body)
        sess = self.session_of(b)
        cookie = self.jar(b)["lotse_session"]
        st, _, body, _ = b.get(self.base + "/api/logout", "POST", b"{}",
                               {"X-CSRF-Token": sess["csrf"],
                                "Content-Type": "application/json"})
        self.assertEqual(st, 200, body)
        reply = json.loads(body)
        self.assertEqual(reply["logged_out"], True)
        u = urllib.parse.urlsplit(reply["redirect"])
        self.assertEqual("%s://%s%s" % (u.scheme, u.netloc, u.path),
                         self.issuer + "/session/end")
        q = urllib.parse.parse_qs(u.query)
        self.assertEqual(q["post_logout_redirect_uri"], [self.base + "/"])
        self.assertEqual(q["client_id"], ["lotse"])
        self.assertEqual(len(q["id_token_hint"][0].split(".")), 3)
        state = q["state"][0]
        self.assertRegex(state, r"^[A-Za-z0-9_-]{43}$")
        self.assertNotIn("lotse_session", self.jar(b))
        # The provider accepts the hint and the registered redirect: it asks
        # to confirm, then sends the browser back with the state.
        st, _, page, _ = b.get(reply["redirect"])
        self.assertEqual(st, 200, page[:300])
        action = re.search(rb'action="([^"]+)"', page).group(1).decode()
        xsrf = re.search(rb'name="xsrf" value="([^"]+)"', page).group(1)
        st, loc, body, _ = b.get(urllib.parse.urljoin(reply["redirect"],
                                                      action), "POST",
                                 "xsrf=%s&logout=yes" % xsrf.decode())
        self.assertIn(st, (302, 303), body[:300])
        self.assertEqual(loc, self.base + "/?state=" + state)
        # lotse's session is gone, and the provider asks for a login again.
        old = Browser()
        self.jar(old)["lotse_session"] = cookie
        self.assertEqual(old.get(self.base + "/api/session")[0], 401)
        st, loc, _, _ = b.get(self.base + "/auth/oidc/login")
        st, _, page, _ = b.get(loc)
        while st in (302, 303):
            st, loc2, page, _ = b.get(loc)
            loc = loc2 or loc
        self.assertEqual(st, 200)
        self.assertIn(b'name="login"', page)
        rec = self.audit()[-1]
        self.assertEqual((rec["action"], rec["actor"],
                          rec["details"]["method"]),
                         ("auth.logout", "alice", "oidc"))

    def test_not_configured_is_404(self):
        d, ws = lt.init("oidc-off")
        port = free_port()
        p = subprocess.Popen([lt.BIN, "--workspace", ws, "serve", "--port",
                              str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    st, _, body, _ = Browser().get(
                        "http://127.0.0.1:%d/auth/oidc/login" % port)
                    break
                except OSError:
                    time.sleep(0.1)
            self.assertEqual(st, 404)
            self.assertIn("nicht eingerichtet", self.error_message(body))
            st, _, body, _ = Browser().get(
                "http://127.0.0.1:%d/api/session" % port)
            self.assertEqual(json.loads(body)["sso"], {"enabled": False})
        finally:
            p.terminate()
            p.wait(timeout=10)


if __name__ == "__main__":
    unittest.main()

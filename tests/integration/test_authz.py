#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""The authorisation sweep: for EVERY route of the route table
(server/routes.c) and every method it allows, a caller without the needed
right is refused as documented in docs/api/ (401 anonymous or with a token
that is not accepted, 403 without the role or refused by the gate, 404 for
a document or draft the caller may not see, an empty list where the public
simply sees nothing), and a caller with the right gets through (so that a
row cannot pass by refusing everybody). Refused state-changing requests
change no stored data.

Table-driven: ROWS has one entry per (route, method). The routes and their
methods come from server/routes.c and from the server itself (405 with
Allow); a route or method without a row fails the test, and so does a row
for a route that no longer exists. The server runs with development tokens
and a tiny synthetic model, so that /v1 is live.

Environment: LOTSE_BIN, LOTSE_TEST_TMP, LOTSE_SOURCE_DIR."""
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_http import Server, request  # noqa: E402
from test_openai_api import CTX, governed_app  # noqa: E402

APP = "assistent"  # approved for unit Sozialamt, training ki-grundlagen
SECRET = "Disziplinarverfahren"

ANON = None      # no Authorization header: the anonymous public
BASIC = "basic"  # another scheme: 401
GHOST = "ghost"  # dev token for a user that does not exist: 401
BOGUS = "bogus"  # a session cookie no session has: 401
# "s:NAME": NAME's login session (cookie and its X-CSRF-Token);
# "c:NAME": the cookie alone (a cross-site request: no CSRF token).
PASSWORD = "Zugangs-Probe-2026!"
SESSIONS = {}  # NAME -> (cookie, csrf), filled by setUpClass
# Named users (fixture): koord ki_koordination; fdl fachdienstleitung
# (Sozialamt); sb Sozialamt, trained; rev auditor; pers personalamt group;
# niemand: unit Kreistagsbuero, no role, no training, no group.
# chef: admin (Hauptamt).


def headers_for(who):
    if who is ANON:
        return {}
    if who == BASIC:
        return {"Authorization": "Basic a29vcmQ6Z2VoZWlt"}
    if who == BOGUS:
        return {"Cookie": "lotse_session=" + "A" * 43}
    if who[:2] in ("s:", "c:"):
        cookie, csrf = SESSIONS[who[2:]]
        h = {"Cookie": cookie}
        if who[0] == "s":
            h["X-CSRF-Token"] = csrf
        return h
    return {"Authorization": "Bearer dev:" + who}


# ------------------------------------------------------- the route table

def routes_from_source():
    """[(path, prefix, needs_principal)] of the ROUTES[] table."""
    with open(os.path.join(lt.SRC, "server", "routes.c"),
              encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"ROUTES\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
    assert m, "ROUTES[] not found in server/routes.c"
    out = []
    for e in re.finditer(r"\{\s*\"([^\"]*)\"\s*,\s*(\d)\s*,\s*(ROUTE_ID_\w+)"
                         r"\s*,\s*\"[^\"]*\"\s*,\s*\w+\s*,\s*(\d)\s*,"
                         r"\s*(\d)\s*,", m.group(1)):
        out.append((e.group(1), int(e.group(2)), int(e.group(5))))
    n = len(re.findall(r"ROUTE_ID_\w+", m.group(1)))
    assert len(out) == n, "could not parse every line of ROUTES[] (%d of %d)"\
        % (len(out), n)
    return out


def probe_path(path, prefix):
    """A concrete path that the route answers (prefix routes: below it)."""
    if not prefix:
        return path
    return path + ("x" if path.endswith("/") else "/x")


# ---------------------------------------------------------------- rows
#
# A case: (who, method, path, body, expected status[, check]). path may use
# {secret}, {public}, {draft}; check(test, reply) looks into a 200 reply.

def hit_ids(r):
    return [h["doc_id"] for h in r.json()["hits"]]


def no_secret(t, r):
    t.assertEqual(hit_ids(r), [], r.body)


def has_secret(t, r):
    t.assertEqual(hit_ids(r), [Authz.ids["secret"]], r.body)


def doc_secret(t, r):
    t.assertIn(SECRET.encode(), r.body)


def empty_models(t, r):
    t.assertEqual(r.json()["data"], [], r.body)


def lists_app(t, r):
    t.assertIn(APP, [m["id"] for m in r.json()["data"]], r.body)


def not_sb_drafts(t, r):
    t.assertEqual([d for d in r.json()["drafts"] if d["user"] == "sb"], [])


def sb_drafts(t, r):
    t.assertTrue([d for d in r.json()["drafts"] if d["user"] == "sb"])


ASK = {"question": "Wie beantrage ich Urlaub?", "app": APP}
CHAT = {"model": APP, "max_tokens": 2, "temperature": 0,
        "messages": [{"role": "user", "content": "Hallo"}]}
COMPL = {"model": APP, "max_tokens": 2, "temperature": 0, "prompt": "Hallo"}
EMB = {"model": APP, "input": "Hallo"}
NEW_APP = {"id": "neu", "name": "Neu", "purpose": "Test",
           "owner_unit": "Sozialamt"}
# Steps on an application and the body a caller without the role sends.
APP_STEPS = {"update": {"purpose": "anders"}, "classify": {"answers": {}},
             "submit": {}, "resolve": {"nr": 1}, "suspend": {},
             "resume": {}, "retire": {}, "approve": {"role": "fachdienstleitung"},
             "reject": {"role": "fachdienstleitung", "comment": "nein"},
             "opinion": {"text": "x"},
             "document": {"kind": "sonstiges", "reference": "x"}}

# Every action of /api/admin/ with a valid body (docs/api/admin.md).
ADMIN_ACTIONS = {
    "users/create": {"name": "neu", "unit": "Sozialamt"},
    "users/update": {"name": "niemand", "display": "Niemand"},
    "users/deactivate": {"name": "niemand"},
    "users/reactivate": {"name": "niemand"},
    "users/password": {"name": "niemand", "generate": True},
    "users/totp-reset": {"name": "niemand"},
    "users/totp-enroll": {"name": "niemand"},
    "users/roles": {"name": "niemand", "grant": ["auditor"]},
    "users/training-grant": {"name": "niemand", "training": "ki-grundlagen"},
    "users/training-revoke": {"name": "sb", "training": "ki-grundlagen"},
    "units/create": {"name": "Neues Amt"},
    "units/rename": {"name": "Kreistagsbuero", "new_name": "Kreistagsbüro"},
    "groups/create": {"name": "neu"},
    "groups/members": {"name": "personalamt", "add": ["niemand"]},
    "trainings/create": {"id": "neu", "title": "Neu"},
    "trainings/update": {"id": "ki-grundlagen", "title": "Anders"},
}
ADMIN_TRAINING_ACTIONS = ("trainings/create", "trainings/update",
                          "users/training-grant", "users/training-revoke")

# Routes without data, public by design: no refusal to show.
PUBLIC = ("/healthz", "/metrics", "/", "/web/")
# Rows whose allowed case needs a set-up this test does not make.
ALLOWED_ELSEWHERE = {
    # An OpenID provider: test_oidc.py runs the full login; here OIDC is
    # not configured, and every path below /auth/oidc/ is refused.
    ("/auth/oidc/", "GET"): "test_oidc.py",
    # A summary needs an alert in logwatch.db (an ingest) and an approved
    # application; test_logwatch_alerts.py runs it (200, gate refusal 403).
    ("/api/security/alerts", "POST"): "test_logwatch_alerts.py",
    # A draft needs an approved application and a model;
    # test_write_draft.py runs it (200, gate refusal 403, 400, 404).
    ("/api/write", "POST"): "test_write_draft.py",
    # A draft in Leichte Sprache needs a model whose context holds the
    # instruction; test_easy_simplify.py runs it (200, refusals 403, 503).
    ("/api/easy/simplify", "POST"): "test_easy_simplify.py",
}
UPLOAD_TEXT = "Merkblatt\n\nDas Merkblatt zur Probe.\n".encode()
MINUTES = {"meeting": "Probe", "date": "2026-02-28", "attendees": ["A"],
           "items": [{"title": "T", "statements": [], "decisions": []}],
           "tasks": []}


def session_of(user):
    def check(t, r):
        t.assertEqual(r.json()["user"], user, r.body)
    return check


def no_session(t, r):
    t.assertEqual(r.json()["authenticated"], False, r.body)


def easy_version(ws, d, user, cls):
    """A new easy-language version by user of data class cls: its id."""
    path = lt.write(os.path.join(d, "leicht-%s.txt" % user),
                    "Sie bekommen Geld vom Amt.\n")
    out = lt.run(ws, "easy", "version", "new", "--user", user, "--ref",
                 "AZ 1", "--class", cls, "--text", path).stdout
    return re.search(r"^Kennung: (\S+)$", out, re.M).group(1)


def no_easy_secret(t, r):
    t.assertNotIn(Authz.ids["easyver"],
                  [v["id"] for v in r.json()["versions"]])


def easy_page(t, r):
    t.assertIn("Rechtlich gilt nur der Bescheid", r.body.decode())

ROWS = {
    # The web application's files (docs/api/web.md, web-index.md): anyone;
    # every API call the pages make is authorised on its own.
    ("/", "GET"): [(ANON, "GET", "/", None, 200),
                   (BASIC, "GET", "/", None, 200)],
    ("/web/", "GET"): [(ANON, "GET", "/web/app.js", None, 200),
                       (ANON, "GET", "/web/.hidden.js", None, 404),
                       (ANON, "GET", "/web/%2e%2e/lotse.db", None, 404)],
    # Public by design (docs/api/healthz.md, metrics.md): no principal.
    ("/healthz", "GET"): [(ANON, "GET", "/healthz", None, 200),
                          (BASIC, "GET", "/healthz", None, 200)],
    ("/metrics", "GET"): [(ANON, "GET", "/metrics", None, 200),
                          (BASIC, "GET", "/metrics", None, 200)],
    # Data-level rights: the public and users without the group never see
    # the document of the personalamt group.
    ("/api/search", "GET"): [
        (ANON, "GET", "/api/search?q=" + SECRET, None, 200, no_secret),
        ("niemand", "GET", "/api/search?q=" + SECRET, None, 200, no_secret),
        ("pers", "GET", "/api/search?q=" + SECRET, None, 200, has_secret)],
    ("/api/documents/", "GET"): [
        (ANON, "GET", "/api/documents/{secret}", None, 404),
        ("niemand", "GET", "/api/documents/{secret}", None, 404),
        ("koord", "GET", "/api/documents/{secret}", None, 404),
        (ANON, "GET", "/api/documents/{public}", None, 200),
        ("pers", "GET", "/api/documents/{secret}", None, 200, doc_secret)],
    # The gate: unit, training, the anonymous public.
    ("/api/ask", "POST"): [
        (ANON, "POST", "/api/ask", ASK, 403),
        ("niemand", "POST", "/api/ask", ASK, 403),
        ("pers", "POST", "/api/ask", ASK, 403),
        ("sb", "POST", "/api/ask", ASK, 200)],
    ("/v1/chat/completions", "POST"): [
        (ANON, "POST", "/v1/chat/completions", CHAT, 403),
        ("niemand", "POST", "/v1/chat/completions", CHAT, 403),
        ("sb", "POST", "/v1/chat/completions", CHAT, 200)],
    ("/v1/completions", "POST"): [
        (ANON, "POST", "/v1/completions", COMPL, 403),
        ("niemand", "POST", "/v1/completions", COMPL, 403),
        ("sb", "POST", "/v1/completions", COMPL, 200)],
    ("/v1/embeddings", "POST"): [
        (ANON, "POST", "/v1/embeddings", EMB, 403),
        ("niemand", "POST", "/v1/embeddings", EMB, 403),
        ("sb", "POST", "/v1/embeddings", EMB, 200)],
    ("/v1/models", "GET"): [
        (ANON, "GET", "/v1/models", None, 200, empty_models),
        ("niemand", "GET", "/v1/models", None, 200, empty_models),
        ("sb", "GET", "/v1/models", None, 200, lists_app)],
    # The register: named users read; steps need their role.
    ("/api/apps", "GET"): [
        (ANON, "GET", "/api/apps", None, 401),
        (ANON, "GET", "/api/apps/" + APP, None, 401),
        (ANON, "GET", "/api/apps/" + APP + "/history", None, 401),
        ("niemand", "GET", "/api/apps/" + APP, None, 200)],
    ("/api/apps", "POST"): [
        (ANON, "POST", "/api/apps", NEW_APP, 401),
        ("niemand", "POST", "/api/apps", NEW_APP, 403),
        ("sb", "POST", "/api/apps", NEW_APP, 403)] + [
        (who, "POST", "/api/apps/%s/%s" % (
            "pruef" if step in ("approve", "reject") else APP, step), body,
         401 if who is ANON else 403)
        for step, body in sorted(APP_STEPS.items())
        for who in (ANON, "niemand")] + [
        ("koord", "POST", "/api/apps", NEW_APP, 201)],
    ("/api/questionnaire", "GET"): [
        (ANON, "GET", "/api/questionnaire", None, 401),
        ("niemand", "GET", "/api/questionnaire", None, 200)],
    ("/api/kpi", "GET"): [
        (ANON, "GET", "/api/kpi", None, 401),
        ("niemand", "GET", "/api/kpi", None, 403),
        ("sb", "GET", "/api/kpi", None, 403),
        ("fdl", "GET", "/api/kpi", None, 403),
        ("rev", "GET", "/api/kpi", None, 200),
        ("koord", "GET", "/api/kpi", None, 200)],
    # Security alerts (logwatch): informationssicherheit, admin, auditor.
    ("/api/security/alerts", "GET"): [
        (ANON, "GET", "/api/security/alerts", None, 401),
        (ANON, "GET", "/api/security/alerts/1", None, 401),
        ("niemand", "GET", "/api/security/alerts", None, 403),
        ("koord", "GET", "/api/security/alerts?severity=hoch", None, 403),
        ("sb", "GET", "/api/security/alerts/1", None, 403),
        ("rev", "GET", "/api/security/alerts", None, 200),
        ("rev", "GET", "/api/security/alerts?since=24h", None, 200)],
    # A summary needs the role first (then the gate; no logwatch.db: 404).
    ("/api/security/alerts", "POST"): [
        (ANON, "POST", "/api/security/alerts/1/summary", {"app": APP}, 401),
        ("niemand", "POST", "/api/security/alerts/1/summary", {"app": APP},
         403),
        ("sb", "POST", "/api/security/alerts/1/summary", {"app": APP}, 403),
        ("rev", "POST", "/api/security/alerts/1/summary", {"app": APP}, 404)],
    # Identity: anyone may log in to their own account and ask who they
    # are; logout with the cookie needs the CSRF token.
    ("/api/login", "POST"): [
        (ANON, "POST", "/api/login", {"user": "niemand", "password": "x"},
         401),
        (ANON, "POST", "/api/login", {"user": "unbekannt", "password": "x"},
         401),
        (ANON, "POST", "/api/login",
         {"user": "niemand", "password": PASSWORD}, 200, session_of(
             "niemand"))],
    ("/api/logout", "POST"): [
        ("c:sb", "POST", "/api/logout", {}, 403),
        (BOGUS, "POST", "/api/logout", {}, 401),
        (ANON, "POST", "/api/logout", {}, 200)],
    ("/api/session", "GET"): [
        (BOGUS, "GET", "/api/session", None, 401),
        (ANON, "GET", "/api/session", None, 200, no_session),
        ("s:niemand", "GET", "/api/session", None, 200,
         session_of("niemand"))],
    # OpenID Connect login (docs/api/oidc.md): off without oidc.issuer.
    ("/auth/oidc/", "GET"): [
        (ANON, "GET", "/auth/oidc/login", None, 404),
        (BASIC, "GET", "/auth/oidc/callback", None, 404),
        (ANON, "GET", "/auth/oidc/callback?code=x&state=y", None, 404)],
    # Upload: named users; class and group within the caller's rights.
    ("/api/upload", "POST"): [
        (ANON, "POST", "/api/upload?name=a.txt&class=offen", UPLOAD_TEXT,
         401),
        ("niemand", "POST", "/api/upload?name=a.txt&class=vertraulich",
         UPLOAD_TEXT, 403),
        ("niemand", "POST", "/api/upload?name=a.txt&group=personalamt",
         UPLOAD_TEXT, 403),
        ("sb", "POST", "/api/upload?name=a.txt&class=personenbezogen",
         UPLOAD_TEXT, 403),
        ("pers", "POST", "/api/upload?name=a.txt&class=vertraulich&"
         "group=personalamt", UPLOAD_TEXT, 201)],
    ("/api/audit", "GET"): [
        (ANON, "GET", "/api/audit", None, 401),
        ("niemand", "GET", "/api/audit", None, 403),
        ("koord", "GET", "/api/audit", None, 403),
        ("rev", "GET", "/api/audit", None, 200)],
    ("/api/portfolio", "GET"): [
        (ANON, "GET", "/api/portfolio", None, 401),
        ("niemand", "GET", "/api/portfolio", None, 403),
        ("sb", "GET", "/api/portfolio", None, 403),
        ("rev", "GET", "/api/portfolio", None, 200),
        ("koord", "GET", "/api/portfolio", None, 200)],
    ("/api/directory", "GET"): [
        (ANON, "GET", "/api/directory", None, 401),
        ("niemand", "GET", "/api/directory", None, 403),
        ("rev", "GET", "/api/directory", None, 403),
        ("koord", "GET", "/api/directory", None, 200)],
    # Administration (docs/api/admin.md): role admin; ki_koordination
    # reads the accounts and manages trainings.
    ("/api/admin/", "GET"): [
        (ANON, "GET", "/api/admin/users", None, 401),
        ("niemand", "GET", "/api/admin/users", None, 403),
        ("rev", "GET", "/api/admin/users", None, 403),
        ("koord", "GET", "/api/admin/users", None, 200),
        ("chef", "GET", "/api/admin/users", None, 200)],
    ("/api/admin/", "POST"): [
        (who, "POST", "/api/admin/" + action, body,
         401 if who is ANON else 403)
        for action, body in sorted(ADMIN_ACTIONS.items())
        for who in (ANON, "niemand")] + [
        ("koord", "POST", "/api/admin/" + action, body, 403)
        for action, body in sorted(ADMIN_ACTIONS.items())
        if action not in ADMIN_TRAINING_ACTIONS] + [
        ("chef", "POST", "/api/admin/users/create",
         ADMIN_ACTIONS["users/create"], 201),
        ("koord", "POST", "/api/admin/trainings/create",
         ADMIN_ACTIONS["trainings/create"], 201)],
    # Drafts: the author and the overseeing roles; others 404 as missing.
    ("/api/drafts", "GET"): [
        (ANON, "GET", "/api/drafts", None, 401),
        ("niemand", "GET", "/api/drafts?user=sb", None, 200, not_sb_drafts),
        ("niemand", "GET", "/api/drafts/{draft}", None, 404),
        ("niemand", "GET", "/api/drafts/{draft}/export", None, 404),
        ("fdl", "GET", "/api/drafts/{draft}", None, 404),
        ("rev", "GET", "/api/drafts?user=sb", None, 200, sb_drafts),
        ("rev", "GET", "/api/drafts/{draft}", None, 200),
        ("sb", "GET", "/api/drafts/{draft}", None, 200)],
    ("/api/drafts", "POST"): [
        (ANON, "POST", "/api/drafts/{draft}/signoff", {}, 401),
        ("niemand", "POST", "/api/drafts/{draft}/signoff", {}, 404),
        ("fdl", "POST", "/api/drafts/{draft}/signoff", {}, 404),
        ("sb", "POST", "/api/drafts/{draft}/signoff", {}, 200)],
    # Writing assistant (docs/api/write.md): every named user.
    ("/api/write/check", "POST"): [
        (ANON, "POST", "/api/write/check", {"text": "Anbei der Plan."}, 401),
        ("c:niemand", "POST", "/api/write/check", {"text": "Anbei."}, 403),
        ("niemand", "POST", "/api/write/check", {"text": "Anbei der Plan."},
         200, lambda t, r: t.assertEqual(
             [f["rule"] for f in r.json()["findings"]], ["phrase"]))],
    ("/api/write", "POST"): [
        (ANON, "POST", "/api/write", {"template": "email"}, 401),
        ("c:niemand", "POST", "/api/write", {"template": "email"}, 403),
        ("niemand", "POST", "/api/write", {"template": "fax"}, 400)],
    ("/api/write/templates", "GET"): [
        (ANON, "GET", "/api/write/templates", None, 401),
        (GHOST, "GET", "/api/write/templates", None, 401),
        ("niemand", "GET", "/api/write/templates", None, 200,
         lambda t, r: t.assertIn("email", [
             x["id"] for x in r.json()["templates"]]))],
    # Leichte Sprache (docs/api/easy-check.md, easy-qr.md): named users.
    ("/api/easy/check", "POST"): [
        (ANON, "POST", "/api/easy/check", {"text": "Wir helfen."}, 401),
        ("c:niemand", "POST", "/api/easy/check", {"text": "Wir."}, 403),
        ("niemand", "POST", "/api/easy/check", {"text": "Wir helfen."},
         200, lambda t, r: t.assertEqual(r.json()["findings"], []))],
    ("/api/easy/qr", "GET"): [
        (ANON, "GET", "/api/easy/qr?url=https://k.example/leicht/a", None,
         401),
        ("niemand", "GET", "/api/easy/qr?url=https://k.example/leicht/a",
         None, 200)],
    # Leichte Sprache by the model (docs/api/easy-simplify.md): named users,
    # then the gate (here the approved application APP).
    ("/api/easy/simplify", "POST"): [
        (ANON, "POST", "/api/easy/simplify", {"text": "Wir helfen."}, 401),
        ("c:niemand", "POST", "/api/easy/simplify", {"text": "Wir."}, 403),
        ("niemand", "POST", "/api/easy/simplify",
         {"text": "Wir helfen.", "app": APP}, 403,
         lambda t, r: t.assertEqual(r.json()["error"]["reason"],
                                    "unit_not_permitted")),
        # sb passes the gate; the instruction does not fit the tiny
        # model's context here (the 200 is in test_easy_simplify.py)
        ("sb", "POST", "/api/easy/simplify",
         {"text": "Wir helfen Ihnen gern.", "app": APP, "max_tokens": 8}, 413,
         lambda t, r: t.assertIn("Sprachmodell",
                                 r.json()["error"]["message"]))],
    # Protokolle (docs/api/minutes.md): named users; a draft as in
    # /api/drafts (author and overseeing roles; others 404 as missing); the
    # notes go through the gate ("protokoll" is not registered here).
    ("/api/minutes", "GET"): [
        (ANON, "GET", "/api/minutes/schema", None, 401),
        (ANON, "GET", "/api/minutes/{draft}?format=html", None, 401),
        ("niemand", "GET", "/api/minutes/{draft}", None, 404),
        ("fdl", "GET", "/api/minutes/{draft}?format=md", None, 404),
        ("niemand", "GET", "/api/minutes/schema", None, 200)],
    ("/api/minutes", "POST"): [
        (ANON, "POST", "/api/minutes/render?format=html", MINUTES, 401),
        ("c:niemand", "POST", "/api/minutes/render", MINUTES, 403),
        (ANON, "POST", "/api/minutes", {"minutes": MINUTES}, 401),
        ("c:niemand", "POST", "/api/minutes", {"minutes": MINUTES}, 403),
        (ANON, "POST", "/api/minutes/draft", {"notes": "Sitzung."}, 401),
        ("niemand", "POST", "/api/minutes/draft", {"notes": "Sitzung."},
         403),
        (ANON, "POST", "/api/minutes/{draft}/publish", {}, 401),
        ("niemand", "POST", "/api/minutes/{draft}/publish", {}, 404),
        ("fdl", "POST", "/api/minutes/{draft}/publish", {}, 404),
        ("niemand", "POST", "/api/minutes/render?format=md", MINUTES, 200),
        ("sb", "POST", "/api/minutes", {"minutes": MINUTES}, 201)],
    # Easy-language versions (docs/api/easy-versions.md): named users; a
    # version outside the caller's clearance answers 404 like a missing one
    # ({easyver}: class vertraulich, pers only).
    ("/api/easy/versions", "GET"): [
        (ANON, "GET", "/api/easy/versions", None, 401),
        ("niemand", "GET", "/api/easy/versions/{easyver}", None, 404),
        ("niemand", "GET", "/api/easy/versions", None, 200, no_easy_secret),
        ("pers", "GET", "/api/easy/versions/{easyver}", None, 200)],
    ("/api/easy/versions", "POST"): [
        (ANON, "POST", "/api/easy/versions",
         {"bescheid_ref": "AZ", "text": "Wir helfen."}, 401),
        ("c:niemand", "POST", "/api/easy/versions",
         {"bescheid_ref": "AZ", "text": "Wir helfen."}, 403),
        ("niemand", "POST", "/api/easy/versions/{easyver}/review", {}, 404),
        ("pers", "POST", "/api/easy/versions/{easyver}/review", {}, 403),
        ("sb", "POST", "/api/easy/versions",
         {"bescheid_ref": "AZ", "text": "Wir helfen."}, 201)],
    # The public page of a published easy version (docs/api/leicht.md):
    # anyone with the address; drafts and unknown ids are 404 pages
    # (test_easy_version.py).
    ("/leicht/", "GET"): [
        (ANON, "GET", "/leicht/{leicht}", None, 200, easy_page),
        (BASIC, "GET", "/leicht/{leicht}", None, 200, easy_page)],
}


# Bookkeeping, not data: a refused login counts a failure (lock-out), a
# request with the cookie refreshes its session's idle time.
DIGEST_SKIP = ("login_failures", "sessions")


def stored_digest(ws):
    """Every row of every table of lotse.db (refusals change nothing)."""
    con = sqlite3.connect("file:%s/lotse.db?mode=ro" % ws, uri=True)
    h = hashlib.sha256()
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT "
            "LIKE 'sqlite_%' AND name NOT LIKE '%fts%' ORDER BY name")]
        for t in tables:
            if t in DIGEST_SKIP:
                continue
            h.update(t.encode())
            for row in con.execute('SELECT * FROM "%s" ORDER BY 1' % t):
                h.update(repr(row).encode())
    finally:
        con.close()
    return h.hexdigest()


class Authz(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("authz")
        ws = cls.ws
        governed_app(ws, APP)  # koord, fdl, sb, bau; approved "assistent"
        # In review, so that approve/reject reach the role check.
        lt.run(ws, "app", "create", "pruef", "--name", "Pruef", "--purpose",
               "Test", "--unit", "Sozialamt")
        lt.run(ws, "app", "classify", "pruef", "--answers",
               os.path.join(cls.dir, "answers-%s.json" % APP))
        lt.run(ws, "app", "submit", "pruef")
        lt.run(ws, "user", "add", "niemand", "--unit", "Kreistagsbuero")
        lt.run(ws, "user", "add", "rev", "--unit", "Hauptamt")
        lt.run(ws, "user", "grant", "rev", "auditor")
        lt.run(ws, "user", "add", "chef", "--unit", "Hauptamt")
        lt.run(ws, "user", "grant", "chef", "admin")
        lt.run(ws, "user", "add", "pers", "--unit", "Personalamt",
               "--group", "personalamt",
               "--clearance", "offen,intern,vertraulich")
        pub = lt.write(os.path.join(cls.dir, "pub", "urlaub.txt"),
                       "Urlaub\n\nUrlaub beantragen Sie im Personalportal "
                       "mindestens zwei Wochen vorher.\n")
        sec = lt.write(os.path.join(cls.dir, "sec", "akte.txt"),
                       "Akte\n\nDas " + SECRET + " gegen Herrn Beispiel "
                       "ruht. Urlaub ist davon nicht betroffen.\n")
        lt.run(ws, "ingest", "-q", "--class", "offen", pub)
        lt.run(ws, "ingest", "-q", "--class", "vertraulich", "--group",
               "personalamt", sec)
        cls.ids = {"secret": lt.db_scalar(
            ws, "SELECT id FROM documents WHERE source LIKE '%akte.txt'"),
            "public": lt.db_scalar(
            ws, "SELECT id FROM documents WHERE source LIKE '%urlaub.txt'")}
        # Easy-language versions: one of class vertraulich by pers (its
        # author, so pers cannot check it: four eyes), one published.
        cls.ids["easyver"] = easy_version(ws, cls.dir, "pers", "vertraulich")
        cls.ids["leicht"] = easy_version(ws, cls.dir, "sb", "intern")
        for sub in ("review", "publish"):
            lt.run(ws, "easy", "version", sub, "--user", "koord",
                   cls.ids["leicht"])
        model = os.path.join(cls.dir, "tiny.gguf")
        lt.run(ws, "model", "synth", "-o", model, "--arch", "qwen2",
               "--type", "Q8_0", "--shape", "tiny", "--chat-template",
               "chatml", "--n-ctx", str(CTX), "--name", "lotse-tiny")
        if "/api/login" in [p for p, _, _ in routes_from_source()]:
            for u in ("niemand", "sb"):
                p = subprocess.run(
                    [lt.BIN, "--workspace", ws, "user", "passwd", u],
                    input=PASSWORD + "\n", capture_output=True, text=True,
                    timeout=120)
                assert p.returncode == 0, p.stderr
        cls.srv = Server(ws, "authz", "--dev-tokens", "--model", model,
                         "--ctx", str(CTX), "--threads", "2")
        SESSIONS.clear()
        if "/api/login" in [p for p, _, _ in routes_from_source()]:
            for u in ("niemand", "sb"):
                r = cls.call_raw(ANON, "POST", "/api/login",
                                 {"user": u, "password": PASSWORD})
                assert r.status == 200, r.body
                cookie = r.header("Set-Cookie").split(";")[0]
                SESSIONS[u] = (cookie, r.json()["csrf"])
        # A draft of sb (through the gate), for the draft rows.
        r = cls.call_raw("sb", "POST", "/api/ask", ASK)
        assert r.status == 200, r.body
        cls.ids["draft"] = r.json()["draft_id"]

    @classmethod
    def tearDownClass(cls):
        if cls.srv is not None:
            rc, _ = cls.srv.stop()
            if rc != 0:
                raise AssertionError("server exited %d:\n%s" %
                                     (rc, cls.srv.stderr_text()))

    @classmethod
    def call_raw(cls, who, method, path, body=None):
        h = headers_for(who)
        data = None
        if isinstance(body, bytes):
            data = body
            h["Content-Type"] = "application/octet-stream"
        elif body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        return request(cls.srv, method, path.format(**cls.ids), h, data)

    def methods(self, path, prefix):
        """The methods the live server allows on the route (405 Allow)."""
        r = request(self.srv, "PUT", probe_path(path, prefix), {}, b"")
        self.assertEqual(r.status, 405, "PUT %s" % path)
        allow = [m.strip() for m in r.header("Allow").split(",")]
        return sorted(m for m in allow if m != "HEAD")

    def table(self):
        out = []
        for path, prefix, principal in routes_from_source():
            for m in self.methods(path, prefix):
                out.append((path, m, prefix, principal))
        return out

    def test_every_route_has_a_row(self):
        keys = {(p, m) for p, m, _, _ in self.table()}
        self.assertTrue(keys)
        self.assertEqual(sorted(keys - set(ROWS)), [],
                         "routes without a row in ROWS of test_authz.py")
        self.assertEqual(sorted(set(ROWS) - keys), [],
                         "rows for routes that do not exist (any more)")

    def test_rows(self):
        """Each row: refusals as documented, at least one refusal and one
        caller who gets through (public routes: only the latter)."""
        for (path, method), cases in sorted(ROWS.items()):
            ok = [c for c in cases if c[4] < 300]
            self.assertTrue(ok or (path, method) in ALLOWED_ELSEWHERE,
                            "%s %s: no allowed case" % (method, path))
            if path not in PUBLIC:
                self.assertTrue([c for c in cases if c[4] >= 400 or
                                 len(c) > 5],
                                "%s %s: no refused case" % (method, path))
            # Refusals first (each changes nothing), then the allowed calls.
            for case in sorted(cases, key=lambda c: c[4] < 300):
                with self.subTest(case=case[:3]):
                    self.run_case(case)

    def run_case(self, case):
        who, method, path, body, status = case[:5]
        before = stored_digest(self.ws) if status >= 400 else None
        r = self.call_raw(who, method, path, body)
        self.assertEqual(r.status, status, "%s %s as %s: %s" % (
            method, path, who, r.body[:300]))
        if status >= 400:
            err = r.json()["error"]
            if not path.startswith("/v1/"):  # /v1: OpenAI's code = reason
                self.assertEqual(err["code"], status)
            self.assertTrue(err["message"])
            self.assertEqual(stored_digest(self.ws), before,
                             "%s %s as %s changed stored data" %
                             (method, path, who))
        if status == 401:
            self.assertTrue(r.header("WWW-Authenticate"))
        if len(case) > 5:
            case[5](self, r)
        if method == "GET":  # GET implies HEAD: same decision, no body
            h = self.call_raw(who, "HEAD", path)
            self.assertEqual(h.status, status, "HEAD " + path)
            self.assertEqual(h.body, b"")

    def test_tokens_not_accepted_everywhere(self):
        """On every route that names its caller, another scheme and an
        unknown user are 401 before the handler runs (nothing stored);
        routes without a principal ignore the header."""
        for path, method, prefix, principal in self.table():
            case = [c for c in ROWS.get((path, method), []) if c[4] < 300]
            body = case[0][3] if case else {}
            target = case[0][2] if case else probe_path(path, prefix)
            for who in (BASIC, GHOST):
                with self.subTest(path=path, method=method, who=who):
                    before = stored_digest(self.ws)
                    r = self.call_raw(who, method, target,
                                      body if method == "POST" else None)
                    if principal:
                        self.assertEqual(r.status, 401, r.body[:200])
                        self.assertEqual(r.json()["error"]["type"],
                                         "unauthorized")
                        self.assertEqual(stored_digest(self.ws), before)
                    else:
                        self.assertNotIn(r.status, (401, 403), r.body[:200])


    def test_session_like_token(self):
        """A login session (cookie with its CSRF token) gets exactly the
        refusals a development token of the same user gets, on every row
        (and the reads it is allowed)."""
        if not SESSIONS:
            self.skipTest("no /api/login in the route table")
        for (path, method), cases in sorted(ROWS.items()):
            for case in cases:
                who, status = case[0], case[4]
                if who not in SESSIONS or not (status >= 400 or
                                               method == "GET"):
                    continue
                with self.subTest(path=case[2], who="s:" + who):
                    self.run_case(("s:" + who,) + tuple(case[1:]))

    def test_csrf_required_on_every_state_change(self):
        """With the session cookie but without (or with a wrong)
        X-CSRF-Token, every POST route that names its caller is 403 before
        it does anything."""
        if not SESSIONS:
            self.skipTest("no /api/login in the route table")
        cookie, csrf = SESSIONS["sb"]
        posts = [(p, pr) for p, m, _, pr in self.table() if m == "POST"]
        self.assertTrue(posts)
        for path, principal in posts:
            if not principal:
                continue  # /api/login: no caller to protect yet
            cases = [c for c in ROWS.get((path, "POST"), []) if c[4] < 300]
            target = cases[0][2] if cases else path
            body = cases[0][3] if cases else {}
            for token in (None, "0" * 64, csrf[:-1]):
                with self.subTest(path=target, token=token):
                    before = stored_digest(self.ws)
                    h = {"Cookie": cookie, "Content-Type":
                         "application/octet-stream"}
                    if token is not None:
                        h["X-CSRF-Token"] = token
                    data = body if isinstance(body, bytes) else \
                        json.dumps(body).encode()
                    r = request(self.srv, "POST",
                                target.format(**self.ids), h, data)
                    self.assertEqual(r.status, 403, r.body[:200])
                    self.assertIn("CSRF", r.json()["error"]["message"])
                    self.assertEqual(stored_digest(self.ws), before)


if __name__ == "__main__":
    unittest.main()

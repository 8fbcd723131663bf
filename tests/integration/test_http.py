#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
#
# tests/integration/test_http.py — black-box tests of the HTTP interface
# against the real `lotse serve` (docs/api/*.md, server/api/*.json).
#
# A workspace is built with the CLI: public documents (class offen), one
# confidential document of group "personalamt", and users with and without
# the rights to read it. Two servers run for the whole class: one as
# shipped (development tokens off) and one with --dev-tokens. Each test
# checks status, the JSON error shape and the security headers; the access
# tests check that a document the caller may not read is indistinguishable
# from a missing one. Servers are stopped with SIGTERM and must exit 0
# (under the sanitizer build that also means: no leaks, no errors).
#
# Environment: LOTSE_BIN (the binary), LOTSE_TEST_TMP (scratch directory).
# Python 3 standard library only.

import concurrent.futures
import http.client
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import unittest
import urllib.parse

LOTSE_BIN = os.environ.get("LOTSE_BIN", "lotse")
TMP_ROOT = os.environ.get("LOTSE_TEST_TMP", "/tmp/lotse-test")
SOURCE_DIR = os.environ.get("LOTSE_SOURCE_DIR", os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
START_TIMEOUT = 60  # seconds; the sanitizer build starts slowly
REQ_TIMEOUT = 30

SECRET_WORD = "Quastenflosserbeihilfe"
SECRET_TITLE = "Personalakte Beihilfeantrag"

PUBLIC_DOCS = {
    "hundesteuer.txt":
        "Hundesteuer im Landkreis\n\n"
        "Wer einen Hund hält, muss ihn bei der Gemeinde anmelden. Die "
        "Hundesteuer wird jährlich erhoben. Für Blindenhunde gilt eine "
        "Steuerbefreiung. Die Hundesteuermarke ist sichtbar zu tragen.\n",
    "muellabfuhr.txt":
        "Müllabfuhr und Abfallkalender\n\n"
        "Die Restmülltonne wird alle zwei Wochen geleert. Sperrmüll kann "
        "zweimal im Jahr kostenlos angemeldet werden. Der Abfallkalender "
        "steht im Bürgerportal bereit.\n",
    "kfz.txt":
        "Zulassung von Fahrzeugen\n\n"
        "Für die Zulassung eines Kraftfahrzeugs braucht man den "
        "Personalausweis, die Zulassungsbescheinigung und den Nachweis der "
        "Haftpflichtversicherung. Die Hundesteuer hat damit nichts zu tun.\n",
}

SECRET_DOC = (
    SECRET_TITLE + "\n\n"
    "Vertraulich. Der Antrag auf " + SECRET_WORD + " von Frau Beispiel "
    "wurde am 3. März geprüft. Die Personalakte bleibt im Personalamt.\n")


def run_cli(ws, *args, check=True):
    cmd = [LOTSE_BIN, "--workspace", ws] + list(args)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (
            " ".join(cmd), p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace")))
    return p


class Server:
    """One `lotse serve --port 0` process; stderr goes to a file."""

    def __init__(self, ws, name, *extra):
        self.errpath = os.path.join(ws, "..", "serve-%s.err" % name)
        self.errfile = open(self.errpath, "wb")
        self.proc = subprocess.Popen(
            [LOTSE_BIN, "--workspace", ws, "serve", "--port", "0"] +
            list(extra),
            stdout=subprocess.PIPE, stderr=self.errfile)
        self.stdout_rest = b""
        self.host, self.port = self._read_address()
        self._wait_ready()

    def _read_address(self):
        deadline = time.monotonic() + START_TIMEOUT
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.stop(force=True)
                raise RuntimeError("server did not start: %r %s" %
                                   (buf, self.stderr_text()))
            r, _, _ = select.select([fd], [], [], min(left, 0.5))
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    continue
                buf += chunk
        line, _, self.stdout_rest = buf.partition(b"\n")
        m = re.search(r"http://(\[[^\]]+\]|[^:/]+):(\d+)/",
                      line.decode("utf-8"))
        if not m:
            self.stop(force=True)
            raise RuntimeError("no address in %r" % line)
        return m.group(1).strip("[]"), int(m.group(2))

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                c = http.client.HTTPConnection(self.host, self.port,
                                               timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    return
                c.close()
            except OSError:
                pass
            time.sleep(0.1)
        self.stop(force=True)
        raise RuntimeError("server not ready: " + self.stderr_text())

    def stderr_text(self):
        try:
            with open(self.errpath, "rb") as f:
                return f.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self, force=False):
        """SIGTERM, wait; returns (exit code, rest of stdout)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if force else signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        self.errfile.close()
        return self.proc.returncode, self.stdout_rest + (out or b"")


class Reply:
    def __init__(self, resp):
        self.status = resp.status
        self.headers = resp.headers
        self.body = resp.read()

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name)


def request(srv, method, path, headers=None, body=None):
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=REQ_TIMEOUT)
    try:
        c.request(method, path, body=body, headers=headers or {})
        return Reply(c.getresponse())
    finally:
        c.close()


# ------------------------------------------------------- reply schemas
#
# Every JSON reply is checked against the endpoint's spec in server/api/
# (Redis-style reply schemas): a tiny validator for the JSON Schema subset
# the specs use.

SPEC_FOR_PATH = [("/api/search", "search"), ("/api/documents/", "documents"),
                 ("/healthz", "healthz"), ("/metrics", "metrics")]
_specs = {}


def spec_for(path):
    path = path.split("?", 1)[0]
    for prefix, name in SPEC_FOR_PATH:
        if path == prefix or (prefix.endswith("/") and
                              path.startswith(prefix)):
            break
    else:
        name = "healthz"  # unknown path: only the error shape applies
    if name not in _specs:
        with open(os.path.join(SOURCE_DIR, "server", "api", name + ".json"),
                  encoding="utf-8") as f:
            _specs[name] = json.load(f)
    return _specs[name]


def schema_errors(value, schema, root, where="$"):
    if "$ref" in schema:
        ref = schema["$ref"].split("/")[-1]
        return schema_errors(value, root["definitions"][ref], root, where)
    errs = []
    types = {"object": dict, "array": list, "string": str, "boolean": bool}
    t = schema.get("type")
    if t in types and not isinstance(value, types[t]):
        return ["%s: %r is not %s" % (where, value, t)]
    if t == "integer" and (isinstance(value, bool) or
                           not isinstance(value, int)):
        return ["%s: %r is not integer" % (where, value)]
    if t == "number" and (isinstance(value, bool) or
                          not isinstance(value, (int, float))):
        return ["%s: %r is not number" % (where, value)]
    if "const" in schema and value != schema["const"]:
        errs.append("%s: %r != %r" % (where, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        errs.append("%s: %r not in %r" % (where, value, schema["enum"]))
    if "minimum" in schema and value < schema["minimum"]:
        errs.append("%s: %r < %r" % (where, value, schema["minimum"]))
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errs.append("%s: %r does not match %s" % (where, value,
                                                   schema["pattern"]))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                errs.append("%s: missing %s" % (where, k))
        for k, v in value.items():
            if k in props:
                errs += schema_errors(v, props[k], root, where + "." + k)
            elif schema.get("additionalProperties") is False:
                errs.append("%s: unexpected %s" % (where, k))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errs += schema_errors(v, schema["items"], root,
                                  "%s[%d]" % (where, i))
    return errs


def check_reply_schema(test, path, status, body):
    spec = spec_for(path)
    reply = spec["reply_schema"].get(str(status))
    schema = reply["schema"] if reply else {"$ref": "#/definitions/error"}
    errs = schema_errors(body, schema, spec)
    test.assertEqual(errs, [], "%s %d does not match %s" % (
        path, status, spec["path"]))


def q(params):
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


class HttpTest(unittest.TestCase):
    ws = None
    pub = None   # server with development tokens off
    dev = None   # server with --dev-tokens

    @classmethod
    def setUpClass(cls):
        root = os.path.join(TMP_ROOT, "http-%d" % os.getpid())
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        cls.root = root
        cls.ws = os.path.join(root, "ws")
        pubdir = os.path.join(root, "oeffentlich")
        secdir = os.path.join(root, "geheim")
        os.makedirs(pubdir)
        os.makedirs(secdir)
        for name, text in PUBLIC_DOCS.items():
            with open(os.path.join(pubdir, name), "w", encoding="utf-8") as f:
                f.write(text)
        with open(os.path.join(secdir, "personalakte.txt"), "w",
                  encoding="utf-8") as f:
            f.write(SECRET_DOC)
        run_cli(cls.ws, "init", cls.ws)
        run_cli(cls.ws, "ingest", "-q", "--class", "offen", pubdir)
        run_cli(cls.ws, "ingest", "-q", "--group", "personalamt", "--class",
                "vertraulich", secdir)
        # berta may read it; otto lacks the group; ida lacks the clearance.
        run_cli(cls.ws, "user", "add", "--clearance",
                "offen,intern,vertraulich", "--group", "personalamt", "berta")
        run_cli(cls.ws, "user", "add", "--clearance",
                "offen,intern,vertraulich", "--group", "bauamt", "otto")
        run_cli(cls.ws, "user", "add", "--clearance", "offen,intern",
                "--group", "personalamt", "ida")
        db = sqlite3.connect(os.path.join(cls.ws, "lotse.db"))
        try:
            rows = db.execute("SELECT id, source FROM documents").fetchall()
        finally:
            db.close()
        cls.ndocs = len(rows)
        cls.secret_id = [i for i, s in rows if s.endswith("personalakte.txt")][0]
        cls.public_ids = [i for i, s in rows if "oeffentlich" in s]
        cls.missing_id = max(i for i, _ in rows) + 1000
        assert cls.ndocs == len(PUBLIC_DOCS) + 1, rows
        cls.pub = Server(cls.ws, "pub")
        try:
            cls.dev = Server(cls.ws, "dev", "--dev-tokens")
        except Exception:
            cls.pub.stop(force=True)
            raise

    @classmethod
    def tearDownClass(cls):
        problems = []
        for name in ("pub", "dev"):
            srv = getattr(cls, name)
            if srv is None:
                continue
            rc, out = srv.stop()
            if rc != 0:
                problems.append("%s server exited %d:\n%s" %
                                (name, rc, srv.stderr_text()))
            elif b"lotse beendet" not in out:
                problems.append("%s server: no goodbye line in %r" %
                                (name, out))
        if problems:
            raise AssertionError("\n".join(problems))
        shutil.rmtree(cls.root, ignore_errors=True)

    # ------------------------------------------------------------ helpers

    def assertSecurityHeaders(self, r):
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertEqual(r.header("Content-Security-Policy"),
                         "default-src 'none'")

    def assertJsonError(self, r, status, etype, path=None):
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.header("Content-Type"),
                         "application/json; charset=utf-8")
        self.assertSecurityHeaders(r)
        body = r.json()
        self.assertEqual(set(body), {"error"})
        err = body["error"]
        self.assertEqual(set(err), {"code", "message", "type"})
        self.assertEqual(err["code"], status)
        self.assertEqual(err["type"], etype)
        self.assertIsInstance(err["message"], str)
        self.assertGreater(len(err["message"]), 0)
        check_reply_schema(self, path or "/", status, body)
        return err

    def get_json(self, srv, path, headers=None, status=200):
        r = request(srv, "GET", path, headers)
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.header("Content-Type"),
                         "application/json; charset=utf-8")
        self.assertSecurityHeaders(r)
        body = r.json()
        check_reply_schema(self, path, status, body)
        return body

    def search(self, srv, query, headers=None, **params):
        params["q"] = query
        return self.get_json(srv, "/api/search?" + q(params), headers)

    @staticmethod
    def dev_token(user):
        return {"Authorization": "Bearer dev:" + user}

    # -------------------------------------------------------------- health

    def test_healthz(self):
        for srv in (self.pub, self.dev):
            self.assertEqual(self.get_json(srv, "/healthz"), {"status": "ok"})

    def test_head_has_no_body(self):
        r = request(self.pub, "HEAD", "/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")

    # -------------------------------------------------------------- search

    def test_search_public_anonymous(self):
        res = self.search(self.pub, "Hundesteuer")
        self.assertEqual(res["query"], "Hundesteuer")
        self.assertGreaterEqual(res["total"], 1)
        self.assertEqual(res["limit"], 10)
        self.assertEqual(res["offset"], 0)
        self.assertIsInstance(res["took_ms"], (int, float))
        self.assertGreaterEqual(len(res["hits"]), 1)
        hit = res["hits"][0]
        self.assertEqual(set(hit), {"doc_id", "chunk_id", "title", "source",
                                    "section", "page", "score", "snippet",
                                    "mime", "class"})
        self.assertIn(hit["doc_id"], self.public_ids)
        self.assertEqual(hit["class"], "offen")
        self.assertIsInstance(hit["score"], (int, float))
        self.assertIsInstance(hit["page"], int)
        self.assertIn("[", hit["snippet"])
        self.assertIn("]", hit["snippet"])
        self.assertTrue(hit["source"].endswith(".txt"))

    def test_search_umlaut_and_paging(self):
        res = self.search(self.pub, "Müllabfuhr")
        self.assertEqual(res["query"], "Müllabfuhr")
        self.assertGreaterEqual(res["total"], 1)
        both = self.search(self.pub, "Hundesteuer Zulassung")
        self.assertGreaterEqual(both["total"], 2)
        first = self.search(self.pub, "Hundesteuer Zulassung", limit=1)
        self.assertEqual(len(first["hits"]), 1)
        self.assertEqual(first["total"], both["total"])
        second = self.search(self.pub, "Hundesteuer Zulassung", limit=1,
                             offset=1)
        self.assertEqual(len(second["hits"]), 1)
        self.assertNotEqual(first["hits"][0]["doc_id"],
                            second["hits"][0]["doc_id"])
        beyond = self.search(self.pub, "Hundesteuer", offset=500)
        self.assertEqual(beyond["hits"], [])

    def test_search_stop_words_only_is_empty_not_error(self):
        res = self.search(self.pub, "und der die")
        self.assertEqual(res["total"], 0)
        self.assertEqual(res["hits"], [])

    def test_search_plus_minus_syntax(self):
        res = self.search(self.pub, "+Hundesteuer -Zulassung")
        ids = {h["doc_id"] for h in res["hits"]}
        self.assertGreaterEqual(len(ids), 1)
        for h in res["hits"]:
            self.assertNotIn("kfz", h["source"])

    def test_search_concurrent(self):
        # Several worker threads, each with its own store connection.
        def one(i):
            word = ["Hundesteuer", "Müllabfuhr", "Zulassung"][i % 3]
            r = request(self.pub, "GET", "/api/search?" + q({"q": word}))
            return r.status, r.json()["total"]
        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            results = list(ex.map(one, range(48)))
        for status, total in results:
            self.assertEqual(status, 200)
            self.assertGreaterEqual(total, 1)

    # ------------------------------------------------------ access control

    def test_secret_invisible_to_anonymous(self):
        for srv in (self.pub, self.dev):
            res = self.search(srv, SECRET_WORD)
            self.assertEqual(res["total"], 0)
            self.assertEqual(res["hits"], [])
            res = self.search(srv, "Beihilfeantrag")
            self.assertEqual(res["total"], 0)

    def test_secret_document_404_like_missing(self):
        for srv in (self.pub, self.dev):
            hidden = request(srv, "GET", "/api/documents/%d" % self.secret_id)
            missing = request(srv, "GET",
                              "/api/documents/%d" % self.missing_id)
            self.assertJsonError(hidden, 404, "not_found")
            self.assertEqual(hidden.status, missing.status)
            self.assertEqual(hidden.body, missing.body)
            self.assertEqual(hidden.header("Content-Type"),
                             missing.header("Content-Type"))
            self.assertNotIn(SECRET_WORD.encode(), hidden.body)

    def test_authorised_user_sees_secret(self):
        tok = self.dev_token("berta")
        res = self.search(self.dev, SECRET_WORD, tok)
        self.assertEqual(res["total"], 1)
        hit = res["hits"][0]
        self.assertEqual(hit["doc_id"], self.secret_id)
        self.assertEqual(hit["class"], "vertraulich")
        self.assertIn(SECRET_WORD, hit["snippet"])
        doc = self.get_json(self.dev, "/api/documents/%d" % self.secret_id,
                            tok)
        self.assertEqual(doc["id"], self.secret_id)
        self.assertEqual(doc["class"], "vertraulich")
        self.assertEqual(doc["groups"], ["personalamt"])
        self.assertEqual(doc["version"], 1)
        self.assertEqual(len(doc["versions"]), 1)
        self.assertEqual(doc["versions"][0]["version"], 1)
        self.assertEqual(doc["sha256"], doc["versions"][0]["sha256"])
        self.assertRegex(doc["sha256"], r"^[0-9a-f]{64}$")
        self.assertEqual(doc["size"], len(SECRET_DOC.encode("utf-8")))
        self.assertIsInstance(doc["metadata"], dict)
        self.assertTrue(doc["source"].endswith("personalakte.txt"))
        text = " ".join(c["text"] for c in doc["chunks"])
        self.assertIn(SECRET_WORD, text)
        for c in doc["chunks"]:
            self.assertEqual(set(c), {"id", "ord", "section", "page", "text"})
        # The same user still finds the public documents.
        self.assertGreaterEqual(self.search(self.dev, "Hundesteuer",
                                            tok)["total"], 1)

    def test_unauthorised_users_do_not_see_secret(self):
        missing = request(self.dev, "GET",
                          "/api/documents/%d" % self.missing_id)
        for user in ("otto", "ida"):
            tok = self.dev_token(user)
            res = self.search(self.dev, SECRET_WORD, tok)
            self.assertEqual((res["total"], res["hits"]), (0, []), user)
            r = request(self.dev, "GET", "/api/documents/%d" % self.secret_id,
                        tok)
            self.assertJsonError(r, 404, "not_found")
            self.assertEqual(r.body, missing.body)
            # A public document is readable with any valid token.
            self.get_json(self.dev, "/api/documents/%d" % self.public_ids[0],
                          tok)

    def test_dev_token_unknown_user_401(self):
        r = request(self.dev, "GET", "/api/search?q=Hundesteuer",
                    self.dev_token("niemand"))
        self.assertJsonError(r, 401, "unauthorized")
        self.assertEqual(r.header("WWW-Authenticate"), "Bearer")

    def test_dev_token_refused_when_disabled(self):
        for path in ("/api/search?" + q({"q": SECRET_WORD}),
                     "/api/documents/%d" % self.secret_id):
            r = request(self.pub, "GET", path, self.dev_token("berta"))
            err = self.assertJsonError(r, 401, "unauthorized")
            self.assertIn("Entwicklungs-Token", err["message"])
            self.assertNotIn(SECRET_WORD.encode(), r.body)

    def test_other_auth_scheme_401(self):
        r = request(self.dev, "GET", "/api/search?q=Hundesteuer",
                    {"Authorization": "Basic YmVydGE6Z2VoZWlt"})
        self.assertJsonError(r, 401, "unauthorized")

    # ------------------------------------------------------------ documents

    def test_public_document(self):
        doc_id = self.public_ids[0]
        doc = self.get_json(self.pub, "/api/documents/%d" % doc_id)
        self.assertEqual(doc["id"], doc_id)
        self.assertEqual(doc["class"], "offen")
        self.assertEqual(doc["groups"], [])
        for key in ("source", "title", "mime", "sha256", "size", "version",
                    "metadata", "versions", "chunks", "created_at",
                    "updated_at", "mtime"):
            self.assertIn(key, doc)
        self.assertGreaterEqual(len(doc["chunks"]), 1)

    # ------------------------------------------------------- bad requests

    def test_search_bad_parameters_400(self):
        cases = [
            "/api/search",
            "/api/search?q=",
            "/api/search?q=%20%20",
            "/api/search?q",
            "/api/search?q=Hundesteuer&limit=abc",
            "/api/search?q=Hundesteuer&limit=0",
            "/api/search?q=Hundesteuer&limit=101",
            "/api/search?q=Hundesteuer&limit=",
            "/api/search?q=Hundesteuer&limit=-1",
            "/api/search?q=Hundesteuer&offset=-1",
            "/api/search?q=Hundesteuer&offset=x",
            "/api/search?q=Hunde%00steuer",
            "/api/search?q=%FF%FE",
        ]
        for path in cases:
            with self.subTest(path=path):
                self.assertJsonError(request(self.pub, "GET", path), 400,
                                     "invalid_request")

    def test_search_unbalanced_quote_400(self):
        r = request(self.pub, "GET",
                    "/api/search?" + q({"q": '"Hundesteuer im'}))
        err = self.assertJsonError(r, 400, "invalid_request")
        self.assertIn("Anführungszeichen", err["message"])

    def test_search_odd_queries_do_not_fail(self):
        for query in ["(", ")", "AND", "NEAR(", "*", "-", "+", "a:b",
                      "^x", "\u00e4\u00f6\u00fc\u00df", "x" * 300,
                      "Hunde\u00adsteuer", "\U0001F600"]:
            with self.subTest(query=query):
                r = request(self.pub, "GET", "/api/search?" + q({"q": query}))
                self.assertIn(r.status, (200, 400), r.body)
                if r.status == 400:
                    self.assertJsonError(r, 400, "invalid_request")

    def test_document_bad_ids_400(self):
        for path in ("/api/documents/abc", "/api/documents/0",
                     "/api/documents/-1", "/api/documents/",
                     "/api/documents/1x", "/api/documents/1/chunks",
                     "/api/documents/99999999999999999999"):
            with self.subTest(path=path):
                self.assertJsonError(request(self.pub, "GET", path), 400,
                                     "invalid_request")

    def test_unknown_path_404(self):
        # "/" is the web application (route_static.c, test_web_static.py)
        for path in ("/web", "/api", "/api/nope", "/api/documents",
                     "/api/search/x", "/healthz/x", "/index.html"):
            with self.subTest(path=path):
                self.assertJsonError(request(self.pub, "GET", path), 404,
                                     "not_found")

    def test_wrong_method_405(self):
        for method, path in (("POST", "/api/search?q=x"),
                             ("PUT", "/api/documents/1"),
                             ("DELETE", "/api/documents/1"),
                             ("POST", "/healthz"), ("OPTIONS", "/metrics")):
            with self.subTest(method=method, path=path):
                r = request(self.pub, method, path)
                self.assertJsonError(r, 405, "method_not_allowed")
                self.assertEqual(r.header("Allow"), "GET, HEAD")

    def test_oversized_body_413(self):
        # Read and dropped by the server, then refused.
        r = request(self.pub, "POST", "/api/search?q=x",
                    {"Content-Type": "application/json"}, b"x" * 100000)
        self.assertJsonError(r, 413, "too_large")
        # A body on GET counts as well.
        r = request(self.pub, "GET", "/api/search?q=x", None, b"y" * 70000)
        self.assertJsonError(r, 413, "too_large")
        # A client that waits for "100 Continue" is refused at once.
        c = http.client.HTTPConnection(self.pub.host, self.pub.port,
                                       timeout=REQ_TIMEOUT)
        try:
            c.putrequest("POST", "/api/search?q=x")
            c.putheader("Content-Length", "100000000")
            c.putheader("Expect", "100-continue")
            c.endheaders()
            self.assertJsonError(Reply(c.getresponse()), 413, "too_large")
        finally:
            c.close()
        # A small body on a GET is dropped and the request answered.
        r = request(self.pub, "GET", "/api/search?q=Hundesteuer", None,
                    b"z" * 100)
        self.assertEqual(r.status, 200)

    def test_long_url_414(self):
        r = request(self.pub, "GET", "/api/search?q=" + "a" * 10000)
        self.assertJsonError(r, 414, "too_large")
        # Beyond the connection's memory MHD answers on its own (no JSON);
        # the server must survive that.
        try:
            r = request(self.pub, "GET", "/api/search?q=" + "b" * 200000)
            self.assertIn(r.status, (413, 414, 431))
        except (ConnectionError, http.client.HTTPException):
            pass
        self.assertEqual(self.get_json(self.pub, "/healthz"),
                         {"status": "ok"})

    def test_header_flood_refused(self):
        headers = {"X-Fill-%d" % i: "v" * 1000 for i in range(100)}
        try:
            r = request(self.pub, "GET", "/healthz", headers)
            self.assertIn(r.status, (413, 431))
        except (ConnectionError, http.client.HTTPException):
            pass
        self.assertEqual(self.get_json(self.pub, "/healthz"),
                         {"status": "ok"})

    # -------------------------------------------------------------- metrics

    @staticmethod
    def metric(text, name):
        m = re.search(r"^" + re.escape(name) + r" (\S+)$", text, re.M)
        return float(m.group(1)) if m else None

    def test_metrics(self):
        r = request(self.pub, "GET", "/metrics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"),
                         "text/plain; version=0.0.4; charset=utf-8")
        self.assertSecurityHeaders(r)
        text = r.body.decode("utf-8")
        self.assertEqual(self.metric(text, "lotse_documents"), self.ndocs)
        self.assertEqual(self.metric(
            text, 'lotse_documents_by_class{class="vertraulich"}'), 1)
        self.assertEqual(self.metric(
            text, 'lotse_documents_by_class{class="offen"}'),
            len(PUBLIC_DOCS))
        self.assertGreaterEqual(self.metric(text, "lotse_chunks"), self.ndocs)
        self.assertRegex(text, r'(?m)^lotse_build_info\{version="[^"]*",')
        self.assertIn("# TYPE lotse_http_requests_total counter", text)
        # Aggregates only: nothing from the documents themselves.
        self.assertNotIn(SECRET_WORD, text)
        self.assertNotIn("Personalakte", text)
        self.assertNotIn("personalamt", text)

        name = 'lotse_http_requests_total{route="search",status="200"}'
        before = self.metric(text, name) or 0
        bad = 'lotse_http_requests_total{route="search",status="400"}'
        before_bad = self.metric(text, bad) or 0
        hist = 'lotse_http_request_duration_seconds_count{route="search"}'
        before_hist = self.metric(text, hist) or 0
        self.search(self.pub, "Hundesteuer")
        self.search(self.pub, "Müllabfuhr")
        request(self.pub, "GET", "/api/search")
        text = request(self.pub, "GET", "/metrics").body.decode("utf-8")
        self.assertEqual(self.metric(text, name), before + 2)
        self.assertEqual(self.metric(text, bad), before_bad + 1)
        self.assertEqual(self.metric(text, hist), before_hist + 3)
        self.assertEqual(self.metric(
            text, 'lotse_http_request_duration_seconds_bucket{route="search",'
                  'le="+Inf"}'), before_hist + 3)

    # ---------------------------------------------------------- specs, docs

    def test_every_route_has_spec_and_page(self):
        # The route table in server/routes.c, the specs in server/api/ and
        # the pages in docs/api/ describe the same endpoints.
        with open(os.path.join(SOURCE_DIR, "server", "routes.c"),
                  encoding="utf-8") as f:
            table = re.findall(r'\{"(/[^"]*)", [01], ROUTE_ID_\w+,\s+"(\w+)",'
                               r'\s+(route_\w+)', f.read())
        self.assertGreaterEqual(len(table), 9, table)  # more come with gov/
        api = os.path.join(SOURCE_DIR, "server", "api")
        specs = {}
        for name in sorted(os.listdir(api)):
            with open(os.path.join(api, name), encoding="utf-8") as f:
                spec = json.load(f)
            for key in ("method", "path", "summary", "handler", "auth",
                        "request_schema", "reply_schema", "errors", "since"):
                self.assertIn(key, spec, name)
            specs[spec["handler"]] = (name, spec)
        for path, label, handler in table:
            self.assertIn(handler, specs, "no spec for " + handler)
            name, spec = specs[handler]
            self.assertEqual(spec["path"].split("{")[0], path, name)
            self.assertTrue({"200", "302"} & set(spec["reply_schema"]), name)
            page = os.path.join(SOURCE_DIR, "docs", "api",
                                name.replace(".json", ".md"))
            with open(page, encoding="utf-8") as f:
                first = f.readline().rstrip("\n")
            self.assertEqual(first, "### %s `%s`: %s" % (
                spec["method"], spec["path"], first.split(": ", 1)[1]))
        self.assertEqual(len(specs), len(table))

    # ------------------------------------------------------------- shutdown

    def test_sigterm_stops_cleanly(self):
        srv = Server(self.ws, "term")
        try:
            self.assertEqual(self.get_json(srv, "/healthz"), {"status": "ok"})
            self.search(srv, "Hundesteuer")
        finally:
            rc, out = srv.stop()
        self.assertEqual(rc, 0, srv.stderr_text())
        self.assertIn(b"lotse beendet", out)
        with self.assertRaises(OSError):
            c = http.client.HTTPConnection(srv.host, srv.port, timeout=2)
            try:
                c.request("GET", "/healthz")
                c.getresponse()
            finally:
                c.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)

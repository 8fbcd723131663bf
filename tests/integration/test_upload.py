# SPDX-License-Identifier: EUPL-1.2
"""POST /api/upload (server/route_upload.c): a file uploaded over HTTP is
stored like `lotse ingest` stores it and is then found by search; nobody can
store a document they could not read (class beyond clearance, foreign
group); bad requests store nothing; the upload limit is larger than the
other routes' request limit.
"""
import json
import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402
from test_http import Server, request, schema_errors  # noqa: E402

TEXT = ("Merkblatt Streuobstwiese\n\nDie Streuobstwiesenprämie wird "
        "jährlich im Frühjahr beim Umweltamt beantragt.\n")


def spec():
    with open(os.path.join(lt.SRC, "server", "api", "upload.json"),
              encoding="utf-8") as f:
        return json.load(f)


class UploadTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("upload")
        lt.run(cls.ws, "user", "add", "sb", "--unit", "Umweltamt",
               "--clearance", "offen,intern", "--group", "umwelt")
        lt.run(cls.ws, "user", "add", "fremd", "--unit", "Bauamt",
               "--clearance", "offen,intern", "--group", "bau")
        cls.srv = Server(cls.ws, "upload", "--dev-tokens")

    @classmethod
    def tearDownClass(cls):
        rc, _ = cls.srv.stop()
        assert rc == 0, cls.srv.stderr_text()

    def upload(self, body, user="sb", **params):
        hd = {"Content-Type": "application/octet-stream"}
        if user:
            hd["Authorization"] = "Bearer dev:" + user
        path = "/api/upload"
        if params:
            path += "?" + urllib.parse.urlencode(params)
        r = request(self.srv, "POST", path, hd, body)
        payload = r.json()
        sp = spec()
        reply = sp["reply_schema"].get(str(r.status))
        schema = reply["schema"] if reply else {"$ref": "#/definitions/error"}
        self.assertEqual(schema_errors(payload, schema, sp), [], payload)
        return r.status, payload

    def hits(self, word, user):
        r = request(self.srv, "GET",
                    "/api/search?q=" + urllib.parse.quote(word),
                    {"Authorization": "Bearer dev:" + user})
        self.assertEqual(r.status, 200)
        return r.json()["hits"]

    def test_upload_is_searchable_and_versioned(self):
        st, r = self.upload(TEXT.encode(), name="streuobst.txt")
        self.assertEqual(st, 201, r)
        self.assertEqual((r["status"], r["version"], r["class"], r["group"]),
                         ("new", 1, "intern", None))
        self.assertEqual(r["source"], "upload/sb/streuobst.txt")
        self.assertGreater(r["text_bytes"], 0)
        hits = self.hits("Streuobstwiesenprämie", "sb")
        self.assertEqual([h["doc_id"] for h in hits], [r["doc_id"]])
        # intern: the public does not see it
        r2 = request(self.srv, "GET", "/api/search?q=Streuobstwiesenpr%C3%A4mie")
        self.assertEqual(r2.json()["hits"], [])
        # the same bytes again change nothing; new bytes make version 2
        st, again = self.upload(TEXT.encode(), name="streuobst.txt")
        self.assertEqual((st, again["status"], again["doc_id"]),
                         (200, "unchanged", r["doc_id"]))
        st, v2 = self.upload((TEXT + "Neu: auch im Herbst.\n").encode(),
                             name="streuobst.txt")
        self.assertEqual((st, v2["status"], v2["version"]),
                         (200, "version", 2))
        self.assertEqual(lt.db_scalar(
            self.ws, "SELECT count(*) FROM documents WHERE source = "
            "'upload/sb/streuobst.txt'"), 1)

    def test_group_limits_readers(self):
        st, r = self.upload(b"Obstbaumschnittkurs im Umweltamt.\n",
                            name="kurs.md", group="umwelt")
        self.assertEqual(st, 201, r)
        self.assertEqual(r["group"], "umwelt")
        self.assertEqual(len(self.hits("Obstbaumschnittkurs", "sb")), 1)
        self.assertEqual(self.hits("Obstbaumschnittkurs", "fremd"), [])

    def test_refusals_store_nothing(self):
        before = lt.db_digest(self.ws)
        cases = [
            ({}, "sb", b"x", 400),                                # no name
            ({"name": ""}, "sb", b"x", 400),
            ({"name": "../x.txt"}, "sb", b"x", 400),
            ({"name": ".versteckt"}, "sb", b"x", 400),
            ({"name": "a.txt", "class": "geheim"}, "sb", b"x", 400),
            ({"name": "a.txt", "group": ""}, "sb", b"x", 400),
            ({"name": "a.txt"}, "sb", b"", 400),                  # empty
            ({"name": "a.txt"}, None, b"Text", 401),
            ({"name": "a.txt", "class": "vertraulich"}, "sb", b"T", 403),
            ({"name": "a.txt", "group": "bau"}, "sb", b"Text", 403),
            ({"name": "a.txt", "group": "neu"}, "sb", b"Text", 403),
            ({"name": "a.pdf"}, "sb", b"%PDF-1.4\nkaputt", 400),
        ]
        for params, user, body, want in cases:
            st, r = self.upload(body, user, **params)
            self.assertEqual(st, want, (params, user, r))
            self.assertTrue(r["error"]["message"])
        self.assertEqual(lt.db_digest(self.ws), before)

    def test_large_file_within_upload_limit(self):
        # Over the default request limit (64 KiB) of the other routes.
        para = "Abschnitt über Fernwärmeleitungen und Anschlusszwang.\n\n"
        body = (para * 3000).encode()
        self.assertGreater(len(body), 64 << 10)
        st, r = self.upload(body, name="fernwaerme.txt")
        self.assertEqual(st, 201, r)
        # … while the other routes keep theirs
        rr = request(self.srv, "POST", "/api/ask",
                     {"Authorization": "Bearer dev:sb",
                      "Content-Type": "application/json"},
                     json.dumps({"question": "x" * (100 << 10)}).encode())
        self.assertEqual(rr.status, 413)

    def test_over_upload_limit_413(self):
        body = b"a" * ((16 << 20) + 1)
        st, r = self.upload(body, name="gross.txt")
        self.assertEqual(st, 413, r)

    def test_get_not_allowed(self):
        r = request(self.srv, "GET", "/api/upload?name=a.txt",
                    {"Authorization": "Bearer dev:sb"})
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "POST")


if __name__ == "__main__":
    unittest.main(verbosity=2)

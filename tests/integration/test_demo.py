# SPDX-License-Identifier: EUPL-1.2
"""The demo corpus as staff would use it: every collection ingested with its
groups and class (demo/collections.tsv), every user (demo/users.tsv), and for
every query in demo/queries.tsv the expected document is the top hit for the
named user. Plus the negative checks of demo/README.md."""
import csv
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

DEMO = os.path.join(lt.SRC, "demo")


def tsv(name):
    with open(os.path.join(DEMO, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


class Demo(lt.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir, cls.ws = lt.init("demo")
        for u in tsv("users.tsv"):
            args = ["user", "add", u["name"], "--display", u["display name"],
                    "--unit", u["unit"], "--clearance", u["clearance"]]
            if u["groups"]:
                args += ["--group", u["groups"]]
            lt.run(cls.ws, *args)
        for c in tsv("collections.tsv"):
            args = ["ingest", "--class", c["class"]]
            if c["groups"]:
                args += ["--group", c["groups"]]
            p = lt.run(cls.ws, *(args + [os.path.join(DEMO, "docs",
                                                      c["collection"])]))
            assert " 0 fehlerhaft" in p.stdout, p.stdout + p.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_expected_top_hits(self):
        misses = []
        for q in tsv("queries.tsv"):
            hits = lt.search(self.ws, q["query"], user=q["user"] or None)
            want = os.path.join(DEMO, q["expected"])
            got = hits[0]["source"] if hits else "(none)"
            if got != want:
                misses.append("%s (%s): got %s" % (q["query"], q["user"], got))
        self.assertEqual(misses, [])

    def test_negative_checks(self):
        # The protected documents never show up for users without rights
        # (other documents may match parts of the words, e.g. "Fall").
        for user, query, secret in (
                ("mmustermann", "Korte-Lindner", "personal-akten/"),
                ("mmustermann", "Nordglanz", "it/"),
                ("mmustermann", "Ransomware", "it/"),
                ("mmustermann", "Fallaufgabe", "personal/"),
                ("itsec", "Höhergruppierung", "personal"),
                (None, "Urlaubsantrag", "allgemein/")):
            for h in lt.search(self.ws, query, user=user, limit=100):
                self.assertNotIn("/docs/" + secret, h["source"],
                                 (user, query))
        self.assertEqual(lt.search(self.ws, "Ransomware",
                                   user="mmustermann"), [])
        for marker in ("skriptmarker", "stilmarker", "kommentarmarker"):
            self.assertEqual(lt.search(self.ws, marker, user="admin"), [])
        names = [os.path.basename(h["source"]) for h in
                 lt.search(self.ws, "Stellenbesetzungsvermerk", user="prat")]
        self.assertNotIn("stellenbesetzungsvermerk-2026-007.docx", names)

    def test_every_format_is_searchable(self):
        p = lt.run(self.ws, "stats", "--json")
        self.assertIn('"documents":38', p.stdout.replace(" ", ""))
        self.assertEqual(lt.run(self.ws, "check").returncode, 0)


if __name__ == "__main__":
    unittest.main()

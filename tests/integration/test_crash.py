# SPDX-License-Identifier: EUPL-1.2
"""kill -9 during `lotse ingest`, then run it again: the database is intact,
no committed document is lost, nothing is stored twice."""
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

WORDS = ("Antrag Bescheid Gebühr Landkreis Verwaltung Kreistag Sitzung "
         "Beschluss Haushalt Satzung Bürger Dienststelle Ausschuss Vorlage "
         "Genehmigung Widerspruch Frist Zuständigkeit Verfahren Prüfung").split()
NFILES = 300


def committed(ws):
    try:
        con = sqlite3.connect("file:%s/lotse.db?mode=ro" % ws, uri=True,
                              timeout=5)
        n = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        con.close()
        return n
    except sqlite3.Error:
        return 0


class Crash(lt.TestCase):
    def setUp(self):
        self.dir, self.ws = lt.init("crash")
        self.docs = os.path.join(self.dir, "docs")
        rnd = random.Random(7)
        for i in range(NFILES):
            words = " ".join(rnd.choice(WORDS) for _ in range(3000))
            lt.write("%s/%03d/akte%03d.txt" % (self.docs, i // 50, i),
                     "Akte %d einzigartigeskennwort%d\n\n%s\n" % (i, i, words))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def kill_after(self, at_least):
        """Start an ingest and SIGKILL it once at_least documents are in."""
        p = subprocess.Popen([lt.BIN, "--workspace", self.ws, "ingest",
                              "--quiet", self.docs],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        deadline = time.time() + 300
        while committed(self.ws) < at_least and p.poll() is None:
            if time.time() > deadline:
                p.kill()
                self.fail("ingest made no progress")
            time.sleep(0.01)
        finished = p.poll() is not None
        if not finished:
            os.kill(p.pid, signal.SIGKILL)
        p.wait()
        return finished

    def test_kill9_then_rerun(self):
        finished = False
        seen = 0
        for target in (40, 120, 200):
            finished = self.kill_after(target)
            n = committed(self.ws)
            # What was committed before the kill is still there.
            self.assertGreaterEqual(n, seen)
            seen = n
            # SQLite and lotse's own invariants hold after each kill.
            p = lt.run(self.ws, "check", check=False)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            if finished:
                break
        self.assertFalse(finished, "ingest finished before it could be "
                         "killed; make the corpus larger")
        self.assertLess(seen, NFILES)
        p = lt.run(self.ws, "ingest", self.docs)
        self.assertIn("%d neu" % (NFILES - seen), p.stdout)
        self.assertIn("%d unverändert" % seen, p.stdout)
        self.assertEqual(lt.db_scalar(self.ws, "SELECT count(*) FROM documents"),
                         NFILES)
        self.assertEqual(lt.db_scalar(self.ws, "SELECT count(DISTINCT source) "
                                      "FROM documents"), NFILES)
        # Nobody got a second version out of the crash.
        self.assertEqual(lt.db_scalar(self.ws, "SELECT count(*) FROM "
                                      "doc_versions"), NFILES)
        self.assertEqual(lt.run(self.ws, "check").returncode, 0)
        lt.run(self.ws, "user", "add", "sb")
        for i in (0, seen - 1, seen, NFILES - 1):
            hits = lt.search(self.ws, "einzigartigeskennwort%d" % i, user="sb")
            self.assertEqual(len(hits), 1, i)
            self.assertTrue(hits[0]["source"].endswith("akte%03d.txt" % i))


if __name__ == "__main__":
    unittest.main()

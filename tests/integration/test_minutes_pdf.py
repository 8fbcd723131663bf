# SPDX-License-Identifier: EUPL-1.2
"""`lotse minutes render --format pdf`: the PDF read back with poppler-utils
(pdftotext, pdfinfo) has every field of the county layout, umlauts and ß
included, and "Seite X von Y"; 100 agenda items make more pages; --out
writes all or nothing (invalid minutes leave no file and an existing one
untouched); qpdf finds no syntax error and a tagged catalog naming the
language; a PDF goes to a pipe but never to a terminal; --out works for
md and html too and is refused for other subcommands."""
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

GOOD = {
    "meeting": "Dienstbesprechung Straßenverkehrsamt",
    "date": "2026-02-28",
    "place": "Raum 2.14, Große Straße 5",
    "attendees": ["A. Meier", "Ö. Weiß", "B. Yilmaz"],
    "items": [
        {"title": "Digitale Bauakte <script>x</script>",
         "statements": ["Frau Weiß berichtet über die Größe der Akten."],
         "decisions": ["Pilotbetrieb ab März"]},
        {"title": "Verschiedenes", "statements": [], "decisions": []},
    ],
    "tasks": [{"task": "Zeitplan für Übergänge erstellen",
               "owner": "B. Yilmaz", "due": "2026-03-15"}],
}

TOOLS = shutil.which("pdftotext") and shutil.which("pdfinfo")


def setUpModule():
    global D, WS
    D, WS = lt.init("minutes_pdf")


def put(name, doc):
    text = doc if isinstance(doc, str) else json.dumps(doc,
                                                       ensure_ascii=False)
    return lt.write(os.path.join(D, name), text)


def render_bytes(*args, stdout=subprocess.PIPE):
    """Run lotse with stdout as given; returns CompletedProcess (bytes)."""
    return subprocess.run([lt.BIN, "--workspace", WS] + list(args),
                          stdout=stdout, stderr=subprocess.PIPE,
                          timeout=300)


def text_of(path):
    p = subprocess.run(["pdftotext", "-layout", path, "-"],
                       capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", p.stdout)


def pages_of(path):
    p = subprocess.run(["pdfinfo", path], capture_output=True, text=True,
                       check=True)
    return int(re.search(r"^Pages:\s+(\d+)", p.stdout, re.M).group(1)), \
        p.stdout


def long_doc(n):
    doc = json.loads(json.dumps(GOOD))
    doc["items"] = [{"title": "Punkt %d: Übersicht" % i,
                     "statements": ["Beitrag %d: " % i + "Wort " * (i % 60)],
                     "decisions": ["Beschluss %d" % i] if i % 2 else []}
                    for i in range(1, n + 1)]
    return doc


def without_date(data):
    return re.sub(rb"/CreationDate \([^)]*\)", b"", data)


@unittest.skipUnless(TOOLS, "pdftotext/pdfinfo (poppler-utils) not "
                     "installed: PDF content not checked")
class MinutesPdf(unittest.TestCase):
    def test_every_field_and_page_footer(self):
        out = os.path.join(D, "g.pdf")
        lt.run(WS, "minutes", "render", "--format", "pdf", "--out", out,
               put("g.json", GOOD))
        n, info = pages_of(out)
        self.assertEqual(n, 1)
        self.assertIn("Niederschrift: Dienstbesprechung Straßenverkehrsamt",
                      info)
        self.assertRegex(info, r"Creator:\s+lotse")
        self.assertRegex(info, r"A4")
        t = text_of(out)
        for want in ("Niederschrift", "Sitzung", "Datum", "28.02.2026", "Ort",
                     "Raum 2.14, Große Straße 5", "Anwesend",
                     "A. Meier, Ö. Weiß, B. Yilmaz",
                     "TOP 1: Digitale Bauakte <script>x</script>",
                     "Wortbeiträge",
                     "Frau Weiß berichtet über die Größe der Akten.",
                     "Beschlüsse", "Pilotbetrieb ab März",
                     "TOP 2: Verschiedenes", "Keine Wortbeiträge.",
                     "Kein Beschluss.", "Aufgaben", "Nr.", "Aufgabe",
                     "Zuständig", "Frist", "Zeitplan für Übergänge erstellen",
                     "B. Yilmaz", "15.03.2026", "Seite 1 von 1"):
            self.assertIn(want, t)
        order = [t.index(s) for s in ("Niederschrift", "TOP 1", "TOP 2",
                                      "Aufgaben", "Seite 1 von 1")]
        self.assertEqual(order, sorted(order))

    def test_pages_grow_with_100_items(self):
        one, hundred = os.path.join(D, "1.pdf"), os.path.join(D, "100.pdf")
        lt.run(WS, "minutes", "render", "--format", "pdf", "--out", one,
               put("1.json", long_doc(1)))
        lt.run(WS, "minutes", "render", "--format", "pdf", "--out", hundred,
               put("100.json", long_doc(100)))
        n1, _ = pages_of(one)
        n100, _ = pages_of(hundred)
        self.assertEqual(n1, 1)
        self.assertGreater(n100, 3)
        t = text_of(hundred)
        for k in range(1, n100 + 1):
            self.assertIn("Seite %d von %d" % (k, n100), t)
        for i in range(1, 101):
            self.assertEqual(t.count("TOP %d: Punkt %d: Übersicht" % (i, i)),
                             1, i)

    @unittest.skipUnless(shutil.which("qpdf"), "qpdf not installed: PDF "
                         "syntax and language entry not checked")
    def test_syntax_and_language(self):
        out = os.path.join(D, "q.pdf")
        lt.run(WS, "minutes", "render", "--format", "pdf", "--out", out,
               put("q.json", long_doc(30)))
        p = subprocess.run(["qpdf", "--check", out], capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotIn("WARNING", p.stdout + p.stderr)
        trailer = subprocess.run(["qpdf", "--show-object=trailer", out],
                                 capture_output=True, text=True,
                                 check=True).stdout
        root = re.search(r"/Root (\d+) 0 R", trailer).group(1)
        cat = subprocess.run(["qpdf", "--show-object=" + root, out],
                             capture_output=True, text=True,
                             check=True).stdout
        self.assertIn("/Lang (de-DE)", cat)
        self.assertIn("/MarkInfo << /Marked true >>", cat)
        self.assertIn("/StructTreeRoot", cat)

    def test_pipe_gets_the_same_pdf(self):
        path = put("p.json", GOOD)
        out = os.path.join(D, "p.pdf")
        lt.run(WS, "minutes", "render", "--format", "pdf", "--out", out, path)
        p = render_bytes("minutes", "render", "--format", "pdf", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith(b"%PDF-"))
        with open(out, "rb") as f:
            self.assertEqual(without_date(p.stdout), without_date(f.read()))


class MinutesOut(unittest.TestCase):
    def test_never_to_a_terminal(self):
        master, slave = pty.openpty()
        try:
            p = render_bytes("minutes", "render", "--format", "pdf",
                             put("t.json", GOOD), stdout=slave)
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        try:
            written = os.read(master, 65536)
        except (BlockingIOError, OSError):
            written = b""
        os.close(master)
        self.assertEqual(p.returncode, 2)
        self.assertIn("nicht auf das Terminal", p.stderr.decode())
        self.assertNotIn(b"%PDF", written)

    def test_invalid_minutes_write_nothing(self):
        bad = json.loads(json.dumps(GOOD))
        bad["date"] = "2026-02-30"
        path = put("bad.json", bad)
        new = os.path.join(D, "neu.pdf")
        p = lt.run(WS, "minutes", "render", "--format", "pdf", "--out", new,
                   path, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("date:", p.stderr)
        self.assertFalse(os.path.exists(new))
        old = lt.write(os.path.join(D, "alt.pdf"), b"alt")
        p = lt.run(WS, "minutes", "render", "--format", "pdf", "--out", old,
                   path, check=False)
        self.assertEqual(p.returncode, 1)
        with open(old, "rb") as f:
            self.assertEqual(f.read(), b"alt")
        self.assertEqual(sorted(f for f in os.listdir(D)
                                if f.startswith("alt")), ["alt.pdf"])

    def test_unwritable_out(self):
        p = lt.run(WS, "minutes", "render", "--format", "pdf", "--out",
                   os.path.join(D, "fehlt", "x.pdf"), put("u.json", GOOD),
                   check=False)
        self.assertEqual(p.returncode, 1)
        self.assertFalse(os.path.exists(os.path.join(D, "fehlt")))

    def test_out_for_md_and_html(self):
        path = put("m.json", GOOD)
        for fmt in ("md", "html"):
            out = os.path.join(D, "m." + fmt)
            lt.run(WS, "minutes", "render", "--format", fmt, "--out", out,
                   path)
            want = lt.run(WS, "minutes", "render", "--format", fmt,
                          path).stdout
            with open(out, encoding="utf-8") as f:
                self.assertEqual(f.read(), want)

    def test_out_only_for_render(self):
        p = lt.run(WS, "minutes", "new", "--from-json", put("n.json", GOOD),
                   "--user", "anna", "--out", os.path.join(D, "n.pdf"),
                   check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--out gilt nur für render", p.stderr)


if __name__ == "__main__":
    unittest.main()

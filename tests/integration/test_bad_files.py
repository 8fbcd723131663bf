# SPDX-License-Identifier: EUPL-1.2
"""Malformed, empty, encrypted, oversized files and a zip bomb: each gets a
clear message naming the file, the batch goes on, and nothing of them is
stored (the database rows are byte-for-byte what they were)."""
import io
import os
import shutil
import subprocess
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

DOCX_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
              '.org/package/2006/content-types"><Override PartName="/word/'
              'document.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.document.main+xml"/></Types>')


def zip_bomb(path, unpacked_mb):
    """A DOCX whose document.xml unpacks to unpacked_mb MiB of text."""
    head = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
            '<w:t>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            block = b"A" * (1 << 20)
            for _ in range(unpacked_mb):
                f.write(block)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")


class BadFiles(lt.TestCase):
    def setUp(self):
        self.dir, self.ws = lt.init(self.id().split(".")[-1])
        # Small unpack limit so the bomb test stays quick.
        with open(os.path.join(self.ws, "lotse.conf"), "a") as f:
            f.write("\n[ingest]\nmax_unpacked_mb = 8\n")
        self.bad = os.path.join(self.dir, "bad")
        os.makedirs(self.bad)
        lt.write(self.dir + "/ok/vorher.txt", "Ein gültiges Dokument.\n")
        lt.run(self.ws, "ingest", self.dir + "/ok")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def make_bad_files(self):
        b = self.bad
        pdf = lt.minimal_pdf(["Vertrauliche Unterlage"])
        lt.write(b + "/abgeschnitten.pdf", pdf[: len(pdf) // 2])
        lt.write(b + "/muell.pdf", os.urandom(8192))
        lt.write(b + "/leer.txt", b"")
        lt.write(b + "/nur-leerraum.md", "  \n\n\t\n")
        lt.write(b + "/zufall.docx", b"PK\x03\x04" + os.urandom(4000))
        lt.write(b + "/alt.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" +
                 bytes(4096))
        lt.write(b + "/binaer.dat", bytes(range(256)) * 40)
        with zipfile.ZipFile(b + "/kaputt.docx", "w") as z:
            z.writestr("[Content_Types].xml", DOCX_TYPES)
            z.writestr("word/document.xml", "<w:document><w:body><w:p>"
                       "nicht geschlossen")
        zip_bomb(b + "/bombe.docx", 64)
        expected = ["abgeschnitten.pdf", "muell.pdf", "leer.txt",
                    "nur-leerraum.md", "zufall.docx", "alt.doc", "binaer.dat",
                    "kaputt.docx", "bombe.docx"]
        if shutil.which("qpdf"):
            lt.write(b + "/klar.pdf", pdf)
            subprocess.run(["qpdf", "--encrypt", "nutzer", "besitzer", "256",
                            "--", b + "/klar.pdf", b + "/verschluesselt.pdf"],
                           check=True)
            os.remove(b + "/klar.pdf")
            expected.append("verschluesselt.pdf")
        else:
            print("skipping encrypted PDF: qpdf not installed", file=sys.stderr)
        return expected

    def test_each_bad_file_reported_nothing_stored(self):
        expected = self.make_bad_files()
        before = lt.db_digest(self.ws)
        p = lt.run(self.ws, "ingest", self.bad, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("0 neu", p.stdout)
        self.assertIn("%d fehlerhaft" % len(expected), p.stdout)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), len(expected), p.stderr)
        for name in expected:
            line = [l for l in lines if "/" + name + ":" in l]
            self.assertEqual(len(line), 1, name)
            # A reason follows the file name.
            self.assertGreater(len(line[0].split(name + ":", 1)[1].strip()), 5)
        if "verschluesselt.pdf" in expected:
            enc = [l for l in lines if "verschluesselt.pdf" in l][0]
            self.assertIn("encrypt", enc.lower())
        bomb = [l for l in lines if "bombe.docx" in l][0]
        self.assertRegex(bomb.lower(), "limit|too large|zu gro")
        self.assertEqual(lt.db_digest(self.ws), before)
        self.assertEqual(lt.run(self.ws, "check").returncode, 0)

    def test_batch_goes_on(self):
        self.make_bad_files()
        lt.write(self.bad + "/zz-gut.txt", "Gültiger Text Zitronenfalter.\n")
        lt.write(self.bad + "/aa-gut.md", "# Gut\n\nAuch gültig Kohlweißling.\n")
        p = lt.run(self.ws, "ingest", self.bad, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("2 neu", p.stdout)
        lt.run(self.ws, "user", "add", "sb")
        self.assertEqual(len(lt.search(self.ws, "Zitronenfalter", user="sb")), 1)
        self.assertEqual(len(lt.search(self.ws, "Kohlweißling", user="sb")), 1)

    def test_oversized_file(self):
        lt.write(self.bad + "/gross.txt", "Wort " * (3 << 18))  # 3.75 MiB
        before = lt.db_digest(self.ws)
        p = lt.run(self.ws, "ingest", "--max-size", "1", self.bad, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("gross.txt", p.stderr)
        self.assertRegex(p.stderr, "limit")
        self.assertEqual(lt.db_digest(self.ws), before)

    def test_bad_workspace_input(self):
        # A corrupt lotse.conf is a clear error naming the line.
        with open(os.path.join(self.ws, "lotse.conf"), "a") as f:
            f.write("diese Zeile ist falsch\n")
        p = lt.run(self.ws, "stats", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("lotse.conf:", p.stderr)


if __name__ == "__main__":
    unittest.main()

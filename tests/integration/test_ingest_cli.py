# SPDX-License-Identifier: EUPL-1.2
"""`lotse init/ingest/search/doc/stats` end to end: formats, versions,
rights, bad files that change nothing, German analysis through the CLI."""
import json
import os
import pty
import shutil
import subprocess
import sys
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402


def docx(path, paragraphs):
    body = "".join(
        '<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % (
            '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' if h else "", t)
        for h, t in paragraphs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxml'
                   'formats.org/package/2006/content-types"><Default Extension'
                   '="xml" ContentType="application/xml"/><Override PartName='
                   '"/word/document.xml" ContentType="application/vnd.openxml'
                   'formats-officedocument.wordprocessingml.document.main+xml"'
                   '/></Types>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                   '"http://schemas.openxmlformats.org/wordprocessingml/2006/'
                   'main"><w:body>%s</w:body></w:document>' % body)


class IngestCli(lt.TestCase):
    def setUp(self):
        self.dir, self.ws = lt.init(self.id().split(".")[-1])
        self.docs = os.path.join(self.dir, "docs")
        os.makedirs(self.docs)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def corpus(self):
        d = self.docs
        lt.write(d + "/urlaub.md", "# Urlaub\n\nDer Antrag auf Urlaub ist "
                 "rechtzeitig zu stellen.\n\n## Resturlaub\n\nResturlaub "
                 "verfällt am 31. März.\n")
        lt.write(d + "/reise.txt", "Reisekosten werden gegen Quittung "
                 "erstattet. Herr Müller prüft.\n")
        lt.write(d + "/satzung.html", "<!DOCTYPE html><html><head><title>"
                 "Gebührensatzung</title><style>.geheimstil{}</style><script>"
                 "var skriptwort=1;</script></head><body><h1>§ 1 Gebühren"
                 "</h1><p>Die Benutzung der Kreisbibliothek ist gebührenfrei."
                 "</p></body></html>")
        lt.write(d + "/mail.eml", "From: a@kreis.example\nTo: b@kreis.example"
                 "\nSubject: =?UTF-8?Q?Dienstreise_n=C3=A4chste_Woche?=\nDate: "
                 "Mon, 2 Mar 2026 10:00:00 +0100\nMIME-Version: 1.0\nContent-"
                 "Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
                 "quoted-printable\n\nBitte den Dienstreiseantrag bis Freitag "
                 "einreichen, Gr=C3=BC=C3=9Fe\n")
        lt.write(d + "/scan.txt", lt.minimal_pdf(
            ["Dienstanweisung Aktenplan", "Registratur im Landratsamt"]))
        docx(d + "/vermerk.docx", [(1, "Vermerk"), (0, "Der Kreisausschuss "
                                   "tagt im Sitzungssaal.")])

    def test_formats_versions_and_unchanged(self):
        self.corpus()
        p = lt.run(self.ws, "ingest", self.docs)
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, p.stdout)  # one summary line, no tty
        self.assertIn("6 Dateien", lines[0])
        self.assertIn("6 neu", lines[0])
        stats = json.loads(lt.run(self.ws, "stats", "--json").stdout)
        self.assertEqual(stats["documents"], 6)
        # Content decides the type: a PDF named .txt is read as PDF.
        # Default class is intern: the anonymous public sees none of it.
        self.assertEqual(lt.search(self.ws, "Aktenplan"), [])
        lt.run(self.ws, "user", "add", "sb", "--clearance", "offen,intern")
        hits = lt.search(self.ws, "Aktenplan", user="sb")
        self.assertEqual(len(hits), 1)
        self.assertEqual(hits[0]["mime"], "application/pdf")
        self.assertEqual(hits[0]["page"], 1)
        self.assertTrue(hits[0]["source"].endswith("/scan.txt"))
        for key in ("doc_id", "title", "source", "section", "page", "score",
                    "snippet"):
            self.assertIn(key, hits[0])
        # HTML: script and style are not text.
        self.assertEqual(lt.search(self.ws, "skriptwort", user="sb"), [])
        self.assertEqual(lt.search(self.ws, "geheimstil", user="sb"), [])
        hit = lt.search(self.ws, "Kreisbibliothek", user="sb")[0]
        self.assertEqual(hit["title"], "Gebührensatzung")
        self.assertIn("1 Gebühren", hit["section"])
        # EML: decoded subject as title, quoted-printable body.
        hit = lt.search(self.ws, "Dienstreiseantrag", user="sb")[0]
        self.assertEqual(hit["title"], "Dienstreise nächste Woche")
        # DOCX heading becomes the section.
        hit = lt.search(self.ws, "Sitzungssaal", user="sb")[0]
        self.assertEqual(hit["section"], "Vermerk")
        # Second run: everything unchanged, nothing written.
        before = lt.db_digest(self.ws)
        p = lt.run(self.ws, "ingest", self.docs)
        self.assertIn("6 unverändert", p.stdout)
        self.assertEqual(lt.db_digest(self.ws), before)
        # A changed file becomes version 2; search sees only the new text.
        lt.write(self.docs + "/reise.txt", "Reisekosten: neue Regelung zur "
                 "Wegstreckenentschädigung.\n")
        p = lt.run(self.ws, "ingest", self.docs)
        self.assertIn("1 aktualisiert", p.stdout)
        self.assertEqual(len(lt.search(self.ws, "Wegstreckenentschädigung",
                                       user="sb")), 1)
        self.assertEqual(lt.search(self.ws, "Quittung", user="sb"), [])
        doc_id = lt.search(self.ws, "Wegstreckenentschädigung",
                           user="sb")[0]["doc_id"]
        doc = json.loads(lt.run(self.ws, "doc", "show", "--json", "--user",
                                "sb", doc_id).stdout)
        self.assertEqual(doc["version"], 2)
        self.assertEqual([v["version"] for v in doc["versions"]], [1, 2])
        self.assertIn("Wegstreckenentschädigung", doc["chunks"][0]["text"])
        self.assertEqual(lt.run(self.ws, "check").returncode, 0)

    def test_german_analysis_through_cli(self):
        self.corpus()
        lt.write(self.docs + "/antrag.txt", "Der Urlaubsantrag ist im Portal "
                 "auszufüllen.\n")
        lt.run(self.ws, "ingest", "--class", "offen", self.docs)
        titles = lambda q: sorted(os.path.basename(h["source"])
                                  for h in lt.search(self.ws, q))
        # Compound in the query finds the phrase, and the other way round.
        self.assertIn("urlaub.md", titles("Urlaubsantrag"))
        self.assertIn("antrag.txt", titles("Antrag auf Urlaub"))
        # The exact compound ranks first for the compound query.
        top = lt.search(self.ws, "Urlaubsantrag")[0]
        self.assertEqual(os.path.basename(top["source"]), "antrag.txt")
        # Umlaut spellings are equivalent.
        self.assertEqual(titles("Mueller"), ["reise.txt"])
        self.assertEqual(titles("MÜLLER"), ["reise.txt"])
        self.assertEqual(titles("gebuehrenfrei"), ["satzung.html"])
        # Phrase, prefix, required and excluded words.
        self.assertEqual(titles('"Antrag auf Urlaub"'), ["urlaub.md"])
        self.assertEqual(titles('"Urlaub auf Antrag"'), [])
        self.assertIn("reise.txt", titles("Reisekost*"))
        self.assertEqual(titles("+Resturlaub Portal"), ["urlaub.md"])
        self.assertNotIn("urlaub.md", titles("Urlaub -Resturlaub"))
        # Snippets mark the hit.
        hit = lt.search(self.ws, "Kreisbibliothek")[0]
        self.assertIn("[Kreisbibliothek]", hit["snippet"])
        # Stop words only: no hits, no error. Unbalanced quote: clear error.
        self.assertEqual(lt.search(self.ws, "der die das"), [])
        p = lt.run(self.ws, "search", '"offen', check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("Anführungszeichen", p.stderr)

    def test_rights(self):
        lt.write(self.docs + "/pa/beurteilung.txt", "Beurteilung Zaunkönig "
                 "für Frau Beispiel.\n")
        lt.write(self.docs + "/pub/info.txt", "Öffnungszeiten Zaunkönig "
                 "Bürgerbüro.\n")
        lt.run(self.ws, "ingest", "--group", "personalamt", "--class",
               "personenbezogen", self.docs + "/pa")
        lt.run(self.ws, "ingest", "--class", "offen", self.docs + "/pub")
        lt.run(self.ws, "user", "add", "pamt", "--clearance",
               "offen,intern,vertraulich,personenbezogen", "--group",
               "personalamt")
        lt.run(self.ws, "user", "add", "it", "--clearance",
               "offen,intern,vertraulich,personenbezogen", "--group", "it")
        lt.run(self.ws, "user", "add", "neu", "--clearance", "offen,intern",
               "--group", "personalamt")
        names = lambda u: sorted(os.path.basename(h["source"]) for h in
                                 lt.search(self.ws, "Zaunkönig", user=u))
        self.assertEqual(names(None), ["info.txt"])
        self.assertEqual(names("it"), ["info.txt"])     # wrong group
        self.assertEqual(names("neu"), ["info.txt"])    # right group, no class
        self.assertEqual(names("pamt"), ["beurteilung.txt", "info.txt"])
        # Counts leak nothing either (human output prints the total).
        p = lt.run(self.ws, "search", "--user", "it", "Beurteilung")
        self.assertIn("Keine Treffer", p.stdout)
        pid = lt.search(self.ws, "Beurteilung", user="pamt")[0]["doc_id"]
        for user in (None, "it", "neu"):
            args = ["doc", "show", pid] + (["--user", user] if user else [])
            p = lt.run(self.ws, *args, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("nicht gefunden", p.stderr)
            self.assertNotIn("Beurteilung", p.stdout + p.stderr)
        p = lt.run(self.ws, "doc", "show", "99999", check=False)
        self.assertIn("nicht gefunden", p.stderr)
        p = lt.run(self.ws, "search", "--user", "gibtsnicht", "x", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("unbekannter Benutzer", p.stderr)

    def test_progress_bar_on_terminal(self):
        self.corpus()
        master, slave = pty.openpty()
        p = subprocess.run([lt.BIN, "--workspace", self.ws, "ingest",
                            self.docs], stdout=subprocess.PIPE, stderr=slave,
                           text=True, timeout=300)
        os.close(slave)
        out = b""
        try:
            while True:
                chunk = os.read(master, 65536)
                if not chunk:
                    break
                out += chunk
        except OSError:
            pass
        os.close(master)
        self.assertEqual(p.returncode, 0)
        text = out.decode("utf-8", "replace")
        self.assertIn("\r", text)
        self.assertIn("6/6", text)
        self.assertIn("#" * 30, text)

    def test_analyze(self):
        p = lt.run(self.ws, "analyze", "Urlaubsanträge der Mueller-Straße")
        lines = p.stdout.splitlines()
        self.assertTrue(lines[0].startswith("urlaubsantrag "), lines)
        self.assertIn("+ urlaub", p.stdout)
        self.assertIn("+ antrag", p.stdout)
        self.assertNotIn("der ", p.stdout)  # stop word
        self.assertIn("mull", p.stdout)     # Mueller = Müller
        p = lt.run(self.ws, "analyze", "--query", "Urlaubsantrag -Resturlaub")
        self.assertIn('Suchausdruck: (("urlaubsantrag" OR ("urlaub" AND '
                      '"antrag")))', p.stdout)
        self.assertIn("Ausschluss:", p.stdout)

    def test_usage_errors(self):
        for args, msg in ((["ingest"], "keine Datei"),
                          (["ingest", "--class", "geheim", "x"], "Datenklasse"),
                          (["search"], "keine Suchanfrage"),
                          (["search", "--limit", "0", "x"], "Zahl"),
                          (["doc", "show", "abc"], "ID"),
                          (["frobnicate"], "unbekannter Befehl")):
            p = lt.run(self.ws, *args, check=False)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn(msg, p.stderr, args)
        p = lt.run(os.path.join(self.dir, "nirgends"), "stats", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("lotse init", p.stderr)
        p = lt.run(self.ws, "ingest", os.path.join(self.dir, "fehlt"),
                   check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("does not exist", p.stderr)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: EUPL-1.2
"""`lotse pii scan`: one JSON object per finding whose byte offsets cut the
exact value out of the input (umlauts before it included), check results
per type, the German table, stdin, and the exit codes (0 also with
findings, 1 unreadable file, 2 usage)."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lotsetest as lt  # noqa: E402

LETTER = (
    "Sehr geehrte Frau Müller-Lüdenscheidt,\n"
    "Ihre Steuer-ID 86 095 742 719 und die Steuernummer 181/815/08155 liegen "
    "vor. Überweisung an IBAN DE89 3704 0044 0532 0130 00, Rückfragen unter "
    "Tel. 0221 / 123 45-67 oder an erika.muster@kreis-musterhausen.de.\n"
    "Geb. 12.03.1980; RV-Nr. 15 070649 C 103; USt-IdNr. DE136695976; "
    "Ausweis T220001293. Die AU-Bescheinigung (Diagnose F32.1 G) folgt.\n"
    "Falsch abgeschrieben: IBAN DE89 3704 0044 0532 0130 01.\n")

EXPECTED = [
    ("tax_id", "86 095 742 719", True),
    ("tax_number", "181/815/08155", True),
    ("iban", "DE89 3704 0044 0532 0130 00", True),
    ("phone", "0221 / 123 45-67", None),
    ("email", "erika.muster@kreis-musterhausen.de", None),
    ("birth_date", "12.03.1980", None),
    ("social_security", "15 070649 C 103", True),
    ("vat_id", "DE136695976", True),
    ("id_card", "T220001293", True),
    ("health", "AU-Bescheinigung", None),
    ("health", "Diagnose", None),
    ("health", "F32.1 G", None),
    ("iban", "DE89 3704 0044 0532 0130 01", False),
]


def lotse(*args, stdin=None):
    return subprocess.run([lt.BIN] + [str(a) for a in args], input=stdin,
                          capture_output=True, timeout=120)


class PiiCli(lt.TestCase):
    def setUp(self):
        self.dir = lt.scratch(self.id().split(".")[-1])
        self.path = lt.write(os.path.join(self.dir, "brief.txt"),
                             LETTER.encode("utf-8"))

    def findings(self, *args, stdin=None):
        p = lotse("pii", "scan", "--json", *args, stdin=stdin)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [json.loads(l) for l in p.stdout.decode().splitlines()]

    def test_json_offsets_and_checks(self):
        data = LETTER.encode("utf-8")
        got = self.findings(self.path)
        self.assertEqual(
            [(f["type"], data[f["start"]:f["end"]].decode(), f["valid"])
             for f in got], EXPECTED)
        for f in got:
            self.assertEqual(f["class"], "personenbezogen")
            self.assertEqual(f["special_category"], f["type"] == "health")
            self.assertEqual(set(f), {"type", "label", "start", "end",
                                      "valid", "class", "special_category"})
        # The values themselves are not printed.
        out = lotse("pii", "scan", "--json", self.path).stdout.decode()
        self.assertNotIn("0532", out)
        self.assertNotIn("erika", out)

    def test_stdin_and_only_valid(self):
        got = self.findings("--only-valid", "-", stdin=LETTER.encode())
        self.assertEqual(len(got), len(EXPECTED) - 1)
        self.assertNotIn(False, [f["valid"] for f in got])

    def test_table(self):
        p = lotse("pii", "scan", self.path)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout.decode()
        self.assertIn("Steuer-Identifikationsnummer", out)
        self.assertIn("ungültig", out)
        self.assertIn("Art. 9 DSGVO", out)
        self.assertIn("%d Funde" % len(EXPECTED), out)
        self.assertNotIn("erika.muster", out)  # masked excerpt
        clean = lt.write(os.path.join(self.dir, "leer.txt"),
                         "Die Sitzung am 12.03.2024 beginnt um 10 Uhr.\n")
        p = lotse("pii", "scan", clean)
        self.assertEqual(p.returncode, 0)
        self.assertIn("Keine personenbezogenen Daten", p.stdout.decode())
        self.assertEqual(lotse("pii", "scan", "--json", clean).stdout, b"")

    def test_exit_codes(self):
        self.assertEqual(lotse("pii").returncode, 2)
        self.assertEqual(lotse("pii", "check", self.path).returncode, 2)
        self.assertEqual(lotse("pii", "scan").returncode, 2)
        self.assertEqual(lotse("pii", "scan", self.path, self.path).returncode,
                         2)
        self.assertEqual(lotse("pii", "scan", "--bogus", self.path).returncode,
                         2)
        p = lotse("pii", "scan", os.path.join(self.dir, "fehlt.txt"))
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"fehlt.txt", p.stderr)
        self.assertEqual(p.stdout, b"")


if __name__ == "__main__":
    unittest.main()

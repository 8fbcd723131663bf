#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
#
# demo/tools/make-eml.py - writes the e-mail files (.eml) of the demo corpus.
#
# The bodies live in this script because the files themselves hold them
# quoted-printable or base64 encoded. Each message exercises something an
# e-mail extractor must handle:
#   - multipart/alternative with quoted-printable UTF-8 text and HTML parts
#     and an RFC 2047 Q-encoded Subject (Personalversammlung)
#   - plain 7-bit ASCII with transliterated umlauts ("Gebuehren"), a quoted
#     reply and LF line endings (Fahrradleasing)
#   - a base64 UTF-8 body and a B-encoded Subject (Phishing-Warnung)
#   - multipart/mixed with a base64 text attachment whose file name is
#     RFC 2231 encoded (Einladung Kreistag)
#   - an 8-bit UTF-8 body (IT-Sicherheitsvorfall)
#   - quoted-printable multipart/alternative with personal data (Personalrat)
# All files but the Fahrradleasing one use CRLF line endings (RFC 5322).
# Output is deterministic. Standard library only.
#
# Usage: python3 demo/tools/make-eml.py

import base64
import os
from email import quoprimime
from email.header import Header

DEMO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOMAIN = "lk-musterhausen.example"


def qp(text):
    """Quoted-printable encoding of UTF-8 text, lines <= 76 characters."""
    latin = text.encode("utf-8").decode("latin-1")
    return quoprimime.body_encode(latin, maxlinelen=76, eol="\n")


def b64(data):
    s = base64.b64encode(data).decode("ascii")
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def subject_q(text):
    """A complete Subject header, RFC 2047 Q-encoded and folded."""
    return "Subject: " + Header(text, "utf-8", header_name="Subject").encode(linesep="\n")


def subject_b(text):
    enc = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"=?utf-8?B?{enc}?="


def write(rel, text, crlf=True):
    path = os.path.join(DEMO, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.replace("\r\n", "\n")
    if crlf:
        data = data.replace("\n", "\r\n")
    with open(path, "wb") as f:
        f.write(data.encode("utf-8"))
    print(f"{rel}: {len(data.encode('utf-8'))} bytes")


# ------------------------------------------------------------ 1 Personalversammlung

PV_TEXT = """\
Liebe Kolleginnen und Kollegen,

der Personalrat lädt Sie herzlich zur diesjährigen Personalversammlung ein:

Mittwoch, 18. März 2026, 9:00 bis etwa 12:30 Uhr
Großer Sitzungssaal des Kreishauses, Am Schlossplatz 1
(Übertragung per Video in die Außenstellen Oldenhöven und Wiesmoor)

Tagesordnung:
1. Tätigkeitsbericht des Personalrats
2. Bericht des Landrats zur Lage der Verwaltung
3. Ergebnisse der Beschäftigtenbefragung 2025
4. Mobiles Arbeiten: Erfahrungen mit der Dienstvereinbarung nach einem Jahr
5. KI-Assistent für die Wissenssuche: Stand des Pilotbetriebs
6. Bericht der Schwerbehindertenvertretung und der Jugend- und Auszubildendenvertretung
7. Fragen und Aussprache

Die Teilnahme an der Personalversammlung gilt als Arbeitszeit. Bitte buchen
Sie die Zeit im Zeiterfassungssystem als „Dienstgang“. Fahrtkosten aus den
Außenstellen werden nach den Regeln für Dienstreisen erstattet.

Damit der Publikumsverkehr weiterlaufen kann, stimmen sich die Teams der
Zulassungsstelle, der Führerscheinstelle und des Bürgerservice bitte
untereinander über eine Notbesetzung ab.

Fragen und Themenwünsche können Sie vorab – gern auch anonym – über den
Briefkasten vor Zimmer 3.02 oder per E-Mail an personalrat@lk-musterhausen.example
einreichen.

Mit freundlichen Grüßen
Carola Winterfeld
Vorsitzende des Personalrats der Kreisverwaltung Musterhausen
Telefon Durchwahl 1300
"""

PV_HTML = """\
<html><head><meta charset="utf-8"></head><body>
<p>Liebe Kolleginnen und Kollegen,</p>
<p>der Personalrat lädt Sie herzlich zur diesjährigen <b>Personalversammlung</b> ein:</p>
<p><b>Mittwoch, 18. März 2026, 9:00 bis etwa 12:30 Uhr</b><br>
Großer Sitzungssaal des Kreishauses, Am Schlossplatz 1<br>
(Übertragung per Video in die Außenstellen Oldenhöven und Wiesmoor)</p>
<p>Tagesordnung:</p>
<ol>
<li>Tätigkeitsbericht des Personalrats</li>
<li>Bericht des Landrats zur Lage der Verwaltung</li>
<li>Ergebnisse der Beschäftigtenbefragung 2025</li>
<li>Mobiles Arbeiten: Erfahrungen mit der Dienstvereinbarung nach einem Jahr</li>
<li>KI-Assistent für die Wissenssuche: Stand des Pilotbetriebs</li>
<li>Bericht der Schwerbehindertenvertretung und der Jugend- und Auszubildendenvertretung</li>
<li>Fragen und Aussprache</li>
</ol>
<p>Die Teilnahme an der Personalversammlung gilt als Arbeitszeit. Bitte buchen Sie die Zeit im
Zeiterfassungssystem als „Dienstgang“. Fahrtkosten aus den Außenstellen werden nach den Regeln
für Dienstreisen erstattet.</p>
<p>Damit der Publikumsverkehr weiterlaufen kann, stimmen sich die Teams der Zulassungsstelle,
der Führerscheinstelle und des Bürgerservice bitte untereinander über eine Notbesetzung ab.</p>
<p>Fragen und Themenwünsche können Sie vorab – gern auch anonym – über den Briefkasten vor
Zimmer 3.02 oder per E-Mail an personalrat@lk-musterhausen.example einreichen.</p>
<p>Mit freundlichen Grüßen<br>Carola Winterfeld<br>Vorsitzende des Personalrats der
Kreisverwaltung Musterhausen<br>Telefon Durchwahl 1300</p>
</body></html>
"""


def mail_personalversammlung():
    bnd = "----=_Part_20260216_0915_alt"
    return f"""\
Return-Path: <personalrat@{DOMAIN}>
Message-ID: <20260216091500.4c1e@{DOMAIN}>
Date: Mon, 16 Feb 2026 09:15:00 +0100
From: Personalrat Kreisverwaltung <personalrat@{DOMAIN}>
To: Alle Beschaeftigten <alle-beschaeftigten@{DOMAIN}>
{subject_q("Einladung zur Personalversammlung am 18. März 2026")}
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="{bnd}"

This is a multi-part message in MIME format.

--{bnd}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp(PV_TEXT)}
--{bnd}
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp(PV_HTML)}
--{bnd}--
"""


# ------------------------------------------------------------ 2 Fahrradleasing (ASCII)

def mail_fahrradleasing():
    return f"""\
Message-ID: <a81f2c9e-77d0-4b1a-9a4e-3f0e6c1d2b55@{DOMAIN}>
Date: Thu, 22 Jan 2026 14:02:37 +0100
From: Malte Saathoff <m.saathoff@{DOMAIN}>
To: Katharina Mueller-Thiel <k.mueller-thiel@{DOMAIN}>
Cc: Personalamt Entgelt <entgelt@{DOMAIN}>
Subject: Re: Rueckfrage Fahrradleasing - Gebuehren und Versicherung
In-Reply-To: <5d2e1a40-1f3b-4c3e-8d52-0b6c9c2f1e10@{DOMAIN}>
References: <5d2e1a40-1f3b-4c3e-8d52-0b6c9c2f1e10@{DOMAIN}>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

Hallo Frau Mueller-Thiel,

vielen Dank fuer Ihre Nachfrage zum Fahrradleasing ueber die
Entgeltumwandlung. Zu Ihren Punkten:

1. Gebuehren: Fuer Sie fallen keine zusaetzlichen Gebuehren an. Die
Leasingrate, die Versicherung und das Servicepaket werden monatlich aus
Ihrem Bruttoentgelt umgewandelt. Eine einmalige Bearbeitungsgebuehr des
Leasinganbieters uebernimmt der Landkreis.

2. Zuschuss: Der Landkreis zahlt einen Zuschuss von 15 Prozent der
Leasingrate, weil er Sozialversicherungsbeitraege spart.

3. Versicherung: Die Vollkaskoversicherung ist in der Rate enthalten und
deckt Diebstahl, Unfallschaeden und Verschleiss am Akku ab. Bei einem
Schaden melden Sie sich direkt beim Leasinganbieter.

4. Dienstliche Nutzung: Das Leasingrad duerfen Sie auch fuer Dienstgaenge
nutzen. Eine Wegstreckenentschaedigung gibt es dafuer allerdings nur,
wenn Ihre Fuehrungskraft die Fahrt vorher genehmigt hat.

5. Elternzeit und Krankheit: Waehrend der Elternzeit oder nach dem Ende
der Entgeltfortzahlung laeuft die Umwandlung nicht weiter. Sie koennen
das Rad dann zurueckgeben oder die Raten privat weiterzahlen.

Das Antragsformular und die Rahmenbedingungen finden Sie im Intranet
unter "Personal & Service > Fahrradleasing". Die Bestellung laeuft ueber
das Portal des Anbieters; die Freigabe erteilt das Personalamt innerhalb
von fuenf Arbeitstagen.

Viele Gruesse
Malte Saathoff
Personalamt, Team Urlaub und Arbeitszeit
Landkreis Musterhausen, Am Schlossplatz 1, 12345 Musterhausen
Tel. (01234) 567-1125

Am 21.01.2026 um 16:48 schrieb Katharina Mueller-Thiel:
> Hallo Herr Saathoff,
>
> ich interessiere mich fuer ein Dienstrad ueber das Fahrradleasing.
> Welche Gebuehren kommen auf mich zu, und ist das Rad versichert?
> Darf ich es auch fuer Dienstgaenge nehmen?
>
> Danke und Gruesse
> Katharina Mueller-Thiel
> Kreisjugendpflege
"""


# ------------------------------------------------------------ 3 Phishing (base64)

PHISH_TEXT = """\
WARNUNG: Gefälschte E-Mails im Namen der „Kreiskasse“ im Umlauf

Liebe Kolleginnen und Kollegen,

seit heute Morgen erhalten mehrere Postfächer der Kreisverwaltung E-Mails
mit dem Betreff „Offene Rechnung – Zahlungserinnerung Kreiskasse“. Die
Nachrichten stammen nicht von der Kreiskasse. Sie enthalten einen Link zu
einer gefälschten Anmeldeseite, die wie unser Webmail aussieht, und fragen
dort Benutzername und Passwort ab.

Woran Sie die Phishing-Mail erkennen:
- Absenderadresse endet nicht auf @lk-musterhausen.example
- Anrede „Sehr geehrter Kunde“
- Drohung mit Mahngebühren innerhalb von 24 Stunden
- Link führt auf eine Adresse mit „kreiskasse-login“ im Namen

Was Sie tun sollen:
- Klicken Sie nicht auf den Link und öffnen Sie keinen Anhang.
- Leiten Sie die E-Mail als Anlage an sicherheit@lk-musterhausen.example
  weiter und löschen Sie sie danach.
- Haben Sie Ihre Zugangsdaten bereits eingegeben, ändern Sie sofort Ihr
  Passwort und rufen Sie den IT-Service an (Durchwahl 4444).

Wir haben die Absenderadressen und die Zieladresse inzwischen gesperrt.
Es ist aber möglich, dass weitere Varianten folgen.

Vielen Dank für Ihre Aufmerksamkeit!

Jonas Petersen
Informationssicherheitsbeauftragter
Landkreis Musterhausen
"""


def mail_phishing():
    return f"""\
Message-ID: <isb-warnung-2026-02-05@{DOMAIN}>
Date: Thu, 05 Feb 2026 10:41:12 +0100
From: Informationssicherheit <sicherheit@{DOMAIN}>
To: Alle Beschaeftigten <alle-beschaeftigten@{DOMAIN}>
Subject: {subject_b("WARNUNG: Gefälschte Zahlungserinnerungen der „Kreiskasse“")}
Importance: high
X-Priority: 1
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{b64(PHISH_TEXT.replace(chr(10), chr(13) + chr(10)).encode("utf-8"))}
"""


# ------------------------------------------------------------ 4 Einladung Kreistag

KT_TEXT = """\
Sehr geehrte Damen und Herren Kreistagsabgeordnete,

hiermit lade ich Sie zur 22. Sitzung des Kreistags des Landkreises
Musterhausen ein:

Donnerstag, 19. März 2026, 15:00 Uhr
Großer Sitzungssaal des Kreishauses, Am Schlossplatz 1, 12345 Musterhausen

Die Tagesordnung ist als Anlage beigefügt. Die Vorlagen stehen ab heute im
Ratsinformationssystem zum Abruf bereit. Die Sitzung ist öffentlich; der
nichtöffentliche Teil schließt sich an. Bürgerinnen und Bürger können zu
Beginn der Sitzung in der Einwohnerfragestunde Fragen stellen.

Bitte teilen Sie dem Kreistagsbüro bis zum 16. März 2026 mit, falls Sie
verhindert sind, damit Ihre Vertretung benachrichtigt werden kann.

Die Sitzung wird erstmals als Livestream auf der Internetseite des
Landkreises übertragen. Abgeordnete, die nicht im Bild erscheinen möchten,
melden dies bitte ebenfalls bis zum 16. März; ihre Redebeiträge werden dann
nur als Ton übertragen. Die Aufzeichnung wird nicht gespeichert.

Die Fraktionssitzungen finden wie gewohnt am Montag vor der Sitzung statt;
die Räume 1.10 und 1.12 sind dafür reserviert. Das Sitzungsgeld und die
Fahrtkosten werden mit der Aprilabrechnung ausgezahlt.

Mit freundlichen Grüßen
Werner Köhnke
Kreistagsvorsitzender

i. A. Sandra Meinecke, Kreistagsbüro, Telefon (01234) 567-1020
"""

KT_ATTACHMENT = """\
Tagesordnung der 22. Sitzung des Kreistags am 19. März 2026

Öffentlicher Teil
1. Eröffnung, Feststellung der Beschlussfähigkeit und der Tagesordnung
2. Genehmigung der Niederschrift über die 21. Sitzung vom 11.12.2025
3. Einwohnerfragestunde
4. Verordnung über das Landschaftsschutzgebiet „Hammeniederung“ (Vorlage 2026/009)
5. Einführung der Biotonne in allen Gemeinden ab 2027 (Vorlage 2026/011)
6. Klimaschutzkonzept 2030: Zwischenbericht (Vorlage 2026/014)
7. Schulsozialarbeit an allen Kreisschulen (Vorlage 2025/190, Beschlussempfehlung des Schulausschusses)
8. Anfragen und Mitteilungen

Nichtöffentlicher Teil
9. Grundstücksangelegenheiten
10. Personalangelegenheiten
"""


def mail_einladung_kreistag():
    bnd = "=_kt22_b7f3a9"
    return f"""\
Message-ID: <kt-22-einladung@{DOMAIN}>
Date: Mon, 02 Mar 2026 08:30:00 +0100
From: Kreistagsbuero Musterhausen <kreistag@{DOMAIN}>
To: Kreistag Verteiler <kreistag-mitglieder@{DOMAIN}>
{subject_q("Einladung zur 22. Sitzung des Kreistags am 19.03.2026 – öffentlich")}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="{bnd}"

--{bnd}
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{qp(KT_TEXT)}
--{bnd}
Content-Type: text/plain; charset=utf-8; name="Tagesordnung_22_Sitzung.txt"
Content-Disposition: attachment; filename*=utf-8''Tagesordnung%2022.%20Sitzung%20Kreistag%20M%C3%A4rz%202026.txt
Content-Transfer-Encoding: base64

{b64(KT_ATTACHMENT.replace(chr(10), chr(13) + chr(10)).encode("utf-8"))}
--{bnd}--
"""


# ------------------------------------------------------------ 5 Sicherheitsvorfall (8bit)

def mail_sicherheitsvorfall():
    return f"""\
Message-ID: <sv-2026-014-zb1@{DOMAIN}>
Date: Tue, 10 Feb 2026 17:55:03 +0100
From: Jonas Petersen <j.petersen@{DOMAIN}>
To: IT-Sicherheitsteam <it-sicherheit@{DOMAIN}>
Cc: Leitung Hauptamt <hauptamt-leitung@{DOMAIN}>, Datenschutz <datenschutz@{DOMAIN}>
Subject: =?utf-8?Q?VERTRAULICH:_Sicherheitsvorfall_SV-2026-014_=E2=80=93_Zwischenbericht?=
Sensitivity: company-confidential
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

VERTRAULICH – nur für das IT-Sicherheitsteam und die Verteilerliste.

Zwischenbericht zum Sicherheitsvorfall SV-2026-014 (Stufe 3 – hoch)
Stand: 10.02.2026, 17:30 Uhr

1. Sachverhalt
Am 05.02.2026 ging die Phishing-Welle „Zahlungserinnerung Kreiskasse“ ein
(siehe Warnmeldung an alle Beschäftigten). Nach Auswertung der Proxy-
Protokolle haben vier Beschäftigte die gefälschte Anmeldeseite aufgerufen;
zwei haben Zugangsdaten eingegeben (Konten aus dem Amt für Soziales und
der Kfz-Zulassungsstelle). Mit einem der beiden Konten gab es am
06.02.2026 um 02:14 Uhr eine Webmail-Anmeldung von einer ausländischen
IP-Adresse. Die Zwei-Faktor-Anmeldung hat den Zugriff blockiert.

2. Ergriffene Maßnahmen
- Beide Konten am 05.02. um 13:20 Uhr gesperrt, Passwörter zurückgesetzt,
  alle Sitzungen beendet.
- Absenderdomänen und Phishing-Domain an Mail-Gateway und Proxy gesperrt.
- Suche nach Weiterleitungsregeln in den betroffenen Postfächern: keine
  gefunden.
- Prüfung der Anmeldeprotokolle aller Konten auf Zugriffe aus dem Ausland
  seit 01.02.: ein weiterer Treffer, geklärt (Dienstreise Brüssel).

3. Bewertung
Nach derzeitigem Stand kein Datenabfluss. Die Datenschutzbeauftragte hat
geprüft, dass keine Meldung nach Art. 33 DSGVO erforderlich ist; die
Entscheidung ist dokumentiert. Die Einstufung wird auf Stufe 2
herabgesetzt, sobald die Auswertung des Mail-Gateways für den
Zeitraum 05.–09.02. abgeschlossen ist.

4. Offene Punkte
- Auswertung Mail-Gateway (verantwortlich: T. Gerdes, bis 12.02.)
- Gezielte Nachschulung der vier betroffenen Beschäftigten (Personal-
  entwicklung, bis Ende Februar) – ohne Namensnennung gegenüber Dritten
- Vorschlag: Conditional-Access-Regel, die Webmail-Anmeldungen aus dem
  Ausland standardmäßig blockiert; Entscheidung in der IT-Runde am 17.02.

Der Abschlussbericht folgt spätestens am 24.02.2026.

--
Jonas Petersen
Informationssicherheitsbeauftragter (ISB)
Landkreis Musterhausen, Hauptamt
Durchwahl 4410
"""


# ------------------------------------------------------------ 6 Personalrat Zustimmung

PR_TEXT = """\
Sehr geehrte Frau Hollmann,

der Personalrat hat in seiner Sitzung am 11. März 2026 über Ihre
Vorlage vom 2. März 2026 (Aktenzeichen 11.1-PA 40 17 223) beraten.

Der Personalrat stimmt der Versetzung von Frau Sabine Korte-Lindner
(Personalnummer 40 17 223) in das Amt für Umwelt und Klimaschutz und
ihrer Höhergruppierung in die Entgeltgruppe 10 TVöD, Stufe 5, zum
1. April 2026 zu.

Wir bitten darum, die frei werdende Stelle im Sachgebiet 50.2 zügig
auszuschreiben, da dort bereits zwei weitere Stellen unbesetzt sind und
die Kolleginnen und Kollegen in der Eingliederungshilfe stark belastet
sind. Die vorübergehende Vertretung durch Herrn Tjaden darf nicht zu
Lasten der Zulassungsstelle gehen.

Außerdem bitten wir darum, Frau Korte-Lindner eine angemessene
Einarbeitungszeit im neuen Aufgabengebiet einzuräumen und die Teilnahme
am Lehrgang „Fördermittelmanagement für Kommunen“ noch in diesem Jahr zu
ermöglichen. Ihre Teilzeit von 30 Wochenstunden und die bisherige
Verteilung der Arbeitszeit auf vier Tage sollen nach ihrem Wunsch
beibehalten werden.

Frau Korte-Lindner hat uns gebeten, ihr die Entscheidung persönlich
mitzuteilen; sie ist bis zum 13. März im Urlaub. Bitte senden Sie die
Mitteilung über die Versetzung erst danach an ihre Privatanschrift im
Birkenweg 7 in Oldenhöven oder übergeben Sie sie im Personalgespräch.

Mit freundlichen Grüßen
Carola Winterfeld
Vorsitzende des Personalrats
"""

PR_HTML = "<html><body>" + "".join(
    f"<p>{p.replace(chr(10), '<br>')}</p>" for p in PR_TEXT.strip().split("\n\n")) + "</body></html>\n"


def mail_personalrat_zustimmung():
    bnd = "b1_pr_2026_03_11"
    return f"""\
Message-ID: <pr-2026-03-11-korte-lindner@{DOMAIN}>
Date: Wed, 11 Mar 2026 15:12:44 +0100
From: Carola Winterfeld <c.winterfeld@{DOMAIN}>
To: Birgit Hollmann <b.hollmann@{DOMAIN}>
{subject_q("Zustimmung des Personalrats: Versetzung und Höhergruppierung Frau Korte-Lindner")}
Sensitivity: private
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="{bnd}"

--{bnd}
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp(PR_TEXT)}
--{bnd}
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp(PR_HTML)}
--{bnd}--
"""


def main():
    write("docs/allgemein/2026-02-16-einladung-personalversammlung.eml", mail_personalversammlung())
    write("docs/allgemein/2026-01-22-re-fahrradleasing-gebuehren.eml", mail_fahrradleasing(), crlf=False)
    write("docs/allgemein/2026-02-05-warnung-phishing-kreiskasse.eml", mail_phishing())
    write("docs/kreistag/2026-03-02-einladung-kreistag-22-sitzung.eml", mail_einladung_kreistag())
    write("docs/it/2026-02-10-sicherheitsvorfall-sv-2026-014-zwischenbericht.eml", mail_sicherheitsvorfall())
    write("docs/personal-akten/2026-03-11-personalrat-zustimmung-korte-lindner.eml",
          mail_personalrat_zustimmung())


if __name__ == "__main__":
    main()

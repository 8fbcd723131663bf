/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/write_templates.c — the built-in example templates of the
 * Schreibassistenz (format: apps/write.h, apps/templates/README.md).
 * Our own wording, marked as examples: the county replaces them with its
 * own (`lotse write draft --template-file`).
 */
#include "apps/write.h"

#include <string.h>

#define EXAMPLE "# Beispielvorlage – vom Kreis durch eigene Vorlagen zu ersetzen.\n"

static const char *const templates[] = {
    EXAMPLE
    "id: email\n"
    "title: E-Mail\n"
    "register: fachlich\n"
    "tone: kollegial, knapp\n"
    "length: 120\n"
    "placeholders: empfaenger, anliegen\n"
    "---\n"
    "Schreibe eine dienstliche E-Mail an {{empfaenger}}.\n"
    "Anliegen: {{anliegen}}\n"
    "Aufbau: Betreff, Anrede, Anliegen in zwei bis drei Sätzen, nächster "
    "Schritt, Gruß.\n",

    EXAMPLE
    "id: vermerk\n"
    "title: Vermerk\n"
    "register: fachlich\n"
    "tone: sachlich, nüchtern\n"
    "length: 250\n"
    "placeholders: anlass, sachverhalt\n"
    "---\n"
    "Schreibe einen Vermerk für die Akte.\n"
    "Anlass: {{anlass}}\n"
    "Sachverhalt: {{sachverhalt}}\n"
    "Aufbau: Anlass, Sachverhalt, Bewertung, weiteres Vorgehen.\n",

    EXAMPLE
    "id: bescheid\n"
    "title: Bescheid\n"
    "register: fachlich\n"
    "tone: verbindlich, klar\n"
    "length: 400\n"
    "placeholders: adressat, gegenstand, entscheidung, begruendung, rechtsgrundlage\n"
    "---\n"
    "Entwirf einen Bescheid an {{adressat}} zum Antrag auf {{gegenstand}}.\n"
    "Aufbau mit diesen Überschriften:\n"
    "Tenor: {{entscheidung}}\n"
    "Begründung: {{begruendung}} (Rechtsgrundlage: {{rechtsgrundlage}})\n"
    "Rechtsbehelfsbelehrung: setze hier [Rechtsbehelfsbelehrung des Kreises "
    "einfügen] ein; formuliere sie nicht selbst.\n",

    EXAMPLE
    "id: buergeranfrage\n"
    "title: Antwort auf eine Bürgeranfrage\n"
    "register: buergernah\n"
    "tone: freundlich, hilfsbereit\n"
    "length: 200\n"
    "placeholders: anfrage, antwort\n"
    "---\n"
    "Beantworte diese Anfrage einer Bürgerin oder eines Bürgers:\n"
    "{{anfrage}}\n"
    "Inhalt der Antwort: {{antwort}}\n"
    "Aufbau: Dank für die Anfrage, Antwort, was die Person als Nächstes tun "
    "kann, Ansprechstelle.\n",

    EXAMPLE
    "id: zusammenfassung\n"
    "title: Zusammenfassung\n"
    "register: fachlich\n"
    "tone: sachlich\n"
    "length: 150\n"
    "placeholders: text\n"
    "---\n"
    "Fasse den folgenden Text zusammen: die wichtigsten Aussagen, "
    "Entscheidungen und Fristen als kurze Absätze.\n"
    "Text:\n{{text}}\n",
};

#define N_TEMPLATES (sizeof templates / sizeof templates[0])

size_t write_template_count(void) { return N_TEMPLATES; }

const char *write_template_id(size_t i) {
  static const char *const ids[] = {"email", "vermerk", "bescheid",
                                    "buergeranfrage", "zusammenfassung"};
  return i < N_TEMPLATES ? ids[i] : NULL;
}

int write_template_builtin(const char *id, write_template_t *t,
                           lotse_err_t *err) {
  memset(t, 0, sizeof *t);
  for (size_t i = 0; id && i < N_TEMPLATES; i++)
    if (strcmp(write_template_id(i), id) == 0)
      return write_template_parse(templates[i], strlen(templates[i]), t, err);
  return lotse_err_set(err, LOTSE_ENOTFOUND,
                       "unbekannte Vorlage „%s“ (bekannt: email, vermerk, "
                       "bescheid, buergeranfrage, zusammenfassung)",
                       id ? id : "");
}

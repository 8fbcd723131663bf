/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/inject_patterns.c — instruction patterns (German and English) and
 * role markers of chat templates.
 *
 * Contract: see text/inject.h. The text is cut into words (letters and
 * digits; hyphens, apostrophes and invisible characters inside a word are
 * dropped, so "System-Prompt" is "systemprompt" and "ig<U+200B>nore" is
 * "ignore"); each word is folded to lower-case ASCII ("ä" -> "a", "ß" ->
 * "ss", Cyrillic and Greek look-alikes and mathematical letters to the
 * Latin letter they imitate). A pattern is a short list of word slots:
 *   "a|b|c"  one of the words (a trailing '*' makes it a prefix);
 *   "?..."   the slot may be left out;
 *   "~N"     up to N arbitrary words.
 * When a pattern word has "a", "o" or "u" not followed by "e", the text
 * may spell it "ae", "oe", "ue" ("fruehere" matches "fruhere"). A match
 * never crosses a sentence end ('.', '!', '?', ':' or ';' before a blank,
 * or an empty line), which keeps words of neighbouring sentences from
 * combining. Patterns with anchor = 1 must start a sentence.
 * Words go through a ring of RING entries; a pattern may span at most
 * LOOK words, so the scan is linear in the text and needs no copy of it.
 * Invariant: findings of one pattern never overlap each other.
 */
#include "text/inject.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WMAX 24 /* folded bytes kept of a word */
#define RING 64
#define LOOK 40 /* words a pattern may look ahead */
#define MAX_SLOTS 10

/* -------------------------------------------------------------- folding */

/* Base letters of U+00C0..U+017F ('#': not a Latin letter). */
static const char latin_base[] =
    "aaaaaaaceeeeiiiidnooooo#ouuuuytsaaaaaaaceeeeiiiidnooooo#ouuuuyty"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/* Cyrillic and Greek letters that look like Latin ones. */
static const struct {
  uint32_t cp;
  char c;
} lookalike[] = {
    {0x0391, 'a'}, {0x0392, 'b'}, {0x0395, 'e'}, {0x0396, 'z'},
    {0x0397, 'h'}, {0x0399, 'i'}, {0x039A, 'k'}, {0x039C, 'm'},
    {0x039D, 'n'}, {0x039F, 'o'}, {0x03A1, 'p'}, {0x03A4, 't'},
    {0x03A5, 'y'}, {0x03A7, 'x'}, {0x03B1, 'a'}, {0x03B5, 'e'},
    {0x03B9, 'i'}, {0x03BA, 'k'}, {0x03BD, 'v'}, {0x03BF, 'o'},
    {0x03C1, 'p'}, {0x03C4, 't'}, {0x03C5, 'u'}, {0x03C7, 'x'},
    {0x0405, 's'}, {0x0406, 'i'}, {0x0408, 'j'}, {0x0410, 'a'},
    {0x0412, 'b'}, {0x0415, 'e'}, {0x041A, 'k'}, {0x041C, 'm'},
    {0x041D, 'h'}, {0x041E, 'o'}, {0x0420, 'p'}, {0x0421, 'c'},
    {0x0422, 't'}, {0x0425, 'x'}, {0x0430, 'a'}, {0x0435, 'e'},
    {0x043E, 'o'}, {0x0440, 'p'}, {0x0441, 'c'}, {0x0443, 'y'},
    {0x0445, 'x'}, {0x0455, 's'}, {0x0456, 'i'}, {0x0458, 'j'},
    {0x04BB, 'h'}, {0x0501, 'd'}, {0x051B, 'q'}, {0x051D, 'w'},
};

/* Characters dropped inside a word: apostrophes, hyphens, soft hyphen,
 * and everything invisible. */
static int is_word_glue(uint32_t c) {
  return c == '\'' || c == '-' || c == 0x00AD || c == 0x2019 ||
         c == 0x02BC || c == 0x2010 || c == 0x2011 ||
         (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF || c == 0x180E ||
         c == 0x034F || c == 0x061C || (c >= 0xFE00 && c <= 0xFE0F) ||
         (c >= 0xE0000 && c <= 0xE01EF);
}

static int is_separator(uint32_t c) {
  return c < 0x80 || (c >= 0x80 && c <= 0xBF && c != 0xAA && c != 0xB5 &&
                      c != 0xBA) ||
         c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE10 && c <= 0xFE6F) ||
         (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
         (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0xE000 && c <= 0xF8FF);
}

int text_inject_fold(uint32_t c, char out[2]) {
  if (c < 0x80 && isalnum((int)c)) {
    out[0] = (char)tolower((int)c);
    return 1;
  }
  if (is_word_glue(c)) return -1;
  if (c == 0xDF || c == 0x1E9E) return out[0] = out[1] = 's', 2;
  if (c == 0xC6 || c == 0xE6) return out[0] = 'a', out[1] = 'e', 2;
  if (c == 0x152 || c == 0x153) return out[0] = 'o', out[1] = 'e', 2;
  if (c >= 0xC0 && c <= 0x17F && c != 0xD7 && c != 0xF7)
    return out[0] = latin_base[c - 0xC0], 1;
  for (size_t i = 0; i < sizeof lookalike / sizeof lookalike[0]; i++)
    if (lookalike[i].cp == c) return out[0] = lookalike[i].c, 1;
  if (c >= 0xFF10 && c <= 0xFF19) return out[0] = (char)('0' + c - 0xFF10), 1;
  if (c >= 0xFF21 && c <= 0xFF3A) return out[0] = (char)('a' + c - 0xFF21), 1;
  if (c >= 0xFF41 && c <= 0xFF5A) return out[0] = (char)('a' + c - 0xFF41), 1;
  if (c >= 0x1D400 && c <= 0x1D6A3) { /* mathematical alphabets */
    unsigned k = (c - 0x1D400) % 52;
    return out[0] = (char)(k < 26 ? 'a' + k : 'a' + k - 26), 1;
  }
  if (c >= 0x1D7CE && c <= 0x1D7FF)
    return out[0] = (char)('0' + (c - 0x1D7CE) % 10), 1;
  if (is_separator(c)) return 0;
  out[0] = '#';
  return 1;
}

/* ------------------------------------------------------------- patterns */

typedef struct pattern {
  const char *rule, *label;
  int score;
  int anchor; /* must start a sentence */
  const char *slots[MAX_SLOTS];
  const char *unless; /* a slot: no word of the match may be one of these */
} pattern_t;

/* Negations turn "ignore the previous instructions" into advice. */
#define NEG "not|nicht|never|nie|niemals|keine|keinesfalls|dont|doesnt"

/* Word lists shared by several patterns. */
#define EN_IGNORE                                                           \
  "ignore|ignoring|disregard|disregarding|forget|forgetting|override|"      \
  "bypass|discard"
#define EN_EARLIER                                                          \
  "previous|previously|prior|above|earlier|preceding|foregoing|former|"     \
  "initial|original|old|all|any|existing|every|other|system|developer|"     \
  "your|these|those"
#define EN_RULES                                                            \
  "instruction*|prompt*|direction*|rule*|guideline*|command*|order|orders|" \
  "context|message*|constraint*|restriction*|programming|guidance|"         \
  "setting*|policy|policies|task|tasks|input|directive*"
#define EN_MOD                                                              \
  "add|include|integrate|insert|incorporate|append|prepend|inject|embed|"   \
  "mention|promote|spread|hint|allude|highlight|modify|enhance|augment|"    \
  "encode|encrypt|translate|render|reverse|invert|substitute|replace|"      \
  "shift|express|apply|use|convert|rewrite|weave|slip|tack|conclude|"       \
  "sign|end|begin|start|finish|transform|format|obfuscate|scramble"
#define EN_RESP                                                             \
  "response|responses|reply|replies|answer|answers|output|outputs|"         \
  "message|messages|completion|summary|summaries"
#define EN_SAY                                                              \
  "include|add|mention|suggest|insert|promote|state|say|recommend|tell|"    \
  "hint|share|integrate|use|write|claim|note|refer|reference|link|"         \
  "advertise|encourage|urge|direct|insist|advise|warn|allude"
#define FORMATS                                                             \
  "base64|base32|base16|base58|base85|hex|hexadecimal|rot13|caesar|"        \
  "cipher*|morse|emoji*|emoticon*|reverse*|backward*|spanish|french|"       \
  "german|italian|portuguese|chinese|russian|japanese|dutch|polish|"        \
  "turkish|arabic|korean|pirate|leetspeak|binary|uppercase|lowercase|"      \
  "spanisch|franzosisch|englisch|italienisch|russisch|chinesisch|"          \
  "ruckwarts|umgekehrt*|geheimschrift"
#define AI_WORDS                                                            \
  "ai|assistant|chatbot|bot|llm|llms|gpt|chatgpt|copilot|claude|gemini|"    \
  "ki|kis|assistent|assistenten|sprachmodell|sprachmodelle|kiassistent*|"   \
  "kimodell*|kisystem*|aiassistant*|aimodel*"
#define DE_IGNORE                                                           \
  "ignoriere|ignorier|ignorieren|ignoriert|vergiss|vergesst|vergessen|"     \
  "missachte|missachten|missachtet|verwirf|verwerfe|verwerfen|"             \
  "uberschreibe|uberschreiben|umgehe|umgehen|uberspringe|uberspringen|"     \
  "uberges*"
#define DE_EARLIER                                                          \
  "alle|samtliche|jegliche|bisherigen|bisherige|vorherigen|vorherige|"      \
  "vorigen|vorige|fruheren|fruhere|obigen|obige|vorangegangenen|"           \
  "vorangehenden|vorstehenden|deine|deinen|ursprunglichen|ursprungliche|"   \
  "gegebenen|erhaltenen|sonstigen|anderen|ihre|ihren"
#define DE_RULES                                                            \
  "anweisung*|instruktion*|regel|regeln|vorgabe*|befehl*|anordnung*|"       \
  "richtlinie*|aufgabe|aufgaben|prompt*|eingabe*|hinweis*|systemprompt*|"   \
  "einschrankung*|beschrankung*|kontext|programmierung|auftrag|auftrage"
#define DE_MOD                                                              \
  "fuge|fug|erganze|erganz|schreibe|schreib|erwahne|erwahn|baue|bau|"       \
  "integriere|ubersetze|verschlussele|verschlussle|kodiere|codiere|"        \
  "formuliere|gib|beginne|beende|schliesse|verpacke|verstecke|setze|"       \
  "hange|nutze|verwende|benutze|platziere|streue|verandere|andere"
#define DE_RESP                                                             \
  "antwort|antworten|ausgabe|ausgaben|zusammenfassung|ubersetzung|"         \
  "nachricht|erwiderung|entgegnung"
#define DE_SAY                                                              \
  "fuge|erwahne|schreibe|nenne|empfiehl|weise|verweise|behaupte|gib|"       \
  "nutze|verwende|ubersetze|integriere|baue|erganze|bewirb|teile"

#define L_OUTPUT "Anweisung, die Antwort des Modells zu ver\xC3\xA4ndern"

static const pattern_t patterns[] = {
    /* ----------------------------------------------- override (English) */
    {"ignore_previous", "Aufforderung, bisherige Anweisungen zu ignorieren",
     90, 0, {EN_IGNORE, "~3", EN_EARLIER, "~3", EN_RULES}, NEG},
    {"ignore_previous", "Aufforderung, bisherige Anweisungen zu ignorieren",
     70, 0, {EN_IGNORE, "everything|anything|whatever"}, NEG},
    {"new_instructions", "Ank\xC3\xBCndigung neuer Anweisungen", 30, 0,
     {"new|updated|revised|additional|real|actual|true|secret|hidden",
      "instruction|instructions|directive|directives|orders|task"}, NULL},
    /* ---------------------------------------------- override (German) */
    {"ignore_previous", "Aufforderung, bisherige Anweisungen zu ignorieren",
     90, 0, {DE_IGNORE, "~4", DE_EARLIER, "~3", DE_RULES}, NEG},
    {"ignore_previous", "Aufforderung, bisherige Anweisungen zu ignorieren",
     85, 0,
     {"alle|samtliche|bisherigen|vorherigen|vorigen|fruheren|obigen|"
      "vorangegangenen|deine",
      "~2", "anweisung*|instruktion*|regeln|vorgaben|befehle|prompts|"
            "systemprompt*",
      "~3", "ignorieren|ignoriere|ignoriert|vergessen|vergiss|missachten"},
     NEG},
    {"ignore_previous", "Aufforderung, bisherige Anweisungen zu ignorieren",
     70, 0, {"vergiss|vergesst|ignoriere|ignoriert", "alles"}, NEG},
    {"new_instructions", "Ank\xC3\xBCndigung neuer Anweisungen", 30, 0,
     {"neue|neuen|aktualisierte|eigentliche|eigentlichen|geheime|geheimen|"
      "versteckte",
      "anweisung|anweisungen|instruktion|instruktionen|befehle"}, NULL},
    /* ----------------------------------------------------- role change */
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 60, 0,
     {"you", "are", "now", "a|an|the|my|dan|free|unrestricted|jailbroken|"
                          "unfiltered|no|evil|uncensored"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 60, 0,
     {"youre", "now", "a|an|the|my|dan|free|unrestricted|jailbroken|"
                      "unfiltered|no|evil|uncensored"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 60, 0,
     {"from", "now", "on", "you|your|answer|respond|reply|only|always|act|"
                           "pretend|speak|talk|write|ignore"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 55, 0,
     {"you", "will|must|shall", "now", "act|respond|answer|reply|behave|be|"
                                       "pretend|ignore|only"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 55, 0,
     {"pretend", "to|you|that|youre", "be|are|you|re|an|a"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 40, 0,
     {"act|roleplay", "as", "a|an|if|my|the|though"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 60, 0,
     {"du", "bist", "jetzt|nun|ab|fortan"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 60, 0,
     {"ab|von", "jetzt|sofort|nun", "?an",
      "bist|antwortest|sprichst|verhaltst|handelst|agierst|schreibst|gibst|"
      "ignorierst|befolgst",
      "du"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 50, 0,
     {"tu|tue", "so", "als"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 45, 0,
     {"verhalte|benimm", "dich", "wie|als"}, NULL},
    {"role_change", "Versuch, dem Modell eine neue Rolle zu geben", 40, 0,
     {"spiele|spiel|ubernimm|ubernehme|agiere|handle", "?die", "rolle|als"},
     NULL},
    /* ------------------------------------------------ system prompt */
    {"prompt_leak", "Zugriff auf den Systemprompt", 60, 0,
     {"system|hidden|secret|developer|internal|geheime|geheimen|versteckte|"
      "versteckten",
      "prompt|prompts"}, NULL},
    {"prompt_leak", "Zugriff auf den Systemprompt", 60, 0,
     {"systemprompt*|systemanweisung*|systemnachricht*|systeminstruktion*|"
      "preprompt*"}, NULL},
    {"prompt_leak", "Zugriff auf den Systemprompt", 50, 0,
     {"initial|original|ursprunglicher|ursprunglichen", "prompt|prompts"},
     NULL},
    {"prompt_leak", "Zugriff auf den Systemprompt", 70, 0,
     {"reveal|show|print|repeat|output|tell|display|leak|disclose|share|give|"
      "list|recite|dump",
      "?me|us", "?all|of", "your", "instructions|prompt|prompts|rules|"
                                   "guidelines|configuration|directives"},
     NULL},
    {"prompt_leak", "Zugriff auf den Systemprompt", 70, 0,
     {"zeige|zeig|nenne|verrate|verrat|wiederhole|offenbare|gib|drucke|"
      "liste",
      "?mir|uns", "?alle", "deine|deinen|eure",
      "anweisungen|instruktionen|systemprompt*|prompt|prompts|vorgaben|"
      "regeln|konfiguration"}, NULL},
    {"jailbreak", "Bekannter Ausbruchsversuch (Jailbreak)", 60, 0,
     {"developer|dev|god|jailbreak|unrestricted|dan|sudo|debug", "mode"}, NULL},
    {"jailbreak", "Bekannter Ausbruchsversuch (Jailbreak)", 80, 0,
     {"do", "anything", "now"}, NULL},
    {"jailbreak", "Bekannter Ausbruchsversuch (Jailbreak)", 60, 0,
     {"jailbreak*|entwicklermodus|gottmodus"}, NULL},
    /* ------------------------------------------- addressing the model */
    {"address_ai", "Text spricht ein KI-System direkt an", 70, 0,
     {"important|urgent|attention|note|notice|hey|hello|dear|hi|warning|"
      "hinweis|achtung|hallo|liebe|lieber|liebes",
      "?to|for|an|fur", "?the|all|any|die|das|den|dem", AI_WORDS}, NULL},
    {"address_ai", "Text spricht ein KI-System direkt an", 80, 0,
     {"if|when", "you", "are|re", "an|a", "?large",
      "ai|assistant|llm|language|chatbot|bot|model"}, NULL},
    {"address_ai", "Text spricht ein KI-System direkt an", 80, 0,
     {"if|when", "youre", "an|a", "?large",
      "ai|assistant|llm|language|chatbot|bot|model"}, NULL},
    {"address_ai", "Text spricht ein KI-System direkt an", 80, 0,
     {"wenn|falls", "du|sie|ihr", "?eine|ein", AI_WORDS, "bist|sind|seid"},
     NULL},
    {"address_ai", "Text spricht ein KI-System direkt an", 80, 0,
     {"solltest|sollten", "du|sie", "?eine|ein", AI_WORDS, "sein"}, NULL},
    {"address_ai", "Text spricht ein KI-System direkt an", 80, 0,
     {"ai|llm|assistant|chatbot|model|bot",
      "reading|processing|summarizing|summarising|parsing|analyzing|"
      "analysing|reviewing|translating",
      "this|these|the"}, NULL},
    {"address_ai", "Text spricht ein KI-System direkt an", 80, 0,
     {AI_WORDS, "die|das|der|welche|welches", "diesen|dieses|diese|den|das",
      "~1", "liest|verarbeitet|zusammenfasst|analysiert|ubersetzt|auswertet|"
            "bearbeitet|zusammenfassen"}, NULL},
    /* ------------------------------------------ concealment from users */
    {"conceal", "Aufforderung, etwas vor den Nutzenden zu verbergen", 65, 0,
     {"dont|never|without",
      "tell|telling|inform|informing|mention|mentioning|reveal|revealing|"
      "disclose|disclosing|alert|alerting|notify|notifying|show|showing",
      "?the|your|any", "user|users|human|reader|readers|operator|anyone"},
     NULL},
    {"conceal", "Aufforderung, etwas vor den Nutzenden zu verbergen", 65, 0,
     {"do|does|must|should|will", "not",
      "tell|inform|mention|reveal|disclose|alert|notify|show",
      "?the|your|any", "user|users|human|reader|readers|operator|anyone"},
     NULL},
    {"conceal", "Aufforderung, etwas vor den Nutzenden zu verbergen", 65, 0,
     {"sage|sag|erzahle|erzahl|verrate|verrat|erwahne|zeige", "?das|dies|es",
      "dem|den", "nutzer|nutzenden|benutzer|anwender|user|menschen|leser",
      "~2", "nicht|nichts"}, NULL},
    {"conceal", "Aufforderung, etwas vor den Nutzenden zu verbergen", 65, 0,
     {"ohne", "den|die|dem", "nutzer|nutzenden|benutzer|anwender|user|leser",
      "~3", "informieren|hinzuweisen|mitzuteilen|benachrichtigen|"
            "aufzuklaren|wissen"}, NULL},
    /* --------------------------------- manipulating the output (BIPIA) */
    {"output_manipulation", L_OUTPUT,
     55, 0, {EN_MOD, "~16", "your", EN_RESP}, NULL},
    {"output_manipulation", L_OUTPUT,
     55, 0,
     {"in|into|to|within|throughout|for", "your", EN_RESP, "~4", EN_SAY}, NULL},
    {"output_manipulation", L_OUTPUT,
     55, 0,
     {"reply|respond|answer|write|speak|communicate|antworte|antwortet|"
      "schreibe",
      "?only|exclusively|entirely|nur|ausschliesslich", "in|using|with|auf|mit",
      "?a|an|the", FORMATS}, NULL},
    {"output_manipulation", L_OUTPUT,
     55, 0,
     {"your|deine|deiner|ihre|ihrer", EN_RESP "|" DE_RESP, "~6", FORMATS},
     NULL},
    {"output_manipulation", L_OUTPUT,
     55, 0, {DE_MOD, "~12", "deine|deiner|deinen|eure|eurer", DE_RESP}, NULL},
    {"output_manipulation", L_OUTPUT,
     55, 0,
     {"in|zu|unter|an|am", "?ende|anfang|schluss|beginn", "deiner|deine|deinen",
      DE_RESP, "~4", DE_SAY}, NULL},
    {"output_manipulation", L_OUTPUT,
     55, 0,
     {"antworte|antwortet", "nur|ausschliesslich|immer|stets|ab|kunftig"},
     NULL},
    {"output_manipulation", L_OUTPUT,
     50, 0,
     {"deine|your", "antwort|response|reply|answer",
      "muss|soll|sollte|darf|must|should|shall", "~3",
      "enthalten|beginnen|enden|lauten|include|contain|begin|start|end|"
      "mention"}, NULL},
    {"output_manipulation", L_OUTPUT,
     40, 0,
     {"fugen|erganzen|schreiben|erwahnen|integrieren|ubersetzen|beginnen|"
      "beenden|verschlusseln|kodieren|verwenden|nutzen",
      "sie", "~12", "ihrer|ihre", "antwort|ausgabe|zusammenfassung"}, NULL},
    {"addresses_output", "Text bezieht sich auf die Antwort des Modells", 35,
     0,
     {"in|into|within", "your|deiner",
      "response|responses|reply|replies|answer|answers|output|antwort|"
      "ausgabe"}, NULL},
    /* ---------------------------------------- requests (weak evidence) */
    {"task_request", "Aufgabe an ein KI-System (schwaches Indiz)", 30, 1,
     {"write|provide|show|recommend|suggest|summarize|summarise|describe|"
      "analyze|determine|classify|explain|generate|compose|draft|"
      "help|schreibe|erstelle|fasse|nenne|zeige|ubersetze|erklare|"
      "beschreibe|analysiere|empfiehl|schlage|generiere|formuliere"}, NULL},
    {"task_request", "Aufgabe an ein KI-System (schwaches Indiz)", 25, 1,
     {"can|could|would|will|kannst|konntest|wurdest",
      "you|du", "?please|bitte",
      "write|provide|show|recommend|suggest|summarize|describe|analyze|"
      "classify|explain|generate|help|tell|give|list|translate|reply|"
      "schreiben|erstellen|zusammenfassen|nennen|zeigen|erklaren|"
      "beschreiben|analysieren|empfehlen|ubersetzen|antworten"}, NULL},
};

#define NPAT (sizeof patterns / sizeof patterns[0])

/* ---------------------------------------------------------------- words */

typedef struct word {
  size_t start, end;
  unsigned sent;       /* sentence number */
  unsigned char len;   /* folded bytes in w */
  unsigned char trunc; /* the word was longer than WMAX */
  unsigned char first; /* first word of its sentence */
  char w[WMAX];
} word_t;

typedef struct scanner {
  word_t ring[RING];
  size_t head, count; /* oldest word, words held */
  size_t last_end[NPAT];
  word_t before[2]; /* the two words before the oldest, latest first */
  uint32_t first[NPAT]; /* letters a pattern's first word may start with */
  text_inject_list_t *out;
  int rc;
} scanner_t;

static const word_t *word_at(const scanner_t *sc, size_t k) {
  return &sc->ring[(sc->head + k) % RING];
}

/* One alternative p[0..pn) against a word (see the "ae" rule above). */
static int alt_match(const char *p, size_t pn, int prefix, const word_t *w) {
  size_t i = 0, j = 0;
  while (i < pn && j < w->len) {
    if (p[i] != w->w[j]) return 0;
    if ((p[i] == 'a' || p[i] == 'o' || p[i] == 'u') && j + 1 < w->len &&
        w->w[j + 1] == 'e' && (i + 1 >= pn || p[i + 1] != 'e'))
      j++;
    i++;
    j++;
  }
  if (i < pn) return 0;
  return prefix || (j == w->len && !w->trunc);
}

static int slot_match(const char *slot, const word_t *w) {
  while (*slot) {
    const char *bar = strchr(slot, '|');
    size_t len = bar ? (size_t)(bar - slot) : strlen(slot);
    int prefix = len && slot[len - 1] == '*';
    if (alt_match(slot, len - (size_t)prefix, prefix, w)) return 1;
    if (!bar) break;
    slot = bar + 1;
  }
  return 0;
}

/* Match slots si.. of p from word k on (all in sentence sent); *endk is
 * one past the last word consumed. */
static int match(const scanner_t *sc, const pattern_t *p, int si, size_t k,
                 unsigned sent, size_t *endk) {
  const char *slot = si < MAX_SLOTS ? p->slots[si] : NULL;
  if (!slot) {
    *endk = k;
    return 1;
  }
  if (slot[0] == '~') {
    int gap = atoi(slot + 1);
    for (int j = 0; j <= gap; j++) {
      size_t at = k + (size_t)j;
      if (j > 0 && (at - 1 >= sc->count || word_at(sc, at - 1)->sent != sent))
        break;
      if (match(sc, p, si + 1, at, sent, endk)) return 1;
    }
    return 0;
  }
  int opt = slot[0] == '?';
  if (k < sc->count && word_at(sc, k)->sent == sent &&
      slot_match(slot + opt, word_at(sc, k)) &&
      match(sc, p, si + 1, k + 1, sent, endk))
    return 1;
  return opt && match(sc, p, si + 1, k, sent, endk);
}

/* A word of `unless` in the match or in the two words before it (same
 * sentence): "do not ignore the previous instructions". */
static int negated(const scanner_t *sc, const pattern_t *p, size_t endk) {
  if (!p->unless) return 0;
  for (size_t k = 0; k < endk; k++)
    if (slot_match(p->unless, word_at(sc, k))) return 1;
  unsigned sent = word_at(sc, 0)->sent;
  for (int k = 0; k < 2; k++)
    if (sc->before[k].sent == sent && slot_match(p->unless, &sc->before[k]))
      return 1;
  return 0;
}

/* Bit of a folded word's first byte (bit 26 for digits and '#'). */
static uint32_t first_bit(char c) {
  return c >= 'a' && c <= 'z' ? 1u << (c - 'a') : 1u << 26;
}

/* The first letters each pattern can start with: a cheap filter that
 * spares most words the walk through the alternatives. */
static void first_letters(scanner_t *sc) {
  for (size_t i = 0; i < NPAT; i++) {
    const char *slot = patterns[i].slots[0];
    uint32_t m = 0;
    if (slot[0] == '?' || slot[0] == '~') m = ~0u;
    for (const char *a = slot; *a && m != ~0u; a++)
      if (a == slot || a[-1] == '|') m |= first_bit(*a);
    sc->first[i] = m;
  }
}

/* Try every pattern at the oldest word, then drop it. */
static void advance(scanner_t *sc) {
  const word_t *w0 = word_at(sc, 0);
  uint32_t bit = w0->len ? first_bit(w0->w[0]) : 0;
  for (size_t i = 0; i < NPAT && !sc->rc; i++) {
    const pattern_t *p = &patterns[i];
    size_t endk;
    if (!(sc->first[i] & bit) || (p->anchor && !w0->first) ||
        w0->start < sc->last_end[i] ||
        !match(sc, p, 0, 0, w0->sent, &endk) || endk == 0 ||
        negated(sc, p, endk))
      continue;
    text_inject_finding_t f = {.type = TEXT_INJECT_INSTRUCTION,
                               .start = w0->start,
                               .end = word_at(sc, endk - 1)->end,
                               .score = p->score, .rule = p->rule,
                               .label = p->label};
    sc->last_end[i] = f.end;
    sc->rc = text_inject_push(sc->out, &f);
  }
  sc->before[1] = sc->before[0];
  sc->before[0] = *w0;
  sc->head = (sc->head + 1) % RING;
  sc->count--;
}

static void add_word(scanner_t *sc, const word_t *w) {
  if (sc->count == LOOK) advance(sc);
  sc->ring[(sc->head + sc->count) % RING] = *w;
  sc->count++;
}

/* Sentence ends: '.', '!', '?', ':' or ';' before white space, or an
 * empty line. */
typedef struct breaks {
  int pend; /* end punctuation seen since the last word */
  int brk;  /* a sentence end lies before the next word */
  int nl;   /* line breaks since the last word */
} breaks_t;

static void sep_char(breaks_t *b, uint32_t c) {
  if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';') {
    b->pend = 1;
  } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0) {
    if (b->pend) b->brk = 1;
    if (c == '\n' && ++b->nl >= 2) b->brk = 1;
  }
}

static void scan_words(scanner_t *sc, const unsigned char *s, size_t n) {
  breaks_t b = {.brk = 1};
  word_t w = {0};
  int in_word = 0;
  unsigned sent = 0;
  for (size_t i = 0; i < n && !sc->rc;) {
    uint32_t c = 0xFFFD;
    size_t len = text_inject_utf8(s, n, i, &c);
    char f[2];
    int k = len ? text_inject_fold(c, f) : 0;
    if (!len) len = 1;
    if (k > 0) {
      if (!in_word) {
        if (b.brk) sent++;
        w = (word_t){.start = i, .sent = sent, .first = (unsigned char)b.brk};
        b = (breaks_t){0};
        in_word = 1;
      }
      for (int j = 0; j < k; j++) {
        if (w.len < WMAX) w.w[w.len++] = f[j];
        else w.trunc = 1;
      }
      w.end = i + len;
    } else if (k == 0 || !in_word) {
      if (in_word) add_word(sc, &w);
      in_word = 0;
      if (k == 0) sep_char(&b, c);
    }
    i += len;
  }
  if (in_word && !sc->rc) add_word(sc, &w);
  while (sc->count && !sc->rc) advance(sc);
}

/* --------------------------------------------------------- role markers */

typedef struct marker {
  const char *text; /* matched without regard to case */
  int score;
  int line_start; /* only at the start of a line */
  const char *rule;
} marker_t;

static const marker_t markers[] = {
    {"[INST]", 80, 0, "inst_tag"},
    {"[/INST]", 80, 0, "inst_tag"},
    {"<<SYS>>", 90, 0, "sys_tag"},
    {"<</SYS>>", 90, 0, "sys_tag"},
    {"<start_of_turn>", 90, 0, "turn_tag"},
    {"<end_of_turn>", 90, 0, "turn_tag"},
    {"### Instruction", 70, 1, "section_marker"},
    {"### System", 70, 1, "section_marker"},
    {"### Response", 70, 1, "section_marker"},
    {"### Input", 60, 1, "section_marker"},
    {"### Human", 70, 1, "section_marker"},
    {"### Assistant", 70, 1, "section_marker"},
    {"### Anweisung", 70, 1, "section_marker"},
    {"### Antwort", 70, 1, "section_marker"},
    {"System:", 60, 1, "chat_role"},
    {"Assistant:", 50, 1, "chat_role"},
    {"Human:", 50, 1, "chat_role"},
    {"Assistent:", 50, 1, "chat_role"},
    {"User:", 30, 1, "chat_role"},
    {"Nutzer:", 30, 1, "chat_role"},
};

static const char marker_label[] = "Rollenmarkierung einer Chat-Vorlage";

/* "<|name|>": the special tokens of ChatML, Llama 3, Phi … */
static size_t special_token(const char *s, size_t n, size_t i) {
  if (i + 4 > n || s[i] != '<' || s[i + 1] != '|') return 0;
  size_t j = i + 2;
  while (j < n && j - i < 44 &&
         (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '.' ||
          s[j] == '-'))
    j++;
  if (j == i + 2 || j + 1 >= n || s[j] != '|' || s[j + 1] != '>') return 0;
  return j + 2 - i;
}

static int scan_markers(const char *s, size_t n, text_inject_list_t *out) {
  int line_start = 1; /* only blanks since the last line break */
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int at_start = line_start;
    if (c == '\n') line_start = 1;
    else if (c != ' ' && c != '\t') line_start = 0;
    if (c != '<' && c != '[' &&
        !(at_start && (c == '#' || isalpha((unsigned char)c))))
      continue;
    text_inject_finding_t f = {.type = TEXT_INJECT_ROLE_MARKER, .start = i,
                               .label = marker_label};
    size_t len = special_token(s, n, i);
    if (len) {
      f.end = i + len;
      f.score = 90;
      f.rule = "special_token";
    }
    for (size_t m = 0; !len && m < sizeof markers / sizeof markers[0]; m++) {
      size_t ml = strlen(markers[m].text);
      if ((markers[m].line_start && !at_start) || ml > n - i ||
          strncasecmp(s + i, markers[m].text, ml))
        continue;
      len = ml;
      f.end = i + ml;
      f.score = markers[m].score;
      f.rule = markers[m].rule;
    }
    if (!len) continue;
    int rc = text_inject_push(out, &f);
    if (rc) return rc;
    i += len - 1;
  }
  return 0;
}

int text_inject_scan_patterns(const char *s, size_t n,
                              text_inject_list_t *out) {
  int rc = scan_markers(s, n, out);
  if (rc) return rc;
  scanner_t *sc = calloc(1, sizeof *sc);
  if (!sc) return LOTSE_ENOMEM;
  sc->out = out;
  first_letters(sc);
  scan_words(sc, (const unsigned char *)s, n);
  rc = sc->rc;
  free(sc);
  return rc;
}

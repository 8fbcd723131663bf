/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_text.c — plain text and Markdown.
 *
 * Input is UTF-8 (BOM allowed), UTF-16 with BOM, or Windows-1252/Latin-1
 * (converted). Plain text: paragraphs at blank lines; a single-line first
 * paragraph that reads like a title, and single-line numbered section
 * lines ("§ 3 Geltungsbereich", "2.1 Arbeitszeit", "Anlage 1"), become
 * headings — nothing else does. Markdown: ATX ('#') and setext headings,
 * paragraphs at blank lines, list items, fenced code kept as text (never
 * headings), YAML front matter "title:" as title, inline markup removed.
 */
#include "ingest/extract_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct line {
  const char *s;
  size_t n;
} line_t;

/* ---------------------------------------------------------------- decode */

/* Lead byte's sequence length if the bytes at p form valid UTF-8, else 0. */
static size_t utf8_len_at(const char *p, size_t left) {
  unsigned char c = (unsigned char)*p;
  size_t l = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  return l && l <= left && lotse_utf8_valid(p, l) ? l : 0;
}

/* Mostly UTF-8 with a few broken bytes stays UTF-8 (sanitised later);
 * otherwise the bytes are taken as Windows-1252. */
static int mostly_utf8(const char *d, size_t n) {
  size_t good = 0, bad = 0;
  for (size_t i = 0; i < n;) {
    if ((unsigned char)d[i] < 0x80) {
      i++;
      continue;
    }
    size_t l = utf8_len_at(d + i, n - i);
    if (l) good++, i += l;
    else bad++, i++;
  }
  return good > bad;
}

/* Text as UTF-8: *out is d itself or a new buffer stored in *owned. */
static int text_decode(const char *d, size_t n, const char **out,
                       size_t *olen, char **owned, const char **enc,
                       lotse_err_t *err) {
  *owned = NULL;
  if (n >= 2 && (!memcmp(d, "\xFF\xFE", 2) || !memcmp(d, "\xFE\xFF", 2))) {
    *enc = d[0] == '\xFF' ? "utf-16le" : "utf-16be";
    *owned = ingest_charset_to_utf8(d + 2, n - 2, *enc, olen);
    if (!*owned)
      return LOTSE_CORRUPT_BKPT(err, "malformed text: invalid %s", *enc);
    *out = *owned;
    return 0;
  }
  if (n >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3)) d += 3, n -= 3;
  *enc = "utf-8";
  if (lotse_utf8_valid(d, n) || mostly_utf8(d, n)) {
    *out = d;
    *olen = n;
    return 0;
  }
  *enc = "windows-1252";
  *owned = ingest_cp1252_to_utf8(d, n, olen);
  if (!*owned) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  *out = *owned;
  return 0;
}

/* ----------------------------------------------------------------- lines */

static int next_line(const char *d, size_t n, size_t *pos, line_t *l) {
  if (*pos >= n) return 0;
  const char *s = d + *pos;
  const char *nl = memchr(s, '\n', n - *pos);
  size_t len = nl ? (size_t)(nl - s) : n - *pos;
  *pos += len + (nl ? 1 : 0);
  if (len && s[len - 1] == '\r') len--;
  l->s = s;
  l->n = len;
  return 1;
}

static int line_blank(line_t l) {
  for (size_t i = 0; i < l.n; i++)
    if (!isspace((unsigned char)l.s[i])) return 0;
  return 1;
}

/* Leading spaces (up to max) skipped; returns the count or max+1. */
static size_t indent(line_t l, size_t max) {
  size_t i = 0;
  while (i < l.n && l.s[i] == ' ' && i <= max) i++;
  return i;
}

/* ------------------------------------------------------------ plain text */

static int ends_sentence(line_t l) {
  size_t n = l.n;
  while (n && isspace((unsigned char)l.s[n - 1])) n--;
  return n && strchr(".,;:!?", l.s[n - 1]);
}

/* Numbered section line: "§ 3 …", "2.1 …", "4. …", "Anlage 2 …". */
static int section_level(line_t l) {
  const char *s = l.s;
  size_t n = l.n, i = 0;
  if (n > 2 && !memcmp(s, "\xC2\xA7", 2)) { /* § */
    i = 2;
    while (i < n && s[i] == ' ') i++;
    return i < n && isdigit((unsigned char)s[i]) ? 2 : 0;
  }
  static const char *const words[] = {"Artikel ", "Abschnitt ", "Kapitel ",
                                      "Teil ", "Anlage ", "Anhang "};
  for (size_t w = 0; w < sizeof words / sizeof *words; w++)
    if (n > strlen(words[w]) && !memcmp(s, words[w], strlen(words[w])))
      return 2;
  int parts = 0;
  while (i < n && isdigit((unsigned char)s[i])) {
    size_t start = i;
    while (i < n && isdigit((unsigned char)s[i])) i++;
    if (i - start > 2) return 0;
    parts++;
    if (i < n && s[i] == '.') i++;
    else break;
  }
  if (!parts || i >= n || s[i] != ' ') return 0;
  while (i < n && s[i] == ' ') i++;
  /* the title starts with an upper-case letter (or an umlaut) */
  if (i >= n || !(isupper((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC3))
    return 0;
  return parts + 1 > 6 ? 6 : parts + 1;
}

static int plain_heading(line_t l, int first) {
  if (l.n == 0 || l.n > 100 || ends_sentence(l)) return 0;
  int lvl = l.n <= 80 ? section_level(l) : 0;
  if (lvl) return lvl;
  return first ? 1 : 0;
}

static int extract_plain(const char *d, size_t n, ingest_extract_t *x,
                         lotse_err_t *err) {
  size_t pos = 0, start = 0, nlines = 0;
  line_t l, only = {0};
  int first = 1, rc = 0;
  for (;;) {
    size_t before = pos;
    int more = next_line(d, n, &pos, &l);
    if (more && !line_blank(l)) {
      if (!nlines++) start = before, only = l;
      continue;
    }
    if (nlines) {
      int lvl = nlines == 1 ? plain_heading(only, first) : 0;
      rc = lvl ? ingest_add_block(x, INGEST_BLOCK_HEADING, lvl, 0, only.s,
                                  only.n, err)
               : ingest_add_paragraphs(x, d + start, before - start, 0, err);
      first = 0;
      nlines = 0;
    }
    if (rc || !more) return rc;
  }
}

/* -------------------------------------------------------------- markdown */

/* Remove inline markup: **, __, `, links [t](u) -> t, images too. */
static void md_clean_inline(lotse_buf_t *b) {
  char *r = b->data, *w = b->data, *end = b->data + b->len;
  while (r < end) {
    if ((r[0] == '*' || r[0] == '_') && r + 1 < end && r[1] == r[0]) {
      r += 2;
    } else if (*r == '`') {
      r++;
    } else if (*r == '!' && r + 1 < end && r[1] == '[') {
      r++;
    } else if (*r == '[') {
      char *close = memchr(r, ']', (size_t)(end - r));
      if (close && close + 1 < end && close[1] == '(' &&
          memchr(close, ')', (size_t)(end - close))) {
        char *paren = memchr(close, ')', (size_t)(end - close));
        memmove(w, r + 1, (size_t)(close - r - 1));
        w += close - r - 1;
        r = paren + 1;
      } else {
        *w++ = *r++;
      }
    } else {
      *w++ = *r++;
    }
  }
  b->len = (size_t)(w - b->data);
  b->data[b->len] = '\0';
}

typedef struct md {
  ingest_extract_t *x;
  lotse_err_t *err;
  lotse_buf_t para;
  char fence;       /* '`' or '~' inside a fenced block */
  size_t fence_len;
} md_t;

static int md_flush(md_t *m) {
  if (!m->para.len) return 0;
  if (!m->fence) md_clean_inline(&m->para);
  int rc = ingest_add_block(m->x, INGEST_BLOCK_PARA, 0, 0, m->para.data,
                            m->para.len, m->err);
  lotse_buf_reset(&m->para);
  return rc;
}

static int md_append(md_t *m, const char *s, size_t n) {
  if (m->para.len && lotse_buf_putc(&m->para, m->fence ? '\n' : ' '))
    return lotse_err_set(m->err, LOTSE_ENOMEM, "out of memory");
  if (lotse_buf_append(&m->para, s, n))
    return lotse_err_set(m->err, LOTSE_ENOMEM, "out of memory");
  return 0;
}

static int md_heading(md_t *m, int level, const char *s, size_t n) {
  lotse_buf_t h;
  lotse_buf_init(&h, 0);
  if (lotse_buf_append(&h, s, n)) {
    lotse_buf_release(&h);
    return lotse_err_set(m->err, LOTSE_ENOMEM, "out of memory");
  }
  md_clean_inline(&h);
  int rc = ingest_add_block(m->x, INGEST_BLOCK_HEADING, level, 0, h.data,
                            h.len, m->err);
  lotse_buf_release(&h);
  return rc;
}

/* Fence opener/closer: 3+ backticks or tildes after <= 3 spaces. */
static size_t fence_at(line_t l, char *ch) {
  size_t i = indent(l, 3), k = 0;
  if (i > 3 || i >= l.n || (l.s[i] != '`' && l.s[i] != '~')) return 0;
  *ch = l.s[i];
  while (i + k < l.n && l.s[i + k] == *ch) k++;
  return k >= 3 ? k : 0;
}

/* ATX heading: level and text (closing #s removed), or 0. */
static int atx_at(line_t l, line_t *text) {
  size_t i = indent(l, 3), h = 0;
  if (i > 3) return 0;
  while (i + h < l.n && l.s[i + h] == '#') h++;
  if (h < 1 || h > 6) return 0;
  size_t j = i + h;
  if (j < l.n && l.s[j] != ' ' && l.s[j] != '\t') return 0;
  size_t e = l.n;
  while (e > j && isspace((unsigned char)l.s[e - 1])) e--;
  size_t c = e;
  while (c > j && l.s[c - 1] == '#') c--;
  if (c == j || l.s[c - 1] == ' ' || l.s[c - 1] == '\t') e = c;
  text->s = l.s + j;
  text->n = e - j;
  return (int)h;
}

/* Line of only ch (and spaces), at least min of them: setext underline or
 * thematic break. */
static int rule_of(line_t l, char ch, size_t min) {
  size_t k = 0;
  if (indent(l, 3) > 3) return 0;
  for (size_t i = 0; i < l.n; i++) {
    if (l.s[i] == ch) k++;
    else if (l.s[i] != ' ' && l.s[i] != '\t') return 0;
  }
  return k >= min;
}

/* Table separator "|---|:--:|" carries no text; rows are paragraphs. */
static int table_rule(line_t l) {
  int dash = 0, bar = 0;
  for (size_t i = 0; i < l.n; i++) {
    if (l.s[i] == '-') dash = 1;
    else if (l.s[i] == '|') bar = 1;
    else if (l.s[i] != ':' && l.s[i] != ' ' && l.s[i] != '\t') return 0;
  }
  return dash && bar;
}

/* Strip blockquote and list markers; *item is set for a new list item. */
static line_t md_strip_markers(line_t l, int *item) {
  size_t i = 0;
  *item = 0;
  for (;;) {
    while (i < l.n && (l.s[i] == ' ' || l.s[i] == '\t')) i++;
    if (i < l.n && l.s[i] == '>') i++;
    else break;
  }
  size_t j = i;
  if (j + 1 < l.n && strchr("-*+", l.s[j]) && l.s[j + 1] == ' ') {
    j += 2;
  } else {
    while (j < l.n && isdigit((unsigned char)l.s[j]) && j - i < 9) j++;
    if (j > i && j + 1 < l.n && (l.s[j] == '.' || l.s[j] == ')') &&
        l.s[j + 1] == ' ')
      j += 2;
    else
      j = i;
  }
  *item = j != i;
  return (line_t){l.s + j, l.n - j};
}

static int md_line(md_t *m, line_t l) {
  char ch;
  size_t k;
  line_t t;
  int lvl, item;
  if (m->fence) {
    if ((k = fence_at(l, &ch)) && ch == m->fence && k >= m->fence_len &&
        rule_of(l, ch, k)) {
      int rc = md_flush(m);
      m->fence = 0;
      return rc;
    }
    return md_append(m, l.s, l.n);
  }
  if ((k = fence_at(l, &ch))) {
    int rc = md_flush(m);
    m->fence = ch;
    m->fence_len = k;
    return rc;
  }
  if (line_blank(l)) return md_flush(m);
  if ((lvl = atx_at(l, &t))) {
    int rc = md_flush(m);
    return rc ? rc : md_heading(m, lvl, t.s, t.n);
  }
  if (m->para.len && (rule_of(l, '=', 1) || rule_of(l, '-', 1))) {
    lvl = rule_of(l, '=', 1) ? 1 : 2;
    md_clean_inline(&m->para);
    int rc = md_heading(m, lvl, m->para.data, m->para.len);
    lotse_buf_reset(&m->para);
    return rc;
  }
  if (rule_of(l, '-', 3) || rule_of(l, '*', 3) || rule_of(l, '_', 3))
    return md_flush(m);
  if (table_rule(l)) return 0;
  size_t lead = indent(l, 3);
  if (lead < l.n && l.s[lead] == '|') { /* a table row is a record of its own */
    int rc = md_flush(m);
    if (!rc) rc = md_append(m, l.s, l.n);
    return rc ? rc : md_flush(m);
  }
  t = md_strip_markers(l, &item);
  int rc = item ? md_flush(m) : 0;
  return rc ? rc : md_append(m, t.s, t.n);
}

/* YAML front matter: "---" first line, "title:" inside, "---" or "...". */
static size_t md_front_matter(const char *d, size_t n, ingest_extract_t *x,
                              json_t *meta) {
  size_t pos = 0;
  line_t l;
  if (!next_line(d, n, &pos, &l) || l.n != 3 || memcmp(l.s, "---", 3))
    return 0;
  line_t title = {0};
  for (int i = 0; i < 200 && next_line(d, n, &pos, &l); i++) {
    if ((l.n == 3 && (!memcmp(l.s, "---", 3) || !memcmp(l.s, "...", 3)))) {
      if (title.n) {
        char *t = lotse_strndup(title.s, title.n);
        if (t) {
          ingest_extract_set_title(x, t);
          ingest_meta_set_str(meta, "title", t);
        }
        free(t);
      }
      return pos;
    }
    if (l.n > 6 && !strncasecmp(l.s, "title:", 6)) {
      title = (line_t){l.s + 6, l.n - 6};
      while (title.n && (*title.s == ' ' || *title.s == '"' ||
                         *title.s == '\''))
        title.s++, title.n--;
      while (title.n && (title.s[title.n - 1] == '"' ||
                         title.s[title.n - 1] == '\'' ||
                         title.s[title.n - 1] == ' '))
        title.n--;
    }
  }
  return 0; /* not closed: no front matter */
}

static int extract_markdown(const char *d, size_t n, ingest_extract_t *x,
                            json_t *meta, lotse_err_t *err) {
  md_t m = {.x = x, .err = err};
  lotse_buf_init(&m.para, 0);
  size_t pos = md_front_matter(d, n, x, meta);
  line_t l;
  int rc = 0;
  while (!rc && next_line(d, n, &pos, &l)) rc = md_line(&m, l);
  if (!rc) rc = md_flush(&m);
  lotse_buf_release(&m.para);
  return rc;
}

/* ------------------------------------------------------------------ entry */

int ingest_extract_text(const char *d, size_t n, int markdown,
                        ingest_extract_t *x, lotse_err_t *err) {
  const char *t = NULL;
  const char *enc = NULL;
  char *owned = NULL;
  size_t tn = 0;
  int rc = text_decode(d, n, &t, &tn, &owned, &enc, err);
  if (rc) return rc;
  json_t *meta = json_object();
  if (!meta) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) rc = ingest_meta_set_str(meta, "encoding", enc);
  if (!rc)
    rc = markdown ? extract_markdown(t, tn, x, meta, err)
                  : extract_plain(t, tn, x, err);
  if (!rc) rc = ingest_meta_store(x, meta, err);
  json_decref(meta);
  free(owned);
  return rc;
}

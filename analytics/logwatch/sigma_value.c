/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/sigma_value.c — the values of one detection entry
 * (`Field|mod|mod: value` or a keyword list) compiled into sg_value, and
 * the comparison of one sg_value with one field value.
 *
 * Contract: modifiers apply in the order written (`wide|base64offset|
 * contains`): encodings (wide/utf16*, base64, base64offset) and windash
 * produce literal variants, the position modifier (contains, startswith,
 * endswith) wraps them in wildcards last. Strings follow Sigma's escaping:
 * `*` and `?` are wildcards, `\*`, `\?`, `\\` literals, any other backslash
 * is itself. Unknown or unsupported modifiers make the rule unsupported
 * (return 1, reason in msg); nothing is half-compiled.
 */
#include "analytics/logwatch/sigma_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------ Sigma strings */

typedef struct sstr {
  char *s;
  uint8_t *m; /* SG_WILD_* */
  size_t n;
} sstr;

static void sstr_free(sstr *x) {
  free(x->s), free(x->m);
  x->s = NULL, x->m = NULL, x->n = 0;
}

int sg_sstr_parse(const char *in, size_t n, char **s, uint8_t **mask,
                  size_t *len) {
  char *o = malloc(n + 1);
  uint8_t *m = malloc(n + 1);
  if (!o || !m) {
    free(o), free(m);
    return LOTSE_ENOMEM;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    char c = in[i];
    if (c == '\\' && i + 1 < n &&
        (in[i + 1] == '*' || in[i + 1] == '?' || in[i + 1] == '\\')) {
      o[k] = in[++i], m[k++] = SG_WILD_NONE;
    } else if (c == '*' || c == '?') {
      o[k] = c, m[k++] = c == '*' ? SG_WILD_STAR : SG_WILD_ONE;
    } else {
      o[k] = c, m[k++] = SG_WILD_NONE;
    }
  }
  o[k] = 0;
  *s = o, *mask = m, *len = k;
  return 0;
}

static int has_wild(const sstr *x) {
  for (size_t i = 0; i < x->n; i++)
    if (x->m[i]) return 1;
  return 0;
}

size_t sg_fold(const char *in, size_t n, char *out) {
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    uint8_t c = (uint8_t)in[i];
    if (c < 0x80) {
      out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)in + i,
                                          (utf8proc_ssize_t)(n - i), &cp);
    if (l <= 0) {
      out[k++] = (char)c, i++;
      continue;
    }
    k += (size_t)utf8proc_encode_char(utf8proc_tolower(cp),
                                      (utf8proc_uint8_t *)out + k);
    i += (size_t)l;
  }
  return k;
}

/* ------------------------------------------------------------ modifiers */

enum { POS_EQ, POS_CONTAINS, POS_START, POS_END };

typedef struct mods {
  int pos, all, re, re_i, re_m, re_s, cidr, cased, windash, exists, cmp,
      fieldref;
  int enc[4], nenc; /* in order: 'w' wide, 'b' utf16be, 'u' utf16 (BOM),
                       '6' base64, 'o' base64offset */
} mods;

static int parse_mods(const char *key, mods *md, char *msg, size_t msgcap) {
  memset(md, 0, sizeof *md);
  const char *p = strchr(key, '|');
  while (p) {
    const char *q = strchr(p + 1, '|');
    size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
    char m[32];
    if (n >= sizeof m) n = sizeof m - 1;
    memcpy(m, p + 1, n), m[n] = 0;
    int e = 0;
    if (!strcmp(m, "contains")) md->pos = POS_CONTAINS;
    else if (!strcmp(m, "startswith")) md->pos = POS_START;
    else if (!strcmp(m, "endswith")) md->pos = POS_END;
    else if (!strcmp(m, "all")) md->all = 1;
    else if (!strcmp(m, "re")) md->re = 1;
    else if (!strcmp(m, "i")) md->re_i = 1;
    else if (!strcmp(m, "m")) md->re_m = 1;
    else if (!strcmp(m, "s")) md->re_s = 1;
    else if (!strcmp(m, "cidr")) md->cidr = 1;
    else if (!strcmp(m, "cased")) md->cased = 1;
    else if (!strcmp(m, "windash")) md->windash = 1;
    else if (!strcmp(m, "exists")) md->exists = 1;
    else if (!strcmp(m, "fieldref")) md->fieldref = 1;
    else if (!strcmp(m, "lt")) md->cmp = SG_LT;
    else if (!strcmp(m, "lte")) md->cmp = SG_LTE;
    else if (!strcmp(m, "gt")) md->cmp = SG_GT;
    else if (!strcmp(m, "gte")) md->cmp = SG_GTE;
    else if (!strcmp(m, "wide") || !strcmp(m, "utf16le")) e = 'w';
    else if (!strcmp(m, "utf16be")) e = 'b';
    else if (!strcmp(m, "utf16")) e = 'u';
    else if (!strcmp(m, "base64")) e = '6';
    else if (!strcmp(m, "base64offset")) e = 'o';
    else {
      snprintf(msg, msgcap, "modifier '%s' not supported", m);
      return 1;
    }
    if (e) {
      if (md->nenc == 4) {
        snprintf(msg, msgcap, "too many encoding modifiers");
        return 1;
      }
      md->enc[md->nenc++] = e;
    }
    p = q;
  }
  return 0;
}

/* ------------------------------------------------------------ encodings */

/* UTF-8 literal runs → UTF-16 (le/be, optional BOM); wildcards stay. */
static int enc_utf16(const sstr *in, sstr *out, int be, int bom) {
  size_t cap = in->n * 4 + 3;
  out->s = malloc(cap), out->m = calloc(cap, 1), out->n = 0;
  if (!out->s || !out->m) return LOTSE_ENOMEM;
  size_t k = 0;
  if (bom) {
    out->s[k++] = be ? (char)0xFE : (char)0xFF;
    out->s[k++] = be ? (char)0xFF : (char)0xFE;
  }
  for (size_t i = 0; i < in->n;) {
    if (in->m[i]) {
      out->m[k] = in->m[i], out->s[k++] = in->s[i++];
      continue;
    }
    const uint8_t *u = (const uint8_t *)in->s + i;
    uint32_t cp = u[0];
    size_t l = 1;
    if (cp >= 0xF0 && i + 3 < in->n)
      cp = ((cp & 7u) << 18) | ((u[1] & 63u) << 12) | ((u[2] & 63u) << 6) |
           (u[3] & 63u), l = 4;
    else if (cp >= 0xE0 && i + 2 < in->n)
      cp = ((cp & 15u) << 12) | ((u[1] & 63u) << 6) | (u[2] & 63u), l = 3;
    else if (cp >= 0xC0 && i + 1 < in->n)
      cp = ((cp & 31u) << 6) | (u[1] & 63u), l = 2;
    i += l;
    uint16_t units[2];
    int nu = 1;
    if (cp > 0xFFFF) {
      cp -= 0x10000;
      units[0] = (uint16_t)(0xD800 + (cp >> 10));
      units[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
      nu = 2;
    } else {
      units[0] = (uint16_t)cp;
    }
    for (int j = 0; j < nu; j++) {
      out->s[k++] = (char)(be ? units[j] >> 8 : units[j] & 0xFF);
      out->s[k++] = (char)(be ? units[j] & 0xFF : units[j] >> 8);
    }
  }
  out->s[k] = 0, out->n = k;
  return 0;
}

static const char b64c[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64(const uint8_t *p, size_t n, char *out) {
  size_t k = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16;
    if (i + 1 < n) v |= (uint32_t)p[i + 1] << 8;
    if (i + 2 < n) v |= p[i + 2];
    out[k++] = b64c[(v >> 18) & 63];
    out[k++] = b64c[(v >> 12) & 63];
    out[k++] = i + 1 < n ? b64c[(v >> 6) & 63] : '=';
    out[k++] = i + 2 < n ? b64c[v & 63] : '=';
  }
  out[k] = 0;
  return k;
}

static int sstr_lit(sstr *x, const char *p, size_t n) {
  x->s = malloc(n + 1), x->m = calloc(n + 1, 1), x->n = n;
  if (!x->s || !x->m) return LOTSE_ENOMEM;
  memcpy(x->s, p, n), x->s[n] = 0;
  return 0;
}

/* base64 (off < 0) or the three base64offset variants (off 0..2). */
static int enc_b64(const sstr *in, int off, sstr *out) {
  size_t n = in->n + (off > 0 ? (size_t)off : 0);
  uint8_t *buf = malloc(n + 1);
  char *enc = malloc(n / 3 * 4 + 8);
  if (!buf || !enc) {
    free(buf), free(enc);
    return LOTSE_ENOMEM;
  }
  size_t pad = off > 0 ? (size_t)off : 0;
  memset(buf, ' ', pad);
  memcpy(buf + pad, in->s, in->n);
  size_t el = b64(buf, n, enc), start = 0, end = el;
  if (off >= 0) {
    static const size_t so[3] = {0, 2, 3}, eo[3] = {0, 3, 2};
    start = so[off];
    size_t cut = eo[(in->n + (size_t)off) % 3];
    end = el >= cut ? el - cut : 0;
    if (end < start) end = start;
  }
  int rc = sstr_lit(out, enc + start, end - start);
  free(buf), free(enc);
  return rc;
}

/* ----------------------------------------------------------- variants */

typedef struct vlist {
  sstr *v;
  size_t n, cap;
} vlist;

static int vpush(vlist *l, sstr x) {
  if (l->n == l->cap) {
    size_t c = l->cap ? l->cap * 2 : 4;
    sstr *q = realloc(l->v, c * sizeof *q);
    if (!q) return LOTSE_ENOMEM;
    l->v = q, l->cap = c;
  }
  l->v[l->n++] = x;
  return 0;
}

static void vfree(vlist *l) {
  for (size_t i = 0; i < l->n; i++) sstr_free(&l->v[i]);
  free(l->v);
  l->v = NULL, l->n = l->cap = 0;
}

static int isword(int c) { return isalnum(c) || c == '_' || c >= 0x80; }

/* windash: `-` or `/` at the start of a word (Sigma's \B[-/]\b) in each
 * of the five spellings Windows accepts. */
static int windash(const sstr *x, vlist *out) {
  static const char *dash[5] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94",
                                "\xE2\x80\x95"};
  size_t pos[3], k = 0;
  for (size_t i = 0; i + 1 < x->n && k < 3; i++) {
    if (x->m[i] || (x->s[i] != '-' && x->s[i] != '/')) continue;
    int prev_word = i > 0 && !x->m[i - 1] && isword((uint8_t)x->s[i - 1]);
    if (!prev_word && !x->m[i + 1] && isword((uint8_t)x->s[i + 1]))
      pos[k++] = i;
  }
  size_t combos = 1;
  for (size_t j = 0; j < k; j++) combos *= 5;
  for (size_t c = 0; c < combos; c++) {
    sstr y = {malloc(x->n * 3 + 1), calloc(x->n * 3 + 1, 1), 0};
    if (!y.s || !y.m) {
      sstr_free(&y);
      return LOTSE_ENOMEM;
    }
    size_t cc = c, j = 0;
    for (size_t i = 0; i < x->n; i++) {
      if (j < k && pos[j] == i) {
        const char *d = dash[cc % 5];
        cc /= 5, j++;
        for (; *d; d++) y.s[y.n++] = *d;
        continue;
      }
      y.m[y.n] = x->m[i], y.s[y.n++] = x->s[i];
    }
    y.s[y.n] = 0;
    if (vpush(out, y)) {
      sstr_free(&y);
      return LOTSE_ENOMEM;
    }
  }
  return 0;
}

/* Apply one encoding to every variant in l (replacing l). */
static int encode_all(vlist *l, int e, char *msg, size_t msgcap) {
  vlist out = {0};
  for (size_t i = 0; i < l->n; i++) {
    sstr *x = &l->v[i];
    if ((e == '6' || e == 'o') && has_wild(x)) {
      vfree(&out);
      snprintf(msg, msgcap, "base64 of a value with wildcards");
      return 1;
    }
    int rc = 0;
    for (int off = e == 'o' ? 0 : -1; !rc && off < (e == 'o' ? 3 : 0); off++) {
      sstr y = {0};
      if (e == '6' || e == 'o') rc = enc_b64(x, off, &y);
      else rc = enc_utf16(x, &y, e == 'b', e == 'u');
      if (!rc && y.n == 0) {
        sstr_free(&y);
        continue;
      }
      if (!rc) rc = vpush(&out, y);
      if (rc) sstr_free(&y);
    }
    if (rc) {
      vfree(&out);
      return rc;
    }
  }
  vfree(l);
  *l = out;
  return 0;
}

/* ------------------------------------------------------- final values */

static int finish_str(const sstr *x, int pos, int cased, sg_value *v) {
  size_t cap = 2 * x->n + 3;
  char *s = malloc(cap);
  uint8_t *m = calloc(cap, 1);
  if (!s || !m) {
    free(s), free(m);
    return LOTSE_ENOMEM;
  }
  size_t k = 0;
  if (pos == POS_CONTAINS || pos == POS_END) s[k] = '*', m[k++] = SG_WILD_STAR;
  for (size_t i = 0; i < x->n;) {
    if (x->m[i]) {
      s[k] = x->s[i], m[k++] = x->m[i++];
      continue;
    }
    size_t j = i;
    while (j < x->n && !x->m[j]) j++;
    if (cased) memcpy(s + k, x->s + i, j - i), k += j - i;
    else k += sg_fold(x->s + i, j - i, s + k); /* m stays 0 (calloc) */
    i = j;
  }
  if (pos == POS_CONTAINS || pos == POS_START) s[k] = '*', m[k++] = SG_WILD_STAR;
  s[k] = 0;
  /* Classify: literal core between optional leading/trailing stars. */
  size_t a = 0, b = k;
  while (a < b && m[a] == SG_WILD_STAR) a++;
  while (b > a && m[b - 1] == SG_WILD_STAR) b--;
  int inner = 0;
  for (size_t i = a; i < b; i++) inner |= m[i];
  memset(v, 0, sizeof *v);
  v->cased = (uint8_t)cased;
  if (inner || (a > 1) || (k - b > 1) || (a == b && k > 0)) {
    v->kind = SG_GLOB, v->s = s, v->mask = m, v->len = k;
    if (a == b && k > 0) { /* only stars: matches anything */
      v->kind = SG_CONTAINS, v->len = 0, s[0] = 0;
      free(m), v->mask = NULL;
    }
    return 0;
  }
  free(m);
  memmove(s, s + a, b - a), s[b - a] = 0;
  v->s = s, v->len = b - a;
  v->kind = a && k > b ? SG_CONTAINS : a ? SG_END : k > b ? SG_START : SG_EQ;
  return 0;
}

static int compile_re(const char *src, size_t n, const mods *md, sg_value *v,
                      char *msg, size_t msgcap) {
  uint32_t opt = (md->re_i ? PCRE2_CASELESS : 0) |
                 (md->re_m ? PCRE2_MULTILINE : 0) |
                 (md->re_s ? PCRE2_DOTALL : 0);
  int ec;
  PCRE2_SIZE eo;
  memset(v, 0, sizeof *v);
  v->kind = SG_RE, v->cased = 1;
  v->re = pcre2_compile((PCRE2_SPTR)src, n, opt, &ec, &eo, NULL);
  if (!v->re) {
    char buf[120];
    pcre2_get_error_message(ec, (PCRE2_UCHAR *)buf, sizeof buf);
    snprintf(msg, msgcap, "regular expression does not compile: %s", buf);
    return 1;
  }
  pcre2_jit_compile(v->re, PCRE2_JIT_COMPLETE); /* falls back if absent */
  return 0;
}

static int compile_cidr(const char *src, sg_value *v, char *msg,
                        size_t msgcap) {
  char buf[64];
  snprintf(buf, sizeof buf, "%s", src);
  char *sl = strchr(buf, '/');
  memset(v, 0, sizeof *v);
  v->kind = SG_CIDR;
  if (sl) *sl = 0;
  v->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
  int max = v->family == AF_INET6 ? 128 : 32;
  v->prefix = sl ? atoi(sl + 1) : max;
  if (inet_pton(v->family, buf, v->net) != 1 || v->prefix < 0 ||
      v->prefix > max) {
    snprintf(msg, msgcap, "bad network '%s' for |cidr", src);
    return 1;
  }
  return 0;
}

static int push_value(sg_test *t, const sg_value *v) {
  sg_value *q = realloc(t->v, (t->nv + 1) * sizeof *q);
  if (!q) return LOTSE_ENOMEM;
  t->v = q;
  t->v[t->nv++] = *v;
  return 0;
}

/* One scalar → one or more values appended to t. */
static int one_value(lw_sigma *s, const mods *md, const yaml_node_t *n,
                     sg_test *t, char *msg, size_t msgcap) {
  const char *txt = (const char *)n->data.scalar.value;
  size_t len = n->data.scalar.length;
  int plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  sg_value v;
  memset(&v, 0, sizeof v);
  if (md->exists) {
    v.kind = SG_EXISTS;
    v.num = !strcmp(txt, "true") || !strcmp(txt, "yes");
    return push_value(t, &v);
  }
  if (plain && (len == 0 || !strcmp(txt, "null") || !strcmp(txt, "~"))) {
    v.kind = SG_NULL;
    return push_value(t, &v);
  }
  if (md->cmp) {
    char *end;
    v.kind = (uint8_t)md->cmp, v.num = strtod(txt, &end);
    if (end == txt) {
      snprintf(msg, msgcap, "comparison with a non-number '%s'", txt);
      return 1;
    }
    return push_value(t, &v);
  }
  if (md->fieldref) {
    v.kind = SG_FIELDREF;
    int rc = sg_names_intern(&s->names, txt, len, &v.ref);
    return rc ? rc : push_value(t, &v);
  }
  int rc;
  if (md->re || md->cidr) {
    rc = md->re ? compile_re(txt, len, md, &v, msg, msgcap)
                : compile_cidr(txt, &v, msg, msgcap);
    if (!rc) rc = push_value(t, &v);
    if (rc) sg_value_release(&v);
    return rc;
  }
  vlist l = {0};
  sstr x = {0};
  rc = sg_sstr_parse(txt, len, &x.s, &x.m, &x.n);
  if (!rc) rc = vpush(&l, x);
  if (rc) sstr_free(&x);
  for (int i = 0; !rc && i < md->nenc; i++)
    rc = encode_all(&l, md->enc[i], msg, msgcap);
  if (!rc && md->windash) {
    vlist w = {0};
    for (size_t i = 0; !rc && i < l.n; i++) rc = windash(&l.v[i], &w);
    vfree(&l);
    l = w;
  }
  for (size_t i = 0; !rc && i < l.n; i++) {
    rc = finish_str(&l.v[i], md->pos, md->cased, &v);
    if (!rc) rc = push_value(t, &v);
  }
  vfree(&l);
  return rc;
}

int sg_values_compile(lw_sigma *s, const char *key, yaml_document_t *doc,
                      yaml_node_t *node, sg_test *out, char *msg,
                      size_t msgcap) {
  mods md;
  memset(out, 0, sizeof *out);
  out->field = -1;
  if (key) {
    int rc = parse_mods(key, &md, msg, msgcap);
    if (rc) return rc;
    const char *bar = strchr(key, '|');
    size_t fl = bar ? (size_t)(bar - key) : strlen(key);
    if (fl > 0) {
      rc = sg_names_intern(&s->names, key, fl, &out->field);
      if (rc) return rc;
    } else {
      md.pos = md.pos ? md.pos : POS_CONTAINS; /* keyword with modifiers */
    }
  } else {
    memset(&md, 0, sizeof md);
    md.pos = POS_CONTAINS;
  }
  if (out->field < 0 && (md.exists || md.fieldref)) {
    snprintf(msg, msgcap, "keyword with |exists or |fieldref");
    return 1;
  }
  out->all = (uint8_t)md.all;
  int rc = 0;
  if (node->type == YAML_SCALAR_NODE) {
    rc = one_value(s, &md, node, out, msg, msgcap);
  } else if (node->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *it = node->data.sequence.items.start;
         !rc && it < node->data.sequence.items.top; it++) {
      yaml_node_t *c = yaml_document_get_node(doc, *it);
      if (!c || c->type != YAML_SCALAR_NODE) {
        snprintf(msg, msgcap, "value list with a nested structure");
        rc = 1;
      } else {
        rc = one_value(s, &md, c, out, msg, msgcap);
      }
    }
  } else {
    snprintf(msg, msgcap, "field value is a map");
    rc = 1;
  }
  if (!rc && out->nv == 0) {
    snprintf(msg, msgcap, "empty value list");
    rc = 1;
  }
  return rc;
}

void sg_value_release(sg_value *v) {
  free(v->s), free(v->mask);
  if (v->re) pcre2_code_free(v->re);
  memset(v, 0, sizeof *v);
}

/* ------------------------------------------------------------ matching */

int sg_glob_match(const char *p, const uint8_t *mask, size_t pn,
                  const char *t, size_t tn) {
  size_t pi = 0, ti = 0, star_p = (size_t)-1, star_t = 0;
  while (ti < tn) {
    if (pi < pn && mask[pi] == SG_WILD_STAR) {
      star_p = pi++, star_t = ti;
    } else if (pi < pn && (mask[pi] == SG_WILD_ONE || p[pi] == t[ti])) {
      pi++, ti++;
    } else if (star_p != (size_t)-1) {
      pi = star_p + 1, ti = ++star_t;
    } else {
      return 0;
    }
  }
  while (pi < pn && mask[pi] == SG_WILD_STAR) pi++;
  return pi == pn;
}

static int ip_in(const sg_value *v, const char *raw, size_t len) {
  char buf[64];
  uint8_t a[16];
  if (len >= sizeof buf) return 0;
  memcpy(buf, raw, len), buf[len] = 0;
  if (inet_pton(v->family, buf, a) != 1) return 0;
  int bits = v->prefix;
  for (int i = 0; bits > 0; i++, bits -= 8) {
    uint8_t m = bits >= 8 ? 0xFF : (uint8_t)(0xFF << (8 - bits));
    if ((a[i] & m) != (v->net[i] & m)) return 0;
  }
  return 1;
}

static int num_cmp(const sg_value *v, const char *raw, size_t len) {
  char buf[64], *end;
  if (len == 0 || len >= sizeof buf) return 0;
  memcpy(buf, raw, len), buf[len] = 0;
  double d = strtod(buf, &end);
  if (end == buf) return 0;
  switch (v->kind) {
  case SG_LT: return d < v->num;
  case SG_LTE: return d <= v->num;
  case SG_GT: return d > v->num;
  default: return d >= v->num;
  }
}

/* Substring search for the short needles and values of log fields:
 * memchr for the first byte, then compare (glibc's memmem sets up a
 * two-way search first, which dominates at these sizes). */
static int has_sub(const char *h, size_t hn, const char *n, size_t nn) {
  if (nn == 0) return 1;
  if (hn < nn) return 0;
  const char *end = h + (hn - nn) + 1;
  char first = n[0];
  while (h < end) {
    const char *p = memchr(h, first, (size_t)(end - h));
    if (!p) return 0;
    if (memcmp(p + 1, n + 1, nn - 1) == 0) return 1;
    h = p + 1;
  }
  return 0;
}

int sg_value_match(const sg_value *v, const char *raw, size_t rawlen,
                   const char *low, size_t lowlen, pcre2_match_data *md,
                   pcre2_match_context *mc) {
  const char *t = v->cased ? raw : low;
  size_t len = v->cased ? rawlen : lowlen;
  switch (v->kind) {
  case SG_EQ:
    return len == v->len && memcmp(t, v->s, len) == 0;
  case SG_CONTAINS:
    return has_sub(t, len, v->s, v->len);
  case SG_START:
    return len >= v->len && memcmp(t, v->s, v->len) == 0;
  case SG_END:
    return len >= v->len && memcmp(t + len - v->len, v->s, v->len) == 0;
  case SG_GLOB:
    return sg_glob_match(v->s, v->mask, v->len, t, len);
  case SG_RE:
    /* over the limit (PCRE2_ERROR_MATCHLIMIT …) counts as no match */
    return pcre2_match(v->re, (PCRE2_SPTR)raw, rawlen, 0, 0, md, mc) >= 0;
  case SG_CIDR:
    return ip_in(v, raw, rawlen);
  case SG_LT: case SG_LTE: case SG_GT: case SG_GTE:
    return num_cmp(v, raw, rawlen);
  default:
    return 0;
  }
}

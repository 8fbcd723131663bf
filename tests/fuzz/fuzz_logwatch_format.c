/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/fuzz/fuzz_logwatch_format.c — libFuzzer harness for the header
 * pattern matcher (analytics/logwatch/format.h).
 *
 * The first input byte picks one of the ten loghub formats (the published
 * Drain settings) or, when it is 0xff, makes the input up to the first
 * newline a pattern of its own (compiled; a refusal must come with a
 * message); the rest is the line. Properties (the line is an exact-size
 * heap copy):
 *   - the result is 1 (matched) or 0 (malformed), also for a line that
 *     needs more backtracking than PCRE2 allows;
 *   - matched: n = min(cap, number of fields), every field named and inside
 *     the line, the content inside the line; the content is the trimmed
 *     line when the format has no <Content>; cap 0 with NULL fields works;
 *   - whitespace around the line changes nothing (same result, same
 *     content bytes);
 *   - lines that cannot match are malformed: behind "x" for the Apache
 *     format ("\\[<Time>\\] ..."), and any line without "sshd[" for the
 *     OpenSSH format.
 * Build and run: scripts/fuzz-logwatch.sh.
 */
#include "analytics/logwatch/format.h"
#include "tests/fuzz/fuzz_logwatch.h"

static const char *const formats[] = {
    "<Date> <Time> <Pid> <Level> <Component>: <Content>",
    "<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>",
    "<Date> <Time> <Level> <Component>: <Content>",
    "<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>",
    "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> "
    "<Component> <Level> <Content>",
    "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>",
    "<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> "
    "<Component>(\\[<PID>\\])?: <Content>",
    "<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>",
    "\\[<Time>\\] \\[<Level>\\] <Content>",
    "<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>",
    "<Host> <Message>", /* no <Content>: content is the whole line */
};
enum { N_FORMATS = sizeof formats / sizeof *formats, APACHE = 8, SSH = 9 };

static lw_format *compiled[N_FORMATS];

static int match_checked(const lw_format *f, const char *line, size_t len,
                         const char **c, size_t *cl) {
  lw_field fl[LW_FORMAT_MAX_FIELDS];
  size_t nf = lw_format_nfields(f), n = 99;
  int rc = lw_format_match(f, line, len, fl, LW_FORMAT_MAX_FIELDS, &n, c, cl);
  FZ_CHECK(rc == 0 || rc == 1,
           "result 1 or 0");
  FZ_CHECK(lw_format_match(f, line, len, NULL, 0, NULL, NULL, NULL) == rc,
           "cap 0 answers the same");
  if (rc != 1) return rc;
  FZ_CHECK(n == nf, "all fields filled");
  FZ_CHECK(fz_inside(*c, *cl, line, len) && *c, "content inside the line");
  int has_content = 0;
  for (size_t i = 0; i < n; i++) {
    FZ_CHECK(fl[i].name && !strcmp(fl[i].name, lw_format_field_name(f, i)),
             "field names in order");
    FZ_CHECK(fz_inside(fl[i].value, fl[i].value_len, line, len) &&
                 fl[i].value,
             "field inside the line");
    if (!strcmp(fl[i].name, "Content")) has_content = 1;
  }
  if (!has_content && *cl) /* the trimmed line */
    FZ_CHECK((*c)[0] != ' ' && (*c)[0] != '\t' && (*c)[*cl - 1] != ' ' &&
                 (*c)[*cl - 1] != '\n',
             "content is the trimmed line");
  size_t k = 3;
  lw_field few[3];
  if (nf >= k)
    FZ_CHECK(lw_format_match(f, line, len, few, k, &n, NULL, NULL) == 1 &&
                 n == k,
             "cap bounds the fields");
  return rc;
}

static void padded_same(const lw_format *f, const char *line, size_t len,
                        int rc, const char *c, size_t cl) {
  char *p = malloc(len + 4);
  FZ_CHECK(p != NULL, "memory");
  memcpy(p, " \t", 2);
  if (len) memcpy(p + 2, line, len);
  memcpy(p + 2 + len, "\r\n", 2);
  const char *c2 = NULL;
  size_t cl2 = 0;
  int rc2 = match_checked(f, p, len + 4, &c2, &cl2);
  {
    FZ_CHECK(rc2 == rc, "surrounding whitespace does not change the result");
    if (rc == 1)
      FZ_CHECK(cl2 == cl && (cl == 0 || !memcmp(c, c2, cl)),
               "surrounding whitespace does not change the content");
  }
  free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  unsigned sel = data[0];
  data++, size--;
  lw_format *own = NULL;
  const lw_format *f;
  if (sel == 0xff) {
    const uint8_t *nl = memchr(data, '\n', size);
    if (!nl || size > 512) return 0; /* keep backtracking patterns short */
    size_t pl = (size_t)(nl - data);
    char *pat = fz_dup(data, pl, 0, NULL);
    pat = realloc(pat, pl + 1);
    FZ_CHECK(pat != NULL, "memory");
    pat[pl] = 0;
    lotse_err_t err = {0};
    int rc = lw_format_compile(pat, &own, &err);
    free(pat);
    if (rc) {
      FZ_CHECK(rc < 0 && !own && err.msg[0], "refused pattern says why");
      return 0;
    }
    data = nl + 1, size -= pl + 1;
    f = own;
  } else {
    sel %= N_FORMATS;
    if (!compiled[sel]) {
      lotse_err_t err = {0};
      FZ_CHECK(lw_format_compile(formats[sel], &compiled[sel], &err) == 0,
               "loghub format compiles");
    }
    f = compiled[sel];
  }
  char *line = fz_dup(data, size, 0, NULL);
  const char *c = NULL;
  size_t cl = 0;
  int rc = match_checked(f, line, size, &c, &cl);
  padded_same(f, line, size, rc, c, cl);
  if (!own && sel == SSH && !memmem(line, size, "sshd[", 5))
    FZ_CHECK(rc == 0, "no 'sshd[' -> malformed for the OpenSSH format");
  free(line);
  if (!own && sel == APACHE) {
    line = fz_dup(data, size, 1, "x");
    FZ_CHECK(match_checked(f, line, size + 1, &c, &cl) == 0,
             "'x...' is malformed for the Apache format");
    free(line);
  }
  lw_format_free(own);
  return 0;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_sigma.c — Sigma rules: value modifiers,
 * wildcards and escapes, conditions, log sources, unsupported rules with
 * their reason; every match is computed twice, with and without the
 * prefilter, and both must agree (prefilter soundness).
 */
#include "testutil.h"

#include "analytics/logwatch/sigma.h"

#define PROC "logsource:\n  product: windows\n  category: process_creation\n"

/* Windows process creation (Sysmon 1) with extra name/value pairs. */
static size_t sysmon_fields(lw_field *f, const char *eid, const char *chan,
                            va_list ap) {
  size_t n = 0;
  f[n++] = (lw_field){"Event.System.Channel", chan, strlen(chan)};
  f[n++] = (lw_field){"Event.System.EventID", eid, strlen(eid)};
  f[n++] = (lw_field){"Event.System.Provider.Name", "Microsoft-Windows-Sysmon", 24};
  const char *k;
  while ((k = va_arg(ap, const char *))) {
    const char *v = va_arg(ap, const char *);
    f[n++] = (lw_field){k, v, strlen(v)};
  }
  return n;
}

static int fires_once(const char *rule, int prefilter, const lw_event *ev) {
  lw_sigma *s = lw_sigma_new();
  assert_non_null(s);
  lw_sigma_set_prefilter(s, prefilter);
  lotse_err_t err = {0};
  int rc = lw_sigma_load_text(s, rule, strlen(rule), "t.yml", &err);
  if (rc != 0) {
    assert_int_equal(lw_sigma_unsupported_count(s), 1);
    print_message("unsupported: %s\n", lw_sigma_unsupported(s, 0).reason);
    lw_sigma_free(s);
    return -1;
  }
  assert_int_equal(lw_sigma_compile(s, &err), 0);
  lw_sigma_ctx *c = lw_sigma_ctx_new(s);
  const uint32_t *hits;
  size_t n;
  assert_int_equal(lw_sigma_match(c, ev, &hits, &n), 0);
  lw_sigma_ctx_free(c);
  lw_sigma_free(s);
  return (int)n;
}

static int fires_ev(const char *rule, const lw_event *ev) {
  int a = fires_once(rule, 1, ev), b = fires_once(rule, 0, ev);
  assert_int_equal(a, b);
  return a;
}

/* 1 when rule fires on a Sysmon/Operational event id 1 with the pairs. */
static int fires(const char *rule, ...) {
  lw_field f[32];
  va_list ap;
  va_start(ap, rule);
  size_t n = sysmon_fields(f, "1", "Microsoft-Windows-Sysmon/Operational", ap);
  va_end(ap);
  lw_event ev = {"t", 1, 0, NULL, 0, f, n, 0};
  return fires_ev(rule, &ev);
}

static int fires_in(const char *eid, const char *chan, const char *rule, ...) {
  lw_field f[32];
  va_list ap;
  va_start(ap, rule);
  size_t n = sysmon_fields(f, eid, chan, ap);
  va_end(ap);
  lw_event ev = {"t", 1, 0, NULL, 0, f, n, 0};
  return fires_ev(rule, &ev);
}

static void test_string_modifiers(void **state) {
  (void)state;
  const char *r = "title: t\nid: x\n" PROC
                  "detection:\n  sel:\n    Image|endswith: '\\cmd.exe'\n"
                  "    CommandLine|contains|all: [' /c ', 'whoami']\n"
                  "  condition: sel\n";
  assert_int_equal(fires(r, "Image", "C:\\Windows\\System32\\CMD.EXE",
                         "CommandLine", "cmd /C WhoAmI /all", NULL), 1);
  assert_int_equal(fires(r, "Image", "C:\\Windows\\System32\\cmd.exe",
                         "CommandLine", "cmd /c dir", NULL), 0);
  assert_int_equal(fires(r, "Image", "C:\\x\\notcmd.exe.bak", "CommandLine",
                         "x /c whoami", NULL), 0);
  const char *sw = "title: t\n" PROC
                   "detection:\n  sel:\n    ParentImage|startswith:\n"
                   "      - 'C:\\Temp\\'\n      - 'C:\\Users\\Public\\'\n"
                   "  condition: sel\n";
  assert_int_equal(fires(sw, "ParentImage", "c:\\users\\public\\a.exe", NULL), 1);
  assert_int_equal(fires(sw, "ParentImage", "D:\\c:\\temp\\a.exe", NULL), 0);
  /* |cased keeps case */
  const char *cs = "title: t\n" PROC
                   "detection:\n  sel:\n    CommandLine|cased|contains: 'IEX'\n"
                   "  condition: sel\n";
  assert_int_equal(fires(cs, "CommandLine", "powershell IEX(x)", NULL), 1);
  assert_int_equal(fires(cs, "CommandLine", "powershell iex(x)", NULL), 0);
}

/* Case-insensitive beyond ASCII (Unicode simple lower case), also where
 * the lower-case letter needs more bytes (U+023A -> U+2C65). */
static void test_unicode_case(void **state) {
  (void)state;
  const char *r = "title: t\n" PROC
                  "detection:\n  sel:\n    CommandLine|contains:\n"
                  "      - 'contraseña'\n      - 'müller'\n      - '\xE2\xB1\xA5x'\n"
                  "  condition: sel\n";
  assert_int_equal(fires(r, "CommandLine", "findstr CONTRASEÑA *.txt", NULL), 1);
  assert_int_equal(fires(r, "CommandLine", "dir C:\\Users\\MÜLLER", NULL), 1);
  assert_int_equal(fires(r, "CommandLine", "a \xC8\xBAX b", NULL), 1);
  assert_int_equal(fires(r, "CommandLine", "dir C:\\Users\\MULLER", NULL), 0);
  /* |cased keeps Unicode case as well */
  const char *c = "title: t\n" PROC
                  "detection:\n  sel:\n    CommandLine|cased|contains: 'MÜLLER'\n"
                  "  condition: sel\n";
  assert_int_equal(fires(c, "CommandLine", "x MÜLLER", NULL), 1);
  assert_int_equal(fires(c, "CommandLine", "x müller", NULL), 0);
}

static void test_wildcards_and_escapes(void **state) {
  (void)state;
  const char *r = "title: t\n" PROC
                  "detection:\n  sel:\n    CommandLine: '*\\\\?\\\\pipe\\\\*a?c*'\n"
                  "  condition: sel\n";
  /* the YAML text is *\\?\\pipe\\*a?c*: each "\\" pair is one escaped
   * (literal) backslash, so "?" stays a one-character wildcard */
  assert_int_equal(fires(r, "CommandLine", "x \\?\\pipe\\ABC y", NULL), 1);
  assert_int_equal(fires(r, "CommandLine", "x \\Z\\pipe\\abc y", NULL), 1);
  assert_int_equal(fires(r, "CommandLine", "x Z\\pipe\\abc y", NULL), 0);
  assert_int_equal(fires(r, "CommandLine", "x \\Z\\pipe\\ac y", NULL), 0);
  const char *lit = "title: t\n" PROC
                    "detection:\n  sel:\n    CommandLine: 'a\\*b'\n"
                    "  condition: sel\n";
  assert_int_equal(fires(lit, "CommandLine", "a*b", NULL), 1);
  assert_int_equal(fires(lit, "CommandLine", "axxb", NULL), 0);
  /* plain backslash before other characters is itself */
  const char *path = "title: t\n" PROC
                     "detection:\n  sel:\n    Image: 'C:\\Windows\\x.exe'\n"
                     "  condition: sel\n";
  assert_int_equal(fires(path, "Image", "c:\\windows\\X.exe", NULL), 1);
}

static void test_re_cidr_numbers(void **state) {
  (void)state;
  const char *re = "title: t\n" PROC
                   "detection:\n  sel:\n    CommandLine|re: '-[Ee]nc(odedcommand)? [A-Za-z0-9+/=]{8,}'\n"
                   "  condition: sel\n";
  assert_int_equal(fires(re, "CommandLine", "powershell -enc SQBFAFgAKAA=", NULL), 1);
  assert_int_equal(fires(re, "CommandLine", "powershell -ENC SQBFAFgAKAA=", NULL), 0);
  const char *rei = "title: t\n" PROC
                    "detection:\n  sel:\n    CommandLine|re|i: 'ENC [a-z]+'\n"
                    "  condition: sel\n";
  assert_int_equal(fires(rei, "CommandLine", "x -enc abc", NULL), 1);
  const char *cidr = "title: t\nlogsource:\n  product: windows\n  category: network_connection\n"
                     "detection:\n  sel:\n    DestinationIp|cidr:\n      - '10.0.0.0/8'\n"
                     "      - 'fe80::/10'\n  condition: sel\n";
  assert_int_equal(fires_in("3", "Microsoft-Windows-Sysmon/Operational", cidr,
                            "DestinationIp", "10.200.3.4", NULL), 1);
  assert_int_equal(fires_in("3", "Microsoft-Windows-Sysmon/Operational", cidr,
                            "DestinationIp", "fe80::1", NULL), 1);
  assert_int_equal(fires_in("3", "Microsoft-Windows-Sysmon/Operational", cidr,
                            "DestinationIp", "11.0.0.1", NULL), 0);
  const char *num = "title: t\n" PROC
                    "detection:\n  sel:\n    IntegrityLevelNumber|gte: 12288\n"
                    "    ProcessId: 4\n  condition: sel\n";
  assert_int_equal(fires(num, "IntegrityLevelNumber", "16384", "ProcessId", "4", NULL), 1);
  assert_int_equal(fires(num, "IntegrityLevelNumber", "8192", "ProcessId", "4", NULL), 0);
  assert_int_equal(fires(num, "IntegrityLevelNumber", "16384", "ProcessId", "44", NULL), 0);
}

/* A catastrophic-backtracking regex on a hostile value ends as no match
 * (the match limit: SG_RE_MATCH_LIMIT) rather than as an error or a hit. */
static void test_re_backtracking_limit(void **state) {
  (void)state;
  const char *r = "title: t\n" PROC
                  "detection:\n  sel:\n    CommandLine|re: '^(a|aa)+$'\n"
                  "  condition: sel\n";
  char v[64];
  memset(v, 'a', 40), v[40] = '!', v[41] = 0;
  assert_int_equal(fires(r, "CommandLine", v, NULL), 0);
  v[40] = 0;
  assert_int_equal(fires(r, "CommandLine", v, NULL), 1);
}

static void test_encodings(void **state) {
  (void)state;
  /* base64offset of "http://": any alignment in a base64 string */
  const char *b = "title: t\n" PROC
                  "detection:\n  sel:\n    CommandLine|base64offset|contains: 'http://'\n"
                  "  condition: sel\n";
  assert_int_equal(fires(b, "CommandLine", "x aHR0cDovL2V2aWw= y", NULL), 1);  /* "http://evil" */
  assert_int_equal(fires(b, "CommandLine", "x YWh0dHA6Ly9l y", NULL), 1);      /* "ahttp://e" */
  assert_int_equal(fires(b, "CommandLine", "x YWJodHRwOi8v y", NULL), 1);      /* "abhttp://" */
  assert_int_equal(fires(b, "CommandLine", "x aHR0cHM6Ly9l y", NULL), 0);      /* "https://e" */
  /* wide + base64offset: UTF-16LE "IEX" */
  const char *w = "title: t\n" PROC
                  "detection:\n  sel:\n    CommandLine|wide|base64offset|contains: 'IEX'\n"
                  "  condition: sel\n";
  assert_int_equal(fires(w, "CommandLine", "-enc SQBFAFgAIAA=", NULL), 1);
  /* windash: - / and the Unicode dashes */
  const char *d = "title: t\n" PROC
                  "detection:\n  sel:\n    CommandLine|windash|contains: ' -decode '\n"
                  "  condition: sel\n";
  assert_int_equal(fires(d, "CommandLine", "certutil /decode a b", NULL), 1);
  assert_int_equal(fires(d, "CommandLine", "certutil \xE2\x80\x93" "decode a b", NULL), 1);
  assert_int_equal(fires(d, "CommandLine", "certutil decode a b", NULL), 0);
}

static void test_null_exists_fieldref_keywords(void **state) {
  (void)state;
  const char *nul = "title: t\n" PROC
                    "detection:\n  sel:\n    Image|endswith: '.exe'\n"
                    "    OriginalFileName: null\n  condition: sel\n";
  assert_int_equal(fires(nul, "Image", "a.exe", NULL), 1);
  assert_int_equal(fires(nul, "Image", "a.exe", "OriginalFileName", "", NULL), 1);
  assert_int_equal(fires(nul, "Image", "a.exe", "OriginalFileName", "b.exe", NULL), 0);
  const char *ex = "title: t\n" PROC
                   "detection:\n  sel:\n    Hashes|exists: true\n  condition: sel\n";
  assert_int_equal(fires(ex, "Hashes", "x", NULL), 1);
  assert_int_equal(fires(ex, "Image", "x", NULL), 0);
  const char *fr = "title: t\n" PROC
                   "detection:\n  sel:\n    Image|fieldref: ParentImage\n"
                   "  condition: sel\n";
  assert_int_equal(fires(fr, "Image", "C:\\A.exe", "ParentImage", "c:\\a.exe", NULL), 1);
  assert_int_equal(fires(fr, "Image", "C:\\A.exe", "ParentImage", "c:\\b.exe", NULL), 0);
  const char *kw = "title: t\n" PROC
                   "detection:\n  keywords:\n    - 'mimikatz'\n    - 'sekurlsa::*'\n"
                   "  condition: keywords\n";
  assert_int_equal(fires(kw, "CommandLine", "x SEKURLSA::logonpasswords", NULL), 1);
  assert_int_equal(fires(kw, "Image", "C:\\tools\\MimiKatz.exe", NULL), 1);
  assert_int_equal(fires(kw, "Image", "C:\\tools\\kiwi.exe", NULL), 0);
}

static void test_conditions(void **state) {
  (void)state;
  const char *r = "title: t\n" PROC
                  "detection:\n"
                  "  selection_a:\n    Image|endswith: '\\a.exe'\n"
                  "  selection_b:\n    Image|endswith: '\\b.exe'\n"
                  "  filter_main:\n    - ParentImage: 'C:\\ok.exe'\n"
                  "    - User|contains: 'SYSTEM'\n"
                  "  _helper:\n    CommandLine: 'never'\n"
                  "  condition: 1 of selection_* and not 1 of filter_*\n";
  assert_int_equal(fires(r, "Image", "x\\b.exe", "ParentImage", "y", NULL), 1);
  assert_int_equal(fires(r, "Image", "x\\b.exe", "ParentImage", "c:\\OK.exe", NULL), 0);
  assert_int_equal(fires(r, "Image", "x\\a.exe", "User", "NT AUTHORITY\\SYSTEM", NULL), 0);
  assert_int_equal(fires(r, "Image", "x\\c.exe", NULL), 0);
  const char *them = "title: t\n" PROC
                     "detection:\n  s1:\n    Image|contains: 'x'\n"
                     "  s2:\n    Image|contains: 'y'\n"
                     "  _skip:\n    Image|contains: 'nothere'\n"
                     "  condition: all of them\n";
  assert_int_equal(fires(them, "Image", "xy", NULL), 1);
  assert_int_equal(fires(them, "Image", "x", NULL), 0);
  const char *par = "title: t\n" PROC
                    "detection:\n  a:\n    Image: 'a'\n  b:\n    Image: 'b'\n"
                    "  c:\n    User: 'u'\n"
                    "  condition: (a or b) and not c\n";
  assert_int_equal(fires(par, "Image", "b", NULL), 1);
  assert_int_equal(fires(par, "Image", "b", "User", "U", NULL), 0);
  const char *lst = "title: t\n" PROC
                    "detection:\n  a:\n    Image: 'a'\n  b:\n    Image: 'b'\n"
                    "  condition:\n    - a\n    - b\n";
  assert_int_equal(fires(lst, "Image", "b", NULL), 1);
  assert_int_equal(fires(lst, "Image", "c", NULL), 0);
}

static void test_logsource(void **state) {
  (void)state;
  const char *r = "title: t\n" PROC
                  "detection:\n  sel:\n    Image|endswith: '\\x.exe'\n  condition: sel\n";
  assert_int_equal(fires_in("1", "Microsoft-Windows-Sysmon/Operational", r,
                            "Image", "c:\\x.exe", NULL), 1);
  assert_int_equal(fires_in("11", "Microsoft-Windows-Sysmon/Operational", r,
                            "Image", "c:\\x.exe", NULL), 0);
  assert_int_equal(fires_in("4688", "Security", r, "Image", "c:\\x.exe", NULL), 1);
  /* Security 4688 names the image NewProcessName */
  assert_int_equal(fires_in("4688", "Security", r, "Event.EventData.NewProcessName",
                            "C:\\X.EXE", NULL), 1);
  assert_int_equal(fires_in("4624", "Security", r, "Image", "c:\\x.exe", NULL), 0);
  const char *svc = "title: t\nlogsource:\n  product: windows\n  service: security\n"
                    "detection:\n  sel:\n    EventID: 4625\n  condition: sel\n";
  assert_int_equal(fires_in("4625", "Security", svc, NULL), 1);
  assert_int_equal(fires_in("4625", "System", svc, NULL), 0);
  /* Sysmon 12 is registry_add or registry_delete by its event type */
  const char *add = "title: t\nlogsource:\n  product: windows\n  category: registry_add\n"
                    "detection:\n  sel:\n    TargetObject|contains: '\\Run\\'\n  condition: sel\n";
  const char *del = "title: t\nlogsource:\n  product: windows\n  category: registry_delete\n"
                    "detection:\n  sel:\n    TargetObject|contains: '\\Run\\'\n  condition: sel\n";
  const char *chan = "Microsoft-Windows-Sysmon/Operational";
  assert_int_equal(fires_in("12", chan, add, "EventType", "CreateKey",
                            "TargetObject", "HKLM\\x\\Run\\y", NULL), 1);
  assert_int_equal(fires_in("12", chan, del, "EventType", "CreateKey",
                            "TargetObject", "HKLM\\x\\Run\\y", NULL), 0);
  assert_int_equal(fires_in("12", chan, del, "EventType", "DeleteValue",
                            "TargetObject", "HKLM\\x\\Run\\y", NULL), 1);
  /* Linux: syslog program and keywords */
  const char *ssh = "title: t\nlogsource:\n  product: linux\n  service: sshd\n"
                    "detection:\n  kw:\n    - 'Failed password'\n  condition: kw\n";
  lw_field f[] = {{"program", "sshd", 4}, {"message", "Failed password for x", 21}};
  lw_event ev = {"t", 1, 0, NULL, 0, f, 2, 0};
  assert_int_equal(fires_ev(ssh, &ev), 1);
  f[0].value = "sudo";
  assert_int_equal(fires_ev(ssh, &ev), 0);
  /* a malformed event never matches */
  f[0].value = "sshd", ev.malformed = 1;
  assert_int_equal(fires_ev(ssh, &ev), 0);
}

static void expect_unsupported(const char *rule, const char *reason_part) {
  lw_sigma *s = lw_sigma_new();
  lotse_err_t err = {0};
  assert_int_equal(lw_sigma_load_text(s, rule, strlen(rule), "u.yml", &err), 1);
  assert_int_equal(lw_sigma_rule_count(s), 0);
  assert_int_equal(lw_sigma_unsupported_count(s), 1);
  lw_sigma_skip k = lw_sigma_unsupported(s, 0);
  assert_string_equal(k.path, "u.yml");
  if (!strstr(k.reason, reason_part))
    fail_msg("reason '%s' lacks '%s'", k.reason, reason_part);
  lw_sigma_free(s);
}

static void test_unsupported(void **state) {
  (void)state;
  expect_unsupported("title: t\nid: u1\n" PROC "detection:\n  sel:\n    Image: a\n"
                     "  condition: sel | count() > 5\n", "aggregation");
  expect_unsupported("title: t\n" PROC "detection:\n  sel:\n    Image|frobnicate: a\n"
                     "  condition: sel\n", "frobnicate");
  expect_unsupported("title: t\n" PROC "detection:\n  sel:\n    Image|expand: '%x%'\n"
                     "  condition: sel\n", "expand");
  expect_unsupported("title: t\n" PROC "detection:\n  sel:\n    Image|re: 'a(b'\n"
                     "  condition: sel\n", "regular expression");
  expect_unsupported("title: t\nlogsource:\n  product: macos\n  category: process_creation\n"
                     "detection:\n  sel:\n    Image: a\n  condition: sel\n", "macos");
  expect_unsupported("title: t\n" PROC "detection:\n  sel:\n    Image: a\n"
                     "  condition: sel and nothere\n", "unknown selection");
  expect_unsupported("title: t\n" PROC "detection:\n  sel:\n    Image: a\n"
                     "  condition: sel and (\n", "condition");
  expect_unsupported("title: t\n" PROC "detection:\n  sel:\n    Image: a\n"
                     "  condition: 1 of nomatch*\n", "no selection");
  expect_unsupported("title: [x\n", "YAML");
  expect_unsupported("title: t\n" PROC "detection:\n  sel:\n    Image: a\n", "without condition");
  expect_unsupported("title: t\ncorrelation:\n  type: event_count\n", "correlation");
  expect_unsupported("title: t\n" PROC "detection:\n  sel:\n    Image: a\n"
                     "  condition: sel\n---\ntitle: second\n", "multi-document");
}

static void test_api_misuse(void **state) {
  (void)state;
  lw_sigma *s = lw_sigma_new();
  lotse_err_t err = {0};
  assert_int_equal(lw_sigma_load_path(s, "/nonexistent/rules", &err), LOTSE_ENOTFOUND);
  assert_int_equal(lw_sigma_compile(s, &err), 0);
  const char *r = "title: t\n" PROC "detection:\n  sel:\n    Image: a\n  condition: sel\n";
  assert_int_equal(lw_sigma_load_text(s, r, strlen(r), "x", &err), LOTSE_EINVAL);
  assert_int_equal(lw_sigma_rule_count(s), 0);
  assert_int_equal(lw_sigma_find(s, "nope"), -1);
  lw_sigma_free(s);
  lw_sigma_free(NULL);
}

/* A directory: rules load recursively in name order; a file that cannot
 * be read (a dangling link) is listed as unsupported, not fatal. */
static void test_load_dir(void **state) {
  (void)state;
  char *dir = test_dir("sigma_dir");
  char *sub = test_path(dir, "sub");
  lotse_err_t err = {0};
  assert_int_equal(lotse_mkdir_p(sub, &err), 0);
  const char *r = "title: t\nid: r1\n" PROC "detection:\n  sel:\n    Image: a\n  condition: sel\n";
  char *p1 = test_path(sub, "a.yml"), *p2 = test_path(dir, "b.yaml");
  char *p3 = test_path(dir, "c.yml"), *p4 = test_path(dir, "notes.txt");
  assert_int_equal(lotse_file_write(p1, r, strlen(r), &err), 0);
  assert_int_equal(lotse_file_write(p2, "title: [", 8, &err), 0);
  assert_int_equal(lotse_file_write(p4, "not a rule", 10, &err), 0);
  assert_int_equal(symlink("/nonexistent/rule.yml", p3), 0);
  lw_sigma *s = lw_sigma_new();
  assert_int_equal(lw_sigma_load_path(s, dir, &err), 0);
  assert_int_equal(lw_sigma_rule_count(s), 1);
  assert_string_equal(lw_sigma_rule(s, 0).id, "r1");
  assert_int_equal(lw_sigma_find(s, "r1"), 0);
  assert_int_equal(lw_sigma_unsupported_count(s), 2);
  assert_non_null(strstr(lw_sigma_unsupported(s, 0).reason, "YAML"));
  assert_non_null(strstr(lw_sigma_unsupported(s, 1).reason, "unreadable"));
  /* the same file named directly is an error */
  assert_true(lw_sigma_load_path(s, p3, &err) < 0);
  lw_sigma_free(s);
  free(p1), free(p2), free(p3), free(p4), free(sub), free(dir);
}

static int count_events(void *ud, const lw_event *ev) {
  int *n = ud;
  n[ev->malformed ? 1 : 0]++;
  if (!ev->malformed) n[2] = (int)ev->line;
  return 0;
}

static void test_event_files(void **state) {
  (void)state;
  const char *docs = "{\"a\": 1}\n{\n  \"b\": {\"c\": 2}\n}\n{bad\n[{\"x\":1},{\"y\":2}]\n";
  int n[3] = {0};
  assert_int_equal(lw_sigma_read_events("f", docs, strlen(docs), count_events, n, NULL), 0);
  assert_int_equal(n[0], 4);
  assert_int_equal(n[1], 1);
  assert_int_equal(n[2], 6); /* the array's events start on line 6 */
  const char *sys = "Mar  3 10:00:01 h sshd[1]: hello\n\ntype=SYSCALL msg=audit(1.2:3): syscall=59 exe=\"/bin/sh\"\n";
  memset(n, 0, sizeof n);
  assert_int_equal(lw_sigma_read_events("g", sys, strlen(sys), count_events, n, NULL), 0);
  assert_int_equal(n[0], 2);
  assert_int_equal(n[2], 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_string_modifiers),
      cmocka_unit_test(test_unicode_case),
      cmocka_unit_test(test_wildcards_and_escapes),
      cmocka_unit_test(test_re_cidr_numbers),
      cmocka_unit_test(test_encodings),
      cmocka_unit_test(test_re_backtracking_limit),
      cmocka_unit_test(test_null_exists_fieldref_keywords),
      cmocka_unit_test(test_conditions),
      cmocka_unit_test(test_logsource),
      cmocka_unit_test(test_unsupported),
      cmocka_unit_test(test_api_misuse),
      cmocka_unit_test(test_load_dir),
      cmocka_unit_test(test_event_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

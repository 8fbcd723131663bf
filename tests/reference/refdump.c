/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/reference/refdump.c — dump llama.cpp's intermediate tensors for one
 * prompt, to localise a parity difference between lotse and llama.cpp.
 * Our own small program over the prebuilt libllama of npm node-llama-cpp,
 * built by tests/reference/build-refdump.sh (headers from a temporary clone
 * of the source bundle, never committed).
 *
 *   refdump MODEL --tokens 1,2,3 --out DIR [--flash-attn on|off]
 *           [--names attn_norm-0,Qcur-0,...] [--threads T]
 *
 * One llama_decode of the tokens (all logits kept) with a cb_eval callback.
 * Every graph node whose name, up to a " (" suffix, is in --names (default:
 * all nodes) and whose type is F32 or F16 is written to DIR/NNN-NAME.f32 as
 * float32 in ggml element order (ne[0] fastest), NNN the node's sequence
 * number. DIR/index.tsv lists "seq name op ne0 ne1 ne2 ne3" per file.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml-backend.h"
#include "ggml.h"
#include "llama.h"

#ifndef REFDUMP_BINS_DEFAULT
#define REFDUMP_BINS_DEFAULT ""
#endif

typedef struct dump {
  const char *dir;
  const char *names; /* comma-separated, NULL: all */
  FILE *index;
  int seq;
  uint8_t *buf;
  size_t cap;
} dump_t;

static void quiet_log(enum ggml_log_level level, const char *text, void *ud) {
  (void)ud;
  if (level == GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

/* Is the node's base name (up to " (") in the comma-separated list? */
static int wanted(const dump_t *d, const char *name) {
  if (!d->names) return 1;
  size_t n = strcspn(name, " ");
  for (const char *p = d->names; *p;) {
    size_t k = strcspn(p, ",");
    if (k == n && !strncmp(p, name, n)) return 1;
    p += k;
    if (*p == ',') p++;
  }
  return 0;
}

static float elem(const struct ggml_tensor *t, const uint8_t *b, int64_t i0,
                  int64_t i1, int64_t i2, int64_t i3) {
  const uint8_t *p = b + i0 * t->nb[0] + i1 * t->nb[1] + i2 * t->nb[2] +
                     i3 * t->nb[3];
  if (t->type == GGML_TYPE_F16) return ggml_fp16_to_fp32(*(const ggml_fp16_t *)p);
  float f;
  memcpy(&f, p, sizeof f);
  return f;
}

static int write_tensor(dump_t *d, const struct ggml_tensor *t) {
  size_t nb = ggml_nbytes(t);
  if (nb > d->cap) {
    uint8_t *nbuf = realloc(d->buf, nb);
    if (!nbuf) return -1;
    d->buf = nbuf;
    d->cap = nb;
  }
  ggml_backend_tensor_get(t, d->buf, 0, nb);
  char path[4096], safe[128];
  snprintf(safe, sizeof safe, "%s", t->name);
  for (char *c = safe; *c; c++)
    if (*c == ' ' || *c == '/' || *c == '(' || *c == ')') *c = '_';
  snprintf(path, sizeof path, "%s/%03d-%s.f32", d->dir, d->seq, safe);
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  for (int64_t i3 = 0; i3 < t->ne[3]; i3++)
    for (int64_t i2 = 0; i2 < t->ne[2]; i2++)
      for (int64_t i1 = 0; i1 < t->ne[1]; i1++)
        for (int64_t i0 = 0; i0 < t->ne[0]; i0++) {
          float v = elem(t, d->buf, i0, i1, i2, i3);
          fwrite(&v, sizeof v, 1, f);
        }
  fclose(f);
  fprintf(d->index, "%03d\t%s\t%s\t%lld\t%lld\t%lld\t%lld\n", d->seq, t->name,
          ggml_op_desc(t), (long long)t->ne[0], (long long)t->ne[1],
          (long long)t->ne[2], (long long)t->ne[3]);
  return 0;
}

static bool on_eval(struct ggml_tensor *t, bool ask, void *ud) {
  dump_t *d = ud;
  int ok = wanted(d, t->name) &&
           (t->type == GGML_TYPE_F32 || t->type == GGML_TYPE_F16);
  if (ask) return ok; /* only nodes we dump need their data */
  if (ok) {
    if (write_tensor(d, t)) fprintf(stderr, "refdump: cannot write %s\n", t->name);
    d->seq++;
  }
  return true;
}

static int parse_tokens(const char *s, llama_token **out, int *n) {
  size_t cap = 1;
  for (const char *p = s; *p; p++) cap += *p == ',';
  llama_token *t = malloc(sizeof *t * cap);
  if (!t) return -1;
  *n = 0;
  while (*s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v < 0 || (*end && *end != ',')) {
      free(t);
      return -1;
    }
    t[(*n)++] = (llama_token)v;
    s = *end ? end + 1 : end;
  }
  *out = t;
  return *n > 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  const char *model = NULL, *tokens = NULL, *flash = "on";
  dump_t d = {0};
  int threads = 1;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (argv[i][0] != '-') model = argv[i];
    else if (!v) goto usage;
    else if (!strcmp(argv[i], "--tokens")) tokens = argv[++i];
    else if (!strcmp(argv[i], "--out")) d.dir = argv[++i];
    else if (!strcmp(argv[i], "--names")) d.names = argv[++i];
    else if (!strcmp(argv[i], "--flash-attn")) flash = argv[++i];
    else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[++i]);
    else goto usage;
  }
  if (!model || !tokens || !d.dir) goto usage;
  const char *bins = getenv("REFDUMP_BINS");
  if (!bins || !*bins) bins = REFDUMP_BINS_DEFAULT;
  if (!getenv("REFDUMP_VERBOSE")) llama_log_set(quiet_log, NULL);
  ggml_backend_load_all_from_path(bins);
  llama_backend_init();
  struct llama_model *m =
      llama_model_load_from_file(model, llama_model_default_params());
  llama_token *toks = NULL;
  int n = 0;
  if (!m || parse_tokens(tokens, &toks, &n)) {
    fprintf(stderr, "refdump: cannot load '%s' or bad --tokens\n", model);
    return 1;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/index.tsv", d.dir);
  d.index = fopen(path, "w");
  if (!d.index) return 1;
  struct llama_context_params cp = llama_context_default_params();
  cp.n_ctx = (uint32_t)n + 8;
  cp.n_batch = cp.n_ubatch = (uint32_t)n;
  cp.n_seq_max = 1;
  cp.n_threads = cp.n_threads_batch = threads;
  cp.flash_attn_type = strcmp(flash, "off") ? LLAMA_FLASH_ATTN_TYPE_ENABLED
                                            : LLAMA_FLASH_ATTN_TYPE_DISABLED;
  cp.cb_eval = on_eval;
  cp.cb_eval_user_data = &d;
  cp.no_perf = true;
  struct llama_context *c = llama_init_from_model(m, cp);
  struct llama_batch b = llama_batch_init(n, 0, 1);
  for (int i = 0; i < n; i++) {
    b.token[i] = toks[i];
    b.pos[i] = i;
    b.n_seq_id[i] = 1;
    b.seq_id[i][0] = 0;
    b.logits[i] = 1;
  }
  b.n_tokens = n;
  int rc = !c || llama_decode(c, b);
  if (rc) fprintf(stderr, "refdump: decode failed\n");
  llama_batch_free(b);
  fclose(d.index);
  free(d.buf);
  free(toks);
  llama_free(c);
  llama_model_free(m);
  return rc;
usage:
  fprintf(stderr, "usage: refdump MODEL --tokens 1,2,3 --out DIR "
                  "[--flash-attn on|off] [--names a,b] [--threads T]\n");
  return 2;
}

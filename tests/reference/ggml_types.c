/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/reference/ggml_types.c — cross-check of lotse's tensor types against
 * the real ggml (libggml-base + the best CPU variant of node-llama-cpp).
 *
 * Built and run by tests/reference/ggml_types.sh, which takes ggml.h from
 * the llama.cpp source bundle of the npm package into a temporary folder
 * (nothing of ggml is part of this repository). Checks, for every type
 * number both know: block size and bytes equal; for every type lotse
 * quantises: lotse's dequantisation of bytes from lotse's quantiser and from
 * ggml_quantize_chunk equals ggml's to_float bit for bit; lotse's matmul at
 * each SIMD level agrees with ggml's vec_dot within float tolerance.
 * Exit 0 all good, 1 a mismatch, 77 the reference could not be loaded.
 * Usage: ggml_types CPU_VARIANT_DIR
 */
#include <dlfcn.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml-cpu.h"
#include "ggml.h"

#include "llm/quant.h"
#include "llm/quant_internal.h"

typedef const struct ggml_type_traits_cpu *(*traits_cpu_fn)(enum ggml_type);
typedef int (*score_fn)(void);
typedef void (*init_fn)(void);

static traits_cpu_fn traits_cpu;
static int failures;

#define FAIL(...)                                                           \
  do {                                                                      \
    fprintf(stderr, __VA_ARGS__);                                           \
    fputc('\n', stderr);                                                    \
    failures++;                                                             \
  } while (0)

/* dlopen the highest-scoring libggml-cpu-*.so of dir. */
static int load_cpu_backend(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  struct dirent *e;
  int best = 0;
  void *best_h = NULL;
  char path[4096], best_name[256] = "";
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "libggml-cpu-", 12) || !strstr(e->d_name, ".so"))
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    score_fn sc = h ? (score_fn)(uintptr_t)dlsym(h, "ggml_backend_score") : NULL;
    int s = sc ? sc() : 0;
    if (s > best) {
      if (best_h)
        dlclose(best_h);
      best = s;
      best_h = h;
      snprintf(best_name, sizeof best_name, "%s", e->d_name);
    } else if (h) {
      dlclose(h);
    }
  }
  closedir(d);
  if (!best_h)
    return -1;
  init_fn in = (init_fn)(uintptr_t)dlsym(best_h, "ggml_cpu_init");
  traits_cpu = (traits_cpu_fn)(uintptr_t)dlsym(best_h, "ggml_get_type_traits_cpu");
  if (!in || !traits_cpu)
    return -1;
  in();
  printf("ggml cpu variant: %s\n", best_name);
  return 0;
}

static uint64_t rng = 88172645463325252ull;
static float gauss(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  float u = ((float)(rng >> 40) + 0.5f) / 16777216.0f;
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  float v = ((float)(rng >> 40) + 0.5f) / 16777216.0f;
  return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

static bool known_to_ggml(int t) {
  return strcmp(ggml_type_name((enum ggml_type)t), "NONE") != 0;
}

static void check_table(void) {
  int n = 0;
  for (int t = 0; t < GGML_TYPE_COUNT; t++) {
    const llm_type_info_t *ti = llm_type_info(t);
    if (!known_to_ggml(t)) {
      if (t < GGML_TYPE_COUNT && ti && t < 40)
        FAIL("type %d: lotse knows %s, ggml does not", t, ti->name);
      continue;
    }
    const struct ggml_type_traits *g = ggml_get_type_traits((enum ggml_type)t);
    if (g->blck_size == 0) { /* retired number */
      if (ti)
        FAIL("type %d: retired in ggml, lotse has %s", t, ti->name);
      continue;
    }
    n++;
    if (!ti) {
      FAIL("type %d (%s): unknown to lotse", t, g->type_name);
      continue;
    }
    if (ti->block != g->blck_size || ti->block_bytes != g->type_size)
      FAIL("type %s: lotse block %d/%zu bytes, ggml %ld/%zu", ti->name,
           ti->block, ti->block_bytes, (long)g->blck_size, g->type_size);
  }
  printf("type table: %d types compared\n", n);
}

static const int types[] = {
    LLM_TYPE_F32,  LLM_TYPE_F16,  LLM_TYPE_BF16, LLM_TYPE_Q4_0,
    LLM_TYPE_Q4_1, LLM_TYPE_Q5_0, LLM_TYPE_Q5_1, LLM_TYPE_Q8_0,
    LLM_TYPE_Q4_K, LLM_TYPE_Q5_K, LLM_TYPE_Q6_K, LLM_TYPE_Q8_K,
};

/* dequantisation of both quantisers' bytes must be bit-identical */
static void check_rows(int t, const float *x, int64_t n, int rows) {
  size_t rb = llm_row_bytes(t, n);
  uint8_t *ours = malloc(rb * rows), *theirs = malloc(rb * rows);
  float *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n);
  const struct ggml_type_traits *g = ggml_get_type_traits((enum ggml_type)t);
  for (int r = 0; r < rows; r++)
    llm_quantize_row(t, x + r * n, ours + r * rb, n);
  if (t == LLM_TYPE_Q8_K) /* activation type: not in ggml_quantize_chunk */
    (g->from_float_ref ? g->from_float_ref
                       : traits_cpu((enum ggml_type)t)->from_float)(
        x, theirs, n * rows);
  else
    ggml_quantize_chunk((enum ggml_type)t, x, theirs, 0, rows, n, NULL);
  size_t same_bytes = 0;
  for (size_t i = 0; i < rb * rows; i++)
    same_bytes += ours[i] == theirs[i];
  for (int src = 0; src < 2; src++) {
    const uint8_t *q = src ? theirs : ours;
    for (int r = 0; r < rows; r++) {
      llm_dequantize_row(t, q + r * rb, a, n);
      if (g->to_float)
        g->to_float(q + r * rb, b, n);
      else if (t == LLM_TYPE_F32)
        memcpy(b, q + r * rb, sizeof(float) * n);
      else
        memcpy(b, a, sizeof(float) * n); /* ggml has no to_float for it */
      if (memcmp(a, b, sizeof(float) * n)) {
        FAIL("%s: dequantised %s bytes differ (row %d)", llm_type_info(t)->name,
             src ? "ggml" : "lotse", r);
        break;
      }
    }
  }
  double e_ours = 0, e_theirs = 0, sx = 0;
  for (int r = 0; r < rows; r++) {
    llm_dequantize_row(t, ours + r * rb, a, n);
    llm_dequantize_row(t, theirs + r * rb, b, n);
    for (int64_t i = 0; i < n; i++) {
      double xi = x[r * n + i];
      e_ours += (a[i] - xi) * (a[i] - xi);
      e_theirs += (b[i] - xi) * (b[i] - xi);
      sx += xi * xi;
    }
  }
  printf("%-5s rows: dequant %s; bytes equal to ggml's %5.1f%%; "
         "rel rmse lotse %.5f ggml %.5f\n", llm_type_info(t)->name,
         g->to_float || t == LLM_TYPE_F32 ? "bit-exact" : "not in ggml",
         100.0 * same_bytes / (rb * rows), sqrt(e_ours / sx),
         sqrt(e_theirs / sx));
  if (sqrt(e_ours / sx) > 1.10 * sqrt(e_theirs / sx) + 1e-7)
    FAIL("%s: lotse's quantiser is >10%% worse than ggml's",
         llm_type_info(t)->name);
  free(ours);
  free(theirs);
  free(a);
  free(b);
}

/* lotse matmul (each level) vs ggml vec_dot on the same weight bytes */
static void check_dot(int t, const float *wf, const float *x, int64_t n,
                      int rows) {
  const struct ggml_type_traits_cpu *tc = traits_cpu((enum ggml_type)t);
  if (!tc->vec_dot)
    return;
  size_t rb = llm_row_bytes(t, n);
  uint8_t *w = malloc(rb * rows);
  ggml_quantize_chunk((enum ggml_type)t, wf, w, 0, rows, n, NULL);
  enum ggml_type vt = tc->vec_dot_type;
  uint8_t *gx = malloc(ggml_row_size(vt, n));
  if (vt == GGML_TYPE_F32)
    memcpy(gx, x, sizeof(float) * n);
  else
    traits_cpu(vt)->from_float(x, gx, n);
  float *gy = malloc(sizeof(float) * rows), *ly = malloc(sizeof(float) * rows);
  for (int r = 0; r < rows; r++)
    tc->vec_dot((int)n, &gy[r], 0, w + r * rb, 0, gx, 0, 1);
  llm_mat_t m = {.type = t, .n_in = n, .n_out = rows, .data = w,
                 .row_bytes = rb};
  uint8_t *xq = malloc(llm_act_bytes(&m));
  float *wd = malloc(sizeof(float) * n);
  for (int level = 0; level <= q_cpu_max_level(); level++) {
    q_cpu_force_level(level);
    llm_act_quantize(&m, x, 0, 1, xq);
    llm_matmul(&m, xq, 1, ly, rows, 0, rows);
    double worst = 0;
    for (int r = 0; r < rows; r++) {
      llm_dequantize_row(t, w + r * rb, wd, n);
      double mag = 0;
      for (int64_t i = 0; i < n; i++)
        mag += fabs((double)wd[i] * x[i]);
      double rel = fabs((double)ly[r] - gy[r]) / mag;
      worst = rel > worst ? rel : worst;
    }
    printf("%-5s dot (%s vs ggml %s): worst |diff|/sum|w*x| %.2e\n",
           llm_type_info(t)->name, llm_cpu_level(), ggml_type_name(vt), worst);
    /* ggml rounds the activations of F16/BF16 weights to 16 bits; lotse
     * keeps F32. Quantised types see the same integers on both sides. */
    double tol = llm_type_info(t)->block == 1 && t != LLM_TYPE_F32 ? 2e-3
                                                                    : 1e-5;
    if (worst > tol)
      FAIL("%s: lotse matmul at %s differs from ggml vec_dot (%.2e)",
           llm_type_info(t)->name, llm_cpu_level(), worst);
  }
  q_cpu_force_level(-1);
  free(w);
  free(gx);
  free(gy);
  free(ly);
  free(xq);
  free(wd);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2 || load_cpu_backend(argv[1])) {
    fprintf(stderr, "SKIP: no ggml CPU backend in %s\n",
            argc > 1 ? argv[1] : "(none)");
    return 77;
  }
  check_table();
  const int64_t n = 1024;
  const int rows = 64;
  float *x = malloc(sizeof(float) * n * rows);
  for (int64_t i = 0; i < n * rows; i++)
    x[i] = 0.02f * gauss();
  for (int r = 0; r < rows; r++) /* outliers and an all-zero block */
    x[r * n + (r * 37) % n] = 0.3f * (r & 1 ? 1 : -1);
  memset(x + 5 * n + 64, 0, sizeof(float) * 256);
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    check_rows(types[i], x, n, rows);
  float *act = malloc(sizeof(float) * n);
  for (int64_t i = 0; i < n; i++)
    act[i] = gauss();
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (llm_type_info(types[i])->weight_ok)
      check_dot(types[i], x, act, n, rows);
  free(x);
  free(act);
  if (failures) {
    printf("FAILED: %d mismatches\n", failures);
    return 1;
  }
  printf("ok\n");
  return 0;
}

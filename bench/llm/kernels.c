/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/llm/kernels.c — single-thread micro-benchmark of the matmul kernels
 * (llm_matmul) per weight type and SIMD level.
 *
 * Shapes of Qwen2-0.5B: the FFN matrix 896 x 4864 (4864 x 896 for the
 * K-quants, whose rows must be multiples of 256), which stays in L3, and
 * the output layer 896 x 151936 (4864 x 28000 for K-quants, the same number
 * of weights), which streams from DRAM. For m = 1 (generation) it reports
 * GB/s of weights streamed and GFLOP/s; for m = 32 and m = 512 (prompt
 * processing) GFLOP/s. Best of several timed repetitions, timed in thread
 * CPU time so that a busy machine (other processes on the 2 cores) only
 * slows the run down instead of skewing it; memory stalls still count.
 * m = 512 is skipped at the scalar level. Not a test.
 *
 * Build: cc -O2 -D_GNU_SOURCE -I. bench/llm/kernels.c llm/quant*.c llm/cpu.c
 *        -lm -lpthread -o bench-kernels
 * Usage: bench-kernels [TYPE ...]   (default Q8_0 Q4_0 Q4_K Q5_K Q6_K F16)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm/quant.h"
#include "llm/quant_internal.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static float frand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return ((float)(rng >> 40) / 16777216.0f - 0.5f) * 0.1f;
}

/* n_out rows: 64 distinct quantised rows repeated (quantising 136 M values
 * with the K-quant search would dominate the run). */
static uint8_t *make_weights(int type, int64_t n_in, int64_t n_out,
                             size_t *rb) {
  *rb = llm_row_bytes(type, n_in);
  uint8_t *w = aligned_alloc(64, (*rb * (size_t)n_out + 63) & ~(size_t)63);
  float *x = malloc(sizeof(float) * (size_t)n_in);
  int64_t uniq = n_out < 64 ? n_out : 64;
  for (int64_t r = 0; r < uniq; r++) {
    for (int64_t i = 0; i < n_in; i++)
      x[i] = frand();
    llm_quantize_row(type, x, w + (size_t)r * *rb, n_in);
  }
  for (int64_t r = uniq; r < n_out; r++)
    memcpy(w + (size_t)r * *rb, w + (size_t)(r % uniq) * *rb, *rb);
  free(x);
  return w;
}

static double time_matmul(const llm_mat_t *w, const void *xq, int64_t m,
                          float *y, double min_s) {
  double best = 1e30, t_all = now();
  int reps = 0;
  while (reps < 3 || now() - t_all < min_s) {
    double t0 = now();
    llm_matmul(w, xq, m, y, w->n_out, 0, w->n_out);
    double t = now() - t0;
    best = t < best ? t : best;
    reps++;
  }
  return best;
}

static void bench_case(int type, int64_t n_in, int64_t n_out, int64_t m,
                       const char *where) {
  size_t rb;
  uint8_t *data = make_weights(type, n_in, n_out, &rb);
  llm_mat_t w = {.type = type, .n_in = n_in, .n_out = n_out, .data = data,
                 .row_bytes = rb};
  llm_mat_pack(&w);
  float *x = malloc(sizeof(float) * (size_t)(n_in * m));
  for (int64_t i = 0; i < n_in * m; i++)
    x[i] = frand() * 20;
  size_t ab = llm_act_bytes(&w);
  void *xq = aligned_alloc(64, ab * (size_t)m);
  float *y = aligned_alloc(64, (sizeof(float) * (size_t)(n_out * m) + 63) &
                                   ~(size_t)63);
  llm_act_quantize(&w, x, 0, m, xq);
  double t = time_matmul(&w, xq, m, y, m == 1 ? 0.5 : m > 32 ? 0.3 : 1.0);
  double bytes = (double)rb * (double)n_out;
  double flop = 2.0 * (double)n_in * (double)n_out * (double)m;
  printf("| %-5s | %-11s | %-5s | %5ld x %-6ld | %3ld | %8.2f | %7.1f | %7.1f |\n",
         llm_type_info(type)->name, llm_cpu_level(), where, (long)n_in,
         (long)n_out, (long)m, t * 1e3, bytes / t * 1e-9, flop / t * 1e-9);
  fflush(stdout);
  llm_mat_unpack(&w);
  free(data);
  free(x);
  free(xq);
  free(y);
}

int main(int argc, char **argv) {
  static const char *def[] = {"Q8_0", "Q4_0", "Q5_0", "Q4_K",
                              "Q5_K", "Q6_K", "F16",  "F32"};
  const char **names = argc > 1 ? (const char **)argv + 1 : def;
  int nn = argc > 1 ? argc - 1 : (int)(sizeof def / sizeof def[0]);
  printf("| type | level | data | n_in x n_out | m | ms | GB/s weights | "
         "GFLOP/s |\n|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < nn; i++) {
    int type = llm_type_from_name(names[i]);
    if (type < 0 || !llm_type_info(type)->weight_ok) {
      fprintf(stderr, "unknown weight type '%s'\n", names[i]);
      return 2;
    }
    bool k = llm_type_info(type)->block == 256;
    for (int level = q_cpu_max_level(); level >= 0; level--) {
      q_cpu_force_level(level);
      bench_case(type, k ? 4864 : 896, k ? 896 : 4864, 1, "L3");
      bench_case(type, k ? 4864 : 896, k ? 28000 : 151936, 1, "DRAM");
      bench_case(type, k ? 4864 : 896, k ? 896 : 4864, 32, "L3");
      if (level > 0)
        bench_case(type, k ? 4864 : 896, k ? 896 : 4864, 512, "L3");
    }
  }
  return 0;
}

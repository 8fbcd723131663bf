/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/cpu.c — run-time detection of the x86 SIMD features the kernels use
 * and the choice of the kernel table.
 *
 * Contract: the level is the best the CPU and the operating system support
 * (cpuid leaf 7 + xgetbv for the YMM/ZMM state), capped by LOTSE_SIMD
 * (scalar|avx2|avx512) read once. AVX-512 level means F, BW, VL, DQ and VNNI;
 * AVX2 level means AVX2, FMA and F16C. On other architectures the level is
 * always scalar. The kernel tables are built once (pthread_once).
 * See also: llm/quant.h, llm/quant_internal.h.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "llm/quant_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define Q_X86 1
#endif

static unsigned detected;
static int max_level, env_level = Q_LEVEL_AVX512, forced = -1;
static q_kernels_t tables[3];
static pthread_once_t once = PTHREAD_ONCE_INIT;

#ifdef Q_X86
static uint64_t read_xcr0(void) {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static unsigned detect(void) {
  unsigned a, b, c, d, f = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d))
    return 0;
  bool osxsave = c & (1u << 27), fma = c & (1u << 12), f16c = c & (1u << 29);
  if (!osxsave)
    return 0;
  uint64_t xcr0 = read_xcr0();
  bool ymm = (xcr0 & 0x6) == 0x6, zmm = (xcr0 & 0xe6) == 0xe6;
  if (__get_cpuid_max(0, NULL) < 7)
    return 0;
  __cpuid_count(7, 0, a, b, c, d);
  unsigned b7 = b, c7 = c;
  __cpuid_count(7, 1, a, b, c, d);
  unsigned a71 = a;
  if (ymm && fma && f16c && (b7 & (1u << 5)))
    f |= LLM_CPU_AVX2;
  if (ymm && (a71 & (1u << 4)))
    f |= LLM_CPU_AVXVNNI;
  bool avx512 = (b7 & (1u << 16)) && (b7 & (1u << 30)) &&
                (b7 & (1u << 31)) && (b7 & (1u << 17));
  if (zmm && avx512 && (f & LLM_CPU_AVX2)) {
    f |= LLM_CPU_AVX512;
    if (c7 & (1u << 11))
      f |= LLM_CPU_VNNI512;
    if (a71 & (1u << 5))
      f |= LLM_CPU_BF16_512;
  }
  return f;
}
#else
static unsigned detect(void) { return 0; }
#endif

static void init(void) {
  detected = detect();
  max_level = Q_LEVEL_SCALAR;
  if (detected & LLM_CPU_AVX2)
    max_level = Q_LEVEL_AVX2;
  if ((detected & LLM_CPU_AVX512) && (detected & LLM_CPU_VNNI512))
    max_level = Q_LEVEL_AVX512;
  const char *e = getenv("LOTSE_SIMD");
  if (e && !strcmp(e, "scalar"))
    env_level = Q_LEVEL_SCALAR;
  else if (e && !strcmp(e, "avx2"))
    env_level = Q_LEVEL_AVX2;
  q_kernels_scalar(&tables[0]);
  tables[1] = tables[0];
  q_kernels_avx2(&tables[1]);
  tables[2] = tables[1];
  q_kernels_avx512(&tables[2]);
}

int q_cpu_max_level(void) {
  pthread_once(&once, init);
  return max_level;
}

int q_cpu_level(void) {
  pthread_once(&once, init);
  int l = forced >= 0 ? forced : env_level;
  return l < max_level ? l : max_level;
}

int q_cpu_force_level(int level) {
  pthread_once(&once, init);
  forced = level < 0 ? -1 : level > Q_LEVEL_AVX512 ? Q_LEVEL_AVX512 : level;
  return q_cpu_level();
}

const q_kernels_t *q_kernels(void) { return &tables[q_cpu_level()]; }

unsigned llm_cpu_features(void) {
  static const unsigned keep[3] = {
      0, LLM_CPU_AVX2 | LLM_CPU_AVXVNNI,
      LLM_CPU_AVX2 | LLM_CPU_AVXVNNI | LLM_CPU_AVX512 | LLM_CPU_VNNI512 |
          LLM_CPU_BF16_512};
  pthread_once(&once, init);
  return detected & keep[q_cpu_level()];
}

const char *llm_cpu_level(void) {
  static const char *names[3] = {"scalar", "avx2", "avx512-vnni"};
  return names[q_cpu_level()];
}

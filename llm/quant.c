/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant.c — the tensor type table, half-precision conversions and the
 * row (de)quantisation entry points.
 *
 * Contract: llm_type_info() knows every type number GGUF defines (block
 * size and bytes as in the format), NULL otherwise; llm_row_bytes() is 0 for
 * unknown types and lengths that are not whole blocks. The f16/bf16
 * conversions are exact: round to nearest even, infinities and NaN kept,
 * subnormals handled (independent of the floating-point environment except
 * for the default rounding mode).
 * See also: llm/quant.h, llm/quant_simple.c, llm/quant_k.c.
 */
#include <ctype.h>
#include <string.h>

#include "base/base.h"
#include "llm/quant.h"
#include "llm/quant_internal.h"

/* ------------------------------------------------------------ type table */

#define T(num, nm, blk, bytes, dot, ok) \
  [num] = {nm, blk, bytes, dot, ok}

/* Numbers 4, 5 (Q4_2, Q4_3), 31-33 and 36-38 (repacked variants) were
 * retired from the format and stay NULL. */
static const llm_type_info_t types[LLM_TYPE_MAX_] = {
    T(0, "F32", 1, 4, LLM_TYPE_F32, true),
    T(1, "F16", 1, 2, LLM_TYPE_F32, true),
    T(2, "Q4_0", 32, 18, LLM_TYPE_Q8_0, true),
    T(3, "Q4_1", 32, 20, LLM_TYPE_Q8_1, true),
    T(6, "Q5_0", 32, 22, LLM_TYPE_Q8_0, true),
    T(7, "Q5_1", 32, 24, LLM_TYPE_Q8_1, true),
    T(8, "Q8_0", 32, 34, LLM_TYPE_Q8_0, true),
    T(9, "Q8_1", 32, 36, -1, false),
    T(10, "Q2_K", 256, 84, -1, false),
    T(11, "Q3_K", 256, 110, -1, false),
    T(12, "Q4_K", 256, 144, LLM_TYPE_Q8_K, true),
    T(13, "Q5_K", 256, 176, LLM_TYPE_Q8_K, true),
    T(14, "Q6_K", 256, 210, LLM_TYPE_Q8_K, true),
    T(15, "Q8_K", 256, 292, -1, false),
    T(16, "IQ2_XXS", 256, 66, -1, false),
    T(17, "IQ2_XS", 256, 74, -1, false),
    T(18, "IQ3_XXS", 256, 98, -1, false),
    T(19, "IQ1_S", 256, 50, -1, false),
    T(20, "IQ4_NL", 32, 18, -1, false),
    T(21, "IQ3_S", 256, 110, -1, false),
    T(22, "IQ2_S", 256, 82, -1, false),
    T(23, "IQ4_XS", 256, 136, -1, false),
    T(24, "I8", 1, 1, -1, false),
    T(25, "I16", 1, 2, -1, false),
    T(26, "I32", 1, 4, -1, false),
    T(27, "I64", 1, 8, -1, false),
    T(28, "F64", 1, 8, -1, false),
    T(29, "IQ1_M", 256, 56, -1, false),
    T(30, "BF16", 1, 2, LLM_TYPE_F32, true),
    T(34, "TQ1_0", 256, 54, -1, false),
    T(35, "TQ2_0", 256, 66, -1, false),
    T(39, "MXFP4", 32, 17, -1, false),
    T(40, "NVFP4", 64, 36, -1, false),
    T(41, "Q1_0", 128, 18, -1, false),
    T(42, "Q2_0", 64, 18, -1, false),
};

const llm_type_info_t *llm_type_info(int type) {
  if (type < 0 || type >= LLM_TYPE_MAX_ || !types[type].name)
    return NULL;
  return &types[type];
}

int llm_type_from_name(const char *name) {
  if (!name)
    return -1;
  for (int t = 0; t < LLM_TYPE_MAX_; t++) {
    const char *a = types[t].name, *b = name;
    if (!a)
      continue;
    while (*a && *b && toupper((unsigned char)*b) == *a) {
      a++;
      b++;
    }
    if (!*a && !*b)
      return t;
  }
  return -1;
}

size_t llm_row_bytes(int type, int64_t n) {
  const llm_type_info_t *ti = llm_type_info(type);
  if (!ti || n < 0 || n % ti->block)
    return 0;
  return (size_t)(n / ti->block) * ti->block_bytes;
}

/* ------------------------------------------------------ half precision */

static uint32_t f2u(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static float u2f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

float llm_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  if (exp == 0x1f)
    return u2f(sign | 0x7f800000u | (mant << 13));
  if (exp == 0) {
    float v = (float)mant * 5.9604644775390625e-8f; /* 2^-24, exact */
    return u2f(sign | f2u(v));
  }
  return u2f(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t llm_f32_to_f16(float f) {
  uint32_t x = f2u(f);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  uint32_t ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u) /* NaN: keep it quiet and keep the payload top */
    return (uint16_t)(sign | 0x7e00 | ((ax >> 13) & 0x3ff));
  if (ax >= 0x477ff000u) /* >= 65520 rounds to infinity */
    return (uint16_t)(sign | 0x7c00);
  if (ax < 0x38800000u) { /* below 2^-14: subnormal half (or zero) */
    /* 0.5f has an ulp of 2^-24, the half subnormal unit: the addition
     * rounds to nearest even exactly as required. */
    float v = u2f(ax) + 0.5f;
    return (uint16_t)(sign | (f2u(v) - 0x3f000000u));
  }
  ax += 0xfffu + ((ax >> 13) & 1);
  return (uint16_t)(sign | ((ax - 0x38000000u) >> 13));
}

float llm_bf16_to_f32(uint16_t h) { return u2f((uint32_t)h << 16); }

uint16_t llm_f32_to_bf16(float f) {
  uint32_t x = f2u(f);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return (uint16_t)((x >> 16) | 0x40);
  x += 0x7fffu + ((x >> 16) & 1);
  return (uint16_t)(x >> 16);
}

/* ------------------------------------------------------------ rows */

int llm_dequantize_row(int type, const void *src, float *dst, int64_t n) {
  const llm_type_info_t *ti = llm_type_info(type);
  if (!ti || !src || !dst || n < 0 || n % ti->block)
    return LOTSE_EINVAL;
  int64_t nb = n / ti->block;
  const uint8_t *s = src;
  switch (type) {
  case LLM_TYPE_F32: memcpy(dst, src, (size_t)n * 4); break;
  case LLM_TYPE_F16:
    for (int64_t i = 0; i < n; i++)
      dst[i] = llm_f16_to_f32((uint16_t)(s[2 * i] | (s[2 * i + 1] << 8)));
    break;
  case LLM_TYPE_BF16:
    for (int64_t i = 0; i < n; i++)
      dst[i] = llm_bf16_to_f32((uint16_t)(s[2 * i] | (s[2 * i + 1] << 8)));
    break;
  case LLM_TYPE_Q4_0: q_dequant_q4_0(src, dst, nb); break;
  case LLM_TYPE_Q4_1: q_dequant_q4_1(src, dst, nb); break;
  case LLM_TYPE_Q5_0: q_dequant_q5_0(src, dst, nb); break;
  case LLM_TYPE_Q5_1: q_dequant_q5_1(src, dst, nb); break;
  case LLM_TYPE_Q8_0: q_dequant_q8_0(src, dst, nb); break;
  case LLM_TYPE_Q8_1: q_dequant_q8_1(src, dst, nb); break;
  case LLM_TYPE_Q4_K: q_dequant_q4_k(src, dst, nb); break;
  case LLM_TYPE_Q5_K: q_dequant_q5_k(src, dst, nb); break;
  case LLM_TYPE_Q6_K: q_dequant_q6_k(src, dst, nb); break;
  case LLM_TYPE_Q8_K: q_dequant_q8_k(src, dst, nb); break;
  default: return LOTSE_EINVAL;
  }
  return 0;
}

int llm_quantize_row(int type, const float *src, void *dst, int64_t n) {
  const llm_type_info_t *ti = llm_type_info(type);
  if (!ti || !src || !dst || n < 0 || n % ti->block)
    return LOTSE_EINVAL;
  int64_t nb = n / ti->block;
  uint8_t *d = dst;
  switch (type) {
  case LLM_TYPE_F32: memcpy(dst, src, (size_t)n * 4); break;
  case LLM_TYPE_F16:
    for (int64_t i = 0; i < n; i++) {
      uint16_t h = llm_f32_to_f16(src[i]);
      d[2 * i] = (uint8_t)h;
      d[2 * i + 1] = (uint8_t)(h >> 8);
    }
    break;
  case LLM_TYPE_BF16:
    for (int64_t i = 0; i < n; i++) {
      uint16_t h = llm_f32_to_bf16(src[i]);
      d[2 * i] = (uint8_t)h;
      d[2 * i + 1] = (uint8_t)(h >> 8);
    }
    break;
  case LLM_TYPE_Q4_0: q_quant_q4_0(src, dst, nb); break;
  case LLM_TYPE_Q4_1: q_quant_q4_1(src, dst, nb); break;
  case LLM_TYPE_Q5_0: q_quant_q5_0(src, dst, nb); break;
  case LLM_TYPE_Q5_1: q_quant_q5_1(src, dst, nb); break;
  case LLM_TYPE_Q8_0: q_quant_q8_0(src, dst, nb); break;
  case LLM_TYPE_Q8_1: q_quant_q8_1(src, dst, nb); break;
  case LLM_TYPE_Q4_K: q_quant_q4_k(src, dst, nb); break;
  case LLM_TYPE_Q5_K: q_quant_q5_k(src, dst, nb); break;
  case LLM_TYPE_Q6_K: q_quant_q6_k(src, dst, nb); break;
  case LLM_TYPE_Q8_K: q_quant_q8_k(src, dst, nb); break;
  default: return LOTSE_EINVAL;
  }
  return 0;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_simple.c — (de)quantisation of the 32-element block types
 * Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and Q8_1.
 *
 * Contract: layouts as in GGUF (see quant_internal.h). Q4_0/Q4_1: byte j of
 * qs holds element j in its low nibble and element j + 16 in its high
 * nibble; Q5_*: bit j of the little-endian qh word is the fifth bit of
 * element j. The quantisers are deterministic round-to-nearest with the
 * block scale taken from the extreme value (absmax with sign for the
 * symmetric types, min/max for the _1 types).
 * See also: llm/quant.c.
 */
#include <math.h>

#include "llm/quant_internal.h"

/* --------------------------------------------------------- dequantise */

void q_dequant_q4_0(const void *src, float *y, int64_t nb) {
  const blk_q4_0 *b = src;
  for (int64_t i = 0; i < nb; i++, y += QK) {
    float d = h2f(b[i].d);
    for (int j = 0; j < QK / 2; j++) {
      y[j] = (float)((b[i].qs[j] & 0xF) - 8) * d;
      y[j + QK / 2] = (float)((b[i].qs[j] >> 4) - 8) * d;
    }
  }
}

void q_dequant_q4_1(const void *src, float *y, int64_t nb) {
  const blk_q4_1 *b = src;
  for (int64_t i = 0; i < nb; i++, y += QK) {
    float d = h2f(b[i].d), m = h2f(b[i].m);
    for (int j = 0; j < QK / 2; j++) {
      y[j] = (float)(b[i].qs[j] & 0xF) * d + m;
      y[j + QK / 2] = (float)(b[i].qs[j] >> 4) * d + m;
    }
  }
}

static uint32_t load_qh(const uint8_t qh[4]) {
  return (uint32_t)qh[0] | ((uint32_t)qh[1] << 8) | ((uint32_t)qh[2] << 16) |
         ((uint32_t)qh[3] << 24);
}

void q_dequant_q5_0(const void *src, float *y, int64_t nb) {
  const blk_q5_0 *b = src;
  for (int64_t i = 0; i < nb; i++, y += QK) {
    float d = h2f(b[i].d);
    uint32_t qh = load_qh(b[i].qh);
    for (int j = 0; j < QK / 2; j++) {
      int lo = (b[i].qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4);
      int hi = (b[i].qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
      y[j] = (float)(lo - 16) * d;
      y[j + QK / 2] = (float)(hi - 16) * d;
    }
  }
}

void q_dequant_q5_1(const void *src, float *y, int64_t nb) {
  const blk_q5_1 *b = src;
  for (int64_t i = 0; i < nb; i++, y += QK) {
    float d = h2f(b[i].d), m = h2f(b[i].m);
    uint32_t qh = load_qh(b[i].qh);
    for (int j = 0; j < QK / 2; j++) {
      int lo = (b[i].qs[j] & 0xF) | (int)(((qh >> j) & 1) << 4);
      int hi = (b[i].qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
      y[j] = (float)lo * d + m;
      y[j + QK / 2] = (float)hi * d + m;
    }
  }
}

void q_dequant_q8_0(const void *src, float *y, int64_t nb) {
  const blk_q8_0 *b = src;
  for (int64_t i = 0; i < nb; i++, y += QK) {
    float d = h2f(b[i].d);
    for (int j = 0; j < QK; j++)
      y[j] = (float)b[i].qs[j] * d;
  }
}

void q_dequant_q8_1(const void *src, float *y, int64_t nb) {
  const blk_q8_1 *b = src;
  for (int64_t i = 0; i < nb; i++, y += QK) {
    float d = h2f(b[i].d);
    for (int j = 0; j < QK; j++)
      y[j] = (float)b[i].qs[j] * d;
  }
}

/* ----------------------------------------------------------- quantise */

/* The element of largest magnitude, with its sign. */
static float signed_absmax(const float *x, int n) {
  float amax = 0.0f, max = 0.0f;
  for (int j = 0; j < n; j++) {
    if (fabsf(x[j]) > amax) {
      amax = fabsf(x[j]);
      max = x[j];
    }
  }
  return max;
}

static void min_max(const float *x, int n, float *mn, float *mx) {
  *mn = INFINITY;
  *mx = -INFINITY;
  for (int j = 0; j < n; j++) {
    *mn = x[j] < *mn ? x[j] : *mn;
    *mx = x[j] > *mx ? x[j] : *mx;
  }
}

static int clampi(int v, int lo, int hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

void q_quant_q4_0(const float *x, void *dst, int64_t nb) {
  blk_q4_0 *b = dst;
  for (int64_t i = 0; i < nb; i++, x += QK) {
    float d = signed_absmax(x, QK) / -8.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    f2h(b[i].d, d);
    for (int j = 0; j < QK / 2; j++) {
      int lo = clampi((int)(x[j] * id + 8.5f), 0, 15);
      int hi = clampi((int)(x[j + QK / 2] * id + 8.5f), 0, 15);
      b[i].qs[j] = (uint8_t)(lo | (hi << 4));
    }
  }
}

void q_quant_q4_1(const float *x, void *dst, int64_t nb) {
  blk_q4_1 *b = dst;
  for (int64_t i = 0; i < nb; i++, x += QK) {
    float mn, mx;
    min_max(x, QK, &mn, &mx);
    float d = (mx - mn) / 15.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    f2h(b[i].d, d);
    f2h(b[i].m, mn);
    for (int j = 0; j < QK / 2; j++) {
      int lo = clampi((int)((x[j] - mn) * id + 0.5f), 0, 15);
      int hi = clampi((int)((x[j + QK / 2] - mn) * id + 0.5f), 0, 15);
      b[i].qs[j] = (uint8_t)(lo | (hi << 4));
    }
  }
}

static void store_qh(uint8_t qh[4], uint32_t v) {
  for (int k = 0; k < 4; k++)
    qh[k] = (uint8_t)(v >> (8 * k));
}

void q_quant_q5_0(const float *x, void *dst, int64_t nb) {
  blk_q5_0 *b = dst;
  for (int64_t i = 0; i < nb; i++, x += QK) {
    float d = signed_absmax(x, QK) / -16.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    uint32_t qh = 0;
    f2h(b[i].d, d);
    for (int j = 0; j < QK / 2; j++) {
      int lo = clampi((int)(x[j] * id + 16.5f), 0, 31);
      int hi = clampi((int)(x[j + QK / 2] * id + 16.5f), 0, 31);
      b[i].qs[j] = (uint8_t)((lo & 0xF) | ((hi & 0xF) << 4));
      qh |= (uint32_t)(lo >> 4) << j;
      qh |= (uint32_t)(hi >> 4) << (j + QK / 2);
    }
    store_qh(b[i].qh, qh);
  }
}

void q_quant_q5_1(const float *x, void *dst, int64_t nb) {
  blk_q5_1 *b = dst;
  for (int64_t i = 0; i < nb; i++, x += QK) {
    float mn, mx;
    min_max(x, QK, &mn, &mx);
    float d = (mx - mn) / 31.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    uint32_t qh = 0;
    f2h(b[i].d, d);
    f2h(b[i].m, mn);
    for (int j = 0; j < QK / 2; j++) {
      int lo = clampi((int)((x[j] - mn) * id + 0.5f), 0, 31);
      int hi = clampi((int)((x[j + QK / 2] - mn) * id + 0.5f), 0, 31);
      b[i].qs[j] = (uint8_t)((lo & 0xF) | ((hi & 0xF) << 4));
      qh |= (uint32_t)(lo >> 4) << j;
      qh |= (uint32_t)(hi >> 4) << (j + QK / 2);
    }
    store_qh(b[i].qh, qh);
  }
}

static float absmax(const float *x, int n) {
  float amax = 0.0f;
  for (int j = 0; j < n; j++)
    amax = fabsf(x[j]) > amax ? fabsf(x[j]) : amax;
  return amax;
}

void q_quant_q8_0(const float *x, void *dst, int64_t nb) {
  blk_q8_0 *b = dst;
  for (int64_t i = 0; i < nb; i++, x += QK) {
    float d = absmax(x, QK) / 127.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    f2h(b[i].d, d);
    for (int j = 0; j < QK; j++)
      b[i].qs[j] = (int8_t)clampi((int)roundf(x[j] * id), -127, 127);
  }
}

void q_quant_q8_1(const float *x, void *dst, int64_t nb) {
  blk_q8_1 *b = dst;
  for (int64_t i = 0; i < nb; i++, x += QK) {
    float d = absmax(x, QK) / 127.0f;
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    int sum = 0;
    f2h(b[i].d, d);
    for (int j = 0; j < QK; j++) {
      b[i].qs[j] = (int8_t)clampi((int)roundf(x[j] * id), -127, 127);
      sum += b[i].qs[j];
    }
    f2h(b[i].s, (float)sum * d);
  }
}

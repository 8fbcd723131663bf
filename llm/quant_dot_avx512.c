/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_dot_avx512.c — avx512 kernels (placeholder: none yet).
 */
#include "llm/quant_internal.h"

void q_kernels_avx512(q_kernels_t *k) { (void)k; }

/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/quant_dot_avx2.c — avx2 kernels (placeholder: none yet).
 */
#include "llm/quant_internal.h"

void q_kernels_avx2(q_kernels_t *k) { (void)k; }

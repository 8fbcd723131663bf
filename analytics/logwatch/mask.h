/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/mask.h — built-in masking of one token, the general
 * rules the template miner applies after the configured mask regexes
 * (unless LW_DRAIN_CLASSIC):
 *
 *  1. a hexadecimal number: "0x" + hex digits, or a run of >= 8 hex digits
 *     with at least one decimal digit (addresses, hashes) → "<*>";
 *  2. a decimal number that does not continue a word: optional '-',
 *     digits, further ".digits"/",digits" groups → "<*>" ("uid=0" →
 *     "uid=<*>", "node-12" → "node-<*>", "-1" → "<*>", "2.6.9" → "<*>",
 *     "12:30:01" → "<*>:<*>:<*>"); digits inside or after a word stay
 *     ("jk2", "eth0", "sda1"), as does a number glued to letters ("10ms").
 *  3. an identifier of letters, digits and '_' that then holds two or more
 *     "<*>" is one variable ("attempt_1445_0020_m_000004_0", "rdd_2_3" →
 *     "<*>"; "blk_-42" → "blk_<*>").
 * Punctuation is kept, so templates read like loghub's ("(TID <*>)").
 */
#ifndef LOTSE_LOGWATCH_MASK_H
#define LOTSE_LOGWATCH_MASK_H

#include <stddef.h>

/* Write the masked form of tok[0..n) to out (room for 3 * n + 3 bytes);
 * returns its length. */
size_t lw_mask_token(const char *tok, size_t n, char *out);

/* 1 when tok is only variables and punctuation ("<*>", "<*>:", "(<*>)"):
 * the miner treats such tokens as variables when comparing. */
int lw_mask_is_var(const char *tok, size_t n);

#endif

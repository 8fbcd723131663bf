/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/classify_internal.h — the questionnaire as the interpreter holds it,
 * shared by gov/classify_load.c (YAML -> these structs, with validation)
 * and gov/classify.c (answers -> classification).
 *
 * Invariants after a successful load: (1) question ids are unique and match
 * [a-z0-9_]+; (2) every condition names an existing question (ask_if: an
 * earlier one) and only values that question can take; (3) every effect has
 * a reason, a class 0..4 (0: no class) and known measures; (4) yes_no
 * questions have exactly the options "ja" and "nein".
 */
#ifndef LOTSE_GOV_CLASSIFY_INTERNAL_H
#define LOTSE_GOV_CLASSIFY_INTERNAL_H

#include <stddef.h>

#include "gov/classify.h"

/* Measures an effect may name (bit per entry of cls_measure_names). */
enum {
  CLS_M_DSFA = 1u << 0,
  CLS_M_RISK = 1u << 1,
  CLS_M_TRANSPARENCY = 1u << 2,
  CLS_M_PERSONALRAT = 1u << 3,
  CLS_M_DPO = 1u << 4,
  CLS_M_COUNT = 5
};
extern const char *const cls_measure_names[CLS_M_COUNT];

typedef enum { CLS_YES_NO, CLS_CHOICE, CLS_MULTI } cls_kind_t;
extern const char *const cls_kind_names[3];

/* question qidx has one of values[] (any of them, for multi_choice). */
typedef struct cls_cond {
  size_t qidx;
  char **values;
  size_t nvalues;
} cls_cond_t;

/* All conditions must hold (an empty set always holds). */
typedef struct cls_condset {
  cls_cond_t *v;
  size_t n;
} cls_condset_t;

typedef struct cls_effect {
  int min_class;     /* 0: none */
  unsigned measures; /* CLS_M_* */
  char *reason;
  char **trainings;
  size_t ntrainings;
  cls_condset_t when;   /* applies only if all hold */
  cls_condset_t unless; /* not applied if non-empty and all hold */
} cls_effect_t;

typedef struct cls_effects {
  cls_effect_t *v;
  size_t n;
} cls_effects_t;

typedef struct cls_option {
  char *value;
  char *label;
  char *help;     /* may be NULL */
  int exclusive;  /* multi_choice: may not be combined with other values */
  cls_effects_t effects;
} cls_option_t;

typedef struct cls_section {
  char *id;
  char *title;
  char *intro; /* may be NULL */
} cls_section_t;

typedef struct cls_question {
  char *id;
  size_t section;
  char *text;
  char *help; /* may be NULL */
  cls_kind_t kind;
  int required;
  cls_option_t *options;
  size_t noptions;
  cls_condset_t ask_if; /* asked only if all hold */
} cls_question_t;

struct gov_questionnaire {
  char *version;
  char *title;
  char sha256[65]; /* of the file's bytes */
  cls_section_t *sections;
  size_t nsections;
  cls_question_t *questions;
  size_t nquestions;
  cls_effects_t always;
};

/* Index of option value in question q, or -1. */
int cls_option_index(const cls_question_t *q, const char *value);

#endif

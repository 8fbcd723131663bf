/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/zip_guard.c — reading office packages (DOCX, ODT) from memory
 * without trusting them: a cap on the entry count, refusal of encrypted
 * entries and one unpacked-bytes budget per archive.
 *
 * Contract: the budget is checked twice, once against the size an entry
 * declares and again against the bytes actually inflated, so an archive
 * whose headers lie about the size stops at the limit as well; the
 * decompressed data never grows past the remaining budget plus one read.
 */
#include "ingest/extract_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define READ_STEP 65536

struct ingest_zip {
  zip_t *za;
  size_t budget; /* max_unpacked_bytes */
  size_t used;   /* bytes unpacked so far */
  const char *what;
};

/* --------------------------------------------------------------- open */

static int open_za(const char *d, size_t n, zip_t **out, zip_error_t *ze) {
  zip_error_init(ze);
  zip_source_t *src = zip_source_buffer_create(d, n, 0, ze);
  if (!src) return LOTSE_ENOMEM;
  zip_t *za = zip_open_from_source(src, ZIP_RDONLY, ze);
  if (!za) {
    zip_source_free(src);
    return zip_error_code_zip(ze) == ZIP_ER_MEMORY ? LOTSE_ENOMEM
                                                   : LOTSE_ECORRUPT;
  }
  *out = za;
  return 0;
}

int ingest_zip_open(const char *d, size_t n, size_t max_unpacked,
                    const char *what, ingest_zip_t **out, lotse_err_t *err) {
  *out = NULL;
  zip_error_t ze;
  zip_t *za = NULL;
  int rc = open_za(d, n, &za, &ze);
  if (rc == LOTSE_ENOMEM) {
    zip_error_fini(&ze);
    return lotse_err_set(err, rc, "out of memory");
  }
  if (rc) {
    rc = LOTSE_CORRUPT_BKPT(err, "malformed %s: broken zip archive (%s)",
                            what, zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return rc;
  }
  zip_error_fini(&ze);
  zip_int64_t entries = zip_get_num_entries(za, 0);
  if (entries < 0 || entries > INGEST_ZIP_MAX_ENTRIES) {
    zip_discard(za);
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "%s archive has %lld entries, more than %d", what,
                         (long long)entries, INGEST_ZIP_MAX_ENTRIES);
  }
  ingest_zip_t *z = calloc(1, sizeof *z);
  if (!z) {
    zip_discard(za);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  z->za = za;
  z->budget = max_unpacked;
  z->what = what;
  *out = z;
  return 0;
}

void ingest_zip_close(ingest_zip_t *z) {
  if (!z) return;
  zip_discard(z->za);
  free(z);
}

int ingest_zip_has(ingest_zip_t *z, const char *name) {
  return zip_name_locate(z->za, name, 0) >= 0;
}

/* --------------------------------------------------------------- read */

static int entry_encrypted(const zip_stat_t *st) {
  return (st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
         st->encryption_method != ZIP_EM_NONE;
}

static int too_big(ingest_zip_t *z, lotse_err_t *err) {
  return lotse_err_set(err, LOTSE_ETOOBIG,
                       "%s unpacks to more than the limit of %zu bytes "
                       "(zip bomb?)",
                       z->what, z->budget);
}

/* Inflate an opened entry, counting every byte against the budget. */
static int read_counted(ingest_zip_t *z, zip_file_t *zf, const char *name,
                        lotse_buf_t *out, lotse_err_t *err) {
  char *step = malloc(READ_STEP);
  if (!step) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = 0;
  for (;;) {
    zip_int64_t r = zip_fread(zf, step, READ_STEP);
    if (r < 0) {
      rc = LOTSE_CORRUPT_BKPT(err, "malformed %s: unable to unpack '%s' (%s)",
                              z->what, name, zip_file_strerror(zf));
      break;
    }
    if (r == 0) break;
    if ((size_t)r > z->budget - z->used) {
      rc = too_big(z, err);
      break;
    }
    z->used += (size_t)r;
    if (lotse_buf_append(out, step, (size_t)r)) {
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
      break;
    }
  }
  free(step);
  return rc;
}

int ingest_zip_read(ingest_zip_t *z, const char *name, char **data,
                    size_t *len, lotse_err_t *err) {
  *data = NULL;
  *len = 0;
  zip_int64_t idx = zip_name_locate(z->za, name, 0);
  if (idx < 0)
    return lotse_err_set(err, LOTSE_ENOTFOUND, "%s has no '%s'", z->what,
                         name);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(z->za, (zip_uint64_t)idx, 0, &st) != 0)
    return LOTSE_CORRUPT_BKPT(err, "malformed %s: unreadable entry '%s'",
                              z->what, name);
  if (entry_encrypted(&st))
    return lotse_err_set(err, LOTSE_EENCRYPTED,
                         "encrypted %s: entry '%s' is password protected",
                         z->what, name);
  if ((st.valid & ZIP_STAT_SIZE) && st.size > z->budget - z->used)
    return too_big(z, err);
  zip_file_t *zf = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
  if (!zf)
    return LOTSE_CORRUPT_BKPT(err, "malformed %s: unable to open '%s' (%s)",
                              z->what, name, zip_strerror(z->za));
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int rc = read_counted(z, zf, name, &b, err);
  zip_fclose(zf);
  if (rc) {
    lotse_buf_release(&b);
    return rc;
  }
  *len = b.len;
  *data = lotse_buf_detach(&b);
  return *data ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

int ingest_zip_check_encryption(ingest_zip_t *z, lotse_err_t *err) {
  zip_int64_t n = zip_get_num_entries(z->za, 0);
  for (zip_int64_t i = 0; i < n; i++) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z->za, (zip_uint64_t)i, 0, &st) != 0) continue;
    if (entry_encrypted(&st))
      return lotse_err_set(err, LOTSE_EENCRYPTED,
                           "encrypted %s: entry '%s' is password protected",
                           z->what, st.name ? st.name : "?");
  }
  return 0;
}

/* -------------------------------------------------------------- sniff */

static int odt_mimetype(const char *s, size_t n) {
  static const char want[] = "application/vnd.oasis.opendocument.text";
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) n--;
  size_t k = sizeof want - 1;
  return (n == k && !memcmp(s, want, k)) ||
         (n == k + 9 && !memcmp(s, want, k) && !memcmp(s + k, "-template", 9));
}

/* The "mimetype" entry of an ODF package: a few stored bytes. */
static int read_mimetype(zip_t *za, char *buf, size_t cap, size_t *len) {
  zip_int64_t idx = zip_name_locate(za, "mimetype", 0);
  zip_stat_t st;
  zip_stat_init(&st);
  if (idx < 0 || zip_stat_index(za, (zip_uint64_t)idx, 0, &st) != 0 ||
      !(st.valid & ZIP_STAT_SIZE) || st.size >= cap)
    return -1;
  zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
  if (!zf) return -1;
  zip_int64_t r = zip_fread(zf, buf, cap - 1);
  zip_fclose(zf);
  if (r < 0) return -1;
  *len = (size_t)r;
  return 0;
}

/* For archives libzip cannot open (truncated): look at the raw bytes so a
 * damaged DOCX is reported as a malformed DOCX, not as an unknown zip. */
static ingest_type_t sniff_raw(const char *d, size_t n) {
  if (memmem(d, n, "[Content_Types].xml", 19) &&
      memmem(d, n, "word/document.xml", 17))
    return INGEST_TYPE_DOCX;
  if (n > 38 + 39 && !memcmp(d + 30, "mimetype", 8) &&
      !memcmp(d + 38, "application/vnd.oasis.opendocument.text", 39))
    return INGEST_TYPE_ODT;
  return INGEST_TYPE_ZIP;
}

ingest_type_t ingest_zip_sniff(const char *d, size_t n) {
  zip_error_t ze;
  zip_t *za = NULL;
  if (open_za(d, n, &za, &ze)) {
    zip_error_fini(&ze);
    return sniff_raw(d, n);
  }
  zip_error_fini(&ze);
  ingest_type_t t = INGEST_TYPE_ZIP;
  char mt[128];
  size_t mlen = 0;
  if (zip_name_locate(za, "[Content_Types].xml", 0) >= 0 &&
      zip_name_locate(za, "word/document.xml", 0) >= 0)
    t = INGEST_TYPE_DOCX;
  else if (!read_mimetype(za, mt, sizeof mt, &mlen) && odt_mimetype(mt, mlen))
    t = INGEST_TYPE_ODT;
  zip_discard(za);
  return t;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/ocr.c — optical character recognition of page images with the
 * tesseract C API: the image is converted to 8-bit grey, its resolution is
 * set (so tesseract does not guess and print about it), and the recognised
 * text is split into paragraphs at blank lines.
 *
 * Contract: an engine is opened once per document (loading the language
 * model takes a while) and used for its pages by one thread. Tesseract's
 * diagnostics go to /dev/null and leptonica's to lotse_log (debug), never
 * to stderr. The language name is
 * restricted to letters, digits, '_' and '+' (it becomes a file name).
 */
#include "ingest/extract_internal.h"

#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#define MAX_OCR_IMAGE_PIXELS ((size_t)256 * 1024 * 1024)

struct ingest_ocr {
  TessBaseAPI *api;
};

static void lept_log(const char *msg) {
  size_t n = msg ? strlen(msg) : 0;
  while (n && msg[n - 1] == '\n') n--;
  lotse_log(LOTSE_LOG_DEBUG, "leptonica: %.*s", (int)n, msg ? msg : "");
}

/* Tesseract parallelises with OpenMP and asks for many threads per region;
 * on a busy machine the spinning threads make a page several times slower
 * (A4 at 300 dpi, 2 busy cores: 15 s instead of 2.3 s). With dynamic
 * adjustment libgomp sizes each team by the load average. The switch is
 * per thread and looked up at run time: no link dependency on libgomp, and
 * nothing happens when tesseract was built without OpenMP. */
static union {
  void *p;
  void (*fn)(int);
} omp_set_dynamic_fn;

static void quiet_once(void) {
  leptSetStderrHandler(lept_log);
  omp_set_dynamic_fn.p = dlsym(RTLD_DEFAULT, "omp_set_dynamic");
}

static int lang_ok(const char *lang) {
  if (!lang || !*lang || strlen(lang) > 64) return 0;
  for (const char *p = lang; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '_' || *p == '+'))
      return 0;
  return 1;
}

int ingest_ocr_open(const char *lang, ingest_ocr_t **out, lotse_err_t *err) {
  *out = NULL;
  if (!lang) lang = "deu";
  if (!lang_ok(lang))
    return lotse_err_set(err, LOTSE_EINVAL, "invalid ocr language '%s'", lang);
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, quiet_once);
  ingest_ocr_t *o = calloc(1, sizeof *o);
  if (!o || !(o->api = TessBaseAPICreate())) {
    free(o);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  TessBaseAPISetVariable(o->api, "debug_file", "/dev/null");
  if (TessBaseAPIInit2(o->api, NULL, lang, OEM_DEFAULT) != 0) {
    TessBaseAPIDelete(o->api);
    free(o);
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "ocr unavailable: tesseract language '%s' is not "
                         "installed",
                         lang);
  }
  TessBaseAPISetVariable(o->api, "debug_file", "/dev/null");
  TessBaseAPISetPageSegMode(o->api, PSM_AUTO);
  *out = o;
  return 0;
}

void ingest_ocr_close(ingest_ocr_t *o) {
  if (!o) return;
  TessBaseAPIEnd(o->api);
  TessBaseAPIDelete(o->api);
  free(o);
}

/* Grey = luminance; 4-byte pixels are native-endian 0xAARRGGBB (cairo),
 * 3-byte pixels are R, G, B. */
static unsigned char *to_grey(const unsigned char *px, int w, int h, int bpp,
                              int stride) {
  unsigned char *g = malloc((size_t)w * (size_t)h);
  if (!g) return NULL;
  for (int y = 0; y < h; y++) {
    const unsigned char *row = px + (size_t)y * (size_t)stride;
    unsigned char *out = g + (size_t)y * (size_t)w;
    for (int x = 0; x < w; x++) {
      unsigned r, gr, b;
      if (bpp == 4) {
        uint32_t v;
        memcpy(&v, row + (size_t)x * 4, 4);
        r = (v >> 16) & 0xFF, gr = (v >> 8) & 0xFF, b = v & 0xFF;
      } else if (bpp == 3) {
        r = row[x * 3], gr = row[x * 3 + 1], b = row[x * 3 + 2];
      } else {
        r = gr = b = row[x];
      }
      out[x] = (unsigned char)((r * 299 + gr * 587 + b * 114) / 1000);
    }
  }
  return g;
}

int ingest_ocr_run(ingest_ocr_t *o, const unsigned char *pixels, int width,
                   int height, int bytes_per_pixel, int stride, int dpi,
                   int page, ingest_extract_t *x, lotse_err_t *err) {
  if (!o || !pixels || width <= 0 || height <= 0 ||
      (bytes_per_pixel != 1 && bytes_per_pixel != 3 && bytes_per_pixel != 4) ||
      stride < width * bytes_per_pixel)
    return lotse_err_set(err, LOTSE_EINVAL, "invalid image for ocr");
  if ((size_t)width * (size_t)height > MAX_OCR_IMAGE_PIXELS)
    return lotse_err_set(err, LOTSE_ETOOBIG, "image too large for ocr");
  unsigned char *grey = to_grey(pixels, width, height, bytes_per_pixel, stride);
  if (!grey) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (omp_set_dynamic_fn.p) omp_set_dynamic_fn.fn(1);
  TessBaseAPISetImage(o->api, grey, width, height, 1, width);
  TessBaseAPISetSourceResolution(o->api, dpi > 0 ? dpi : 300);
  int rc = 0;
  char *text = NULL;
  if (TessBaseAPIRecognize(o->api, NULL) != 0)
    rc = lotse_err_set(err, LOTSE_EINTERNAL, "ocr failed on page %d", page);
  else if (!(text = TessBaseAPIGetUTF8Text(o->api)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) rc = ingest_add_paragraphs(x, text, strlen(text), page, err);
  TessDeleteText(text);
  TessBaseAPIClear(o->api);
  free(grey);
  return rc;
}

int ingest_ocr_image(const unsigned char *pixels, int width, int height,
                     int bytes_per_pixel, int stride, int dpi,
                     const char *lang, int page, ingest_extract_t *x,
                     lotse_err_t *err) {
  ingest_ocr_t *o = NULL;
  int rc = ingest_ocr_open(lang, &o, err);
  if (rc) return rc;
  rc = ingest_ocr_run(o, pixels, width, height, bytes_per_pixel, stride, dpi,
                      page, x, err);
  ingest_ocr_close(o);
  return rc;
}

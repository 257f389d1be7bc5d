#ifndef SLIDEMIL_CTIFF_SHIM_H
#define SLIDEMIL_CTIFF_SHIM_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

/* TIFFSetField/TIFFGetField are variadic, which Swift cannot call; these fix one type each. */
static inline int slidemil_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value) { return TIFFSetField(tif, tag, value); }
static inline int slidemil_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value) { return TIFFSetField(tif, tag, value); }
static inline int slidemil_tiff_set_int(TIFF *tif, uint32_t tag, int value) { return TIFFSetField(tif, tag, value); }
static inline int slidemil_tiff_set_float(TIFF *tif, uint32_t tag, float value) { return TIFFSetField(tif, tag, (double)value); }
static inline int slidemil_tiff_set_string(TIFF *tif, uint32_t tag, const char *value) { return TIFFSetField(tif, tag, value); }
static inline int slidemil_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetField(tif, tag, value); }
static inline int slidemil_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetField(tif, tag, value); }
static inline int slidemil_tiff_get_float(TIFF *tif, uint32_t tag, float *value) { return TIFFGetField(tif, tag, value); }
static inline int slidemil_tiff_get_string(TIFF *tif, uint32_t tag, char **value) { return TIFFGetField(tif, tag, value); }
/* For tags whose value is a counted byte array (JPEGTables): count and a pointer owned by libtiff. */
static inline int slidemil_tiff_get_bytes(TIFF *tif, uint32_t tag, uint32_t *count, void **data) { return TIFFGetField(tif, tag, count, data); }

/* libtiff reports errors through printf-style callbacks; this one formats the last error
   into a caller-owned buffer (user_data, 512 bytes) so Swift can read it. */
static inline int slidemil_tiff_capture_error(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    char *buffer = (char *)user_data;
    if (buffer == NULL) return 1;
    int used = 0;
    if (module != NULL) used = snprintf(buffer, 512, "%s: ", module);
    if (used < 0 || used >= 512) used = 0;
    vsnprintf(buffer + used, 512 - (size_t)used, fmt, ap);
    return 1;
}

static inline int slidemil_tiff_ignore_warning(TIFF *tif, void *user_data, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)user_data; (void)module; (void)fmt; (void)ap;
    return 1;
}

/// Opens a TIFF whose errors go to `error_buffer` (512 bytes, owned by the caller for the handle's
/// lifetime) and whose warnings are dropped instead of printed to stderr.
static inline TIFF *slidemil_tiff_open(const char *path, const char *mode, char *error_buffer) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, slidemil_tiff_capture_error, error_buffer);
    TIFFOpenOptionsSetWarningHandlerExtR(options, slidemil_tiff_ignore_warning, NULL);
    TIFF *tif = TIFFOpenExt(path, mode, options);
    TIFFOpenOptionsFree(options);
    return tif;
}
/* Clears the error buffer of a handle opened with slidemil_tiff_open (512 bytes). */
static inline void slidemil_tiff_clear_error(char *error_buffer) { error_buffer[0] = 0; }
#endif

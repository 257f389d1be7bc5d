#include "tiff_messages.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

#define CAPACITY 2048
static __thread char messages[CAPACITY];

static void collect(const char *kind, const char *module, const char *fmt, va_list ap) {
    size_t used = strlen(messages);
    if (used + 64 >= CAPACITY) return; /* keep the first messages, drop a flood */
    char *end = messages + used;
    size_t left = CAPACITY - used;
    int written = snprintf(end, left, "%s%s|%s|", used > 0 ? "\n" : "", kind, module != NULL ? module : "");
    if (written < 0 || (size_t)written >= left) { *end = 0; return; }
    vsnprintf(end + written, left - (size_t)written, fmt, ap);
}

static void collect_error(const char *module, const char *fmt, va_list ap) { collect("error", module, fmt, ap); }

static void collect_warning(const char *module, const char *fmt, va_list ap) { collect("warning", module, fmt, ap); }

void slidemil_tiff_install_collecting_handlers(void) {
    TIFFSetErrorHandler(collect_error);
    TIFFSetWarningHandler(collect_warning);
}

void slidemil_tiff_take_messages(char *out, size_t capacity) {
    if (capacity == 0) return;
    snprintf(out, capacity, "%s", messages);
    messages[0] = 0;
}

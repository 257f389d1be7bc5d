#ifndef SLIDEMIL_TIFF_MESSAGES_H
#define SLIDEMIL_TIFF_MESSAGES_H
#include <stddef.h>

/* Routes libtiff's process-wide error and warning handlers (used for handles other libraries,
   such as OpenSlide, open) into a per-thread collection instead of stderr. Idempotent. */
void slidemil_tiff_install_collecting_handlers(void);

/* Copies this thread's collected messages ("kind|module|text" lines, oldest first; the first
   2 kB are kept) into `out` (NUL-terminated, truncated to `capacity`) and clears them. */
void slidemil_tiff_take_messages(char *out, size_t capacity);
#endif

#ifndef SLIDEMIL_CPNG_SHIM_H
#define SLIDEMIL_CPNG_SHIM_H
#include <png.h>

/// The simplified-API version constant, as a function (the macro is not importable everywhere).
static inline png_uint_32 slidemil_png_image_version(void) { return PNG_IMAGE_VERSION; }
#endif

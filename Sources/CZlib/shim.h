#ifndef SLIDEMIL_CZLIB_SHIM_H
#define SLIDEMIL_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2` is a macro over `inflateInit2_`; this makes it callable from Swift.
static inline int slidemil_inflate_init2(z_streamp strm, int window_bits) {
    return inflateInit2(strm, window_bits);
}
#endif

#ifndef SLIDEMIL_CTURBOJPEG_SHIM_H
#define SLIDEMIL_CTURBOJPEG_SHIM_H
#include <stdio.h>
#include <turbojpeg.h>
#include <jconfig.h>

/* The libjpeg-turbo release the headers belong to (TurboJPEG 2.x has no run-time version call),
   e.g. 2001005 for 2.1.5. */
static inline int slidemil_turbojpeg_header_version(void) { return LIBJPEG_TURBO_VERSION_NUMBER; }
#endif

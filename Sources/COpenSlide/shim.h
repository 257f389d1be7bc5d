#ifndef SLIDEMIL_COPENSLIDE_SHIM_H
#define SLIDEMIL_COPENSLIDE_SHIM_H
#include <openslide.h>
#endif

#ifndef SLIDEMIL_CBLAS_SHIM_H
#define SLIDEMIL_CBLAS_SHIM_H
#include <cblas.h>
#endif

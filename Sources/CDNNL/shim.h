#ifndef SLIDEMIL_CDNNL_SHIM_H
#define SLIDEMIL_CDNNL_SHIM_H
// oneDNN (Debian libdnnl-dev, OpenMP runtime). Swift cannot import the function-like and
// pointer-valued macros of dnnl_types.h, so the one that is needed is spelled out here.
#include <dnnl.h>

/// DNNL_MEMORY_ALLOCATE: ask dnnl_memory_create to allocate the buffer itself.
static inline void *slidemil_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }

// The OpenMP runtime oneDNN runs on: its team size is a per-thread setting, so a caller that
// splits a batch over its own threads gives each of them one OpenMP thread.
void omp_set_num_threads(int count);
int omp_get_max_threads(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
/// libgomp's entry point for a parallel region (what `#pragma omp parallel num_threads(n)`
/// compiles to): runs `body(data)` on a team of `threads` threads, the caller among them, on
/// the same thread pool oneDNN's kernels use.
void GOMP_parallel(void (*body)(void *), void *data, unsigned threads, unsigned flags);

#endif

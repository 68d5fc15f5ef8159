#ifndef TENSORSCOPE_COPENBLAS_SHIM_H
#define TENSORSCOPE_COPENBLAS_SHIM_H
// OpenBLAS's CBLAS interface plus its runtime queries (openblas_get_corename,
// openblas_get_num_threads, openblas_set_num_threads). The include path comes
// from pkg-config (`openblas`), so Debian's per-flavour folders are found.
#include <cblas.h>
#endif

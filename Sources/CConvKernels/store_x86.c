// Non-temporal stores for the x86 rows of the ISA table.
#if defined(__x86_64__)
#include <immintrin.h>

#include "isa_table.h"

// 16-byte non-temporal stores of a computed tile, for an output split over several blocks of NR
// channels, which the kernels cannot stream themselves (wider stores, with the partial lines at
// either end stored normally, are slower: docs/ENGINE.md).
void ts_x86_stream_tile(float *out, const float *tile, size_t n) {
    for (size_t k = 0; k < n; k += 4) _mm_stream_ps(out + k, _mm_load_ps(tile + k));
}

void ts_x86_fence(void) { _mm_sfence(); }
#endif

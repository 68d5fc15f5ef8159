#ifndef TENSORSCOPE_CMALLOC_SHIM_H
#define TENSORSCOPE_CMALLOC_SHIM_H
// glibc's mallopt, which Swift's Glibc module does not export (it lives in <malloc.h>), and
// stdio's setvbuf on stdout.
#include <limits.h>
#include <malloc.h>
#include <stdio.h>

/// Serve every allocation from malloc's heaps instead of fresh mmap()s, and never give the
/// heap's free top back to the kernel: freed tensors are then reused without page faults.
/// One heap for all threads: a heap that is never trimmed keeps its own peak, so with one
/// per thread a decode thread's freed buffers could not serve the forward pass, nor its
/// buffers the decoder — the peaks would add up. Large tensors are few, so one lock costs
/// nothing measurable. Returns 1 when glibc accepted every setting.
static inline int tensorscope_retain_freed_memory(void) {
#if defined(M_MMAP_MAX) && defined(M_TRIM_THRESHOLD) && defined(M_ARENA_MAX)
    return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, INT_MAX) == 1 && mallopt(M_ARENA_MAX, 1) == 1;
#else
    return 0;
#endif
}

/// Gives the free memory malloc holds back to the kernel (malloc_trim(0)).
static inline void tensorscope_release_freed_memory(void) {
    malloc_trim(0);
}

/// Makes standard output line-buffered whatever it is connected to (Swift 6 cannot name the
/// C global `stdout` outside an isolation domain).
static inline void tensorscope_line_buffer_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}
#endif

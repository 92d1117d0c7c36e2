/*
 * CMemory: what Swift cannot say about memory by itself — glibc's malloc tuning (malloc.h,
 * which Swift's Glibc module leaves out) and the compiler's prefetch hint. No state.
 */
#ifndef FACTSH_MEMORY_H
#define FACTSH_MEMORY_H

#include <stddef.h>

/* Hints that the cache line holding `p` will be read soon (never faults, whatever `p` is).
 * Inlined into the Swift caller. */
static inline void factsh_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/* glibc's malloc_trim(pad): hands free memory at the heap's top and in whole free pages back to
 * the system. Returns 1 if any was released. */
int factsh_malloc_trim(size_t pad);

/* glibc's mallopt(M_MMAP_THRESHOLD, bytes): blocks of at least `bytes` get their own mappings. */
int factsh_set_mmap_threshold(int bytes);

/* glibc's mallopt(M_TRIM_THRESHOLD, bytes): free memory at the heap's top is handed back to the
 * system once it exceeds `bytes`. */
int factsh_set_trim_threshold(int bytes);

/* The bytes the allocator holds free in its heaps (glibc's mallinfo2().fordblks): what a trim
 * could hand back. */
size_t factsh_free_heap_bytes(void);

#endif

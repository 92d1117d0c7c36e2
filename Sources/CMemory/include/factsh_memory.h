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

/* The allocator's settings while a graph loads: blocks of 1 MB and more get mappings of their
 * own and the heap's top goes back past 128 KB, so the big buffers a load drops return to the
 * system instead of staying as holes in the heap (about 60 MB less peak at a million
 * enterprises). glibc's own adjustment of both bounds stops once they are set. */
void factsh_malloc_for_loading(void);

/* The allocator's settings for answering statements: blocks up to 32 MB (glibc's largest
 * bound) come from the heap and the heap's top is not given back on every free, so a big
 * statement's temporary arrays serve the next one instead of being faulted in and cleared
 * again; the shell hands free memory back when it is idle. */
void factsh_malloc_for_queries(void);

/* The bytes the allocator holds free in its heaps (glibc's mallinfo2().fordblks): what a trim
 * could hand back. */
size_t factsh_free_heap_bytes(void);

#endif

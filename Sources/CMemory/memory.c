#include "factsh_memory.h"
#include <malloc.h>

int factsh_malloc_trim(size_t pad) { return malloc_trim(pad); }

void factsh_malloc_for_loading(void) {
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 10);
    mallopt(M_MMAP_MAX, 65536);
}

void factsh_malloc_for_queries(void) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_MAX, 0);
}

size_t factsh_free_heap_bytes(void) { return mallinfo2().fordblks; }

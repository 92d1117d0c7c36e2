#include "factsh_memory.h"
#include <malloc.h>

int factsh_malloc_trim(size_t pad) { return malloc_trim(pad); }

int factsh_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

int factsh_set_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }

size_t factsh_free_heap_bytes(void) { return mallinfo2().fordblks; }

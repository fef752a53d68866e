// The kernel heap: a general-purpose allocator over one arena, built for
// the Lua interpreter's pattern (many small objects, frequent realloc).
// It is a two-level segregated fit (TLSF): every operation is O(1) apart
// from the memcpy of a moving krealloc.

#ifndef BOUNCE_HEAP_H
#define BOUNCE_HEAP_H

#include <stddef.h>

// Manage [base, base + bytes) (at most 1 GiB is used). Calling it again
// forgets every earlier allocation.
void heap_init(void *base, size_t bytes);

// Results are aligned to 2 * sizeof(size_t) (8 on i686). All return NULL
// when the heap cannot satisfy the request; none of them panics.
void *kmalloc(size_t n);
void  kfree(void *p);                   // kfree(NULL) does nothing
void *krealloc(void *p, size_t n);      // p == NULL: kmalloc; n == 0: kfree, NULL
void *kcalloc(size_t n, size_t sz);     // zeroed; NULL if n * sz overflows

struct heap_info {
	size_t arena;           // bytes under management (used + free)
	size_t used;            // bytes in allocated blocks, headers included
	size_t free;            // bytes in free blocks, headers included
	size_t largest_free;    // the largest kmalloc that would succeed now
	size_t allocs;          // live allocations
};
void heap_info(struct heap_info *out);

// Defined by the kernel (a panic): called by kfree/krealloc on a double
// free or a pointer the heap never returned. If it returns, the call
// does nothing (krealloc returns NULL).
void heap_corrupt(const char *why);

#endif

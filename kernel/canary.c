/* canary.c — plant the canary in kernel data and in the kernel heap. */
#include "canary.h"
#include "heap.h"
#include "x86.h"

#define CANARY_WORDS 1024

uint32_t kernel_canary;
static uint32_t canary_page[CANARY_WORDS];
static uint32_t *heap_copy;

void canary_plant(void)
{
	uint64_t t = rdtsc();
	uint32_t x = (uint32_t)t ^ (uint32_t)(t >> 32) ^ 0x5EED1234u;
	x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift: spread the bits */
	kernel_canary = x | 0x01010101u;         /* no zero byte: a real pattern to find */
	heap_copy = kmalloc(CANARY_WORDS * 4);
	for (int i = 0; i < CANARY_WORDS; i++) {
		canary_page[i] = kernel_canary;
		if (heap_copy)
			heap_copy[i] = kernel_canary;
	}
}

/* Whatever overwrote kernel data or the heap (a stack running off its end
 * did) most likely changed a copy. */
int canary_intact(void)
{
	for (int i = 0; i < CANARY_WORDS; i++)
		if (canary_page[i] != kernel_canary || (heap_copy && heap_copy[i] != kernel_canary))
			return 0;
	return kernel_canary != 0;
}

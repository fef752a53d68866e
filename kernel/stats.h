/* stats.h — counters the shell's k.stats() reports. */
#ifndef BOUNCE_STATS_H
#define BOUNCE_STATS_H

#include <stdint.h>

struct kstats {
	uint32_t entries;      /* entries into the kernel from user mode */
	uint32_t syscalls;
	uint32_t cr3_loads;    /* CR3 loads the bounce made (two per entry) */
	uint32_t window_moves;
	uint32_t page_faults;
	uint32_t pageouts;     /* user pages written to swap slots (pager.c) */
	uint32_t pageins;      /* and read back */
	uint32_t ticks;        /* timer interrupts since boot */
};

extern struct kstats kstats;

#endif

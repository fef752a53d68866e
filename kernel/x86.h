/* x86.h — the handful of privileged instructions the kernel uses, as inline functions. */
#ifndef BOUNCE_X86_H
#define BOUNCE_X86_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory"); }
/* rep insw/outsw: n 16-bit words between port and memory (ATA PIO data). */
static inline void insw(uint16_t port, void *buf, uint32_t n) { __asm__ volatile("rep insw" : "+D"(buf), "+c"(n) : "d"(port) : "memory"); }
static inline void outsw(uint16_t port, const void *buf, uint32_t n) { __asm__ volatile("rep outsw" : "+S"(buf), "+c"(n) : "d"(port) : "memory"); }

static inline uint32_t rcr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t rcr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t rcr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint32_t rcr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void lcr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void lcr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void lcr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void ldr7(uint32_t v) { __asm__ volatile("mov %0, %%dr7" : : "r"(v)); }

static inline void invlpg(uint32_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

/* A pseudo-descriptor as LIDT/LGDT/SIDT/SGDT read and write it. */
struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint32_t base;
};

static inline void lidt(const struct dtr *d) { __asm__ volatile("lidt %0" : : "m"(*d)); }
static inline void lgdt(const struct dtr *d) { __asm__ volatile("lgdt %0" : : "m"(*d)); }
static inline void sidt(struct dtr *d) { __asm__ volatile("sidt %0" : "=m"(*d)); }
static inline void sgdt(struct dtr *d) { __asm__ volatile("sgdt %0" : "=m"(*d)); }
static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" : : "r"(sel)); }
static inline void lldt(uint16_t sel) { __asm__ volatile("lldt %0" : : "r"(sel)); }
static inline uint16_t str(void) { uint16_t s; __asm__ volatile("str %0" : "=r"(s)); return s; }

static inline uint32_t read_eflags(void) { uint32_t f; __asm__ volatile("pushfl; popl %0" : "=r"(f)); return f; }
static inline void write_eflags(uint32_t f) { __asm__ volatile("pushl %0; popfl" : : "r"(f) : "memory", "cc"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt"); }
/* Wait for an interrupt with interrupts enabled, atomically (sti's shadow covers hlt). */

static inline uint64_t rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }

#define EFLAGS_IF 0x200u
#define EFLAGS_NT 0x4000u /* nested task: iret would return to the TSS's link */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u
#define CR4_PSE 0x00000010u
#define CR4_PGE 0x00000080u
#define CR4_OSFXSR 0x00000200u

#endif

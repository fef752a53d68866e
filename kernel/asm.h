/* asm.h — constants shared by the assembly files (desc.h defines the same
 * names; trap.c includes both, so a value that differs does not compile). */
#ifndef BOUNCE_ASM_H
#define BOUNCE_ASM_H

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x28
/* The busy bit of a TSS descriptor (bit 1 of its type, in byte 5): LTR
 * refuses a busy TSS and marks the one it loads busy. */
#define DESC_TYPE_BYTE 5
#define TSS_BUSY 0x02

#endif

/* asm.h — constants shared by the assembly files (checked against the C
 * structures with _Static_assert in trap.c and window.c). */
#ifndef BOUNCE_ASM_H
#define BOUNCE_ASM_H

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x28
/* The busy bit of a TSS descriptor (bit 1 of its type, in byte 5): LTR
 * refuses a busy TSS and marks the one it loads busy. */
#define DESC_TYPE_BYTE 5
#define TSS_BUSY 0x02

/* struct trapframe offsets */
#define TF_ECX 24
#define TF_EAX 28
#define TF_EIP 56
#define TF_CS 60
#define TF_EFLAGS 64
#define TF_ESP 68
#define TF_SS 72

#endif

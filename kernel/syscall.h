/* syscall.h — the system-call dispatcher (numbers in abi.h). */
#ifndef BOUNCE_SYSCALL_H
#define BOUNCE_SYSCALL_H

struct trapframe;
void syscall(struct trapframe *tf);

#endif

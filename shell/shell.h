/* shell.h — the Lua shell on COM1. */
#ifndef BOUNCE_SHELL_H
#define BOUNCE_SHELL_H

/* Run the shell in the calling kernel thread (interrupts on); never returns. */
void shell_main(void) __attribute__((noreturn));

#endif

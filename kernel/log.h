/* log.h — kernel messages: to COM1 and to the dmesg ring. */
#ifndef BOUNCE_LOG_H
#define BOUNCE_LOG_H

#include <stddef.h>

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void dmesg_user(int pid, const char *s, size_t n, int cut); /* SYS_log: a tagged, escaped line */
size_t dmesg_read(char *buf, size_t n); /* the ring's contents, oldest first */

/* Exit status the emulator sees after a kernel panic. */
#define PANIC_EXIT_STATUS 112

#endif

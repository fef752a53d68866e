/* debugport.h — talking to the emulator: markers, announcements and exit.
 *
 * Port 0x500 is a byte channel read by our Bochs instrumentation (see
 * docs/instrumentation.md): a line is a MARK label, a line starting with
 * '@' an announcement.  User programs' labels go to port 0x503 instead,
 * framed by their length, and are logged literally (UMARK).  Port 0x501 ends the emulation with a status (Bochs
 * module; QEMU's isa-debug-exit sits there too).  On anything else both are
 * unassigned ports and writes vanish, so the kernel never depends on them.
 */
#ifndef BOUNCE_DEBUGPORT_H
#define BOUNCE_DEBUGPORT_H

#include <stdint.h>

#define MARK_PORT 0x500
#define EXIT_PORT 0x501
#define UMARK_PORT 0x503
#define UMARK_MAX 240           /* the emulator keeps this many bytes of a label */

void mark(const char *label);
void announce(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void announce_window(uint32_t cr3, uint32_t va, unsigned pages, uint32_t pa); /* "@window ...", cheaply */
void announce_ipc(const char *what, uint32_t id, uint32_t ep, const char *dir, uint32_t pid); /* "@what id= ep= dir=pid" */
void mark_user(int pid, const char *label);                   /* UMARK: a user's label, literally */
void announce_stack(uint32_t lo, uint32_t hi);                 /* "@stack ...": the running thread's kernel stack */
void announce_pages(int mapped, uint32_t cr3, uint32_t va, uint32_t n); /* "@map ..." or "@unmap ...": user pages */
void machine_exit(int status) __attribute__((noreturn));

#endif

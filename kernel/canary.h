/* canary.h — a random word the kernel keeps in its own memory, so a user
 * program can prove it never sees a kernel byte (SYS_canary). */
#ifndef BOUNCE_CANARY_H
#define BOUNCE_CANARY_H

#include <stdint.h>

extern uint32_t kernel_canary;
void canary_plant(void);
int canary_intact(void); /* every planted copy still holds the value */

#endif

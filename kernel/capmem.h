/* capmem.h — memory descriptors: blocks of 2^N pages aligned on 2^N pages,
 * allocated against a quota (a counted descriptor), split into halves,
 * merged only with their buddy, mapped, unmapped.  docs/capabilities.md. */
#ifndef BOUNCE_CAPMEM_H
#define BOUNCE_CAPMEM_H

#include <stdint.h>

struct obj;
struct cap;

extern struct obj capmem_quota;   /* what every quota descriptor counts pages of */

void capmem_release(struct obj *o);   /* the last reference: its frames are unreferenced */
uint32_t capmem_order(const struct obj *o);
uint32_t capmem_pa(const struct obj *o);
int capmem_split(struct cap *c);      /* c keeps the lower half; the upper half's fd */
int capmem_merge(struct cap *c, struct cap *c2);  /* buddies only; c2 goes */
int capmem_refund(struct cap *quota, struct cap *mem); /* an unmapped block back into a quota */
/* A one-page block held only by c and mapped nowhere: its frame, taken
 * over from the descriptor (which the caller refills); 0 if not. */
uint32_t capmem_take_page(struct cap *c, int *err);

int capmem_sys_alloc(uint32_t quota_fd, uint32_t order);
int capmem_sys_map(uint32_t fd, uint32_t va, uint32_t flags);
int capmem_sys_unmap(uint32_t fd, uint32_t va);

#endif

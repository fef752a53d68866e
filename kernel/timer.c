/* timer.c — PIT channel 0 as a rate generator: the scheduler's heartbeat. */
#include "timer.h"
#include "pic.h"
#include "desc.h"
#include "x86.h"

#define PIT_HZ 1193182

void timer_init(void)
{
	uint16_t div = PIT_HZ / TIMER_HZ;
	outb(0x43, 0x34); /* channel 0, lo/hi byte, mode 2 */
	outb(0x40, div & 0xFF);
	outb(0x40, div >> 8);
	pic_unmask(IRQ_TIMER);
}

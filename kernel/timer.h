/* timer.h — the PIT, ticking at TIMER_HZ. */
#ifndef BOUNCE_TIMER_H
#define BOUNCE_TIMER_H

#define TIMER_HZ 100
void timer_init(void);

#endif

/* kassert.h — KASSERT: invariants the kernel checks in a debug build.
 *
 * `make DEBUG=1` builds the kernel with -DKDEBUG (into build/debug/, so
 * the normal build is left alone); there a false KASSERT panics with the
 * file, line and expression.  In the normal build it costs nothing: the
 * expression is not evaluated.  KDEBUG_ON lets a caller skip a whole
 * check function (window_check, say) when assertions are off.
 * docs/diagnostics.md lists what is asserted where.
 */
#ifndef BOUNCE_KASSERT_H
#define BOUNCE_KASSERT_H

#include "log.h"

#ifdef KDEBUG
#define KDEBUG_ON 1
#define KASSERT(cond) \
	((cond) ? (void)0 : panic("KASSERT failed at %s:%d: %s", __FILE__, __LINE__, #cond))
#else
#define KDEBUG_ON 0
#define KASSERT(cond) ((void)sizeof(cond))
#endif

#endif

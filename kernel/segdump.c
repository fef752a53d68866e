/* segdump.c — decode segment selectors and descriptors for fault reports.
 *
 * A user in the bouncing layout faults against its window's GDT and IDT
 * (window_layout.h); the kernel, and users in the shared layout, against
 * the kernel's.  The LDTR is always null (docs/window.md), so an LDT
 * selector names nothing.  docs/diagnostics.md shows a report.
 */
#include "segdump.h"
#include "desc.h"
#include "klib.h"
#include "log.h"
#include "trap.h"
#include "vm.h"
#include "window_layout.h"

#define T_TS 10
#define T_SS 12
#define T_GP 13
#define ERR_EXT 0x1 /* an external event caused it */
#define ERR_IDT 0x2 /* the index is an IDT vector */
#define ERR_TI 0x4  /* (not IDT) the index is in the LDT */

static const char *const sys_types[16] = {
	"reserved", "tss16", "ldt", "tss16-busy", "callgate16", "taskgate", "intgate16", "trapgate16",
	"reserved", "tss32", "reserved", "tss32-busy", "callgate32", "reserved", "intgate32", "trapgate32",
};

/* "code rx", "data rw-", "tss32-busy", ... */
static void type_name(char *out, int s, int type)
{
	if (!s)
		snprintf(out, 16, "%s", sys_types[type]);
	else if (type & 8)
		snprintf(out, 16, "code x%s%s%s", type & 2 ? "r" : "", type & 4 ? "c" : "", type & 1 ? "a" : "");
	else
		snprintf(out, 16, "data r%s%s%s", type & 2 ? "w" : "", type & 4 ? "e" : "", type & 1 ? "a" : "");
}

static void desc_line(segdesc_t d)
{
	uint32_t base = ((d >> 16) & 0xFFFFFF) | ((uint32_t)(d >> 56) << 24);
	uint32_t limit = (d & 0xFFFF) | (((d >> 48) & 0xF) << 16);
	int type = (d >> 40) & 0xF, s = (d >> 44) & 1, dpl = (d >> 45) & 3, p = (d >> 47) & 1;
	char t[16];
	if ((d >> 55) & 1)
		limit = limit << 12 | 0xFFF;
	type_name(t, s, type);
	kprintf(" base 0x%08x limit 0x%08x type %s DPL %d %s\n", base, limit, t, dpl,
		p ? "present" : "not present");
}

static void gate_line(const struct gate *g)
{
	int type = g->type_attr & 0xF;
	kprintf(" gate %s sel 0x%x offset 0x%08x DPL %d %s\n", sys_types[type], g->sel, gate_offset(g),
		(g->type_attr >> 5) & 3, g->type_attr & 0x80 ? "present" : "not present");
}

/* The descriptor a selector (or a selector error code) names. */
static void sel_desc(uint32_t sel, const segdesc_t *gdt)
{
	uint32_t i = sel >> 3;
	if (sel & ERR_TI)
		kprintf(" no LDT (LDTR is null)\n");
	else if (i == 0)
		kprintf(" the null selector\n");
	else if (i >= GDT_ENTRIES)
		kprintf(" past the GDT's limit (%d entries)\n", GDT_ENTRIES);
	else
		desc_line(gdt[i]);
}

static void sel_line(const char *what, uint32_t sel, const segdesc_t *gdt)
{
	kprintf("  %s 0x%x: %s[%u] RPL %u:", what, sel, sel & ERR_TI ? "LDT" : "GDT", sel >> 3, sel & 3);
	sel_desc(sel, gdt);
}

/* A selector error code: a selector's index and table bit, but bit 0 says
 * "external event" and bit 1 "an IDT vector" (Intel SDM vol. 3, 6.13). */
static void err_line(uint32_t err, const segdesc_t *gdt, const struct gate *idt)
{
	const char *ext = err & ERR_EXT ? " (external)" : "";
	uint32_t v = (err >> 3) & 0x1FFF;
	if (!(err & ERR_IDT)) {
		kprintf("  err 0x%x: %s[%u]%s:", err, err & ERR_TI ? "LDT" : "GDT", v, ext);
		sel_desc(err & ~3u, gdt);
		return;
	}
	kprintf("  err 0x%x: IDT[0x%x]%s:", err, v, ext);
	if (v >= NIDT)
		kprintf(" past the IDT's limit (0x%x gates)\n", NIDT);
	else
		gate_line(&idt[v]);
}

void seg_report(const struct trapframe *tf, const struct as *as)
{
	const segdesc_t *gdt = kernel_gdt;
	const struct gate *idt = kernel_idt;
	if (tf_from_user(tf) && as && as->win.pa) {
		gdt = (const segdesc_t *)(as->win.pa + WIN_GDT); /* the window, through its 1:1 alias */
		idt = (const struct gate *)(as->win.pa + WIN_IDT);
	}
	sel_line("cs", tf->cs & 0xFFFF, gdt);
	if (tf_from_user(tf))
		sel_line("ss", tf->ss & 0xFFFF, gdt);
	if (tf->trapno >= T_TS && tf->trapno <= T_GP && tf->err)
		err_line(tf->err, gdt, idt);
}

/* main.c — boot: bring up the machine, the kernel's own address space,
 * memory, and the first threads, then schedule forever.
 *
 * Kernel command line (grub.cfg):
 *   run=prog1,prog2,...   spawn each user program in turn, then exit the
 *                         emulator with 0 iff all of them exited 0
 *   exit                  exit the emulator with 0 right after boot
 *   mode=shared           the conventional layout for comparison: the
 *                         kernel mapped supervisor-only into every process,
 *                         no window, no CR3 switch on entry (kvm.h)
 * otherwise the Lua shell starts on COM1.
 */
#include "ata.h"
#include "bootmod.h"
#include "buddy.h"
#include "canary.h"
#include "debugport.h"
#include "desc.h"
#include "heap.h"
#include "idle.h"
#include "klib.h"
#include "kvm.h"
#include "log.h"
#include "mmu.h"
#include "pic.h"
#include "proc.h"
#include "serial.h"
#include "shell/shell.h"
#include "stats.h"
#include "swapslot.h"
#include "timer.h"
#include "trap.h"
#include "window.h"

struct kstats kstats;
static struct bootinfo boot;

/* Physical memory above what boot left behind: buddy metadata, the heap
 * arena, and the rest for the buddy allocator.  The heap is half the RAM
 * the kernel maps (in 4 MiB pages, so a round figure): the shell's Lua lives
 * there and should have room to experiment, while processes, page tables
 * and kernel stacks take frames from the other half (docs/memory.md). */
static void mem_init(void)
{
	uint32_t base = ROUNDUP(boot.reserved_end, PGSIZE);
	uint32_t top = ROUNDDOWN(kvm_ram_top() < boot.ram_top ? kvm_ram_top() : boot.ram_top, PGSIZE);
	uint32_t npages = top / PGSIZE;
	uint32_t meta = base;
	uint32_t heap = ROUNDUP(meta + buddy_meta_bytes(npages), PGSIZE);
	uint32_t heap_bytes = kvm_ram_top() / 2;
	uint32_t free_lo = heap + heap_bytes;
	if (free_lo >= top)
		panic("not enough memory: %u KiB", top / 1024);
	buddy_init(0, npages, (void *)meta);
	buddy_release(free_lo, top);
	heap_init((void *)heap, heap_bytes);
	kprintf("memory: %u MiB RAM, kernel+modules end 0x%08x, heap 0x%08x (%u MiB), %u frames free\n",
		top >> 20, boot.reserved_end, heap, heap_bytes >> 20, (top - free_lo) / PGSIZE);
	kprintf("memory: kernel page directory 0x%08x, copy slot 0x%08x\n", (uint32_t)kernel_pgdir,
		copy_slot_pdx << 22);
}

/* The swap disk, if there is one, and its slot tables (docs/disk.md). */
static void disk_start(void)
{
	if (disk_init() < 0)
		return;
	if (swap_init() < 0)
		kprintf("swap: no heap for the slot tables (swap off)\n");
	else
		kprintf("swap: %u slots of 4 KiB\n", swap_slots_total());
}

void heap_corrupt(const char *why)
{
	panic("kernel heap: %s", why);
}

void buddy_corrupt(const char *why, uint32_t pa)
{
	panic("buddy allocator: %s (0x%08x)", why, pa);
}

void swap_corrupt(const char *why, int slot)
{
	panic("swap slots: %s (slot %d)", why, slot);
}

/* The value of key=... in the command line, copied into buf ("" if absent). */
static int cmdline_get(const char *key, char *buf, size_t n)
{
	size_t klen = strlen(key);
	for (const char *p = boot.cmdline; *p; p++) {
		if ((p == boot.cmdline || p[-1] == ' ') && strncmp(p, key, klen) == 0 &&
		    (p[klen] == '=' || p[klen] == ' ' || p[klen] == 0)) {
			size_t i = 0;
			for (p += klen + (p[klen] == '='); *p && *p != ' ' && i < n - 1; p++)
				buf[i++] = *p;
			buf[i] = 0;
			return 1;
		}
	}
	buf[0] = 0;
	return 0;
}

/* run=a,b,c: each program in turn; the emulator's exit status says
 * whether all passed. */
static void runner_thread(void)
{
	char list[256];
	int failed = 0;
	cmdline_get("run", list, sizeof list);
	for (char *name = list; *name;) {
		char *comma = strchr(name, ',');
		if (comma)
			*comma = 0;
		int err, status = -1;
		const char *argv[1] = { name };
		mark(name);
		struct proc *p = proc_spawn(name, 1, argv, &err);
		if (!p || proc_wait(p->pid, &status) < 0)
			kprintf("run: cannot start %s (error %d)\n", name, err);
		kprintf("run: %s exited with status %d\n", name, status);
		failed += status != 0;
		name = comma ? comma + 1 : name + strlen(name);
	}
	mark("run done");
	machine_exit(failed ? 1 : 0);
}

void kmain(uint32_t magic, uint32_t mbi)
{
	char arg[16];
	serial_init();
	kprintf("\nBounce: a kernel with its own address space (i686)\n");
	bootinfo_parse(magic, mbi, &boot);
	desc_init();
	pic_init();
	cmdline_get("mode", arg, sizeof arg);
	kvm_init(boot.ram_top, strcmp(arg, "shared") == 0 ? LAYOUT_SHARED : LAYOUT_BOUNCE);
	if (kernel_layout == LAYOUT_SHARED)
		trap_init_shared();
	announce("mode name=%s", kernel_layout == LAYOUT_SHARED ? "shared" : "bounce");
	announce("kernel cr3=0x%08x idt=0x%08x gdt=0x%08x", (uint32_t)kernel_pgdir, kernel_idt_desc.base,
		 kernel_gdt_desc.base);
	announce("idle eip=0x%08x", (uint32_t)idle_resume);
	mem_init();
	canary_plant(); /* first in the heap, where the attack tests look for it */
	if (kernel_layout == LAYOUT_BOUNCE)
		window_init();
	disk_start();
	proc_init();
	timer_init();
	serial_start();
	kprintf("boot: cmdline '%s', modules:", boot.cmdline);
	for (int i = 0; i < bootmod_count(); i++)
		kprintf(" %s", bootmod_at(i)->name);
	kprintf("\n");
	mark("boot done");

	if (cmdline_get("run", arg, sizeof arg))
		kthread_create("run", runner_thread);
	else if (cmdline_get("exit", arg, sizeof arg))
		machine_exit(0);
	else
		kthread_create("shell", shell_main);
	scheduler();
}

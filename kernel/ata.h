/* ata.h — the disk: one ATA drive on the secondary channel (ata1 master),
 * 512-byte sectors, 28-bit LBA (up to 128 GiB), programmed I/O, polled.
 *
 * Every call is synchronous: it returns when the drive has taken or given
 * all the data, so the pager may call it from a page-fault path.  The
 * kernel is not preemptible, so a command is never interleaved with
 * another; nothing here sleeps or takes a lock.  A drive that stops
 * answering costs at most ATA_POLLS status reads per sector, then -EIO:
 * the kernel never hangs on the disk.  docs/disk.md has the why (PIO, no
 * IRQ) and the figures.
 */
#ifndef BOUNCE_ATA_H
#define BOUNCE_ATA_H

#include <stdint.h>

#define SECTOR_SIZE 512

/* Probe at boot (prints what it found).  0 if a disk is attached, else
 * -EIO: no disk is a normal configuration (QEMU without the drive, an old
 * bochsrc); every other call then fails and the pager stays off. */
int disk_init(void);

/* The disk's size in sectors; 0 if there is none. */
uint32_t disk_sectors(void);

/* count sectors from lba to or from buf.  0; -EINVAL if the range is not
 * on the disk (count 0 included); -EIO if the drive reported an error or
 * did not answer in time (or there is no disk). */
int disk_read(uint32_t lba, void *buf, uint32_t count);
int disk_write(uint32_t lba, const void *buf, uint32_t count);

/* Sectors [0, DISK_SCRATCH_SECTORS) are not swap: the shell's k.disk.write
 * and the tests may scribble there (kernel/swapslot.c starts after them). */
#define DISK_SCRATCH_SECTORS 8

#endif

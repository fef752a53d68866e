/* ata.c — the disk driver: ATA PIO on the secondary channel, polled.
 *
 * The CD-ROM the machine boots from is ata0 master; the disk is ata1
 * master (ports 0x170-0x177 and 0x376, IRQ 15) in bochsrc and in
 * mk/qemu.py alike.  Why PIO and polling rather than busmaster DMA and an
 * IRQ: docs/disk.md.  The drive's interrupt is switched off (nIEN), so
 * IRQ 15 never fires.
 */
#include "abi.h"
#include "ata.h"
#include "klib.h"
#include "log.h"
#include "x86.h"

#define ATA_IO      0x170
#define ATA_DATA    (ATA_IO + 0)
#define ATA_COUNT   (ATA_IO + 2)
#define ATA_LBA0    (ATA_IO + 3)
#define ATA_LBA1    (ATA_IO + 4)
#define ATA_LBA2    (ATA_IO + 5)
#define ATA_DRIVE   (ATA_IO + 6)
#define ATA_STATUS  (ATA_IO + 7)   /* read: status (acknowledges the drive's interrupt) */
#define ATA_CMD     (ATA_IO + 7)   /* write: command */
#define ATA_CTL     0x376          /* write: device control; read: alternate status */

#define ST_ERR  0x01
#define ST_DRQ  0x08
#define ST_DF   0x20
#define ST_BSY  0x80
#define CTL_NIEN 0x02              /* no interrupts: we poll */
#define DRIVE_LBA_MASTER 0xE0      /* LBA addressing, master; low 4 bits: LBA 27..24 */

#define CMD_READ     0x20          /* READ SECTORS: one DRQ block per sector */
#define CMD_WRITE    0x30          /* WRITE SECTORS */
#define CMD_IDENTIFY 0xEC

#define MAX_PER_CMD  256           /* a sector count of 0 means 256 */
#define WORDS_PER_SECTOR (SECTOR_SIZE / 2)
#define ID_CAPS      49            /* IDENTIFY words: capabilities */
#define ID_CAPS_LBA  (1 << 9)      /* the drive takes LBA addresses */
#define ID_LBA28     60            /* words 60-61: sectors addressable with 28-bit LBA */
#define ID_MODEL     27            /* words 27-46: model, two characters a word, swapped */

/* How many status reads a sector may take before the drive counts as
 * dead.  Bochs makes the first sector of a command wait for a simulated
 * seek (10 µs to 5 ms); a status read costs a few instructions, so this
 * is about ten emulated seconds at bochsrc's 50 M instructions a second,
 * far beyond any seek, and still a bounded wait. */
#define ATA_POLLS 100000000u

static uint32_t nsectors;          /* 0: no disk */

/* Wait until the drive is not busy and shows all of want; fail on any
 * of fail (a command's error bits stay set until the next command, so
 * waiting to issue one ignores them).  The alternate status register does
 * not disturb the command. */
static int ata_wait(uint8_t want, uint8_t fail)
{
	for (uint32_t i = 0; i < ATA_POLLS; i++) {
		uint8_t s = inb(ATA_CTL);
		if (s & ST_BSY)
			continue;
		if (s & fail)
			return -EIO;
		if ((s & want) == want)
			return 0;
	}
	return -EIO;
}

/* The drive needs 400 ns after a command before its status means anything:
 * four reads of the alternate status take that long on real hardware. */
static void ata_settle(void)
{
	for (int i = 0; i < 4; i++)
		inb(ATA_CTL);
}

static int ata_command(uint8_t cmd, uint32_t lba, uint32_t count)
{
	if (ata_wait(0, 0) < 0)
		return -EIO;
	outb(ATA_DRIVE, DRIVE_LBA_MASTER | ((lba >> 24) & 0x0F));
	outb(ATA_COUNT, count & 0xFF);
	outb(ATA_LBA0, lba & 0xFF);
	outb(ATA_LBA1, (lba >> 8) & 0xFF);
	outb(ATA_LBA2, (lba >> 16) & 0xFF);
	outb(ATA_CMD, cmd);
	ata_settle();
	return 0;
}

/* One command of at most MAX_PER_CMD sectors: a DRQ block per sector. */
static int ata_transfer(uint8_t cmd, uint32_t lba, uint8_t *buf, uint32_t count)
{
	if (ata_command(cmd, lba, count) < 0)
		return -EIO;
	for (uint32_t i = 0; i < count; i++, buf += SECTOR_SIZE) {
		if (ata_wait(ST_DRQ, ST_ERR | ST_DF) < 0)
			return -EIO;
		if (cmd == CMD_READ)
			insw(ATA_DATA, buf, WORDS_PER_SECTOR);
		else
			outsw(ATA_DATA, buf, WORDS_PER_SECTOR);
	}
	/* The last sector of a write is on the disk once the drive is idle. */
	int r = ata_wait(0, ST_ERR | ST_DF);
	inb(ATA_STATUS);
	return r;
}

static int disk_rw(uint8_t cmd, uint32_t lba, uint8_t *buf, uint32_t count)
{
	if (nsectors == 0)
		return -EIO;
	if (count == 0 || lba >= nsectors || count > nsectors - lba)
		return -EINVAL;
	while (count > 0) {
		uint32_t n = count < MAX_PER_CMD ? count : MAX_PER_CMD;
		if (ata_transfer(cmd, lba, buf, n) < 0)
			return -EIO;
		lba += n;
		buf += n * SECTOR_SIZE;
		count -= n;
	}
	return 0;
}

int disk_read(uint32_t lba, void *buf, uint32_t count)
{
	return disk_rw(CMD_READ, lba, buf, count);
}

int disk_write(uint32_t lba, const void *buf, uint32_t count)
{
	return disk_rw(CMD_WRITE, lba, (uint8_t *)buf, count);
}

uint32_t disk_sectors(void)
{
	return nsectors;
}

/* The model string of an IDENTIFY block, trailing blanks cut. */
static void id_model(const uint16_t *id, char *out, int n)
{
	int len = 0;
	for (int w = ID_MODEL; w < ID_MODEL + 20 && len + 2 < n; w++) {
		out[len++] = id[w] >> 8;
		out[len++] = id[w] & 0xFF;
	}
	while (len > 0 && out[len - 1] == ' ')
		len--;
	out[len] = 0;
}

/* IDENTIFY DEVICE: 0 and the block if an ATA disk answers.  A status of
 * 0xFF is a floating bus (no controller), 0 no drive; an ATAPI drive
 * aborts the command (ERR), which ata_wait reports. */
static int ata_identify(uint16_t *id)
{
	uint8_t s = inb(ATA_STATUS);
	if (s == 0xFF)
		return -EIO;
	outb(ATA_CTL, CTL_NIEN);
	if (ata_command(CMD_IDENTIFY, 0, 0) < 0 || inb(ATA_STATUS) == 0)
		return -EIO;
	if (ata_wait(ST_DRQ, ST_ERR | ST_DF) < 0)
		return -EIO;
	insw(ATA_DATA, id, WORDS_PER_SECTOR);
	return 0;
}

int disk_init(void)
{
	uint16_t id[WORDS_PER_SECTOR];
	char model[41];
	nsectors = 0;
	if (ata_identify(id) < 0 || !(id[ID_CAPS] & ID_CAPS_LBA)) {
		kprintf("disk: no disk on ata1 master (swap off)\n");
		return -EIO;
	}
	nsectors = id[ID_LBA28] | (uint32_t)id[ID_LBA28 + 1] << 16;
	id_model(id, model, sizeof model);
	kprintf("disk: ata1 master '%s', %u sectors (%u MiB), PIO\n", model, nsectors, nsectors >> 11);
	return 0;
}

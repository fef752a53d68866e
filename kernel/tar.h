/* tar.h — reading a ustar archive in memory (POSIX.1 ustar, as GNU tar
 * --format=ustar writes it).  The boot disc carries every user program
 * and script as one archive, because GRUB spends about a million
 * instructions per module it loads (docs/performance.md). */
#ifndef BOUNCE_TAR_H
#define BOUNCE_TAR_H

#include <stdint.h>

#define TAR_BLOCK 512

/* One regular file of an archive.  name points into the archive's header
 * (NUL-terminated there); data and len are the file's bytes. */
struct tar_member {
	char *name;
	const unsigned char *data;
	uint32_t len;
};

/* The next regular file at or after byte *off of the len-byte archive a.
 * Returns 1 with *m set and *off moved past it; 0 at the end of the
 * archive (a zero block, or no whole header left); or -1 with *err set
 * ("bad magic", "bad checksum", "bad size", "name too long", "member
 * outside archive") and *off at the malformed header.  Members that are
 * not regular files (directories, links) are skipped.  Every field is
 * checked against len before use.  a is not const only so that the
 * caller may edit a member's name in place; tar_next never writes it. */
int tar_next(char *a, uint32_t len, uint32_t *off, struct tar_member *m, const char **err);

#endif

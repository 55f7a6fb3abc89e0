/*
 * dom0's ramdisk: a cpio archive in the "new ASCII" format (magic 070701,
 * `cpio -o -H newc`, or 070702 with checksums, `-H crc`), given to dom0 as
 * its second boot module and read in place (dom0/toolstack/ramdisk.c).
 *
 * ramdisk_open checks the whole archive once: magic, every hexadecimal
 * field, name sizes and termination, 4-byte padding (zero bytes), every size
 * against the end of the archive, the trailer entry, nothing but zero bytes
 * after it, and the checksum of 070702 entries. A hostile archive is refused
 * with a message in rd->error; nothing is ever read outside [base, base+len).
 *
 * Paths are looked up with or without a leading "./" or "/" ("guest.cfg",
 * "./guest.cfg" and "/guest.cfg" are the same file). When a path appears
 * twice, the later entry counts, as when the archive is unpacked. Hard links
 * (several names, the data stored once with the last of them) are followed.
 */
#ifndef DOM0_RAMDISK_H
#define DOM0_RAMDISK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RAMDISK_PATH_MAX 4096 /* longest name accepted, with its NUL */

struct ramdisk {
    const uint8_t *base;
    size_t len;
    size_t nr_entries; /* before the trailer: files, directories, links, ... */
    size_t nr_files;   /* regular files among them */
    char error[128];   /* why ramdisk_open refused the archive; "" if it did not */
};

/*
 * Check the archive at base (len bytes) and fill *rd. Returns 0, or
 * -XEN_EINVAL (corrupt or hostile: rd->error says what and at which offset).
 * The archive is not copied: it must stay in place while rd is used.
 */
int ramdisk_open(struct ramdisk *rd, const void *base, size_t len);

/*
 * Find a regular file. Returns 0 with *data and *len describing its contents
 * (inside the archive), -XEN_ENOENT if there is no such path, -XEN_EISDIR if
 * it is a directory, -XEN_EINVAL if it is another kind of entry (a symbolic
 * link, a device, ...) or rd was not opened.
 */
int ramdisk_find(const struct ramdisk *rd, const char *path, const void **data, size_t *len);

/*
 * Call fn for every regular file in archive order, with its path (without a
 * leading "./" or "/") and contents. Stops at the first non-zero return of
 * fn and returns it; returns 0 after the last file, -XEN_EINVAL if rd was not
 * opened. A path that appears twice is reported twice.
 */
int ramdisk_for_each(const struct ramdisk *rd,
                     int (*fn)(const char *path, const void *data, size_t len, void *arg),
                     void *arg);

#ifdef __cplusplus
}
#endif

#endif /* DOM0_RAMDISK_H */

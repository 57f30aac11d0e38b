/*
 * Files the programs create and read, the careful way (docs/security.md).
 *
 * Creating: the last component of a path is never followed when it is a
 * symbolic link (O_NOFOLLOW), a new file is made with O_CREAT|O_EXCL, and
 * its mode is set with fchmod, so the caller's umask changes nothing.
 * FILE_REPLACE and FILE_APPEND also accept an existing file, but only a regular file of
 * ours (same owner as this process) with a single link: a file planted by
 * someone else, a hard link to another file, a FIFO or a device is refused,
 * and a symbolic link is refused before it is opened. With a directory
 * descriptor (openat) the name is looked up in that very directory, even if
 * its path was renamed or replaced since.
 *
 * Reading: only a regular file (the open does not block on a FIFO; fstat
 * decides), at most max bytes: a larger one is refused with an error that
 * says "larger than N bytes".
 *
 * Errors are negative errno values, and FILE_ENOTREG and FILE_ENOTOURS
 * for the two refusals errno has no word for (far from any errno, as the
 * emu errors are); file_strerror says them all.
 */
#ifndef ANYLAB_FILEIO_H
#define ANYLAB_FILEIO_H

#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>

enum file_how {
	FILE_NEW,     /* fail with -EEXIST when anything has the name */
	FILE_REPLACE, /* truncate a regular file of ours with one link, else create */
	FILE_APPEND,  /* append to a regular file of ours with one link, else create */
};

#define FILE_EBASE    8192
#define FILE_ENOTREG  (-(FILE_EBASE + 0)) /* not a regular file */
#define FILE_ENOTOURS (-(FILE_EBASE + 1)) /* another owner's, or several links */

/*
 * Create path (relative to dirfd, or AT_FDCWD) for writing with exactly
 * mode. A write descriptor (O_CLOEXEC), or a negative errno: -ELOOP for a
 * symbolic link, -EEXIST (FILE_NEW), FILE_ENOTREG, FILE_ENOTOURS.
 */
int file_create(int dirfd, const char *path, mode_t mode, enum file_how);
/* The same as a stdio stream ("w", or "a" for FILE_APPEND); NULL with *err set. */
FILE *file_fcreate(int dirfd, const char *path, mode_t mode, enum file_how, int *err);
/* file_create, the whole of buf written, closed. 0 or a negative errno. */
int file_write(int dirfd, const char *path, mode_t mode, enum file_how, const void *buf,
    size_t len);
/* Write all of buf to fd (retrying short writes and EINTR). 0 or a negative errno. */
int file_write_all(int fd, const void *buf, size_t len);
/*
 * Make a directory that did not exist, with exactly mode, and open it
 * (O_DIRECTORY|O_NOFOLLOW). Its descriptor, or a negative errno (-EEXIST
 * when the name is taken: nothing someone else prepared is used).
 */
int file_mkdir_new(int dirfd, const char *path, mode_t mode);

/*
 * Open a regular file for reading without blocking on a FIFO; at most max
 * bytes. The descriptor (blocking again), or a negative errno, FILE_ENOTREG
 * or -EFBIG.
 */
int file_open_read(int dirfd, const char *path, size_t max);
/*
 * Read a whole regular file of at most max bytes into *text (malloc'd,
 * NUL-terminated; *len without the NUL). 0 or a negative errno,
 * FILE_ENOTREG or -EFBIG (also when it grew past max while read).
 */
int file_read(int dirfd, const char *path, size_t max, char **text, size_t *len);
/*
 * What a file_* error means, in words that fit after "FILE: ": "not a
 * regular file", "larger than MAX bytes", "a symbolic link: refused", ...
 * max is the limit of the read that failed (0 when none).
 */
const char *file_strerror(int err, size_t max, char *buf, size_t len);

#endif

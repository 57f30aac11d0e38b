/*
 * Creating and reading files without following planted links, without
 * trusting the umask and without unbounded reads (see fileio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

/* How often a name that comes and goes under us is tried again. */
#define FILE_RACE_TRIES 8

static int file_replace_ok(const struct stat *);
static int file_open_existing(int dirfd, const char *path, enum file_how);

/* An existing file we may truncate: regular, ours, one link. 0 or an error. */
static int
file_replace_ok(const struct stat *sb)
{
	if (S_ISLNK(sb->st_mode))
		return -ELOOP;
	if (!S_ISREG(sb->st_mode))
		return FILE_ENOTREG;
	if (sb->st_uid != geteuid() || sb->st_nlink != 1)
		return FILE_ENOTOURS;
	return 0;
}

/*
 * Open what is at path now, if it may be replaced: looked at without
 * following it, opened without following it and without blocking (a FIFO
 * put there in between), then checked to be the very file looked at.
 * The descriptor, -ENOENT when nothing has the name, or an error.
 */
static int
file_open_existing(int dirfd, const char *path, enum file_how how)
{
	struct stat before, now;
	int fd, err;

	if (fstatat(dirfd, path, &before, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if ((err = file_replace_ok(&before)) < 0)
		return err;
	fd = openat(dirfd, path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENXIO ? FILE_ENOTREG : -errno;
	if (fstat(fd, &now) < 0) {
		err = -errno;
		goto out_close;
	}
	if (now.st_dev != before.st_dev || now.st_ino != before.st_ino) {
		err = -EAGAIN; /* replaced while we looked: look again */
		goto out_close;
	}
	if ((err = file_replace_ok(&now)) < 0)
		goto out_close;
	if ((how == FILE_REPLACE && ftruncate(fd, 0) < 0) ||
	    fcntl(fd, F_SETFL, how == FILE_APPEND ? O_APPEND : 0) < 0) {
		err = -errno;
		goto out_close;
	}
	return fd;

out_close:
	close(fd);
	return err;
}

int
file_create(int dirfd, const char *path, mode_t mode, enum file_how how)
{
	struct stat sb;
	int fd = -1, err = -EAGAIN;

	if (path == NULL || path[0] == '\0')
		return -ENOENT;
	for (int i = 0; i < FILE_RACE_TRIES && err == -EAGAIN; i++) {
		if (how != FILE_NEW) {
			fd = file_open_existing(dirfd, path, how);
			if (fd >= 0)
				break;
			if (fd != -ENOENT) {
				err = fd;
				continue;
			}
		}
		fd = openat(dirfd, path,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
			(how == FILE_APPEND ? O_APPEND : 0),
		    mode & 0777);
		if (fd >= 0)
			break;
		err = -errno;
		if (err != -EEXIST)
			return err;
		/* Say what is in the way: a link is worth its own word. */
		if (fstatat(dirfd, path, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode))
			return -ELOOP;
		if (how == FILE_NEW)
			return -EEXIST;
		err = -EAGAIN; /* made between our two looks: look again */
	}
	if (fd < 0)
		return err;
	/* The mode asked for, whatever the umask took away. */
	if (fchmod(fd, mode & 07777) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

FILE *
file_fcreate(int dirfd, const char *path, mode_t mode, enum file_how how, int *err)
{
	int fd = file_create(dirfd, path, mode, how);
	FILE *f;

	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	f = fdopen(fd, how == FILE_APPEND ? "a" : "w");
	if (f == NULL) {
		*err = -errno;
		close(fd);
		return NULL;
	}
	*err = 0;
	return f;
}

int
file_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int
file_write(int dirfd, const char *path, mode_t mode, enum file_how how, const void *buf, size_t len)
{
	int fd = file_create(dirfd, path, mode, how);
	int err;

	if (fd < 0)
		return fd;
	err = file_write_all(fd, buf, len);
	if (close(fd) < 0 && err == 0)
		err = -errno;
	return err;
}

int
file_mkdir_new(int dirfd, const char *path, mode_t mode)
{
	struct stat sb;
	int fd, err;

	if (mkdirat(dirfd, path, mode & 0777) < 0) {
		err = -errno;
		if (err == -EEXIST && fstatat(dirfd, path, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode))
			return -ELOOP;
		return err;
	}
	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Still the one we made (not swapped in a directory others can write). */
	if (fstat(fd, &sb) < 0) {
		err = -errno;
		goto out_close;
	}
	if (sb.st_uid != geteuid()) {
		err = FILE_ENOTOURS;
		goto out_close;
	}
	if (fchmod(fd, mode & 07777) < 0) {
		err = -errno;
		goto out_close;
	}
	return fd;

out_close:
	close(fd);
	return err;
}

int
file_open_read(int dirfd, const char *path, size_t max)
{
	struct stat sb;
	int fd, err;

	/* O_NONBLOCK: a FIFO opens at once (and is refused below). */
	fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0) {
		err = -errno;
		goto out_close;
	}
	if (!S_ISREG(sb.st_mode)) {
		err = FILE_ENOTREG;
		goto out_close;
	}
	if ((unsigned long long)sb.st_size > (unsigned long long)max) {
		err = -EFBIG;
		goto out_close;
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		err = -errno;
		goto out_close;
	}
	return fd;

out_close:
	close(fd);
	return err;
}

int
file_read(int dirfd, const char *path, size_t max, char **textp, size_t *lenp)
{
	size_t len = 0, alloc = 0;
	char *text = NULL, *t;
	int fd, err = 0;

	*textp = NULL;
	*lenp = 0;
	fd = file_open_read(dirfd, path, max);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n;

		/* Room for one byte past max (a file that grew while read) and the NUL. */
		if (alloc - len < 2) {
			size_t na = alloc ? alloc * 2 : 8192;

			if (na > max + 2)
				na = max + 2;
			t = realloc(text, na);
			if (t == NULL) {
				err = -ENOMEM;
				break;
			}
			text = t;
			alloc = na;
		}
		n = read(fd, text + len, alloc - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			err = -EFBIG;
			break;
		}
	}
	close(fd);
	if (err == 0 && text == NULL && (text = malloc(1)) == NULL)
		err = -ENOMEM;
	if (err < 0) {
		free(text);
		return err;
	}
	text[len] = '\0';
	*textp = text;
	*lenp = len;
	return 0;
}

const char *
file_strerror(int err, size_t max, char *buf, size_t len)
{
	switch (err) {
	case FILE_ENOTREG:
		snprintf(buf, len, "not a regular file");
		break;
	case FILE_ENOTOURS:
		snprintf(buf, len,
		    "exists and is another user's file or has several links; refused");
		break;
	case -ELOOP:
		snprintf(buf, len, "is a symbolic link; refused");
		break;
	case -EEXIST:
		snprintf(buf, len, "exists already; refused");
		break;
	case -EFBIG:
		if (max > 0)
			snprintf(buf, len, "larger than %zu bytes", max);
		else
			snprintf(buf, len, "file too large");
		break;
	default:
		snprintf(buf, len, "%s", err < 0 ? strerror(-err) : "success");
		break;
	}
	return buf;
}

/*
 * fileio: creating never follows a planted link nor reuses what someone
 * else prepared, modes do not depend on the umask, reads take regular
 * files of a bounded size only (a FIFO or /dev/zero ends at once).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "fileio.h"

static char dir[64];

static void
fio_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/anylab-fileio-%d-XXXXXX", (int)getpid());
	cr_assert(mkdtemp(dir) != NULL);
}

static void
fio_fini(void)
{
	char cmd[128];

	if (strncmp(dir, "/tmp/anylab-fileio-", 19) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
}

TestSuite(fileio, .init = fio_init, .fini = fio_fini, .timeout = 10);

static const char *
in_dir(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return buf;
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f != NULL);
	fputs(text, f);
	fclose(f);
}

static char *
get(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert(f != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

Test(fileio, planted_symlink_refused_target_untouched)
{
	char target[128], link[128];
	static const enum file_how hows[] = { FILE_NEW, FILE_REPLACE, FILE_APPEND };

	in_dir("victim", target, sizeof(target));
	in_dir("out", link, sizeof(link));
	put(target, "precious\n");
	cr_assert_eq(symlink(target, link), 0);
	for (size_t i = 0; i < 3; i++) {
		int r = file_write(AT_FDCWD, link, 0644, hows[i], "x", 1);

		cr_assert_eq(r, -ELOOP, "how %zu: %d", i, r);
		cr_assert_str_eq(get(target), "precious\n");
	}
	/* A dangling link: nothing is made where it points. */
	unlink(target);
	cr_assert_eq(file_write(AT_FDCWD, link, 0644, FILE_REPLACE, "x", 1), -ELOOP);
	cr_assert_eq(access(target, F_OK), -1);
}

Test(fileio, hard_link_and_fifo_refused)
{
	char target[128], hl[128], fifo[128];

	in_dir("victim", target, sizeof(target));
	in_dir("hard", hl, sizeof(hl));
	in_dir("fifo", fifo, sizeof(fifo));
	put(target, "precious\n");
	cr_assert_eq(link(target, hl), 0);
	cr_assert_eq(file_write(AT_FDCWD, hl, 0644, FILE_REPLACE, "x", 1), FILE_ENOTOURS);
	cr_assert_str_eq(get(target), "precious\n");
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(file_write(AT_FDCWD, fifo, 0644, FILE_REPLACE, "x", 1), FILE_ENOTREG);
	cr_assert_eq(file_write(AT_FDCWD, fifo, 0644, FILE_NEW, "x", 1), -EEXIST);
}

Test(fileio, replace_and_append_own_file)
{
	char path[128];

	in_dir("mine", path, sizeof(path));
	cr_assert_eq(file_write(AT_FDCWD, path, 0600, FILE_REPLACE, "one\n", 4), 0);
	cr_assert_eq(file_write(AT_FDCWD, path, 0600, FILE_APPEND, "two\n", 4), 0);
	cr_assert_str_eq(get(path), "one\ntwo\n");
	cr_assert_eq(file_write(AT_FDCWD, path, 0600, FILE_REPLACE, "three\n", 6), 0);
	cr_assert_str_eq(get(path), "three\n");
	cr_assert_eq(file_write(AT_FDCWD, path, 0600, FILE_NEW, "x", 1), -EEXIST);
	cr_assert_str_eq(get(path), "three\n");
}

Test(fileio, modes_do_not_follow_umask)
{
	char path[128], sub[128];
	struct stat sb;
	mode_t old = umask(0);
	int fd;

	in_dir("secret", path, sizeof(path));
	cr_assert_eq(file_write(AT_FDCWD, path, 0600, FILE_NEW, "k", 1), 0);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
	/* An existing file with a wider mode gets the one asked for. */
	cr_assert_eq(chmod(path, 0666), 0);
	cr_assert_eq(file_write(AT_FDCWD, path, 0600, FILE_REPLACE, "k", 1), 0);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
	umask(0077);
	in_dir("public", path, sizeof(path));
	cr_assert_eq(file_write(AT_FDCWD, path, 0644, FILE_NEW, "p", 1), 0);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0644, "mode %o", sb.st_mode & 07777);
	in_dir("sub", sub, sizeof(sub));
	fd = file_mkdir_new(AT_FDCWD, sub, 0755);
	cr_assert_geq(fd, 0, "%d", fd);
	cr_assert_eq(fstat(fd, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0755, "mode %o", sb.st_mode & 07777);
	/* Created under the directory's descriptor. */
	cr_assert_eq(file_write(fd, "inner", 0600, FILE_NEW, "i", 1), 0);
	close(fd);
	in_dir("sub/inner", path, sizeof(path));
	cr_assert_str_eq(get(path), "i");
	umask(old);
}

Test(fileio, mkdir_new_refuses_existing_and_links)
{
	char sub[128], lnk[128];

	in_dir("prepared", sub, sizeof(sub));
	in_dir("prepared-link", lnk, sizeof(lnk));
	cr_assert_eq(mkdir(sub, 0777), 0);
	cr_assert_eq(file_mkdir_new(AT_FDCWD, sub, 0755), -EEXIST);
	cr_assert_eq(symlink(sub, lnk), 0);
	cr_assert_eq(file_mkdir_new(AT_FDCWD, lnk, 0755), -ELOOP);
}

Test(fileio, read_bounded_regular_only)
{
	char path[128], fifo[128], msg[96], *text;
	size_t len;

	in_dir("small", path, sizeof(path));
	put(path, "0123456789");
	cr_assert_eq(file_read(AT_FDCWD, path, 10, &text, &len), 0);
	cr_assert_eq(len, 10);
	cr_assert_str_eq(text, "0123456789");
	free(text);
	cr_assert_eq(file_read(AT_FDCWD, path, 9, &text, &len), -EFBIG);
	cr_assert_null(text);
	cr_assert_str_eq(file_strerror(-EFBIG, 9, msg, sizeof(msg)), "larger than 9 bytes");
	/* /dev/zero and a FIFO with no writer: refused at once, nothing read. */
	cr_assert_eq(file_read(AT_FDCWD, "/dev/zero", 1 << 20, &text, &len), FILE_ENOTREG);
	in_dir("fifo", fifo, sizeof(fifo));
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	alarm(5); /* a blocking open would end the test here */
	cr_assert_eq(file_read(AT_FDCWD, fifo, 1 << 20, &text, &len), FILE_ENOTREG);
	alarm(0);
	cr_assert_str_eq(file_strerror(FILE_ENOTREG, 0, msg, sizeof(msg)), "not a regular file");
	/* An empty file is an empty text. */
	in_dir("empty", path, sizeof(path));
	put(path, "");
	cr_assert_eq(file_read(AT_FDCWD, path, 10, &text, &len), 0);
	cr_assert_eq(len, 0);
	cr_assert_str_eq(text, "");
	free(text);
}

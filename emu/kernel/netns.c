/*
 * Named network namespaces (see netns.h). Mirrors iproute2's ip/ipnetns.c:
 * /run/netns made a shared mount point (bound on itself first when it is not
 * a mount point), an empty file per namespace with the namespace created by
 * unshare(CLONE_NEWNET) in the calling thread and bind-mounted from
 * /proc/thread-self/ns/net, then the thread returns to where it was.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "anylab.h"
#include "netns.h"

static bool netns_prepared;

int
netns_prepare(void)
{
	bool made_mount = false;

	if (netns_prepared)
		return 0;
	if (mkdir(ANYLAB_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	while (mount("", ANYLAB_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL || made_mount)
			return -errno;
		if (mount(ANYLAB_NETNS_DIR, ANYLAB_NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
			return -errno;
		made_mount = true;
	}
	netns_prepared = true;
	return 0;
}

const char *
netns_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", ANYLAB_NETNS_DIR, name);
	return buf;
}

bool
netns_exists(const char *name)
{
	char path[ANYLAB_PATH_MAX];

	return access(netns_path(name, path, sizeof(path)), F_OK) == 0;
}

int
netns_open_self(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int
netns_enter(int fd)
{
	return setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
}

int
netns_create(const char *name, int *fdp)
{
	char path[ANYLAB_PATH_MAX];
	int fd, self, err;

	*fdp = -1;
	netns_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	self = netns_open_self();
	if (self < 0) {
		err = self;
		goto out_unlink;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		goto out_self;
	}
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		err = -errno;
		goto out_back;
	}
	fd = netns_open_self();
	if (fd < 0) {
		err = fd;
		goto out_umount;
	}
	if (netns_enter(self) < 0) {
		/* Cannot happen short of a kernel bug; the thread would be lost. */
		err = -errno;
		close(fd);
		goto out_umount;
	}
	close(self);
	*fdp = fd;
	return 0;

out_umount:
	umount2(path, MNT_DETACH);
out_back:
	netns_enter(self);
out_self:
	close(self);
out_unlink:
	unlink(path);
	return err;
}

int
netns_delete(const char *name)
{
	char path[ANYLAB_PATH_MAX];

	netns_path(name, path, sizeof(path));
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int
netns_open(const char *name)
{
	char path[ANYLAB_PATH_MAX];
	int fd = open(netns_path(name, path, sizeof(path)), O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int
netns_socket(int nsfd, int domain, int type, int protocol)
{
	int self, s, err;

	self = netns_open_self();
	if (self < 0)
		return self;
	err = netns_enter(nsfd);
	if (err < 0) {
		close(self);
		return err;
	}
	s = socket(domain, type | SOCK_CLOEXEC, protocol);
	err = s < 0 ? -errno : s;
	if (netns_enter(self) < 0)
		err = -errno;
	close(self);
	if (err < 0 && s >= 0)
		close(s);
	return err;
}

/* Bind every file of /etc/netns/NAME over its namesake in /etc (ip netns exec). */
static int
netns_bind_etc(const char *name)
{
	char dir[ANYLAB_PATH_MAX], src[ANYLAB_PATH_MAX * 2], dst[ANYLAB_PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", ANYLAB_ETC_NETNS_DIR, name);
	d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(src, sizeof(src), "%s/%s", dir, e->d_name);
		snprintf(dst, sizeof(dst), "/etc/%s", e->d_name);
		if (mount(src, dst, "none", MS_BIND, NULL) < 0 && errno != ENOENT)
			emu_err("bind %s -> %s: %s", src, dst, strerror(errno));
	}
	closedir(d);
	return 0;
}

int
netns_enter_exec(const char *name)
{
	unsigned long flags = 0;
	struct statvfs st;
	int fd, err;

	fd = netns_open(name);
	if (fd < 0)
		return fd;
	err = netns_enter(fd);
	close(fd);
	if (err < 0)
		return err;
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	/* Do not let our mounts leak out to the host. */
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
		return -errno;
	/* A /sys that shows this namespace's devices. */
	if (umount2("/sys", MNT_DETACH) < 0 && statvfs("/sys", &st) == 0 && (st.f_flag & ST_RDONLY))
		flags = MS_RDONLY;
	if (mount(name, "/sys", "sysfs", flags, NULL) < 0)
		return -errno;
	return netns_bind_etc(name);
}

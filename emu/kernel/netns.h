/*
 * Named network namespaces, made and removed exactly as iproute2's
 * `ip netns add/del/exec` do, so that `ip netns exec`, tcpdump and the
 * user's tools see them: a file under /run/netns (a shared mount point)
 * with the namespace bind-mounted on it, and /etc/netns/NAME/ files
 * bind-mounted over /etc/ for commands run inside.
 */
#ifndef ANYLAB_NETNS_H
#define ANYLAB_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

/* Make /run/netns and turn it into a shared mount point (once). 0 or -errno. */
int netns_prepare(void);
/* Path of the namespace file in buf. */
const char *netns_path(const char *name, char *buf, size_t len);
bool netns_exists(const char *name);
/*
 * Make namespace NAME: -EEXIST when its file already exists (nothing
 * touched), else 0 with *fd an open descriptor of the new namespace, or
 * -errno with nothing left behind. The calling thread stays where it was.
 */
int netns_create(const char *name, int *fd);
/* Unmount and unlink NAME; 0 also when it did not exist, else -errno. */
int netns_delete(const char *name);
/* Open descriptor (O_CLOEXEC) of a named namespace, or -errno. */
int netns_open(const char *name);
/* Descriptor of the calling thread's current network namespace, or -errno. */
int netns_open_self(void);
/* setns() the calling thread into fd's network namespace. 0 or -errno. */
int netns_enter(int fd);
/*
 * For a process about to exec a command in namespace NAME (as ip netns
 * exec): enter it, take a private mount namespace, remount /sys for it and
 * bind each file of /etc/netns/NAME over its namesake in /etc. Process-wide;
 * use in a child. 0 or -errno.
 */
int netns_enter_exec(const char *name);
/* A socket opened inside namespace fd. fd or -errno. */
int netns_socket(int nsfd, int domain, int type, int protocol);

#endif

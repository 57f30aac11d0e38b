/*
 * Packet capture inside a lab's namespaces through libpcap: each handle is
 * opened while the thread is inside the namespace that holds the
 * interface, so captures never touch the host's network. Files are classic
 * pcap (Ethernet), which tshark and Wireshark open with BGP and DNS
 * dissected; timestamps are the kernel's CLOCK_REALTIME, the clock of the
 * probe logs and of the scenario's results.
 *
 * A capture runs in a forked child (capture_start: `run --capture`, and
 * `up --capture`, whose children are recorded in the lab's record and
 * stopped by `down`) or in the foreground (capture_run, for `anylab
 * capture`). libpcap is loaded at run time (dynlib.h): a missing library
 * is an error of the capture, not of anylab's start.
 */
#ifndef ANYLAB_CAPTURE_H
#define ANYLAB_CAPTURE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct topology;
struct topo_node;

struct capture_target {
	char	netns[96];		/* namespace holding the interface */
	char	iface[IFNAMSIZ];
	bool	inbound_only;		/* a switch port: frames its member sent, once each */
	char	file[512];		/* its own file, or "" when writing one merged file */
	char	what[128];		/* "node:iface" or "link (port)" for messages */
};

/*
 * What `anylab capture` and `run --capture` point at, as targets:
 *   NODE:IFACE  that interface, in the node's namespace
 *   NODE        every interface of the node
 *   LINK        a point-to-point link: its first endpoint; a LAN: every
 *               switch port, inbound only, so each frame is seen once
 * Returns the number of targets (allocated in *out) or -1 with err set.
 */
int	capture_targets(const char *lab, const struct topology *, const char *spec,
	    struct capture_target **out, char *err, size_t errlen);

/*
 * Every interface of every node, one file each: DIR/LAB-NODE-IFACE.pcap
 * (interfaces on no link, which up does not make, are left out).
 */
int	capture_targets_all(const char *lab, const struct topology *, const char *dir,
	    struct capture_target **out, char *err, size_t errlen);
/* The same for one node. */
int	capture_targets_node(const char *lab, const struct topo_node *, const char *dir,
	    struct capture_target **out, char *err, size_t errlen);

struct capture_opts {
	const char	*filter;	/* BPF, or NULL */
	const char	*merged_file;	/* one file for every target, or NULL: each its own */
	uint64_t	 duration_ms;	/* 0: until stopped */
	uint64_t	 count;		/* 0: no limit */
	int		 snaplen;	/* 0: 262144 */
	/*
	 * capture_start only. detach: the child outlives its starter (up
	 * --capture): own session, default signals, output appended to
	 * `output` (NULL: discarded), none of the starter's descriptors;
	 * otherwise it gets SIGTERM when its starter dies. record: called with
	 * the child's pid after fork and before the child may open anything
	 * (it waits on a pipe; it exits when record fails or the starter dies).
	 */
	bool		 detach;
	const char	*output;
	int		(*record)(pid_t pid, void *arg);
	void		*record_arg;
};

/*
 * Capture in this process until SIGINT/SIGTERM, duration or count. Returns
 * the number of packets written, or -1 with err set (nothing is left open).
 */
long long capture_run(const struct capture_target *, size_t n, const struct capture_opts *,
	    char *err, size_t errlen);

/*
 * Fork a child running capture_run; returns once every handle is open
 * (the child's pid), or -1 with err set (the child has exited).
 */
pid_t	capture_start(const struct capture_target *, size_t n, const struct capture_opts *,
	    char *err, size_t errlen);
/* SIGTERM the child and wait (files are flushed and closed). 0 or -errno. */
int	capture_stop(pid_t);

#endif

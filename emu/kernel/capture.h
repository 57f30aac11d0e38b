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
 *
 * This file knows targets (a namespace and an interface), not labs: which
 * interfaces of a lab to capture is the lab's business (lab_capture.c).
 * Errors are negative emu errors (emu_error.h) with the text in err.
 */
#ifndef ANYLAB_CAPTURE_H
#define ANYLAB_CAPTURE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct capture_target {
	char netns[96]; /* namespace holding the interface */
	char iface[IFNAMSIZ];
	bool inbound_only; /* a switch port: frames its member sent, once each */
	char file[512];	   /* its own file, or "" when writing one merged file */
	char what[128];	   /* "node:iface" or "link (port)" for messages */
};

struct capture_opts {
	const char *filter;	 /* BPF, or NULL */
	const char *merged_file; /* one file for every target, or NULL: each its own */
	uint64_t duration_ms;	 /* 0: until stopped */
	uint64_t count;		 /* 0: no limit */
	int snaplen;		 /* 0: 262144 */
	/*
	 * capture_start only. detach: the child outlives its starter (up
	 * --capture): own session, default signals, output appended to
	 * `output` (NULL: discarded), none of the starter's descriptors;
	 * otherwise it gets SIGTERM when its starter dies. record: called with
	 * the child's pid after fork and before the child may open anything
	 * (it waits on a pipe; it exits when record fails or the starter dies).
	 * record returns 0 or a negative emu error.
	 */
	bool detach;
	const char *output;
	int (*record)(pid_t pid, void *arg);
	void *record_arg;
};

/*
 * Capture in this process until SIGINT/SIGTERM, duration or count. Returns
 * the number of packets written, or a negative emu error with err set
 * (nothing is left open).
 */
long long capture_run(const struct capture_target *, size_t n, const struct capture_opts *,
    char *err, size_t errlen);

/*
 * Fork a child running capture_run; returns once every handle is open
 * (the child's pid), or a negative emu error with err set (the child has
 * exited).
 */
pid_t capture_start(const struct capture_target *, size_t n, const struct capture_opts *, char *err,
    size_t errlen);
/*
 * Stop the child (proc_stop: SIGTERM, files flushed and closed, SIGKILL
 * after a grace period). 0 when it ended cleanly, else -errno.
 */
int capture_stop(pid_t);

#endif

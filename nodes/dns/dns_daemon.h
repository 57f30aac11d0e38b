/*
 * The anydnsd daemon around the server: configuration and zones loaded at
 * start and on reload (SIGHUP or the control command), the control socket
 * (status, stats, reload), signals (SIGTERM/SIGINT: clean exit).
 */
#ifndef ANYLAB_DNS_DAEMON_H
#define ANYLAB_DNS_DAEMON_H

#include <stdbool.h>

struct dns_daemon_opts {
	const char *config;   /* -c: JSON file, the node's "dns" section */
	const char *ctl_path; /* -s: control socket, or NULL */
	const char *log_path; /* -l: log file, or NULL for standard error */
	const char *node;     /* -n: node name, the default identity */
	const char *base_dir; /* -b: for relative zone files; NULL: the config's dir */
	bool debug;	      /* -d: debug log level */
};

/* Run until SIGTERM/SIGINT. Returns the process exit status. */
int dns_daemon_run(const struct dns_daemon_opts *);

/*
 * -t / -p: check the configuration and its zones (print errors to stderr);
 * with print, write every zone in canonical form to stdout. Exit status.
 */
int dns_daemon_check(const char *config, const char *node, const char *base_dir, bool print);

/* -z ORIGIN FILE: parse one master file and print its canonical form. Exit status. */
int dns_daemon_print_zonefile(const char *origin, const char *file, const char *node);

#endif

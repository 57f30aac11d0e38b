/*
 * The node daemons (anybgpd, anydnsd) of a lab: started in the foreground
 * inside their node's namespace from the directory of the anylab binary,
 * as `anyXd -c X.json -s X.ctl -l X.log -n NODE` in nodes/NODE/, recorded
 * (pid and start time) before they may exec, ready once their control
 * socket answers `status`, and stopped with SIGTERM (SIGKILL after a grace
 * period) only when /proc/PID is still the process that was started.
 */
#ifndef ANYLAB_DAEMON_H
#define ANYLAB_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>
#include <cJSON.h>

#include "state.h"
#include "topo.h"

enum daemon_service {
	DAEMON_BGP,
	DAEMON_DNS,
	DAEMON_SERVICE_MAX,
};

extern const char *const daemon_service_names[DAEMON_SERVICE_MAX];	/* "bgp", "dns" */
extern const char *const daemon_binary_names[DAEMON_SERVICE_MAX];	/* "anybgpd", ... */

/* The node's section for a service, or NULL. */
const cJSON *daemon_section(const struct topo_node *, enum daemon_service);
/* Full path of the service's binary beside anylab. */
const char *daemon_binary(enum daemon_service, char *buf, size_t len);
/* First service the topology needs whose binary is missing; -1 when none. */
int	daemon_check_binaries(const struct topology *);
/* NODE_DIR/SERVICE.ctl etc. */
const char *daemon_file(const char *lab, const char *node, enum daemon_service,
	    const char *suffix, char *buf, size_t len);
/*
 * Write the config, start the daemon in namespace nsfd, record it in st.
 * base_dir is the topology's directory: anydnsd resolves relative zone file
 * names there (-b). 0 or -errno; the error is reported.
 */
int	daemon_start(struct state *st, const char *lab, const struct topo_node *,
	    enum daemon_service, const char *base_dir, int nsfd, pid_t *pid);
/* Wait until the control socket answers `status`. 0, or -ETIMEDOUT / -ECHILD (it exited). */
int	daemon_wait_ready(const char *lab, const char *node, enum daemon_service, pid_t pid,
	    int timeout_ms);
/* What anybgpd's `status` says about convergence. */
struct daemon_bgp_state {
	unsigned		 peers;
	unsigned		 established;
	unsigned long long	 kernel_routes;
	bool			 pending;	/* RIB work not yet done */
};

/* Ask a BGP speaker's control socket. 0 or -errno. */
int	daemon_bgp_progress(const char *ctl, struct daemon_bgp_state *);
/* Copy the last lines of a daemon's log or output file to standard error. */
void	daemon_show_tail(const char *path, int nlines);
/* Is the recorded process still the one that was started? */
bool	daemon_running(const struct state_entry *);
/* Stop every daemon in the record; returns how many had to be killed with SIGKILL. */
int	daemon_stop_all(const struct state *, int grace_ms);
/*
 * Stop every recorded process of one kind (STATE_DAEMON, STATE_CAPTURE)
 * that is still the process recorded: SIGTERM, up to grace_ms to exit, then
 * SIGKILL. Returns how many had to be killed.
 */
int	daemon_stop_recorded(const struct state *, enum state_kind, int grace_ms);

#endif

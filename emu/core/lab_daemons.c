/*
 * The daemons of a lab's up (lab.h, lab_internal.h): every node's bgp and
 * dns section checked with the daemons' own parsers, the binaries the
 * topology needs, the node directories, the daemons started in parallel
 * and waited for, then BGP convergence. The supervisor itself is
 * core/daemon.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "anylab.h"
#include "bgp_config.h"
#include "daemon.h"
#include "dns_config.h"
#include "dns_zone.h"
#include "lab_internal.h"

int
lab_check_sections(const struct topology *t, struct cfg_errors *errs)
{
	char path[CFG_PATH_MAX], base[ANYLAB_PATH_MAX];
	struct dns_zoneset *zs;
	int rc = 0;

	cfg_errors_init(errs, t->file);
	emu_file_dir(t->file, base, sizeof(base));
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		/* The daemons' own config parsers (nodes/bgp, nodes/dns). */
		if (n->bgp != NULL) {
			struct bgp_config cfg;

			memset(&cfg, 0, sizeof(cfg));
			snprintf(path, sizeof(path), "nodes.%s.bgp", n->name);
			if (bgp_config_parse(n->bgp, path, &cfg, errs) < 0)
				rc = -1;
			else
				bgp_config_free(&cfg);
		}
		if (n->dns != NULL) {
			struct dns_config cfg;

			memset(&cfg, 0, sizeof(cfg));
			snprintf(path, sizeof(path), "nodes.%s.dns", n->name);
			if (dns_config_parse(n->dns, path, &cfg, errs) < 0) {
				rc = -1;
				continue;
			}
			/* Zone files and whole-zone rules (one SOA, CNAME alone...). */
			zs = dns_config_load_zones(&cfg, base, n->name, errs, NULL);
			if (zs == NULL)
				rc = -1;
			else
				dns_zoneset_put(zs);
			dns_config_free(&cfg);
		}
	}
	return rc;
}

/* The daemon binaries up needs (the check lab_up made before anything is built). */
int
lab_check_binaries(const struct topology *t, const struct lab_up_opts *o)
{
	int missing;

	if (!o->no_daemons && (missing = daemon_check_binaries(t)) >= 0) {
		char path[ANYLAB_PATH_MAX];

		emu_err("the topology needs %s, which is not built: no executable %s (build it, "
		    "or use --no-daemons)", daemon_binary_names[missing],
		    daemon_binary(missing, path, sizeof(path)));
		return EXIT_MISSING;
	}
	return 0;
}

int
lab_make_node_dirs(struct lab_build *b)
{
	char dir[ANYLAB_PATH_MAX];

	/* Nodes without daemons get theirs on demand (lab_node_dir_make). */
	for (size_t i = 0; i < b->t->nnodes; i++) {
		if (b->t->nodes[i].bgp == NULL && b->t->nodes[i].dns == NULL)
			continue;
		state_node_dir(b->lab, b->t->nodes[i].name, dir, sizeof(dir));
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			emu_err("%s: %s", dir, strerror(errno));
			return EXIT_FAIL;
		}
	}
	return 0;
}

int
lab_start_daemons(struct lab_build *b, int timeout_ms)
{
	struct topology *t = b->t;
	char logf[ANYLAB_PATH_MAX];
	pid_t *pids;
	size_t total = 0, started = 0;
	int err, rc = 0;

	for (size_t i = 0; i < t->nnodes; i++)
		total += (t->nodes[i].bgp != NULL) + (t->nodes[i].dns != NULL);
	if (total == 0)
		return 0;
	pids = calloc(t->nnodes * DAEMON_SERVICE_MAX, sizeof(*pids));
	if (pids == NULL)
		return EXIT_FAIL;
	/* Start them all, then wait for each: they come up in parallel. */
	for (size_t i = 0; i < t->nnodes && rc == 0; i++) {
		for (int s = 0; s < DAEMON_SERVICE_MAX; s++) {
			if (daemon_section(&t->nodes[i], s) == NULL)
				continue;
			err = daemon_start(&b->st, b->lab, &t->nodes[i], s, b->base_dir,
			    b->nodes[i].fd, &pids[i * DAEMON_SERVICE_MAX + s]);
			if (err < 0) {
				emu_err("%s: starting %s: %s", t->nodes[i].name,
				    daemon_binary_names[s], strerror(-err));
				rc = EXIT_DAEMON;
				break;
			}
			b->res->daemons++;
		}
	}
	for (size_t i = 0; i < t->nnodes && rc == 0; i++) {
		for (int s = 0; s < DAEMON_SERVICE_MAX && rc == 0; s++) {
			pid_t pid = pids[i * DAEMON_SERVICE_MAX + s];

			if (pid == 0)
				continue;
			if (lab_interrupted) {
				rc = EXIT_FAIL;
				break;
			}
			err = daemon_wait_ready(b->lab, t->nodes[i].name, s, pid, timeout_ms);
			daemon_file(b->lab, t->nodes[i].name, s, "log", logf, sizeof(logf));
			if (err == -ECHILD)
				emu_err("%s: %s exited at start", t->nodes[i].name,
				    daemon_binary_names[s]);
			else if (err < 0)
				emu_err("%s: %s did not answer `status` on its control socket within "
				    "%d ms", t->nodes[i].name, daemon_binary_names[s], timeout_ms);
			if (err < 0) {
				/* The rollback removes its files: show them now. */
				daemon_show_tail(logf, 10);
				daemon_file(b->lab, t->nodes[i].name, s, "out", logf, sizeof(logf));
				daemon_show_tail(logf, 10);
				rc = EXIT_DAEMON;
			}
			emu_progress("daemons ready", ++started, total);
		}
	}
	free(pids);
	return rc;
}

/*
 * Wait until the lab has converged: every speaker has all its sessions
 * established, no RIB work pending, and its count of kernel routes has not
 * changed for LAB_STABLE_US (the last UPDATEs have been applied). A lab that
 * does not converge in time is still up: a warning names what is missing.
 */
#define LAB_STABLE_US	500000

void
lab_wait_converged(struct lab_build *b, int timeout_ms)
{
	struct topology *t = b->t;
	struct daemon_bgp_state now;
	unsigned long long *routes;
	long long deadline = emu_now_us() + (long long)timeout_ms * 1000, *since;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	char ctl[ANYLAB_PATH_MAX];
	size_t speakers = 0, done;

	for (size_t i = 0; i < t->nnodes; i++)
		speakers += t->nodes[i].bgp != NULL;
	if (speakers == 0)
		return;
	routes = calloc(t->nnodes, sizeof(*routes));
	since = calloc(t->nnodes, sizeof(*since));
	if (routes == NULL || since == NULL)
		goto out;
	for (;;) {
		done = 0;
		for (size_t i = 0; i < t->nnodes; i++) {
			if (t->nodes[i].bgp == NULL)
				continue;
			daemon_file(b->lab, t->nodes[i].name, DAEMON_BGP, "ctl", ctl, sizeof(ctl));
			if (daemon_bgp_progress(ctl, &now) < 0 || now.established < now.peers ||
			    now.pending) {
				since[i] = 0;
				continue;
			}
			if (since[i] == 0 || routes[i] != now.kernel_routes) {
				since[i] = emu_now_us();
				routes[i] = now.kernel_routes;
			}
			if (emu_now_us() - since[i] >= LAB_STABLE_US)
				done++;
		}
		emu_progress("BGP speakers converged", done, speakers);
		if (done == speakers || lab_interrupted)
			break;
		if (emu_now_us() >= deadline) {
			emu_progress_end();
			for (size_t i = 0; i < t->nnodes; i++) {
				if (t->nodes[i].bgp == NULL)
					continue;
				daemon_file(b->lab, t->nodes[i].name, DAEMON_BGP, "ctl", ctl,
				    sizeof(ctl));
				if (daemon_bgp_progress(ctl, &now) == 0 &&
				    now.established == now.peers && !now.pending)
					continue;
				emu_err("warning: %s: %u of %u BGP sessions established after %d ms%s",
				    t->nodes[i].name, now.established, now.peers, timeout_ms,
				    now.pending ? ", routes still being processed" : "");
			}
			break;
		}
		nanosleep(&pause, NULL);
	}
out:
	free(routes);
	free(since);
}

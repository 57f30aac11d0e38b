/*
 * The daemons of a lab's up (lab.h, lab_internal.h): every node's bgp, dns
 * and services checked by their kinds (kinds/kind.h), the programs the
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
#include "daemon.h"
#include "kind.h"
#include "lab_internal.h"

int
lab_check_sections(const struct topology *t, struct cfg_errors *errs)
{
	cfg_errors_init(errs, t->file);
	/* Each daemon's kind: its name, its own checks, anylab's daemons' parsers. */
	return kind_check_topology(t, errs);
}

int
lab_check_binaries(const struct topology *t, const struct lab_up_opts *o)
{
	char msg[KIND_MSG_MAX];

	if (!o->no_daemons && kind_check_programs(t, msg, sizeof(msg)) < 0) {
		emu_err("%s (or use --no-daemons)", msg);
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
		const struct topo_node *n = &b->t->nodes[i];

		if (n->bgp == NULL && n->dns == NULL && n->services == NULL)
			continue;
		state_node_dir(b->lab, b->t->nodes[i].name, dir, sizeof(dir));
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			emu_err("%s: %s", dir, strerror(errno));
			return EXIT_FAIL;
		}
	}
	return 0;
}

/* One daemon of the lab being started: what it is and its main process. */
struct lab_daemon {
	struct kind_node k;
	size_t node; /* index in t->nodes */
	pid_t pid;
};

/* Every daemon of every node, in start order. *count set; NULL when there are none. */
static struct lab_daemon *
lab_daemons(struct lab_build *b, size_t *count)
{
	struct topology *t = b->t;
	struct lab_daemon *d = NULL;
	struct kind_node ks[TOPO_SERVICES_MAX + 2];
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < t->nnodes; i++) {
		size_t nk = kind_node_all(b->lab, t, &t->nodes[i], ks, sizeof(ks) / sizeof(ks[0]));

		for (size_t k = 0; k < nk; k++) {
			if (n == cap) {
				struct lab_daemon *nd;

				cap = cap ? 2 * cap : 16;
				nd = realloc(d, cap * sizeof(*d));
				if (nd == NULL) {
					free(d);
					emu_err("out of memory");
					abort();
				}
				d = nd;
			}
			d[n].k = ks[k];
			d[n].node = i;
			d[n].pid = 0;
			n++;
		}
	}
	*count = n;
	return d;
}

int
lab_start_daemons(struct lab_build *b, int timeout_ms)
{
	struct topology *t = b->t;
	struct lab_daemon *d;
	char msg[KIND_MSG_MAX];
	size_t total, started = 0;
	int err, rc = 0;

	d = lab_daemons(b, &total);
	if (total == 0)
		return 0;
	/* Start them all, then wait for each: they come up in parallel. */
	for (size_t i = 0; i < total && rc == 0; i++) {
		err = daemon_start(&b->st, &d[i].k, b->nodes[d[i].node].fd, false, &d[i].pid, msg,
		    sizeof(msg));
		if (err < 0) {
			emu_err("%s: %s (kind %s): %s", t->nodes[d[i].node].name, d[i].k.service,
			    d[i].k.kind->name, msg);
			rc = EXIT_DAEMON;
			break;
		}
		b->res->daemons++;
	}
	for (size_t i = 0; i < total && rc == 0; i++) {
		const char *node = t->nodes[d[i].node].name;

		if (d[i].pid == 0)
			continue;
		if (lab_interrupted) {
			rc = EXIT_FAIL;
			break;
		}
		err = daemon_wait_ready(&d[i].k, d[i].pid, timeout_ms);
		if (err == -ECHILD)
			emu_err("%s: %s (kind %s) exited at start", node, d[i].k.service,
			    d[i].k.kind->name);
		else if (err == -ETIMEDOUT)
			emu_err("%s: %s (kind %s) was not ready within %d ms", node, d[i].k.service,
			    d[i].k.kind->name, timeout_ms);
		else if (err < 0)
			emu_err("%s: %s (kind %s) will not be ready: %s", node, d[i].k.service,
			    d[i].k.kind->name, emu_strerror(err));
		if (err < 0) {
			/* The rollback removes its files: show them now. */
			daemon_show_files(&d[i].k);
			rc = EXIT_DAEMON;
		}
		emu_progress("daemons ready", ++started, total);
	}
	free(d);
	return rc;
}

/*
 * Wait until the lab has converged. A speaker that says whether it has
 * (kind_bgp_progress.converged_known: anybgpd's "converged", End-of-RIB
 * both ways with every peer and nothing pending) is done when it says so;
 * any other is done once all its sessions are established, no work is
 * pending, and its count of kernel routes has not changed for LAB_STABLE_US
 * (the last UPDATEs have been applied). While every speaker can tell, they
 * are asked every LAB_POLL_FAST_NS (one control round trip each), so `up`
 * returns as soon as the last one has converged; otherwise every
 * LAB_POLL_NS. A lab that does not converge in time is still up: a warning
 * names what is missing.
 */
#define LAB_STABLE_US	 500000
#define LAB_POLL_NS	 (50 * 1000 * 1000)
#define LAB_POLL_FAST_NS (2 * 1000 * 1000)

void
lab_wait_converged(struct lab_build *b, int timeout_ms)
{
	struct topology *t = b->t;
	struct kind_bgp_progress now;
	struct kind_node *ks;
	unsigned long long *routes;
	long long deadline = emu_now_us() + (long long)timeout_ms * 1000, *since;
	size_t speakers = 0, done;

	ks = emu_calloc(t->nnodes, sizeof(*ks));
	for (size_t i = 0; i < t->nnodes; i++) {
		if (kind_node_get(b->lab, t, &t->nodes[i], "bgp", &ks[i]) == 0 &&
		    ks[i].kind->bgp_progress != NULL)
			speakers++;
		else
			ks[i].kind = NULL;
	}
	routes = emu_calloc(t->nnodes, sizeof(*routes));
	since = emu_calloc(t->nnodes, sizeof(*since));
	for (; speakers > 0;) {
		struct timespec pause = { 0, LAB_POLL_FAST_NS };

		done = 0;
		for (size_t i = 0; i < t->nnodes; i++) {
			if (ks[i].kind == NULL)
				continue;
			if (ks[i].kind->bgp_progress(&ks[i], &now) < 0) {
				since[i] = 0;
				pause.tv_nsec = LAB_POLL_NS;
				continue;
			}
			if (now.converged_known) {
				done += now.converged;
				continue;
			}
			pause.tv_nsec =
			    LAB_POLL_NS; /* the steady-count rule gains nothing faster */
			if (now.established < now.peers || now.pending) {
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
				bool ok;

				if (ks[i].kind == NULL)
					continue;
				if (ks[i].kind->bgp_progress(&ks[i], &now) < 0) {
					emu_err(
					    "warning: %s: the BGP speaker does not answer after %d "
					    "ms (kind %s)",
					    t->nodes[i].name, timeout_ms, ks[i].kind->name);
					continue;
				}
				ok = now.converged_known ?
				    now.converged :
				    now.established == now.peers && !now.pending;
				if (ok)
					continue;
				emu_err(
				    "warning: %s: %u of %u BGP sessions established after %d ms%s%s "
				    "(kind %s)",
				    t->nodes[i].name, now.established, now.peers, timeout_ms,
				    now.pending ? ", routes still being processed" : "",
				    now.converged_known ? ", not converged by its own account" : "",
				    ks[i].kind->name);
			}
			break;
		}
		nanosleep(&pause, NULL);
	}
	free(ks);
	free(routes);
	free(since);
}

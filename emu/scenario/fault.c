/*
 * Fault injection (fault.h): what each action means, in the scenario's
 * terms. Link faults go through the lab core (lab_link_set), so that an
 * enabled adapter gets its routes back exactly as `anylab link` does.
 * Impairments are made inside the node's namespace by the kernel files:
 * nftables netdev chains for loss and black holes (kernel/nft.c), tbf or
 * netem root qdiscs for rate and delay (kernel/qdisc.c). Daemons are
 * signalled by the pid and start time the lab's record holds, never by name.
 *
 * Errors are emu errors (emu_error.h): EMU_EUNSUPPORTED only when the
 * kernel lacks what a step needs (netem) or the node's BGP kind cannot
 * drain the way it asks (kind.h, bgp_drain); a node whose namespace is gone is
 * -ENOENT, whatever else the kernel refused its -errno.
 *
 * A step may name several targets (a list of interfaces or nodes): one
 * fault, applied to each target in turn, at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "anylab.h"
#include "ctl.h"
#include "daemon.h"
#include "fault.h"
#include "kind.h"
#include "lab.h"
#include "log.h"
#include "netns.h"
#include "nft.h"
#include "proc.h"
#include "qdisc.h"
#include "state.h"
#include "textbuf.h"
#include "topo.h"

#define NETEM_MISSING \
	"this kernel has no netem qdisc (sch_netem): delay and jitter are not available here; " \
	"loss, black holes and rate limits are (nftables, tbf)"

/*
 * The daemon and route actions below keep their bodies until node kinds take
 * them over: FAULT_OK and FAULT_ERROR are their names for EMU_OK and
 * EMU_EDAEMON.
 */
#define FAULT_OK    EMU_OK
#define FAULT_ERROR EMU_EDAEMON

/* How long kill and start wait for a killed process to exit. */
#define FAULT_EXIT_WAIT_MS 10000

/* One impairment, made inside the node's namespace by impair_in_ns. */
struct impair_job {
	const char *iface;
	const struct scn_impair *im;
	bool clear;
	bool entered;	  /* impair_in_ns ran: not an error entering */
	const char *what; /* the part that failed */
	char why[256];	  /* nftables' own words */
};

static int apply_one(const char *lab, const struct topology *topo, const struct scn_step *st,
    char *msg, size_t msglen);
static int impair_in_ns(void *arg);
static void impair_describe(const struct scn_step *st, bool clear, struct textbuf *tb);
static void impair_error(const struct scn_step *st, const struct impair_job *j, int err,
    struct textbuf *tb);

static int
impair_in_ns(void *arg)
{
	struct impair_job *j = arg;
	const struct scn_impair *im = j->im;
	int err;

	j->entered = true;
	if (j->clear) {
		kn_nft_clear(j->iface);
		j->what = "removing the qdisc of";
		return kn_qdisc_clear(j->iface);
	}
	if (im->blackhole || im->loss_pct > 0) {
		j->what = "nftables";
		err = kn_nft_drop(j->iface, im->blackhole ? 100 : im->loss_pct, j->why,
		    sizeof(j->why));
		if (err < 0)
			return err;
	} else {
		kn_nft_clear(j->iface); /* an impairment replaces the interface's last one */
	}
	if (im->delay_ms) {
		j->what = "adding a netem qdisc on";
		return kn_qdisc_delay(j->iface, im->delay_ms, im->jitter_ms);
	}
	if (im->rate_kbit) {
		j->what = "adding a tbf qdisc on";
		return kn_qdisc_rate(j->iface, im->rate_kbit);
	}
	return 0;
}

static void
impair_describe(const struct scn_step *st, bool clear, struct textbuf *tb)
{
	tb_printf(tb, "%s:%s:", st->node, st->iface);
	if (clear) {
		tb_puts(tb, " impairments removed");
		return;
	}
	if (st->impair.blackhole)
		tb_puts(tb, " black hole (carrier up)");
	else if (st->impair.loss_pct > 0)
		tb_printf(tb, " %d%% loss both ways", st->impair.loss_pct);
	if (st->impair.rate_kbit)
		tb_printf(tb, " rate %llu kbit/s out", (unsigned long long)st->impair.rate_kbit);
	if (st->impair.delay_ms)
		tb_printf(tb, " delay %u ms jitter %u ms out", st->impair.delay_ms,
		    st->impair.jitter_ms);
}

static void
impair_error(const struct scn_step *st, const struct impair_job *j, int err, struct textbuf *tb)
{
	if (!j->entered) {
		if (err == -ENOENT)
			tb_printf(tb, "%s's namespace is gone (%s)", st->node, emu_strerror(err));
		else
			tb_printf(tb, "cannot enter %s's namespace: %s", st->node,
			    emu_strerror(err));
	} else if (err == EMU_EUNSUPPORTED) {
		tb_puts(tb, NETEM_MISSING);
	} else if (err == EMU_EMISSING) {
		tb_printf(tb, "loss and black holes need nftables: %s", j->why);
	} else if (j->why[0]) {
		tb_printf(tb, "%s: %s", j->what, j->why);
	} else if (err == -ENODEV) {
		tb_printf(tb, "no interface %s", st->iface);
	} else {
		tb_printf(tb, "%s %s: %s", j->what, st->iface, emu_strerror(err));
	}
}

static int
do_impair(const char *lab, const struct scn_step *st, bool clear, char *msg, size_t msglen)
{
	struct impair_job j = { .iface = st->iface, .im = &st->impair, .clear = clear };
	struct textbuf tb;
	int err;

	tb_init(&tb, msg, msglen);
	if (!clear && st->impair.delay_ms && st->impair.rate_kbit) {
		tb_puts(&tb,
		    "delay together with rate_kbit on one interface is not supported; "
		    "use two steps on the two ends");
		return EMU_ECONFIG;
	}
	err = lab_run_in(lab, st->node, impair_in_ns, &j);
	if (err < 0) {
		impair_error(st, &j, err, &tb);
		return err;
	}
	impair_describe(st, clear, &tb);
	return 0;
}

/* In a throw-away namespace of our own: can a netem qdisc be made on lo? */
bool
fault_have_netem(void)
{
	return kn_qdisc_have_netem();
}

/* The latest record line for node's service (a restart appends a new one). */
static const struct state_entry *
find_daemon(const struct state *s, const char *node, const char *service)
{
	const struct state_entry *found = NULL;

	for (size_t i = 0; i < s->nentries; i++) {
		const struct state_entry *e = &s->entries[i];

		if (e->kind == STATE_DAEMON && strcmp(e->node, node) == 0 &&
		    strcmp(e->service, service) == 0)
			found = e;
	}
	return found;
}

static int
restart_daemon(struct state *s, const char *lab, const struct kind_node *k, char *msg,
    size_t msglen)
{
	char rec[ANYLAB_PATH_MAX + 16], nsname[LAB_NS_MAX], why[KIND_MSG_MAX];
	pid_t pid;
	int nsfd, r;

	snprintf(rec, sizeof(rec), "%s/record", s->dir);
	s->fd = open(rec, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (s->fd < 0) {
		snprintf(msg, msglen, "%s: %s", rec, strerror(errno));
		return FAULT_ERROR;
	}
	nsfd = netns_open(lab_ns_name(lab, k->node->name, nsname, sizeof(nsname)));
	if (nsfd < 0) {
		snprintf(msg, msglen, "namespace %s: %s", nsname, strerror(-nsfd));
		return FAULT_ERROR;
	}
	r = daemon_start(s, k, nsfd, true, &pid, why, sizeof(why));
	close(nsfd);
	if (r < 0) {
		snprintf(msg, msglen, "starting %s (kind %s) on %s: %s", k->service, k->kind->name,
		    k->node->name, why);
		return FAULT_ERROR;
	}
	r = daemon_wait_ready(k, pid, 10000);
	if (r < 0) {
		snprintf(msg, msglen, "%s on %s started (pid %d) but not ready: %s", k->kind->name,
		    k->node->name, (int)pid, emu_strerror(r));
		return FAULT_ERROR;
	}
	snprintf(msg, msglen, "%s on %s started again, pid %d, ready",
	    k->role == KIND_SERVICE ? k->service : k->kind->name, k->node->name, (int)pid);
	return FAULT_OK;
}

/* The state of a recorded daemon process (GONE without a record). */
static enum proc_state
daemon_state(const struct state_entry *e)
{
	return e != NULL ? proc_state(e->pid, e->starttime) : PROC_STATE_GONE;
}

/*
 * Wait until the recorded process has exited (reaping it if it is ours: the
 * lab was brought up by this run), up to FAULT_EXIT_WAIT_MS. A process that
 * was sent SIGKILL exits only when it next runs: one in uninterruptible
 * sleep or frozen is still there, its sockets open. Returns its state then:
 * GONE or DEAD, or what it still is.
 */
static enum proc_state
daemon_wait_exit(const struct state_entry *e)
{
	enum proc_state ps;

	for (int i = 0; i < FAULT_EXIT_WAIT_MS / 2; i++) {
		waitpid(e->pid, NULL, WNOHANG);
		ps = daemon_state(e);
		if (ps == PROC_STATE_GONE || ps == PROC_STATE_DEAD)
			return ps;
		usleep(2000);
	}
	return daemon_state(e);
}

static int
do_daemon(const char *lab, const struct topology *topo, const struct scn_step *st, char *msg,
    size_t msglen)
{
	const struct state_entry *e;
	enum proc_state ps;
	struct kind_node k;
	const char *bin;
	struct state s;
	int r = FAULT_OK, err;

	if (kind_node_find(lab, topo, st->node, st->daemon, &k) < 0) {
		snprintf(msg, msglen, "node %s runs no daemon %s", st->node, st->daemon);
		return FAULT_ERROR;
	}
	bin = k.role == KIND_SERVICE ? k.service : k.kind->name;
	err = state_open(lab, &s);
	if (err < 0) {
		snprintf(msg, msglen, "lab %s has no record: %s", lab, strerror(-err));
		return FAULT_ERROR;
	}
	e = find_daemon(&s, st->node, st->daemon);
	ps = daemon_state(e);
	switch (st->kind) {
	case SCN_KILL:
	case SCN_STOP:
		if (ps != PROC_STATE_RUNNING && ps != PROC_STATE_STOPPED) {
			snprintf(msg, msglen, "%s on %s is not running (%s)", bin, st->node,
			    proc_state_names[ps]);
			r = FAULT_ERROR;
			break;
		}
		if (kill(e->pid, st->kind == SCN_KILL ? SIGKILL : SIGSTOP) < 0) {
			snprintf(msg, msglen, "signalling %s (pid %d): %s", bin, (int)e->pid,
			    strerror(errno));
			r = FAULT_ERROR;
			break;
		}
		if (st->kind == SCN_KILL) {
			/* Asynchronous: the step ends once the process has exited. */
			ps = daemon_wait_exit(e);
			if (ps != PROC_STATE_GONE && ps != PROC_STATE_DEAD) {
				snprintf(msg, msglen,
				    "%s on %s (pid %d) was sent SIGKILL but is still %s after %d ms",
				    bin, st->node, (int)e->pid, proc_state_names[ps],
				    FAULT_EXIT_WAIT_MS);
				r = FAULT_ERROR;
				break;
			}
		} else {
			/* Likewise until it shows as stopped, so a `start` right after continues it. */
			for (int i = 0; i < 1000 && daemon_state(e) == PROC_STATE_RUNNING; i++)
				usleep(2000);
		}
		snprintf(msg, msglen, "%s on %s (pid %d) %s", bin, st->node, (int)e->pid,
		    st->kind == SCN_KILL ? "killed (SIGKILL)" : "stopped (SIGSTOP)");
		break;
	case SCN_START:
		if (ps == PROC_STATE_DYING) {
			/* Killed (by a step, or from outside) and not exited yet: wait for it. */
			ps = daemon_wait_exit(e);
			if (ps != PROC_STATE_GONE && ps != PROC_STATE_DEAD) {
				snprintf(msg, msglen,
				    "%s on %s (pid %d) was killed but is still %s after %d ms: not "
				    "started again",
				    bin, st->node, (int)e->pid, proc_state_names[ps],
				    FAULT_EXIT_WAIT_MS);
				r = FAULT_ERROR;
				break;
			}
		}
		if (ps == PROC_STATE_STOPPED) {
			kill(e->pid, SIGCONT);
			snprintf(msg, msglen, "%s on %s (pid %d) continued (SIGCONT)", bin,
			    st->node, (int)e->pid);
		} else if (ps == PROC_STATE_RUNNING) {
			snprintf(msg, msglen, "%s on %s (pid %d) was running already", bin,
			    st->node, (int)e->pid);
		} else {
			if (e != NULL)
				waitpid(e->pid, NULL, WNOHANG); /* reap it when it is ours */
			r = restart_daemon(&s, lab, &k, msg, msglen);
		}
		break;
	default:
		r = FAULT_ERROR;
	}
	state_close(&s);
	return r;
}

static int
do_route(const char *lab, const struct topology *topo, const struct scn_step *st, char *msg,
    size_t msglen)
{
	char pbuf[PREFIX_STRLEN], why[KIND_MSG_MAX] = "";
	struct kind_node k;
	int r;

	prefix_ntop(&st->prefix, pbuf, sizeof(pbuf));
	if (kind_node_find(lab, topo, st->node, "bgp", &k) < 0 || k.kind->bgp_announce == NULL) {
		snprintf(msg, msglen, "node %s runs no BGP speaker", st->node);
		return FAULT_ERROR;
	}
	r = k.kind->bgp_announce(&k, &st->prefix, st->kind == SCN_ANNOUNCE, why, sizeof(why));
	if (r < 0) {
		snprintf(msg, msglen, "%s %s on %s (kind %s): %s", scn_kind_names[st->kind], pbuf,
		    st->node, k.kind->name, why[0] ? why : emu_strerror(r));
		return FAULT_ERROR;
	}
	snprintf(msg, msglen, "%s's speaker: %s %s", st->node,
	    st->kind == SCN_WITHDRAW ? "withdrew" : "announced", pbuf);
	return FAULT_OK;
}

static int
do_drain(const char *lab, const struct topology *topo, const struct scn_step *st, char *msg,
    size_t msglen)
{
	const struct prefix *p = st->prefix.addr.family != 0 ? &st->prefix : NULL;
	char why[KIND_MSG_MAX] = "";
	struct kind_node k;
	int r;

	if (kind_node_find(lab, topo, st->node, "bgp", &k) < 0) {
		snprintf(msg, msglen, "node %s runs no BGP speaker", st->node);
		return FAULT_ERROR;
	}
	if (k.kind->bgp_drain == NULL) {
		snprintf(msg, msglen, "%s on %s: kind %s cannot drain", scn_kind_names[st->kind],
		    st->node, k.kind->name);
		return EMU_EUNSUPPORTED;
	}
	r = k.kind->bgp_drain(&k, p, st->kind == SCN_DRAIN, st->withdraw, why, sizeof(why));
	if (r < 0) {
		snprintf(msg, msglen, "%s on %s (kind %s): %s", scn_kind_names[st->kind], st->node,
		    k.kind->name, why[0] ? why : emu_strerror(r));
		/* Only what the kind cannot do is "unsupported"; a refusal is an error. */
		return r == EMU_EUNSUPPORTED ? EMU_EUNSUPPORTED : FAULT_ERROR;
	}
	snprintf(msg, msglen, "%s's speaker: %s", st->node, why);
	return FAULT_OK;
}

static int
do_link(const char *lab, const struct scn_step *st, char *msg, size_t msglen)
{
	char ep[256];
	bool up = st->kind == SCN_ENABLE || st->kind == SCN_RESTORE;
	bool cut = st->kind == SCN_CUT || st->kind == SCN_RESTORE;
	struct textbuf tb;
	int rc;

	tb_init(&tb, msg, msglen);
	snprintf(ep, sizeof(ep), "%s:%s", st->node, st->iface);
	rc = lab_link_set(lab, ep, up, cut);
	if (rc != 0) {
		tb_printf(&tb, "%s %s failed (exit status %d; see above)", scn_kind_names[st->kind],
		    ep, rc);
		return EMU_ECOMMAND;
	}
	if (cut)
		tb_printf(&tb, "%s: cable %s (far side %s)", ep, up ? "restored" : "cut",
		    up ? "up" : "down");
	else
		tb_printf(&tb, "%s: adapter %s%s", ep, up ? "enabled" : "disabled",
		    up ? ", addresses, routes and static neighbours restored" : "");
	return 0;
}

/*
 * A step with several targets is one fault: each target in turn, at once,
 * through its own copy of the step. The first failure stops it (the
 * runner stops after a failed action anyway) and says how far it got.
 */
int
fault_apply(const char *lab, const struct topology *topo, const struct scn_step *st, char *msg,
    size_t msglen)
{
	struct scn_step one;
	struct textbuf tb;
	char part[512];
	int err;

	if (st->ntargets <= 1)
		return apply_one(lab, topo, st, msg, msglen);
	tb_init(&tb, msg, msglen);
	for (size_t i = 0; i < st->ntargets; i++) {
		one = *st;
		one.node = st->targets[i].node;
		one.iface = st->targets[i].iface;
		one.targets = &st->targets[i];
		one.ntargets = 1;
		err = apply_one(lab, topo, &one, part, sizeof(part));
		tb_sep(&tb, "; ");
		tb_puts(&tb, part);
		if (err != 0) {
			tb_printf(&tb, "; stopped: %zu of %zu targets done", i, st->ntargets);
			return err;
		}
	}
	return 0;
}

static int
apply_one(const char *lab, const struct topology *topo, const struct scn_step *st, char *msg,
    size_t msglen)
{
	struct textbuf tb;

	tb_init(&tb, msg, msglen);
	switch (st->kind) {
	case SCN_WAIT:
		return 0; /* the runner waits, probing meanwhile */
	case SCN_DISABLE:
	case SCN_ENABLE:
	case SCN_CUT:
	case SCN_RESTORE:
		return do_link(lab, st, msg, msglen);
	case SCN_IMPAIR:
		return do_impair(lab, st, false, msg, msglen);
	case SCN_CLEAR:
		return do_impair(lab, st, true, msg, msglen);
	case SCN_KILL:
	case SCN_STOP:
	case SCN_START:
		return do_daemon(lab, topo, st, msg, msglen);
	case SCN_WITHDRAW:
	case SCN_ANNOUNCE:
		return do_route(lab, topo, st, msg, msglen);
	case SCN_DRAIN:
	case SCN_UNDRAIN:
		return do_drain(lab, topo, st, msg, msglen);
	default:
		tb_printf(&tb, "%s is not an action", scn_kind_names[st->kind]);
		return EMU_ECONFIG;
	}
}

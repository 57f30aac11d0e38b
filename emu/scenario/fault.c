/*
 * Fault injection (fault.h). Link faults go through the lab core
 * (lab_link_set), so that an enabled adapter gets its routes back exactly as
 * `anylab link` does. Impairments are made inside the node's namespace:
 * nftables (libnftables, loaded at run time: dynlib.h) netdev chains on the
 * interface's ingress and egress hooks for loss and black holes, tbf or
 * netem root qdiscs through
 * libnl-route-3 for rate and delay. Daemons are signalled by the pid and
 * start time the lab's record holds, never by name.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>
#include <nftables/libnftables.h>

#include "anylab.h"
#include "ctl.h"
#include "daemon.h"
#include "kind.h"
#include "dynlib.h"
#include "fault.h"
#include "lab.h"
#include "log.h"
#include "netns.h"
#include "state.h"
#include "topo.h"

#define NETEM_MISSING \
	"this kernel has no netem qdisc (sch_netem): delay and jitter are not available here; " \
	"loss, black holes and rate limits are (nftables, tbf)"

struct impair_job {
	const char		*iface;
	const struct scn_impair	*im;
	bool			 clear;
	char			*msg;
	size_t			 msglen;
};

/* nftables table names allow [A-Za-z0-9_]: "anylab_" and the interface name. */
static void
nft_table_name(const char *iface, char *buf, size_t len)
{
	snprintf(buf, len, "anylab_%s", iface);
	for (char *c = buf; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '_'))
			*c = '_';
}

/* The libnftables functions used here, resolved by dynlib_load when first needed. */
static struct {
	__typeof__(nft_ctx_new)			*nft_ctx_new;
	__typeof__(nft_ctx_free)		*nft_ctx_free;
	__typeof__(nft_ctx_buffer_output)	*nft_ctx_buffer_output;
	__typeof__(nft_ctx_buffer_error)	*nft_ctx_buffer_error;
	__typeof__(nft_ctx_get_error_buffer)	*nft_ctx_get_error_buffer;
	__typeof__(nft_run_cmd_from_buffer)	*nft_run_cmd_from_buffer;
} nft_fn;

#define NFT_SYM(f)	{ #f, (void **)&nft_fn.f }
static const struct dynlib_sym nft_syms[] = {
	NFT_SYM(nft_ctx_new),
	NFT_SYM(nft_ctx_free),
	NFT_SYM(nft_ctx_buffer_output),
	NFT_SYM(nft_ctx_buffer_error),
	NFT_SYM(nft_ctx_get_error_buffer),
	NFT_SYM(nft_run_cmd_from_buffer),
};
static const char *const nft_sonames[] = { "libnftables.so.1", NULL };
static struct dynlib nft_lib = {
	.sonames = nft_sonames,
	.package = "libnftables1",
	.syms = nft_syms,
	.nsyms = sizeof(nft_syms) / sizeof(nft_syms[0]),
};

static int
nft_run(const char *cmd, char *msg, size_t msglen)
{
	struct nft_ctx *nft;
	int r;

	if (dynlib_load(&nft_lib) < 0) {
		snprintf(msg, msglen, "loss and black holes need nftables: %s", nft_lib.error);
		return -1;
	}
	nft = nft_fn.nft_ctx_new(NFT_CTX_DEFAULT);
	if (nft == NULL) {
		snprintf(msg, msglen, "nftables: cannot make a context");
		return -1;
	}
	nft_fn.nft_ctx_buffer_output(nft);
	nft_fn.nft_ctx_buffer_error(nft);
	r = nft_fn.nft_run_cmd_from_buffer(nft, cmd);
	if (r != 0) {
		const char *e = nft_fn.nft_ctx_get_error_buffer(nft);

		snprintf(msg, msglen, "nftables: %.*s", (int)strcspn(e ? e : "", "\n"),
		    e ? e : "failed");
	}
	nft_fn.nft_ctx_free(nft);
	return r == 0 ? 0 : -1;
}

static int
nft_impair(const char *iface, const struct scn_impair *im, bool clear, char *msg, size_t msglen)
{
	char table[64], cmd[1024], rule[128];
	char err[256];

	nft_table_name(iface, table, sizeof(table));
	/* Replace whatever this interface had: delete (ignoring "no such table"), then add. */
	snprintf(cmd, sizeof(cmd), "delete table netdev %s\n", table);
	nft_run(cmd, err, sizeof(err));
	if (clear || (!im->blackhole && im->loss_pct <= 0))
		return 0;
	if (im->blackhole)
		snprintf(rule, sizeof(rule), "counter drop");
	else
		snprintf(rule, sizeof(rule), "numgen random mod 100 < %d counter drop",
		    im->loss_pct);
	snprintf(cmd, sizeof(cmd),
	    "table netdev %s {\n"
	    "  chain in { type filter hook ingress device \"%s\" priority -500; "
	    "policy accept; %s; }\n"
	    "  chain out { type filter hook egress device \"%s\" priority -500; "
	    "policy accept; %s; }\n"
	    "}\n", table, iface, rule, iface, rule);
	return nft_run(cmd, msg, msglen);
}

static int
qdisc_impair(const char *iface, const struct scn_impair *im, bool clear, char *msg, size_t msglen)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_qdisc *q = NULL;
	int ifindex = (int)if_nametoindex(iface), err = 0;

	if (sk == NULL || nl_connect(sk, NETLINK_ROUTE) < 0) {
		snprintf(msg, msglen, "netlink: cannot connect");
		err = -1;
		goto out;
	}
	if (ifindex == 0) {
		snprintf(msg, msglen, "no interface %s", iface);
		err = -1;
		goto out;
	}
	q = rtnl_qdisc_alloc();
	if (q == NULL) {
		err = -1;
		goto out;
	}
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	if (clear) {
		/* Back to the default qdisc; nothing there is not an error. */
		int r = rtnl_qdisc_delete(sk, q);

		if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_INVAL && r != -NLE_NOADDR) {
			snprintf(msg, msglen, "removing the qdisc of %s: %s", iface,
			    nl_geterror(r));
			err = -1;
		}
		goto out;
	}
	if (im->delay_ms == 0 && im->rate_kbit == 0)
		goto out;
	rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(1, 0));
	if (im->delay_ms) {
		if (im->rate_kbit) {
			snprintf(msg, msglen,
			    "delay together with rate_kbit on one interface is not "
			    "supported; use two steps on the two ends");
			err = -1;
			goto out;
		}
		if (rtnl_tc_set_kind(TC_CAST(q), "netem") < 0) {
			snprintf(msg, msglen, "libnl has no netem support");
			err = FAULT_UNSUPPORTED;
			goto out;
		}
		rtnl_netem_set_delay(q, (int)im->delay_ms * 1000);
		if (im->jitter_ms)
			rtnl_netem_set_jitter(q, (int)im->jitter_ms * 1000);
		rtnl_netem_set_limit(q, 10000);
	} else {
		uint64_t bytes = im->rate_kbit * 1000 / 8;
		/* A burst of 10 ms of the rate, at least two full frames. */
		int burst = (int)(bytes / 100 > 3000 ? bytes / 100 : 3000);

		rtnl_tc_set_kind(TC_CAST(q), "tbf");
		rtnl_qdisc_tbf_set_rate(q, (int)(bytes > INT32_MAX ? INT32_MAX : bytes), burst, 0);
		rtnl_qdisc_tbf_set_limit_by_latency(q, 50000);	/* 50 ms of queue */
	}
	err = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_REPLACE);
	if (err < 0) {
		if (im->delay_ms && (err == -NLE_OBJ_NOTFOUND || err == -NLE_OPNOTSUPP ||
		    err == -NLE_NOATTR || err == -NLE_INVAL)) {
			snprintf(msg, msglen, NETEM_MISSING);
			err = FAULT_UNSUPPORTED;
		} else {
			snprintf(msg, msglen, "adding a %s qdisc on %s: %s",
			    im->delay_ms ? "netem" : "tbf", iface, nl_geterror(err));
			err = -1;
		}
	}
out:
	if (q)
		rtnl_qdisc_put(q);
	if (sk)
		nl_socket_free(sk);
	return err;
}

static int
impair_in_ns(void *arg)
{
	struct impair_job *j = arg;
	static const struct scn_impair none = { .loss_pct = -1 };
	const struct scn_impair *im = j->clear ? &none : j->im;
	int r;

	r = nft_impair(j->iface, im, j->clear, j->msg, j->msglen);
	if (r < 0)
		return FAULT_ERROR;
	if (!j->clear && im->delay_ms && !fault_have_netem()) {
		snprintf(j->msg, j->msglen, NETEM_MISSING);
		return FAULT_UNSUPPORTED;
	}
	return qdisc_impair(j->iface, im, j->clear, j->msg, j->msglen);
}

/* In a throw-away namespace of our own: can a netem qdisc be made on lo? */
bool
fault_have_netem(void)
{
	static int known = -1;
	int self, sk_ok = 0;

	if (known >= 0)
		return known;
	self = netns_open_self();
	if (self < 0)
		return false;
	if (unshare(CLONE_NEWNET) == 0) {
		struct nl_sock *sk = nl_socket_alloc();
		struct rtnl_qdisc *q = rtnl_qdisc_alloc();

		if (sk && q && nl_connect(sk, NETLINK_ROUTE) == 0) {
			rtnl_tc_set_ifindex(TC_CAST(q), 1);	/* lo */
			rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
			rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(1, 0));
			if (rtnl_tc_set_kind(TC_CAST(q), "netem") == 0) {
				rtnl_netem_set_delay(q, 1000);
				sk_ok = rtnl_qdisc_add(sk, q, NLM_F_CREATE) == 0;
			}
		}
		if (q)
			rtnl_qdisc_put(q);
		if (sk)
			nl_socket_free(sk);
		if (netns_enter(self) < 0)
			fatal("cannot return to the original network namespace");
	}
	close(self);
	known = sk_ok;
	return sk_ok;
}

static int
do_impair(const char *lab, const struct scn_step *st, bool clear, char *msg, size_t msglen)
{
	struct impair_job j = { st->iface, &st->impair, clear, msg, msglen };
	int r = lab_run_in(lab, st->node, impair_in_ns, &j);

	if (r == FAULT_OK) {
		if (clear) {
			snprintf(msg, msglen, "%s:%s: impairments removed", st->node, st->iface);
		} else {
			int n = snprintf(msg, msglen, "%s:%s:", st->node, st->iface);

			if (st->impair.blackhole)
				n += snprintf(msg + n, msglen - (size_t)n,
				    " black hole (carrier up)");
			else if (st->impair.loss_pct > 0)
				n += snprintf(msg + n, msglen - (size_t)n, " %d%% loss both ways",
				    st->impair.loss_pct);
			if (st->impair.rate_kbit)
				n += snprintf(msg + n, msglen - (size_t)n, " rate %llu kbit/s out",
				    (unsigned long long)st->impair.rate_kbit);
			if (st->impair.delay_ms)
				snprintf(msg + n, msglen - (size_t)n,
				    " delay %u ms jitter %u ms out",
				    st->impair.delay_ms, st->impair.jitter_ms);
		}
	} else if (r != FAULT_ERROR && r != FAULT_UNSUPPORTED) {
		snprintf(msg, msglen, "cannot enter %s's namespace: %s", st->node, strerror(-r));
		r = FAULT_ERROR;
	}
	return r;
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
	r = daemon_start(s, k, nsfd, &pid, why, sizeof(why));
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

static bool
stopped(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	bool t = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) != NULL)
		t = p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
	fclose(f);
	return t;
}

static int
do_daemon(const char *lab, const struct topology *topo, const struct scn_step *st, char *msg,
    size_t msglen)
{
	const struct state_entry *e;
	struct kind_node k;
	const char *bin;
	struct state s;
	int r = FAULT_OK, err;
	bool running;

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
	running = e && daemon_running(e);
	switch (st->kind) {
	case SCN_KILL:
	case SCN_STOP:
		if (!running) {
			snprintf(msg, msglen, "%s on %s is not running", bin, st->node);
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
			/*
			 * SIGKILL is delivered asynchronously: wait (up to 2 s) until the
			 * process is gone, reaping it if it is ours (the lab was brought up
			 * by this process), so that a `start` right after finds it dead.
			 */
			for (int i = 0; i < 1000 && state_proc_running(e); i++) {
				waitpid(e->pid, NULL, WNOHANG);
				usleep(2000);
			}
		} else {
			/* Likewise until it shows as stopped, so a `start` right after continues it. */
			for (int i = 0; i < 1000 && !stopped(e->pid); i++)
				usleep(2000);
		}
		snprintf(msg, msglen, "%s on %s (pid %d) %s", bin, st->node, (int)e->pid,
		    st->kind == SCN_KILL ? "killed (SIGKILL)" : "stopped (SIGSTOP)");
		break;
	case SCN_START:
		if (running && stopped(e->pid)) {
			kill(e->pid, SIGCONT);
			snprintf(msg, msglen, "%s on %s (pid %d) continued (SIGCONT)", bin,
			    st->node,
			    (int)e->pid);
		} else if (running) {
			snprintf(msg, msglen, "%s on %s (pid %d) was running already", bin,
			    st->node,
			    (int)e->pid);
		} else {
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
do_link(const char *lab, const struct scn_step *st, char *msg, size_t msglen)
{
	char ep[256];
	bool up = st->kind == SCN_ENABLE || st->kind == SCN_RESTORE;
	bool cut = st->kind == SCN_CUT || st->kind == SCN_RESTORE;
	int rc;

	snprintf(ep, sizeof(ep), "%s:%s", st->node, st->iface);
	rc = lab_link_set(lab, ep, up, cut);
	if (rc != 0) {
		snprintf(msg, msglen, "%s %s failed (exit status %d; see above)",
		    scn_kind_names[st->kind], ep, rc);
		return FAULT_ERROR;
	}
	if (cut)
		snprintf(msg, msglen, "%s: cable %s (far side %s)", ep, up ? "restored" : "cut",
		    up ? "up" : "down");
	else
		snprintf(msg, msglen, "%s: adapter %s%s", ep, up ? "enabled" : "disabled",
		    up ? ", addresses and routes restored" : "");
	return FAULT_OK;
}

int
fault_apply(const char *lab, const struct topology *topo, const struct scn_step *st, char *msg,
    size_t msglen)
{
	msg[0] = '\0';
	switch (st->kind) {
	case SCN_WAIT:
		return FAULT_OK;	/* the runner waits, probing meanwhile */
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
	default:
		snprintf(msg, msglen, "%s is not an action", scn_kind_names[st->kind]);
		return FAULT_ERROR;
	}
}

/*
 * Root qdiscs of an interface (qdisc.h): tbf and netem through
 * libnl-route-3's tc objects, one RTM_NEWQDISC (create or replace) or
 * RTM_DELQDISC each, on a socket of the calling thread's namespace.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "emu_error.h"
#include "log.h"
#include "netlink.h"
#include "netns.h"
#include "qdisc.h"

static int qdisc_root(const char *iface, struct nl_sock **sk, struct rtnl_qdisc **q);
static void qdisc_put(struct nl_sock *sk, struct rtnl_qdisc *q);

/* A socket and a qdisc object for iface's root. 0 or an emu error. */
static int
qdisc_root(const char *iface, struct nl_sock **sk, struct rtnl_qdisc **q)
{
	int ifindex = (int)if_nametoindex(iface), err;

	*sk = NULL;
	*q = NULL;
	if (ifindex == 0)
		return -ENODEV;
	*sk = nl_socket_alloc();
	*q = rtnl_qdisc_alloc();
	if (*sk == NULL || *q == NULL) {
		qdisc_put(*sk, *q);
		return -ENOMEM;
	}
	err = nl_connect(*sk, NETLINK_ROUTE);
	if (err < 0) {
		qdisc_put(*sk, *q);
		return kn_errno(err);
	}
	rtnl_tc_set_ifindex(TC_CAST(*q), ifindex);
	rtnl_tc_set_parent(TC_CAST(*q), TC_H_ROOT);
	return 0;
}

static void
qdisc_put(struct nl_sock *sk, struct rtnl_qdisc *q)
{
	if (q)
		rtnl_qdisc_put(q);
	if (sk)
		nl_socket_free(sk);
}

int
kn_qdisc_rate(const char *iface, uint64_t rate_kbit)
{
	uint64_t bytes = rate_kbit * 1000 / 8;
	/* A burst of 10 ms of the rate, at least two full frames. */
	int burst = (int)(bytes / 100 > 3000 ? bytes / 100 : 3000);
	struct nl_sock *sk;
	struct rtnl_qdisc *q;
	int err;

	err = qdisc_root(iface, &sk, &q);
	if (err < 0)
		return err;
	rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(1, 0));
	rtnl_tc_set_kind(TC_CAST(q), "tbf");
	rtnl_qdisc_tbf_set_rate(q, (int)(bytes > INT32_MAX ? INT32_MAX : bytes), burst, 0);
	rtnl_qdisc_tbf_set_limit_by_latency(q, 50000); /* 50 ms of queue */
	err = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_REPLACE);
	qdisc_put(sk, q);
	return err < 0 ? kn_errno(err) : 0;
}

int
kn_qdisc_delay(const char *iface, unsigned delay_ms, unsigned jitter_ms)
{
	struct nl_sock *sk;
	struct rtnl_qdisc *q;
	int err;

	if (!kn_qdisc_have_netem())
		return EMU_EUNSUPPORTED;
	err = qdisc_root(iface, &sk, &q);
	if (err < 0)
		return err;
	rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(1, 0));
	if (rtnl_tc_set_kind(TC_CAST(q), "netem") < 0) {
		err = EMU_EUNSUPPORTED; /* this libnl has no netem */
		goto out_put;
	}
	rtnl_netem_set_delay(q, (int)delay_ms * 1000);
	if (jitter_ms)
		rtnl_netem_set_jitter(q, (int)jitter_ms * 1000);
	rtnl_netem_set_limit(q, 10000);
	err = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_REPLACE);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_OPNOTSUPP || err == -NLE_NOATTR ||
	    err == -NLE_INVAL)
		err = EMU_EUNSUPPORTED; /* the kernel has no sch_netem */
	else if (err < 0)
		err = kn_errno(err);
out_put:
	qdisc_put(sk, q);
	return err;
}

int
kn_qdisc_clear(const char *iface)
{
	struct nl_sock *sk;
	struct rtnl_qdisc *q;
	int err;

	err = qdisc_root(iface, &sk, &q);
	if (err < 0)
		return err;
	err = rtnl_qdisc_delete(sk, q);
	qdisc_put(sk, q);
	/* Nothing there (the default qdisc) is not an error. */
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_INVAL || err == -NLE_NOADDR)
		return 0;
	return err < 0 ? kn_errno(err) : 0;
}

bool
kn_qdisc_have_netem(void)
{
	static int known = -1;
	int self, ok = 0;

	if (known >= 0)
		return known;
	self = netns_open_self();
	if (self < 0)
		return false;
	if (unshare(CLONE_NEWNET) == 0) {
		struct nl_sock *sk = nl_socket_alloc();
		struct rtnl_qdisc *q = rtnl_qdisc_alloc();

		if (sk && q && nl_connect(sk, NETLINK_ROUTE) == 0) {
			rtnl_tc_set_ifindex(TC_CAST(q), 1); /* lo */
			rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
			rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(1, 0));
			if (rtnl_tc_set_kind(TC_CAST(q), "netem") == 0) {
				rtnl_netem_set_delay(q, 1000);
				ok = rtnl_qdisc_add(sk, q, NLM_F_CREATE) == 0;
			}
		}
		qdisc_put(sk, q);
		if (netns_enter(self) < 0)
			fatal("cannot return to the original network namespace");
	}
	close(self);
	known = ok;
	return ok;
}

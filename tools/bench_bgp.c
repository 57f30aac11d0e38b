/*
 * bench_bgp: the feeder and stopwatch of tools/bench_bgp.sh.
 *
 * Feed mode: connects to a BGP speaker as an external peer (OPEN with hold
 * time 0, IPv4 unicast), announces N IPv4 /24 prefixes spread over K
 * attribute sets (each its own AS path, MED and community), grouped by set
 * and packed into full UPDATEs with the project's codec, then withdraws them
 * all. It times, from the first octet sent, when the speaker's Loc-RIB holds
 * them all (anybgpd: control socket "stats"; BIRD: "show route count") and
 * when the kernel table of the speaker's namespace does (a netlink dump
 * counting the routes of the speaker's protocol), then the same for the
 * withdrawal, and prints one JSON line.
 *
 *   bench_bgp feed --connect ADDR --local-as N --peer-as N --id A.B.C.D
 *       --prefixes N --sets K (--anybgpd-ctl PATH | --bird-sock PATH)
 *       --kernel-ns NS --kernel-proto P [--timeout SEC]
 *
 * Relay mode: the speaker as a router between two peers of ours. The feeder
 * session (from --connect's source address chosen by the kernel) announces
 * the same N prefixes as feed mode, a second session from --recv-from (AS
 * --recv-as) only listens; it times, from the first octet fed, until the
 * listener has received all N prefixes from the speaker (propagation through
 * the router), then the withdrawal until it holds none, and prints one JSON
 * line. Both sessions are established before the clock starts, and the
 * listener is read all along, so the speaker is never held up by us.
 *
 *   bench_bgp relay --connect ADDR --recv-from ADDR --recv-as N --prefixes N
 *       --sets K [--timeout SEC]
 *
 * Start mode: runs CMD (a daemon being started) and times until PREFIX is
 * in the kernel table of NS with protocol P; prints the milliseconds and the
 * daemon's pid, and leaves the daemon running.
 *
 *   bench_bgp start --kernel-ns NS --kernel-proto P --prefix PFX -- CMD...
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <cJSON.h>

#include "bgp_attr.h"
#include "bgp_msg.h"
#include "ctl.h"

struct opts {
	const char *connect;
	uint32_t local_as;
	uint32_t peer_as;
	const char *id;
	unsigned prefixes;
	unsigned sets;
	const char *ctl;
	const char *bird;
	const char *kns;
	int kproto;
	const char *prefix;
	int timeout;
	const char *recv_from;
	uint32_t recv_as;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- kernel route count through netlink, in another namespace ---- */

struct kcount {
	int proto;
	long n;
	const struct prefix *want;
	bool found;
};

static int
count_cb(struct nl_msg *msg, void *arg)
{
	struct kcount *kc = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct rtmsg *rtm = nlmsg_data(h);

	if (h->nlmsg_type != RTM_NEWROUTE || rtm->rtm_protocol != kc->proto ||
	    rtm->rtm_table != RT_TABLE_MAIN)
		return NL_OK;
	kc->n++;
	if (kc->want && rtm->rtm_dst_len == kc->want->len) {
		struct nlattr *a = nlmsg_find_attr(h, sizeof(*rtm), RTA_DST);

		if (a && nla_len(a) == 4 && memcmp(nla_data(a), kc->want->addr.bytes, 4) == 0)
			kc->found = true;
	}
	return NL_OK;
}

static struct nl_sock *
nl_in_ns(const char *ns)
{
	char p[128];
	int self, fd;
	struct nl_sock *sk;

	self = open("/proc/self/ns/net", O_RDONLY);
	snprintf(p, sizeof(p), "/run/netns/%s", ns);
	fd = open(p, O_RDONLY);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "bench_bgp: cannot enter namespace %s\n", ns);
		exit(1);
	}
	sk = nl_socket_alloc();
	if (sk == NULL || nl_connect(sk, NETLINK_ROUTE) < 0) {
		fprintf(stderr, "bench_bgp: netlink\n");
		exit(1);
	}
	if (setns(self, CLONE_NEWNET) < 0)
		exit(1);
	close(fd);
	close(self);
	nl_socket_disable_seq_check(sk);
	nl_socket_set_buffer_size(sk, 8 << 20, 0);
	return sk;
}

static long
kernel_count(struct nl_sock *sk, int proto, const struct prefix *want, bool *found)
{
	struct rtmsg rtm = { .rtm_family = AF_INET };
	struct kcount kc = { .proto = proto, .want = want };

	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, count_cb, &kc);
	if (nl_send_simple(sk, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm)) < 0)
		return -1;
	if (nl_recvmsgs_default(sk) < 0)
		return -1;
	if (found)
		*found = kc.found;
	return kc.n;
}

/* ---- Loc-RIB count ---- */

static long
rib_count(const struct opts *o)
{
	long n = -1;

	if (o->ctl) {
		char *reply = NULL;
		cJSON *j;

		if (ctl_call(o->ctl, "stats", &reply, 60000) < 0)
			return -1;
		j = cJSON_Parse(reply);
		free(reply);
		if (j) {
			cJSON *best = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "rib"), "best");
			cJSON *pend = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "rib"), "pending");

			if (cJSON_IsNumber(best))
				n = (long)best->valuedouble;
			if (cJSON_IsTrue(pend))
				n = -2; /* decision still running: not settled */
			cJSON_Delete(j);
		}
	} else if (o->bird) {
		char cmd[512], line[512];
		FILE *f;

		snprintf(cmd, sizeof(cmd), "birdc -s %s show route count 2>/dev/null", o->bird);
		f = popen(cmd, "r");
		if (f == NULL)
			return -1;
		while (fgets(line, sizeof(line), f)) {
			long a;

			if (strstr(line, "table master4") && sscanf(line, "%ld of", &a) == 1)
				n = a;
		}
		pclose(f);
	}
	return n;
}

/* ---- the feed ---- */

/* A socket bound to from (NULL: the kernel's choice). */
static int
socket_from(const char *from)
{
	struct sockaddr_in la = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || from == NULL)
		return fd;
	if (inet_pton(AF_INET, from, &la.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&la, sizeof(la)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
connect_to(const char *addr, const char *from)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(179) };
	int fd = socket_from(from), one = 1;

	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return -1;
	for (int i = 0; i < 100; i++) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			return fd;
		}
		close(fd);
		fd = socket_from(from);
		if (fd < 0)
			return -1;
		usleep(100000);
	}
	return -1;
}

/* Write all of buf, draining whatever the speaker sends meanwhile. */
static void
send_all(int fd, const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
		uint8_t sink[65536];

		if (poll(&p, 1, 10000) <= 0) {
			fprintf(stderr, "bench_bgp: the speaker stopped reading\n");
			exit(1);
		}
		if (p.revents & POLLIN) {
			ssize_t n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);

			if (n == 0) {
				fprintf(stderr, "bench_bgp: the speaker closed the session\n");
				exit(1);
			}
		}
		if (p.revents & POLLOUT) {
			ssize_t n = send(fd, buf + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);

			if (n > 0)
				off += (size_t)n;
			else if (n < 0 && errno != EAGAIN) {
				perror("bench_bgp: send");
				exit(1);
			}
		}
	}
}

/* Reads messages until a KEEPALIVE (the speaker confirmed our OPEN). */
static void
wait_keepalive(int fd)
{
	uint8_t buf[BGP_MAX_MSG * 4];
	size_t have = 0;
	double t0 = now_ms();

	while (now_ms() - t0 < 30000) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		size_t off = 0;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = recv(fd, buf + have, sizeof(buf) - have, 0);

		if (n <= 0) {
			fprintf(stderr, "bench_bgp: session refused\n");
			exit(1);
		}
		have += (size_t)n;
		for (;;) {
			struct bgp_err err;
			uint8_t type;
			int l = bgp_msg_frame(buf + off, have - off, &type, &err);

			if (l <= 0)
				break;
			if (type == BGP_MSG_NOTIFICATION) {
				fprintf(stderr, "bench_bgp: NOTIFICATION %u/%u\n", buf[off + 19],
				    buf[off + 20]);
				exit(1);
			}
			if (type == BGP_MSG_KEEPALIVE)
				return;
			off += (size_t)l;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	fprintf(stderr, "bench_bgp: no KEEPALIVE\n");
	exit(1);
}

struct wbuf {
	uint8_t *b;
	size_t len;
	size_t cap;
};

static uint8_t *
wb_room(struct wbuf *w, size_t n)
{
	if (w->len + n > w->cap) {
		w->cap = (w->len + n) * 2;
		w->b = realloc(w->b, w->cap);
		if (w->b == NULL)
			exit(1);
	}
	return w->b + w->len;
}

static void
build_set(struct bgp_attrs *a, const struct opts *o, unsigned k, const struct ipaddr *nh)
{
	uint32_t path[3] = { o->local_as, 4200000000u + k % 1000, 4200001000u + k / 1000 };

	bgp_attrs_init(a);
	a->present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH | BGP_ATTRS_NEXT_HOP | BGP_ATTRS_MED;
	a->origin = BGP_ORIGIN_IGP;
	a->aspath = bgp_aspath_from_seq(path, 3);
	a->nexthop = *nh;
	a->med = k;
	bgp_attrs_community_add(a, BGP_COMM(o->local_as & 0xffff, k & 0xffff));
}

static void
wait_counts(const struct opts *o, struct nl_sock *sk, long want, double t0, double *t_rib,
    double *t_kern)
{
	*t_rib = *t_kern = -1;
	while (now_ms() - t0 < o->timeout * 1000.0 && (*t_rib < 0 || *t_kern < 0)) {
		if (*t_rib < 0 && rib_count(o) == want)
			*t_rib = now_ms() - t0;
		/*
		 * A dump of a large kernel table competes with the speaker's own
		 * route changes for the kernel's locks: count the kernel table only
		 * once the Loc-RIB is complete (both speakers install after it).
		 */
		if (*t_rib >= 0 && *t_kern < 0 && kernel_count(sk, o->kproto, NULL, NULL) == want)
			*t_kern = now_ms() - t0;
		usleep(20000);
	}
}

/* A session to addr (from from, or the kernel's choice) up to our KEEPALIVE's answer. */
static int
open_session(const char *addr, const char *from, uint32_t local_as, const char *idtext,
    struct ipaddr *local)
{
	struct sockaddr_in la;
	socklen_t ll = sizeof(la);
	bool af[BGP_AF_COUNT] = { true, false };
	struct bgp_open op;
	struct in_addr id;
	struct wire_wr w;
	uint8_t m[BGP_MAX_MSG];
	int fd = connect_to(addr, from);

	if (fd < 0) {
		fprintf(stderr, "bench_bgp: cannot connect to %s\n", addr);
		exit(1);
	}
	getsockname(fd, (struct sockaddr *)&la, &ll);
	if (local)
		ipaddr_from_v4(local, ntohl(la.sin_addr.s_addr));
	inet_pton(AF_INET, idtext, &id);
	/* OPEN + KEEPALIVE with a plain send: nothing the speaker answers may be drained. */
	bgp_open_init(&op, local_as, 0, ntohl(id.s_addr), af);
	wire_wr_init(&w, m, sizeof(m));
	bgp_open_write(&w, &op);
	bgp_keepalive_write(&w);
	if (send(fd, m, w.len, MSG_NOSIGNAL) != (ssize_t)w.len) {
		perror("bench_bgp: send OPEN");
		exit(1);
	}
	wait_keepalive(fd);
	return fd;
}

/* Prefix i of the feed: 16.0.0.0/24 + i. */
static void
feed_prefix(unsigned i, struct prefix *p)
{
	p->len = 24;
	ipaddr_from_v4(&p->addr, 0x10000000u + (i << 8));
}

/* The announcements and the withdrawals of every prefix, encoded once. */
static void
build_updates(const struct opts *o, const struct ipaddr *nh, struct wbuf *ann, struct wbuf *wd)
{
	struct bgp_peer_ctx ctx = { .as4 = true, .ebgp = true, .af = { true, false } };
	unsigned per = (o->prefixes + o->sets - 1) / o->sets;
	struct prefix *pfx = calloc(per, sizeof(*pfx));
	struct wire_wr w;

	ctx.local_as = o->local_as;
	ctx.peer_as = o->peer_as;
	for (unsigned k = 0; k < o->sets; k++) {
		struct bgp_attrs a;
		size_t n = 0, done = 0;

		for (unsigned i = k; i < o->prefixes; i += o->sets)
			feed_prefix(i, &pfx[n++]);
		build_set(&a, o, k, nh);
		while (done < n) {
			long took;

			wire_wr_init(&w, wb_room(ann, BGP_MAX_MSG), BGP_MAX_MSG);
			took = bgp_update_write_announce(&w, &ctx, &a, BGP_AF_IPV4_UNICAST,
			    pfx + done, n - done);
			if (took <= 0)
				exit(1);
			ann->len += w.len;
			done += (size_t)took;
		}
		done = 0;
		while (done < n) {
			long took;

			wire_wr_init(&w, wb_room(wd, BGP_MAX_MSG), BGP_MAX_MSG);
			took = bgp_update_write_withdraw(&w, &ctx, BGP_AF_IPV4_UNICAST, pfx + done,
			    n - done);
			if (took <= 0)
				exit(1);
			wd->len += w.len;
			done += (size_t)took;
		}
		bgp_attrs_clear(&a);
	}
	free(pfx);
}

static int
feed(const struct opts *o)
{
	struct nl_sock *sk = nl_in_ns(o->kns);
	struct ipaddr nh;
	struct wbuf ann = { 0 }, wd = { 0 };
	double t0, t_send, ta_rib, ta_kern, t1, tw_send, tw_rib, tw_kern;
	int fd = open_session(o->connect, NULL, o->local_as, o->id, &nh);

	/* Everything encoded before the clock starts. */
	build_updates(o, &nh, &ann, &wd);
	t0 = now_ms();
	send_all(fd, ann.b, ann.len);
	t_send = now_ms() - t0;
	wait_counts(o, sk, o->prefixes, t0, &ta_rib, &ta_kern);
	t1 = now_ms();
	send_all(fd, wd.b, wd.len);
	tw_send = now_ms() - t1;
	wait_counts(o, sk, 0, t1, &tw_rib, &tw_kern);
	printf("{\"prefixes\":%u,\"sets\":%u,\"update_bytes\":%zu,\"send_ms\":%.1f,"
	       "\"rib_ms\":%.1f,\"kernel_ms\":%.1f,\"withdraw_send_ms\":%.1f,"
	       "\"withdraw_rib_ms\":%.1f,\"withdraw_kernel_ms\":%.1f}\n",
	    o->prefixes, o->sets, ann.len, t_send, ta_rib, ta_kern, tw_send, tw_rib, tw_kern);
	fflush(stdout);
	close(fd);
	nl_socket_free(sk);
	return ta_rib < 0 || ta_kern < 0 || tw_rib < 0 || tw_kern < 0;
}

/* ---- relay: what the listener holds ---- */

struct listener {
	int fd;
	struct bgp_peer_ctx ctx;
	uint8_t *bits; /* one per feed prefix */
	unsigned n;    /* prefixes of the feed */
	long held;
	long updates;
	uint8_t buf[1 << 20];
	size_t have;
};

static void
listener_note(struct listener *l, const struct prefix *p, bool announce)
{
	uint32_t a = p->addr.family == AF_INET ? ntohl(p->addr.v4.s_addr) : 0;
	uint32_t i = (a - 0x10000000u) >> 8;
	uint8_t bit = (uint8_t)(1u << (i & 7));

	if (p->len != 24 || a < 0x10000000u || i >= l->n)
		return; /* not ours */
	if (announce && !(l->bits[i >> 3] & bit)) {
		l->bits[i >> 3] |= bit;
		l->held++;
	} else if (!announce && (l->bits[i >> 3] & bit)) {
		l->bits[i >> 3] &= (uint8_t)~bit;
		l->held--;
	}
}

/* Reads what the speaker sent the listener; every UPDATE decoded with the project's codec. */
static void
listener_read(struct listener *l)
{
	size_t off = 0;
	ssize_t n = recv(l->fd, l->buf + l->have, sizeof(l->buf) - l->have, MSG_DONTWAIT);

	if (n == 0) {
		fprintf(stderr, "bench_bgp: the speaker closed the listener's session\n");
		exit(1);
	}
	if (n < 0)
		return;
	l->have += (size_t)n;
	for (;;) {
		struct bgp_update upd;
		struct bgp_nlri_iter it;
		struct bgp_err err;
		struct prefix p;
		enum bgp_af af;
		uint8_t type;
		int len = bgp_msg_frame(l->buf + off, l->have - off, &type, &err);

		if (len < 0) {
			fprintf(stderr, "bench_bgp: bad message to the listener\n");
			exit(1);
		}
		if (len == 0)
			break;
		if (type == BGP_MSG_NOTIFICATION) {
			fprintf(stderr, "bench_bgp: NOTIFICATION %u/%u to the listener\n",
			    l->buf[off + 19], l->buf[off + 20]);
			exit(1);
		}
		if (type == BGP_MSG_UPDATE) {
			if (bgp_update_decode(l->buf + off, (size_t)len, &l->ctx, &upd, &err) < 0) {
				fprintf(stderr, "bench_bgp: UPDATE to the listener not decoded\n");
				exit(1);
			}
			bgp_update_withdrawn(&upd, &it);
			while (bgp_nlri_iter_next(&it, &p, &af))
				listener_note(l, &p, false);
			bgp_update_announced(&upd, &it);
			while (bgp_nlri_iter_next(&it, &p, &af))
				listener_note(l, &p, true);
			bgp_update_clear(&upd);
			l->updates++;
		}
		off += (size_t)len;
	}
	memmove(l->buf, l->buf + off, l->have - off);
	l->have -= off;
}

/*
 * Sends buf on the feeder's session while reading both sessions, until all
 * of it is sent and the listener holds want prefixes: the milliseconds from
 * t0, or -1 at the timeout.
 */
static double
pump(const struct opts *o, int fd, const struct wbuf *b, struct listener *l, long want, double t0)
{
	size_t off = 0;

	while (now_ms() - t0 < o->timeout * 1000.0) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
			{ .fd = l->fd, .events = POLLIN } };
		uint8_t sink[65536];

		if (off == b->len && l->held == want)
			return now_ms() - t0;
		if (off < b->len)
			p[0].events |= POLLOUT;
		if (poll(p, 2, 100) < 0 && errno != EINTR) {
			perror("bench_bgp: poll");
			exit(1);
		}
		if (p[0].revents & POLLIN) {
			if (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) == 0) {
				fprintf(stderr,
				    "bench_bgp: the speaker closed the feeder's session\n");
				exit(1);
			}
		}
		if (p[0].revents & POLLOUT) {
			ssize_t n = send(fd, b->b + off, b->len - off, MSG_DONTWAIT | MSG_NOSIGNAL);

			if (n > 0)
				off += (size_t)n;
			else if (n < 0 && errno != EAGAIN) {
				perror("bench_bgp: send");
				exit(1);
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			listener_read(l);
	}
	return -1;
}

static int
relay(const struct opts *o)
{
	struct listener *l = calloc(1, sizeof(*l));
	struct wbuf ann = { 0 }, wd = { 0 };
	struct ipaddr nh;
	double t0, t_prop, t_wd;
	long upd_ann;
	int fd;

	if (l == NULL)
		exit(1);
	l->n = o->prefixes;
	l->bits = calloc(o->prefixes / 8 + 1, 1);
	l->ctx = (struct bgp_peer_ctx){ .as4 = true,
		.ebgp = true,
		.af = { true, false },
		.local_as = o->recv_as,
		.peer_as = o->peer_as };
	/* The listener first, so that it is there when the routes come. */
	l->fd = open_session(o->connect, o->recv_from, o->recv_as, "10.255.0.3", NULL);
	fd = open_session(o->connect, NULL, o->local_as, o->id, &nh);
	build_updates(o, &nh, &ann, &wd);
	t0 = now_ms();
	t_prop = pump(o, fd, &ann, l, o->prefixes, t0);
	upd_ann = l->updates;
	t0 = now_ms();
	t_wd = t_prop < 0 ? -1 : pump(o, fd, &wd, l, 0, t0);
	printf("{\"prefixes\":%u,\"sets\":%u,\"relay\":true,\"propagate_ms\":%.1f,"
	       "\"withdraw_propagate_ms\":%.1f,\"updates_out\":%ld,\"withdraw_updates_out\":%ld}\n",
	    o->prefixes, o->sets, t_prop, t_wd, upd_ann, l->updates - upd_ann);
	fflush(stdout);
	close(fd);
	close(l->fd);
	free(l->bits);
	free(l);
	return t_prop < 0 || t_wd < 0;
}

static int
start(const struct opts *o, char **cmd)
{
	struct nl_sock *sk = nl_in_ns(o->kns);
	struct prefix want;
	double t0;
	pid_t pid;

	if (prefix_parse(o->prefix, &want, false) < 0 || want.addr.family != AF_INET)
		return 2;
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		/* Not our standard output: the shell reading it would wait for the daemon. */
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
		execvp(cmd[0], cmd);
		_exit(127);
	}
	while (now_ms() - t0 < o->timeout * 1000.0) {
		bool found = false;

		kernel_count(sk, o->kproto, &want, &found);
		if (found) {
			printf("{\"start_to_route_ms\":%.1f,\"pid\":%d}\n", now_ms() - t0,
			    (int)pid);
			return 0;
		}
		usleep(1000);
	}
	printf("{\"start_to_route_ms\":null,\"pid\":%d}\n", (int)pid);
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "local-as", required_argument, NULL, 'l' },
		{ "peer-as", required_argument, NULL, 'p' },
		{ "id", required_argument, NULL, 'i' },
		{ "prefixes", required_argument, NULL, 'n' },
		{ "sets", required_argument, NULL, 'k' },
		{ "anybgpd-ctl", required_argument, NULL, 'a' },
		{ "bird-sock", required_argument, NULL, 'b' },
		{ "kernel-ns", required_argument, NULL, 'N' },
		{ "kernel-proto", required_argument, NULL, 'P' },
		{ "prefix", required_argument, NULL, 'x' },
		{ "timeout", required_argument, NULL, 't' },
		{ "recv-from", required_argument, NULL, 'r' },
		{ "recv-as", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .local_as = 65002,
		.peer_as = 65001,
		.id = "10.255.0.2",
		.prefixes = 100000,
		.sets = 2000,
		.kproto = 186,
		.timeout = 300 };
	const char *mode;
	int c;

	if (argc < 2) {
		fprintf(stderr,
		    "usage: bench_bgp feed|relay|start OPTIONS (see tools/bench_bgp.c)\n");
		return 2;
	}
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.connect = optarg;
			break;
		case 'l':
			o.local_as = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			o.peer_as = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'i':
			o.id = optarg;
			break;
		case 'n':
			o.prefixes = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'k':
			o.sets = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'a':
			o.ctl = optarg;
			break;
		case 'b':
			o.bird = optarg;
			break;
		case 'N':
			o.kns = optarg;
			break;
		case 'P':
			o.kproto = atoi(optarg);
			break;
		case 'x':
			o.prefix = optarg;
			break;
		case 't':
			o.timeout = atoi(optarg);
			break;
		case 'r':
			o.recv_from = optarg;
			break;
		case 'R':
			o.recv_as = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	if (strcmp(mode, "relay") == 0) {
		if (o.connect == NULL || o.recv_from == NULL || o.recv_as == 0 || o.sets == 0)
			return 2;
		return relay(&o);
	}
	if (o.kns == NULL)
		return 2;
	if (strcmp(mode, "feed") == 0) {
		if (o.connect == NULL || (o.ctl == NULL && o.bird == NULL) || o.sets == 0)
			return 2;
		return feed(&o);
	}
	if (strcmp(mode, "start") == 0 && o.prefix && optind < argc)
		return start(&o, argv + optind);
	fprintf(stderr, "bench_bgp: bad arguments\n");
	return 2;
}

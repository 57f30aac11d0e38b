/*
 * BFD sessions on the event loop (see bfd.h): receive sockets, the TTL check
 * of RFC 5881 5, demultiplexing (RFC 5880 6.8.6), one sending socket per
 * session (RFC 5881 4), and the glue between the loop's timers and the state
 * machine of bfd_fsm.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "bfd.h"
#include "bfd_fsm.h"
#include "log.h"

#define DISC_BUCKETS 64	  /* power of two */
#define RX_BATCH     16	  /* datagrams read per recvmmsg call */
#define RX_ROUNDS    4	  /* calls per wake-up and socket at most */
#define RX_BUF	     256  /* Length is one octet: nothing longer is a packet */
#define TOS_CS6	     0xc0 /* network control, as routing protocols send */

struct bfd {
	struct ev_loop *loop;
	uint16_t port;
	int fd4;
	int fd6;
	struct ev_io io4;
	struct ev_io io6;
	struct bfd_session *sessions; /* all, through next */
	struct bfd_session *by_disc[DISC_BUCKETS];
	struct bfd_stats stats;
	uint32_t rng;
};

struct bfd_session {
	struct bfd *bfd;
	struct bfd_session *next;
	struct bfd_session *disc_next;
	struct bfd_session_params params;
	struct bfd_fsm fsm;
	struct ev_timer timers[BFD_TIMER_COUNT];
	bfd_notify_fn notify;
	void *arg;
	int fd;
	uint16_t src_port;
	struct ipaddr bound; /* local address of the socket, once connected */
	int busy;	     /* inside bfd_fsm_event */
	bool dead;	     /* freed while busy: destroyed when the event is over */
	bool quiet;	     /* being freed: no more callbacks */
	uint64_t pkts_in;
	uint64_t pkts_out;
	uint64_t dropped;
	uint64_t send_errors;
	int last_errno;
	int logged_errno;
	uint32_t times_up;
	uint32_t times_down;
	enum bfd_diag last_down_diag;
	char last_down_reason[96];
	uint64_t last_down_us;
	uint64_t up_since_us;
};

static void rx_ready(struct ev_loop *, struct ev_io *, uint32_t);
static void rx_packet(struct bfd *, const uint8_t *, size_t, const struct ipaddr *, int ttl);
static void session_event(struct bfd_session *, enum bfd_event, const struct bfd_ctrl *);
static void session_destroy(struct bfd_session *);
static int session_open_socket(struct bfd_session *);
static void session_close_socket(struct bfd_session *);
static void op_send(struct bfd_fsm *, const struct bfd_ctrl *);
static void op_timer_start(struct bfd_fsm *, enum bfd_timer, uint64_t);
static void op_timer_stop(struct bfd_fsm *, enum bfd_timer);
static void op_state_change(struct bfd_fsm *, enum bfd_state, enum bfd_state, enum bfd_diag);

static const struct bfd_fsm_ops session_ops = {
	.send = op_send,
	.timer_start = op_timer_start,
	.timer_stop = op_timer_stop,
	.state_change = op_state_change,
};

static const char *const drop_names[BFD_DROP_COUNT] = {
	[BFD_DROP_MALFORMED] = "malformed",
	[BFD_DROP_TTL] = "ttl",
	[BFD_DROP_NO_SESSION] = "no-session",
	[BFD_DROP_WRONG_SOURCE] = "wrong-source",
	[BFD_DROP_SESSION] = "session",
};

const char *
bfd_drop_name(enum bfd_drop d)
{
	return (unsigned)d < BFD_DROP_COUNT ? drop_names[d] : "?";
}

static uint32_t
bfd_random(struct bfd *b)
{
	uint32_t x = b->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	b->rng = x;
	return x;
}

/* ---- receive side ---- */

static int
open_rx_socket(int family, uint16_t port)
{
	struct sockaddr_storage ss;
	struct ipaddr any = { .family = family };
	unsigned sl;
	int fd, one = 1, e;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) < 0)
			goto fail;
	} else if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0) {
		goto fail;
	}
	ipaddr_to_sockaddr(&any, port, &ss, &sl);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

struct bfd *
bfd_open(struct ev_loop *loop, uint16_t listen_port)
{
	struct bfd *b;
	int e4 = 0;

	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return NULL;
	b->loop = loop;
	b->port = listen_port ? listen_port : BFD_PORT;
	if (getrandom(&b->rng, sizeof(b->rng), 0) != (ssize_t)sizeof(b->rng))
		b->rng = (uint32_t)ev_clock_us() ^ (uint32_t)getpid();
	if (b->rng == 0)
		b->rng = 0x2545f491u;

	b->fd4 = open_rx_socket(AF_INET, b->port);
	if (b->fd4 < 0)
		e4 = errno;
	b->fd6 = open_rx_socket(AF_INET6, b->port);
	if (b->fd6 < 0 && b->fd4 >= 0)
		log_warn("bfd: no IPv6 socket on port %u (%s); IPv4 only", b->port,
		    strerror(errno));
	if (b->fd4 < 0 && b->fd6 < 0) {
		free(b);
		errno = e4;
		return NULL;
	}
	if (b->fd4 >= 0) {
		ev_io_init(&b->io4, b->fd4, rx_ready, b);
		if (ev_io_start(loop, &b->io4, EPOLLIN) < 0)
			goto fail;
	}
	if (b->fd6 >= 0) {
		ev_io_init(&b->io6, b->fd6, rx_ready, b);
		if (ev_io_start(loop, &b->io6, EPOLLIN) < 0)
			goto fail;
	}
	return b;
fail:
	e4 = errno;
	if (b->fd4 >= 0) {
		ev_io_stop(loop, &b->io4);
		close(b->fd4);
	}
	if (b->fd6 >= 0) {
		ev_io_stop(loop, &b->io6);
		close(b->fd6);
	}
	free(b);
	errno = e4;
	return NULL;
}

void
bfd_close(struct bfd *b)
{
	if (b == NULL)
		return;
	while (b->sessions != NULL)
		session_destroy(b->sessions);
	if (b->fd4 >= 0) {
		ev_io_stop(b->loop, &b->io4);
		close(b->fd4);
	}
	if (b->fd6 >= 0) {
		ev_io_stop(b->loop, &b->io6);
		close(b->fd6);
	}
	free(b);
}

void
bfd_get_stats(const struct bfd *b, struct bfd_stats *st)
{
	*st = b->stats;
}

/*
 * The datagrams waiting, RX_BATCH at a time through recvmmsg, at most
 * RX_ROUNDS batches before the loop serves others: a wake-up with one
 * packet costs one call, not a second one to hear EAGAIN.
 */
static void
rx_ready(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct bfd *b = io->arg;
	uint8_t buf[RX_BATCH][RX_BUF];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int)) * 4];
	} ctl[RX_BATCH];
	struct sockaddr_storage ss[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct mmsghdr m[RX_BATCH];
	int n;

	for (int round = 0; round < RX_ROUNDS; round++) {
		for (int i = 0; i < RX_BATCH; i++) {
			iov[i] = (struct iovec){ .iov_base = buf[i], .iov_len = RX_BUF };
			m[i].msg_hdr = (struct msghdr){
				.msg_name = &ss[i],
				.msg_namelen = sizeof(ss[i]),
				.msg_iov = &iov[i],
				.msg_iovlen = 1,
				.msg_control = ctl[i].buf,
				.msg_controllen = sizeof(ctl[i].buf),
			};
		}
		n = recvmmsg(io->fd, m, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* EAGAIN: drained */
		for (int i = 0; i < n; i++) {
			struct cmsghdr *c;
			struct ipaddr src;
			int ttl = -1;

			b->stats.rx++;
			for (c = CMSG_FIRSTHDR(&m[i].msg_hdr); c != NULL;
			     c = CMSG_NXTHDR(&m[i].msg_hdr, c)) {
				if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
				    (c->cmsg_level == IPPROTO_IPV6 &&
					c->cmsg_type == IPV6_HOPLIMIT))
					memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
			}
			if (ipaddr_from_sockaddr(&src, NULL, (struct sockaddr *)&ss[i]) < 0) {
				b->stats.drop[BFD_DROP_NO_SESSION]++;
				continue;
			}
			rx_packet(b, buf[i], m[i].msg_len, &src, ttl);
		}
		if (n < RX_BATCH)
			return;
	}
}

static struct bfd_session *
find_by_disc(struct bfd *b, uint32_t disc)
{
	struct bfd_session *s;

	for (s = b->by_disc[disc & (DISC_BUCKETS - 1)]; s != NULL; s = s->disc_next)
		if (s->fsm.local_disc == disc)
			return s;
	return NULL;
}

static struct bfd_session *
find_by_remote(struct bfd *b, const struct ipaddr *remote)
{
	struct bfd_session *s;

	for (s = b->sessions; s != NULL; s = s->next)
		if (!s->dead && ipaddr_eq(&s->params.remote, remote))
			return s;
	return NULL;
}

/* RFC 5880 6.8.6: by Your Discriminator, or by source when it is zero. */
static struct bfd_session *
demux(struct bfd *b, const struct bfd_ctrl *c, const struct ipaddr *src, enum bfd_drop *why)
{
	struct bfd_session *s;

	*why = BFD_DROP_NO_SESSION;
	if (c->your_disc == 0)
		return find_by_remote(b, src);
	s = find_by_disc(b, c->your_disc);
	if (s == NULL || s->dead)
		return NULL;
	if (!ipaddr_eq(&s->params.remote, src)) {
		*why = BFD_DROP_WRONG_SOURCE;
		return NULL;
	}
	return s;
}

static void
rx_packet(struct bfd *b, const uint8_t *buf, size_t len, const struct ipaddr *src, int ttl)
{
	struct bfd_ctrl c;
	struct bfd_session *s;
	enum bfd_pkt_err err;
	enum bfd_drop why;

	err = bfd_ctrl_decode(buf, len, &c);
	if (ttl != BFD_TTL) {
		/* RFC 5881 5: not from a directly connected system. */
		b->stats.drop[BFD_DROP_TTL]++;
		if (err == BFD_PKT_OK && (s = demux(b, &c, src, &why)) != NULL)
			s->dropped++;
		return;
	}
	if (err != BFD_PKT_OK) {
		b->stats.drop[BFD_DROP_MALFORMED]++;
		b->stats.malformed[err]++;
		return;
	}
	s = demux(b, &c, src, &why);
	if (s == NULL) {
		b->stats.drop[why]++;
		return;
	}
	session_event(s, BFD_EV_RX, &c);
}

/* ---- sessions ---- */

static void
timer_fired(struct ev_loop *loop, struct ev_timer *t)
{
	struct bfd_session *s = t->arg;

	session_event(s, t == &s->timers[BFD_T_TX] ? BFD_EV_TX_EXPIRED : BFD_EV_DETECT_EXPIRED,
	    NULL);
}

/* Runs one event; a session freed from its callback is destroyed after it. */
static void
session_event(struct bfd_session *s, enum bfd_event ev, const struct bfd_ctrl *pkt)
{
	int r;

	s->busy++;
	r = bfd_fsm_event(&s->fsm, ev, pkt);
	if (ev == BFD_EV_RX) {
		if (r < 0) {
			s->dropped++;
			s->bfd->stats.drop[BFD_DROP_SESSION]++;
		} else {
			s->pkts_in++;
			s->bfd->stats.accepted++;
		}
	}
	s->busy--;
	if (s->dead && s->busy == 0)
		session_destroy(s);
}

static void
note_errno(struct bfd_session *s, const char *what, int e)
{
	char ra[IPADDR_STRLEN];

	s->last_errno = e;
	if (e == s->logged_errno)
		return; /* once per kind of trouble, not per packet */
	s->logged_errno = e;
	log_warn("bfd %s: %s: %s", ipaddr_ntop(&s->params.remote, ra, sizeof(ra)), what,
	    strerror(e));
}

static int
bind_source_port(struct bfd_session *s, int fd)
{
	struct sockaddr_storage ss;
	struct ipaddr local = s->params.local;
	unsigned sl;
	uint16_t port = s->src_port;

	if (local.family == 0)
		local.family = s->params.remote.family;
	for (int tries = 0; tries < 64; tries++) {
		if (port == 0)
			port = (uint16_t)(BFD_SRC_PORT_MIN +
			    bfd_random(s->bfd) % (BFD_SRC_PORT_MAX - BFD_SRC_PORT_MIN + 1));
		ipaddr_to_sockaddr(&local, port, &ss, &sl);
		if (bind(fd, (struct sockaddr *)&ss, sl) == 0) {
			s->src_port = port;
			return 0;
		}
		if (errno != EADDRINUSE)
			return -1;
		port = 0;
	}
	return -1;
}

/* RFC 5881 4: own source port, TTL 255, connected to the peer. */
static int
session_open_socket(struct bfd_session *s)
{
	const struct bfd_session_params *p = &s->params;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	unsigned sl;
	int fd, ttl = BFD_TTL, tos = TOS_CS6, e;

	fd = socket(p->remote.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		note_errno(s, "socket", errno);
		return -1;
	}
	if (p->remote.family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) < 0)
			goto fail;
		setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	} else {
		if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0)
			goto fail;
		setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	}
	if (bind_source_port(s, fd) < 0)
		goto fail;
	ipaddr_to_sockaddr(&p->remote, p->remote_port ? p->remote_port : BFD_PORT, &ss, &sl);
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0)
		goto fail;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		ipaddr_from_sockaddr(&s->bound, NULL, (struct sockaddr *)&ss);
	s->fd = fd;
	s->last_errno = 0;
	s->logged_errno = 0;
	return 0;
fail:
	e = errno;
	close(fd);
	note_errno(s, "cannot open the sending socket", e);
	errno = e;
	return -1;
}

static void
session_close_socket(struct bfd_session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	memset(&s->bound, 0, sizeof(s->bound));
}

static struct bfd_session *
fsm_session(struct bfd_fsm *f)
{
	return f->arg;
}

static void
op_send(struct bfd_fsm *f, const struct bfd_ctrl *c)
{
	struct bfd_session *s = fsm_session(f);
	uint8_t buf[BFD_CTRL_LEN];
	struct wire_wr w;

	if (s->fd < 0 && session_open_socket(s) < 0) {
		s->send_errors++;
		return;
	}
	wire_wr_init(&w, buf, sizeof(buf));
	if (bfd_ctrl_encode(&w, c) < 0)
		return;
	/*
	 * A connected UDP socket reports an ICMP error queued by an earlier
	 * packet (port unreachable while the peer's daemon was not yet up) on
	 * the next send, which then sends nothing: once reported, it is gone, so
	 * send again rather than lose the packet of a state change.
	 */
	if (send(s->fd, buf, w.len, 0) < 0 &&
	    (errno != ECONNREFUSED || send(s->fd, buf, w.len, 0) < 0)) {
		/*
		 * ENETUNREACH, EHOSTUNREACH, ENOBUFS, ECONNREFUSED (an ICMP
		 * error queued by an earlier packet), EPERM (a firewall): the
		 * packet is lost and the peer's detection time will tell.
		 */
		s->send_errors++;
		note_errno(s, "send", errno);
		return;
	}
	s->pkts_out++;
	if (s->last_errno != 0) {
		s->last_errno = 0;
		s->logged_errno = 0;
	}
}

static void
op_timer_start(struct bfd_fsm *f, enum bfd_timer t, uint64_t us)
{
	struct bfd_session *s = fsm_session(f);

	ev_timer_start(s->bfd->loop, &s->timers[t], us);
}

static void
op_timer_stop(struct bfd_fsm *f, enum bfd_timer t)
{
	struct bfd_session *s = fsm_session(f);

	ev_timer_stop(s->bfd->loop, &s->timers[t]);
}

/* The short text of bfd_session_info.last_down_reason. */
static void
down_reason(const struct bfd_session *s, enum bfd_diag diag, char *buf, size_t len)
{
	const struct bfd_fsm *f = &s->fsm;

	switch (diag) {
	case BFD_DIAG_TIME_EXPIRED:
		snprintf(buf, len, "%s: nothing heard for %.1f ms", bfd_diag_name(diag),
		    (double)f->detect_time / 1000.0);
		break;
	case BFD_DIAG_NEIGHBOR_DOWN:
		snprintf(buf, len, "%s: the peer sent %s (its diag: %s)", bfd_diag_name(diag),
		    bfd_state_name(f->remote_state), bfd_diag_name(f->remote_diag));
		break;
	case BFD_DIAG_ADMIN_DOWN:
		snprintf(buf, len, "%s: disabled here", bfd_diag_name(diag));
		break;
	case BFD_DIAG_PATH_DOWN:
		snprintf(buf, len, "%s: the interface towards the peer is gone",
		    bfd_diag_name(diag));
		break;
	default:
		snprintf(buf, len, "%s", bfd_diag_name(diag));
		break;
	}
}

static void
op_state_change(struct bfd_fsm *f, enum bfd_state from, enum bfd_state to, enum bfd_diag diag)
{
	struct bfd_session *s = fsm_session(f);
	uint64_t now = ev_now_us(s->bfd->loop);
	char ra[IPADDR_STRLEN];

	if (to == BFD_UP) {
		s->times_up++;
		s->up_since_us = now;
	} else if (from == BFD_UP) {
		s->times_down++;
		s->up_since_us = 0;
	}
	if ((to == BFD_DOWN || to == BFD_ADMIN_DOWN) && from != BFD_DOWN &&
	    from != BFD_ADMIN_DOWN) {
		s->last_down_diag = diag;
		s->last_down_us = now;
		down_reason(s, diag, s->last_down_reason, sizeof(s->last_down_reason));
	}
	if (s->quiet)
		return;
	if (to == BFD_UP || from == BFD_UP)
		log_info("bfd %s: %s -> %s (%s)", ipaddr_ntop(&s->params.remote, ra, sizeof(ra)),
		    bfd_state_name(from), bfd_state_name(to),
		    to == BFD_UP ? "up" : s->last_down_reason);
	if (s->notify)
		s->notify(s->arg, s, from, to, diag);
}

static bool
timers_valid(uint32_t tx, uint32_t rx, uint8_t mult)
{
	return tx >= BFD_MIN_INTERVAL_US && rx >= BFD_MIN_INTERVAL_US && mult >= 1;
}

static uint32_t
new_discriminator(struct bfd *b)
{
	uint32_t d;

	do
		d = bfd_random(b);
	while (d == 0 || find_by_disc(b, d) != NULL);
	return d;
}

struct bfd_session *
bfd_session_new(struct bfd *b, const struct bfd_session_params *p, bfd_notify_fn notify, void *arg)
{
	struct bfd_session *s;
	unsigned bucket;

	if ((p->remote.family != AF_INET && p->remote.family != AF_INET6) ||
	    (p->local.family != 0 && p->local.family != p->remote.family) ||
	    !timers_valid(p->min_tx_us, p->min_rx_us, p->multiplier)) {
		errno = EINVAL;
		return NULL;
	}
	if ((p->remote.family == AF_INET ? b->fd4 : b->fd6) < 0) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (find_by_remote(b, &p->remote) != NULL) {
		errno = EEXIST;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->bfd = b;
	s->params = *p;
	s->notify = notify;
	s->arg = arg;
	s->fd = -1;
	for (int t = 0; t < BFD_TIMER_COUNT; t++)
		ev_timer_init(&s->timers[t], timer_fired, s);

	s->fsm.local_disc = new_discriminator(b);
	s->fsm.conf_tx = p->min_tx_us;
	s->fsm.conf_rx = p->min_rx_us;
	s->fsm.conf_mult = p->multiplier;
	s->fsm.rng = bfd_random(b) | 1;
	bfd_fsm_init(&s->fsm, &session_ops, s);

	bucket = s->fsm.local_disc & (DISC_BUCKETS - 1);
	s->disc_next = b->by_disc[bucket];
	b->by_disc[bucket] = s;
	s->next = b->sessions;
	b->sessions = s;

	(void)session_open_socket(s); /* failures are retried at each send */
	session_event(s, BFD_EV_START, NULL);
	return s;
}

static void
session_unlink(struct bfd_session *s)
{
	struct bfd *b = s->bfd;
	struct bfd_session **pp;

	for (pp = &b->sessions; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	for (pp = &b->by_disc[s->fsm.local_disc & (DISC_BUCKETS - 1)]; *pp != NULL;
	     pp = &(*pp)->disc_next)
		if (*pp == s) {
			*pp = s->disc_next;
			break;
		}
}

static void
session_destroy(struct bfd_session *s)
{
	s->quiet = true;
	/* Tell the peer (RFC 5880 6.8.16), so that it does not wait out a detection time. */
	if (s->fsm.started && !s->fsm.path_down && s->fd >= 0)
		bfd_fsm_event(&s->fsm, BFD_EV_ADMIN_DOWN, NULL);
	for (int t = 0; t < BFD_TIMER_COUNT; t++)
		ev_timer_stop(s->bfd->loop, &s->timers[t]);
	session_close_socket(s);
	session_unlink(s);
	free(s);
}

void
bfd_session_free(struct bfd_session *s)
{
	if (s == NULL || s->dead)
		return;
	s->quiet = true;
	if (s->busy) {
		s->dead = true;
		return;
	}
	session_destroy(s);
}

int
bfd_session_set_timers(struct bfd_session *s, uint32_t min_tx_us, uint32_t min_rx_us,
    uint8_t multiplier)
{
	if (!timers_valid(min_tx_us, min_rx_us, multiplier))
		return -EINVAL;
	s->params.min_tx_us = min_tx_us;
	s->params.min_rx_us = min_rx_us;
	s->params.multiplier = multiplier;
	s->fsm.conf_tx = min_tx_us;
	s->fsm.conf_rx = min_rx_us;
	s->fsm.conf_mult = multiplier;
	session_event(s, BFD_EV_TIMERS, NULL);
	return 0;
}

void
bfd_session_admin(struct bfd_session *s, bool admin_down)
{
	session_event(s, admin_down ? BFD_EV_ADMIN_DOWN : BFD_EV_ADMIN_UP, NULL);
}

void
bfd_session_path_down(struct bfd_session *s)
{
	if (s->fsm.path_down)
		return;
	session_close_socket(s);
	session_event(s, BFD_EV_PATH_DOWN, NULL);
}

void
bfd_session_path_up(struct bfd_session *s)
{
	if (!s->fsm.path_down)
		return;
	if (s->fd < 0)
		(void)session_open_socket(s); /* else retried at each send */
	session_event(s, BFD_EV_PATH_UP, NULL);
}

enum bfd_state
bfd_session_state(const struct bfd_session *s)
{
	return s->fsm.state;
}

void
bfd_session_get_info(const struct bfd_session *s, struct bfd_session_info *in)
{
	const struct bfd_fsm *f = &s->fsm;

	memset(in, 0, sizeof(*in));
	in->remote = s->params.remote;
	in->remote_port = s->params.remote_port ? s->params.remote_port : BFD_PORT;
	in->local = s->bound.family ? s->bound : s->params.local;
	in->src_port = s->fd >= 0 ? s->src_port : 0;
	in->state = f->state;
	in->remote_state = f->remote_state;
	in->local_disc = f->local_disc;
	in->remote_disc = f->remote_disc;
	in->local_diag = (enum bfd_diag)f->diag;
	in->remote_diag = f->remote_diag;
	in->conf_min_tx_us = s->params.min_tx_us;
	in->conf_min_rx_us = s->params.min_rx_us;
	in->conf_mult = s->params.multiplier;
	in->desired_min_tx_us = f->desired_tx;
	in->required_min_rx_us = f->required_rx;
	in->remote_desired_min_tx_us = f->remote_desired_tx;
	in->remote_required_min_rx_us = f->remote_min_rx;
	in->remote_mult = f->remote_mult;
	in->tx_interval_us = f->tx_interval;
	in->detect_time_us = f->detect_time;
	in->rx_interval_us = f->remote_mult ? f->detect_time / f->remote_mult : 0;
	in->poll = f->poll;
	in->path_down = f->path_down;
	in->pkts_in = s->pkts_in;
	in->pkts_out = s->pkts_out;
	in->dropped = s->dropped;
	in->send_errors = s->send_errors;
	in->last_errno = s->last_errno;
	in->times_up = s->times_up;
	in->times_down = s->times_down;
	in->last_down_diag = s->last_down_diag;
	snprintf(in->last_down_reason, sizeof(in->last_down_reason), "%s", s->last_down_reason);
	in->last_down_us = s->last_down_us;
	in->up_since_us = s->up_since_us;
}

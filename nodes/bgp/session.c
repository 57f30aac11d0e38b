/*
 * Sessions: the TCP side of every peer and the glue between sockets,
 * messages and the FSM (fsm.c). RFC 4271 section 8 (the FSM's actions:
 * connect, listen, timers, OPEN/KEEPALIVE/NOTIFICATION), 6.8 (connection
 * collision detection: a second connection is kept apart as "pending" until
 * its OPEN tells the peer's BGP Identifier, then one of the two is closed
 * with Cease / Connection Collision Resolution), 4.2 and RFC 5492 (OPEN and
 * capabilities, through bgp_msg.c), RFC 2918 (ROUTE-REFRESH), and the import
 * half of UPDATE processing (9.1.1 input: Adj-RIB-In after import policy).
 * The sockets' protections: RFC 2385 TCP MD5 signatures and RFC 5082 GTSM
 * (TTL 255 out, nothing below 255 in, on connecting, listening and accepted
 * sockets; see gtsm_listen()).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "adv.h"
#include "bgpd.h"
#include "detect.h"
#include "log.h"
#include "policy.h"
#include "strbuf.h"

#define RBUF_SIZE	 (64 * 1024)
#define WBUF_BUSY	 (256 * 1024)
#define READ_PAUSE_DIRTY 262144

static void conn_io_cb(struct ev_loop *, struct ev_io *, uint32_t);
static void conn_close(struct bgp_conn *);
static void handle_msg(struct bgp_peer *, struct bgp_conn *, uint8_t type, const uint8_t *, size_t);
static void msg_error(struct bgp_peer *, struct bgp_conn *, const struct bgp_err *);
static void pending_msg(struct bgp_peer *, struct bgp_conn *, uint8_t type, const uint8_t *,
    size_t);
static void adopt_pending(struct bgp_peer *);
static void process_open(struct bgp_peer *);
static int conn_write(struct bgp_conn *, const void *, size_t);

/* Closed connections are freed from the flush timer, never inside their own callback. */
static struct bgp_conn *dead_conns[64];
static size_t ndead;

static void
peer_event(struct bgp_peer *p, enum bgp_event ev)
{
	bgp_fsm_event(&p->fsm, ev);
}

static void set_last_error(struct bgp_peer *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_last_error(struct bgp_peer *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->last_error, sizeof(p->last_error), fmt, ap);
	va_end(ap);
}

/* ---- connections ---- */

static struct bgp_conn *
conn_new(struct bgp_peer *p, int fd, bool outgoing)
{
	struct bgp_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->outgoing = outgoing;
	c->peer = p;
	c->rcap = RBUF_SIZE;
	c->rbuf = malloc(c->rcap);
	if (c->rbuf == NULL) {
		free(c);
		return NULL;
	}
	ev_io_init(&c->io, fd, conn_io_cb, c);
	return c;
}

static void
conn_fill_addrs(struct bgp_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint16_t port;

	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == 0)
		ipaddr_from_sockaddr(&c->local, &port, (struct sockaddr *)&ss);
	sl = sizeof(ss);
	if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) == 0)
		ipaddr_from_sockaddr(&c->remote, &port, (struct sockaddr *)&ss);
}

static void
sock_options(int fd, int family)
{
	int one = 1, tos = 0xc0; /* CS6, network control */

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
}

/*
 * TCP MD5 signatures (RFC 2385) for peer p on socket fd: on the connecting
 * socket before connect(), on the listening socket for accepted ones.
 */
static int
md5_key(int fd, const struct bgp_peer_config *pc)
{
	struct tcp_md5sig sig;
	unsigned sl;

	if (pc->password == NULL)
		return 0;
	memset(&sig, 0, sizeof(sig));
	ipaddr_to_sockaddr(&pc->addr, 0, &sig.tcpm_addr, &sl);
	sig.tcpm_keylen = (uint16_t)strlen(pc->password);
	memcpy(sig.tcpm_key, pc->password, sig.tcpm_keylen);
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof(sig));
}

/*
 * GTSM (RFC 5082 3) for single-hop sessions: our packets leave with TTL (hop
 * limit) 255 and the kernel drops the peer's arriving with less, which only a
 * directly connected sender can achieve. on false puts the kernel's default
 * TTL back (an accepted socket inherits the listener's 255).
 */
#define GTSM_TTL 255

static int
gtsm_send_ttl(int fd, int family, bool on)
{
	int ttl = on ? GTSM_TTL : -1;

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
}

static int
gtsm_set(int fd, int family, bool on)
{
	int min = GTSM_TTL;

	if (!on)
		return gtsm_send_ttl(fd, family, false);
	if (gtsm_send_ttl(fd, family, true) < 0)
		return -1;
	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_MINTTL, &min, sizeof(min));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &min, sizeof(min));
}

/*
 * The TTL (hop limit) of the SYN that opened accepted socket fd, from the
 * headers the listener saved (TCP_SAVE_SYN): -1 when none were saved.
 */
static int
gtsm_syn_ttl(int fd)
{
	uint8_t hdr[512];
	socklen_t len = sizeof(hdr);
	struct wire_rd r;
	uint8_t v;

	if (getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, hdr, &len) < 0)
		return -1;
	wire_rd_init(&r, hdr, len);
	v = wire_u8(&r) >> 4;
	if (v == 4)
		wire_skip(&r, 7); /* TOS, length, id, fragment: the TTL is octet 8 */
	else if (v == 6)
		wire_skip(&r, 6); /* class, flow label, length, next header: octet 7 */
	else
		return -1;
	v = wire_u8(&r);
	return r.err == WIRE_OK ? v : -1;
}

/*
 * GTSM on a listening socket (one per family, shared by every peer of that
 * family). When any of them has ttl_security, SYN-ACKs leave with TTL 255
 * (accepted sockets inherit it; the others get the default back). When all of
 * them have it, the listener itself has the minimum: the kernel drops a SYN
 * below it before answering (counted as TcpExtTCPMinTTLDrop), and the peer's
 * connect() sees no reply. Otherwise the listener keeps the SYN's headers
 * and accept_cb() refuses (RST) a GTSM peer's connection whose SYN came with
 * less; later segments are held to the minimum on the accepted socket.
 */
static int
gtsm_listen(struct bgpd *d, int idx, int family)
{
	int l = d->listen_fd[idx], one = 1;
	size_t n = 0, on = 0;

	if (l < 0)
		return 0;
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->conf->addr.family == family) {
			n++;
			on += d->peers[i]->conf->ttl_security;
		}
	if (on == 0)
		return 0;
	if (on == n)
		return gtsm_set(l, family, true);
	d->gtsm_save_syn[idx] = true;
	if (setsockopt(l, IPPROTO_TCP, TCP_SAVE_SYN, &one, sizeof(one)) < 0)
		return -1;
	return gtsm_send_ttl(l, family, true);
}

/* Best effort: push what is buffered, then close. */
static void
conn_close(struct bgp_conn *c)
{
	if (c == NULL || c->fd < 0)
		return;
	if (c->wlen > c->woff)
		(void)send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
	ev_io_stop(c->peer->d->loop, &c->io);
	close(c->fd);
	c->fd = -1;
	c->rlen = 0;
	c->wlen = c->woff = 0;
	if (ndead < sizeof(dead_conns) / sizeof(dead_conns[0])) {
		dead_conns[ndead++] = c;
	} else {
		/* Never expected; leak rather than free under a running callback. */
		log_warn("too many closed connections pending release");
	}
	bgpd_schedule_flush(c->peer->d);
}

static void
conns_reap(void)
{
	for (size_t i = 0; i < ndead; i++) {
		free(dead_conns[i]->rbuf);
		free(dead_conns[i]->wbuf);
		free(dead_conns[i]);
	}
	ndead = 0;
}

static int
conn_write(struct bgp_conn *c, const void *data, size_t len)
{
	const uint8_t *d = data;

	if (c == NULL || c->fd < 0 || c->connecting)
		return -1;
	if (c->wlen == c->woff) {
		ssize_t n;

		c->wlen = c->woff = 0;
		n = send(c->fd, d, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				return -1; /* the read side reports the failure */
			n = 0;
		}
		d += n;
		len -= (size_t)n;
		if (len == 0)
			return 0;
	}
	if (c->wlen + len > c->wcap) {
		size_t cap = c->wcap ? c->wcap : 16384;
		uint8_t *nb;

		if (c->woff > 0) {
			memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
			c->wlen -= c->woff;
			c->woff = 0;
		}
		while (cap < c->wlen + len)
			cap *= 2;
		if (cap != c->wcap) {
			nb = realloc(c->wbuf, cap);
			if (nb == NULL)
				return -1;
			c->wbuf = nb;
			c->wcap = cap;
		}
	}
	memcpy(c->wbuf + c->wlen, d, len);
	c->wlen += len;
	ev_io_modify(c->peer->d->loop, &c->io, EPOLLIN | EPOLLOUT);
	return 0;
}

int
session_send(struct bgp_peer *p, const void *data, size_t len)
{
	if (conn_write(p->conn, data, len) < 0)
		return -1;
	p->st.msgs_out++;
	return 0;
}

bool
session_write_busy(const struct bgp_peer *p)
{
	return p->conn == NULL || p->conn->wlen - p->conn->woff > WBUF_BUSY;
}

static void
conn_send_notification(struct bgp_peer *p, struct bgp_conn *c, uint8_t code, uint8_t sub,
    const void *data, size_t len)
{
	uint8_t buf[BGP_MAX_MSG];
	struct wire_wr w;

	wire_wr_init(&w, buf, sizeof(buf));
	if (bgp_notification_write(&w, code, sub, data, len) == 0 &&
	    conn_write(c, buf, w.len) == 0) {
		p->st.notifications_out++;
		p->st.msgs_out++;
	}
}

/* ---- FSM operations ---- */

static struct bgp_peer *
fsm_peer(struct bgp_fsm *f)
{
	return f->arg;
}

static void
op_timer_start(struct bgp_fsm *f, enum bgp_timer t, unsigned sec)
{
	struct bgp_peer *p = fsm_peer(f);
	uint64_t us = EV_SEC(sec);

	/* Idle hold of the first start and zero timers fire at once. */
	ev_timer_start(p->d->loop, &p->timers[t], us);
}

static void
op_timer_stop(struct bgp_fsm *f, enum bgp_timer t)
{
	struct bgp_peer *p = fsm_peer(f);

	ev_timer_stop(p->d->loop, &p->timers[t]);
}

static void
op_connect(struct bgp_fsm *f)
{
	struct bgp_peer *p = fsm_peer(f);
	struct sockaddr_storage ss;
	unsigned sl;
	struct bgp_conn *c;
	int fd;

	if (p->conn)
		conn_close(p->conn);
	p->conn = NULL;
	if (detect_peer_blocked(p, p->last_error, sizeof(p->last_error))) {
		/* Stay in Connect: a detector's up report connects at once. */
		log_debug("peer %s: not connecting: %s", p->name, p->last_error);
		return;
	}
	fd = socket(p->conf->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_last_error(p, "socket: %s", strerror(errno));
		return;
	}
	sock_options(fd, p->conf->addr.family);
	if (md5_key(fd, p->conf) < 0) {
		set_last_error(p, "TCP MD5 signature: %s", strerror(errno));
		log_err("peer %s: cannot set the TCP MD5 key: %s", p->name, strerror(errno));
		close(fd);
		return;
	}
	if (p->conf->ttl_security && gtsm_set(fd, p->conf->addr.family, true) < 0) {
		set_last_error(p, "GTSM (IP_MINTTL): %s", strerror(errno));
		log_err("peer %s: cannot set GTSM: %s", p->name, strerror(errno));
		close(fd);
		return;
	}
	if (p->conf->local_addr.family) {
		ipaddr_to_sockaddr(&p->conf->local_addr, 0, &ss, &sl);
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
			set_last_error(p, "bind to local_address: %s", strerror(errno));
			close(fd);
			return;
		}
	}
	ipaddr_to_sockaddr(&p->conf->addr, p->conf->port, &ss, &sl);
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		/* Stay in Connect: the ConnectRetry timer tries again. */
		set_last_error(p, "connect: %s", strerror(errno));
		log_debug("peer %s: connect: %s", p->name, strerror(errno));
		close(fd);
		return;
	}
	c = conn_new(p, fd, true);
	if (c == NULL) {
		close(fd);
		return;
	}
	c->connecting = true;
	if (ev_io_start(p->d->loop, &c->io, EPOLLOUT) < 0) {
		close(fd);
		free(c->rbuf);
		free(c);
		return;
	}
	p->conn = c;
}

static void
op_close(struct bgp_fsm *f)
{
	struct bgp_peer *p = fsm_peer(f);

	conn_close(p->conn);
	p->conn = NULL;
}

static void
local_open(struct bgp_peer *p, struct bgp_open *o)
{
	bool af[BGP_AF_COUNT] = { p->conf->ipv4, p->conf->ipv6 };

	bgp_open_init(o, p->d->cfg.asn, (uint16_t)p->conf->hold_time,
	    ntohl(p->d->cfg.router_id.v4.s_addr), af);
}

static void
send_open_on(struct bgp_peer *p, struct bgp_conn *c)
{
	uint8_t buf[BGP_MAX_MSG];
	struct bgp_open o;
	struct wire_wr w;

	if (c == NULL || c->open_sent)
		return;
	local_open(p, &o);
	wire_wr_init(&w, buf, sizeof(buf));
	if (bgp_open_write(&w, &o) < 0) {
		log_err("peer %s: OPEN does not fit a message", p->name);
		return;
	}
	if (conn_write(c, buf, w.len) == 0) {
		p->st.msgs_out++;
		c->open_sent = true;
	}
}

static void
op_send_open(struct bgp_fsm *f)
{
	struct bgp_peer *p = fsm_peer(f);

	send_open_on(p, p->conn);
}

static void
op_send_keepalive(struct bgp_fsm *f)
{
	struct bgp_peer *p = fsm_peer(f);
	uint8_t buf[BGP_KEEPALIVE_LEN];
	struct wire_wr w;

	wire_wr_init(&w, buf, sizeof(buf));
	bgp_keepalive_write(&w);
	if (session_send(p, buf, w.len) == 0)
		p->st.keepalives_out++;
}

static void
op_send_notification(struct bgp_fsm *f, uint8_t code, uint8_t sub)
{
	struct bgp_peer *p = fsm_peer(f);
	const uint8_t *data = NULL;
	size_t len = 0;
	struct strbuf sb = STRBUF_INIT;

	if (code == f->err_code && sub == f->err_subcode) {
		data = f->err_data;
		len = f->err_len;
	}
	if (p->conn == NULL || p->conn->fd < 0)
		return;
	bgp_notification_describe(&sb, code, sub, data, len);
	set_last_error(p, "sent NOTIFICATION %s", sb_str(&sb));
	log_info("peer %s: sending NOTIFICATION %s", p->name, sb_str(&sb));
	sb_free(&sb);
	conn_send_notification(p, p->conn, code, sub, data, len);
	f->err_code = f->err_subcode = 0;
	f->err_data = NULL;
	f->err_len = 0;
}

static void
op_established(struct bgp_fsm *f)
{
	struct bgp_peer *p = fsm_peer(f);
	struct strbuf sb = STRBUF_INIT;

	p->st.established++;
	p->established_wall = (uint64_t)time(NULL);
	/* last_error stays: what ended the previous session (FRR's "last reset"). */
	p->max_prefix_down = false;
	p->unnegotiated_logged = false;
	bgp_caps_print(&sb, &p->conn->open.caps);
	log_info("peer %s: session established (AS %u, id %u.%u.%u.%u, hold %u s, %s)", p->name,
	    p->ctx.peer_as, p->remote_id >> 24, (p->remote_id >> 16) & 255,
	    (p->remote_id >> 8) & 255, p->remote_id & 255, p->fsm.hold, sb_str(&sb));
	sb_free(&sb);
	adv_peer_up(p);
	bgpd_schedule_flush(p->d);
}

static void
op_down(struct bgp_fsm *f)
{
	struct bgp_peer *p = fsm_peer(f);
	size_t n;

	p->st.flaps++;
	p->established_wall = 0;
	n = rib_withdraw_source(p->d->rib, &p->src);
	import_peer_down(p);
	adv_peer_down(p);
	log_info("peer %s: session down, %zu routes withdrawn%s%s", p->name, n,
	    p->last_error[0] ? ": " : "", p->last_error);
	bgpd_schedule_flush(p->d);
}

static void
op_state_change(struct bgp_fsm *f, enum bgp_state from, enum bgp_event ev)
{
	struct bgp_peer *p = fsm_peer(f);

	p->state_since_us = ev_now_us(p->d->loop);
	log_info("peer %s: %s -> %s (%s)", p->name, bgp_state_name(from), bgp_state_name(f->state),
	    bgp_event_name(ev));
	if (f->state == BGP_IDLE && ev_timer_armed(&p->timers[BGP_T_IDLE_HOLD]))
		snprintf(p->backoff_reason, sizeof(p->backoff_reason), "%s",
		    p->last_error[0] ? p->last_error : bgp_event_name(ev));
	else if (f->state != BGP_IDLE)
		p->backoff_reason[0] = '\0';
	detect_peer_state(p, from, f->state);
	if (f->state == BGP_IDLE || f->state == BGP_ACTIVE || f->state == BGP_CONNECT) {
		/* A collision candidate has nothing to collide with any more. */
		if (p->pending && f->state == BGP_IDLE) {
			conn_close(p->pending);
			p->pending = NULL;
		}
	}
}

static const struct bgp_fsm_ops session_fsm_ops = {
	.timer_start = op_timer_start,
	.timer_stop = op_timer_stop,
	.connect = op_connect,
	.close = op_close,
	.send_open = op_send_open,
	.send_keepalive = op_send_keepalive,
	.send_notification = op_send_notification,
	.established = op_established,
	.down = op_down,
	.state_change = op_state_change,
};

static const enum bgp_event timer_events[BGP_TIMER_COUNT] = {
	[BGP_T_CONNECT_RETRY] = BGP_EV_CONNECT_RETRY_EXPIRED,
	[BGP_T_HOLD] = BGP_EV_HOLD_EXPIRED,
	[BGP_T_KEEPALIVE] = BGP_EV_KEEPALIVE_EXPIRED,
	[BGP_T_IDLE_HOLD] = BGP_EV_IDLE_HOLD_EXPIRED,
	[BGP_T_IDLE_RESET] = BGP_EV_IDLE_RESET_EXPIRED,
};

static void
timer_cb(struct ev_loop *loop, struct ev_timer *t)
{
	struct bgp_peer *p = t->arg;
	size_t i = (size_t)(t - p->timers);

	if (i == BGP_T_HOLD)
		set_last_error(p, "hold timer expired (%u s without a message)",
		    p->fsm.state == BGP_OPENSENT ? BGP_OPENSENT_HOLD : p->fsm.hold);
	peer_event(p, timer_events[i]);
}

/* ---- input ---- */

static void
msg_error(struct bgp_peer *p, struct bgp_conn *c, const struct bgp_err *err)
{
	struct strbuf sb = STRBUF_INIT;

	bgp_err_describe(&sb, err);
	log_remote("peer %s: %s%s", p->name, sb_str(&sb),
	    err->no_reply ? " in a NOTIFICATION: closing without answering (RFC 4271 6.4)" : "");
	sb_free(&sb);
	if (err->no_reply) {
		/* A malformed NOTIFICATION still ends the session, as any does. */
		p->st.notifications_in++;
		if (c != p->conn) {
			conn_close(c);
			if (p->pending == c)
				p->pending = NULL;
			return;
		}
		set_last_error(p, "received a malformed NOTIFICATION (%s)",
		    err->reason ? err->reason : "malformed");
		peer_event(p, BGP_EV_NOTIFICATION);
		return;
	}
	if (c != p->conn) {
		conn_send_notification(p, c, err->code, err->subcode, err->data, err->datalen);
		conn_close(c);
		if (p->pending == c)
			p->pending = NULL;
		return;
	}
	p->fsm.err_code = err->code;
	p->fsm.err_subcode = err->subcode;
	p->fsm.err_data = err->data;
	p->fsm.err_len = err->datalen;
	if (p->fsm.state == BGP_IDLE || p->fsm.state == BGP_CONNECT || p->fsm.state == BGP_ACTIVE) {
		conn_send_notification(p, c, err->code, err->subcode, err->data, err->datalen);
		set_last_error(p, "sent NOTIFICATION %s", bgp_err_code_name(err->code));
	}
	peer_event(p, BGP_EV_MSG_ERROR);
}

static void
handle_notification(struct bgp_peer *p, struct bgp_conn *c, const uint8_t *msg, size_t len)
{
	struct bgp_notification n;
	struct bgp_err err;
	struct strbuf sb = STRBUF_INIT;

	bgp_err_clear(&err);
	p->st.notifications_in++;
	if (bgp_notification_decode(msg, len, &n, &err) < 0) {
		set_last_error(p, "received a malformed NOTIFICATION");
		log_remote("peer %s: malformed NOTIFICATION", p->name);
	} else {
		bgp_notification_describe(&sb, n.code, n.subcode, n.data, n.datalen);
		set_last_error(p, "received NOTIFICATION %s", sb_str(&sb));
		log_remote("peer %s: received NOTIFICATION %s", p->name, sb_str(&sb));
		sb_free(&sb);
		/* A clean stop of the peer (shutdown, restart by its operator) is no
		 * oscillation: the back-off starts over (RFC 4271 8.1.1 damps errors). */
		if (n.code == BGP_ERR_CEASE &&
		    (n.subcode == BGP_ERR_CEASE_SHUTDOWN || n.subcode == BGP_ERR_CEASE_RESET ||
			n.subcode == BGP_ERR_CEASE_HARD_RESET))
			p->fsm.idle_hold = BGP_IDLE_HOLD_START;
	}
	if (c != p->conn) {
		conn_close(c);
		p->pending = NULL;
		return;
	}
	peer_event(p, BGP_EV_NOTIFICATION);
}

/* Collision resolution (RFC 4271 6.8) once remote_id is known: true if main was dumped. */
static bool
resolve_collision(struct bgp_peer *p, uint32_t remote_id)
{
	uint32_t local_id = ntohl(p->d->cfg.router_id.v4.s_addr);
	bool keep_remote_initiated = local_id < remote_id ||
	    (local_id == remote_id && p->d->cfg.asn < p->conf->asn);

	if (p->pending == NULL)
		return false;
	if (p->fsm.state == BGP_ESTABLISHED || p->conn == NULL ||
	    !(keep_remote_initiated && p->conn->outgoing)) {
		log_info("peer %s: connection collision, closing the connection the peer opened",
		    p->name);
		conn_send_notification(p, p->pending, BGP_ERR_CEASE, BGP_ERR_CEASE_COLLISION, NULL,
		    0);
		conn_close(p->pending);
		p->pending = NULL;
		return false;
	}
	log_info("peer %s: connection collision, closing the connection we opened", p->name);
	conn_send_notification(p, p->conn, BGP_ERR_CEASE, BGP_ERR_CEASE_COLLISION, NULL, 0);
	adopt_pending(p);
	return true;
}

/* The pending (peer-initiated) connection replaces the FSM's one. */
static void
adopt_pending(struct bgp_peer *p)
{
	struct bgp_conn *c = p->pending;

	p->pending = NULL;
	conn_close(p->conn);
	p->conn = c;
	if (p->fsm.state >= BGP_OPENSENT) {
		/* The FSM goes on with the other connection: back to OpenSent. */
		if (p->fsm.state != BGP_OPENSENT)
			log_info("peer %s: OpenConfirm -> OpenSent (collision resolution)",
			    p->name);
		p->fsm.state = BGP_OPENSENT;
		ev_timer_stop(p->d->loop, &p->timers[BGP_T_KEEPALIVE]);
		ev_timer_start(p->d->loop, &p->timers[BGP_T_HOLD], EV_SEC(BGP_OPENSENT_HOLD));
	} else {
		peer_event(p, BGP_EV_TCP_CONNECTED);
	}
	if (c->open_received)
		process_open(p);
}

/* An OPEN is in p->conn->open: negotiate and tell the FSM. */
static void
process_open(struct bgp_peer *p)
{
	struct bgp_open mine;

	local_open(p, &mine);
	p->remote_id = p->conn->open.bgp_id;
	p->src.router_id = p->remote_id;
	memset(&p->ctx, 0, sizeof(p->ctx));
	bgp_caps_negotiate(&mine.caps, &p->conn->open.caps, &p->ctx);
	p->ctx.ebgp = p->ebgp;
	p->ctx.local_as = p->d->cfg.asn;
	p->ctx.peer_as = p->conf->asn;
	/* RFC 7947 2.2: a route server's routes start with another AS. */
	p->ctx.check_first_as = p->ebgp && p->conf->enforce_first_as;
	p->refresh = p->conn->open.caps.route_refresh;
	p->peer_gr = p->conn->open.caps.graceful_restart;
	p->last_update_us = 0;
	p->fsm.remote_hold = p->conn->open.hold_time;
	peer_event(p, BGP_EV_OPEN);
}

static int
decode_open(struct bgp_peer *p, const uint8_t *msg, size_t len, struct bgp_open *o,
    struct bgp_err *err)
{
	if (bgp_open_decode(msg, len, o, err) < 0)
		return -1;
	return bgp_open_check_peer(o, p->conf->asn, p->d->cfg.asn,
	    ntohl(p->d->cfg.router_id.v4.s_addr), err);
}

static void
handle_open(struct bgp_peer *p, struct bgp_conn *c, const uint8_t *msg, size_t len)
{
	struct bgp_err err;

	if (p->fsm.state != BGP_OPENSENT) {
		peer_event(p, BGP_EV_OPEN); /* FSM error in the other states */
		return;
	}
	bgp_err_clear(&err);
	if (decode_open(p, msg, len, &c->open, &err) < 0) {
		msg_error(p, c, &err);
		return;
	}
	c->open_received = true;
	/*
	 * A pending connection without an OPEN yet is not resolved against:
	 * it may be a dead attempt. Its OPEN, if it comes, decides (pending_msg).
	 */
	process_open(p);
}

static void
handle_update(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	struct bgp_err err;
	char why[160];

	p->st.updates_in++;
	if (p->fsm.state != BGP_ESTABLISHED) {
		peer_event(p, BGP_EV_UPDATE); /* FSM error */
		return;
	}
	bgp_err_clear(&err);
	p->last_update_us = ev_now_us(p->d->loop);
	/* The import pipeline (import.c), its last stage the prefix limit. */
	if (import_update(p, msg, len, &err) < 0) {
		msg_error(p, p->conn, &err);
		return;
	}
	peer_event(p, BGP_EV_UPDATE);
	if (import_max_prefixes(p, why, sizeof(why))) {
		set_last_error(p, "%s", why);
		log_remote("peer %s: %s", p->name, p->last_error);
		peer_event(p, BGP_EV_MAX_PREFIX);
	}
}

static void
handle_refresh(struct bgp_peer *p, const uint8_t *msg, size_t len)
{
	struct bgp_route_refresh rr;
	struct bgp_err err;
	int af;

	p->st.refresh_in++;
	if (p->fsm.state != BGP_ESTABLISHED) {
		peer_event(p, BGP_EV_UPDATE); /* FSM error */
		return;
	}
	bgp_err_clear(&err);
	if (bgp_route_refresh_decode(msg, len, &rr, &err) < 0) {
		msg_error(p, p->conn, &err);
		return;
	}
	af = bgp_af_from_afi_safi(rr.afi, rr.safi);
	/* RFC 2918 4: an AFI/SAFI not advertised is ignored. */
	if (af >= 0 && p->ctx.af[af] && rr.subtype == 0) {
		log_info("peer %s: ROUTE-REFRESH for %s, sending the table again", p->name,
		    bgp_af_name((enum bgp_af)af));
		adv_refresh(p, (enum bgp_af)af);
		bgpd_schedule_flush(p->d);
	} else {
		log_remote("peer %s: ROUTE-REFRESH for AFI %u SAFI %u subtype %u ignored", p->name,
		    rr.afi, rr.safi, rr.subtype);
	}
	peer_event(p, BGP_EV_UPDATE);
}

static void
handle_msg(struct bgp_peer *p, struct bgp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
	p->st.msgs_in++;
	switch (type) {
	case BGP_MSG_OPEN:
		handle_open(p, c, msg, len);
		break;
	case BGP_MSG_UPDATE:
		handle_update(p, msg, len);
		break;
	case BGP_MSG_NOTIFICATION:
		handle_notification(p, c, msg, len);
		break;
	case BGP_MSG_KEEPALIVE:
		p->st.keepalives_in++;
		peer_event(p, BGP_EV_KEEPALIVE);
		break;
	case BGP_MSG_ROUTE_REFRESH:
		handle_refresh(p, msg, len);
		break;
	default:
		break; /* bgp_msg_frame() rejects other types */
	}
}

/* A collision candidate: only its OPEN (or a NOTIFICATION) matters. */
static void
pending_msg(struct bgp_peer *p, struct bgp_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
	struct bgp_err err;

	p->st.msgs_in++;
	if (type == BGP_MSG_NOTIFICATION) {
		handle_notification(p, c, msg, len);
		return;
	}
	if (type != BGP_MSG_OPEN || c->open_received) {
		/* Anything else before we chose: drop this connection. */
		conn_close(c);
		p->pending = NULL;
		return;
	}
	bgp_err_clear(&err);
	if (decode_open(p, msg, len, &c->open, &err) < 0) {
		msg_error(p, c, &err);
		return;
	}
	c->open_received = true;
	if (p->conn == NULL || p->fsm.state < BGP_OPENSENT) {
		adopt_pending(p);
		return;
	}
	resolve_collision(p, c->open.bgp_id);
}

static void
conn_read(struct bgp_peer *p, struct bgp_conn *c)
{
	size_t off = 0;

	/* Bounded per wake-up so that the decision, timers and other peers run in between. */
	for (int round = 0; round < 4; round++) {
		size_t space = c->rcap - c->rlen;
		ssize_t n;

		/*
		 * Back-pressure: while the decision process is behind, leave the
		 * input in the socket (TCP flow control slows the peer down) rather
		 * than queueing without bound. Level-triggered: we are called again.
		 */
		if (rib_dirty_count(p->d->rib) > READ_PAUSE_DIRTY) {
			bgpd_schedule_flush(p->d);
			return;
		}
		n = recv(c->fd, c->rbuf + c->rlen, space, MSG_DONTWAIT);

		if (n == 0 ||
		    (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			if (c == p->conn) {
				if (n == 0)
					set_last_error(p, "connection closed by the peer");
				else
					set_last_error(p, "read: %s", strerror(errno));
				peer_event(p, BGP_EV_TCP_FAILED);
			} else {
				conn_close(c);
				if (p->pending == c)
					p->pending = NULL;
			}
			return;
		}
		if (n < 0)
			return;
		c->rlen += (size_t)n;
		off = 0;
		for (;;) {
			struct bgp_err err;
			uint8_t type;
			int len;

			bgp_err_clear(&err);
			len = bgp_msg_frame(c->rbuf + off, c->rlen - off, &type, &err);
			if (len == 0)
				break;
			if (len < 0) {
				msg_error(p, c, &err);
				return;
			}
			if (c == p->conn)
				handle_msg(p, c, type, c->rbuf + off, (size_t)len);
			else
				pending_msg(p, c, type, c->rbuf + off, (size_t)len);
			if (c->fd < 0)
				return; /* closed while handling */
			off += (size_t)len;
		}
		if (off > 0) {
			memmove(c->rbuf, c->rbuf + off, c->rlen - off);
			c->rlen -= off;
		}
		if ((size_t)n < space)
			return; /* short read: the socket is drained */
	}
}

static void
conn_io_cb(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct bgp_conn *c = io->arg;
	struct bgp_peer *p = c->peer;

	if (c->connecting) {
		int err = 0;
		socklen_t el = sizeof(err);

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
		if (err == 0 && !(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (err) {
			set_last_error(p, "connect: %s", strerror(err));
			log_debug("peer %s: connect: %s", p->name, strerror(err));
			peer_event(p, BGP_EV_TCP_FAILED);
			return;
		}
		c->connecting = false;
		conn_fill_addrs(c);
		ev_io_modify(loop, &c->io, EPOLLIN);
		peer_event(p, BGP_EV_TCP_CONNECTED);
		return;
	}
	if (events & EPOLLOUT) {
		while (c->wlen > c->woff) {
			ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
			    MSG_NOSIGNAL | MSG_DONTWAIT);

			if (n <= 0)
				break;
			c->woff += (size_t)n;
		}
		if (c->wlen == c->woff) {
			c->wlen = c->woff = 0;
			ev_io_modify(loop, &c->io, EPOLLIN);
			if (c == p->conn && p->fsm.state == BGP_ESTABLISHED && p->advq_len)
				adv_flush(p);
		}
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		conn_read(p, c);
}

/* ---- listening ---- */

/*
 * GTSM on a peer's accepted socket: the SYN's TTL checked when the listener
 * kept it (gtsm_listen), then the minimum and TTL 255 for the rest of the
 * session; the default TTL for a peer without GTSM. false: refuse it.
 */
static bool
accept_gtsm(struct bgp_peer *p, int fd, int idx)
{
	struct linger rst = { 1, 0 };
	int family = p->conf->addr.family, ttl;

	ttl = p->d->gtsm_save_syn[idx] ? gtsm_syn_ttl(fd) : -1;
	if (!p->conf->ttl_security) {
		if (p->d->gtsm_save_syn[idx])
			(void)gtsm_set(fd, family, false); /* best effort: 255 does no harm */
		return true;
	}
	if (ttl >= 0 && ttl < GTSM_TTL) {
		p->st.gtsm_refused++;
		set_last_error(p, "GTSM: connection refused, its SYN came with TTL %d (want %d)",
		    ttl, GTSM_TTL);
		log_remote("peer %s: %s", p->name, p->last_error);
		/* A reset rather than a FIN: nothing of this connection is kept. */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		return false;
	}
	if (gtsm_set(fd, family, true) < 0) {
		log_err("peer %s: cannot set GTSM on an accepted connection: %s", p->name,
		    strerror(errno));
		return false;
	}
	return true;
}

static void
accept_cb(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct bgpd *d = io->arg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct ipaddr addr;
	uint16_t port;
	struct bgp_peer *p;
	struct bgp_conn *c;
	char a[IPADDR_STRLEN];
	int fd;

	fd = accept4(io->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (ipaddr_from_sockaddr(&addr, &port, (struct sockaddr *)&ss) < 0) {
		close(fd);
		return;
	}
	/* IPv4-mapped IPv6 addresses from a dual-stack socket. */
	if (addr.family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&addr.v6)) {
		uint32_t v4;

		memcpy(&v4, addr.bytes + 12, 4);
		ipaddr_from_v4(&addr, ntohl(v4));
	}
	p = session_find_peer(d, &addr);
	if (p == NULL) {
		log_remote("connection from %s: not a configured peer, closed",
		    ipaddr_ntop(&addr, a, sizeof(a)));
		close(fd);
		return;
	}
	sock_options(fd, addr.family);
	if (!accept_gtsm(p, fd, io == &d->listen_io[0] ? 0 : 1)) {
		close(fd);
		return;
	}
	if (detect_peer_blocked(p, a, sizeof(a))) {
		log_info("peer %s: connection refused: %s", p->name, a);
		close(fd);
		return;
	}
	/*
	 * The peer is back before our automatic restart's back-off is over
	 * (it restarted, or its link returned): it is not held back, the
	 * restart happens now and takes this connection.
	 */
	if (p->fsm.state == BGP_IDLE && ev_timer_armed(&p->timers[BGP_T_IDLE_HOLD])) {
		log_info("peer %s: connection during the back-off: restarting now", p->name);
		ev_timer_stop(loop, &p->timers[BGP_T_IDLE_HOLD]);
		p->fsm.idle_hold = BGP_IDLE_HOLD_START;
		p->backoff_reason[0] = '\0';
		peer_event(p, BGP_EV_IDLE_HOLD_EXPIRED);
	}
	switch (p->fsm.state) {
	case BGP_IDLE:
		log_info("peer %s: connection refused in Idle", p->name);
		close(fd);
		return;
	case BGP_CONNECT:
	case BGP_ACTIVE:
		c = conn_new(p, fd, false);
		if (c == NULL || ev_io_start(loop, &c->io, EPOLLIN) < 0) {
			close(fd);
			if (c) {
				free(c->rbuf);
				free(c);
			}
			return;
		}
		conn_fill_addrs(c);
		conn_close(p->conn); /* our own attempt, if any */
		p->conn = c;
		peer_event(p, BGP_EV_TCP_CONNECTED);
		return;
	case BGP_OPENSENT:
	case BGP_OPENCONFIRM:
		if (p->pending) {
			close(fd);
			return;
		}
		c = conn_new(p, fd, false);
		if (c == NULL || ev_io_start(loop, &c->io, EPOLLIN) < 0) {
			close(fd);
			if (c) {
				free(c->rbuf);
				free(c);
			}
			return;
		}
		conn_fill_addrs(c);
		p->pending = c;
		send_open_on(p, c);
		/* If we know the peer's identifier already, decide at its OPEN anyway. */
		return;
	case BGP_ESTABLISHED:
	default: {
		uint8_t buf[64];
		struct wire_wr w;

		log_info("peer %s: second connection while Established, rejected", p->name);
		wire_wr_init(&w, buf, sizeof(buf));
		if (bgp_notification_write(&w, BGP_ERR_CEASE, BGP_ERR_CEASE_COLLISION, NULL, 0) ==
		    0)
			(void)send(fd, buf, w.len, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	}
}

static int
listen_on(struct bgpd *d, int i, int family, const struct ipaddr *bind_addr)
{
	struct sockaddr_storage ss;
	struct ipaddr any = { .family = family };
	unsigned sl;
	int fd, one = 1;
	char a[IPADDR_STRLEN];

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind_addr->family == 0)
		bind_addr = &any;
	ipaddr_to_sockaddr(bind_addr, d->cfg.port, &ss, &sl);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 64) < 0) {
		log_warn("listen on [%s]:%u: %s", ipaddr_ntop(bind_addr, a, sizeof(a)), d->cfg.port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	d->listen_fd[i] = fd;
	ev_io_init(&d->listen_io[i], fd, accept_cb, d);
	if (ev_io_start(d->loop, &d->listen_io[i], EPOLLIN) < 0) {
		close(fd);
		d->listen_fd[i] = -1;
		return -1;
	}
	log_info("listening on [%s]:%u", ipaddr_ntop(bind_addr, a, sizeof(a)), d->cfg.port);
	return 0;
}

/* ---- peers ---- */

struct bgp_peer *
session_find_peer(struct bgpd *d, const struct ipaddr *a)
{
	for (size_t i = 0; i < d->npeers; i++)
		if (ipaddr_eq(&d->peers[i]->conf->addr, a))
			return d->peers[i];
	return NULL;
}

int
session_init(struct bgpd *d)
{
	d->listen_fd[0] = d->listen_fd[1] = -1;
	if (d->cfg.listen) {
		int ok = 0;

		ok += listen_on(d, 0, AF_INET, &d->cfg.listen_v4) == 0;
		ok += listen_on(d, 1, AF_INET6, &d->cfg.listen_v6) == 0;
		if (ok == 0) {
			log_err("cannot listen on port %u", d->cfg.port);
			return -1;
		}
	}
	d->peers = calloc(d->cfg.npeers ? d->cfg.npeers : 1, sizeof(*d->peers));
	if (d->peers == NULL)
		return -1;
	for (size_t i = 0; i < d->cfg.npeers; i++) {
		const struct bgp_peer_config *pc = &d->cfg.peers[i];
		struct bgp_peer *p = calloc(1, sizeof(*p));
		const char *why;

		if (p == NULL)
			return -1;
		d->peers[d->npeers++] = p;
		p->d = d;
		p->conf = pc;
		ipaddr_ntop(&pc->addr, p->name, sizeof(p->name));
		p->ebgp = pc->asn != d->cfg.asn;
		p->src.addr = pc->addr;
		p->src.asn = pc->asn;
		p->src.ebgp = p->ebgp;
		p->src.owner = p;
		p->max_prefixes = policy_max_prefixes(pc);
		p->fsm.passive = pc->passive;
		p->fsm.connect_retry = pc->connect_retry;
		p->fsm.hold_conf = pc->hold_time;
		p->fsm.keepalive_conf = pc->keepalive;
		p->fsm.max_prefix_restart = pc->max_prefixes_restart_s;
		p->fsm.max_prefix_stay_down = pc->max_prefixes_restart_s == 0;
		bgp_fsm_init(&p->fsm, &session_fsm_ops, p);
		if (import_peer_init(p) < 0)
			return -1;
		for (int t = 0; t < BGP_TIMER_COUNT; t++)
			ev_timer_init(&p->timers[t], timer_cb, p);
		p->state_since_us = ev_now_us(d->loop);
		p->policy_note[0] = '\0';
		if (!policy_describe(pc, POLICY_IMPORT, p->ebgp, &why) &&
		    pc->import_ref == BGP_POLICY_UNSET) {
			snprintf(p->policy_note, sizeof(p->policy_note), "%s", why);
			log_warn("peer %s: %s", p->name, why);
		}
		if (!policy_describe(pc, POLICY_EXPORT, p->ebgp, &why) &&
		    pc->export_ref == BGP_POLICY_UNSET) {
			size_t l = strlen(p->policy_note);

			snprintf(p->policy_note + l, sizeof(p->policy_note) - l, "%s%s",
			    l ? "; " : "", why);
			log_warn("peer %s: %s", p->name, why);
		}
	}
	/* Keys of the peers with a password on the listening socket of their family. */
	for (size_t i = 0; i < d->npeers; i++) {
		const struct bgp_peer_config *pc = d->peers[i]->conf;
		int l = d->listen_fd[pc->addr.family == AF_INET ? 0 : 1];

		if (pc->password && l >= 0 && md5_key(l, pc) < 0) {
			log_err("peer %s: cannot set the TCP MD5 key on the listening socket: %s",
			    d->peers[i]->name, strerror(errno));
			return -1;
		}
	}
	if (gtsm_listen(d, 0, AF_INET) < 0 || gtsm_listen(d, 1, AF_INET6) < 0) {
		log_err("cannot set GTSM on a listening socket: %s", strerror(errno));
		return -1;
	}
	/* No initial delay: every peer starts now (both sides active: 6.8 sorts it out). */
	for (size_t i = 0; i < d->npeers; i++)
		peer_event(d->peers[i], BGP_EV_START);
	return 0;
}

void
session_shutdown(struct bgpd *d)
{
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];

		if (p->pending) {
			conn_close(p->pending);
			p->pending = NULL;
		}
		peer_event(p, BGP_EV_STOP);
	}
}

void
session_free(struct bgpd *d)
{
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];

		for (int t = 0; t < BGP_TIMER_COUNT; t++)
			ev_timer_stop(d->loop, &p->timers[t]);
		import_peer_free(p);
		conn_close(p->conn);
		conn_close(p->pending);
		free(p->advq);
		free(p);
	}
	free(d->peers);
	d->peers = NULL;
	d->npeers = 0;
	for (int i = 0; i < 2; i++)
		if (d->listen_fd[i] >= 0) {
			ev_io_stop(d->loop, &d->listen_io[i]);
			close(d->listen_fd[i]);
			d->listen_fd[i] = -1;
		}
	conns_reap();
}

void
session_reap(void)
{
	conns_reap();
}

void
session_path_down(struct bgp_peer *p, uint8_t cease_subcode, const char *why)
{
	if (p->fsm.state == BGP_IDLE)
		return;
	set_last_error(p, "path to the peer down: %s", why);
	log_info("peer %s: path down (%s)", p->name, why);
	p->fsm.err_subcode = cease_subcode;
	p->fsm.err_data = NULL;
	p->fsm.err_len = 0;
	peer_event(p, BGP_EV_LINK_DOWN);
	/* Keep the cause first; the NOTIFICATION (when one went out) after it. */
	if (strncmp(p->last_error, "sent ", 5) == 0) {
		char sent[sizeof(p->last_error)];

		snprintf(sent, sizeof(sent), "%s", p->last_error);
		set_last_error(p, "path to the peer down: %.150s; %.150s", why, sent);
	} else {
		set_last_error(p, "path to the peer down: %s", why);
	}
}

void
session_path_up(struct bgp_peer *p)
{
	if (p->d->shutting_down)
		return;
	/* A path that came back is no oscillation: no back-off holds the peer. */
	if (p->fsm.state == BGP_IDLE && ev_timer_armed(&p->timers[BGP_T_IDLE_HOLD])) {
		ev_timer_stop(p->d->loop, &p->timers[BGP_T_IDLE_HOLD]);
		p->fsm.idle_hold = BGP_IDLE_HOLD_START;
		p->backoff_reason[0] = '\0';
		peer_event(p, BGP_EV_IDLE_HOLD_EXPIRED);
		return;
	}
	/* Try at once instead of waiting for the ConnectRetry timer. */
	if ((p->fsm.state == BGP_CONNECT || p->fsm.state == BGP_ACTIVE) && !p->fsm.passive &&
	    (p->conn == NULL || p->conn->connecting))
		peer_event(p, BGP_EV_CONNECT_RETRY_EXPIRED);
}

void
session_shutdown_msg(struct bgpd *d, const char *msg)
{
	size_t len = msg ? strlen(msg) : 0;
	uint8_t data[256];

	/* RFC 9003: one length octet, then at most 255 octets of UTF-8. */
	if (len > 255)
		len = 255;
	data[0] = (uint8_t)len;
	if (len)
		memcpy(data + 1, msg, len);
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];

		if (p->pending) {
			conn_close(p->pending);
			p->pending = NULL;
		}
		if (p->fsm.state >= BGP_OPENSENT) {
			p->fsm.err_code = BGP_ERR_CEASE;
			p->fsm.err_subcode = BGP_ERR_CEASE_SHUTDOWN;
			p->fsm.err_data = data;
			p->fsm.err_len = (uint16_t)(len + 1);
		}
		set_last_error(p, "shut down by this speaker%s%s", len ? ": " : "", len ? msg : "");
		peer_event(p, BGP_EV_STOP);
		p->fsm.err_code = p->fsm.err_subcode = 0;
		p->fsm.err_data = NULL;
		p->fsm.err_len = 0;
	}
}

/*
 * A peer without the graceful restart capability need not send End-of-RIB
 * (BIRD with graceful restart off never does): its initial routes count as
 * received once it has been Established, and sent no UPDATE, for
 * BGP_NO_EOR_SETTLE_MS.
 */
static bool
settled_without_eor(const struct bgp_peer *p)
{
	uint64_t now = ev_now_us(p->d->loop), last = p->state_since_us;

	if (p->peer_gr)
		return false;
	if (p->last_update_us > last)
		last = p->last_update_us;
	return now >= last + BGP_NO_EOR_SETTLE_MS * 1000ull;
}

bool
session_in_sync(const struct bgp_peer *p)
{
	bool settled;

	if (p->fsm.state != BGP_ESTABLISHED || p->advq_len > p->advq_pos)
		return false;
	settled = settled_without_eor(p);
	for (int af = 0; af < BGP_AF_COUNT; af++)
		if (p->ctx.af[af] && (!p->eor_sent[af] || (!p->eor_received[af] && !settled)))
			return false;
	return true;
}

double
session_backoff_left(const struct bgp_peer *p)
{
	if (p->fsm.state != BGP_IDLE || !ev_timer_armed(&p->timers[BGP_T_IDLE_HOLD]))
		return 0;
	return (double)ev_timer_remaining_us(p->d->loop, &p->timers[BGP_T_IDLE_HOLD]) / 1e6;
}

int
session_request_refresh(struct bgp_peer *p)
{
	uint8_t buf[BGP_RREFRESH_LEN];
	struct wire_wr w;
	int sent = 0;

	if (p->fsm.state != BGP_ESTABLISHED || !p->refresh)
		return -1;
	for (int af = 0; af < BGP_AF_COUNT; af++) {
		if (!p->ctx.af[af])
			continue;
		wire_wr_init(&w, buf, sizeof(buf));
		if (bgp_route_refresh_write(&w, bgp_af_afi((enum bgp_af)af),
			bgp_af_safi((enum bgp_af)af)) == 0 &&
		    session_send(p, buf, w.len) == 0) {
			p->st.refresh_out++;
			sent++;
		}
	}
	return sent ? 0 : -1;
}

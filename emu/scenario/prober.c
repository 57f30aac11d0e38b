/*
 * The prober (prober.h): one process, one epoll loop, a socket per client
 * made inside the client's namespace. Queries (RFC 1035 4.1; NSID per RFC
 * 5001 when asked) over connected UDP sockets, or over one TCP connection
 * per client (RFC 7766 6.2.1: several queries in flight, answers matched by
 * id in any order; framing in probe_tcp.c). The DNS codec is anydns's
 * (dns_msg.h); nothing here parses packets by hand.
 *
 * Timeouts: every query sent goes at the tail of one queue (all clients
 * share the timeout, so the queue is in deadline order); its head is what
 * expires next. A TCP query that times out breaks its connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anylab.h"
#include "dns_msg.h"
#include "fileio.h"
#include "log.h"
#include "netns.h"
#include "probe_sched.h"
#include "probe_tcp.h"
#include "prober.h"
#include "proc.h"

#define EV_TIMER      UINT64_MAX
#define EV_SIGNAL     (UINT64_MAX - 1)
#define MAX_SLOTS     65536u	  /* queries in flight per client: below the id space */
#define SEND_BATCH    64u	  /* sends between two looks at answers and timeouts */
#define LOG_FLUSH_NS  5000000	  /* log lines wait at most 5 ms for the runner */
#define LOG_FLUSH_LEN (64 * 1024) /* or this many bytes */
#define FDS_OWN	      16	  /* epoll, timerfd, signalfd, log, stdio, spare */

struct slot {
	bool active;
	uint32_t seq;
	int64_t sched_mono; /* ns */
	int64_t sent_mono;
};

enum conn_state {
	CONN_CLOSED,
	CONN_CONNECTING,
	CONN_OPEN,
};

struct client {
	const struct prober_client *cfg;
	int fd;
	uint16_t id_base;
	struct slot *slots; /* nslots, indexed by seq modulo nslots */
	uint32_t inflight;
	enum conn_state state; /* TCP */
	uint32_t events;       /* what epoll watches for it */
	struct probe_stream in, out;
};

struct expiry {
	uint32_t client;
	uint32_t seq;
	int64_t deadline; /* mono ns */
};

struct prober {
	const struct prober_cfg *cfg;
	struct client *clients;
	uint32_t nslots; /* power of two */
	struct probe_sched sched;
	int ep;
	int tfd;
	int logfd;
	int64_t anchor_mono;  /* ns */
	int64_t anchor_rt_us; /* CLOCK_REALTIME (the runner's anchor) at anchor_mono */
	int64_t timeout_ns;
	int64_t armed; /* the timer's expiry, INT64_MAX: disarmed */
	uint64_t inflight;
	struct expiry *fifo; /* ring of capacity nfifo (a power of two) */
	size_t nfifo;
	size_t fhead;
	size_t flen;
	char *logbuf;
	size_t loglen;
	int64_t log_since; /* mono ns of the oldest unwritten line, 0: none */
	uint8_t query[512];
};

static int64_t mono_ns(void);
static int64_t to_rt_us(const struct prober *, int64_t mono);
static void log_flush(struct prober *);
static void log_line(struct prober *, const char *line);
static void resolve(struct prober *, struct client *, struct slot *, enum probe_status, int64_t now,
    uint8_t rcode, const char *inst);
static void lose_all(struct prober *, struct client *, int64_t now);
static void tcp_break(struct prober *, struct client *, enum probe_break_reason, int64_t now);
static int tcp_open(struct prober *, struct client *);
static void tcp_close(struct prober *, struct client *);
static void tcp_flush(struct prober *, struct client *, int64_t now);
static void tcp_event(struct prober *, struct client *, uint32_t events, int64_t now);
static void udp_receive(struct prober *, struct client *);
static void answer(struct prober *, struct client *, const uint8_t *, size_t, int64_t now);
static void send_one(struct prober *, size_t c, uint32_t seq, int64_t sched);
static void expire(struct prober *, int64_t now, bool all);
static int watch(struct prober *, struct client *, uint32_t events);
static int open_sockets(struct prober *);
static void arm(struct prober *, int64_t t);

/* The schedule needs nanoseconds; every other time in anylab is emu_now_us / emu_now_rt_us. */
static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Realtime on the runner's anchor: the schedule's steps exact, lateness monotonic. */
static int64_t
to_rt_us(const struct prober *p, int64_t mono)
{
	return p->anchor_rt_us + (mono - p->anchor_mono) / 1000;
}

size_t
prober_fds_needed(size_t nclients)
{
	return nclients + FDS_OWN;
}

int
prober_raise_nofile(size_t nclients, char *why, size_t len)
{
	size_t need = prober_fds_needed(nclients);
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(why, len, "getrlimit: %s", strerror(errno));
		return -errno;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
			snprintf(why, len,
			    "%zu probed clients need %zu open files, and the hard limit "
			    "(RLIMIT_NOFILE) is %llu: raise it (ulimit -Hn) or probe fewer",
			    nclients, need, (unsigned long long)rl.rlim_max);
			return -EMFILE;
		}
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			snprintf(why, len, "raising the open files limit to %zu: %s", need,
			    strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static void
log_flush(struct prober *p)
{
	size_t off = 0;

	while (off < p->loglen) {
		ssize_t n = write(p->logfd, p->logbuf + off, p->loglen - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal("prober: writing %s: %s", p->cfg->log_path, strerror(errno));
		off += (size_t)n;
	}
	p->loglen = 0;
	p->log_since = 0;
}

static void
log_line(struct prober *p, const char *line)
{
	size_t n = strlen(line);

	if (p->loglen + n > LOG_FLUSH_LEN)
		log_flush(p);
	memcpy(p->logbuf + p->loglen, line, n);
	p->loglen += n;
	if (p->log_since == 0)
		p->log_since = mono_ns();
}

static void
resolve(struct prober *p, struct client *c, struct slot *s, enum probe_status st, int64_t now,
    uint8_t rcode, const char *inst)
{
	struct probe_rec r = { 0 };
	char line[256];

	r.seq = s->seq;
	r.id = (uint16_t)(c->id_base + s->seq);
	r.sent_us = to_rt_us(p, s->sent_mono);
	r.sched_us = to_rt_us(p, s->sched_mono);
	r.status = st;
	r.rtt_us = st == PROBE_LOST ? -1 : (int32_t)((now - s->sent_mono) / 1000);
	r.rcode = rcode;
	snprintf(r.inst, sizeof(r.inst), "%s", inst ? inst : "");
	/* The instance runs to the end of the line: keep it on one line. */
	for (char *ch = r.inst; *ch; ch++)
		if (*ch == '\n' || *ch == '\r')
			*ch = ' ';
	s->active = false;
	c->inflight--;
	p->inflight--;
	probe_logline_format(c->cfg->name, &r, line, sizeof(line));
	log_line(p, line);
}

/* Every query of the client still in flight is lost (its connection went). */
static void
lose_all(struct prober *p, struct client *c, int64_t now)
{
	for (uint32_t i = 0; i < p->nslots && c->inflight > 0; i++)
		if (c->slots[i].active)
			resolve(p, c, &c->slots[i], PROBE_LOST, now, 0, NULL);
}

static int
watch(struct prober *p, struct client *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)(c - p->clients) };

	if (c->events == events)
		return 0;
	if (epoll_ctl(p->ep, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) < 0)
		return -errno;
	c->events = events;
	return 0;
}

/* A socket in the client's namespace; connected (UDP) or connecting (TCP). 0 or -errno. */
static int
client_socket(struct prober *p, struct client *c, int type)
{
	struct sockaddr_storage ss;
	unsigned slen;
	int ns, fd, rcv = 1 << 18;

	ns = netns_open(c->cfg->netns);
	if (ns < 0)
		return ns;
	fd = netns_socket(ns, c->cfg->server.family, type | SOCK_NONBLOCK, 0);
	close(ns);
	if (fd < 0)
		return fd;
	if (type == SOCK_DGRAM)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	ipaddr_to_sockaddr(&c->cfg->server, p->cfg->port, &ss, &slen);
	if (connect(fd, (struct sockaddr *)&ss, slen) < 0 && errno != EINPROGRESS) {
		int err = -errno;

		close(fd);
		return err;
	}
	c->fd = fd;
	c->events = 0;
	return 0;
}

/* A new connection (non-blocking connect). 0 or -errno (the client stays closed). */
static int
tcp_open(struct prober *p, struct client *c)
{
	int err = client_socket(p, c, SOCK_STREAM);

	if (err < 0)
		return err;
	c->state = CONN_CONNECTING;
	err = watch(p, c, EPOLLOUT);
	if (err < 0)
		tcp_close(p, c);
	return err;
}

static void
tcp_close(struct prober *p, struct client *c)
{
	(void)p;
	if (c->fd >= 0)
		close(c->fd); /* also takes it out of the epoll set */
	c->fd = -1;
	c->events = 0;
	c->state = CONN_CLOSED;
	probe_stream_reset(&c->in);
	probe_stream_reset(&c->out);
}

/*
 * An open connection ended (RFC 7766 6.2.4 lets either side close it; to
 * the client it is broken): logged, its queries lost, opened again.
 */
static void
tcp_break(struct prober *p, struct client *c, enum probe_break_reason why, int64_t now)
{
	struct probe_break b = { .time_us = to_rt_us(p, now), .reason = why };
	char line[128];

	probe_breakline_format(c->cfg->name, &b, line, sizeof(line));
	log_line(p, line);
	lose_all(p, c, now);
	tcp_close(p, c);
	tcp_open(p, c); /* a failure here: the next query tries again */
}

/* Write what waits; a write error breaks the connection. */
static void
tcp_flush(struct prober *p, struct client *c, int64_t now)
{
	while (probe_stream_pending(&c->out) > 0) {
		ssize_t n = send(c->fd, probe_stream_data(&c->out), probe_stream_pending(&c->out),
		    MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			probe_stream_consume(&c->out, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		tcp_break(p, c,
		    errno == ECONNRESET || errno == EPIPE ? PROBE_BREAK_RESET : PROBE_BREAK_ERROR,
		    now);
		return;
	}
	watch(p, c, EPOLLIN | (probe_stream_pending(&c->out) ? EPOLLOUT : 0));
}

static void
tcp_event(struct prober *p, struct client *c, uint32_t events, int64_t now)
{
	uint8_t buf[16384];
	const uint8_t *msg;
	size_t mlen;

	if (c->state == CONN_CONNECTING) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr != 0) {
			/* It never opened: not a break; its queries are lost, the next retries. */
			lose_all(p, c, now);
			tcp_close(p, c);
			return;
		}
		c->state = CONN_OPEN;
		tcp_flush(p, c, now);
		return;
	}
	if (c->state != CONN_OPEN)
		return;
	if (events & EPOLLIN || events & (EPOLLERR | EPOLLHUP)) {
		for (;;) {
			ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

			if (n > 0) {
				if (probe_stream_append(&c->in, buf, (size_t)n) < 0)
					fatal("out of memory");
				while (c->state == CONN_OPEN &&
				    probe_stream_next(&c->in, &msg, &mlen) == 1)
					answer(p, c, msg, mlen, now);
				continue;
			}
			if (n == 0) {
				tcp_break(p, c, PROBE_BREAK_EOF, now);
				return;
			}
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			tcp_break(p, c,
			    errno == ECONNRESET || errno == EPIPE ? PROBE_BREAK_RESET :
								    PROBE_BREAK_ERROR,
			    now);
			return;
		}
	}
	if (events & EPOLLOUT)
		tcp_flush(p, c, now);
}

static void
answer(struct prober *p, struct client *c, const uint8_t *buf, size_t n, int64_t now)
{
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT(p->cfg->qname, p->cfg->qtype);
	char inst[SCN_INST_MAX] = "";
	struct dns_msg m;
	struct slot *s;
	uint16_t k;

	if (dns_msg_parse(buf, n, &m) != DNS_OK)
		return;
	k = (uint16_t)(m.hdr.id - c->id_base);
	s = &c->slots[k & (p->nslots - 1)];
	if (!s->active || (uint16_t)s->seq != k)
		return; /* late (already lost) or never asked */
	spec.id = m.hdr.id;
	if (!dns_msg_matches(&m, &spec))
		return;
	if (p->cfg->identity == SCN_ID_NSID)
		dns_edns_nsid_text(&m.edns, inst, sizeof(inst));
	else
		dns_msg_first_txt(&m, inst, sizeof(inst));
	if (m.rcode == DNS_R_NOERROR && inst[0])
		resolve(p, c, s, PROBE_OK, now, 0, inst);
	else
		resolve(p, c, s, PROBE_ERROR, now, (uint8_t)(m.rcode > 255 ? 255 : m.rcode), inst);
}

static void
udp_receive(struct prober *p, struct client *c)
{
	uint8_t buf[4096];

	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* EAGAIN, or ICMP errors (ECONNREFUSED): the timeout decides */
		}
		answer(p, c, buf, (size_t)n, mono_ns());
	}
}

static void
send_one(struct prober *p, size_t ci, uint32_t seq, int64_t sched)
{
	struct client *c = &p->clients[ci];
	struct slot *s = &c->slots[seq & (p->nslots - 1)];
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT(p->cfg->qname, p->cfg->qtype);
	uint16_t id = (uint16_t)(c->id_base + seq);
	int64_t now;
	int qlen;

	spec.id = id;
	spec.nsid = p->cfg->identity == SCN_ID_NSID;
	spec.edns = spec.nsid;
	qlen = dns_query_build(&spec, p->query, sizeof(p->query));
	if (qlen < 0)
		fatal("prober: building the query: %s", dns_strerror(qlen));
	now = mono_ns();
	if (s->active) /* cannot happen: nslots covers the timeout; never reuse an id in flight */
		resolve(p, c, s, PROBE_LOST, now, 0, NULL);
	s->active = true;
	s->seq = seq;
	s->sched_mono = sched;
	s->sent_mono = now;
	c->inflight++;
	p->inflight++;
	if (p->flen == p->nfifo) {
		size_t cap = p->nfifo * 2;
		struct expiry *f = calloc(cap, sizeof(*f));

		if (f == NULL)
			fatal("out of memory");
		for (size_t i = 0; i < p->flen; i++)
			f[i] = p->fifo[(p->fhead + i) & (p->nfifo - 1)];
		free(p->fifo);
		p->fifo = f;
		p->nfifo = cap;
		p->fhead = 0;
	}
	p->fifo[(p->fhead + p->flen++) & (p->nfifo - 1)] = (struct expiry){ .client = (uint32_t)ci,
		.seq = seq,
		.deadline = now + p->timeout_ns };
	if (p->cfg->transport == SCN_TR_UDP) {
		/* A failed send (no route: the fault under test) is a loss like any other. */
		(void)send(c->fd, p->query, (size_t)qlen, MSG_DONTWAIT | MSG_NOSIGNAL);
		return;
	}
	/* TCP: on the open connection, or queued while it (re)connects. */
	if (c->state == CONN_CLOSED && tcp_open(p, c) < 0) {
		resolve(p, c, s, PROBE_LOST, now, 0, NULL);
		return;
	}
	if (probe_stream_frame(&c->out, p->query, (size_t)qlen) < 0)
		fatal("out of memory");
	if (c->state == CONN_OPEN)
		tcp_flush(p, c, now);
}

/* Queries past their deadline are lost (all: every one left, at the end). */
static void
expire(struct prober *p, int64_t now, bool all)
{
	while (p->flen > 0) {
		struct expiry *e = &p->fifo[p->fhead];
		struct client *c = &p->clients[e->client];
		struct slot *s = &c->slots[e->seq & (p->nslots - 1)];

		if (s->active && s->seq == e->seq) {
			if (!all && now < e->deadline)
				return;
			if (p->cfg->transport == SCN_TR_TCP && c->state == CONN_OPEN && !all)
				tcp_break(p, c, PROBE_BREAK_TIMEOUT, now);
			else if (p->cfg->transport == SCN_TR_TCP && !all) {
				/* A connection that never opened in time: try another. */
				lose_all(p, c, now);
				tcp_close(p, c);
				tcp_open(p, c);
			} else
				resolve(p, c, s, PROBE_LOST, now, 0, NULL);
		}
		p->fhead = (p->fhead + 1) & (p->nfifo - 1);
		p->flen--;
	}
}

static void
arm(struct prober *p, int64_t t)
{
	struct itimerspec its = { 0 };

	if (t == p->armed)
		return;
	p->armed = t;
	if (t != INT64_MAX) {
		its.it_value.tv_sec = t / 1000000000;
		its.it_value.tv_nsec = t % 1000000000;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	if (timerfd_settime(p->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		fatal("prober: timerfd_settime: %s", strerror(errno));
}

static int
open_sockets(struct prober *p)
{
	for (size_t i = 0; i < p->cfg->nclients; i++) {
		struct client *c = &p->clients[i];
		int err;

		c->cfg = &p->cfg->clients[i];
		c->fd = -1;
		/* Ids differ between clients and between runs. */
		c->id_base = (uint16_t)(((uint32_t)getpid() * 2654435761u + (uint32_t)i * 40503u) >>
		    7);
		c->slots = calloc(p->nslots, sizeof(*c->slots));
		if (c->slots == NULL)
			return -ENOMEM;
		if (p->cfg->transport == SCN_TR_TCP)
			err = tcp_open(p, c);
		else
			err = client_socket(p, c, SOCK_DGRAM);
		if (err == 0 && p->cfg->transport == SCN_TR_UDP)
			err = watch(p, c, EPOLLIN);
		if (err < 0) {
			fprintf(stderr, "anylab: prober: client %s (namespace %s): %s\n",
			    c->cfg->name, c->cfg->netns, strerror(-err));
			return err;
		}
	}
	return 0;
}

int
prober_run(const struct prober_cfg *cfg)
{
	struct prober p = { .cfg = cfg, .ep = -1, .tfd = -1, .logfd = -1, .armed = -1 };
	struct epoll_event ev, evs[256];
	int64_t *periods = NULL;
	sigset_t mask;
	int sfd = -1, err = 0;
	bool stopping = false;
	int64_t stop_at = 0, end_mono = INT64_MAX, t0;
	uint64_t need;
	char hdr[512], abuf[IPADDR_STRLEN];

	/* In flight at most: a timeout's worth of queries, and a little for a late loop. */
	if (!(cfg->rate > 0) || cfg->nclients == 0)
		return -EINVAL;
	need = (uint64_t)ceil(cfg->rate * (cfg->timeout_ms + 100) / 1000) + 2;
	if (need > MAX_SLOTS)
		return -EINVAL;
	for (p.nslots = 1; p.nslots < need; p.nslots *= 2)
		;
	p.timeout_ns = (int64_t)cfg->timeout_ms * 1000000;
	p.clients = calloc(cfg->nclients, sizeof(*p.clients));
	p.nfifo = 1024;
	p.fifo = calloc(p.nfifo, sizeof(*p.fifo));
	p.logbuf = malloc(LOG_FLUSH_LEN);
	periods = calloc(cfg->nclients, sizeof(*periods));
	if (p.clients == NULL || p.fifo == NULL || p.logbuf == NULL || periods == NULL) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < cfg->nclients; i++) {
		p.clients[i].fd = -1;
		periods[i] = probe_sched_period(cfg->rate);
	}
	/* The default 50 us timer slack would make every send that much late. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	p.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	p.ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || p.tfd < 0 || p.ep < 0) {
		err = -errno;
		goto out;
	}
	/* Never through a link, never a file someone else planted (fileio.h). */
	p.logfd = file_create(AT_FDCWD, cfg->log_path, 0644, FILE_REPLACE);
	if (p.logfd < 0) {
		err = p.logfd;
		goto out;
	}
	err = open_sockets(&p);
	if (err < 0)
		goto out;
	snprintf(hdr, sizeof(hdr),
	    "# anylab prober transport=%s clients=%zu port=%u qname=%s rate=%g timeout_ms=%u "
	    "start_us=%" PRId64 "\n",
	    scn_transport_names[cfg->transport], cfg->nclients, cfg->port, cfg->qname, cfg->rate,
	    cfg->timeout_ms, (int64_t)emu_now_rt_us());
	log_line(&p, hdr);
	for (size_t i = 0; i < cfg->nclients; i++) {
		snprintf(hdr, sizeof(hdr), "# client %s server %s\n", cfg->clients[i].name,
		    ipaddr_ntop(&cfg->clients[i].server, abuf, sizeof(abuf)));
		log_line(&p, hdr);
	}
	log_flush(&p);
	p.anchor_mono = mono_ns();
	p.anchor_rt_us = emu_now_rt_us();
	t0 = p.anchor_mono + 1000000; /* the first query 1 ms from now */
	err = probe_sched_init(&p.sched, cfg->nclients, periods, t0);
	if (err < 0)
		goto out;
	if (cfg->duration_ms)
		end_mono = t0 + (int64_t)cfg->duration_ms * 1000000;
	ev.events = EPOLLIN;
	ev.data.u64 = EV_TIMER;
	epoll_ctl(p.ep, EPOLL_CTL_ADD, p.tfd, &ev);
	ev.data.u64 = EV_SIGNAL;
	epoll_ctl(p.ep, EPOLL_CTL_ADD, sfd, &ev);

	for (;;) {
		int64_t next = INT64_MAX, now;
		int n, wait_ms = 100;

		if (!stopping)
			next = probe_sched_next(&p.sched);
		if (p.flen > 0 && p.fifo[p.fhead].deadline < next)
			next = p.fifo[p.fhead].deadline;
		arm(&p, next);
		if (p.loglen > 0)
			wait_ms = 5;
		n = epoll_wait(p.ep, evs, (int)(sizeof(evs) / sizeof(evs[0])), wait_ms);
		if (n < 0 && errno != EINTR) {
			err = -errno;
			goto out;
		}
		now = mono_ns();
		for (int i = 0; i < n; i++) {
			uint64_t k = evs[i].data.u64;

			if (k == EV_TIMER) {
				uint64_t exp;

				(void)!read(p.tfd, &exp, sizeof(exp));
				p.armed = -1; /* fired: set it again */
			} else if (k == EV_SIGNAL) {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si))
					;
				if (!stopping) {
					stopping = true;
					stop_at = now;
				}
			} else if (cfg->transport == SCN_TR_UDP) {
				udp_receive(&p, &p.clients[k]);
			} else {
				tcp_event(&p, &p.clients[k], evs[i].events, now);
			}
		}
		/*
		 * What is due, SEND_BATCH at most: when sends take longer than
		 * the schedule allows (the kernel forwards each packet in the
		 * sender's system call), answers are still read, queries
		 * expired and the log written between batches; the sends
		 * come late, and the lateness says so.
		 */
		for (unsigned sent = 0;
		     sent < SEND_BATCH && !stopping && probe_sched_next(&p.sched) <= mono_ns();
		     sent++) {
			size_t c;
			uint32_t seq;
			int64_t due;

			probe_sched_pop(&p.sched, &c, &seq, &due);
			if (due >= end_mono) {
				stopping = true;
				stop_at = mono_ns();
				break;
			}
			send_one(&p, c, seq, due);
		}
		now = mono_ns();
		expire(&p, now, false);
		if (p.loglen > 0 &&
		    (p.loglen >= LOG_FLUSH_LEN / 2 || now - p.log_since >= LOG_FLUSH_NS))
			log_flush(&p);
		if (stopping && (p.inflight == 0 || now - stop_at > p.timeout_ns + 100000000)) {
			expire(&p, now, true);
			break;
		}
	}
	/* What the prober cost, for tools/bench_probe.sh. */
	{
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		snprintf(hdr, sizeof(hdr), "# end cpu_user_us=%lld cpu_sys_us=%lld\n",
		    (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
		    (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
		log_line(&p, hdr);
	}
out:
	if (p.logfd >= 0 && p.logbuf != NULL && p.loglen > 0)
		log_flush(&p);
	for (size_t i = 0; p.clients && i < cfg->nclients; i++) {
		if (p.clients[i].fd >= 0)
			close(p.clients[i].fd);
		free(p.clients[i].slots);
		probe_stream_free(&p.clients[i].in);
		probe_stream_free(&p.clients[i].out);
	}
	probe_sched_free(&p.sched);
	if (p.ep >= 0)
		close(p.ep);
	if (p.tfd >= 0)
		close(p.tfd);
	if (sfd >= 0)
		close(sfd);
	if (p.logfd >= 0)
		close(p.logfd);
	free(p.clients);
	free(p.fifo);
	free(p.logbuf);
	free(periods);
	return err;
}

pid_t
prober_start(const struct prober_cfg *cfg)
{
	pid_t pid;

	(void)emu_now_rt_us(); /* the child's timestamps on the parent's anchor (anylab.h) */
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int r;

		/* Never outlive anylab: a prober left behind would query forever. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(1);
		r = prober_run(cfg);
		if (r < 0) {
			fprintf(stderr, "anylab: prober: %s\n", strerror(-r));
			_exit(1);
		}
		_exit(0);
	}
	return pid;
}

int
prober_stop(pid_t pid, unsigned timeout_ms)
{
	int status = -1, killed;

	if (pid <= 0)
		return -EINVAL;
	/* Its last queries may still be waiting for their answers: the timeout, and 2 s more. */
	killed = proc_stop(&pid, 1, (int)timeout_ms + 2000, NULL, NULL, &status);
	if (killed < 0)
		return killed;
	if (killed > 0)
		return -ETIMEDOUT;
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

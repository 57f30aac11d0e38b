/*
 * UDP and TCP transport of anydnsd (see dns_server.h): worker threads with
 * SO_REUSEPORT sockets, UDP batches through recvmmsg/sendmmsg with the
 * destination address from IP_PKTINFO/IPV6_PKTINFO used as the reply's
 * source (RFC 1122 4.1.3.5 / RFC 4786 4.2: the reply must come from the
 * anycast address), RFC 7766 TCP (length prefix, pipelining, idle timeout,
 * connection bound), per-worker counters summed for `stats`.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "dns_answer.h"
#include "dns_msg.h"
#include "dns_server.h"
#include "log.h"

#define UDP_BATCH	    32
#define UDP_RX_SIZE	    4096 /* a query larger than this is cut and answered FORMERR */
#define UDP_ROUNDS	    4	 /* batches per wake-up, then let others run */
#define TCP_RBUF_MIN	    1024
#define TCP_WBUF_HIGH	    (256 * 1024) /* stop reading while this much waits to be sent */
#define MAX_SOCKS	    64
#define TYPE_BUCKETS	    258 /* 0-255, CAA (257), every other type */
#define REMOTE_LOGS_PER_SEC 10
#define LOG_RING	    16 /* remote-error lines waiting for the main thread */

struct dns_stats {
	_Atomic uint64_t queries[DNS_TR_COUNT];
	_Atomic uint64_t rcode[DNS_R_COUNT + 1]; /* last: other */
	_Atomic uint64_t qtype[TYPE_BUCKETS];
	_Atomic uint64_t dropped;
	_Atomic uint64_t truncated;
	_Atomic uint64_t edns;
	_Atomic uint64_t nsid;
	_Atomic uint64_t send_errors;
	_Atomic uint64_t tcp_accepted;
	_Atomic uint64_t tcp_refused;
	_Atomic uint64_t tcp_timeouts;
};

enum sock_kind {
	SOCK_UDP,
	SOCK_TCP,
};

struct dns_worker;

struct wsock {
	int fd;
	int family;
	enum sock_kind kind;
	bool pktinfo; /* wildcard: the reply's source from PKTINFO */
	struct ev_io io;
	struct dns_worker *w;
};

struct tcp_conn {
	struct dns_worker *w;
	int fd;
	struct ev_io io;
	struct ev_timer idle;
	uint8_t *rbuf;
	size_t rlen;
	size_t rcap;
	uint8_t *wbuf;
	size_t wlen;
	size_t woff;
	size_t wcap;
	bool peer_closed;
	struct tcp_conn *prev;
	struct tcp_conn *next;
};

enum worker_cmd {
	CMD_ZONES,
	CMD_STOP,
};

struct worker_msg {
	enum worker_cmd cmd;
	struct dns_zoneset *zs;
};

struct dns_worker {
	struct dns_server *srv;
	unsigned idx;
	pthread_t thread;
	bool running;
	struct ev_loop *loop;
	int cmd[2]; /* pipe: main writes, worker reads */
	struct ev_io cmd_io;
	struct dns_zoneset *zs;
	struct wsock socks[MAX_SOCKS];
	unsigned nsocks;
	struct tcp_conn *conns;
	struct dns_stats stats;
	uint64_t log_second;
	unsigned log_count;
	/* Workers never write the log themselves (the main thread may reopen it on SIGHUP):
	 * lines go through this single-producer, single-consumer ring. */
	char log_ring[LOG_RING][200];
	_Atomic unsigned log_head; /* written by the worker */
	_Atomic unsigned log_tail; /* written by the main thread */
	/* UDP batch state */
	uint8_t *rx;
	uint8_t *tx;
	size_t txsize;
	struct mmsghdr rmsg[UDP_BATCH];
	struct mmsghdr smsg[UDP_BATCH];
	struct iovec riov[UDP_BATCH];
	struct iovec siov[UDP_BATCH];
	struct sockaddr_storage peer[UDP_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} rctl[UDP_BATCH], sctl[UDP_BATCH];
	uint8_t *tcpbuf; /* one TCP response */
};

struct dns_server {
	struct dns_answer_cfg acfg;
	char identity[256];
	uint16_t port;
	unsigned tcp_idle_ms;
	unsigned tcp_max_conns;
	_Atomic unsigned tcp_open;
	struct dns_worker *workers;
	unsigned nworkers;
	struct dns_zoneset *zs; /* main thread's reference */
	int log_efd;		/* eventfd: a worker queued a log line */
};

static void *worker_main(void *);
static void cmd_read(struct ev_loop *, struct ev_io *, uint32_t);
static void udp_read(struct ev_loop *, struct ev_io *, uint32_t);
static void tcp_accept(struct ev_loop *, struct ev_io *, uint32_t);
static void tcp_event(struct ev_loop *, struct ev_io *, uint32_t);
static void tcp_idle(struct ev_loop *, struct ev_timer *);
static void tcp_close(struct tcp_conn *);
static void account(struct dns_worker *, enum dns_transport, const struct dns_answer_info *,
    const struct sockaddr_storage *);

static inline void
stat_add(_Atomic uint64_t *c, uint64_t n)
{
	/* one writer per counter: a plain load and store, readers see whole values */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
	    memory_order_relaxed);
}

static unsigned
type_bucket(uint16_t t)
{
	if (t < 256)
		return t;
	return t == DNS_T_CAA ? 256 : 257;
}

/* ---- sockets ---- */

static int
open_sock(struct dns_worker *w, const struct ipaddr *addr, int family, enum sock_kind kind,
    uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	unsigned sslen;
	struct ipaddr any = { .family = family };
	bool wildcard = addr == NULL;
	struct wsock *s;
	int fd, one = 1;
	char a[IPADDR_STRLEN];

	if (w->nsocks == MAX_SOCKS) {
		snprintf(err, errlen, "too many listening sockets");
		return -1;
	}
	if (addr == NULL)
		addr = &any;
	fd = socket(family,
	    (kind == SOCK_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		goto fail;
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	/* A listed address may appear later (an anycast address added after start). */
	if (family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	if (kind == SOCK_UDP) {
		/*
		 * Ignore path MTU information (forged ICMP could make us fragment answers) and
		 * never set DF; answers stay below edns_size anyway (DNS flag day 2020).
		 */
		int omit = family == AF_INET ? IP_PMTUDISC_OMIT : IPV6_PMTUDISC_OMIT;

		if (family == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &omit, sizeof(omit));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &omit, sizeof(omit));
	}
	if (kind == SOCK_UDP && wildcard) {
		if (family == AF_INET &&
		    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
			goto fail;
		if (family == AF_INET6 &&
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0)
			goto fail;
	} else if (kind == SOCK_TCP) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	ipaddr_to_sockaddr(addr, port, &ss, &sslen);
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0)
		goto fail;
	if (kind == SOCK_TCP && listen(fd, 128) < 0)
		goto fail;
	s = &w->socks[w->nsocks++];
	s->fd = fd;
	s->family = family;
	s->kind = kind;
	s->pktinfo = wildcard;
	s->w = w;
	ev_io_init(&s->io, fd, kind == SOCK_UDP ? udp_read : tcp_accept, s);
	return 0;
fail:
	snprintf(err, errlen, "%s %s port %u: %s", kind == SOCK_UDP ? "udp" : "tcp",
	    ipaddr_ntop(addr, a, sizeof(a)), port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
worker_open(struct dns_worker *w, const struct dns_config *cfg, char *err, size_t errlen)
{
	if (cfg->nlisten > 0) {
		for (size_t i = 0; i < cfg->nlisten; i++) {
			const struct ipaddr *a = &cfg->listen[i];

			if (open_sock(w, a, a->family, SOCK_UDP, cfg->port, err, errlen) < 0 ||
			    open_sock(w, a, a->family, SOCK_TCP, cfg->port, err, errlen) < 0)
				return -1;
		}
		return 0;
	}
	if (open_sock(w, NULL, AF_INET, SOCK_UDP, cfg->port, err, errlen) < 0 ||
	    open_sock(w, NULL, AF_INET, SOCK_TCP, cfg->port, err, errlen) < 0)
		return -1;
	/* IPv6 may be disabled in a namespace; IPv4 alone is enough then. */
	if (open_sock(w, NULL, AF_INET6, SOCK_UDP, cfg->port, err, errlen) < 0 ||
	    open_sock(w, NULL, AF_INET6, SOCK_TCP, cfg->port, err, errlen) < 0) {
		if (w->idx == 0)
			log_warn("no IPv6 wildcard socket (%s); serving IPv4 only", err);
		while (w->nsocks > 2)
			close(w->socks[--w->nsocks].fd);
	}
	return 0;
}

static void
worker_free(struct dns_worker *w)
{
	while (w->conns != NULL)
		tcp_close(w->conns);
	for (unsigned i = 0; i < w->nsocks; i++) {
		if (w->loop != NULL)
			ev_io_stop(w->loop, &w->socks[i].io);
		close(w->socks[i].fd);
	}
	w->nsocks = 0;
	if (w->loop != NULL && w->cmd[0] >= 0)
		ev_io_stop(w->loop, &w->cmd_io);
	if (w->cmd[0] >= 0)
		close(w->cmd[0]);
	if (w->cmd[1] >= 0)
		close(w->cmd[1]);
	w->cmd[0] = w->cmd[1] = -1;
	if (w->loop != NULL)
		ev_loop_free(w->loop);
	w->loop = NULL;
	dns_zoneset_put(w->zs);
	w->zs = NULL;
	free(w->rx);
	free(w->tx);
	free(w->tcpbuf);
	w->rx = w->tx = w->tcpbuf = NULL;
}

struct dns_server *
dns_server_new(const struct dns_config *cfg, const char *identity, struct dns_zoneset *zs,
    char *err, size_t errlen)
{
	struct dns_server *srv = calloc(1, sizeof(*srv));
	long ncpu;

	if (srv == NULL) {
		snprintf(err, errlen, "out of memory");
		dns_zoneset_put(zs);
		return NULL;
	}
	snprintf(srv->identity, sizeof(srv->identity), "%s", identity);
	srv->acfg.identity = srv->identity;
	srv->acfg.edns_size = cfg->edns_size;
	srv->port = cfg->port;
	srv->tcp_idle_ms = cfg->tcp_idle_ms;
	srv->tcp_max_conns = cfg->tcp_max_conns;
	srv->zs = zs;
	srv->log_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (srv->log_efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	srv->nworkers = cfg->workers;
	if (srv->nworkers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		srv->nworkers = ncpu > 0 ? (unsigned)ncpu : 1;
		if (srv->nworkers > DNS_CFG_WORKERS_MAX)
			srv->nworkers = DNS_CFG_WORKERS_MAX;
	}
	srv->workers = calloc(srv->nworkers, sizeof(*srv->workers));
	if (srv->workers == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct dns_worker *w = &srv->workers[i];

		w->srv = srv;
		w->idx = i;
		w->cmd[0] = w->cmd[1] = -1;
		w->txsize = cfg->edns_size > DNS_UDP_MIN ? cfg->edns_size : DNS_UDP_MIN;
		w->loop = ev_loop_new();
		w->rx = malloc(UDP_BATCH * UDP_RX_SIZE);
		w->tx = malloc(UDP_BATCH * w->txsize);
		w->tcpbuf = malloc(DNS_MSG_MAX);
		if (w->loop == NULL || w->rx == NULL || w->tx == NULL || w->tcpbuf == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if (pipe2(w->cmd, O_CLOEXEC) < 0 || fcntl(w->cmd[0], F_SETFL, O_NONBLOCK) < 0) {
			snprintf(err, errlen, "pipe: %s", strerror(errno));
			goto fail;
		}
		if (worker_open(w, cfg, err, errlen) < 0)
			goto fail;
		ev_io_init(&w->cmd_io, w->cmd[0], cmd_read, w);
		if (ev_io_start(w->loop, &w->cmd_io, EPOLLIN) < 0) {
			snprintf(err, errlen, "epoll: %s", strerror(errno));
			goto fail;
		}
		for (unsigned k = 0; k < w->nsocks; k++)
			if (ev_io_start(w->loop, &w->socks[k].io, EPOLLIN) < 0) {
				snprintf(err, errlen, "epoll: %s", strerror(errno));
				goto fail;
			}
		dns_zoneset_get(zs);
		w->zs = zs;
		for (unsigned k = 0; k < UDP_BATCH; k++) {
			w->riov[k].iov_base = w->rx + (size_t)k * UDP_RX_SIZE;
			w->riov[k].iov_len = UDP_RX_SIZE;
		}
	}
	return srv;
fail:
	dns_server_free(srv);
	return NULL;
}

int
dns_server_start(struct dns_server *srv)
{
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct dns_worker *w = &srv->workers[i];
		int rc = pthread_create(&w->thread, NULL, worker_main, w);

		if (rc != 0)
			return -rc;
		w->running = true;
	}
	return 0;
}

static void
send_cmd(struct dns_worker *w, enum worker_cmd cmd, struct dns_zoneset *zs)
{
	struct worker_msg m = { cmd, zs };
	ssize_t n;

	do {
		n = write(w->cmd[1], &m, sizeof(m));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m))
		fatal("worker %u: command pipe: %s", w->idx, strerror(errno));
}

void
dns_server_free(struct dns_server *srv)
{
	if (srv == NULL)
		return;
	for (unsigned i = 0; srv->workers && i < srv->nworkers; i++)
		if (srv->workers[i].running)
			send_cmd(&srv->workers[i], CMD_STOP, NULL);
	for (unsigned i = 0; srv->workers && i < srv->nworkers; i++) {
		if (srv->workers[i].running)
			pthread_join(srv->workers[i].thread, NULL);
		worker_free(&srv->workers[i]);
	}
	free(srv->workers);
	dns_zoneset_put(srv->zs);
	if (srv->log_efd >= 0)
		close(srv->log_efd);
	free(srv);
}

void
dns_server_set_zones(struct dns_server *srv, struct dns_zoneset *zs)
{
	for (unsigned i = 0; i < srv->nworkers; i++) {
		dns_zoneset_get(zs);
		if (srv->workers[i].running) {
			send_cmd(&srv->workers[i], CMD_ZONES, zs);
		} else {
			dns_zoneset_put(srv->workers[i].zs);
			srv->workers[i].zs = zs;
		}
	}
	dns_zoneset_put(srv->zs);
	srv->zs = zs;
}

const struct dns_zoneset *
dns_server_zones(const struct dns_server *srv)
{
	return srv->zs;
}

unsigned
dns_server_workers(const struct dns_server *srv)
{
	return srv->nworkers;
}

/* ---- worker thread ---- */

static void *
worker_main(void *arg)
{
	struct dns_worker *w = arg;
	int rc = ev_run(w->loop);

	if (rc < 0)
		log_err("worker %u: event loop: %s", w->idx, strerror(-rc));
	return NULL;
}

static void
cmd_read(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct dns_worker *w = io->arg;
	struct worker_msg m;

	while (read(w->cmd[0], &m, sizeof(m)) == (ssize_t)sizeof(m)) {
		switch (m.cmd) {
		case CMD_ZONES:
			dns_zoneset_put(w->zs);
			w->zs = m.zs;
			break;
		case CMD_STOP:
			ev_break(loop);
			return;
		}
	}
}

static void
account(struct dns_worker *w, enum dns_transport tr, const struct dns_answer_info *info,
    const struct sockaddr_storage *peer)
{
	struct dns_stats *s = &w->stats;

	stat_add(&s->queries[tr], 1);
	if (info->dropped) {
		stat_add(&s->dropped, 1);
		return;
	}
	stat_add(&s->rcode[info->rcode < DNS_R_COUNT ? info->rcode : DNS_R_COUNT], 1);
	if (info->has_question)
		stat_add(&s->qtype[type_bucket(info->qtype)], 1);
	if (info->truncated)
		stat_add(&s->truncated, 1);
	if (info->edns)
		stat_add(&s->edns, 1);
	if (info->nsid)
		stat_add(&s->nsid, 1);
	if (info->formerr != NULL && peer != NULL) {
		uint64_t sec = ev_now_us(w->loop) / 1000000;
		struct ipaddr a;
		uint16_t port = 0;
		char as[IPADDR_STRLEN] = "?";

		if (sec != w->log_second) {
			w->log_second = sec;
			w->log_count = 0;
		}
		if (w->log_count++ < REMOTE_LOGS_PER_SEC) {
			unsigned head = atomic_load_explicit(&w->log_head, memory_order_relaxed);
			unsigned tail = atomic_load_explicit(&w->log_tail, memory_order_acquire);

			if (head - tail >= LOG_RING)
				return; /* the main thread is behind: drop the line */
			if (ipaddr_from_sockaddr(&a, &port, (const struct sockaddr *)peer) == 0)
				ipaddr_ntop(&a, as, sizeof(as));
			snprintf(w->log_ring[head % LOG_RING], sizeof(w->log_ring[0]),
			    "%s query from %s port %u: FORMERR: %s", dns_transport_name(tr), as,
			    port, info->formerr);
			atomic_store_explicit(&w->log_head, head + 1, memory_order_release);
			/* Wake the main thread, which has no timer for this. */
			(void)!eventfd_write(w->srv->log_efd, 1);
		}
	}
}

int
dns_server_log_fd(const struct dns_server *srv)
{
	return srv->log_efd;
}

void
dns_server_flush_logs(struct dns_server *srv)
{
	eventfd_t n;

	(void)eventfd_read(srv->log_efd, &n); /* reset before reading: no line is missed */
	for (unsigned i = 0; i < srv->nworkers; i++) {
		struct dns_worker *w = &srv->workers[i];
		unsigned tail = atomic_load_explicit(&w->log_tail, memory_order_relaxed);
		unsigned head = atomic_load_explicit(&w->log_head, memory_order_acquire);

		for (; tail != head; tail++)
			log_remote("%s", w->log_ring[tail % LOG_RING]);
		atomic_store_explicit(&w->log_tail, tail, memory_order_release);
	}
}

/* The query's destination address, to be the reply's source. */
static void
reply_control(struct msghdr *rh, struct msghdr *sh, void *sbuf, size_t sbufsize)
{
	struct cmsghdr *c, *out;

	sh->msg_control = NULL;
	sh->msg_controllen = 0;
	for (c = CMSG_FIRSTHDR(rh); c != NULL; c = CMSG_NXTHDR(rh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			sh->msg_control = sbuf;
			sh->msg_controllen = CMSG_SPACE(sizeof(pi));
			out = CMSG_FIRSTHDR(sh);
			out->cmsg_level = IPPROTO_IP;
			out->cmsg_type = IP_PKTINFO;
			out->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(out), &pi, sizeof(pi));
			return;
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			sh->msg_control = sbuf;
			sh->msg_controllen = CMSG_SPACE(sizeof(pi));
			out = CMSG_FIRSTHDR(sh);
			out->cmsg_level = IPPROTO_IPV6;
			out->cmsg_type = IPV6_PKTINFO;
			out->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(out), &pi, sizeof(pi));
			return;
		}
	}
	(void)sbufsize;
}

static void
udp_read(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct wsock *s = io->arg;
	struct dns_worker *w = s->w;

	for (int round = 0; round < UDP_ROUNDS; round++) {
		int n, out = 0, sent = 0;

		for (int i = 0; i < UDP_BATCH; i++) {
			struct msghdr *h = &w->rmsg[i].msg_hdr;

			h->msg_name = &w->peer[i];
			h->msg_namelen = sizeof(w->peer[i]);
			h->msg_iov = &w->riov[i];
			h->msg_iovlen = 1;
			/* bound to one address: the kernel sends from it, no PKTINFO needed */
			h->msg_control = s->pktinfo ? w->rctl[i].buf : NULL;
			h->msg_controllen = s->pktinfo ? sizeof(w->rctl[i].buf) : 0;
			h->msg_flags = 0;
		}
		n = recvmmsg(s->fd, w->rmsg, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return; /* EAGAIN, or an ICMP error queued on the socket */
		for (int i = 0; i < n; i++) {
			struct dns_answer_info info;
			struct msghdr *rh = &w->rmsg[i].msg_hdr, *sh = &w->smsg[out].msg_hdr;
			uint8_t *resp = w->tx + (size_t)out * w->txsize;
			size_t len;

			len = dns_answer(&w->srv->acfg, w->zs, w->riov[i].iov_base,
			    w->rmsg[i].msg_len, DNS_TR_UDP, resp, w->txsize, &info);
			account(w, DNS_TR_UDP, &info, &w->peer[i]);
			if (len == 0)
				continue;
			w->siov[out].iov_base = resp;
			w->siov[out].iov_len = len;
			sh->msg_name = &w->peer[i];
			sh->msg_namelen = rh->msg_namelen;
			sh->msg_iov = &w->siov[out];
			sh->msg_iovlen = 1;
			sh->msg_flags = 0;
			sh->msg_control = NULL;
			sh->msg_controllen = 0;
			if (s->pktinfo)
				reply_control(rh, sh, w->sctl[out].buf, sizeof(w->sctl[out].buf));
			out++;
		}
		while (sent < out) {
			int k = sendmmsg(s->fd, w->smsg + sent, (unsigned)(out - sent),
			    MSG_DONTWAIT);

			if (k < 0) {
				if (errno == EINTR)
					continue;
				/* a full socket buffer or an unreachable client: drop this one */
				stat_add(&w->stats.send_errors, 1);
				sent++;
				continue;
			}
			sent += k;
		}
		if (n < UDP_BATCH)
			return;
	}
}

/* ---- TCP (RFC 7766) ---- */

static void
tcp_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct wsock *s = io->arg;
	struct dns_worker *w = s->w;
	struct dns_server *srv = w->srv;

	for (;;) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct tcp_conn *c;

		if (fd < 0)
			return;
		if (atomic_fetch_add(&srv->tcp_open, 1) >= srv->tcp_max_conns) {
			atomic_fetch_sub(&srv->tcp_open, 1);
			stat_add(&w->stats.tcp_refused, 1);
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			atomic_fetch_sub(&srv->tcp_open, 1);
			close(fd);
			continue;
		}
		stat_add(&w->stats.tcp_accepted, 1);
		c->w = w;
		c->fd = fd;
		ev_io_init(&c->io, fd, tcp_event, c);
		ev_timer_init(&c->idle, tcp_idle, c);
		if (ev_io_start(loop, &c->io, EPOLLIN) < 0) {
			atomic_fetch_sub(&srv->tcp_open, 1);
			close(fd);
			free(c);
			continue;
		}
		ev_timer_start(loop, &c->idle, EV_MS(srv->tcp_idle_ms));
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
	}
}

static void
tcp_close(struct tcp_conn *c)
{
	struct dns_worker *w = c->w;

	ev_io_stop(w->loop, &c->io);
	ev_timer_stop(w->loop, &c->idle);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	atomic_fetch_sub(&w->srv->tcp_open, 1);
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

static void
tcp_idle(struct ev_loop *loop, struct ev_timer *t)
{
	struct tcp_conn *c = t->arg;

	stat_add(&c->w->stats.tcp_timeouts, 1);
	tcp_close(c);
}

static bool
grow(uint8_t **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : TCP_RBUF_MIN;
	uint8_t *nb;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	nb = realloc(*buf, n);
	if (nb == NULL)
		return false;
	*buf = nb;
	*cap = n;
	return true;
}

/* Answer every complete message in rbuf, in order (RFC 7766 6.2.1.1 allows any order). */
static bool
tcp_process(struct tcp_conn *c)
{
	struct dns_worker *w = c->w;
	size_t off = 0;

	while (c->rlen - off >= 2) {
		size_t mlen = (size_t)c->rbuf[off] << 8 | c->rbuf[off + 1], rlen;
		struct dns_answer_info info;
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);

		if (c->rlen - off - 2 < mlen)
			break;
		rlen = dns_answer(&w->srv->acfg, w->zs, c->rbuf + off + 2, mlen, DNS_TR_TCP,
		    w->tcpbuf, DNS_MSG_MAX, &info);
		if (info.formerr != NULL &&
		    getpeername(c->fd, (struct sockaddr *)&peer, &plen) == 0)
			account(w, DNS_TR_TCP, &info, &peer);
		else
			account(w, DNS_TR_TCP, &info, NULL);
		off += 2 + mlen;
		if (rlen == 0)
			return false; /* not a query: nothing sensible left on this stream */
		if (c->woff > 0 && c->woff == c->wlen)
			c->woff = c->wlen = 0;
		if (!grow(&c->wbuf, &c->wcap, c->wlen + 2 + rlen))
			return false;
		c->wbuf[c->wlen] = (uint8_t)(rlen >> 8);
		c->wbuf[c->wlen + 1] = (uint8_t)rlen;
		memcpy(c->wbuf + c->wlen + 2, w->tcpbuf, rlen);
		c->wlen += 2 + rlen;
	}
	if (off > 0) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
	return true;
}

static void
tcp_event(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct tcp_conn *c = io->arg;
	uint32_t want;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		for (;;) {
			ssize_t n;

			if (c->wlen - c->woff >= TCP_WBUF_HIGH)
				break;
			if (!grow(&c->rbuf, &c->rcap, c->rlen + 2048)) {
				tcp_close(c);
				return;
			}
			n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
			if (n > 0) {
				c->rlen += (size_t)n;
				ev_timer_start(loop, &c->idle, EV_MS(c->w->srv->tcp_idle_ms));
				if (!tcp_process(c)) {
					tcp_close(c);
					return;
				}
				continue;
			}
			if (n == 0) {
				c->peer_closed = true;
				break;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				tcp_close(c);
				return;
			}
			break;
		}
	}
	while (c->woff < c->wlen) {
		ssize_t n = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);

		if (n > 0) {
			c->woff += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		tcp_close(c);
		return;
	}
	if (c->woff == c->wlen)
		c->woff = c->wlen = 0;
	if (c->peer_closed && c->wlen == 0) {
		tcp_close(c);
		return;
	}
	want = 0;
	if (!c->peer_closed && c->wlen - c->woff < TCP_WBUF_HIGH)
		want |= EPOLLIN;
	if (c->wlen > c->woff)
		want |= EPOLLOUT;
	if (want != c->io.events)
		ev_io_modify(loop, &c->io, want);
}

/* ---- statistics ---- */

static uint64_t
sum(const struct dns_server *srv, size_t offset)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < srv->nworkers; i++) {
		const _Atomic uint64_t *c =
		    (const _Atomic uint64_t *)(const void *)((const char *)&srv->workers[i].stats +
			offset);

		t += atomic_load_explicit((_Atomic uint64_t *)c, memory_order_relaxed);
	}
	return t;
}

#define SUM(field) sum(srv, offsetof(struct dns_stats, field))

void
dns_server_stats_json(const struct dns_server *srv, struct strbuf *sb)
{
	bool first = true;
	char tn[16];

	sb_printf(sb, "{\"queries\": {\"udp\": %lu, \"tcp\": %lu}, ",
	    (unsigned long)SUM(queries[DNS_TR_UDP]), (unsigned long)SUM(queries[DNS_TR_TCP]));
	sb_puts(sb, "\"rcodes\": {");
	for (unsigned r = 0; r <= DNS_R_COUNT; r++) {
		uint64_t v = SUM(rcode[r]);

		if (v == 0)
			continue;
		sb_printf(sb, "%s\"%s\": %lu", first ? "" : ", ",
		    r < DNS_R_COUNT ? dns_rcode_name(r) : "OTHER", (unsigned long)v);
		first = false;
	}
	sb_puts(sb, "}, \"types\": {");
	first = true;
	for (unsigned t = 0; t < TYPE_BUCKETS; t++) {
		uint64_t v = SUM(qtype[t]);
		const char *name;

		if (v == 0)
			continue;
		name = t < 256 ? dns_type_name((uint16_t)t, tn, sizeof(tn)) :
		    t == 256   ? "CAA" :
				 "OTHER";
		sb_printf(sb, "%s\"%s\": %lu", first ? "" : ", ", name, (unsigned long)v);
		first = false;
	}
	sb_printf(sb,
	    "}, \"dropped\": %lu, \"truncated\": %lu, \"edns\": %lu, \"nsid\": %lu, "
	    "\"send_errors\": %lu, ",
	    (unsigned long)SUM(dropped), (unsigned long)SUM(truncated), (unsigned long)SUM(edns),
	    (unsigned long)SUM(nsid), (unsigned long)SUM(send_errors));
	sb_printf(sb,
	    "\"tcp\": {\"open\": %u, \"accepted\": %lu, \"refused\": %lu, "
	    "\"idle_timeouts\": %lu}, ",
	    atomic_load(&((struct dns_server *)srv)->tcp_open), (unsigned long)SUM(tcp_accepted),
	    (unsigned long)SUM(tcp_refused), (unsigned long)SUM(tcp_timeouts));
	sb_puts(sb, "\"workers\": [");
	for (unsigned i = 0; i < srv->nworkers; i++) {
		const struct dns_stats *s = &srv->workers[i].stats;

		sb_printf(sb, "%s{\"udp\": %lu, \"tcp\": %lu}", i ? ", " : "",
		    (unsigned long)atomic_load_explicit((_Atomic uint64_t *)&s->queries[DNS_TR_UDP],
			memory_order_relaxed),
		    (unsigned long)atomic_load_explicit((_Atomic uint64_t *)&s->queries[DNS_TR_TCP],
			memory_order_relaxed));
	}
	sb_puts(sb, "]}");
}

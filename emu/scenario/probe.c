/*
 * The DNS probe (probe.h): a child process per client, inside the client's
 * namespace, sending queries (RFC 1035 4.1; NSID per RFC 5001 when asked)
 * from one connected UDP socket on a timerfd schedule and logging each
 * query's fate. The DNS codec is anydns's (dns_msg.h); nothing here parses
 * packets by hand. Also the log's line format and readers.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dns_msg.h"
#include "fileio.h"
#include "log.h"
#include "netns.h"
#include "anylab.h"
#include "probe.h"
#include "proc.h"

const char *const probe_status_names[PROBE_STATUS_COUNT] = {
	[PROBE_OK] = "ok",
	[PROBE_LOST] = "lost",
	[PROBE_ERROR] = "error",
};

#define ID_SPACE      65536u
#define MAX_IN_FLIGHT 60000u /* below the id space, so an id is never reused in flight */

struct slot {
	bool active;
	uint32_t seq;
	int64_t sched_mono;
	int64_t sent_mono;
};

struct probe {
	const struct probe_cfg *cfg;
	int sock;
	int logfd;
	uint16_t id_base;
	uint32_t next_seq;   /* next to send */
	uint32_t oldest_seq; /* oldest perhaps in flight */
	int64_t t0_mono;
	int64_t anchor_rt_us; /* CLOCK_REALTIME at anchor_mono */
	int64_t anchor_mono;  /* ns */
	int64_t period_ns;
	int64_t timeout_us;
	struct slot *slots; /* ID_SPACE, indexed by id */
};

/* The schedule needs nanoseconds; every other time in anylab is emu_now_us / emu_now_rt_us. */
static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
probe_line_format(const struct probe_rec *r, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 " %u %" PRId64 " %" PRId64 " %s %" PRId32 " %u %s\n", r->seq,
	    r->id, r->sched_us, r->sent_us, probe_status_names[r->status], r->rtt_us, r->rcode,
	    r->inst[0] ? r->inst : "-");
}

int
probe_line_parse(const char *line, struct probe_rec *r)
{
	char status[16];
	unsigned id, rcode;
	int off = 0;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '\n' || *line == '#')
		return 1;
	memset(r, 0, sizeof(*r));
	if (sscanf(line, "%" SCNu32 " %u %" SCNd64 " %" SCNd64 " %15s %" SCNd32 " %u %n", &r->seq,
		&id, &r->sched_us, &r->sent_us, status, &r->rtt_us, &rcode, &off) != 7 ||
	    off == 0)
		return -1;
	if (id > 65535 || rcode > 255 || r->sent_us < 0 || r->sched_us < 0)
		return -1;
	r->id = (uint16_t)id;
	r->rcode = (uint8_t)rcode;
	for (int i = 0;; i++) {
		if (i == PROBE_STATUS_COUNT)
			return -1;
		if (strcmp(status, probe_status_names[i]) == 0) {
			r->status = (enum probe_status)i;
			break;
		}
	}
	if (r->status == PROBE_LOST ? r->rtt_us != -1 : r->rtt_us < 0)
		return -1;
	line += off;
	size_t n = strcspn(line, "\n");
	if (n == 0 || n >= SCN_INST_MAX)
		return -1;
	if (!(n == 1 && line[0] == '-'))
		memcpy(r->inst, line, n);
	r->inst[n == 1 && line[0] == '-' ? 0 : n] = '\0';
	if (r->status == PROBE_OK && r->inst[0] == '\0')
		return -1;
	return 0;
}

void
probe_log_init(struct probe_log *l, const char *client)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->client, sizeof(l->client), "%s", client);
}

void
probe_log_add(struct probe_log *l, const struct probe_rec *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct probe_rec *p = reallocarray(l->recs, cap, sizeof(*p));

		if (p == NULL)
			fatal("out of memory");
		l->recs = p;
		l->cap = cap;
	}
	l->recs[l->n++] = *r;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct probe_rec *x = a, *y = b;

	if (x->sent_us != y->sent_us)
		return x->sent_us < y->sent_us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
probe_log_sort(struct probe_log *l)
{
	if (l->n > 1)
		qsort(l->recs, l->n, sizeof(*l->recs), rec_cmp);
}

void
probe_log_free(struct probe_log *l)
{
	free(l->recs);
	l->recs = NULL;
	l->n = l->cap = 0;
}

int
probe_reader_open(struct probe_reader *rd, const char *path)
{
	memset(rd, 0, sizeof(*rd));
	rd->fd = open(path, O_RDONLY | O_CLOEXEC);
	return rd->fd < 0 ? -errno : 0;
}

int
probe_reader_poll(struct probe_reader *rd, struct probe_log *l)
{
	int added = 0;

	for (;;) {
		ssize_t n = read(rd->fd, rd->buf + rd->len, sizeof(rd->buf) - 1 - rd->len);
		char *start, *nl;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return added;
		rd->len += (size_t)n;
		rd->buf[rd->len] = '\0';
		start = rd->buf;
		while ((nl = memchr(start, '\n', rd->len - (size_t)(start - rd->buf))) != NULL) {
			struct probe_rec r;
			int pr;

			*nl = '\0';
			pr = probe_line_parse(start, &r);
			if (pr == 0) {
				probe_log_add(l, &r);
				added++;
			} else if (pr < 0) {
				rd->bad++;
			}
			start = nl + 1;
		}
		rd->len -= (size_t)(start - rd->buf);
		memmove(rd->buf, start, rd->len);
		if (rd->len == sizeof(rd->buf) - 1) { /* a line longer than the buffer */
			rd->bad++;
			rd->len = 0;
		}
	}
}

void
probe_reader_close(struct probe_reader *rd)
{
	if (rd->fd >= 0)
		close(rd->fd);
	rd->fd = -1;
}

int
probe_log_load(struct probe_log *l, const char *path)
{
	struct probe_reader rd;
	int r = probe_reader_open(&rd, path);

	if (r < 0)
		return r;
	r = probe_reader_poll(&rd, l);
	probe_reader_close(&rd);
	return r < 0 ? r : 0;
}

/* The child. */

static void
log_rec(struct probe *p, const struct probe_rec *r)
{
	char line[256];
	size_t len;

	probe_line_format(r, line, sizeof(line));
	len = strlen(line);
	if (write(p->logfd, line, len) != (ssize_t)len)
		fatal("probe %s: writing the log: %s", p->cfg->client, strerror(errno));
}

static void
resolve(struct probe *p, struct slot *s, enum probe_status st, int64_t now_mono, uint8_t rcode,
    const char *inst)
{
	struct probe_rec r = { 0 };

	r.seq = s->seq;
	r.id = (uint16_t)(p->id_base + s->seq);
	/*
	 * Both times on the realtime clock through one anchor taken at start, so
	 * that the schedule's steps are exact and lateness is monotonic time.
	 */
	r.sent_us = p->anchor_rt_us + (s->sent_mono - p->anchor_mono) / 1000;
	r.sched_us = p->anchor_rt_us + (s->sched_mono - p->anchor_mono) / 1000;
	r.status = st;
	r.rtt_us = st == PROBE_LOST ? -1 : (int32_t)((now_mono - s->sent_mono) / 1000);
	r.rcode = rcode;
	snprintf(r.inst, sizeof(r.inst), "%s", inst ? inst : "");
	/* The instance runs to the end of the line: keep it on one line. */
	for (char *c = r.inst; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	s->active = false;
	log_rec(p, &r);
}

static void
send_one(struct probe *p, int64_t sched_mono)
{
	uint32_t seq = p->next_seq++;
	uint16_t id = (uint16_t)(p->id_base + seq);
	struct slot *s = &p->slots[id];
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT(p->cfg->qname, p->cfg->qtype);
	uint8_t q[512];
	int qlen;

	spec.id = id;
	spec.nsid = p->cfg->identity == SCN_ID_NSID;
	spec.edns = spec.nsid;
	qlen = dns_query_build(&spec, q, sizeof(q));
	if (qlen < 0)
		fatal("probe %s: building the query: %s", p->cfg->client, dns_strerror(qlen));
	s->active = true;
	s->seq = seq;
	s->sched_mono = sched_mono;
	s->sent_mono = mono_ns();
	/* A failed send (no route: the fault under test) is a loss like any other. */
	(void)send(p->sock, q, (size_t)qlen, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void
expire(struct probe *p, int64_t now_mono, bool all)
{
	while (p->oldest_seq != p->next_seq) {
		struct slot *s = &p->slots[(uint16_t)(p->id_base + p->oldest_seq)];

		if (s->active && s->seq == p->oldest_seq) {
			if (!all && now_mono - s->sent_mono < p->timeout_us * 1000)
				return;
			resolve(p, s, PROBE_LOST, now_mono, 0, NULL);
		}
		p->oldest_seq++;
	}
}

static void
receive(struct probe *p)
{
	uint8_t buf[4096];
	struct dns_msg m;

	for (;;) {
		ssize_t n = recv(p->sock, buf, sizeof(buf), MSG_DONTWAIT);
		int64_t now = mono_ns();
		struct dns_query_spec spec = DNS_QUERY_SPEC_INIT(p->cfg->qname, p->cfg->qtype);
		char inst[SCN_INST_MAX] = "";
		struct slot *s;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* EAGAIN, or ICMP errors (ECONNREFUSED): the timeout decides */
		}
		if (dns_msg_parse(buf, (size_t)n, &m) != DNS_OK)
			continue;
		s = &p->slots[m.hdr.id];
		if (!s->active)
			continue; /* late (already lost) or never asked */
		spec.id = m.hdr.id;
		if (!dns_msg_matches(&m, &spec))
			continue;
		if (p->cfg->identity == SCN_ID_NSID)
			dns_edns_nsid_text(&m.edns, inst, sizeof(inst));
		else
			dns_msg_first_txt(&m, inst, sizeof(inst));
		if (m.rcode == DNS_R_NOERROR && inst[0])
			resolve(p, s, PROBE_OK, now, 0, inst);
		else
			resolve(p, s, PROBE_ERROR, now, (uint8_t)(m.rcode > 255 ? 255 : m.rcode),
			    inst);
	}
}

static int
open_socket(const struct probe_cfg *cfg)
{
	struct sockaddr_storage ss;
	unsigned slen;
	int fd, rcv = 1 << 20;

	fd = socket(cfg->server.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	ipaddr_to_sockaddr(&cfg->server, cfg->port, &ss, &slen);
	if (connect(fd, (struct sockaddr *)&ss, slen) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int
probe_run(const struct probe_cfg *cfg)
{
	struct probe p = { .cfg = cfg, .sock = -1, .logfd = -1 };
	struct itimerspec its = { 0 };
	struct epoll_event ev, evs[4];
	sigset_t mask;
	int tfd = -1, sfd = -1, ep = -1, err = 0;
	bool stopping = false;
	int64_t stop_at = 0, end_mono = 0;
	char hdr[512], abuf[IPADDR_STRLEN];

	if (cfg->rate == 0 ||
	    (uint64_t)cfg->rate * (cfg->timeout_ms + 1000) / 1000 >= MAX_IN_FLIGHT)
		return -EINVAL;
	p.period_ns = 1000000000LL / cfg->rate;
	p.timeout_us = (int64_t)cfg->timeout_ms * 1000;
	p.slots = calloc(ID_SPACE, sizeof(*p.slots));
	if (p.slots == NULL)
		return -ENOMEM;
	p.id_base = (uint16_t)(getpid() * 2654435761u >> 7);
	/* The default 50 us timer slack would make every send that much late. */
	prctl(PR_SET_TIMERSLACK, 1UL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	p.sock = open_socket(cfg);
	if (sfd < 0 || tfd < 0 || ep < 0) {
		err = -errno;
		goto out;
	}
	/* Never through a link, never a file someone else planted (fileio.h). */
	p.logfd = file_create(AT_FDCWD, cfg->log_path, 0644, FILE_REPLACE);
	if (p.logfd < 0) {
		err = p.logfd;
		goto out;
	}
	if (p.sock < 0) {
		err = p.sock;
		goto out;
	}
	snprintf(hdr, sizeof(hdr),
	    "# anylab probe client=%s server=%s port=%u qname=%s rate=%u timeout_ms=%u "
	    "start_us=%" PRId64 "\n",
	    cfg->client, ipaddr_ntop(&cfg->server, abuf, sizeof(abuf)), cfg->port, cfg->qname,
	    cfg->rate, cfg->timeout_ms, (int64_t)emu_now_rt_us());
	if (write(p.logfd, hdr, strlen(hdr)) < 0) {
		err = -errno;
		goto out;
	}
	p.anchor_mono = mono_ns();
	p.anchor_rt_us = emu_now_rt_us();
	p.t0_mono = p.anchor_mono + 1000000; /* the first query 1 ms from now */
	its.it_value.tv_sec = p.t0_mono / 1000000000;
	its.it_value.tv_nsec = p.t0_mono % 1000000000;
	its.it_interval.tv_sec = p.period_ns / 1000000000;
	its.it_interval.tv_nsec = p.period_ns % 1000000000;
	if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		err = -errno;
		goto out;
	}
	if (cfg->duration_ms)
		end_mono = p.t0_mono + (int64_t)cfg->duration_ms * 1000000;
	ev.events = EPOLLIN;
	ev.data.fd = tfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	ev.data.fd = p.sock;
	epoll_ctl(ep, EPOLL_CTL_ADD, p.sock, &ev);
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);

	for (;;) {
		int n = epoll_wait(ep, evs, 4, stopping ? 20 : 100);
		int64_t now;

		if (n < 0 && errno != EINTR) {
			err = -errno;
			goto out;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == p.sock) {
				receive(&p);
			} else if (evs[i].data.fd == sfd) {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si))
					;
				if (!stopping) {
					stopping = true;
					stop_at = mono_ns();
				}
			} else if (evs[i].data.fd == tfd) {
				uint64_t exp;

				if (read(tfd, &exp, sizeof(exp)) != sizeof(exp) || stopping)
					continue;
				for (uint64_t k = 0; k < exp; k++) {
					int64_t sched = p.t0_mono +
					    (int64_t)p.next_seq * p.period_ns;

					if (end_mono && sched >= end_mono) {
						stopping = true;
						stop_at = mono_ns();
						break;
					}
					send_one(&p, sched);
				}
			}
		}
		now = mono_ns();
		expire(&p, now, false);
		if (stopping &&
		    (p.oldest_seq == p.next_seq ||
			now - stop_at > p.timeout_us * 1000 + 100000000)) {
			expire(&p, now, true);
			break;
		}
	}
out:
	if (ep >= 0)
		close(ep);
	if (tfd >= 0)
		close(tfd);
	if (sfd >= 0)
		close(sfd);
	if (p.sock >= 0)
		close(p.sock);
	if (p.logfd >= 0)
		close(p.logfd);
	free(p.slots);
	return err;
}

pid_t
probe_start(const struct probe_cfg *cfg)
{
	pid_t pid;

	(void)emu_now_rt_us(); /* the child's timestamps on the parent's anchor (anylab.h) */
	pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd, r;

		/* Never outlive anylab: a probe left behind would query forever. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(1);
		fd = netns_open(cfg->netns);
		r = fd < 0 ? fd : netns_enter(fd);
		if (r < 0) {
			fprintf(stderr, "anylab: probe %s: cannot enter namespace %s: %s\n",
			    cfg->client, cfg->netns, strerror(-r));
			_exit(1);
		}
		close(fd);
		r = probe_run(cfg);
		if (r < 0) {
			fprintf(stderr, "anylab: probe %s: %s\n", cfg->client, strerror(-r));
			_exit(1);
		}
		_exit(0);
	}
	return pid;
}

int
probe_stop(pid_t pid, unsigned timeout_ms)
{
	int status = -1, killed;

	if (pid <= 0)
		return -EINVAL;
	/* Its last query may still be waiting for its answer: its timeout, and 2 s more. */
	killed = proc_stop(&pid, 1, (int)timeout_ms + 2000, NULL, NULL, &status);
	if (killed < 0)
		return killed;
	if (killed > 0)
		return -ETIMEDOUT;
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

/*
 * Service health checks (see health.h): the "health" configuration array, the
 * rise/fall state machine, and the two kinds of check, each an ops entry
 * (start, timeout, close) so that a new kind is one more entry:
 *
 * - dns: one UDP query (RFC 1035 section 4.1: header, one question, RD=0,
 *   random ID) on a connected non-blocking socket; the reply must carry the
 *   ID, QR=1, opcode QUERY and our question (names compared ignoring ASCII
 *   case, RFC 4343), and its RCODE must be the expected one. The socket is
 *   kept from one answered check to the next (a check every 100 ms would
 *   otherwise make and close ten sockets a second) and replaced after any
 *   failure, so a late or stray reply to an abandoned query dies with it.
 * - command: posix_spawn of an argv (no shell) with stdin, stdout and stderr
 *   on /dev/null, every other descriptor closed, signals at their defaults;
 *   the child is watched and reaped through a pidfd (pidfd_open(2)), and on
 *   timeout killed through that pidfd, so no other process can be hit.
 *
 * Nothing blocks but health_close, which reaps a killed child. A check still
 * running when it times out (at the latest when the next is due) has failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "health.h"
#include "log.h"
#include "wire.h"
#include "xalloc.h"

#define DNS_HDR_LEN	    12
#define DNS_QUERY_MAX	    (DNS_HDR_LEN + 255 + 4)
#define DNS_REPLY_MAX	    4096
#define DNS_CLASS_IN	    1
#define DNS_FLAG_QR	    0x8000
#define DNS_OPCODE_SHIFT    11
#define DNS_OPCODE_MASK	    0xf
#define DNS_RCODE_MASK	    0xf
#define HEALTH_MIN_INTERVAL 10
#define HEALTH_MAX_INTERVAL 3600000
#define HEALTH_MAX_RUN	    100
#define ID_POOL		    32 /* query IDs drawn from the kernel at once */

struct health;
struct health_check;

enum proc_state {
	PROC_FREE,
	PROC_RUNNING, /* the check's command */
	PROC_KILLED,  /* timed out, SIGKILL sent, not reaped yet */
};

/* A command child. Two per check: the running one and one being reaped. */
struct health_proc {
	struct health_check *hc;
	enum proc_state state;
	pid_t pid;
	int pidfd;
	struct ev_io io;
};

struct health_check {
	struct health *h;
	size_t idx;
	const struct health_check_config *cfg;
	struct ev_timer next_timer;
	struct ev_timer timeout_timer;
	bool running;
	uint64_t started_us; /* ev_clock_us() */

	/* dns */
	int fd;
	struct ev_io io;
	uint8_t query[DNS_QUERY_MAX]; /* with this check's ID */
	size_t query_len;

	/* command */
	struct health_proc procs[2];
	struct health_proc *cur;

	/* verdicts */
	enum health_state state;
	unsigned passes_in_row;
	unsigned failures_in_row;
	uint64_t checks, passes, failures;
	char last_result[HEALTH_TEXT_MAX];
	bool last_passed;
	uint64_t last_rtt_us;
	uint64_t last_change_us;
	uint64_t last_change_wall_us;
	pid_t last_pid;
	struct health_change hist[HEALTH_HISTORY]; /* ring */
	size_t hist_first;
	size_t hist_len;
};

struct health {
	struct ev_loop *loop;
	health_notify_fn notify;
	void *arg;
	posix_spawn_file_actions_t fa; /* built once: no allocation per check */
	posix_spawnattr_t attr;
	bool spawn_ready;
	uint16_t ids[ID_POOL]; /* random query IDs not used yet: ids[0..nids) */
	size_t nids;
	size_t n;
	struct health_check checks[];
};

/* One kind of check. start reports a failure it meets at once through check_done. */
struct health_kind_ops {
	const char *name;
	void (*start)(struct health_check *);
	void (*timeout)(struct health_check *); /* abandon the running check */
	void (*close)(struct health_check *);	/* at health_close */
};

static void dns_start(struct health_check *);
static void dns_timeout(struct health_check *);
static void dns_close(struct health_check *);
static void dns_read(struct ev_loop *, struct ev_io *, uint32_t);
static int dns_open(struct health_check *);
static uint16_t query_id(struct health *);
static void cmd_start(struct health_check *);
static void cmd_timeout(struct health_check *);
static void cmd_close(struct health_check *);
static void cmd_exited(struct ev_loop *, struct ev_io *, uint32_t);
static void next_fired(struct ev_loop *, struct ev_timer *);
static void timeout_fired(struct ev_loop *, struct ev_timer *);
static void check_done(struct health_check *, bool pass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_state(struct health_check *, enum health_state, const char *why);
static int qname_encode(struct wire_wr *, const char *);

static const struct health_kind_ops kind_ops[] = {
	[HEALTH_DNS] = { "dns", dns_start, dns_timeout, dns_close },
	[HEALTH_COMMAND] = { "command", cmd_start, cmd_timeout, cmd_close },
};

static const char *const state_names[] = {
	[HEALTH_UNKNOWN] = "unknown",
	[HEALTH_UP] = "up",
	[HEALTH_DOWN] = "down",
};

/* RFC 1035 section 3.2.2 and later registrations (IANA DNS parameters). */
static const struct {
	const char *name;
	uint16_t type;
} qtypes[] = {
	{ "A", 1 },
	{ "NS", 2 },
	{ "CNAME", 5 },
	{ "SOA", 6 },
	{ "PTR", 12 },
	{ "HINFO", 13 },
	{ "MX", 15 },
	{ "TXT", 16 },
	{ "AAAA", 28 },
	{ "SRV", 33 },
	{ "NAPTR", 35 },
	{ "DS", 43 },
	{ "RRSIG", 46 },
	{ "NSEC", 47 },
	{ "DNSKEY", 48 },
	{ "NSEC3", 50 },
	{ "SVCB", 64 },
	{ "HTTPS", 65 },
	{ "ANY", 255 },
	{ "CAA", 257 },
};

/* RFC 1035 section 4.1.1, RFC 2136 section 2.2: the header's four-bit RCODEs. */
static const char *const rcode_names[16] = {
	[0] = "NOERROR",
	[1] = "FORMERR",
	[2] = "SERVFAIL",
	[3] = "NXDOMAIN",
	[4] = "NOTIMP",
	[5] = "REFUSED",
	[6] = "YXDOMAIN",
	[7] = "YXRRSET",
	[8] = "NXRRSET",
	[9] = "NOTAUTH",
	[10] = "NOTZONE",
};

const char *
health_kind_name(enum health_kind k)
{
	return k <= HEALTH_COMMAND ? kind_ops[k].name : "?";
}

const char *
health_state_name(enum health_state s)
{
	return s <= HEALTH_DOWN ? state_names[s] : "?";
}

const char *
health_rcode_name(unsigned rcode, char *buf, size_t len)
{
	if (rcode < 16 && rcode_names[rcode] != NULL)
		snprintf(buf, len, "%s", rcode_names[rcode]);
	else
		snprintf(buf, len, "RCODE%u", rcode);
	return buf;
}

int
health_qtype_parse(const char *s, uint16_t *out)
{
	for (size_t i = 0; i < sizeof(qtypes) / sizeof(qtypes[0]); i++)
		if (strcasecmp(s, qtypes[i].name) == 0) {
			*out = qtypes[i].type;
			return 0;
		}
	return -1;
}

int
health_rcode_parse(const char *s, uint8_t *out)
{
	for (uint8_t i = 0; i < 16; i++)
		if (rcode_names[i] != NULL && strcasecmp(s, rcode_names[i]) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

/*
 * Configuration
 */

/* A domain name in presentation form ("a.b.c" or "a.b.c.", no escapes) into wire form. */
static int
qname_encode(struct wire_wr *w, const char *name)
{
	size_t start = w->len;
	const char *p = name;

	if (strcmp(name, ".") == 0) {
		wire_put_u8(w, 0);
		return w->err ? -1 : 0;
	}
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		if (len == 0 || len > 63)
			return -1;
		wire_put_u8(w, (uint8_t)len);
		wire_put(w, p, len);
		p += len;
		if (*p == '.')
			p++;
	}
	wire_put_u8(w, 0);
	if (w->err || w->len - start > 255)
		return -1;
	return 0;
}

static bool
name_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > HEALTH_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static void
parse_dns(const cJSON *obj, const char *path, struct health_dns_config *d, struct cfg_errors *e)
{
	static const char *const keys[] = { "server", "port", "qname", "qtype", "rcode", NULL };
	char p[CFG_PATH_MAX];
	const cJSON *it;
	const char *s;
	uint64_t v;

	d->port = HEALTH_DEF_DNS_PORT;
	d->qtype = 1;
	d->rcode = 0;
	if (!jc_check_object(obj, path, keys, e))
		return;
	jc_ipaddr(obj, "server", path, true, 0, &d->server, e);
	if (jc_uint(obj, "port", path, false, 1, 65535, &v, e) == 1)
		d->port = (uint16_t)v;
	if (jc_string(obj, "qname", path, true, &s, e) == 1) {
		uint8_t buf[300];
		struct wire_wr w;

		wire_wr_init(&w, buf, sizeof(buf));
		if (qname_encode(&w, s) < 0)
			cfg_error(e, jc_path(p, path, "qname"),
			    "expected a domain name of labels of 1 to 63 octets, "
			    "at most 255 octets in all, found \"%s\"",
			    s);
		else
			d->qname = xstrdup(s);
	}
	it = cJSON_GetObjectItemCaseSensitive(obj, "qtype");
	if (cJSON_IsNumber(it)) {
		if (jc_uint(obj, "qtype", path, false, 1, 65535, &v, e) == 1)
			d->qtype = (uint16_t)v;
	} else if (it != NULL) {
		if (!cJSON_IsString(it) || health_qtype_parse(it->valuestring, &d->qtype) < 0)
			cfg_error(e, jc_path(p, path, "qtype"),
			    "expected a query type (A, AAAA, TXT, SOA, NS, MX, ...) or a number "
			    "from 1 to 65535, found %s%s%s",
			    cJSON_IsString(it) ? "\"" : "",
			    cJSON_IsString(it) ? it->valuestring : "another type",
			    cJSON_IsString(it) ? "\"" : "");
	}
	it = cJSON_GetObjectItemCaseSensitive(obj, "rcode");
	if (cJSON_IsNumber(it)) {
		if (jc_uint(obj, "rcode", path, false, 0, 15, &v, e) == 1)
			d->rcode = (uint8_t)v;
	} else if (it != NULL) {
		if (!cJSON_IsString(it) || health_rcode_parse(it->valuestring, &d->rcode) < 0)
			cfg_error(e, jc_path(p, path, "rcode"),
			    "expected an RCODE (NOERROR, SERVFAIL, NXDOMAIN, REFUSED, ...) or a "
			    "number from 0 to 15, found %s%s%s",
			    cJSON_IsString(it) ? "\"" : "",
			    cJSON_IsString(it) ? it->valuestring : "another type",
			    cJSON_IsString(it) ? "\"" : "");
	}
}

static void
parse_command(const cJSON *arr, const char *path, struct health_check_config *c,
    struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const char *s;
	int i = 0;

	c->argc = (size_t)cJSON_GetArraySize(arr);
	if (c->argc == 0) {
		cfg_error(e, path, "expected the program and its arguments, found an empty array");
		return;
	}
	c->argv = xcalloc(c->argc + 1, sizeof(*c->argv));
	for (const cJSON *it = arr->child; it; it = it->next, i++) {
		jc_path_idx(p, path, i);
		if (!jc_item_string(it, p, &s, e))
			continue;
		if (i == 0 && (s[0] == '\0' || (s[0] != '/' && strchr(s, '/') != NULL))) {
			cfg_error(e, p,
			    "expected an absolute path or a program name to look up in PATH, "
			    "found \"%s\"",
			    s);
			continue;
		}
		c->argv[i] = xstrdup(s);
	}
}

static void
parse_prefixes(const cJSON *arr, const char *path, struct health_check_config *c,
    struct cfg_errors *e)
{
	char p[CFG_PATH_MAX], a[PREFIX_STRLEN];
	int i = 0;

	c->nprefixes = (size_t)cJSON_GetArraySize(arr);
	if (c->nprefixes == 0) {
		cfg_error(e, path,
		    "expected at least one prefix (leave \"prefixes\" out to cover every "
		    "originated prefix)");
		return;
	}
	c->prefixes = xcalloc(c->nprefixes, sizeof(*c->prefixes));
	for (const cJSON *it = arr->child; it; it = it->next, i++) {
		jc_path_idx(p, path, i);
		if (!jc_item_prefix(it, p, false, &c->prefixes[i], e))
			continue;
		for (int j = 0; j < i; j++)
			if (prefix_cmp(&c->prefixes[j], &c->prefixes[i]) == 0) {
				cfg_error(e, p, "expected each prefix once; %s is also [%d]",
				    prefix_ntop(&c->prefixes[i], a, sizeof(a)), j);
				break;
			}
	}
}

static void
parse_check(const cJSON *obj, const char *path, struct health_check_config *c, struct cfg_errors *e)
{
	static const char *const keys[] = { "name", "dns", "command", "interval_ms", "timeout_ms",
		"rise", "fall", "prefixes", NULL };
	char p[CFG_PATH_MAX];
	const cJSON *dns = NULL, *cmd = NULL, *arr;
	const char *s;
	uint64_t v;
	int rd, rc;

	c->interval_ms = HEALTH_DEF_INTERVAL;
	c->rise = HEALTH_DEF_RISE;
	c->fall = HEALTH_DEF_FALL;
	if (!jc_check_object(obj, path, keys, e))
		return;
	if (jc_string(obj, "name", path, true, &s, e) == 1) {
		if (!name_ok(s))
			cfg_error(e, jc_path(p, path, "name"),
			    "expected 1 to %d letters, digits, '-', '_' or '.', found \"%s\"",
			    HEALTH_NAME_MAX, s);
		else
			c->name = xstrdup(s);
	}
	rd = jc_typed(obj, "dns", path, false, cJSON_Object, &dns, e);
	rc = jc_typed(obj, "command", path, false, cJSON_Array, &cmd, e);
	if (rd != 0 && rc != 0)
		cfg_error(e, path, "expected exactly one of \"dns\" and \"command\", found both");
	else if (rd == 0 && rc == 0)
		cfg_error(e, path,
		    "expected \"dns\" (a DNS query) or \"command\" (a program's exit status)");
	else if (rd == 1) {
		c->kind = HEALTH_DNS;
		parse_dns(dns, jc_path(p, path, "dns"), &c->dns, e);
	} else if (rc == 1) {
		c->kind = HEALTH_COMMAND;
		parse_command(cmd, jc_path(p, path, "command"), c, e);
	}
	if (jc_uint(obj, "interval_ms", path, false, HEALTH_MIN_INTERVAL, HEALTH_MAX_INTERVAL, &v,
		e) == 1)
		c->interval_ms = (unsigned)v;
	c->timeout_ms = c->interval_ms;
	if (jc_uint(obj, "timeout_ms", path, false, 1, c->interval_ms, &v, e) == 1)
		c->timeout_ms = (unsigned)v;
	if (jc_uint(obj, "rise", path, false, 1, HEALTH_MAX_RUN, &v, e) == 1)
		c->rise = (unsigned)v;
	if (jc_uint(obj, "fall", path, false, 1, HEALTH_MAX_RUN, &v, e) == 1)
		c->fall = (unsigned)v;
	if (jc_typed(obj, "prefixes", path, false, cJSON_Array, &arr, e) == 1)
		parse_prefixes(arr, jc_path(p, path, "prefixes"), c, e);
}

int
health_config_parse(const cJSON *arr, const char *path, struct health_check_config **out, size_t *n,
    struct cfg_errors *e)
{
	struct health_check_config *cfg;
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	size_t count;
	int before = e->count, i = 0;

	*out = NULL;
	*n = 0;
	if (arr == NULL)
		return 0;
	if (!cJSON_IsArray(arr)) {
		cfg_error(e, path, "expected an array of health checks");
		return -1;
	}
	count = (size_t)cJSON_GetArraySize(arr);
	cfg = xcalloc(count, sizeof(*cfg));
	for (const cJSON *it = arr->child; it; it = it->next, i++) {
		jc_path_idx(p, path, i);
		parse_check(it, p, &cfg[i], e);
		if (cfg[i].name == NULL)
			continue;
		for (int j = 0; j < i; j++)
			if (cfg[j].name != NULL && strcmp(cfg[j].name, cfg[i].name) == 0) {
				cfg_error(e, jc_path(q, p, "name"),
				    "expected each check name once; \"%s\" is also %s[%d]",
				    cfg[i].name, path, j);
				break;
			}
	}
	if (e->count != before) {
		health_config_free(cfg, count);
		return -1;
	}
	*out = cfg;
	*n = count;
	return 0;
}

void
health_config_free(struct health_check_config *cfg, size_t n)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(cfg[i].name);
		free(cfg[i].dns.qname);
		for (size_t j = 0; cfg[i].argv != NULL && j < cfg[i].argc; j++)
			free(cfg[i].argv[j]);
		free(cfg[i].argv);
		free(cfg[i].prefixes);
	}
	free(cfg);
}

int
health_config_check_prefixes(const struct health_check_config *cfg, size_t n,
    const struct prefix *orig, size_t norig, const char *path, struct cfg_errors *e)
{
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX], r[CFG_PATH_MAX], a[PREFIX_STRLEN];
	int before = e->count;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < cfg[i].nprefixes; j++) {
			bool found = false;

			for (size_t k = 0; k < norig && !found; k++)
				found = prefix_cmp(&orig[k], &cfg[i].prefixes[j]) == 0;
			if (!found)
				cfg_error(e,
				    jc_path_idx(r,
					jc_path(q, jc_path_idx(p, path, (int)i), "prefixes"),
					(int)j),
				    "expected a prefix listed in \"originate\", found %s",
				    prefix_ntop(&cfg[i].prefixes[j], a, sizeof(a)));
		}
	return e->count == before ? 0 : -1;
}

bool
health_config_covers(const struct health_check_config *c, const struct prefix *pfx)
{
	if (c->nprefixes == 0)
		return true;
	for (size_t i = 0; i < c->nprefixes; i++)
		if (prefix_cmp(&c->prefixes[i], pfx) == 0)
			return true;
	return false;
}

/*
 * Verdicts and scheduling
 */

static uint64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static void
set_state(struct health_check *hc, enum health_state to, const char *why)
{
	struct health_change *ch;
	size_t slot;

	if (hc->hist_len == HEALTH_HISTORY) {
		slot = hc->hist_first;
		hc->hist_first = (hc->hist_first + 1) % HEALTH_HISTORY;
	} else {
		slot = (hc->hist_first + hc->hist_len++) % HEALTH_HISTORY;
	}
	ch = &hc->hist[slot];
	ch->mono_us = ev_now_us(hc->h->loop);
	ch->wall_us = wall_us();
	ch->from = hc->state;
	ch->to = to;
	snprintf(ch->why, sizeof(ch->why), "%s", why);
	hc->state = to;
	hc->last_change_us = ch->mono_us;
	hc->last_change_wall_us = ch->wall_us;
	log_info("health check %s: %s -> %s: %s", hc->cfg->name, health_state_name(ch->from),
	    health_state_name(to), why);
	hc->h->notify(hc->h->arg, hc->idx, to == HEALTH_UP, ch->why);
}

/* The running check has its verdict: count it and move the state machine. */
static void
check_done(struct health_check *hc, bool pass, const char *fmt, ...)
{
	char why[HEALTH_WHY_MAX];
	va_list ap;

	ev_timer_stop(hc->h->loop, &hc->timeout_timer);
	hc->running = false;
	hc->last_rtt_us = ev_clock_us() - hc->started_us;
	va_start(ap, fmt);
	vsnprintf(hc->last_result, sizeof(hc->last_result), fmt, ap);
	va_end(ap);
	hc->last_passed = pass;
	hc->checks++;
	if (pass) {
		hc->passes++;
		hc->passes_in_row++;
		hc->failures_in_row = 0;
	} else {
		hc->failures++;
		hc->failures_in_row++;
		hc->passes_in_row = 0;
	}
	log_debug("health check %s: %s: %s", hc->cfg->name, pass ? "pass" : "fail",
	    hc->last_result);
	if (pass && hc->state != HEALTH_UP && hc->passes_in_row >= hc->cfg->rise) {
		snprintf(why, sizeof(why), "%u consecutive passes, last: %s", hc->passes_in_row,
		    hc->last_result);
		set_state(hc, HEALTH_UP, why);
	} else if (!pass && hc->state != HEALTH_DOWN && hc->failures_in_row >= hc->cfg->fall) {
		snprintf(why, sizeof(why), "%u consecutive failures, last: %s", hc->failures_in_row,
		    hc->last_result);
		set_state(hc, HEALTH_DOWN, why);
	}
}

static void
check_timeout(struct health_check *hc)
{
	kind_ops[hc->cfg->kind].timeout(hc);
}

static void
next_fired(struct ev_loop *loop, struct ev_timer *t)
{
	struct health_check *hc = t->arg;

	if (hc->running) /* timeout_ms == interval_ms and this timer went first */
		check_timeout(hc);
	ev_timer_start(loop, &hc->next_timer, EV_MS(hc->cfg->interval_ms));
	hc->running = true;
	hc->started_us = ev_clock_us();
	ev_timer_start(loop, &hc->timeout_timer, EV_MS(hc->cfg->timeout_ms));
	kind_ops[hc->cfg->kind].start(hc);
}

static void
timeout_fired(struct ev_loop *loop, struct ev_timer *t)
{
	struct health_check *hc = t->arg;

	if (hc->running)
		check_timeout(hc);
}

/*
 * DNS check
 */

size_t
health_dns_query(uint8_t *buf, size_t cap, uint16_t id, const char *qname, uint16_t qtype)
{
	struct wire_wr w;

	wire_wr_init(&w, buf, cap);
	wire_put_u16(&w, id);
	wire_put_u16(&w, 0); /* QR=0, opcode QUERY, RD=0 */
	wire_put_u16(&w, 1); /* QDCOUNT */
	wire_put_u16(&w, 0);
	wire_put_u16(&w, 0);
	wire_put_u16(&w, 0);
	if (qname_encode(&w, qname) < 0)
		return 0;
	wire_put_u16(&w, qtype);
	wire_put_u16(&w, DNS_CLASS_IN);
	return w.err ? 0 : w.len;
}

static void
dns_stop(struct health_check *hc)
{
	if (hc->fd < 0)
		return;
	ev_io_stop(hc->h->loop, &hc->io);
	close(hc->fd);
	hc->fd = -1;
}

/*
 * A random query ID. The kernel's random bytes are fetched ID_POOL IDs at a
 * time: glibc's arc4random makes a getrandom(2) call for every one.
 */
static uint16_t
query_id(struct health *h)
{
	if (h->nids == 0) {
		if (getrandom(h->ids, sizeof(h->ids), 0) != (ssize_t)sizeof(h->ids))
			return (uint16_t)arc4random();
		h->nids = ID_POOL;
	}
	return h->ids[--h->nids];
}

/* The check's socket, connected to the server and on the loop; -1 after check_done. */
static int
dns_open(struct health_check *hc)
{
	const struct health_dns_config *d = &hc->cfg->dns;
	struct sockaddr_storage ss;
	unsigned sslen;
	int err;

	hc->fd = socket(d->server.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (hc->fd < 0) {
		check_done(hc, false, "cannot query: socket: %s", strerror(errno));
		return -1;
	}
	ipaddr_to_sockaddr(&d->server, d->port, &ss, &sslen);
	if (connect(hc->fd, (struct sockaddr *)&ss, sslen) < 0) {
		err = errno;
		close(hc->fd);
		hc->fd = -1;
		check_done(hc, false, "cannot query: connect: %s", strerror(err));
		return -1;
	}
	ev_io_init(&hc->io, hc->fd, dns_read, hc);
	if ((err = ev_io_start(hc->h->loop, &hc->io, EPOLLIN)) < 0) {
		close(hc->fd);
		hc->fd = -1;
		check_done(hc, false, "cannot query: epoll: %s", strerror(-err));
		return -1;
	}
	return 0;
}

static void
dns_start(struct health_check *hc)
{
	struct wire_wr w;
	ssize_t r;
	int err;

	if (hc->fd < 0 && dns_open(hc) < 0)
		return;
	wire_wr_init(&w, hc->query, sizeof(hc->query));
	w.len = hc->query_len;
	wire_patch_u16(&w, 0, query_id(hc->h));
	r = send(hc->fd, hc->query, hc->query_len, 0);
	if (r != (ssize_t)hc->query_len) {
		err = r < 0 ? errno : EMSGSIZE;
		dns_stop(hc);
		check_done(hc, false, "cannot query: send: %s", strerror(err));
	}
}

static void
dns_timeout(struct health_check *hc)
{
	dns_stop(hc);
	check_done(hc, false, "timeout after %u ms", hc->cfg->timeout_ms);
}

static void
dns_close(struct health_check *hc)
{
	dns_stop(hc);
}

/* The query's question, label by label, ignoring ASCII case (RFC 4343), then type and class. */
static bool
question_echoed(struct wire_rd *q, struct wire_rd *rd)
{
	uint8_t ours[63], theirs[63];

	for (;;) {
		uint8_t len = wire_u8(q);

		if (q->err || len > 63 || wire_u8(rd) != len || rd->err)
			return false;
		if (len == 0)
			break;
		wire_read(q, ours, len);
		wire_read(rd, theirs, len);
		if (rd->err || q->err)
			return false;
		for (size_t i = 0; i < len; i++) {
			uint8_t a = ours[i], b = theirs[i];

			if (a >= 'A' && a <= 'Z')
				a = (uint8_t)(a + 32);
			if (b >= 'A' && b <= 'Z')
				b = (uint8_t)(b + 32);
			if (a != b)
				return false;
		}
	}
	if (wire_u16(rd) != wire_u16(q) || wire_u16(rd) != wire_u16(q))
		return false;
	return rd->err == WIRE_OK && q->err == WIRE_OK;
}

enum health_dns_verdict
health_dns_reply(const uint8_t *query, size_t qlen, const uint8_t *reply, size_t len,
    unsigned *rcode)
{
	struct wire_rd q, rd;
	uint16_t id, flags, qdcount;

	wire_rd_init(&rd, reply, len);
	wire_rd_init(&q, query, qlen);
	id = wire_u16(&rd);
	flags = wire_u16(&rd);
	qdcount = wire_u16(&rd);
	wire_skip(&rd, 6); /* ANCOUNT, NSCOUNT, ARCOUNT */
	if (rd.err)
		return HEALTH_DNS_SHORT;
	if (id != wire_u16(&q))
		return HEALTH_DNS_OTHER_ID;
	if (!(flags & DNS_FLAG_QR) || ((flags >> DNS_OPCODE_SHIFT) & DNS_OPCODE_MASK) != 0)
		return HEALTH_DNS_NOT_RESPONSE;
	wire_skip(&q, DNS_HDR_LEN - 2);
	if (qdcount != 1 || !question_echoed(&q, &rd))
		return HEALTH_DNS_OTHER_QUESTION;
	*rcode = flags & DNS_RCODE_MASK;
	return HEALTH_DNS_ANSWER;
}

/* One datagram from the server: 1 decided the check, 0 ignored (another query's ID). */
static int
dns_reply(struct health_check *hc, const uint8_t *buf, size_t len, uint64_t rtt_us)
{
	char got[16], want[16];
	unsigned rcode = 0;

	switch (health_dns_reply(hc->query, hc->query_len, buf, len, &rcode)) {
	case HEALTH_DNS_OTHER_ID:
		log_remote("health check %s: a reply with another ID: ignored", hc->cfg->name);
		return 0;
	case HEALTH_DNS_SHORT:
		dns_stop(hc);
		check_done(hc, false, "malformed reply: %zu bytes, shorter than a DNS header", len);
		return 1;
	case HEALTH_DNS_NOT_RESPONSE:
		dns_stop(hc);
		check_done(hc, false, "malformed reply: not a response to a standard query");
		return 1;
	case HEALTH_DNS_OTHER_QUESTION:
		dns_stop(hc);
		check_done(hc, false, "malformed reply: the question is not ours");
		return 1;
	case HEALTH_DNS_ANSWER:
		break;
	}
	health_rcode_name(rcode, got, sizeof(got));
	if (rcode != hc->cfg->dns.rcode) {
		dns_stop(hc);
		check_done(hc, false, "rcode %s, expected %s", got,
		    health_rcode_name(hc->cfg->dns.rcode, want, sizeof(want)));
		return 1;
	}
	check_done(hc, true, "%s in %.1f ms", got, (double)rtt_us / 1000.0);
	return 1;
}

static void
dns_read(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct health_check *hc = io->arg;
	uint8_t buf[DNS_REPLY_MAX];
	ssize_t r;

	while (hc->fd >= 0) {
		r = recv(hc->fd, buf, sizeof(buf), 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (!hc->running) {
			/* A second copy of an answer, or an error queued since: start afresh. */
			dns_stop(hc);
			return;
		}
		if (r < 0) {
			int err = errno;

			dns_stop(hc);
			check_done(hc, false, "no reply: %s", strerror(err));
			return;
		}
		if (dns_reply(hc, buf, (size_t)r, ev_clock_us() - hc->started_us) == 1)
			return;
	}
}

/*
 * Command check
 */

static int
sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int
sys_pidfd_kill(int pidfd)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

/* Reaps p if it has exited; 1 with *si filled, 0 still running, -1 error. */
static int
proc_reap(struct health_proc *p, siginfo_t *si, bool block)
{
	memset(si, 0, sizeof(*si));
	if (waitid((idtype_t)P_PIDFD, (id_t)p->pidfd, si, WEXITED | (block ? 0 : WNOHANG)) < 0)
		return -1;
	return si->si_pid != 0 ? 1 : 0;
}

static void
proc_release(struct health_check *hc, struct health_proc *p)
{
	ev_io_stop(hc->h->loop, &p->io);
	close(p->pidfd);
	p->pidfd = -1;
	p->pid = 0;
	p->state = PROC_FREE;
	if (hc->cur == p)
		hc->cur = NULL;
}

static int
spawn_setup(struct health *h)
{
	sigset_t none, all;

	if (posix_spawn_file_actions_init(&h->fa) != 0)
		return -1;
	if (posix_spawnattr_init(&h->attr) != 0) {
		posix_spawn_file_actions_destroy(&h->fa);
		return -1;
	}
	sigemptyset(&none);
	sigfillset(&all);
	if (posix_spawn_file_actions_addopen(&h->fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&h->fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&h->fa, 1, 2) != 0 ||
	    posix_spawn_file_actions_addclosefrom_np(&h->fa, 3) != 0 ||
	    posix_spawnattr_setsigmask(&h->attr, &none) != 0 ||
	    posix_spawnattr_setsigdefault(&h->attr, &all) != 0 ||
	    posix_spawnattr_setflags(&h->attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) !=
		0) {
		posix_spawnattr_destroy(&h->attr);
		posix_spawn_file_actions_destroy(&h->fa);
		return -1;
	}
	h->spawn_ready = true;
	return 0;
}

static void
cmd_start(struct health_check *hc)
{
	struct health *h = hc->h;
	struct health_proc *p = NULL;
	char *const *argv = hc->cfg->argv;
	siginfo_t si;
	pid_t pid;
	int err;

	for (size_t i = 0; i < 2; i++)
		if (hc->procs[i].state == PROC_FREE)
			p = &hc->procs[i];
	if (p == NULL) {
		check_done(hc, false,
		    "cannot run: the timed-out command (pid %d) is not reaped yet",
		    (int)hc->procs[0].pid);
		return;
	}
	if (strchr(argv[0], '/') != NULL)
		err = posix_spawn(&pid, argv[0], &h->fa, &h->attr, argv, environ);
	else
		err = posix_spawnp(&pid, argv[0], &h->fa, &h->attr, argv, environ);
	if (err != 0) {
		check_done(hc, false, "cannot run: %s: %s", argv[0], strerror(err));
		return;
	}
	hc->last_pid = pid;
	/* Our unreaped child: its pid cannot be reused before we wait for it. */
	p->pidfd = sys_pidfd_open(pid);
	if (p->pidfd < 0) {
		err = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		check_done(hc, false, "cannot run: pidfd_open: %s", strerror(err));
		return;
	}
	p->hc = hc;
	p->pid = pid;
	p->state = PROC_RUNNING;
	ev_io_init(&p->io, p->pidfd, cmd_exited, p);
	if ((err = ev_io_start(h->loop, &p->io, EPOLLIN)) < 0) {
		sys_pidfd_kill(p->pidfd);
		proc_reap(p, &si, true);
		proc_release(hc, p);
		check_done(hc, false, "cannot run: epoll: %s", strerror(-err));
		return;
	}
	hc->cur = p;
}

static void
cmd_exited(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct health_proc *p = io->arg;
	struct health_check *hc = p->hc;
	enum proc_state was = p->state;
	siginfo_t si;
	int r = proc_reap(p, &si, false), err = errno;

	if (r == 0)
		return;
	proc_release(hc, p);
	if (was != PROC_RUNNING) /* a timed-out child, now reaped */
		return;
	if (r < 0)
		check_done(hc, false, "cannot reap the command: %s", strerror(err));
	else if (si.si_code == CLD_EXITED && si.si_status == 0)
		check_done(hc, true, "exit status 0 in %.1f ms",
		    (double)(ev_clock_us() - hc->started_us) / 1000.0);
	else if (si.si_code == CLD_EXITED)
		check_done(hc, false, "exit status %d", si.si_status);
	else
		check_done(hc, false, "killed by signal %d (%s)", si.si_status,
		    strsignal(si.si_status));
}

static void
cmd_timeout(struct health_check *hc)
{
	struct health_proc *p = hc->cur;
	pid_t pid = 0;

	if (p != NULL) {
		pid = p->pid;
		sys_pidfd_kill(p->pidfd);
		p->state = PROC_KILLED; /* cmd_exited reaps it when it is gone */
		hc->cur = NULL;
	}
	check_done(hc, false, "timeout after %u ms (pid %d killed)", hc->cfg->timeout_ms, (int)pid);
}

static void
cmd_close(struct health_check *hc)
{
	siginfo_t si;

	for (size_t i = 0; i < 2; i++) {
		struct health_proc *p = &hc->procs[i];

		if (p->state == PROC_FREE)
			continue;
		sys_pidfd_kill(p->pidfd);
		proc_reap(p, &si, true);
		proc_release(hc, p);
	}
}

/*
 * Runtime API
 */

struct health *
health_open(struct ev_loop *loop, const struct health_check_config *cfg, size_t n,
    health_notify_fn notify, void *arg)
{
	struct health *h = calloc(1, sizeof(*h) + n * sizeof(h->checks[0]));
	uint64_t now;

	if (h == NULL)
		return NULL;
	h->loop = loop;
	h->notify = notify;
	h->arg = arg;
	h->n = n;
	for (size_t i = 0; i < n; i++)
		if (cfg[i].kind == HEALTH_COMMAND && !h->spawn_ready && spawn_setup(h) < 0) {
			free(h);
			return NULL;
		}
	now = ev_now_us(loop);
	for (size_t i = 0; i < n; i++) {
		struct health_check *hc = &h->checks[i];

		hc->h = h;
		hc->idx = i;
		hc->cfg = &cfg[i];
		hc->fd = -1;
		hc->procs[0].pidfd = hc->procs[1].pidfd = -1;
		hc->state = HEALTH_UNKNOWN;
		hc->last_change_us = now;
		hc->last_change_wall_us = wall_us();
		if (cfg[i].kind == HEALTH_DNS &&
		    (hc->query_len = health_dns_query(hc->query, sizeof(hc->query), 0,
			 cfg[i].dns.qname, cfg[i].dns.qtype)) == 0) {
			/* the parser checked the name: a caller's broken config */
			fatal("health check %s: cannot encode the query for %s", cfg[i].name,
			    cfg[i].dns.qname);
		}
		ev_timer_init(&hc->next_timer, next_fired, hc);
		ev_timer_init(&hc->timeout_timer, timeout_fired, hc);
		ev_timer_start(loop, &hc->next_timer, 0);
	}
	return h;
}

void
health_close(struct health *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++) {
		struct health_check *hc = &h->checks[i];

		ev_timer_stop(h->loop, &hc->next_timer);
		ev_timer_stop(h->loop, &hc->timeout_timer);
		kind_ops[hc->cfg->kind].close(hc);
	}
	if (h->spawn_ready) {
		posix_spawnattr_destroy(&h->attr);
		posix_spawn_file_actions_destroy(&h->fa);
	}
	free(h);
}

size_t
health_count(const struct health *h)
{
	return h->n;
}

void
health_get_info(const struct health *h, size_t i, struct health_info *info)
{
	const struct health_check *hc = &h->checks[i];

	memset(info, 0, sizeof(*info));
	info->name = hc->cfg->name;
	info->kind = hc->cfg->kind;
	info->state = hc->state;
	info->running = hc->running;
	info->passes_in_row = hc->passes_in_row;
	info->failures_in_row = hc->failures_in_row;
	info->checks = hc->checks;
	info->passes = hc->passes;
	info->failures = hc->failures;
	memcpy(info->last_result, hc->last_result, sizeof(info->last_result));
	info->last_passed = hc->last_passed;
	info->last_rtt_us = hc->last_rtt_us;
	info->last_change_us = hc->last_change_us;
	info->last_change_wall_us = hc->last_change_wall_us;
	info->last_pid = hc->last_pid;
	for (size_t k = 0; k < hc->hist_len; k++)
		info->history[k] = hc->hist[(hc->hist_first + k) % HEALTH_HISTORY];
	info->nhistory = hc->hist_len;
}

bool
health_prefix_down(const struct health *h, const struct prefix *pfx)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->checks[i].state == HEALTH_DOWN &&
		    health_config_covers(h->checks[i].cfg, pfx))
			return true;
	return false;
}

/*
 * Unit tests of anybgpd's service health checks (nodes/bgp/health.c): the
 * "health" configuration with its errors, a DNS check against a responder on
 * 127.0.0.1 run on the same event loop (answers, SERVFAIL, silence, garbage),
 * and command checks (/bin/true, /bin/false, a sleeping command killed on
 * timeout and reaped, descriptors and signal mask of the child). No root.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <criterion/criterion.h>

#include "health.h"
#include "wire.h"

/*
 * Configuration
 */

static struct health_check_config *C;
static size_t N;
static struct cfg_errors E;

static int
parse(const char *json)
{
	cJSON *j;
	int r;

	cfg_errors_init(&E, "lab.json");
	j = jc_parse_string(json, &E);
	cr_assert_not_null(j, "JSON syntax: %s", json);
	r = health_config_parse(j, "nodes.dc001.bgp.health", &C, &N, &E);
	cJSON_Delete(j);
	return r;
}

/* The config is rejected, leaves nothing, and its first error reads exactly text. */
static void
expect_error(const char *json, const char *text)
{
	char buf[600];

	cr_assert_eq(parse(json), -1, "accepted: %s", json);
	cr_assert_null(C, "a rejected config leaves nothing");
	cr_assert_eq(N, 0);
	cr_assert_gt(E.count, 0);
	cr_assert_str_eq(cfg_error_text(&E, 0, buf, sizeof(buf)), text);
}

Test(health_config, dns_with_defaults)
{
	cr_assert_eq(parse("[ { \"name\": \"dns\", \"dns\": { \"server\": \"51.51.51.51\","
			   "    \"qname\": \"server.zone.tst\" } } ]"),
	    0);
	cr_assert_eq(N, 1);
	cr_assert_str_eq(C[0].name, "dns");
	cr_assert_eq(C[0].kind, HEALTH_DNS);
	cr_assert_eq(C[0].dns.server.family, AF_INET);
	cr_assert_eq(C[0].dns.port, 53);
	cr_assert_str_eq(C[0].dns.qname, "server.zone.tst");
	cr_assert_eq(C[0].dns.qtype, 1, "default A");
	cr_assert_eq(C[0].dns.rcode, 0, "default NOERROR");
	cr_assert_eq(C[0].interval_ms, 100, "the issue's default: every 100 ms");
	cr_assert_eq(C[0].timeout_ms, 100, "timeout defaults to the interval");
	cr_assert_eq(C[0].rise, 3);
	cr_assert_eq(C[0].fall, 3);
	cr_assert_eq(C[0].nprefixes, 0);
	health_config_free(C, N);
}

Test(health_config, full)
{
	struct prefix p51, p52;

	cr_assert_eq(
	    parse("[ { \"name\": \"dns\", \"dns\": { \"server\": \"2001:db8::53\", \"port\": 5353,"
		  "    \"qname\": \"zone.tst.\", \"qtype\": \"soa\", \"rcode\": \"NXDOMAIN\" },"
		  "    \"interval_ms\": 100, \"timeout_ms\": 80, \"rise\": 2, \"fall\": 5,"
		  "    \"prefixes\": [\"51.51.51.0/24\"] },"
		  "  { \"name\": \"dig\", \"command\": [\"/usr/bin/dig\", \"+short\", \"x\"],"
		  "    \"interval_ms\": 500 },"
		  "  { \"name\": \"num\", \"dns\": { \"server\": \"10.0.0.1\", \"qname\": \".\","
		  "    \"qtype\": 65280, \"rcode\": 5 } } ]"),
	    0);
	cr_assert_eq(N, 3);
	cr_assert_eq(C[0].dns.server.family, AF_INET6);
	cr_assert_eq(C[0].dns.port, 5353);
	cr_assert_eq(C[0].dns.qtype, 6);
	cr_assert_eq(C[0].dns.rcode, 3);
	cr_assert_eq(C[0].interval_ms, 100);
	cr_assert_eq(C[0].timeout_ms, 80);
	cr_assert_eq(C[0].rise, 2);
	cr_assert_eq(C[0].fall, 5);
	cr_assert_eq(C[0].nprefixes, 1);
	cr_assert_eq(C[1].kind, HEALTH_COMMAND);
	cr_assert_eq(C[1].argc, 3);
	cr_assert_str_eq(C[1].argv[0], "/usr/bin/dig");
	cr_assert_str_eq(C[1].argv[2], "x");
	cr_assert_null(C[1].argv[3]);
	cr_assert_eq(C[1].timeout_ms, 500);
	cr_assert_eq(C[2].dns.qtype, 65280);
	cr_assert_eq(C[2].dns.rcode, 5);

	prefix_parse("51.51.51.0/24", &p51, false);
	prefix_parse("52.52.52.0/24", &p52, false);
	cr_assert(health_config_covers(&C[0], &p51));
	cr_assert_not(health_config_covers(&C[0], &p52));
	cr_assert(health_config_covers(&C[1], &p52), "no prefixes: every originated one");

	cfg_errors_init(&E, "lab.json");
	cr_assert_eq(health_config_check_prefixes(C, N, &p51, 1, "nodes.dc001.bgp.health", &E), 0);
	cr_assert_eq(health_config_check_prefixes(C, N, &p52, 1, "nodes.dc001.bgp.health", &E), -1);
	{
		char buf[300];

		cr_assert_str_eq(cfg_error_text(&E, 0, buf, sizeof(buf)),
		    "lab.json: nodes.dc001.bgp.health[0].prefixes[0]: expected a prefix listed "
		    "in \"originate\", found 51.51.51.0/24");
	}
	health_config_free(C, N);
}

Test(health_config, absent_is_empty)
{
	cfg_errors_init(&E, "lab.json");
	cr_assert_eq(health_config_parse(NULL, "health", &C, &N, &E), 0);
	cr_assert_null(C);
	cr_assert_eq(N, 0);
	cr_assert_eq(E.count, 0);
}

Test(health_config, errors)
{
	expect_error("{}", "lab.json: nodes.dc001.bgp.health: expected an array of health checks");
	expect_error("[ { \"dns\": { \"server\": \"1.1.1.1\", \"qname\": \"a\" } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].name: missing; this key is required");
	expect_error("[ { \"name\": \"a b\", \"command\": [\"true\"] } ]",
	    "lab.json: nodes.dc001.bgp.health[0].name: expected 1 to 63 letters, digits, '-', "
	    "'_' or '.', found \"a b\"");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"], \"every\": 3 } ]",
	    "lab.json: nodes.dc001.bgp.health[0].every: unknown key \"every\"; expected one of: "
	    "name, dns, command, interval_ms, timeout_ms, rise, fall, prefixes");
	expect_error("[ { \"name\": \"x\" } ]",
	    "lab.json: nodes.dc001.bgp.health[0]: expected \"dns\" (a DNS query) or \"command\" "
	    "(a program's exit status)");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"], \"dns\": { \"server\": "
		     "\"1.1.1.1\", \"qname\": \"a\" } } ]",
	    "lab.json: nodes.dc001.bgp.health[0]: expected exactly one of \"dns\" and "
	    "\"command\", found both");
	expect_error("[ { \"name\": \"x\", \"command\": \"/bin/true\" } ]",
	    "lab.json: nodes.dc001.bgp.health[0].command: expected an array, found a string");
	expect_error("[ { \"name\": \"x\", \"command\": [] } ]",
	    "lab.json: nodes.dc001.bgp.health[0].command: expected the program and its "
	    "arguments, found an empty array");
	expect_error("[ { \"name\": \"x\", \"command\": [\"bin/dig\"] } ]",
	    "lab.json: nodes.dc001.bgp.health[0].command[0]: expected an absolute path or a "
	    "program name to look up in PATH, found \"bin/dig\"");
	expect_error("[ { \"name\": \"x\", \"command\": [\"/bin/echo\", 3] } ]",
	    "lab.json: nodes.dc001.bgp.health[0].command[1]: expected a string, found a number");
	expect_error("[ { \"name\": \"x\", \"dns\": { \"qname\": \"a\" } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.server: missing; this key is required");
	expect_error(
	    "[ { \"name\": \"x\", \"dns\": { \"server\": \"dns.tst\", \"qname\": \"a\" } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.server: expected an IPv4 or IPv6 address, "
	    "found \"dns.tst\"");
	expect_error("[ { \"name\": \"x\", \"dns\": { \"server\": \"1.1.1.1\" } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.qname: missing; this key is required");
	expect_error("[ { \"name\": \"x\", \"dns\": { \"server\": \"1.1.1.1\", \"qname\": "
		     "\"a..b\" } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.qname: expected a domain name of labels of "
	    "1 to 63 octets, at most 255 octets in all, found \"a..b\"");
	expect_error("[ { \"name\": \"x\", \"dns\": { \"server\": \"1.1.1.1\", \"qname\": "
		     "\"a\", \"qtype\": \"BOGUS\" } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.qtype: expected a query type (A, AAAA, TXT, "
	    "SOA, NS, MX, ...) or a number from 1 to 65535, found \"BOGUS\"");
	expect_error("[ { \"name\": \"x\", \"dns\": { \"server\": \"1.1.1.1\", \"qname\": "
		     "\"a\", \"qtype\": 0 } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.qtype: expected an integer from 1 to 65535, "
	    "found 0");
	expect_error("[ { \"name\": \"x\", \"dns\": { \"server\": \"1.1.1.1\", \"qname\": "
		     "\"a\", \"rcode\": 16 } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.rcode: expected an integer from 0 to 15, "
	    "found 16");
	expect_error("[ { \"name\": \"x\", \"dns\": { \"server\": \"1.1.1.1\", \"qname\": "
		     "\"a\", \"rcode\": \"OK\" } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.rcode: expected an RCODE (NOERROR, "
	    "SERVFAIL, NXDOMAIN, REFUSED, ...) or a number from 0 to 15, found \"OK\"");
	expect_error("[ { \"name\": \"x\", \"dns\": { \"server\": \"1.1.1.1\", \"qname\": "
		     "\"a\", \"tcp\": true } } ]",
	    "lab.json: nodes.dc001.bgp.health[0].dns.tcp: unknown key \"tcp\"; expected one of: "
	    "server, port, qname, qtype, rcode");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"], \"interval_ms\": 100, "
		     "\"timeout_ms\": 200 } ]",
	    "lab.json: nodes.dc001.bgp.health[0].timeout_ms: expected an integer from 1 to 100, "
	    "found 200");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"], \"interval_ms\": 5 } ]",
	    "lab.json: nodes.dc001.bgp.health[0].interval_ms: expected an integer from 10 to "
	    "3600000, found 5");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"], \"fall\": 0 } ]",
	    "lab.json: nodes.dc001.bgp.health[0].fall: expected an integer from 1 to 100, found 0");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"], \"prefixes\": [] } ]",
	    "lab.json: nodes.dc001.bgp.health[0].prefixes: expected at least one prefix (leave "
	    "\"prefixes\" out to cover every originated prefix)");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"], \"prefixes\": "
		     "[\"51.51.51.1/24\"] } ]",
	    "lab.json: nodes.dc001.bgp.health[0].prefixes[0]: expected a network prefix with no "
	    "host bits set (\"10.0.0.0/24\"), found \"51.51.51.1/24\"");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"], \"prefixes\": "
		     "[\"51.51.51.0/24\", \"51.51.51.0/24\"] } ]",
	    "lab.json: nodes.dc001.bgp.health[0].prefixes[1]: expected each prefix once; "
	    "51.51.51.0/24 is also [0]");
	expect_error("[ { \"name\": \"x\", \"command\": [\"true\"] },"
		     "  { \"name\": \"x\", \"command\": [\"false\"] } ]",
	    "lab.json: nodes.dc001.bgp.health[1].name: expected each check name once; \"x\" is "
	    "also nodes.dc001.bgp.health[0]");
}

/*
 * The DNS codec
 */

Test(health_codec, query_bytes)
{
	static const uint8_t want[] = { 0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 6, 's', 'e', 'r', 'v', 'e', 'r', 4, 'z', 'o', 'n', 'e', 3, 't', 's',
		't', 0, 0x00, 0x10, 0x00, 0x01 };
	uint8_t buf[300];

	cr_assert_eq(health_dns_query(buf, sizeof(buf), 0x1234, "server.zone.tst", 16),
	    sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want));
	cr_assert_eq(health_dns_query(buf, sizeof(buf), 0x1234, "server.zone.tst.", 16),
	    sizeof(want), "a trailing dot is the same name");
	cr_assert_eq(health_dns_query(buf, sizeof(buf), 1, ".", 6), 17, "the root");
	cr_assert_eq(health_dns_query(buf, 20, 1, "server.zone.tst", 16), 0, "no room");
	cr_assert_eq(health_dns_query(buf, sizeof(buf), 1, "a..b", 1), 0);
}

Test(health_codec, reply_verdicts)
{
	uint8_t q[300], r[300];
	size_t qlen = health_dns_query(q, sizeof(q), 0xbeef, "Server.Zone.tst", 16);
	unsigned rcode = 99;

	memcpy(r, q, qlen);
	r[2] = 0x84; /* QR, AA */
	r[3] = 0x03; /* NXDOMAIN */
	r[12 + 1] = 'S';
	r[12 + 8] = 'z';
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_ANSWER);
	cr_assert_eq(rcode, 3);
	cr_assert_eq(health_dns_reply(q, qlen, r, 11, &rcode), HEALTH_DNS_SHORT);
	cr_assert_eq(health_dns_reply(q, qlen, r, 12, &rcode), HEALTH_DNS_OTHER_QUESTION);
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen - 1, &rcode), HEALTH_DNS_OTHER_QUESTION);
	r[2] = 0x04;
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_NOT_RESPONSE);
	r[2] = 0x84 | (5 << 3); /* opcode UPDATE */
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_NOT_RESPONSE);
	r[2] = 0x84;
	r[0] ^= 1;
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_OTHER_ID);
	r[0] ^= 1;
	r[qlen - 3] = 1; /* type A */
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_OTHER_QUESTION);
	r[qlen - 3] = 16;
	r[qlen - 1] = 3; /* class CH */
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_OTHER_QUESTION);
	r[qlen - 1] = 1;
	r[12 + 2] = 'x';
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_OTHER_QUESTION);
	r[12 + 2] = 'e';
	r[5] = 2; /* QDCOUNT 2 */
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_OTHER_QUESTION);
	r[5] = 1;
	r[12] = 0xc0; /* a compression pointer instead of the name */
	cr_assert_eq(health_dns_reply(q, qlen, r, qlen, &rcode), HEALTH_DNS_OTHER_QUESTION);
}

/*
 * Running checks: helpers
 */

struct note {
	size_t check;
	bool up;
	char why[HEALTH_WHY_MAX];
	uint64_t checks; /* finished checks when notified */
};

static struct ev_loop *L;
static struct health *H;
static struct note notes[32];
static size_t nnotes;
static size_t break_after_notes; /* 0: never */

static void
on_notify(void *arg, size_t check, bool up, const char *why)
{
	struct health_info info;

	cr_assert_eq(arg, &notes, "the owner's argument");
	cr_assert_lt(nnotes, sizeof(notes) / sizeof(notes[0]));
	health_get_info(H, check, &info);
	cr_assert_eq(info.state, up ? HEALTH_UP : HEALTH_DOWN, "state set before notify");
	notes[nnotes].check = check;
	notes[nnotes].up = up;
	snprintf(notes[nnotes].why, sizeof(notes[nnotes].why), "%s", why);
	notes[nnotes].checks = info.checks;
	nnotes++;
	if (break_after_notes && nnotes == break_after_notes)
		ev_break(L);
}

static void
setup(void)
{
	L = ev_loop_new();
	cr_assert_not_null(L);
	nnotes = 0;
	break_after_notes = 0;
}

static void
teardown(void)
{
	health_close(H);
	H = NULL;
	health_config_free(C, N);
	C = NULL;
	N = 0;
	ev_loop_free(L);
}

static void
deadline_fired(struct ev_loop *loop, struct ev_timer *t)
{
	*(bool *)t->arg = true;
	ev_break(loop);
}

/* Runs the loop until it breaks; false when ms passed first. */
static bool
run_for(unsigned ms)
{
	struct ev_timer deadline;
	bool expired = false;

	ev_timer_init(&deadline, deadline_fired, &expired);
	ev_timer_start(L, &deadline, EV_MS(ms));
	ev_run(L);
	ev_timer_stop(L, &deadline);
	return !expired;
}

struct until {
	bool (*cond)(void *);
	void *arg;
	struct ev_timer poll;
};

static void
poll_fired(struct ev_loop *loop, struct ev_timer *t)
{
	struct until *u = t->arg;

	if (u->cond(u->arg))
		ev_break(loop);
	else
		ev_timer_start(loop, t, EV_MS(1));
}

/* Runs the loop until cond holds (polled every millisecond); false after ms. */
static bool
run_until(bool (*cond)(void *), void *arg, unsigned ms)
{
	struct until u = { cond, arg, { 0 } };
	bool ok;

	ev_timer_init(&u.poll, poll_fired, &u);
	ev_timer_start(L, &u.poll, 0);
	ok = run_for(ms);
	ev_timer_stop(L, &u.poll);
	return ok && cond(arg);
}

static uint64_t want_checks;

static bool
checks_reached(void *arg)
{
	struct health_info info;

	health_get_info(H, (size_t)(uintptr_t)arg, &info);
	return info.checks >= want_checks;
}

static void
run_checks(size_t check, uint64_t n, unsigned ms)
{
	want_checks = n;
	cr_assert(run_until(checks_reached, (void *)(uintptr_t)check, ms),
	    "check %zu did not finish %llu checks in %u ms", check, (unsigned long long)n, ms);
}

/* Parses json into C and N and opens the checks on L as H. */
static void
open_checks(const char *json)
{
	cr_assert_eq(parse(json), 0, "config: %s", json);
	H = health_open(L, C, N, on_notify, &notes);
	cr_assert_not_null(H);
}

/*
 * A DNS responder on 127.0.0.1, on the same loop. Each query gets what
 * script[query number] says (the last entry repeats).
 */

enum reply_mode {
	R_NOERROR,
	R_SERVFAIL,
	R_SILENT,
	R_SHORT,	  /* 5 bytes */
	R_OTHER_QUESTION, /* right ID, another name */
	R_OTHER_ID,	  /* wrong ID, then nothing */
	R_QUERY,	  /* QR=0 */
	R_TWICE,	  /* the answer sent twice */
};

struct responder {
	int fd;
	uint16_t port;
	struct ev_io io;
	const enum reply_mode *script;
	size_t nscript;
	size_t queries;
	bool rd_seen;
	uint16_t last_qtype;
	uint16_t ports[16]; /* each query's source port */
};

static void
responder_read(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct responder *r = io->arg;
	uint8_t q[512], out[512];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	struct wire_rd rd;
	struct wire_wr w;
	enum reply_mode mode;
	uint16_t id, flags;
	size_t qend;
	ssize_t n;

	n = recvfrom(r->fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fromlen);
	if (n < 0)
		return;
	mode = r->script[r->queries < r->nscript ? r->queries : r->nscript - 1];
	if (r->queries < sizeof(r->ports) / sizeof(r->ports[0]))
		r->ports[r->queries] = ntohs(((struct sockaddr_in *)&from)->sin_port);
	r->queries++;
	wire_rd_init(&rd, q, (size_t)n);
	id = wire_u16(&rd);
	flags = wire_u16(&rd);
	cr_assert_eq(wire_u16(&rd), 1, "QDCOUNT 1");
	wire_skip(&rd, 6);
	if (flags & 0x0100)
		r->rd_seen = true;
	while (wire_left(&rd) > 0) {
		uint8_t len = wire_u8(&rd);

		if (len == 0)
			break;
		wire_skip(&rd, len);
	}
	r->last_qtype = wire_u16(&rd);
	cr_assert_eq(wire_u16(&rd), 1, "class IN");
	cr_assert_eq(rd.err, 0, "query well formed");
	qend = wire_offset(&rd);

	wire_wr_init(&w, out, sizeof(out));
	switch (mode) {
	case R_SILENT:
		return;
	case R_SHORT:
		wire_put(&w, q, 5);
		break;
	case R_OTHER_ID:
		id ^= 0x5555;
		/* FALLTHROUGH */
	case R_NOERROR:
	case R_SERVFAIL:
	case R_QUERY:
	case R_TWICE:
		wire_put_u16(&w, id);
		wire_put_u16(&w,
		    (uint16_t)((mode == R_QUERY ? 0 : 0x8000) | 0x0400 |
			(mode == R_SERVFAIL ? 2 : 0)));
		wire_put_u16(&w, 1);
		wire_put_u16(&w, 0);
		wire_put_u16(&w, 0);
		wire_put_u16(&w, 0);
		/* The question echoed with the name in upper case (RFC 4343). */
		for (size_t i = 12; i < qend; i++)
			wire_put_u8(&w, (q[i] >= 'a' && q[i] <= 'z') ? (uint8_t)(q[i] - 32) : q[i]);
		break;
	case R_OTHER_QUESTION:
		wire_put_u16(&w, id);
		wire_put_u16(&w, 0x8400);
		wire_put_u16(&w, 1);
		wire_put_u16(&w, 0);
		wire_put_u16(&w, 0);
		wire_put_u16(&w, 0);
		wire_put(&w, "\5other\3tst\0", 11);
		wire_put_u16(&w, 1);
		wire_put_u16(&w, 1);
		break;
	}
	cr_assert_eq(w.err, 0);
	sendto(r->fd, out, w.len, 0, (struct sockaddr *)&from, fromlen);
	if (mode == R_TWICE)
		sendto(r->fd, out, w.len, 0, (struct sockaddr *)&from, fromlen);
}

static void
responder_start(struct responder *r, const enum reply_mode *script, size_t n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);

	memset(r, 0, sizeof(*r));
	r->script = script;
	r->nscript = n;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	cr_assert_geq(r->fd, 0);
	cr_assert_eq(bind(r->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(getsockname(r->fd, (struct sockaddr *)&sin, &len), 0);
	r->port = ntohs(sin.sin_port);
	ev_io_init(&r->io, r->fd, responder_read, r);
	cr_assert_eq(ev_io_start(L, &r->io, EPOLLIN), 0);
}

static void
responder_stop(struct responder *r)
{
	ev_io_stop(L, &r->io);
	close(r->fd);
}

static const char *
dns_json(uint16_t port, const char *extra)
{
	static char buf[600];

	snprintf(buf, sizeof(buf),
	    "[ { \"name\": \"dns\", \"dns\": { \"server\": \"127.0.0.1\", \"port\": %u,"
	    "    \"qname\": \"server.zone.tst\", \"qtype\": \"TXT\" }, %s } ]",
	    port, extra);
	return buf;
}

/*
 * DNS checks
 */

TestSuite(health_dns, .init = setup, .fini = teardown);

Test(health_dns, rise_and_fall)
{
	/* unknown -(2 passes)-> up -(3 SERVFAIL)-> down -(2 passes)-> up -(3 timeouts)-> down */
	static const enum reply_mode script[] = { R_NOERROR, R_NOERROR, R_NOERROR, R_SERVFAIL,
		R_SERVFAIL, R_SERVFAIL, R_NOERROR, R_NOERROR, R_SILENT };
	struct responder r;
	struct health_info info;

	responder_start(&r, script, sizeof(script) / sizeof(script[0]));
	open_checks(
	    dns_json(r.port, "\"interval_ms\": 60, \"timeout_ms\": 50, \"rise\": 2, \"fall\": 3"));
	health_get_info(H, 0, &info);
	cr_assert_eq(info.state, HEALTH_UNKNOWN);
	cr_assert_str_eq(info.name, "dns");
	cr_assert_eq(info.nhistory, 0);

	break_after_notes = 4;
	cr_assert(run_for(5000), "4 state changes within 5 s (got %zu)", nnotes);
	cr_assert_eq(nnotes, 4);
	cr_assert(notes[0].up);
	cr_assert_eq(notes[0].checks, 2, "up after exactly rise passes");
	cr_assert_not(notes[1].up);
	cr_assert_eq(notes[1].checks, 6, "down after exactly fall failures");
	cr_assert_str_eq(notes[1].why,
	    "3 consecutive failures, last: rcode SERVFAIL, expected NOERROR");
	cr_assert(notes[2].up);
	cr_assert_eq(notes[2].checks, 8);
	cr_assert_not(notes[3].up);
	cr_assert_eq(notes[3].checks, 11);
	cr_assert_str_eq(notes[3].why, "3 consecutive failures, last: timeout after 50 ms");
	cr_assert_eq(r.last_qtype, 16, "TXT asked");
	cr_assert_not(r.rd_seen, "RD=0");

	health_get_info(H, 0, &info);
	cr_assert_eq(info.state, HEALTH_DOWN);
	cr_assert_eq(info.checks, 11);
	cr_assert_eq(info.passes, 5);
	cr_assert_eq(info.failures, 6);
	cr_assert_eq(info.failures_in_row, 3);
	cr_assert_eq(info.passes_in_row, 0);
	cr_assert_str_eq(info.last_result, "timeout after 50 ms");
	cr_assert_eq(info.nhistory, 4);
	cr_assert_eq(info.history[0].from, HEALTH_UNKNOWN);
	cr_assert_eq(info.history[0].to, HEALTH_UP);
	cr_assert_eq(info.history[1].from, HEALTH_UP);
	cr_assert_eq(info.history[1].to, HEALTH_DOWN);
	cr_assert_eq(info.history[2].to, HEALTH_UP);
	cr_assert_eq(info.history[3].to, HEALTH_DOWN);
	cr_assert_str_eq(info.history[3].why, notes[3].why);
	cr_assert_not_null(strstr(info.history[0].why, "2 consecutive passes, last: NOERROR in "),
	    "%s", info.history[0].why);
	for (size_t i = 1; i < 4; i++) {
		cr_assert_gt(info.history[i].mono_us, info.history[i - 1].mono_us);
		cr_assert_geq(info.history[i].wall_us, info.history[i - 1].wall_us);
	}
	cr_assert_eq(info.last_change_us, info.history[3].mono_us);
	cr_assert_gt(info.history[0].wall_us, 1600000000ULL * 1000000ULL);

	/* The target: every originated prefix, withdrawn while down. */
	{
		struct prefix p;

		prefix_parse("51.51.51.0/24", &p, false);
		cr_assert(health_prefix_down(H, &p));
	}
	responder_stop(&r);
}

Test(health_dns, first_check_at_once_then_every_interval)
{
	static const enum reply_mode script[] = { R_NOERROR };
	struct responder r;
	struct health_info info;

	responder_start(&r, script, 1);
	open_checks(dns_json(r.port, "\"interval_ms\": 300, \"rise\": 1"));
	run_for(100);
	health_get_info(H, 0, &info);
	cr_assert_eq(info.checks, 1, "one check in the first 100 ms, not %llu",
	    (unsigned long long)info.checks);
	cr_assert_eq(info.state, HEALTH_UP);
	cr_assert_eq(nnotes, 1, "unknown -> up is notified");
	cr_assert(notes[0].up);
	cr_assert_not_null(strstr(info.last_result, "NOERROR in "), "%s", info.last_result);
	cr_assert_lt(info.last_rtt_us, 50000);
	run_for(300);
	health_get_info(H, 0, &info);
	cr_assert_eq(info.checks, 2, "the second after the interval");
	cr_assert_eq(nnotes, 1, "no notify while the state stays");
	responder_stop(&r);
}

Test(health_dns, malformed_replies_fail)
{
	static const enum reply_mode script[] = { R_SHORT, R_OTHER_QUESTION, R_QUERY, R_OTHER_ID,
		R_NOERROR };
	static const char *const want[] = {
		"malformed reply: 5 bytes, shorter than a DNS header",
		"malformed reply: the question is not ours",
		"malformed reply: not a response to a standard query",
		"timeout after 40 ms", /* the wrong ID is ignored */
	};
	struct responder r;
	struct health_info info;

	responder_start(&r, script, sizeof(script) / sizeof(script[0]));
	open_checks(dns_json(r.port,
	    "\"interval_ms\": 50, \"timeout_ms\": 40, \"fall\": 1, "
	    "\"rise\": 1"));
	for (size_t i = 0; i < 4; i++) {
		run_checks(0, i + 1, 2000);
		health_get_info(H, 0, &info);
		cr_assert_str_eq(info.last_result, want[i]);
		cr_assert_not(info.last_passed);
		cr_assert_eq(info.state, HEALTH_DOWN);
	}
	run_checks(0, 5, 2000);
	health_get_info(H, 0, &info);
	cr_assert(info.last_passed);
	cr_assert_eq(info.state, HEALTH_UP);
	cr_assert_eq(nnotes, 2);
	cr_assert_not(notes[0].up);
	cr_assert_eq(notes[0].checks, 1);
	cr_assert(notes[1].up);
	responder_stop(&r);
}

Test(health_dns, timeout_at_the_interval)
{
	static const enum reply_mode script[] = { R_SILENT };
	struct responder r;
	struct health_info info;

	/* timeout_ms defaults to interval_ms: each check has failed when the next is due. */
	responder_start(&r, script, 1);
	open_checks(dns_json(r.port, "\"interval_ms\": 50, \"fall\": 2"));
	run_checks(0, 3, 2000);
	health_get_info(H, 0, &info);
	cr_assert_eq(info.failures, 3);
	cr_assert_str_eq(info.last_result, "timeout after 50 ms");
	cr_assert_geq(r.queries, 3, "a query per interval");
	cr_assert_eq(info.state, HEALTH_DOWN);
	cr_assert_eq(nnotes, 1);
	cr_assert_eq(notes[0].checks, 2);
	responder_stop(&r);
}

Test(health_dns, refused_port_fails)
{
	static const enum reply_mode script[] = { R_NOERROR };
	struct responder r;
	struct health_info info;
	uint16_t port;

	responder_start(&r, script, 1);
	port = r.port;
	responder_stop(&r); /* nothing listens there now: ICMP port unreachable */
	open_checks(dns_json(port, "\"fall\": 1"));
	run_checks(0, 1, 2000);
	health_get_info(H, 0, &info);
	cr_assert_str_eq(info.last_result, "no reply: Connection refused");
	cr_assert_eq(info.state, HEALTH_DOWN);
	cr_assert_eq(nnotes, 1);
}

Test(health_dns, socket_kept_while_answered)
{
	/* Passes share one socket; the timeout's query too; after it, a new socket. */
	static const enum reply_mode script[] = { R_NOERROR, R_NOERROR, R_NOERROR, R_SILENT,
		R_NOERROR, R_NOERROR };
	struct responder r;
	struct health_info info;

	responder_start(&r, script, sizeof(script) / sizeof(script[0]));
	open_checks(dns_json(r.port, "\"interval_ms\": 50, \"timeout_ms\": 40, \"rise\": 1"));
	run_checks(0, 6, 3000);
	health_get_info(H, 0, &info);
	cr_assert_eq(info.passes, 5);
	cr_assert_eq(info.failures, 1);
	cr_assert_geq(r.queries, 6);
	for (size_t i = 1; i < 4; i++)
		cr_assert_eq(r.ports[i], r.ports[0], "query %zu from port %u, the first from %u", i,
		    r.ports[i], r.ports[0]);
	cr_assert_neq(r.ports[4], r.ports[3], "a new socket after the timeout");
	cr_assert_eq(r.ports[5], r.ports[4]);
	responder_stop(&r);
}

Test(health_dns, duplicate_answer_ignored)
{
	/* The second copy arrives between checks: it is dropped with the socket, no failure. */
	static const enum reply_mode script[] = { R_TWICE, R_NOERROR, R_NOERROR };
	struct responder r;
	struct health_info info;

	responder_start(&r, script, sizeof(script) / sizeof(script[0]));
	open_checks(dns_json(r.port, "\"interval_ms\": 50, \"timeout_ms\": 40, \"rise\": 1"));
	run_checks(0, 3, 3000);
	health_get_info(H, 0, &info);
	cr_assert_eq(info.passes, 3, "%s", info.last_result);
	cr_assert_eq(info.failures, 0);
	cr_assert_neq(r.ports[1], r.ports[0], "the socket that got the copy is replaced");
	cr_assert_eq(r.ports[2], r.ports[1]);
	responder_stop(&r);
}

/*
 * Command checks
 */

TestSuite(health_cmd, .init = setup, .fini = teardown);

Test(health_cmd, true_and_false)
{
	struct health_info info;
	struct prefix p51, p52;

	open_checks(
	    "[ { \"name\": \"t\", \"command\": [\"/bin/true\"], \"interval_ms\": 200,"
	    "    \"rise\": 2, \"prefixes\": [\"52.52.52.0/24\"] },"
	    "  { \"name\": \"f\", \"command\": [\"false\"], \"interval_ms\": 200, \"fall\": 2,"
	    "    \"prefixes\": [\"51.51.51.0/24\"] } ]");
	break_after_notes = 2;
	cr_assert(run_for(3000));
	cr_assert_eq(nnotes, 2);
	for (size_t i = 0; i < 2; i++) {
		cr_assert_eq(notes[i].checks, 2, "after exactly 2 checks");
		cr_assert_eq(notes[i].up, notes[i].check == 0);
	}
	health_get_info(H, 0, &info);
	cr_assert_eq(info.state, HEALTH_UP);
	cr_assert_not_null(strstr(info.last_result, "exit status 0 in "), "%s", info.last_result);
	cr_assert_gt(info.last_pid, 0);
	health_get_info(H, 1, &info);
	cr_assert_eq(info.state, HEALTH_DOWN);
	cr_assert_str_eq(info.last_result, "exit status 1");
	cr_assert_str_eq(info.history[0].why, "2 consecutive failures, last: exit status 1");

	prefix_parse("51.51.51.0/24", &p51, false);
	prefix_parse("52.52.52.0/24", &p52, false);
	cr_assert(health_prefix_down(H, &p51));
	cr_assert_not(health_prefix_down(H, &p52));
}

Test(health_cmd, cannot_run)
{
	struct health_info info;

	open_checks(
	    "[ { \"name\": \"x\", \"command\": [\"/nonexistent/prog\"], \"fall\": 1 },"
	    "  { \"name\": \"y\", \"command\": [\"no-such-program-here\"], \"fall\": 1 } ]");
	break_after_notes = 2;
	cr_assert(run_for(2000));
	health_get_info(H, 0, &info);
	cr_assert_str_eq(info.last_result,
	    "cannot run: /nonexistent/prog: No such file or directory");
	cr_assert_eq(info.state, HEALTH_DOWN);
	health_get_info(H, 1, &info);
	cr_assert_str_eq(info.last_result,
	    "cannot run: no-such-program-here: No such file or directory");
}

static pid_t watched_pid;

static bool
pid_gone(void *arg)
{
	return kill(watched_pid, 0) < 0 && errno == ESRCH;
}

Test(health_cmd, timeout_kills_and_reaps)
{
	struct health_info info;
	int status;

	open_checks("[ { \"name\": \"sleep\", \"command\": [\"/bin/sleep\", \"30\"],"
		    "    \"interval_ms\": 200, \"timeout_ms\": 50, \"fall\": 1 } ]");
	break_after_notes = 1;
	cr_assert(run_for(2000));
	health_get_info(H, 0, &info);
	cr_assert_eq(info.state, HEALTH_DOWN);
	cr_assert_eq(info.checks, 1);
	watched_pid = info.last_pid;
	cr_assert_gt(watched_pid, 0);
	{
		char want[HEALTH_TEXT_MAX];

		snprintf(want, sizeof(want), "timeout after 50 ms (pid %d killed)",
		    (int)watched_pid);
		cr_assert_str_eq(info.last_result, want);
	}
	cr_assert_geq(info.last_rtt_us, 50000);
	/* Reaped by the loop, not by us: no zombie, the pid is gone, not our child any more. */
	cr_assert(run_until(pid_gone, NULL, 2000), "pid %d still exists (zombie?)",
	    (int)watched_pid);
	cr_assert_eq(waitpid(watched_pid, &status, WNOHANG), -1);
	cr_assert_eq(errno, ECHILD);
}

static pid_t seen_pids[8];
static size_t nseen;

static bool
three_timeouts(void *arg)
{
	struct health_info info;

	health_get_info(H, 0, &info);
	if (info.last_pid != 0 && (nseen == 0 || seen_pids[nseen - 1] != info.last_pid) &&
	    nseen < 8)
		seen_pids[nseen++] = info.last_pid;
	return info.checks >= 3;
}

Test(health_cmd, timeout_at_the_interval)
{
	struct health_info info;

	/* The killed child is reaped by the loop while the next one already runs. */
	nseen = 0;
	open_checks("[ { \"name\": \"sleep\", \"command\": [\"/bin/sleep\", \"30\"],"
		    "    \"interval_ms\": 50, \"fall\": 1 } ]");
	cr_assert(run_until(three_timeouts, NULL, 3000));
	health_get_info(H, 0, &info);
	cr_assert_eq(info.failures, 3);
	cr_assert_not_null(strstr(info.last_result, "timeout after 50 ms (pid "), "%s",
	    info.last_result);
	cr_assert_geq(nseen, 3, "a new child per check");
	health_close(H);
	H = NULL;
	for (size_t i = 0; i < nseen; i++) {
		watched_pid = seen_pids[i];
		cr_assert(pid_gone(NULL), "pid %d left behind", (int)watched_pid);
	}
}

Test(health_cmd, close_kills_and_reaps)
{
	struct health_info info;

	open_checks("[ { \"name\": \"sleep\", \"command\": [\"/bin/sleep\", \"30\"],"
		    "    \"interval_ms\": 5000 } ]");
	run_for(50);
	health_get_info(H, 0, &info);
	cr_assert(info.running);
	watched_pid = info.last_pid;
	cr_assert_eq(kill(watched_pid, 0), 0, "the command runs");
	health_close(H);
	H = NULL;
	cr_assert(pid_gone(NULL), "pid %d still exists after health_close", (int)watched_pid);
	cr_assert_eq(nnotes, 0);
}

Test(health_cmd, child_environment)
{
	char json[900];
	struct health_info info;
	sigset_t block;
	int leak;

	/* A descriptor without close-on-exec and a blocked signal, as in anybgpd. */
	leak = open("/dev/null", O_RDONLY);
	cr_assert_geq(leak, 3);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	/* test(1) and grep(1) run directly, so /proc/self is the spawned child itself. */
	snprintf(json, sizeof(json),
	    "[ { \"name\": \"fd\", \"command\": [\"test\", \"!\", \"-e\","
	    "    \"/proc/self/fd/%d\"], \"interval_ms\": 1000, \"timeout_ms\": 1000, \"rise\": 1, \"fall\": 1 },"
	    "  { \"name\": \"stdio\", \"command\": [\"/bin/sh\", \"-c\","
	    "    \"test $(readlink /proc/$$/fd/0) = /dev/null && "
	    "test $(readlink /proc/$$/fd/1) = /dev/null && "
	    "test $(readlink /proc/$$/fd/2) = /dev/null\"], \"interval_ms\": 1000, \"timeout_ms\": 1000, \"rise\": 1, \"fall\": 1 },"
	    "  { \"name\": \"sigmask\", \"command\": [\"grep\", \"-q\","
	    "    \"^SigBlk:[[:space:]]*0*$\", \"/proc/self/status\"], \"interval_ms\": 1000, \"timeout_ms\": 1000, \"rise\": 1, "
	    "\"fall\": 1 } ]",
	    leak);
	open_checks(json);
	break_after_notes = 3;
	/* 1 s timeouts: a loaded machine under ASan may take 100 ms to spawn a shell. */
	cr_assert(run_for(5000));
	for (size_t i = 0; i < 3; i++) {
		health_get_info(H, i, &info);
		cr_assert_eq(info.state, HEALTH_UP, "%s: %s", info.name, info.last_result);
	}
	/* The same check must fail when the condition does not hold. */
	health_close(H);
	H = NULL;
	health_config_free(C, N);
	C = NULL;
	nnotes = 0;
	snprintf(json, sizeof(json),
	    "[ { \"name\": \"fd\", \"command\": [\"test\", \"!\", \"-e\","
	    "    \"/proc/self/fd/0\"], \"rise\": 1, \"fall\": 1 } ]");
	open_checks(json);
	break_after_notes = 1;
	cr_assert(run_for(3000));
	health_get_info(H, 0, &info);
	cr_assert_eq(info.state, HEALTH_DOWN);
	close(leak);
}

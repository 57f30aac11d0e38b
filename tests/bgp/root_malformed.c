/*
 * A table of crafted malformed messages sent from a raw TCP socket to a live
 * anybgpd (needs root): each must be answered as RFC 4271 section 6, RFC
 * 6608, RFC 7606 and RFC 4486 say (the NOTIFICATION read back with its code
 * and subcode, or treat-as-withdraw with the session kept), while the daemon
 * keeps serving its other peer (a second anybgpd) without a flap. Also what
 * must not be answered or dropped: a NOTIFICATION, malformed or not, is never
 * answered with one (RFC 4271 6.4); a peer without any MP capability speaks
 * IPv4 unicast (RFC 4760 8); a route whose NEXT_HOP is one of our addresses
 * is ignored without a NOTIFICATION (RFC 4271 6.3); a LARGE_COMMUNITY is kept,
 * shown and passed on (RFC 8092).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <criterion/criterion.h>

#include "bgp/helper_netns.h"
#include "bgp_msg.h"

#define MARKER "ffffffffffffffffffffffffffffffff"

static struct tnet T;
static const char *NA, *NR, *NC;

enum stage {
	ST_CONNECTED,	/* TCP up, the daemon's OPEN read: ours not sent */
	ST_OPENCONFIRM, /* our OPEN sent, its KEEPALIVE read: we did not confirm */
	ST_ESTABLISHED, /* both KEEPALIVEs exchanged */
};

struct mcase {
	const char *name;
	enum stage stage;
	const char *hex; /* the message, spaces and '|' ignored */
	int code;	 /* expected NOTIFICATION; 0: none, session stays */
	int subcode;
	unsigned hold; /* our OPEN's hold time (0: 9) */
};

static const struct mcase cases[] = {
	{ "marker not all ones", ST_CONNECTED, "ffffffffffffffffffffffffffffff00 0013 04", 1, 1,
	    0 },
	{ "length below the header", ST_CONNECTED, MARKER "0012 04", 1, 2, 0 },
	{ "length above 4096", ST_ESTABLISHED, MARKER "1001 02", 1, 2, 0 },
	{ "unknown message type", ST_ESTABLISHED, MARKER "0013 07", 1, 3, 0 },
	{ "KEEPALIVE of 20 octets", ST_ESTABLISHED, MARKER "0014 04 00", 1, 2, 0 },
	{ "ROUTE-REFRESH of 24 octets", ST_ESTABLISHED, MARKER "0018 05 0001 00 01 00", 1, 2, 0 },
	{ "OPEN version 3", ST_CONNECTED, MARKER "001d 01 03 fdea 0009 0a000002 00", 2, 1, 0 },
	{ "OPEN from the wrong AS", ST_CONNECTED, MARKER "001d 01 04 fdeb 0009 0a000002 00", 2, 2,
	    0 },
	{ "OPEN with BGP Identifier 0", ST_CONNECTED, MARKER "001d 01 04 fdea 0009 00000000 00", 2,
	    3, 0 },
	{ "OPEN with hold time 2", ST_CONNECTED, MARKER "001d 01 04 fdea 0002 0a000002 00", 2, 6,
	    0 },
	{ "OPEN with an authentication parameter", ST_CONNECTED,
	    MARKER "0021 01 04 fdea 0009 0a000002 04 01 02 0000", 2, 4, 0 },
	{ "UPDATE in OpenConfirm", ST_OPENCONFIRM, MARKER "0017 02 0000 0000", 5, 2, 0 },
	{ "OPEN in Established", ST_ESTABLISHED, MARKER "001d 01 04 fdea 0009 0a000002 00", 5, 3,
	    0 },
	{ "UPDATE attribute length overrun", ST_ESTABLISHED, MARKER "001a 02 0000 0004 400101", 3,
	    1, 0 },
	{ "UPDATE NLRI prefix length 33", ST_ESTABLISHED, MARKER "001d 02 0000 0000 21 0a000001 00",
	    3, 10, 0 },
	{ "UPDATE unrecognized well-known attribute", ST_ESTABLISHED,
	    MARKER "001d 02 0000 0006 40 63 03 010203", 3, 2, 0 },
	{ "UPDATE with MP_UNREACH_NLRI twice", ST_ESTABLISHED,
	    MARKER "0027 02 0000 0010 80 0f 03 0002 01 | 80 0f 03 0002 01 | 40 01 01 00", 3, 1, 0 },
	{ "UPDATE ORIGIN 5: treat-as-withdraw", ST_ESTABLISHED,
	    MARKER "002f 02 0000 0014 400101 05 400206 02 01 0000fdea 400304 0a000002 18 3c3c3c", 0,
	    0, 0 },
	{ "UPDATE LARGE_COMMUNITY of 11 octets: treat-as-withdraw (RFC 8092 6)", ST_ESTABLISHED,
	    MARKER "003d 02 0000 0022 400101 00 400206 02 01 0000fdea 400304 0a000002"
		   " c0200b 0000fdea 00000001 000000 18 3c3c3c",
	    0, 0, 0 },
	{ "silence past the hold time", ST_ESTABLISHED, NULL, 4, 0, 3 },
	{ "three prefixes over max_prefixes 2", ST_ESTABLISHED,
	    MARKER "0037 02 0000 0014 400101 00 400206 02 01 0000fdea 400304 0a000002"
		   " 18 3c3c3d 18 3c3c3e 18 3c3c3f",
	    6, 1, 0 },
};

/* The valid announcement the treat-as-withdraw case takes back. */
static const char good_update[] = MARKER
    "002f 02 0000 0014 400101 00 400206 02 01 0000fdea 400304 0a000002 18 3c3c3c";

static size_t
hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s && n < cap) {
		unsigned v;

		if (*s == ' ' || *s == '|') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void
setup(void)
{
	const char *why;
	char p[128];
	int fd;

	if (!tn_can_run(&why))
		cr_skip_test("%s", why);
	cr_assert_eq(tn_init(&T, "bx"), 0);
	NA = tn_ns(&T, "a");
	NR = tn_ns(&T, "r");
	NC = tn_ns(&T, "c");
	cr_assert(NA && NR && NC);
	cr_assert_eq(tn_veth(&T, NA, "eth0", NR, "eth0"), 0);
	cr_assert_eq(tn_veth(&T, NA, "eth1", NC, "eth0"), 0);
	tn_addr(NA, "eth0", "10.0.0.1/24");
	tn_addr(NR, "eth0", "10.0.0.2/24");
	tn_addr(NA, "eth1", "10.0.1.1/24");
	tn_addr(NC, "eth0", "10.0.1.2/24");
	tn_write(&T, "a.json",
	    "{ \"asn\": 65001, \"router_id\": \"10.0.0.1\", \"hold_time\": 9,\n"
	    "  \"originate\": [\"51.51.51.0/24\"],\n"
	    "  \"peers\": [\n"
	    "    { \"address\": \"10.0.0.2\", \"asn\": 65002, \"passive\": true,\n"
	    "      \"max_prefixes\": 2, \"import\": \"all\", \"export\": \"all\" },\n"
	    "    { \"address\": \"10.0.1.2\", \"asn\": 65003, \"import\": \"all\", \"export\": \"all\" } ] }\n");
	tn_write(&T, "c.json",
	    "{ \"asn\": 65003, \"router_id\": \"10.0.1.2\", \"hold_time\": 9,\n"
	    "  \"originate\": [\"53.53.53.0/24\"],\n"
	    "  \"peers\": [ { \"address\": \"10.0.1.1\", \"asn\": 65001, \"import\": \"all\",\n"
	    "      \"export\": \"all\" } ] }\n");
	cr_assert_gt(tn_anybgpd_start(&T, NA, "a"), 0);
	cr_assert_gt(tn_anybgpd_start(&T, NC, "c"), 0);
	cr_assert(TN_WAIT(10000, tn_peer_state(&T, "a", "10.0.1.2", "Established")));
	cr_assert(TN_WAIT(5000, tn_kernel_nexthops(NA, "53.53.53.0/24", "186") == 1));
	/* This process becomes the raw peer 10.0.0.2. */
	snprintf(p, sizeof(p), "/run/netns/%s", NR);
	fd = open(p, O_RDONLY);
	cr_assert(fd >= 0 && setns(fd, CLONE_NEWNET) == 0);
	close(fd);
}

static void
teardown(void)
{
	tn_cleanup(&T);
}

static int
raw_connect(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(179) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "10.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One whole message; its type, or 0 on EOF, -1 on timeout. */
static int
read_msg(int fd, uint8_t *buf, size_t *len, int timeout_ms)
{
	size_t have = 0, want = BGP_HDR_LEN;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (have < want) {
		ssize_t n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -1;
		n = read(fd, buf + have, want - have);
		if (n <= 0)
			return 0;
		have += (size_t)n;
		if (have == BGP_HDR_LEN) {
			want = (size_t)buf[16] << 8 | buf[17];
			if (want < BGP_HDR_LEN || want > BGP_MAX_MSG)
				return 0;
		}
	}
	*len = have;
	return buf[18];
}

/* Reads until a message of type want; NOTIFICATIONs stop it too. */
static int
read_until(int fd, int want, uint8_t *buf, size_t *len, int timeout_ms)
{
	for (;;) {
		int t = read_msg(fd, buf, len, timeout_ms);

		if (t <= 0 || t == want || t == BGP_MSG_NOTIFICATION)
			return t;
	}
}

static void
send_hex(int fd, const char *h)
{
	uint8_t m[BGP_MAX_MSG];
	size_t n = hex(h, m, sizeof(m));

	cr_assert_eq(write(fd, m, n), (ssize_t)n);
}

static void
send_open(int fd, unsigned hold)
{
	uint8_t m[BGP_MAX_MSG];
	bool af[BGP_AF_COUNT] = { true, false };
	struct bgp_open o;
	struct wire_wr w;

	bgp_open_init(&o, 65002, (uint16_t)hold, 0x0A000002, af);
	wire_wr_init(&w, m, sizeof(m));
	cr_assert_eq(bgp_open_write(&w, &o), 0);
	cr_assert_eq(write(fd, m, w.len), (ssize_t)w.len);
}

static void
send_keepalive(int fd)
{
	send_hex(fd, MARKER "0013 04");
}

/* Connects and brings the session to the case's stage. */
static int
reach(const struct mcase *c)
{
	uint8_t m[BGP_MAX_MSG];
	size_t len;
	int fd = -1;

	for (int i = 0; i < 40 && fd < 0; i++) {
		fd = raw_connect();
		if (fd < 0)
			usleep(100000);
	}
	cr_assert_geq(fd, 0, "%s: cannot connect", c->name);
	cr_assert_eq(read_until(fd, BGP_MSG_OPEN, m, &len, 3000), BGP_MSG_OPEN,
	    "%s: no OPEN from the daemon", c->name);
	if (c->stage == ST_CONNECTED)
		return fd;
	send_open(fd, c->hold ? c->hold : 9);
	cr_assert_eq(read_until(fd, BGP_MSG_KEEPALIVE, m, &len, 3000), BGP_MSG_KEEPALIVE,
	    "%s: no KEEPALIVE after our OPEN", c->name);
	if (c->stage == ST_OPENCONFIRM)
		return fd;
	send_keepalive(fd);
	cr_assert(TN_WAIT(3000, tn_peer_state(&T, "a", "10.0.0.2", "Established")),
	    "%s: not established", c->name);
	return fd;
}

static void
other_peer_unharmed(const char *after)
{
	cr_assert(tn_peer_state(&T, "a", "10.0.1.2", "Established"),
	    "after %s: the other session is not established", after);
	cr_assert_eq(tn_peer_num(&T, "a", "10.0.1.2", "established_count"), 1,
	    "after %s: the other session flapped", after);
	cr_assert_eq(tn_kernel_nexthops(NA, "53.53.53.0/24", "186"), 1,
	    "after %s: the other peer's route left the kernel", after);
}

Test(malformed, each_answered_as_the_rfcs_say, .init = setup, .fini = teardown, .timeout = 300)
{
	int failures = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mcase *c = &cases[i];
		uint8_t m[BGP_MAX_MSG];
		size_t len = 0;
		int fd, t;

		/* From whatever the last case left: start the passive peer afresh. */
		cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
		cr_assert(TN_WAIT(3000, tn_peer_state(&T, "a", "10.0.0.2", "Active")));
		fd = reach(c);
		if (c->code == 0) {
			/* Treat-as-withdraw: the route goes, the session stays. */
			double taw = tn_peer_num(&T, "a", "10.0.0.2", "treat_as_withdraw");

			send_hex(fd, good_update);
			cr_assert(TN_WAIT(3000, tn_routes(&T, "a", "60.60.60.0/24", false) == 1),
			    "%s: the valid announcement was not taken", c->name);
			send_hex(fd, c->hex);
			cr_assert(TN_WAIT(3000, tn_routes(&T, "a", "60.60.60.0/24", false) == 0),
			    "%s: the route was not withdrawn", c->name);
			t = read_until(fd, BGP_MSG_NOTIFICATION, m, &len, 1500);
			cr_expect_neq(t, BGP_MSG_NOTIFICATION, "%s: unexpected NOTIFICATION",
			    c->name);
			cr_expect(tn_peer_state(&T, "a", "10.0.0.2", "Established"),
			    "%s: session not kept", c->name);
			cr_expect_eq(tn_peer_num(&T, "a", "10.0.0.2", "treat_as_withdraw"), taw + 1,
			    "%s: not counted as treat-as-withdraw", c->name);
		} else {
			if (c->hex)
				send_hex(fd, c->hex);
			/* Keepalives of the daemon may come first; the hold case waits. */
			t = read_until(fd, BGP_MSG_NOTIFICATION, m, &len, c->hex ? 3000 : 6000);
			if (t != BGP_MSG_NOTIFICATION || m[19] != c->code || m[20] != c->subcode) {
				cr_log_error("%s: expected NOTIFICATION %d/%d, got %s %d/%d",
				    c->name, c->code, c->subcode,
				    t == BGP_MSG_NOTIFICATION ? "NOTIFICATION" : "nothing",
				    t == BGP_MSG_NOTIFICATION ? m[19] : 0,
				    t == BGP_MSG_NOTIFICATION ? m[20] : 0);
				failures++;
			} else {
				cr_log_info("%s: NOTIFICATION %d/%d", c->name, m[19], m[20]);
				if (c->code == 6 && c->subcode == 1) {
					/* RFC 4486 4: AFI 1, SAFI 1, the limit 2 */
					static const uint8_t want[] = { 0, 1, 1, 0, 0, 0, 2 };

					cr_expect_eq(len, 21 + sizeof(want),
					    "%s: Cease data length %zu", c->name, len - 21);
					cr_expect(len >= 21 + sizeof(want) &&
						memcmp(m + 21, want, sizeof(want)) == 0,
					    "%s: Cease data is not AFI/SAFI/limit", c->name);
				}
				/* Then the daemon closes the connection. */
				cr_expect_eq(read_msg(fd, m, &len, 3000), 0,
				    "%s: connection not closed after the NOTIFICATION", c->name);
			}
		}
		close(fd);
		other_peer_unharmed(c->name);
	}
	cr_assert_eq(failures, 0, "%d cases were not answered as expected", failures);
	/* A NOTIFICATION from the peer is not answered with one. */
	{
		const struct mcase est = { "peer's Cease", ST_ESTABLISHED, NULL, 0, 0, 0 };
		uint8_t m[BGP_MAX_MSG];
		size_t len;
		int fd;

		cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
		cr_assert(TN_WAIT(3000, tn_peer_state(&T, "a", "10.0.0.2", "Active")));
		fd = reach(&est);
		send_hex(fd, MARKER "0015 03 06 02");
		cr_assert_eq(read_until(fd, BGP_MSG_NOTIFICATION, m, &len, 3000), 0,
		    "expected the connection closed without a NOTIFICATION back");
		close(fd);
		cr_assert(TN_WAIT(3000, !tn_peer_state(&T, "a", "10.0.0.2", "Established")));
		other_peer_unharmed("the peer's Cease");
	}
	/*
	 * Nor is a malformed one (20 octets, below the 21 of RFC 4271 4.5):
	 * RFC 4271 6.1 would call it Bad Message Length, but 6.4 forbids
	 * answering a NOTIFICATION with one. In OpenSent and in Established.
	 */
	for (int st = 0; st < 2; st++) {
		const struct mcase c = { "NOTIFICATION of 20 octets",
			st ? ST_ESTABLISHED : ST_CONNECTED, NULL, 0, 0, 0 };
		uint8_t m[BGP_MAX_MSG];
		size_t len;
		int fd;
		double nin;

		cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
		cr_assert(TN_WAIT(3000, tn_peer_state(&T, "a", "10.0.0.2", "Active")));
		nin = tn_peer_num(&T, "a", "10.0.0.2", "notifications_in");
		fd = reach(&c);
		send_hex(fd, MARKER "0014 03 06");
		cr_assert_eq(read_until(fd, BGP_MSG_NOTIFICATION, m, &len, 3000), 0,
		    "%s (%s): expected the connection closed without a NOTIFICATION back", c.name,
		    st ? "Established" : "OpenSent");
		close(fd);
		cr_assert(TN_WAIT(3000, !tn_peer_state(&T, "a", "10.0.0.2", "Established")));
		cr_assert_eq(tn_peer_num(&T, "a", "10.0.0.2", "notifications_in"), nin + 1);
		other_peer_unharmed(c.name);
	}
}

/* Connects, sends the OPEN given in hex and confirms: the session Established. */
static int
establish_with(const char *open_hex)
{
	uint8_t m[BGP_MAX_MSG];
	size_t len;
	int fd = -1;

	cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
	cr_assert(TN_WAIT(3000, tn_peer_state(&T, "a", "10.0.0.2", "Active")));
	for (int i = 0; i < 40 && fd < 0; i++) {
		fd = raw_connect();
		if (fd < 0)
			usleep(100000);
	}
	cr_assert_geq(fd, 0, "cannot connect");
	cr_assert_eq(read_until(fd, BGP_MSG_OPEN, m, &len, 3000), BGP_MSG_OPEN);
	send_hex(fd, open_hex);
	cr_assert_eq(read_until(fd, BGP_MSG_KEEPALIVE, m, &len, 3000), BGP_MSG_KEEPALIVE,
	    "no KEEPALIVE after our OPEN");
	send_keepalive(fd);
	cr_assert(TN_WAIT(3000, tn_peer_state(&T, "a", "10.0.0.2", "Established")));
	return fd;
}

/*
 * Reads the daemon's UPDATEs for up to timeout_ms and says whether one
 * announced want ("51.51.51.0/24") in the IPv4 NLRI field.
 */
static bool
announced_to_us(int fd, const char *want, int timeout_ms)
{
	struct bgp_peer_ctx ctx;
	uint8_t m[BGP_MAX_MSG];
	size_t len;
	int t;

	memset(&ctx, 0, sizeof(ctx));
	ctx.as4 = true;
	ctx.ebgp = true;
	ctx.local_as = 65002;
	ctx.peer_as = 65001;
	ctx.af[BGP_AF_IPV4_UNICAST] = true;
	while ((t = read_msg(fd, m, &len, timeout_ms)) > 0) {
		struct bgp_update u;
		struct bgp_err err;
		struct bgp_nlri_iter it;
		struct prefix p;
		char pb[PREFIX_STRLEN];
		bool found = false;

		if (t == BGP_MSG_NOTIFICATION)
			return false;
		if (t != BGP_MSG_UPDATE)
			continue;
		bgp_err_clear(&err);
		if (bgp_update_decode(m, len, &ctx, &u, &err) == 0) {
			bgp_update_announced(&u, &it);
			while (bgp_nlri_iter_next(&it, &p, NULL))
				if (strcmp(prefix_ntop(&p, pb, sizeof(pb)), want) == 0)
					found = true;
		}
		bgp_update_clear(&u);
		if (found)
			return true;
	}
	return false;
}

/*
 * A peer that sends no multiprotocol capability (here only the 4-octet AS
 * one, as some old speakers and BIRD's "capabilities off" minus AS4 do)
 * speaks IPv4 unicast in the base protocol (RFC 4760 8, RFC 5492 3): its
 * route is taken and ours are sent to it, in the IPv4 fields.
 */
Test(malformed, open_without_mp_capability_speaks_ipv4, .init = setup, .fini = teardown,
    .timeout = 60)
{
	int fd = establish_with(MARKER "0025 01 04 fdea 0009 0a000002 08 02 06 41 04 0000fdea");

	cr_assert(announced_to_us(fd, "51.51.51.0/24", 3000),
	    "the daemon sent no IPv4 route to a peer without MP capability");
	send_hex(fd, good_update);
	cr_assert(TN_WAIT(3000, tn_routes(&T, "a", "60.60.60.0/24", false) == 1),
	    "the route of a peer without MP capability was not taken");
	cr_assert(tn_peer_state(&T, "a", "10.0.0.2", "Established"));
	cr_assert_eq(tn_peer_num(&T, "a", "10.0.0.2", "unnegotiated_in"), 0);
	close(fd);
	other_peer_unharmed("a peer without MP capability");
}

/* An IPv4 route from AS 65002 with the given 3-octet /24 and NEXT_HOP (hex). */
static void
send_v4_route(int fd, const char *pfx24, const char *nh)
{
	char h[512];

	snprintf(h, sizeof(h),
	    MARKER "002f 02 0000 0014 400101 00 400206 02 01 0000fdea 400304 %s 18 %s", nh, pfx24);
	send_hex(fd, h);
}

/* An IPv6 /48 (6 octets, hex) in MP_REACH_NLRI with the given global next hop. */
static void
send_v6_route(int fd, const char *pfx48, const char *nh)
{
	char h[512];

	snprintf(h, sizeof(h),
	    MARKER "0043 02 0000 002c 400101 00 400206 02 01 0000fdea"
		   " 800e1c 0002 01 10 %s 00 30 %s",
	    nh, pfx48);
	send_hex(fd, h);
}

/*
 * RFC 4271 5.1.3 (a) and 6.3: a NEXT_HOP that is one of the receiving
 * speaker's own addresses is semantically incorrect; the route is ignored
 * (it replaces, and so removes, the peer's previous route for the prefix),
 * logged, no NOTIFICATION, the session kept. Ours: the session's local
 * address, another interface's, an anycast /32 on lo, and for IPv6 the global next hop
 * of MP_REACH_NLRI. Each ignored route is followed by a valid one, so that
 * "not in the RIB" is read after the daemon has handled it.
 */
Test(malformed, nexthop_of_our_own_is_ignored, .init = setup, .fini = teardown, .timeout = 60)
{
	uint8_t m[BGP_MAX_MSG];
	size_t len;
	int fd;

	cr_assert_eq(tn_sh("ip -n %s addr add fd00::1/64 dev eth0 nodad", NA), 0);
	cr_assert_eq(tn_sh("ip -n %s addr add fd00::2/64 dev eth0 nodad", NR), 0);
	cr_assert_eq(tn_sh("ip -n %s link set lo up", NA), 0);
	cr_assert_eq(tn_addr(NA, "lo", "192.0.2.1/32"), 0);
	/* MP IPv4 and IPv6 unicast, 4-octet AS. */
	fd = establish_with(MARKER "0031 01 04 fdea 0009 0a000002 14 02 12"
				   " 01 04 0001 00 01 | 01 04 0002 00 01 | 41 04 0000fdea");
	send_v4_route(fd, "3c3c3c", "0a000002");
	cr_assert(TN_WAIT(3000, tn_routes(&T, "a", "60.60.60.0/24", false) == 1));
	/* The same prefix with the session's local address: ignored, the old one gone. */
	send_v4_route(fd, "3c3c3c", "0a000001");
	cr_assert(TN_WAIT(3000, tn_routes(&T, "a", "60.60.60.0/24", false) == 0),
	    "a route whose NEXT_HOP is our session address was kept");
	/* Another interface's address, and an anycast /32 on lo (127/8 is not a
	 * valid host address at all: treat-as-withdraw, RFC 7606 7.3). */
	send_v4_route(fd, "3d3d3d", "0a000101");
	send_v4_route(fd, "3e3e3e", "c0000201");
	send_v4_route(fd, "3f3f3f", "0a000002");
	cr_assert(TN_WAIT(3000, tn_routes(&T, "a", "63.63.63.0/24", false) == 1));
	cr_assert_eq(tn_routes(&T, "a", "61.61.61.0/24", false), 0,
	    "a route whose NEXT_HOP is our other interface's address was taken");
	cr_assert_eq(tn_routes(&T, "a", "62.62.62.0/24", false), 0,
	    "a route whose NEXT_HOP is our anycast address on lo was taken");
	/* IPv6: MP_REACH_NLRI's next hop our own fd00::1, then a valid one. */
	send_v6_route(fd, "20010db80060", "fd000000000000000000000000000001");
	send_v6_route(fd, "20010db80061", "fd000000000000000000000000000002");
	cr_assert(TN_WAIT(3000, tn_routes(&T, "a", "2001:db8:61::/48", false) == 1));
	cr_assert_eq(tn_routes(&T, "a", "2001:db8:60::/48", false), 0,
	    "an IPv6 route whose next hop is our own address was taken");
	/* Ignored, not an error: no NOTIFICATION, the session stays, each counted. */
	cr_assert_neq(read_until(fd, BGP_MSG_NOTIFICATION, m, &len, 1000), BGP_MSG_NOTIFICATION);
	cr_assert(tn_peer_state(&T, "a", "10.0.0.2", "Established"));
	cr_assert_eq(tn_peer_num(&T, "a", "10.0.0.2", "nexthop_self_in"), 4, "nexthop_self_in %g",
	    tn_peer_num(&T, "a", "10.0.0.2", "nexthop_self_in"));
	cr_assert_eq(tn_peer_num(&T, "a", "10.0.0.2", "treat_as_withdraw"), 0);
	close(fd);
	other_peer_unharmed("routes with our own next hop");
}

/* The large communities of node's one path for prefix, comma-separated ("" when none). */
static void
large_communities_of(const char *node, const char *prefix, char *out, size_t cap)
{
	char req[128];
	cJSON *j, *r, *l;
	const cJSON *v;
	size_t n = 0;

	out[0] = '\0';
	snprintf(req, sizeof(req), "routes %s", prefix);
	j = tn_ctl(&T, node, req);
	r = j ? cJSON_GetArrayItem(cJSON_GetObjectItem(j, "routes"), 0) : NULL;
	l = r ? cJSON_GetObjectItem(r, "large_communities") : NULL;
	cJSON_ArrayForEach(v, l) {
		if (cJSON_IsString(v))
			n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "",
			    v->valuestring);
	}
	cJSON_Delete(j);
}

/*
 * LARGE_COMMUNITY (RFC 8092) received on the wire is kept with the route,
 * shown by `routes` and passed on to the other peer (optional transitive),
 * where the next anybgpd decodes and shows it too.
 */
Test(malformed, large_community_kept_shown_and_passed_on, .init = setup, .fini = teardown,
    .timeout = 60)
{
	const struct mcase c = { "large community", ST_ESTABLISHED, NULL, 0, 0, 0 };
	char lc[256];
	int fd;

	cJSON_Delete(tn_ctl(&T, "a", "reset 10.0.0.2"));
	cr_assert(TN_WAIT(3000, tn_peer_state(&T, "a", "10.0.0.2", "Active")));
	fd = reach(&c);
	send_hex(fd,
	    MARKER "003e 02 0000 0023 400101 00 400206 02 01 0000fdea 400304 0a000002"
		   " c0200c 0000fdea 00000001 00000002 18 3c3c3c");
	cr_assert(TN_WAIT(3000, tn_routes(&T, "a", "60.60.60.0/24", false) == 1));
	large_communities_of("a", "60.60.60.0/24", lc, sizeof(lc));
	cr_assert_str_eq(lc, "65002:1:2", "a's routes show large communities \"%s\"", lc);
	cr_assert(TN_WAIT(5000, tn_routes(&T, "c", "60.60.60.0/24", false) == 1),
	    "c did not get the route");
	large_communities_of("c", "60.60.60.0/24", lc, sizeof(lc));
	cr_assert_str_eq(lc, "65002:1:2", "c's routes show large communities \"%s\"", lc);
	cr_assert_eq(tn_peer_num(&T, "a", "10.0.0.2", "treat_as_withdraw"), 0);
	close(fd);
}

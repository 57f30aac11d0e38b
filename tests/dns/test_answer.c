/*
 * Answering logic, every rcode path of issue 3, without sockets: queries are
 * built with the codec, answered by dns_answer, the responses parsed back.
 * The zones come from a JSON config (inline records, a master file), so the
 * config reader is exercised too.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_answer.h"
#include "dns_config.h"
#include "dns_msg.h"

static struct dns_zoneset *zs;
static struct dns_answer_cfg acfg = { .identity = "DC001", .edns_size = 1232 };

#define CONFIG_JSON \
	"{ \"identity\": \"DC001\", \"zones\": [" \
	"  { \"origin\": \"zone.tst\", \"records\": [" \
	"    { \"name\": \"server\", \"type\": \"TXT\", \"data\": \"DC001\" } ] }," \
	"  { \"origin\": \"example.tst\", \"file\": \"golden/example.tst.zone\", \"records\": [" \
	"    { \"name\": \"sub\", \"type\": \"NS\", \"data\": \"ns.sub\" }," \
	"    { \"name\": \"sub\", \"type\": \"TYPE43\", \"data\": \"\\\\# 4 30390802\" }," \
	"    { \"name\": \"kid\", \"type\": \"NS\", \"data\": \"ns1\" }," \
	"    { \"name\": \"ns.sub\", \"type\": \"A\", \"data\": \"192.0.2.53\" }," \
	"    { \"name\": \"below.sub\", \"type\": \"A\", \"data\": \"192.0.2.54\" }," \
	"    { \"name\": \"c1\", \"type\": \"CNAME\", \"data\": \"c2\" }," \
	"    { \"name\": \"c2\", \"type\": \"CNAME\", \"data\": \"server\" }," \
	"    { \"name\": \"cnx\", \"type\": \"CNAME\", \"data\": \"nothere\" }," \
	"    { \"name\": \"cout\", \"type\": \"CNAME\", \"data\": \"www.other.tst.\" }," \
	"    { \"name\": \"dn\", \"type\": \"DNAME\", \"data\": \"target.example.tst.\", \"ttl\": 77 }," \
	"    { \"name\": \"www.target\", \"type\": \"A\", \"data\": \"192.0.2.81\" }," \
	"    { \"name\": \"a.b.target\", \"type\": \"A\", \"data\": \"192.0.2.82\" }," \
	"    { \"name\": \"cn.target\", \"type\": \"CNAME\", \"data\": \"www.target\" }," \
	"    { \"name\": \"dnw\", \"type\": \"DNAME\", \"data\": \"wild.example.tst.\" }," \
	"    { \"name\": \"dnout\", \"type\": \"DNAME\", \"data\": \"other.tst.\" }," \
	"    { \"name\": \"dnlong\", \"type\": \"DNAME\", \"data\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.example.tst.\" }," \
	"    { \"name\": \"dnloop\", \"type\": \"DNAME\", \"data\": \"x.dnloop.example.tst.\" }," \
	"    { \"name\": \"ccut\", \"type\": \"CNAME\", \"data\": \"www.sub\" }," \
	"    { \"name\": \"dupmx\", \"type\": \"MX\", \"data\": \"10 mail\" }," \
	"    { \"name\": \"dupmx\", \"type\": \"MX\", \"data\": \"20 MAIL\" }," \
	"    { \"name\": \"ccutx\", \"type\": \"CNAME\", \"data\": \"sub\" }," \
	"    { \"name\": \"cdeeper\", \"type\": \"CNAME\", \"data\": \"x.deeper\" }," \
	"    { \"name\": \"loop1\", \"type\": \"CNAME\", \"data\": \"loop2\" }," \
	"    { \"name\": \"loop2\", \"type\": \"CNAME\", \"data\": \"loop1\" }," \
	"    { \"name\": \"self\", \"type\": \"CNAME\", \"data\": \"self\" }," \
	"    { \"name\": \"loop3\", \"type\": \"CNAME\", \"data\": \"loop4\" }," \
	"    { \"name\": \"loop4\", \"type\": \"CNAME\", \"data\": \"loop5\" }," \
	"    { \"name\": \"loop5\", \"type\": \"CNAME\", \"data\": \"LOOP4\" }," \
	"    { \"name\": \"many\", \"type\": \"TXT\", \"data\": \"%s\", \"ttl\": 5 } ] }," \
	"  { \"origin\": \"deeper.example.tst\", \"records\": [" \
	"    { \"name\": \"@\", \"type\": \"TXT\", \"data\": \"inner zone\" } ] }," \
	"  { \"origin\": \"kid.example.tst\", \"records\": [" \
	"    { \"name\": \"www\", \"type\": \"A\", \"data\": \"192.0.2.70\" } ] } ] }"

static void
setup(void)
{
	char dir[1024], json[8192], big[1100];
	const char *src = getenv("ANYLAB_SOURCE_DIR");
	struct cfg_errors errs;
	struct dns_config cfg;
	cJSON *root;

	/* 4 strings of 250 octets: a 1000-octet TXT, to overflow 512 and fit 1232 */
	big[0] = '\0';
	for (int i = 0; i < 4; i++) {
		size_t l = strlen(big);

		big[l] = i ? ' ' : '\0';
		memset(big + strlen(big), 'a' + i, 250);
		big[l + (i ? 1 : 0) + 250] = '\0';
	}
	snprintf(json, sizeof(json), CONFIG_JSON, big);
	if (src != NULL)
		snprintf(dir, sizeof(dir), "%s/tests/dns", src);
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(__FILE__, '/') - __FILE__),
		    __FILE__);
	cfg_errors_init(&errs, "test.json");
	root = jc_parse_string(json, &errs);
	cr_assert_not_null(root);
	cr_assert_eq(dns_config_parse(root, "nodes.dc001.dns", &cfg, &errs), 0);
	cJSON_Delete(root);
	zs = dns_config_load_zones(&cfg, dir, "dc001", &errs, NULL);
	if (zs == NULL)
		cfg_errors_print(&errs, stderr);
	cr_assert_not_null(zs);
	dns_config_free(&cfg);
}

static void
teardown(void)
{
	dns_zoneset_put(zs);
}

TestSuite(answer, .init = setup, .fini = teardown);

static uint8_t resp[65535];
static size_t resp_len;
static struct dns_msg m;
static struct dns_answer_info info;

/* Answer a query given as raw bytes; parse the response into m. */
static size_t
ask_raw(const uint8_t *q, size_t qlen, enum dns_transport tr)
{
	resp_len = dns_answer(&acfg, zs, q, qlen, tr, resp, sizeof(resp), &info);
	if (resp_len > 0)
		cr_assert_eq(dns_msg_parse(resp, resp_len, &m), DNS_OK, "response does not parse");
	return resp_len;
}

static size_t
ask_spec(struct dns_query_spec *s, enum dns_transport tr)
{
	uint8_t q[512];
	int n;

	s->id = 0x1234;
	n = dns_query_build(s, q, sizeof(q));
	cr_assert_gt(n, 0);
	ask_raw(q, (size_t)n, tr);
	cr_assert_gt(resp_len, 0, "no response");
	cr_assert(dns_msg_matches(&m, s), "response does not match the query");
	return resp_len;
}

static size_t
ask(const char *name, uint16_t type)
{
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT(name, type);

	s.rd = true;
	return ask_spec(&s, DNS_TR_UDP);
}

static void
expect_soa_authority(uint32_t ttl)
{
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 1);
	cr_assert_eq(m.rr[DNS_SEC_AUTHORITY][0].type, DNS_T_SOA);
	cr_assert_eq(m.rr[DNS_SEC_AUTHORITY][0].ttl, ttl);
}

Test(answer, positive_flags_and_txt)
{
	char txt[64];

	ask("server.zone.tst", DNS_T_TXT);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert(m.hdr.flags & DNS_FLAG_AA);
	cr_assert(m.hdr.flags & DNS_FLAG_RD, "RD copied");
	cr_assert_not(m.hdr.flags & DNS_FLAG_RA, "RA clear");
	cr_assert_not(m.hdr.flags & DNS_FLAG_TC);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	cr_assert_eq(dns_msg_first_txt(&m, txt, sizeof(txt)), 1);
	cr_assert_str_eq(txt, "DC001");
	cr_assert_not(m.edns.present, "no OPT when the query had none");
	cr_assert_eq(m.hdr.arcount, 0);
	/* compression: the answer's owner is a pointer to the question */
	cr_assert_eq(resp[12 + 17 + 4], 0xc0);
	cr_assert_eq(resp[12 + 17 + 5], 12);
}

Test(answer, case_preserved_lookup_insensitive)
{
	ask("SeRvEr.ZONE.tst", DNS_T_TXT);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	cr_assert_eq(memcmp(m.qname, "\006SeRvEr\004ZONE", 12), 0);
	cr_assert_eq(memcmp(m.rr[0][0].owner, "\006SeRvEr\004ZONE", 12), 0);
}

Test(answer, nxdomain_with_soa_negative_ttl)
{
	ask("nothere.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NXDOMAIN);
	cr_assert(m.hdr.flags & DNS_FLAG_AA);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	expect_soa_authority(300); /* min(SOA TTL 3600, MINIMUM 300) */
	ask("nothere.zone.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NXDOMAIN);
	expect_soa_authority(3600); /* the default SOA: 3600 and 3600 */
}

Test(answer, nodata_and_unknown_type)
{
	ask("server.zone.tst", DNS_T_AAAA);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	expect_soa_authority(3600);
	ask("server.zone.tst", 4711);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	expect_soa_authority(3600);
	/* an empty non-terminal is NODATA, not NXDOMAIN */
	ask("b.c.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	expect_soa_authority(300);
}

Test(answer, cname_chain_in_zone)
{
	char txt[64];

	ask("c1.example.tst", DNS_T_TXT);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 3);
	cr_assert_eq(m.rr[0][0].type, DNS_T_CNAME);
	cr_assert_eq(m.rr[0][1].type, DNS_T_CNAME);
	cr_assert_eq(m.rr[0][2].type, DNS_T_TXT);
	cr_assert_eq(dns_msg_first_txt(&m, txt, sizeof(txt)), 1);
	cr_assert_str_eq(txt, "DC001");
	/* asking for the CNAME itself does not follow it */
	ask("c1.example.tst", DNS_T_CNAME);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	/* a CNAME to a missing name: NXDOMAIN (RFC 6604) with the CNAME */
	ask("cnx.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NXDOMAIN);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	expect_soa_authority(300);
	/* out of the zone: the CNAME alone, the client follows */
	ask("cout.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 0);
	/* CNAME to the apex */
	ask("www.example.tst", DNS_T_MX);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 3);
}

/* RFC 1034 3.6.2, RFC 2181 5: a loop stops at the first name seen twice, no RRset twice. */
Test(answer, cname_loop_stops_at_first_repeat)
{
	ask("loop1.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 2, "loop1 -> loop2 -> loop1: two CNAMEs, got %u",
	    m.count[DNS_SEC_ANSWER]);
	cr_assert_eq(memcmp(m.rr[0][0].owner, "\005loop1", 6), 0);
	cr_assert_eq(memcmp(m.rr[0][1].owner, "\005loop2", 6), 0);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 0);
	ask("self.example.tst", DNS_T_TXT);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1, "a CNAME to itself: once, got %u",
	    m.count[DNS_SEC_ANSWER]);
	/* a loop entered later (loop3 -> loop4 -> loop5 -> LOOP4), names compared without case */
	ask("loop3.example.tst", DNS_T_A);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 3, "got %u", m.count[DNS_SEC_ANSWER]);
}

Test(answer, refused_outside_and_other_classes)
{
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT("www.other.tst", DNS_T_A);

	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_REFUSED);
	cr_assert_not(m.hdr.flags & DNS_FLAG_AA);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 0);
	s.name = "server.zone.tst";
	s.cls = DNS_C_HS;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_REFUSED);
	s.cls = DNS_C_ANY;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_REFUSED);
	s.cls = DNS_C_IN;
	s.name = "zone.tst";
	s.type = DNS_T_AXFR;
	ask_spec(&s, DNS_TR_TCP);
	cr_assert_eq(m.rcode, DNS_R_REFUSED);
}

Test(answer, chaos_identity)
{
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT("id.server", DNS_T_TXT);
	char txt[64];

	s.cls = DNS_C_CH;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(dns_msg_first_txt(&m, txt, sizeof(txt)), 1);
	cr_assert_str_eq(txt, "DC001");
	cr_assert_eq(m.rr[0][0].cls, DNS_C_CH);
	s.name = "HOSTNAME.BIND";
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(dns_msg_first_txt(&m, txt, sizeof(txt)), 1);
	cr_assert_str_eq(txt, "DC001");
	s.name = "version.bind";
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_REFUSED);
	s.name = "id.server";
	s.type = DNS_T_A;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
}

Test(answer, formerr_paths)
{
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
	uint8_t q[512];
	int n;

	s.edns = true;
	n = dns_query_build(&s, q, sizeof(q));
	/* QDCOUNT 0 */
	q[5] = 0;
	ask_raw(q, (size_t)n, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
	cr_assert_eq(m.hdr.qdcount, 0);
	cr_assert_str_eq(info.formerr, "QDCOUNT is not 1");
	/* QDCOUNT 2 */
	q[5] = 2;
	ask_raw(q, (size_t)n, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
	q[5] = 1;
	/* ANCOUNT 1 */
	q[7] = 1;
	ask_raw(q, (size_t)n, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
	q[7] = 0;
	/* a second OPT: ARCOUNT 2 and the OPT twice */
	memcpy(q + n, q + n - 11, 11);
	q[11] = 2;
	ask_raw(q, (size_t)n + 11, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
	cr_assert_str_eq(info.formerr, "more than one OPT record");
	q[11] = 1;
	/* trailing octets */
	ask_raw(q, (size_t)n + 1, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
	/* the question cut short */
	ask_raw(q, 12 + 10, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
	/* a compression loop in the question */
	{
		uint8_t bad[] = { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1 };

		ask_raw(bad, sizeof(bad), DNS_TR_UDP);
		cr_assert_eq(m.rcode, DNS_R_FORMERR);
		cr_assert_eq(m.hdr.id, 1);
		cr_assert(m.hdr.flags & DNS_FLAG_QR);
	}
	/* a question for type OPT */
	s.type = DNS_T_OPT;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
}

Test(answer, notimp_and_drops)
{
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
	uint8_t q[512];
	int n = dns_query_build(&s, q, sizeof(q));

	q[2] |= DNS_OP_UPDATE << 3;
	ask_raw(q, (size_t)n, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_NOTIMP);
	cr_assert_eq(DNS_OPCODE(m.hdr.flags), DNS_OP_UPDATE);
	q[2] = (uint8_t)(q[2] & ~(0xf << 3)) | DNS_OP_STATUS << 3;
	ask_raw(q, (size_t)n, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_NOTIMP);
	q[2] &= (uint8_t) ~(0xf << 3);
	/* QR set: no response at all */
	q[2] |= 0x80;
	cr_assert_eq(ask_raw(q, (size_t)n, DNS_TR_UDP), 0);
	cr_assert(info.dropped);
	q[2] &= 0x7f;
	/* shorter than a header */
	cr_assert_eq(ask_raw(q, 11, DNS_TR_UDP), 0);
	cr_assert_eq(ask_raw(q, 0, DNS_TR_TCP), 0);
	/* a bare header with QDCOUNT 0: FORMERR */
	q[5] = 0;
	cr_assert_eq(ask_raw(q, 12, DNS_TR_UDP), 12);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
}

Test(answer, edns_rules)
{
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
	char nsid[64];

	s.edns = true;
	s.edns_size = 4096;
	s.dnssec_ok = true;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert(m.edns.present);
	cr_assert_eq(m.edns.udp_size, 1232, "our payload size");
	cr_assert(m.edns.dnssec_ok, "DO copied (RFC 3225)");
	cr_assert_not(m.edns.nsid, "no NSID unless asked");
	/* NSID */
	s.nsid = true;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert(m.edns.nsid);
	dns_edns_nsid_text(&m.edns, nsid, sizeof(nsid));
	cr_assert_str_eq(nsid, "DC001");
	cr_assert(info.nsid);
	/* BADVERS */
	s.edns_version = 1;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_BADVERS);
	cr_assert_eq(DNS_RCODE(m.hdr.flags), 0);
	cr_assert_eq(m.edns.ext_rcode, 1);
	cr_assert_eq(m.edns.version, 0);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
}

Test(answer, edns_unknown_option_ignored)
{
	uint8_t q[512];
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
	int n;

	s.edns = true;
	n = dns_query_build(&s, q, sizeof(q));
	/* replace the empty option list by an unknown option (code 65001, 3 octets) */
	q[n - 1] = 7;
	memcpy(q + n, "\xfd\xe9\x00\x03xyz", 7);
	ask_raw(q, (size_t)n + 7, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	/* a malformed option list: FORMERR */
	q[n - 1] = 8;
	ask_raw(q, (size_t)n + 8, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
}

Test(answer, truncation_and_sizes)
{
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT("many.example.tst", DNS_T_TXT);

	/* no EDNS: 512 octets, the 1000-octet TXT does not fit */
	ask_spec(&s, DNS_TR_UDP);
	cr_assert(m.hdr.flags & DNS_FLAG_TC);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	cr_assert_leq(resp_len, 512);
	cr_assert(info.truncated);
	/* EDNS 1232: fits */
	s.edns = true;
	s.edns_size = 1232;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_not(m.hdr.flags & DNS_FLAG_TC);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	/* EDNS 600 from the client: truncated, but the OPT is there */
	s.edns_size = 600;
	s.nsid = true;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert(m.hdr.flags & DNS_FLAG_TC);
	cr_assert(m.edns.present);
	cr_assert(m.edns.nsid);
	cr_assert_leq(resp_len, 600);
	/* EDNS below 512 counts as 512 (RFC 6891 6.2.5) */
	s.edns_size = 100;
	s.name = "example.tst";
	s.type = DNS_T_NS;
	ask_spec(&s, DNS_TR_UDP);
	cr_assert_not(m.hdr.flags & DNS_FLAG_TC);
	cr_assert_gt(resp_len, 100);
	s.name = "many.example.tst";
	s.type = DNS_T_TXT;
	/* TCP: everything */
	s.edns = false;
	s.nsid = false;
	ask_spec(&s, DNS_TR_TCP);
	cr_assert_not(m.hdr.flags & DNS_FLAG_TC);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	cr_assert_eq(m.rr[0][0].ttl, 5);
}

Test(answer, any_is_minimal)
{
	ask("example.tst", DNS_T_ANY);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER] > 0, true);
	/* one RRset: every answer record has the same type */
	for (unsigned i = 1; i < m.count[DNS_SEC_ANSWER]; i++)
		cr_assert_eq(m.rr[0][i].type, m.rr[0][0].type);
	cr_assert_neq(m.rr[0][0].type, DNS_T_SOA);
	ask("nothere.example.tst", DNS_T_ANY);
	cr_assert_eq(m.rcode, DNS_R_NXDOMAIN);
}

Test(answer, referral_and_glue)
{
	ask("below.sub.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_not(m.hdr.flags & DNS_FLAG_AA, "a referral is not authoritative");
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 1);
	cr_assert_eq(m.rr[DNS_SEC_AUTHORITY][0].type, DNS_T_NS);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 1);
	cr_assert_eq(m.rr[DNS_SEC_ADDITIONAL][0].type, DNS_T_A);
	ask("x.y.sub.example.tst", DNS_T_TXT);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 1);
	cr_assert_not(m.hdr.flags & DNS_FLAG_AA);
}

Test(answer, wildcard)
{
	ask("anything.wild.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	cr_assert_eq(memcmp(m.rr[0][0].owner, "\010anything\004wild", 14), 0,
	    "owner is the name asked");
	ask("anything.wild.example.tst", DNS_T_TXT);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	/* the wildcard does not cover the name it hangs under */
	ask("wild.example.tst", DNS_T_A);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
}

Test(answer, additional_for_mx_and_ns)
{
	ask("example.tst", DNS_T_MX);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 2);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 1, "mail.example.tst A; mail.other.tst not ours");
	ask("example.tst", DNS_T_NS);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 2);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 3, "ns1 A + AAAA, ns2 A");
}

Test(answer, most_specific_zone)
{
	char txt[64];

	ask("deeper.example.tst", DNS_T_TXT);
	cr_assert_eq(dns_msg_first_txt(&m, txt, sizeof(txt)), 2);
	cr_assert_str_eq(txt, "innerzone");
}

/* The text of a name in a parsed response, for messages and comparisons. */
static const char *
name_text(const uint8_t *name)
{
	static char buf[4][DNS_NAME_TEXT_MAX];
	static int i;

	i = (i + 1) % 4;
	dns_name_to_text(name, buf[i], sizeof(buf[i]));
	return buf[i];
}

/* The name in the rdata of a parsed CNAME or DNAME record (never compressed for DNAME). */
static const char *
rdata_name(const struct dns_rr *rr)
{
	uint8_t n[DNS_NAME_MAXLEN];
	struct wire_rd rd;

	wire_rd_init(&rd, m.wire, m.len);
	wire_seek(&rd, rr->rdata_off);
	cr_assert_gt(dns_name_unpack(&rd, n), 0);
	return name_text(n);
}

static void
expect_rr(enum dns_section sec, unsigned i, const char *owner, uint16_t type)
{
	cr_assert_gt(m.count[sec], i, "%s section: no record %u", dns_section_name(sec), i);
	cr_assert_str_eq(name_text(m.rr[sec][i].owner), owner);
	cr_assert_eq(m.rr[sec][i].type, type, "%s record %u: type %u, want %u",
	    dns_section_name(sec), i, m.rr[sec][i].type, type);
}

/* RFC 6672 2.2 and 3.2: the DNAME, a CNAME synthesised from it, then the target. */
Test(answer, dname_synthesis)
{
	ask("www.dn.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR, "rcode %u", m.rcode);
	cr_assert(m.hdr.flags & DNS_FLAG_AA);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 3, "got %u", m.count[DNS_SEC_ANSWER]);
	expect_rr(DNS_SEC_ANSWER, 0, "dn.example.tst.", DNS_T_DNAME);
	cr_assert_str_eq(rdata_name(&m.rr[0][0]), "target.example.tst.");
	expect_rr(DNS_SEC_ANSWER, 1, "www.dn.example.tst.", DNS_T_CNAME);
	cr_assert_str_eq(rdata_name(&m.rr[0][1]), "www.target.example.tst.");
	cr_assert_eq(m.rr[0][1].ttl, 77, "the synthesised CNAME has the DNAME's TTL");
	expect_rr(DNS_SEC_ANSWER, 2, "www.target.example.tst.", DNS_T_A);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 0);
	/* several labels below the owner */
	ask("a.b.dn.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 3);
	cr_assert_str_eq(rdata_name(&m.rr[0][1]), "a.b.target.example.tst.");
	expect_rr(DNS_SEC_ANSWER, 2, "a.b.target.example.tst.", DNS_T_A);
	/* through the DNAME, then an ordinary CNAME */
	ask("cn.dn.example.tst", DNS_T_A);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 4);
	expect_rr(DNS_SEC_ANSWER, 2, "cn.target.example.tst.", DNS_T_CNAME);
	expect_rr(DNS_SEC_ANSWER, 3, "www.target.example.tst.", DNS_T_A);
	/* through a DNAME into a wildcard */
	ask("x.dnw.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 3);
	expect_rr(DNS_SEC_ANSWER, 0, "dnw.example.tst.", DNS_T_DNAME);
	expect_rr(DNS_SEC_ANSWER, 1, "x.dnw.example.tst.", DNS_T_CNAME);
	expect_rr(DNS_SEC_ANSWER, 2, "x.wild.example.tst.", DNS_T_A);
	/* the target does not exist: NXDOMAIN for the last name (RFC 6604), the SOA */
	ask("nothere.dn.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NXDOMAIN);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 2);
	expect_soa_authority(300);
	/* a target outside the zone: DNAME and CNAME, the client follows */
	ask("x.dnout.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 2);
	cr_assert_str_eq(rdata_name(&m.rr[0][1]), "x.other.tst.");
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 0);
	/* CNAME asked: the synthesised CNAME is the answer, not followed */
	ask("www.dn.example.tst", DNS_T_CNAME);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 2);
	expect_rr(DNS_SEC_ANSWER, 1, "www.dn.example.tst.", DNS_T_CNAME);
	/* the owner itself is not redirected */
	ask("dn.example.tst", DNS_T_DNAME);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	expect_rr(DNS_SEC_ANSWER, 0, "dn.example.tst.", DNS_T_DNAME);
	ask("dn.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	expect_soa_authority(300);
	/* the question's case is kept in the synthesised owner */
	ask("WwW.Dn.example.tst", DNS_T_A);
	cr_assert_str_eq(name_text(m.rr[0][1].owner), "WwW.Dn.example.tst.");
}

/* RFC 6672 2.2: a synthesised name over 255 octets is YXDOMAIN, with the DNAME. */
Test(answer, dname_yxdomain)
{
	char q[300];
	struct dns_query_spec s = DNS_QUERY_SPEC_INIT(q, DNS_T_A);

	snprintf(q, sizeof(q), "%.63s.%.63s.dnlong.example.tst",
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
	ask(q, DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_YXDOMAIN, "rcode %u", m.rcode);
	cr_assert(m.hdr.flags & DNS_FLAG_AA);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	expect_rr(DNS_SEC_ANSWER, 0, "dnlong.example.tst.", DNS_T_DNAME);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 0);
	/* a shorter label fits (41 + 205 octets): the CNAME, to a name that does not exist */
	snprintf(q, sizeof(q), "%.40s.dnlong.example.tst",
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	s.name = q;
	ask_spec(&s, DNS_TR_TCP); /* over 512 octets */
	cr_assert_eq(m.rcode, DNS_R_NXDOMAIN, "rcode %u", m.rcode);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 2);
}

/* A DNAME whose target is below itself: each name is new, the chain bound ends it. */
Test(answer, dname_chain_bounded)
{
	ask("a.dnloop.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR, "rcode %u", m.rcode);
	cr_assert_eq(m.rr[0][0].type, DNS_T_DNAME);
	/* the DNAME RRset once, then one synthesised CNAME per link */
	for (unsigned i = 1; i < m.count[DNS_SEC_ANSWER]; i++)
		cr_assert_eq(m.rr[0][i].type, DNS_T_CNAME, "record %u", i);
	cr_assert_leq(m.count[DNS_SEC_ANSWER], 10);
}

/* RFC 1034 4.3.2 steps 3a then 3b: a CNAME to a name at or below a cut, then the referral. */
Test(answer, cname_to_zone_cut_adds_referral)
{
	ask("ccut.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert(m.hdr.flags & DNS_FLAG_AA, "the CNAME is ours: AA");
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	expect_rr(DNS_SEC_ANSWER, 0, "ccut.example.tst.", DNS_T_CNAME);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 1, "the NS of the cut, got %u",
	    m.count[DNS_SEC_AUTHORITY]);
	expect_rr(DNS_SEC_AUTHORITY, 0, "sub.example.tst.", DNS_T_NS);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 1);
	expect_rr(DNS_SEC_ADDITIONAL, 0, "ns.sub.example.tst.", DNS_T_A);
	/* at the cut itself, any type */
	ask("ccutx.example.tst", DNS_T_NS);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	expect_rr(DNS_SEC_AUTHORITY, 0, "sub.example.tst.", DNS_T_NS);
	expect_rr(DNS_SEC_ADDITIONAL, 0, "ns.sub.example.tst.", DNS_T_A);
}

/* A CNAME into another zone we serve ends the chain there: not looked up in the parent. */
Test(answer, cname_into_other_zone_stops)
{
	ask("cdeeper.example.tst", DNS_T_A);
	cr_assert_eq(m.rcode, DNS_R_NOERROR, "rcode %u", m.rcode);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 0);
}

/* RFC 4035 3.1.4.1: DS at a zone cut is the parent's data, answered from the parent side. */
Test(answer, ds_at_cut_from_parent)
{
	ask("sub.example.tst", DNS_T_DS);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert(m.hdr.flags & DNS_FLAG_AA, "the parent is authoritative for DS");
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1, "the DS, got %u", m.count[DNS_SEC_ANSWER]);
	expect_rr(DNS_SEC_ANSWER, 0, "sub.example.tst.", DNS_T_DS);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 0);
	/* a cut without DS: NODATA with the parent's SOA, not a referral */
	ask("kid.example.tst", DNS_T_DS);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	cr_assert(m.hdr.flags & DNS_FLAG_AA);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	expect_soa_authority(300); /* example.tst's negative TTL, not kid's 3600 */
	expect_rr(DNS_SEC_AUTHORITY, 0, "example.tst.", DNS_T_SOA);
	/* below the cut: the referral as for any type */
	ask("www.sub.example.tst", DNS_T_DS);
	cr_assert_not(m.hdr.flags & DNS_FLAG_AA);
	expect_rr(DNS_SEC_AUTHORITY, 0, "sub.example.tst.", DNS_T_NS);
	/* other types at the child's apex come from the child */
	ask("kid.example.tst", DNS_T_SOA);
	cr_assert(m.hdr.flags & DNS_FLAG_AA);
	expect_rr(DNS_SEC_ANSWER, 0, "kid.example.tst.", DNS_T_SOA);
	/* a zone whose parent we do not serve: NODATA from the zone itself */
	ask("example.tst", DNS_T_DS);
	cr_assert_eq(m.rcode, DNS_R_NOERROR);
	expect_rr(DNS_SEC_AUTHORITY, 0, "example.tst.", DNS_T_SOA);
}

/* ---- whole-message checks: OPT on every error, transfers, TSIG ---- */

#define QNAME_SERVER "\006server\004zone\003tst"
#define OPT_RR	     "\000\000\051\004\320\000\000\000\000\000\000" /* root, OPT, 1232 */
#define A_RR	     QNAME_SERVER "\000\000\001\000\001\000\000\000\000\000\004\300\000\002\001"
#define SOA_RR \
	"\007example\003tst\000\000\006\000\001\000\000\000\000\000\026" \
	"\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000"
/* key unknown.key., hmac-sha256, time 1796291627, fudge 300, a 4-octet MAC, original ID 0x1234 */
#define TSIG_RR \
	"\007unknown\003key\000\000\372\000\377\000\000\000\000\000\041" \
	"\013hmac-sha256\000\000\000\153\017\123\053\001\054\000\004abcd\022\064\000\000\000\000"

/* A message put together by hand: header, then the sections' octets (sizeof - 1 each). */
static size_t
compose(uint8_t *q, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar,
    const char *body, size_t blen)
{
	struct wire_wr wr;
	struct dns_header h = { .id = 0x1234,
		.flags = flags,
		.qdcount = qd,
		.ancount = an,
		.nscount = ns,
		.arcount = ar };

	wire_wr_init(&wr, q, 512);
	dns_header_write(&wr, &h);
	wire_put(&wr, body, blen);
	cr_assert_eq(wr.err, WIRE_OK);
	return wr.len;
}

#define COMPOSE(q, flags, qd, an, ns, ar, body) \
	compose(q, flags, qd, an, ns, ar, body, sizeof(body) - 1)
#define Q_TXT QNAME_SERVER "\000\000\020\000\001"

static void
expect_error_with_opt(const uint8_t *q, size_t n, unsigned rcode, const char *what)
{
	cr_assert_gt(ask_raw(q, n, DNS_TR_UDP), 0, "%s: no response", what);
	cr_assert_eq(m.rcode, rcode, "%s: rcode %u, want %u", what, m.rcode, rcode);
	cr_assert(m.edns.present, "%s: the query had an OPT, the %s response has none", what,
	    dns_rcode_name(rcode));
	cr_assert_eq(m.edns.version, 0, "%s", what);
	cr_assert_eq(m.hdr.id, 0x1234, "%s", what);
}

/* RFC 6891 6.1.1 and 7: an OPT in the request gets an OPT in the response, errors included. */
Test(answer, opt_on_every_error)
{
	uint8_t q[512];
	size_t n;

	/* RFC 7873 5.4, dig +header-only +cookie: QDCOUNT 0 and a COOKIE option */
	n = COMPOSE(q, DNS_FLAG_RD, 0, 0, 0, 1,
	    "\000\000\051\004\320\000\000\000\000\000\014\000\012\000\010clientck");
	expect_error_with_opt(q, n, DNS_R_FORMERR, "QDCOUNT 0 (cookie probe)");
	cr_assert_eq(m.hdr.qdcount, 0);
	n = COMPOSE(q, 0, 2, 0, 0, 1, Q_TXT Q_TXT OPT_RR);
	expect_error_with_opt(q, n, DNS_R_FORMERR, "QDCOUNT 2");
	cr_assert_str_eq(info.formerr, "QDCOUNT is not 1");
	n = COMPOSE(q, 0, 1, 1, 0, 1, Q_TXT A_RR OPT_RR);
	expect_error_with_opt(q, n, DNS_R_FORMERR, "a record in the answer section");
	n = COMPOSE(q, 0, 1, 0, 1, 1, Q_TXT A_RR OPT_RR);
	expect_error_with_opt(q, n, DNS_R_FORMERR, "a record in the authority section");
	n = COMPOSE(q, DNS_OP_NOTIFY << 11, 1, 0, 0, 1, Q_TXT OPT_RR);
	expect_error_with_opt(q, n, DNS_R_NOTIMP, "NOTIFY");
	cr_assert_eq(DNS_OPCODE(m.hdr.flags), DNS_OP_NOTIFY);
	n = COMPOSE(q, DNS_OP_STATUS << 11, 1, 0, 0, 1, Q_TXT OPT_RR);
	expect_error_with_opt(q, n, DNS_R_NOTIMP, "STATUS");
	/* UPDATE: zone, prerequisite and update sections are records; still NOTIMP */
	n = COMPOSE(q, DNS_OP_UPDATE << 11, 1, 1, 1, 1, Q_TXT A_RR A_RR OPT_RR);
	expect_error_with_opt(q, n, DNS_R_NOTIMP, "UPDATE");
	/* an option running past the OPT's data */
	n = COMPOSE(q, 0, 1, 0, 0, 1,
	    Q_TXT "\000\000\051\004\320\000\000\000\000\000\007\000\012\000\010abc");
	expect_error_with_opt(q, n, DNS_R_FORMERR, "malformed option");
	cr_assert_str_eq(info.formerr, "malformed EDNS option");
	n = COMPOSE(q, 0, 1, 0, 0, 2, Q_TXT OPT_RR OPT_RR);
	expect_error_with_opt(q, n, DNS_R_FORMERR, "two OPT records");
	n = COMPOSE(q, 0, 1, 0, 0, 1, Q_TXT "\001x\000\000\051\004\320\000\000\000\000\000\000");
	expect_error_with_opt(q, n, DNS_R_FORMERR, "OPT not owned by the root");
	/* and still none without an OPT */
	n = COMPOSE(q, 0, 2, 0, 0, 0, Q_TXT Q_TXT);
	ask_raw(q, n, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
	cr_assert_not(m.edns.present);
}

/* RFC 1995 3: IXFR carries the client's SOA in the authority section; RFC 5936 2.2.1 NOTAUTH. */
Test(answer, zone_transfers)
{
	uint8_t q[512];
	size_t n;

	n = COMPOSE(q, 0, 1, 0, 1, 1, "\007example\003tst\000\000\373\000\001" SOA_RR OPT_RR);
	expect_error_with_opt(q, n, DNS_R_REFUSED, "IXFR of a zone we serve");
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	n = COMPOSE(q, 0, 1, 0, 1, 0, "\007nothere\003tst\000\000\373\000\001" SOA_RR);
	ask_raw(q, n, DNS_TR_TCP);
	cr_assert_eq(m.rcode, DNS_R_NOTAUTH, "IXFR of a zone not served: rcode %u", m.rcode);
	/* AXFR: the apex of a zone we serve REFUSED, anything else NOTAUTH */
	n = COMPOSE(q, 0, 1, 0, 0, 0, "\007example\003tst\000\000\374\000\001");
	ask_raw(q, n, DNS_TR_TCP);
	cr_assert_eq(m.rcode, DNS_R_REFUSED);
	n = COMPOSE(q, 0, 1, 0, 0, 0, "\007nothere\003tst\000\000\374\000\001");
	ask_raw(q, n, DNS_TR_TCP);
	cr_assert_eq(m.rcode, DNS_R_NOTAUTH, "AXFR of a zone not served: rcode %u", m.rcode);
	n = COMPOSE(q, 0, 1, 0, 0, 0, "\003www\007example\003tst\000\000\374\000\001");
	ask_raw(q, n, DNS_TR_TCP);
	cr_assert_eq(m.rcode, DNS_R_NOTAUTH, "AXFR of a name that is no apex: rcode %u", m.rcode);
	/* an SOA in the authority section of an ordinary query stays FORMERR */
	n = COMPOSE(q, 0, 1, 0, 1, 0, Q_TXT SOA_RR);
	ask_raw(q, n, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_FORMERR);
}

/* RFC 8945 5.2.1, 5.3.2: a key we do not know: NOTAUTH, an unsigned TSIG with error BADKEY. */
Test(answer, tsig_unknown_key_badkey)
{
	uint8_t q[512], alg[DNS_NAME_MAXLEN];
	const struct dns_rr *t;
	struct wire_rd rd;
	size_t n;

	n = COMPOSE(q, DNS_FLAG_RD, 1, 0, 0, 2, Q_TXT OPT_RR TSIG_RR);
	expect_error_with_opt(q, n, DNS_R_NOTAUTH, "TSIG with an unknown key");
	cr_assert_not(m.hdr.flags & DNS_FLAG_AA);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 0);
	cr_assert_eq(m.hdr.qdcount, 1, "the question echoed");
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 1, "the TSIG record");
	t = &m.rr[DNS_SEC_ADDITIONAL][0];
	cr_assert_eq(t->type, DNS_T_TSIG);
	cr_assert_eq(t->cls, DNS_C_ANY);
	cr_assert_eq(t->ttl, 0);
	cr_assert_str_eq(name_text(t->owner), "unknown.key.");
	/* the TSIG is the last record of the message */
	cr_assert_eq(t->rdata_off + t->rdlen, resp_len);
	wire_rd_init(&rd, t->rdata, t->rdlen);
	cr_assert_gt(dns_name_unpack(&rd, alg), 0);
	cr_assert_str_eq(name_text(alg), "hmac-sha256.");
	wire_skip(&rd, 6);
	cr_assert_eq(wire_u16(&rd), 300, "fudge");
	cr_assert_eq(wire_u16(&rd), 0, "MAC size 0: unsigned");
	cr_assert_eq(wire_u16(&rd), 0x1234, "original ID");
	cr_assert_eq(wire_u16(&rd), 17, "error BADKEY");
	cr_assert_eq(wire_u16(&rd), 0, "other length");
	cr_assert_eq(wire_left(&rd), 0);
	cr_assert_eq(rd.err, WIRE_OK);
	/* without EDNS: the same, no OPT */
	n = COMPOSE(q, 0, 1, 0, 0, 1, Q_TXT TSIG_RR);
	ask_raw(q, n, DNS_TR_UDP);
	cr_assert_eq(m.rcode, DNS_R_NOTAUTH);
	cr_assert_not(m.edns.present);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 1);
	/* a TSIG that is not the last record: FORMERR, no TSIG back */
	n = COMPOSE(q, 0, 1, 0, 0, 2, Q_TXT TSIG_RR OPT_RR);
	expect_error_with_opt(q, n, DNS_R_FORMERR, "TSIG before the OPT");
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 0);
	/* a signed AXFR: the key is checked first */
	n = COMPOSE(q, 0, 1, 0, 0, 1, "\007example\003tst\000\000\374\000\001" TSIG_RR);
	ask_raw(q, n, DNS_TR_TCP);
	cr_assert_eq(m.rcode, DNS_R_NOTAUTH);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 1);
}

/* RFC 2181 5: an RRset once per section, also when two records point at one host. */
Test(answer, additional_rrset_once)
{
	ask("dupmx.example.tst", DNS_T_MX);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 2);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 1, "mail.example.tst A once, got %u",
	    m.count[DNS_SEC_ADDITIONAL]);
}

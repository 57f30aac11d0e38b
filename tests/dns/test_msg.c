/*
 * Unit tests of the DNS wire codec: names (text, wire, compression and its
 * loops), query building, message parsing of every section, OPT/NSID, TXT,
 * bounds.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "dns_msg.h"
#include "dns_name.h"

static int
name(const char *text, uint8_t out[DNS_NAME_MAXLEN])
{
	return dns_name_from_text(text, strlen(text), NULL, out);
}

Test(name, text_roundtrip_with_escapes)
{
	uint8_t w[DNS_NAME_MAXLEN];
	char t[DNS_NAME_TEXT_MAX];

	cr_assert_eq(name("a\\.b.Example.TST.", w), 17);
	cr_assert_eq(w[0], 3);
	cr_assert_eq(memcmp(w + 1, "a.b", 3), 0);
	cr_assert_eq(dns_name_to_text(w, t, sizeof(t)), DNS_OK);
	cr_assert_str_eq(t, "a\\.b.Example.TST.");
	cr_assert_eq(name("x\\032y.", w), 5);
	cr_assert_eq(w[2], ' ');
	dns_name_to_text(w, t, sizeof(t));
	cr_assert_str_eq(t, "x\\032y.");
	cr_assert_eq(name(".", w), 1);
	cr_assert_eq(name("a..b", w), DNS_EBADTEXT);
	cr_assert_eq(name("a\\25", w), DNS_EBADTEXT);
	cr_assert_eq(name("a\\256", w), DNS_EBADTEXT);
}

Test(name, relative_and_origin)
{
	uint8_t o[DNS_NAME_MAXLEN], w[DNS_NAME_MAXLEN];
	char t[DNS_NAME_TEXT_MAX];

	name("zone.tst.", o);
	cr_assert_gt(dns_name_from_text("server", 6, o, w), 0);
	dns_name_to_text(w, t, sizeof(t));
	cr_assert_str_eq(t, "server.zone.tst.");
	cr_assert_gt(dns_name_from_text("@", 1, o, w), 0);
	cr_assert(dns_name_eq(w, o));
	cr_assert_gt(dns_name_from_text("abs.", 4, o, w), 0);
	dns_name_to_text(w, t, sizeof(t));
	cr_assert_str_eq(t, "abs.");
}

Test(name, length_limits)
{
	char label[70], big[400] = "";
	uint8_t w[DNS_NAME_MAXLEN];

	memset(label, 'a', 64);
	label[64] = '\0';
	cr_assert_eq(name(label, w), DNS_ENAMELONG);
	label[63] = '\0';
	cr_assert_gt(name(label, w), 0);
	/* 4 labels of 63 = 4 * 64 + 1 = 257 > 255 */
	for (int i = 0; i < 4; i++) {
		strcat(big, label);
		strcat(big, ".");
	}
	cr_assert_eq(name(big, w), DNS_ENAMELONG);
	/* 3 * 64 + 62 + 1 = 255: the longest legal name */
	big[0] = '\0';
	for (int i = 0; i < 3; i++) {
		strcat(big, label);
		strcat(big, ".");
	}
	strcat(big, label + 2);
	strcat(big, ".");
	cr_assert_eq(name(big, w), 255);
}

Test(name, case_and_order)
{
	uint8_t a[DNS_NAME_MAXLEN], b[DNS_NAME_MAXLEN], c[DNS_NAME_MAXLEN];

	name("WWW.Zone.TST.", a);
	name("www.zone.tst.", b);
	cr_assert(dns_name_eq(a, b));
	cr_assert_eq(dns_name_hash(a), dns_name_hash(b));
	cr_assert_eq(dns_name_cmp(a, b), 0);
	name("zone.tst.", c);
	cr_assert(dns_name_is_sub(a, c));
	cr_assert_not(dns_name_is_sub(c, a));
	cr_assert_lt(dns_name_cmp(c, a), 0); /* parent sorts first (RFC 4034 6.1) */
	name("z.zone.tst.", a);
	name("a.b.zone.tst.", b);
	cr_assert_gt(dns_name_cmp(a, b), 0); /* z > b at the second label from the right */
	name("\\001.z.example.", a);
	name("*.z.example.", b);
	cr_assert_lt(dns_name_cmp(a, b), 0);
}

/* A message with a question name at 12 and a second name made of bytes p. */
static int
unpack_at(const uint8_t *msg, size_t len, size_t off, uint8_t out[DNS_NAME_MAXLEN])
{
	struct wire_rd rd;

	wire_rd_init(&rd, msg, len);
	wire_seek(&rd, off);
	return dns_name_unpack(&rd, out);
}

Test(decompress, pointers_and_loops)
{
	uint8_t msg[64] = { 0 }, out[DNS_NAME_MAXLEN];
	char t[DNS_NAME_TEXT_MAX];
	size_t o = 12;

	/* 12: 3abc 0; 17: 1x ptr->12; 21: ptr->21 (itself); 23: ptr->25 (forward) */
	memcpy(msg + o, "\003abc\000", 5);
	o = 17;
	memcpy(msg + o, "\001x\300\014", 4);
	cr_assert_eq(unpack_at(msg, 40, 17, out), 7);
	dns_name_to_text(out, t, sizeof(t));
	cr_assert_str_eq(t, "x.abc.");
	/* pointer to itself */
	msg[21] = 0xc0;
	msg[22] = 21;
	cr_assert_eq(unpack_at(msg, 40, 21, out), DNS_EBADNAME);
	/* forward pointer */
	msg[23] = 0xc0;
	msg[24] = 25;
	msg[25] = 0;
	cr_assert_eq(unpack_at(msg, 40, 23, out), DNS_EBADNAME);
	/* two labels pointing at each other: 30: 1a ptr->33 ; 33: 1b ptr->30 */
	memcpy(msg + 30, "\001a\300\041", 4);
	memcpy(msg + 34, "\001b\300\036", 4);
	cr_assert_lt(unpack_at(msg, 40, 34, out), 0);
	cr_assert_lt(unpack_at(msg, 40, 30, out), 0);
	/* pointer into the middle of its own labels (backwards but after the name start) */
	memcpy(msg + 40, "\001c\300\050", 4);
	cr_assert_lt(unpack_at(msg, 44, 40, out), 0);
	/* truncated pointer and label */
	cr_assert_eq(unpack_at(msg, 18, 17, out), DNS_ESHORT);
	cr_assert_eq(unpack_at(msg, 20, 17, out), DNS_ESHORT);
	/* extended label types */
	msg[50] = 0x41;
	cr_assert_eq(unpack_at(msg, 60, 50, out), DNS_EBADNAME);
}

Test(decompress, expanded_length_bounded)
{
	/* A chain of backward pointers each adding a 63-octet label: > 255 when expanded. */
	uint8_t msg[600] = { 0 }, out[DNS_NAME_MAXLEN];
	size_t o = 12, prev;

	msg[o++] = 0; /* root at 12 */
	prev = 12;
	for (int i = 0; i < 6; i++) {
		size_t start = o;

		msg[o++] = 63;
		memset(msg + o, 'a' + i, 63);
		o += 63;
		msg[o++] = (uint8_t)(0xc0 | prev >> 8);
		msg[o++] = (uint8_t)prev;
		prev = start;
	}
	cr_assert_eq(unpack_at(msg, o, prev, out), DNS_ENAMELONG);
}

Test(compress, pack_uses_pointers_and_preserves_first_case)
{
	uint8_t buf[512], a[DNS_NAME_MAXLEN], b[DNS_NAME_MAXLEN], out[DNS_NAME_MAXLEN];
	struct dns_compress c;
	struct wire_wr wr;
	char t[DNS_NAME_TEXT_MAX];

	wire_wr_init(&wr, buf, sizeof(buf));
	wire_reserve(&wr, 12);
	dns_compress_init(&c);
	name("Server.Zone.tst.", a);
	name("ns1.zone.TST.", b);
	dns_name_pack(&wr, a, &c);
	cr_assert_eq(wr.len, 12 + 17);
	dns_name_pack(&wr, b, &c);
	cr_assert_eq(wr.len, 12 + 17 + 4 + 2); /* 3ns1 + pointer */
	dns_name_pack(&wr, a, &c);
	cr_assert_eq(wr.len, 12 + 17 + 6 + 2);
	cr_assert_eq(unpack_at(buf, wr.len, 12 + 17, out), 14);
	dns_name_to_text(out, t, sizeof(t));
	cr_assert_str_eq(t, "ns1.Zone.tst.");
	/* no room: sticky error */
	wire_wr_init(&wr, buf, 5);
	dns_name_pack(&wr, a, NULL);
	cr_assert_eq(wr.err, WIRE_ESPACE);
}

Test(query, build_and_parse_with_nsid)
{
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT("server.zone.tst", DNS_T_TXT);
	uint8_t buf[512];
	struct dns_msg m;
	char t[DNS_NAME_TEXT_MAX];
	int n;

	spec.id = 0xbeef;
	spec.rd = true;
	spec.nsid = true;
	spec.edns_size = 4096;
	n = dns_query_build(&spec, buf, sizeof(buf));
	cr_assert_eq(n, 12 + 17 + 4 + 11 + 4);
	cr_assert_eq(dns_msg_parse(buf, (size_t)n, &m), DNS_OK);
	cr_assert_eq(m.hdr.id, 0xbeef);
	cr_assert_eq(m.hdr.flags, DNS_FLAG_RD);
	cr_assert_eq(m.qtype, DNS_T_TXT);
	cr_assert_eq(m.qclass, DNS_C_IN);
	dns_name_to_text(m.qname, t, sizeof(t));
	cr_assert_str_eq(t, "server.zone.tst.");
	cr_assert(m.edns.present);
	cr_assert_eq(m.edns.udp_size, 4096);
	cr_assert(m.edns.nsid);
	cr_assert_eq(m.edns.nsid_len, 0);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 0); /* OPT is not a record */
	cr_assert_not(dns_msg_matches(&m, &spec));    /* QR clear */
	/* every truncation of a valid message is an error, never a crash */
	for (int len = 0; len < n; len++)
		cr_assert_lt(dns_msg_parse(buf, (size_t)len, &m), 0, "len %d", len);
	/* trailing garbage */
	buf[n] = 0;
	cr_assert_eq(dns_msg_parse(buf, (size_t)n + 1, &m), DNS_EFORMAT);
	cr_assert_eq(dns_query_build(&spec, buf, 20), DNS_ESPACE);
	spec.name = "bad..name";
	cr_assert_eq(dns_query_build(&spec, buf, sizeof(buf)), DNS_EBADTEXT);
}

/* A response built by hand: answer TXT (2 strings), authority SOA, additional A + OPT/NSID. */
static size_t
sample_response(uint8_t *buf, size_t cap)
{
	struct wire_wr wr;
	struct dns_compress c;
	uint8_t qn[DNS_NAME_MAXLEN], zn[DNS_NAME_MAXLEN];
	struct dns_header h = { 7, DNS_FLAG_QR | DNS_FLAG_AA | 0, 1, 1, 1, 2 };

	name("server.zone.tst.", qn);
	name("zone.tst.", zn);
	wire_wr_init(&wr, buf, cap);
	dns_compress_init(&c);
	dns_header_write(&wr, &h);
	dns_name_pack(&wr, qn, &c);
	wire_put_u16(&wr, DNS_T_TXT);
	wire_put_u16(&wr, DNS_C_IN);
	/* answer */
	dns_name_pack(&wr, qn, &c);
	wire_put_u16(&wr, DNS_T_TXT);
	wire_put_u16(&wr, DNS_C_IN);
	wire_put_u32(&wr, 3600);
	wire_put_u16(&wr, 12);
	wire_put(&wr, "\005DC001\003a\"b\001\001", 12);
	/* authority: SOA with compressed names */
	dns_name_pack(&wr, zn, &c);
	wire_put_u16(&wr, DNS_T_SOA);
	wire_put_u16(&wr, DNS_C_IN);
	wire_put_u32(&wr, 60);
	wire_put_u16(&wr, 5 + 2 + 20);
	wire_put(&wr, "\002ns\300\023", 5); /* ns.zone.tst via pointer to 19 */
	wire_put(&wr, "\300\023", 2);
	wire_put(&wr, "\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5", 20);
	/* additional: OPT with NSID "DC001", then an A record */
	wire_put_u8(&wr, 0);
	wire_put_u16(&wr, DNS_T_OPT);
	wire_put_u16(&wr, 1232);
	wire_put_u32(&wr, 0x01000000); /* ext rcode 1 -> rcode 16 */
	wire_put_u16(&wr, 9 + 4);
	wire_put_u16(&wr, 65001); /* unknown option first */
	wire_put_u16(&wr, 0);
	wire_put_u16(&wr, DNS_EDNS_OPT_NSID);
	wire_put_u16(&wr, 5);
	wire_put(&wr, "DC001", 5);
	dns_name_pack(&wr, qn, &c);
	wire_put_u16(&wr, DNS_T_A);
	wire_put_u16(&wr, DNS_C_IN);
	wire_put_u32(&wr, 1);
	wire_put_u16(&wr, 4);
	wire_put(&wr, "\063\063\063\063", 4);
	cr_assert_eq(wr.err, WIRE_OK);
	return wr.len;
}

Test(response, every_section)
{
	uint8_t buf[512];
	size_t n = sample_response(buf, sizeof(buf));
	struct dns_msg m;
	struct dns_query_spec spec = DNS_QUERY_SPEC_INIT("SERVER.zone.tst", DNS_T_TXT);
	char txt[64], nsid[64];

	spec.id = 7;
	cr_assert_eq(dns_msg_parse(buf, n, &m), DNS_OK);
	cr_assert(dns_msg_matches(&m, &spec));
	cr_assert_eq(m.rcode, DNS_R_BADVERS);
	cr_assert_eq(m.count[DNS_SEC_ANSWER], 1);
	cr_assert_eq(m.count[DNS_SEC_AUTHORITY], 1);
	cr_assert_eq(m.count[DNS_SEC_ADDITIONAL], 1);
	cr_assert_eq(m.rr[DNS_SEC_AUTHORITY][0].type, DNS_T_SOA);
	cr_assert_eq(m.rr[DNS_SEC_AUTHORITY][0].ttl, 60);
	cr_assert_eq(m.rr[DNS_SEC_ADDITIONAL][0].type, DNS_T_A);
	cr_assert_eq(dns_msg_first_txt(&m, txt, sizeof(txt)), 3);
	cr_assert_str_eq(txt, "DC001a\\034b\\001");
	cr_assert_eq(dns_txt_join(m.rr[0][0].rdata, m.rr[0][0].rdlen, " ", txt, sizeof(txt)), 3);
	cr_assert_str_eq(txt, "DC001 a\\034b \\001");
	cr_assert(m.edns.nsid);
	cr_assert_eq(m.edns.options, 2);
	dns_edns_nsid_text(&m.edns, nsid, sizeof(nsid));
	cr_assert_str_eq(nsid, "DC001");
	/* small output buffers stay terminated */
	cr_assert_eq(dns_msg_first_txt(&m, txt, 4), 3);
	cr_assert_str_eq(txt, "DC0");
	for (size_t len = 0; len < n; len++)
		cr_assert_lt(dns_msg_parse(buf, len, &m), 0, "len %zu", len);
	spec.id = 8;
	dns_msg_parse(buf, n, &m);
	cr_assert_not(dns_msg_matches(&m, &spec));
}

Test(response, opt_rules)
{
	uint8_t buf[512];
	size_t n = sample_response(buf, sizeof(buf));
	struct dns_msg m;

	/* OPT with a non-root owner */
	{
		static const uint8_t q[] = { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 'a', 0, 0, 41,
			2, 0, 0, 0, 0, 0, 0, 0 };
		static const uint8_t ok[] = { 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 41, 2, 0, 0,
			0, 0, 0, 0, 0 };

		cr_assert_eq(dns_msg_parse(q, sizeof(q), &m), DNS_EFORMAT);
		cr_assert_eq(dns_msg_parse(ok, sizeof(ok), &m), DNS_OK);
		cr_assert_eq(m.edns.udp_size, 512);
	}
	cr_assert_eq(dns_msg_parse(buf, n, &m), DNS_OK);
	/* two OPTs: duplicate the OPT by declaring the A record an OPT */
	for (size_t i = n - 14; i < n; i++)
		if (buf[i] == 0 && buf[i + 1] == DNS_T_A && i + 2 < n && buf[i + 2] == 0) {
			buf[i + 1] = DNS_T_OPT;
			break;
		}
	cr_assert_eq(dns_msg_parse(buf, n, &m), DNS_EFORMAT);
	/* bad option length inside OPT rdata */
	cr_assert_eq(dns_edns_read(512, 0, (const uint8_t *)"\0\3\0\11DC", 6, &m.edns),
	    DNS_EFORMAT);
}

Test(proto, names)
{
	char b[16];
	uint16_t v;

	cr_assert_str_eq(dns_type_name(DNS_T_AAAA, b, sizeof(b)), "AAAA");
	cr_assert_str_eq(dns_type_name(999, b, sizeof(b)), "TYPE999");
	cr_assert_eq(dns_type_parse("txt", &v), 0);
	cr_assert_eq(v, DNS_T_TXT);
	cr_assert_eq(dns_type_parse("TYPE65280", &v), 0);
	cr_assert_eq(v, 65280);
	cr_assert_eq(dns_type_parse("TYPE70000", &v), -1);
	cr_assert_eq(dns_type_parse("BOGUS", &v), -1);
	cr_assert_eq(dns_class_parse("CHAOS", &v), 0);
	cr_assert_eq(v, DNS_C_CH);
	cr_assert_str_eq(dns_rcode_name(DNS_R_BADVERS), "BADVERS");
	cr_assert_str_eq(dns_strerror(DNS_EBADNAME), "malformed domain name");
}

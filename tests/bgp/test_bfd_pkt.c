/*
 * Unit tests of the BFD Control packet codec (nodes/bgp/bfd_pkt.c, RFC 5880
 * 4.1 and the packet-only checks of 6.8.6): octets written by hand from the
 * RFC's figure, decoded, and every refusal reason reached.
 */
#include <string.h>
#include <criterion/criterion.h>

#include "bfd_pkt.h"

/* Up, P set, mult 3, my 0x01020304, your 0x0a0b0c0d, 10 ms / 20 ms / echo 0. */
static const uint8_t up_poll[24] = {
	0x20, 0xe0, 0x03, 0x18, /* vers 1 diag 0 | Up, P | mult 3 | length 24 */
	0x01, 0x02, 0x03, 0x04, /* my discriminator */
	0x0a, 0x0b, 0x0c, 0x0d, /* your discriminator */
	0x00, 0x00, 0x27, 0x10, /* desired min tx 10000 */
	0x00, 0x00, 0x4e, 0x20, /* required min rx 20000 */
	0x00, 0x00, 0x00, 0x00, /* required min echo rx */
};

static enum bfd_pkt_err
decode_patched(size_t off, uint8_t val, struct bfd_ctrl *c)
{
	uint8_t b[24];

	memcpy(b, up_poll, sizeof(b));
	b[off] = val;
	return bfd_ctrl_decode(b, sizeof(b), c);
}

Test(bfd_pkt, decode_fields)
{
	struct bfd_ctrl c;

	cr_assert_eq(bfd_ctrl_decode(up_poll, sizeof(up_poll), &c), BFD_PKT_OK);
	cr_assert_eq(c.state, BFD_UP);
	cr_assert_eq(c.diag, 0);
	cr_assert(c.poll);
	cr_assert_not(c.final);
	cr_assert_not(c.cpi);
	cr_assert_not(c.auth);
	cr_assert_not(c.demand);
	cr_assert_not(c.multipoint);
	cr_assert_eq(c.detect_mult, 3);
	cr_assert_eq(c.length, 24);
	cr_assert_eq(c.my_disc, 0x01020304);
	cr_assert_eq(c.your_disc, 0x0a0b0c0d);
	cr_assert_eq(c.desired_min_tx, 10000);
	cr_assert_eq(c.required_min_rx, 20000);
	cr_assert_eq(c.required_min_echo_rx, 0);
}

Test(bfd_pkt, decode_flags_and_diag)
{
	struct bfd_ctrl c;

	/* AdminDown (0), F, C, D; diag 7. */
	cr_assert_eq(decode_patched(1, 0x1a, &c), BFD_PKT_OK);
	cr_assert_eq(c.state, BFD_ADMIN_DOWN);
	cr_assert(c.final && c.cpi && c.demand);
	cr_assert_not(c.poll);
	cr_assert_eq(decode_patched(0, 0x27, &c), BFD_PKT_OK);
	cr_assert_eq(c.diag, BFD_DIAG_ADMIN_DOWN);
	/* A reserved diag is not a reason to drop (RFC 5880 4.1). */
	cr_assert_eq(decode_patched(0, 0x3f, &c), BFD_PKT_OK);
	cr_assert_eq(c.diag, 31);
	cr_assert_str_eq(bfd_diag_name(c.diag), "Reserved");
}

Test(bfd_pkt, encode_matches_the_figure)
{
	struct bfd_ctrl c;
	uint8_t buf[64];
	struct wire_wr w;

	cr_assert_eq(bfd_ctrl_decode(up_poll, sizeof(up_poll), &c), BFD_PKT_OK);
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bfd_ctrl_encode(&w, &c), 0);
	cr_assert_eq(w.len, 24);
	cr_assert_arr_eq(buf, up_poll, 24);

	memset(&c, 0, sizeof(c));
	c.state = BFD_INIT;
	c.diag = BFD_DIAG_NEIGHBOR_DOWN;
	c.final = true;
	c.demand = true;
	c.detect_mult = 5;
	c.my_disc = 7;
	c.your_disc = 9;
	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bfd_ctrl_encode(&w, &c), 0);
	cr_assert_eq(buf[0], 0x23);
	cr_assert_eq(buf[1], 0x80 | 0x10 | 0x02);
	cr_assert_eq(buf[2], 5);
	cr_assert_eq(buf[3], 24, "Length is always the mandatory section");
}

Test(bfd_pkt, encode_refuses_a_short_buffer)
{
	struct bfd_ctrl c = { .state = BFD_DOWN, .detect_mult = 3, .my_disc = 1 };
	uint8_t buf[23];
	struct wire_wr w;

	wire_wr_init(&w, buf, sizeof(buf));
	cr_assert_eq(bfd_ctrl_encode(&w, &c), -1);
}

Test(bfd_pkt, short_and_version)
{
	struct bfd_ctrl c;

	cr_assert_eq(bfd_ctrl_decode(up_poll, 23, &c), BFD_PKT_SHORT);
	cr_assert_eq(bfd_ctrl_decode(up_poll, 0, &c), BFD_PKT_SHORT);
	cr_assert_eq(decode_patched(0, 0x40, &c), BFD_PKT_VERSION);
	cr_assert_eq(decode_patched(0, 0x00, &c), BFD_PKT_VERSION);
}

Test(bfd_pkt, length_field)
{
	struct bfd_ctrl c;
	uint8_t big[40];

	cr_assert_eq(decode_patched(3, 23, &c), BFD_PKT_LENGTH);
	cr_assert_eq(decode_patched(3, 25, &c), BFD_PKT_TRUNCATED, "Length beyond the payload");
	/* Length shorter than the payload: the rest is not ours, accepted. */
	memset(big, 0xee, sizeof(big));
	memcpy(big, up_poll, 24);
	cr_assert_eq(bfd_ctrl_decode(big, sizeof(big), &c), BFD_PKT_OK);
	big[3] = 40;
	cr_assert_eq(bfd_ctrl_decode(big, sizeof(big), &c), BFD_PKT_OK);
	big[3] = 41;
	cr_assert_eq(bfd_ctrl_decode(big, sizeof(big), &c), BFD_PKT_TRUNCATED);
}

Test(bfd_pkt, field_checks_of_6_8_6)
{
	struct bfd_ctrl c;

	cr_assert_eq(decode_patched(2, 0, &c), BFD_PKT_DETECT_MULT);
	cr_assert_eq(decode_patched(1, 0xe1, &c), BFD_PKT_MULTIPOINT);
	cr_assert_eq(decode_patched(1, 0xf0, &c), BFD_PKT_POLL_FINAL);
}

Test(bfd_pkt, discriminators)
{
	uint8_t b[24];
	struct bfd_ctrl c;

	memcpy(b, up_poll, 24);
	memset(b + 4, 0, 4);
	cr_assert_eq(bfd_ctrl_decode(b, 24, &c), BFD_PKT_MY_DISC);
	memcpy(b, up_poll, 24);
	memset(b + 8, 0, 4);
	cr_assert_eq(bfd_ctrl_decode(b, 24, &c), BFD_PKT_YOUR_DISC, "Up with your disc 0");
	b[1] = 0x80; /* Init */
	cr_assert_eq(bfd_ctrl_decode(b, 24, &c), BFD_PKT_YOUR_DISC);
	b[1] = 0x40; /* Down */
	cr_assert_eq(bfd_ctrl_decode(b, 24, &c), BFD_PKT_OK);
	b[1] = 0x00; /* AdminDown */
	cr_assert_eq(bfd_ctrl_decode(b, 24, &c), BFD_PKT_OK);
}

Test(bfd_pkt, authentication_is_refused)
{
	/* Simple password (type 1), key id 1, password "abc": auth len 6. */
	uint8_t b[30];
	struct bfd_ctrl c;

	memcpy(b, up_poll, 24);
	b[1] |= 0x04;
	b[3] = 30;
	b[24] = 1;
	b[25] = 6;
	b[26] = 1;
	memcpy(b + 27, "abc", 3);
	cr_assert_eq(bfd_ctrl_decode(b, sizeof(b), &c), BFD_PKT_AUTH);
	cr_assert(c.auth);
	cr_assert_eq(c.auth_type, 1);
	cr_assert_eq(c.auth_len, 6);
	/* A section longer than the packet is a length error. */
	b[25] = 7;
	cr_assert_eq(bfd_ctrl_decode(b, sizeof(b), &c), BFD_PKT_LENGTH);
	b[25] = 1;
	cr_assert_eq(bfd_ctrl_decode(b, sizeof(b), &c), BFD_PKT_LENGTH);
	/* A bit with Length 24: below the 26 the RFC asks for. */
	b[3] = 24;
	cr_assert_eq(bfd_ctrl_decode(b, sizeof(b), &c), BFD_PKT_LENGTH);
	b[3] = 25;
	cr_assert_eq(bfd_ctrl_decode(b, sizeof(b), &c), BFD_PKT_LENGTH);
}

Test(bfd_pkt, names)
{
	for (int e = 0; e < BFD_PKT_ERR_COUNT; e++)
		cr_assert_not_null(bfd_pkt_err_name((enum bfd_pkt_err)e));
	cr_assert_str_eq(bfd_pkt_err_name(BFD_PKT_AUTH), "authentication not configured");
	cr_assert_str_eq(bfd_pkt_err_name(BFD_PKT_ERR_COUNT), "?");
	for (int d = 0; d < BFD_DIAG_COUNT; d++)
		cr_assert_str_neq(bfd_diag_name((unsigned)d), "Reserved");
	cr_assert_str_eq(bfd_state_name(BFD_INIT), "Init");
	cr_assert_str_eq(bfd_state_name(BFD_DOWN), "Down");
}

#include <criterion/criterion.h>
#include "wire.h"

Test(wire, reads_in_network_order)
{
	const uint8_t buf[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct wire_rd rd;

	wire_rd_init(&rd, buf, sizeof(buf));
	cr_assert_eq(wire_u8(&rd), 1);
	cr_assert_eq(wire_u16(&rd), 0x0203);
	cr_assert_eq(wire_u32(&rd), 0x04050607);
	cr_assert_eq(rd.err, WIRE_OK);
	cr_assert_eq(wire_left(&rd), 0);
}

Test(wire, short_read_is_sticky_and_yields_zero)
{
	const uint8_t buf[] = { 0xff, 0xff, 0xff };
	struct wire_rd rd;

	wire_rd_init(&rd, buf, sizeof(buf));
	cr_assert_eq(wire_u32(&rd), 0);
	cr_assert_eq(rd.err, WIRE_ESHORT);
	cr_assert_eq(wire_u8(&rd), 0, "a read after the error must yield zero");
	cr_assert_eq(rd.err, WIRE_ESHORT);
}

Test(wire, sub_reader_cannot_overrun_parent)
{
	const uint8_t buf[] = { 1, 2, 3, 4 };
	struct wire_rd rd, sub;

	wire_rd_init(&rd, buf, sizeof(buf));
	sub = wire_sub(&rd, 2);
	cr_assert_eq(wire_u16(&sub), 0x0102);
	cr_assert_eq(wire_u8(&sub), 0);
	cr_assert_eq(sub.err, WIRE_ESHORT);
	cr_assert_eq(rd.err, WIRE_OK);
	cr_assert_eq(wire_u16(&rd), 0x0304);
	sub = wire_sub(&rd, 1);
	cr_assert_eq(sub.err, WIRE_ESHORT);
	cr_assert_eq(rd.err, WIRE_ESHORT);
}

Test(wire, seek_outside_is_an_error)
{
	const uint8_t buf[] = { 9, 8 };
	struct wire_rd rd;

	wire_rd_init(&rd, buf, sizeof(buf));
	wire_seek(&rd, 1);
	cr_assert_eq(wire_u8(&rd), 8);
	wire_seek(&rd, 3);
	cr_assert_eq(rd.err, WIRE_ERANGE);
}

Test(wire, writer_overflow_is_sticky_and_patch_checks_bounds)
{
	uint8_t buf[5];
	struct wire_wr wr;

	wire_wr_init(&wr, buf, sizeof(buf));
	wire_put_u16(&wr, 0);
	wire_put_u16(&wr, 0xabcd);
	wire_patch_u16(&wr, 0, 0x1234);
	cr_assert_eq(buf[0], 0x12);
	cr_assert_eq(buf[3], 0xcd);
	wire_put_u16(&wr, 1);
	cr_assert_eq(wr.err, WIRE_ESPACE);
	cr_assert_eq(wr.len, 4);
	wire_put_u8(&wr, 1);
	cr_assert_eq(wr.len, 4, "no write after the error");
	wire_truncate(&wr, 2);
	cr_assert_eq(wr.err, WIRE_OK);
	wire_patch_u16(&wr, 1, 7);
	cr_assert_eq(wr.err, WIRE_ERANGE);
}

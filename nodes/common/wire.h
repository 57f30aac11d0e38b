/*
 * Bounded reader and writer for every wire format the project parses or emits
 * (BGP messages, DNS packets, control messages). Both keep a sticky error in the
 * manner of Knot's wire_ctx: after one short read or one overflowing write every
 * later call is a no-op (reads yield zero) and the error stays set, so a parser
 * checks once at the end. No other code does pointer arithmetic on packets.
 */
#ifndef ANYLAB_WIRE_H
#define ANYLAB_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define WIRE_OK	    0
#define WIRE_ESHORT (-1) /* read past the end of the input */
#define WIRE_ESPACE (-2) /* write past the end of the buffer */
#define WIRE_ERANGE (-3) /* seek or patch outside the buffer */

struct wire_rd {
	const uint8_t *start;
	const uint8_t *pos;
	const uint8_t *end;
	int err;
};

struct wire_wr {
	uint8_t *buf;
	size_t len;
	size_t cap;
	int err;
};

void wire_rd_init(struct wire_rd *, const void *, size_t);
uint8_t wire_u8(struct wire_rd *);
uint16_t wire_u16(struct wire_rd *); /* network byte order */
uint32_t wire_u32(struct wire_rd *);
void wire_read(struct wire_rd *, void *, size_t);
const uint8_t *wire_ptr(struct wire_rd *, size_t); /* NULL and error when short */
void wire_skip(struct wire_rd *, size_t);
struct wire_rd wire_sub(struct wire_rd *, size_t); /* cut n bytes off as a reader */
size_t wire_left(const struct wire_rd *);
size_t wire_offset(const struct wire_rd *);
void wire_seek(struct wire_rd *, size_t); /* absolute, from start */
uint8_t wire_peek_u8(struct wire_rd *);

void wire_wr_init(struct wire_wr *, void *, size_t);
void wire_put_u8(struct wire_wr *, uint8_t);
void wire_put_u16(struct wire_wr *, uint16_t);
void wire_put_u32(struct wire_wr *, uint32_t);
void wire_put(struct wire_wr *, const void *, size_t);
uint8_t *wire_reserve(struct wire_wr *, size_t); /* NULL and error when full */
void wire_patch_u8(struct wire_wr *, size_t, uint8_t);
void wire_patch_u16(struct wire_wr *, size_t, uint16_t);
size_t wire_room(const struct wire_wr *);
void wire_truncate(struct wire_wr *, size_t); /* back to an earlier length */

const char *wire_strerror(int);

#endif

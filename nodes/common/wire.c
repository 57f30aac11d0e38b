/*
 * Bounded reader and writer with a sticky error (see wire.h).
 */
#include <string.h>

#include "wire.h"

void
wire_rd_init(struct wire_rd *rd, const void *buf, size_t len)
{
	rd->start = buf;
	rd->pos = buf;
	rd->end = rd->start + len;
	rd->err = WIRE_OK;
}

static bool
rd_need(struct wire_rd *rd, size_t n)
{
	if (rd->err != WIRE_OK)
		return false;
	if ((size_t)(rd->end - rd->pos) < n) {
		rd->err = WIRE_ESHORT;
		rd->pos = rd->end;
		return false;
	}
	return true;
}

uint8_t
wire_u8(struct wire_rd *rd)
{
	if (!rd_need(rd, 1))
		return 0;
	return *rd->pos++;
}

uint8_t
wire_peek_u8(struct wire_rd *rd)
{
	if (!rd_need(rd, 1))
		return 0;
	return *rd->pos;
}

uint16_t
wire_u16(struct wire_rd *rd)
{
	uint16_t v;

	if (!rd_need(rd, 2))
		return 0;
	v = (uint16_t)(rd->pos[0] << 8 | rd->pos[1]);
	rd->pos += 2;
	return v;
}

uint32_t
wire_u32(struct wire_rd *rd)
{
	uint32_t v;

	if (!rd_need(rd, 4))
		return 0;
	v = (uint32_t)rd->pos[0] << 24 | (uint32_t)rd->pos[1] << 16 | (uint32_t)rd->pos[2] << 8 |
	    rd->pos[3];
	rd->pos += 4;
	return v;
}

void
wire_read(struct wire_rd *rd, void *dst, size_t n)
{
	if (!rd_need(rd, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, rd->pos, n);
	rd->pos += n;
}

const uint8_t *
wire_ptr(struct wire_rd *rd, size_t n)
{
	const uint8_t *p;

	if (!rd_need(rd, n))
		return NULL;
	p = rd->pos;
	rd->pos += n;
	return p;
}

void
wire_skip(struct wire_rd *rd, size_t n)
{
	if (rd_need(rd, n))
		rd->pos += n;
}

struct wire_rd
wire_sub(struct wire_rd *rd, size_t n)
{
	struct wire_rd sub;

	if (!rd_need(rd, n)) {
		wire_rd_init(&sub, rd->end, 0);
		sub.err = rd->err;
		return sub;
	}
	wire_rd_init(&sub, rd->pos, n);
	rd->pos += n;
	return sub;
}

size_t
wire_left(const struct wire_rd *rd)
{
	return (size_t)(rd->end - rd->pos);
}

size_t
wire_offset(const struct wire_rd *rd)
{
	return (size_t)(rd->pos - rd->start);
}

void
wire_seek(struct wire_rd *rd, size_t off)
{
	if (rd->err != WIRE_OK)
		return;
	if (off > (size_t)(rd->end - rd->start)) {
		rd->err = WIRE_ERANGE;
		rd->pos = rd->end;
		return;
	}
	rd->pos = rd->start + off;
}

void
wire_wr_init(struct wire_wr *wr, void *buf, size_t cap)
{
	wr->buf = buf;
	wr->len = 0;
	wr->cap = cap;
	wr->err = WIRE_OK;
}

uint8_t *
wire_reserve(struct wire_wr *wr, size_t n)
{
	uint8_t *p;

	if (wr->err != WIRE_OK)
		return NULL;
	if (wr->cap - wr->len < n) {
		wr->err = WIRE_ESPACE;
		return NULL;
	}
	p = wr->buf + wr->len;
	wr->len += n;
	return p;
}

void
wire_put_u8(struct wire_wr *wr, uint8_t v)
{
	uint8_t *p = wire_reserve(wr, 1);

	if (p)
		p[0] = v;
}

void
wire_put_u16(struct wire_wr *wr, uint16_t v)
{
	uint8_t *p = wire_reserve(wr, 2);

	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

void
wire_put_u32(struct wire_wr *wr, uint32_t v)
{
	uint8_t *p = wire_reserve(wr, 4);

	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

void
wire_put(struct wire_wr *wr, const void *src, size_t n)
{
	uint8_t *p = wire_reserve(wr, n);

	if (p && n)
		memcpy(p, src, n);
}

void
wire_patch_u8(struct wire_wr *wr, size_t off, uint8_t v)
{
	if (wr->err != WIRE_OK)
		return;
	if (off + 1 > wr->len) {
		wr->err = WIRE_ERANGE;
		return;
	}
	wr->buf[off] = v;
}

void
wire_patch_u16(struct wire_wr *wr, size_t off, uint16_t v)
{
	if (wr->err != WIRE_OK)
		return;
	if (off + 2 > wr->len) {
		wr->err = WIRE_ERANGE;
		return;
	}
	wr->buf[off] = (uint8_t)(v >> 8);
	wr->buf[off + 1] = (uint8_t)v;
}

size_t
wire_room(const struct wire_wr *wr)
{
	return wr->err != WIRE_OK ? 0 : wr->cap - wr->len;
}

void
wire_truncate(struct wire_wr *wr, size_t len)
{
	if (len <= wr->len) {
		wr->len = len;
		wr->err = WIRE_OK;
	}
}

const char *
wire_strerror(int err)
{
	switch (err) {
	case WIRE_OK:
		return "success";
	case WIRE_ESHORT:
		return "message shorter than its contents claim";
	case WIRE_ESPACE:
		return "no room left in the output buffer";
	case WIRE_ERANGE:
		return "offset outside the message";
	}
	return "unknown wire error";
}

/*
 * DNS over TCP framing (probe_tcp.h; RFC 1035 4.2.2, RFC 7766 8): the
 * length prefix read through wire.h's bounded reader.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe_tcp.h"
#include "wire.h"

int
probe_stream_append(struct probe_stream *s, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (s->off > 0 && s->off == s->len)
		s->off = s->len = 0;
	if (s->len + n > s->cap && s->off > 0) {
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 512;
		uint8_t *b;

		while (cap < s->len + n)
			cap *= 2;
		b = realloc(s->buf, cap);
		if (b == NULL)
			return -ENOMEM;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

int
probe_stream_frame(struct probe_stream *s, const void *msg, size_t n)
{
	uint8_t pre[2];
	struct wire_wr w;
	int err;

	if (n > 65535)
		return -EMSGSIZE;
	wire_wr_init(&w, pre, sizeof(pre));
	wire_put_u16(&w, (uint16_t)n);
	err = probe_stream_append(s, pre, sizeof(pre));
	if (err < 0)
		return err;
	err = probe_stream_append(s, msg, n);
	if (err < 0)
		s->len -= sizeof(pre); /* the prefix is still the last: nothing half-framed */
	return err;
}

int
probe_stream_next(struct probe_stream *s, const uint8_t **msg, size_t *n)
{
	struct wire_rd r;
	uint16_t mlen;
	const uint8_t *p;

	if (s->len - s->off < 2)
		return 0;
	wire_rd_init(&r, s->buf + s->off, s->len - s->off);
	mlen = wire_u16(&r);
	p = wire_ptr(&r, mlen);
	if (p == NULL) /* a short read: the rest has not come yet */
		return 0;
	*msg = p;
	*n = mlen;
	s->off += wire_offset(&r);
	return 1;
}

size_t
probe_stream_pending(const struct probe_stream *s)
{
	return s->len - s->off;
}

const uint8_t *
probe_stream_data(const struct probe_stream *s)
{
	return s->buf + s->off;
}

void
probe_stream_consume(struct probe_stream *s, size_t n)
{
	s->off += n > s->len - s->off ? s->len - s->off : n;
	if (s->off == s->len)
		s->off = s->len = 0;
}

void
probe_stream_reset(struct probe_stream *s)
{
	s->off = s->len = 0;
}

void
probe_stream_free(struct probe_stream *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

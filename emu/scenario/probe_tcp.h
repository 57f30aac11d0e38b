/*
 * DNS over TCP framing for the prober (RFC 1035 4.2.2, RFC 7766 8): every
 * message preceded by its length in two octets, several queries in flight
 * on one connection, answers in any order. A byte stream buffer that takes
 * what read() returned (any split: half a length, three answers at once)
 * and hands out whole messages, and the same buffer for bytes waiting to
 * be written. Pure: unit-tested.
 */
#ifndef ANYLAB_PROBE_TCP_H
#define ANYLAB_PROBE_TCP_H

#include <stddef.h>
#include <stdint.h>

struct probe_stream {
	uint8_t *buf;
	size_t off; /* consumed */
	size_t len; /* filled */
	size_t cap;
};

/* Append n bytes. 0 or -ENOMEM. */
int probe_stream_append(struct probe_stream *, const void *, size_t n);
/* Append one message with its length prefix. 0, -EMSGSIZE (over 65535) or -ENOMEM. */
int probe_stream_frame(struct probe_stream *, const void *msg, size_t n);
/*
 * The next whole message: 1 with *msg (valid until the stream is next
 * changed) and *n, or 0 when the rest is incomplete.
 */
int probe_stream_next(struct probe_stream *, const uint8_t **msg, size_t *n);
/* Bytes not consumed yet, and consuming n of them (written). */
size_t probe_stream_pending(const struct probe_stream *);
const uint8_t *probe_stream_data(const struct probe_stream *);
void probe_stream_consume(struct probe_stream *, size_t n);
/* Empty (a connection closed); the memory is kept. */
void probe_stream_reset(struct probe_stream *);
void probe_stream_free(struct probe_stream *);

#endif

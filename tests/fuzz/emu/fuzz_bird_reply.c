/*
 * libFuzzer target: what kind "bird" reads from BIRD's control socket
 * (emu/kinds/bird_ctl.c, kind_bird.c) on arbitrary bytes: the numbered-line
 * decoder, then the text through the `show protocols all`, `show route all`
 * and `show status` parsers and into the peers and routes JSON. Nothing may
 * crash, leak or read out of bounds; a decoder that consumed more than it
 * was given is a bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bird_ctl.h"
#include "kind_bird.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bird_reply r = { STRBUF_INIT, -1 };
	struct bird_proto *v = NULL;
	const char *text;
	cJSON *peers, *routes;
	size_t n = 0;
	long used;
	double now;

	used = bird_ctl_decode((const char *)data, size, &r);
	if (used > (long)size)
		abort();
	/* The decoded text, or the raw bytes when they were not BIRD's format. */
	if (used < 0) {
		sb_reset(&r.text);
		sb_add(&r.text, (const char *)data, strnlen((const char *)data, size));
	}
	text = sb_str(&r.text);
	if (bird_protocols_parse(text, &v, &n) == 0) {
		now = bird_status_time(text, "Current server time is");
		peers = bird_peers_json(v, n, now);
		routes = bird_routes_json(text, v, n);
		cJSON_Delete(peers);
		cJSON_Delete(routes);
	}
	free(v);
	bird_reply_free(&r);
	return 0;
}

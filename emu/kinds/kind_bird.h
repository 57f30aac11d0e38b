/*
 * Kind "bird": the pieces of its adapter (kind_bird.c) that are pure text
 * in, text out, declared here so that tests/kinds/test_kind_bird.c can
 * check them without a daemon: the bird.conf writer and its refusals, and
 * the parsers of `show protocols all`, `show route all` and `show status`
 * (as birdc prints them; bird_ctl.h turns the socket's numbered lines into
 * that text).
 */
#ifndef ANYLAB_KIND_BIRD_H
#define ANYLAB_KIND_BIRD_H

#include <stdbool.h>
#include <stddef.h>
#include <cJSON.h>

#include "addr.h"
#include "bgp_config.h"
#include "jcfg.h"
#include "kind_bfd.h"
#include "strbuf.h"

#define BIRD_NAME_MAX 64

/* What announce/withdraw changed at run time (DIR/bird.announce). */
struct bird_runtime {
	struct prefix *extra; /* announced, not in "originate" */
	size_t nextra;
	struct prefix *withdrawn; /* in "originate", withdrawn */
	size_t nwithdrawn;
};

/*
 * Keys of a parsed section that BIRD cannot express as anybgpd means them:
 * one error each, "PATH.key: kind bird cannot ...". bfd: one per peer
 * (kind_bfd_parse), or NULL. 0 or -1.
 */
int bird_conf_check(const struct bgp_config *, const struct kind_bfd *bfd, const char *path,
    struct cfg_errors *);
/* bird.conf for cfg and bfd (as above; path names the section in the header); rt may be NULL. */
void bird_conf_render(const struct bgp_config *, const struct kind_bfd *bfd, const char *path,
    const struct bird_runtime *rt, struct strbuf *out);
/* BIRD's protocol name of a peer ("bgp_10_10_10_1") or an originated prefix ("originate_..."). */
const char *bird_peer_name(const struct ipaddr *, char *buf, size_t len);
const char *bird_originate_name(const struct prefix *, char *buf, size_t len);

/* One protocol of `show protocols all`: the fields the adapter reports. */
struct bird_proto {
	char name[BIRD_NAME_MAX];
	char type[16];	/* "BGP", "Kernel", "Static"... */
	char state[16]; /* "up", "start", "down"... */
	char since[40];
	char info[128];
	char description[128];
	char bgp_state[16];
	char neighbor[IPADDR_STRLEN];
	unsigned long neighbor_as;
	unsigned long local_as;
	char neighbor_id[IPADDR_STRLEN];
	char session[16]; /* "external", "internal" */
	char source[IPADDR_STRLEN];
	char last_error[160];
	int hold_time; /* negotiated; -1 when not shown */
	int keepalive;
	char families[2][8]; /* channels: "ipv4", "ipv6" */
	int nfamilies;
	unsigned long long imported; /* summed over channels */
	unsigned long long exported;
	unsigned long long filtered; /* import updates a filter rejected */
};

/*
 * {"sessions":[...]} from `show bfd sessions` (BIRD 2.0.12 prints address,
 * interface, state, since, the transmit interval in use and the detection
 * time): peer, interface, state, uptime (now: the server's clock, as for
 * bird_peers_json), tx_ms, detect_ms; rx_ms, multiplier and
 * remote_multiplier null, as BIRD does not print them.
 */
cJSON *bird_bfd_json(const char *text, double now);

/* Parse `show protocols all`; *out is calloc'd (caller frees). 0 or -ENOMEM. */
int bird_protocols_parse(const char *text, struct bird_proto **out, size_t *n);
/* The "Current server time" of `show status` in seconds (timegm), -1 if absent. */
double bird_status_time(const char *status, const char *line_label);
/* Seconds of a since column ("16:39:44.636", "2026-12-02 16:39:44", "2026-12-01") given now. */
double bird_since_time(const char *since, double now);
/* {"peers":[...]} in anybgpd's shape from the BGP protocols. */
cJSON *bird_peers_json(const struct bird_proto *, size_t n, double now);
/*
 * {"routes":[...],"prefixes":N,"truncated":false} from `show route all`:
 * BGP routes, and static routes of protocols named originate_* as "local".
 */
cJSON *bird_routes_json(const char *text, const struct bird_proto *, size_t n);

#endif

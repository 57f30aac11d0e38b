/*
 * anylab generate anycast (gen.h, docs/generate.md): a multi-site anycast
 * DNS service as a topology, with its scenarios.
 *
 * Plan (docs/generate.md says why):
 *   site i (1..S)    a /20 of 10.0.0.0/8: 10.0.0.0 + i * 4096
 *     server LAN     the /20's first /24: router .1, instance k at .(10 + k)
 *     client LAN     the /20's upper /21: router first host, clients on
 *                    hosts 2..2046 placed by the seed
 *   core links       172.16.0.0/12, one /30 per link: .1 the upper end
 *                    (core, or the lower-numbered site in a ring), .2 the lower
 *   ASNs             RFC 6996 4-byte private: the anycast service (every
 *                    instance) 4200000000, site i's router 4200000000 + i,
 *                    the core (star, top of tiers) 4200100000, regional
 *                    core r 4200100000 + r
 * Every instance announces 198.18.0.53/32 (198.18.0.0/15 is set aside for
 * benchmarking: RFC 2544, RFC 6890) and holds it on its lo. A site router
 * prefers its own instances because their path is shorter (one AS against
 * at least two from any other site), with no policy, and keeps
 * them all in its multipath set (RFC 4786 4.4.3: one route, several next
 * hops).
 *
 * The seed varies, per router, the kernel's multipath hash seed, and per
 * site where the clients sit in the client LAN (hence which instance the
 * hash sends each one to). Nothing else depends on it, and nothing at
 * all on anything but the options: same options, same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anylab.h"
#include "gen.h"

#define ASN_ANYCAST   4200000000u
#define ASN_SITE_BASE 4200000000u
#define ASN_CORE      4200100000u
#define NET_SITES     0x0A000000u /* 10.0.0.0/8 */
#define NET_LINKS     0xAC100000u /* 172.16.0.0/12 */
#define SITE_SHIFT    12	  /* a /20 per site */
#define CLIENT_OFFSET 2048	  /* the /21 client LAN in the upper half */
#define CLIENT_PLEN   21
#define CLIENT_FIRST  2 /* hosts 2..2046 of the /21: 1 is the router */
#define CLIENT_SLOTS  2045
#define INST_OFFSET   10
#define HOLD_TIME     9
#define KEEPALIVE     3

const char *const gen_core_names[GEN_CORE_COUNT] = {
	[GEN_CORE_STAR] = "star",
	[GEN_CORE_RING] = "ring",
	[GEN_CORE_TIERS] = "tiers",
};

const char *const gen_fib_names[GEN_FIB_COUNT] = {
	[GEN_FIB_MULTIPATH] = "multipath",
	[GEN_FIB_RESILIENT] = "resilient",
};

/* What the plan needs besides the options. */
struct plan {
	const struct gen_anycast *o;
	unsigned width;	     /* digits of a site number: 2 up to 99 sites, then more */
	unsigned regions;    /* tiers: regional cores */
	unsigned per_region; /* tiers: sites per regional core */
	unsigned nlinks;     /* core links numbered so far */
	struct gen_timers tm;
	cJSON *nodes;
	cJSON *links;
};

/* Purposes of the seed's streams, so that one never shifts another. */
enum stream {
	STREAM_HASH,
	STREAM_PLACE,
};

static uint64_t splitmix(uint64_t *state);
static uint64_t stream_seed(uint64_t seed, enum stream, uint64_t index);
static void v4(char *buf, size_t len, uint32_t addr, int plen);
static uint32_t site_base(unsigned site);
static void site_name(const struct plan *, unsigned site, char *buf, size_t len);
static void node_name(const struct plan *, unsigned site, const char *what, unsigned k, char *buf,
    size_t len);
static cJSON *add_iface(cJSON *node, const char *ifname, uint32_t addr, int plen);
static cJSON *add_peer(cJSON *bgp, uint32_t addr, uint32_t asn, const char *import,
    const char *export, const char *description);
static void add_route(cJSON *node, const char *to, uint32_t via);
static void add_link(struct plan *, const char *name, bool lan, const char *const *ends,
    size_t nends);
static cJSON *router(const struct plan *, const char *name, const char *site, uint32_t router_id,
    uint32_t asn, unsigned index, unsigned max_paths);
static void gen_site(struct plan *, unsigned site);
static void gen_instance(struct plan *, unsigned site, unsigned k, cJSON *lan_ends);
static void gen_clients(struct plan *, unsigned site, cJSON *lan_ends);
static void gen_core(struct plan *);
static void uplink(struct plan *, cJSON *upper_node, const char *upper, const char *upper_if,
    uint32_t upper_asn, cJSON *lower_node, const char *lower, const char *lower_if,
    uint32_t lower_asn, const char *link_name);
static cJSON *bfd_object(const struct plan *);
static cJSON *core_router(struct plan *, const char *name, uint32_t router_id, uint32_t asn,
    unsigned index, unsigned ports);
static cJSON *gen_scenarios(const struct plan *);
static cJSON *step(cJSON *steps, const char *kind_key, const char *kind, const char *label);
static cJSON *probe_object(const struct plan *);
static const char *converge(const struct plan *, cJSON *steps);
static void own_site(const struct plan *, cJSON *steps, unsigned site, unsigned within,
    const char *what);
static void all_own_site(cJSON *steps, unsigned within);
static void stayed(const struct plan *, cJSON *steps, unsigned site, const char *what);
static void iface_list(const struct plan *, cJSON *st, unsigned site, unsigned from, unsigned to);
static cJSON *scenario_object(const struct plan *, cJSON *all, const char *name,
    const char *description);

void
gen_anycast_defaults(struct gen_anycast *o)
{
	memset(o, 0, sizeof(*o));
	o->core = GEN_CORE_STAR;
	o->seed = 1;
	snprintf(o->name, sizeof(o->name), "%s", GEN_DEFAULT_NAME);
	o->fib = GEN_FIB_MULTIPATH;
	o->bfd = true;
}

/* Queries per second per client (gen.h, GEN_PROBE_QPS). */
static double
probe_rate(const struct gen_anycast *o)
{
	static const double slow[] = { 0.5, 0.25, 0.2 };
	uint64_t n = (uint64_t)o->sites * o->clients;
	uint64_t rate = n ? GEN_PROBE_QPS / n : GEN_PROBE_RATE;

	if (rate >= 1)
		return rate > GEN_PROBE_RATE ? GEN_PROBE_RATE : (double)rate;
	for (size_t i = 0; i < sizeof(slow) / sizeof(slow[0]); i++)
		if (slow[i] * (double)n <= GEN_PROBE_QPS)
			return slow[i];
	return 0.1;
}

void
gen_anycast_timers(const struct gen_anycast *o, struct gen_timers *tm)
{
	unsigned period_ms;
	bool brisk = (uint64_t)o->sites * o->instances <= GEN_BRISK_INSTANCES_MAX;

	tm->bfd_ms = o->bfd_ms ? o->bfd_ms : brisk ? GEN_BFD_MS_BRISK : GEN_BFD_MS_GENTLE;
	tm->bfd_mult = GEN_BFD_MULT;
	tm->check_ms = o->check_ms ? o->check_ms : brisk ? GEN_CHECK_MS_BRISK : GEN_CHECK_MS_GENTLE;
	tm->detect_ms = o->bfd ? tm->bfd_ms * tm->bfd_mult : 0;
	tm->probe_rate = probe_rate(o);
	/*
	 * Detection, BGP's withdrawal and the routers' switch, and a client's
	 * wait for its next query (a whole period at worst), in whole seconds.
	 */
	period_ms = (unsigned)llround(1000.0 / tm->probe_rate);
	tm->within_s = (tm->detect_ms + GEN_FAILOVER_MARGIN_MS + period_ms + 999) / 1000;
	if (!o->bfd && tm->within_s < GEN_NO_BFD_WITHIN_S)
		tm->within_s = GEN_NO_BFD_WITHIN_S;
}

uint64_t
gen_anycast_nodes(const struct gen_anycast *o)
{
	uint64_t cores = 0, r = 1;

	if (o->core == GEN_CORE_STAR)
		cores = 1;
	else if (o->core == GEN_CORE_TIERS) {
		uint64_t per;

		while (r * r < o->sites)
			r++;
		per = (o->sites + r - 1) / r;
		cores = 1 + (o->sites + per - 1) / per;
	}
	return (uint64_t)o->sites * (1 + (uint64_t)o->instances + o->clients) + cores;
}

int
gen_anycast_check(const struct gen_anycast *o, char *msg, size_t len)
{
	size_t n = strlen(o->name);

	if (o->sites < 1 || o->sites > GEN_SITES_MAX) {
		snprintf(msg, len, "--sites %u: expected 1 to %d", o->sites, GEN_SITES_MAX);
		return -1;
	}
	if (o->instances < 1 || o->instances > GEN_INSTANCES_MAX) {
		snprintf(msg, len, "--instances %u: expected 1 to %d per site", o->instances,
		    GEN_INSTANCES_MAX);
		return -1;
	}
	if (o->clients < 1 || o->clients > GEN_CLIENTS_MAX) {
		snprintf(msg, len, "--clients %u: expected 1 to %d per site", o->clients,
		    GEN_CLIENTS_MAX);
		return -1;
	}
	if (gen_anycast_nodes(o) > GEN_NODES_MAX) {
		snprintf(msg, len,
		    "%u sites x (1 router + %u instances + %u clients) and the core make %llu nodes; "
		    "expected at most %d",
		    o->sites, o->instances, o->clients, (unsigned long long)gen_anycast_nodes(o),
		    GEN_NODES_MAX);
		return -1;
	}
	if (o->bfd_ms != 0 && (o->bfd_ms < GEN_BFD_MS_MIN || o->bfd_ms > GEN_BFD_MS_MAX)) {
		snprintf(msg, len, "--bfd-interval %u: expected %d to %d ms", o->bfd_ms,
		    GEN_BFD_MS_MIN, GEN_BFD_MS_MAX);
		return -1;
	}
	if (o->bfd_ms != 0 && !o->bfd) {
		snprintf(msg, len, "--bfd-interval %u with --no-bfd: expected one or the other",
		    o->bfd_ms);
		return -1;
	}
	if (o->check_ms != 0 &&
	    (o->check_ms < GEN_CHECK_MS_MIN || o->check_ms > GEN_CHECK_MS_MAX)) {
		snprintf(msg, len, "--check-interval %u: expected %d to %d ms", o->check_ms,
		    GEN_CHECK_MS_MIN, GEN_CHECK_MS_MAX);
		return -1;
	}
	if ((unsigned)o->core >= GEN_CORE_COUNT || (unsigned)o->fib >= GEN_FIB_COUNT) {
		snprintf(msg, len, "core or fib out of range");
		return -1;
	}
	if (n == 0 || n > TOPO_LAB_NAME_MAX ||
	    strspn(o->name, "abcdefghijklmnopqrstuvwxyz0123456789_") != n || o->name[0] == '_') {
		snprintf(msg, len,
		    "--name \"%s\": expected 1 to %d characters [a-z0-9_], starting with a letter or digit",
		    o->name, TOPO_LAB_NAME_MAX);
		return -1;
	}
	return 0;
}

/* SplitMix64 (Steele, Lea, Flood 2014): a small generator whose output is the same everywhere. */
static uint64_t
splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t
stream_seed(uint64_t seed, enum stream s, uint64_t index)
{
	uint64_t st = seed;
	uint64_t a = splitmix(&st);

	st = a ^ ((uint64_t)s << 56) ^ index;
	return splitmix(&st);
}

static void
v4(char *buf, size_t len, uint32_t a, int plen)
{
	if (plen < 0)
		snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		    a & 255);
	else
		snprintf(buf, len, "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		    a & 255, plen);
}

static uint32_t
site_base(unsigned site)
{
	return NET_SITES | ((uint32_t)site << SITE_SHIFT);
}

static void
site_name(const struct plan *p, unsigned site, char *buf, size_t len)
{
	snprintf(buf, len, "s%0*u", (int)p->width, site);
}

/* "s01-r", "s01-dns2", "s01-c7". */
static void
node_name(const struct plan *p, unsigned site, const char *what, unsigned k, char *buf, size_t len)
{
	char s[16];

	site_name(p, site, s, sizeof(s));
	if (k)
		snprintf(buf, len, "%s-%s%u", s, what, k);
	else
		snprintf(buf, len, "%s-%s", s, what);
}

static cJSON *
add_iface(cJSON *node, const char *ifname, uint32_t addr, int plen)
{
	cJSON *ifs = cJSON_GetObjectItemCaseSensitive(node, "interfaces");
	cJSON *i = cJSON_CreateObject(), *a = cJSON_CreateArray();
	char b[32];

	if (ifs == NULL)
		ifs = cJSON_AddObjectToObject(node, "interfaces");
	v4(b, sizeof(b), addr, plen);
	cJSON_AddItemToArray(a, cJSON_CreateString(b));
	cJSON_AddItemToObject(i, "addresses", a);
	cJSON_AddItemToObject(ifs, ifname, i);
	return i;
}

static void
add_route(cJSON *node, const char *to, uint32_t via)
{
	cJSON *r = cJSON_AddArrayToObject(node, "routes"), *e = cJSON_CreateObject();
	char b[32];

	v4(b, sizeof(b), via, -1);
	cJSON_AddStringToObject(e, "to", to);
	cJSON_AddStringToObject(e, "via", b);
	cJSON_AddItemToArray(r, e);
}

static cJSON *
add_peer(cJSON *bgp, uint32_t addr, uint32_t asn, const char *import, const char *export,
    const char *description)
{
	cJSON *peers = cJSON_GetObjectItemCaseSensitive(bgp, "peers"), *e = cJSON_CreateObject();
	char b[32];

	if (peers == NULL)
		peers = cJSON_AddArrayToObject(bgp, "peers");
	v4(b, sizeof(b), addr, -1);
	cJSON_AddStringToObject(e, "address", b);
	cJSON_AddNumberToObject(e, "asn", asn);
	if (description != NULL)
		cJSON_AddStringToObject(e, "description", description);
	cJSON_AddStringToObject(e, "import", import);
	cJSON_AddStringToObject(e, "export", export);
	cJSON_AddItemToArray(peers, e);
	return e;
}

static void
add_link(struct plan *p, const char *name, bool lan, const char *const *ends, size_t nends)
{
	cJSON *l = cJSON_CreateObject(), *a = cJSON_CreateArray();

	cJSON_AddStringToObject(l, "name", name);
	if (lan)
		cJSON_AddStringToObject(l, "kind", "lan");
	for (size_t i = 0; i < nends; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(ends[i]));
	cJSON_AddItemToObject(l, "endpoints", a);
	cJSON_AddItemToArray(p->links, l);
}

static cJSON *
bfd_object(const struct plan *p)
{
	cJSON *b = cJSON_CreateObject();

	cJSON_AddNumberToObject(b, "interval_ms", p->tm.bfd_ms);
	cJSON_AddNumberToObject(b, "multiplier", p->tm.bfd_mult);
	return b;
}

/*
 * A forwarding node with a speaker: its kernel's multipath hash (policy 0,
 * layer 3, so a client stays with one path; seed from the option seed and
 * the router's index) and, with max_paths > 1, a multipath set.
 */
static cJSON *
router(const struct plan *p, const char *name, const char *site, uint32_t router_id, uint32_t asn,
    unsigned index, unsigned max_paths)
{
	cJSON *n = cJSON_AddObjectToObject(p->nodes, name), *mp, *bgp, *m;
	char b[32];

	if (site != NULL)
		cJSON_AddStringToObject(n, "site", site);
	cJSON_AddObjectToObject(n, "interfaces"); /* filled by the caller */
	cJSON_AddBoolToObject(n, "forwarding", true);
	mp = cJSON_AddObjectToObject(n, "multipath");
	cJSON_AddNumberToObject(mp, "hash_policy", 0);
	cJSON_AddNumberToObject(mp, "hash_seed",
	    (double)(stream_seed(p->o->seed, STREAM_HASH, index) & 0xffffffffu));
	bgp = cJSON_AddObjectToObject(n, "bgp");
	cJSON_AddNumberToObject(bgp, "asn", asn);
	v4(b, sizeof(b), router_id, -1);
	cJSON_AddStringToObject(bgp, "router_id", b);
	cJSON_AddNumberToObject(bgp, "hold_time", HOLD_TIME);
	cJSON_AddNumberToObject(bgp, "keepalive", KEEPALIVE);
	if (max_paths > 1) {
		m = cJSON_AddObjectToObject(bgp, "multipath");
		cJSON_AddNumberToObject(m, "max_paths", max_paths);
	}
	return n;
}

/* Instance k of site: its node, its peer on the site router, its endpoint on the server LAN. */
static void
gen_instance(struct plan *p, unsigned site, unsigned k, cJSON *lan_ends)
{
	const struct gen_anycast *o = p->o;
	uint32_t base = site_base(site), addr = base + INST_OFFSET + k;
	cJSON *n, *bgp, *h, *d, *z, *rec, *r, *arr;
	char name[TOPO_NAME_MAX], id[TOPO_NAME_MAX], s[16], b[64];

	node_name(p, site, "dns", k, name, sizeof(name));
	site_name(p, site, s, sizeof(s));
	for (size_t i = 0; name[i]; i++)
		id[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
	id[strlen(name)] = '\0';

	n = cJSON_AddObjectToObject(p->nodes, name);
	cJSON_AddStringToObject(n, "site", s);
	add_iface(n, "eth0", addr, 24);
	arr = cJSON_AddArrayToObject(n, "loopback");
	cJSON_AddItemToArray(arr, cJSON_CreateString(GEN_ANYCAST_PFX));
	add_route(n, "default", base + 1);

	bgp = cJSON_AddObjectToObject(n, "bgp");
	cJSON_AddNumberToObject(bgp, "asn", ASN_ANYCAST);
	v4(b, sizeof(b), addr, -1);
	cJSON_AddStringToObject(bgp, "router_id", b);
	cJSON_AddNumberToObject(bgp, "hold_time", HOLD_TIME);
	cJSON_AddNumberToObject(bgp, "keepalive", KEEPALIVE);
	if (o->bfd)
		cJSON_AddItemToObject(bgp, "bfd", bfd_object(p));
	arr = cJSON_AddArrayToObject(bgp, "originate");
	cJSON_AddItemToArray(arr, cJSON_CreateString(GEN_ANYCAST_PFX));
	/* The route stays only while the instance's own DNS service answers. */
	arr = cJSON_AddArrayToObject(bgp, "health");
	h = cJSON_CreateObject();
	cJSON_AddStringToObject(h, "name", "dns");
	d = cJSON_AddObjectToObject(h, "dns");
	cJSON_AddStringToObject(d, "server", GEN_ANYCAST_V4);
	cJSON_AddStringToObject(d, "qname", GEN_QNAME);
	cJSON_AddStringToObject(d, "qtype", "TXT");
	cJSON_AddNumberToObject(h, "interval_ms", p->tm.check_ms);
	cJSON_AddNumberToObject(h, "rise", 3);
	cJSON_AddNumberToObject(h, "fall", 3);
	cJSON_AddItemToArray(arr, h);
	node_name(p, site, "r", 0, b, sizeof(b));
	add_peer(bgp, base + 1, ASN_SITE_BASE + site, "none", "all", b);

	d = cJSON_AddObjectToObject(n, "dns");
	cJSON_AddStringToObject(d, "identity", id);
	arr = cJSON_AddArrayToObject(d, "zones");
	z = cJSON_CreateObject();
	cJSON_AddStringToObject(z, "origin", "zone.tst");
	rec = cJSON_AddArrayToObject(z, "records");
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "name", "server");
	cJSON_AddStringToObject(r, "type", "TXT");
	cJSON_AddStringToObject(r, "data", id);
	cJSON_AddItemToArray(rec, r);
	cJSON_AddItemToArray(arr, z);

	snprintf(b, sizeof(b), "%s:eth0", name);
	cJSON_AddItemToArray(lan_ends, cJSON_CreateString(b));
}

/*
 * The site's clients: host numbers 2..2046 of the client /21, the first C
 * of a shuffle (Fisher-Yates) seeded per site.
 */
static void
gen_clients(struct plan *p, unsigned site, cJSON *lan_ends)
{
	uint32_t net = site_base(site) + CLIENT_OFFSET;
	uint16_t slot[CLIENT_SLOTS];
	uint64_t st = stream_seed(p->o->seed, STREAM_PLACE, site);
	char name[TOPO_NAME_MAX], s[16], b[64];

	site_name(p, site, s, sizeof(s));
	for (unsigned i = 0; i < CLIENT_SLOTS; i++)
		slot[i] = (uint16_t)(CLIENT_FIRST + i);
	for (unsigned j = 0; j < p->o->clients; j++) {
		unsigned pick = j + (unsigned)(splitmix(&st) % (CLIENT_SLOTS - j));
		uint16_t t = slot[j];
		cJSON *n, *res;

		slot[j] = slot[pick];
		slot[pick] = t;
		node_name(p, site, "c", j + 1, name, sizeof(name));
		n = cJSON_AddObjectToObject(p->nodes, name);
		cJSON_AddStringToObject(n, "site", s);
		add_iface(n, "eth0", net + slot[j], CLIENT_PLEN);
		add_route(n, "default", net + 1);
		res = cJSON_AddArrayToObject(n, "resolver");
		cJSON_AddItemToArray(res, cJSON_CreateString(GEN_ANYCAST_V4));
		snprintf(b, sizeof(b), "%s:eth0", name);
		cJSON_AddItemToArray(lan_ends, cJSON_CreateString(b));
	}
}

/* Site router, instances, clients and the two LANs of one site. */
static void
gen_site(struct plan *p, unsigned site)
{
	const struct gen_anycast *o = p->o;
	uint32_t base = site_base(site);
	cJSON *r, *bgp, *arr, *srv, *cli;
	char name[TOPO_NAME_MAX], s[16], b[64], lname[64];

	site_name(p, site, s, sizeof(s));
	node_name(p, site, "r", 0, name, sizeof(name));
	r = router(p, name, s, base + 1, ASN_SITE_BASE + site, site, o->instances);
	add_iface(r, "eth0", base + 1, 24);
	add_iface(r, "eth1", base + CLIENT_OFFSET + 1, CLIENT_PLEN);
	bgp = cJSON_GetObjectItemCaseSensitive(r, "bgp");
	if (o->fib == GEN_FIB_RESILIENT)
		cJSON_AddStringToObject(bgp, "fib", gen_fib_names[o->fib]);
	/* Its two LANs, for every other site to reach (the answers go back to the clients). */
	arr = cJSON_AddArrayToObject(bgp, "originate");
	v4(b, sizeof(b), base, 24);
	cJSON_AddItemToArray(arr, cJSON_CreateString(b));
	v4(b, sizeof(b), base + CLIENT_OFFSET, CLIENT_PLEN);
	cJSON_AddItemToArray(arr, cJSON_CreateString(b));
	for (unsigned k = 1; k <= o->instances; k++) {
		char iname[TOPO_NAME_MAX];
		cJSON *peer;

		node_name(p, site, "dns", k, iname, sizeof(iname));
		peer = add_peer(bgp, base + INST_OFFSET + k, ASN_ANYCAST, "all", "none", iname);
		if (o->bfd)
			cJSON_AddItemToObject(peer, "bfd", bfd_object(p));
	}

	srv = cJSON_CreateArray();
	snprintf(b, sizeof(b), "%s:eth0", name);
	cJSON_AddItemToArray(srv, cJSON_CreateString(b));
	for (unsigned k = 1; k <= o->instances; k++)
		gen_instance(p, site, k, srv);
	cli = cJSON_CreateArray();
	snprintf(b, sizeof(b), "%s:eth1", name);
	cJSON_AddItemToArray(cli, cJSON_CreateString(b));
	gen_clients(p, site, cli);

	snprintf(lname, sizeof(lname), "%s-srv", s);
	arr = cJSON_CreateObject();
	cJSON_AddStringToObject(arr, "name", lname);
	cJSON_AddStringToObject(arr, "kind", "lan");
	cJSON_AddItemToObject(arr, "endpoints", srv);
	cJSON_AddItemToArray(p->links, arr);
	snprintf(lname, sizeof(lname), "%s-cli", s);
	arr = cJSON_CreateObject();
	cJSON_AddStringToObject(arr, "name", lname);
	cJSON_AddStringToObject(arr, "kind", "lan");
	cJSON_AddItemToObject(arr, "endpoints", cli);
	cJSON_AddItemToArray(p->links, arr);
}

/*
 * One eBGP link between two routers: the next /30 of 172.16.0.0/12, .1 on
 * the upper end, .2 on the lower, each a peer of the other.
 */
static void
uplink(struct plan *p, cJSON *upper_node, const char *upper, const char *upper_if,
    uint32_t upper_asn, cJSON *lower_node, const char *lower, const char *lower_if,
    uint32_t lower_asn, const char *link_name)
{
	uint32_t net = NET_LINKS + 4 * p->nlinks++;
	char a[64], b[64];
	const char *ends[2] = { a, b };

	add_iface(upper_node, upper_if, net + 1, 30);
	add_iface(lower_node, lower_if, net + 2, 30);
	add_peer(cJSON_GetObjectItemCaseSensitive(upper_node, "bgp"), net + 2, lower_asn, "all",
	    "all", lower);
	add_peer(cJSON_GetObjectItemCaseSensitive(lower_node, "bgp"), net + 1, upper_asn, "all",
	    "all", upper);
	snprintf(a, sizeof(a), "%s:%s", upper, upper_if);
	snprintf(b, sizeof(b), "%s:%s", lower, lower_if);
	add_link(p, link_name, false, ends, 2);
}

/*
 * A core router: multipath over the sites it reaches at one AS-path length
 * (relax_as_path: the paths of two sites differ in their first AS), so a
 * failed site's clients spread over the others by the core's hash.
 */
static cJSON *
core_router(struct plan *p, const char *name, uint32_t router_id, uint32_t asn, unsigned index,
    unsigned ports)
{
	unsigned paths = ports < 2 ? 0 : ports > GEN_INSTANCES_MAX ? GEN_INSTANCES_MAX : ports;
	cJSON *n = router(p, name, NULL, router_id, asn, index, paths);

	if (paths > 1)
		cJSON_AddBoolToObject(cJSON_GetObjectItemCaseSensitive(
					  cJSON_GetObjectItemCaseSensitive(n, "bgp"), "multipath"),
		    "relax_as_path", true);
	return n;
}

static void
gen_core(struct plan *p)
{
	const struct gen_anycast *o = p->o;
	char rname[TOPO_NAME_MAX], sr[TOPO_NAME_MAX], ifn[16], ln[64];
	cJSON *top = NULL, *reg = NULL, *site_r, *next_r;

	switch (o->core) {
	case GEN_CORE_STAR:
		/* Its address on its first link (to s01) is its router ID. */
		top = core_router(p, "core", NET_LINKS + 4 * p->nlinks + 1, ASN_CORE,
		    GEN_SITES_MAX + 1, o->sites);
		for (unsigned i = 1; i <= o->sites; i++) {
			node_name(p, i, "r", 0, sr, sizeof(sr));
			site_r = cJSON_GetObjectItemCaseSensitive(p->nodes, sr);
			snprintf(ifn, sizeof(ifn), "eth%u", i);
			site_name(p, i, ln, sizeof(ln));
			strcat(ln, "-up");
			uplink(p, top, "core", ifn, ASN_CORE, site_r, sr, "eth2", ASN_SITE_BASE + i,
			    ln);
		}
		break;
	case GEN_CORE_RING:
		/* Site i's eth2 to site i+1's eth3; the last back to the first (S >= 3). */
		for (unsigned i = 1; i <= o->sites && o->sites > 1; i++) {
			unsigned j = i == o->sites ? 1 : i + 1;
			char nr[TOPO_NAME_MAX], sj[16];

			if (o->sites == 2 && i == 2)
				break;
			node_name(p, i, "r", 0, sr, sizeof(sr));
			node_name(p, j, "r", 0, nr, sizeof(nr));
			site_r = cJSON_GetObjectItemCaseSensitive(p->nodes, sr);
			next_r = cJSON_GetObjectItemCaseSensitive(p->nodes, nr);
			site_name(p, i, ln, sizeof(ln));
			site_name(p, j, sj, sizeof(sj));
			strcat(ln, "-");
			strcat(ln, sj);
			uplink(p, site_r, sr, "eth2", ASN_SITE_BASE + i, next_r, nr, "eth3",
			    ASN_SITE_BASE + j, ln);
		}
		break;
	case GEN_CORE_TIERS:
		top = core_router(p, "core", NET_LINKS + 4 * p->nlinks + 1, ASN_CORE,
		    GEN_SITES_MAX + 1, p->regions);
		for (unsigned r = 1; r <= p->regions; r++) {
			unsigned first = (r - 1) * p->per_region + 1;
			unsigned last = first + p->per_region - 1;

			if (last > o->sites)
				last = o->sites;
			snprintf(rname, sizeof(rname), "core%u", r);
			/* The lower end of its link to the top core, made next. */
			reg = core_router(p, rname, NET_LINKS + 4 * p->nlinks + 2, ASN_CORE + r,
			    GEN_SITES_MAX + 1 + r, last - first + 1);
			snprintf(ifn, sizeof(ifn), "eth%u", r);
			snprintf(ln, sizeof(ln), "%s-up", rname);
			uplink(p, top, "core", ifn, ASN_CORE, reg, rname, "eth0", ASN_CORE + r, ln);
			for (unsigned i = first; i <= last; i++) {
				node_name(p, i, "r", 0, sr, sizeof(sr));
				site_r = cJSON_GetObjectItemCaseSensitive(p->nodes, sr);
				snprintf(ifn, sizeof(ifn), "eth%u", i - first + 1);
				site_name(p, i, ln, sizeof(ln));
				strcat(ln, "-up");
				uplink(p, reg, rname, ifn, ASN_CORE + r, site_r, sr, "eth2",
				    ASN_SITE_BASE + i, ln);
			}
		}
		break;
	default:
		break;
	}
}

cJSON *
gen_anycast_build(const struct gen_anycast *o, char *msg, size_t len)
{
	struct plan p = { .o = o };
	char desc[1024], extra[64] = "", timers[160];
	cJSON *root;

	if (gen_anycast_check(o, msg, len) < 0)
		return NULL;
	gen_anycast_timers(o, &p.tm);
	if (o->bfd_ms)
		snprintf(extra, sizeof(extra), " --bfd-interval %u", o->bfd_ms);
	if (o->check_ms)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		    " --check-interval %u", o->check_ms);
	if (o->bfd)
		snprintf(timers, sizeof(timers),
		    "BFD %u ms x %u between each site router and its instances (a lost instance "
		    "is seen in %u ms)",
		    p.tm.bfd_ms, p.tm.bfd_mult, p.tm.detect_ms);
	else
		snprintf(timers, sizeof(timers),
		    "no BFD (a lost instance is seen when the 9 s hold "
		    "time expires)");
	p.width = 2;
	for (unsigned s = o->sites; s >= 100; s /= 10)
		p.width++;
	if (o->core == GEN_CORE_TIERS) {
		/* About the square root of S regions of about as many sites. */
		unsigned r = 1;

		while (r * r < o->sites)
			r++;
		p.per_region = (o->sites + r - 1) / r;
		p.regions = (o->sites + p.per_region - 1) / p.per_region;
	}
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "name", o->name);
	snprintf(desc, sizeof(desc),
	    "Generated by `anylab generate anycast --sites %u --instances %u --clients %u "
	    "--core %s --seed %llu --fib %s%s%s` (docs/generate.md): %u sites, each a router, "
	    "%u DNS instance%s announcing %s over eBGP and %u client%s whose resolver is %s; "
	    "the sites joined by %s; %s; each instance's DNS health check every %u ms.",
	    o->sites, o->instances, o->clients, gen_core_names[o->core],
	    (unsigned long long)o->seed, gen_fib_names[o->fib], o->bfd ? "" : " --no-bfd", extra,
	    o->sites, o->instances, o->instances == 1 ? "" : "s", GEN_ANYCAST_PFX, o->clients,
	    o->clients == 1 ? "" : "s", GEN_ANYCAST_V4,
	    o->core == GEN_CORE_STAR	 ? "one core router" :
		o->core == GEN_CORE_RING ? "a ring of their routers" :
					   "regional core routers under a top core",
	    timers, p.tm.check_ms);
	cJSON_AddStringToObject(root, "description", desc);
	/* Past the host's gc_thresh3 dynamic entries nothing resolves (docs/generate.md). */
	cJSON_AddStringToObject(root, "neighbours", topo_neighbours_names[TOPO_NEIGH_STATIC]);
	p.nodes = cJSON_AddObjectToObject(root, "nodes");
	p.links = cJSON_AddArrayToObject(root, "links");
	for (unsigned s = 1; s <= o->sites; s++)
		gen_site(&p, s);
	gen_core(&p);
	cJSON_AddItemToObject(root, "scenarios", gen_scenarios(&p));
	return root;
}

char *
gen_anycast_text(const struct gen_anycast *o, char *msg, size_t len)
{
	cJSON *root = gen_anycast_build(o, msg, len);
	char *text, *out;
	size_t n;

	if (root == NULL)
		return NULL;
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (text == NULL) {
		snprintf(msg, len, "out of memory");
		return NULL;
	}
	/*
	 * cJSON writes "key":<TAB>value; a raw tab is never inside a string
	 * (strings escape it), so every ":<TAB>" is a separator: make it ": ".
	 */
	for (char *t = strstr(text, ":\t"); t != NULL; t = strstr(t + 2, ":\t"))
		t[1] = ' ';
	n = strlen(text);
	out = realloc(text, n + 2);
	if (out == NULL) {
		free(text);
		snprintf(msg, len, "out of memory");
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = '\0';
	return out;
}

/* --- scenarios -------------------------------------------------------- */

static cJSON *
step(cJSON *steps, const char *kind_key, const char *kind, const char *label)
{
	cJSON *s = cJSON_CreateObject();

	cJSON_AddStringToObject(s, kind_key, kind);
	if (label != NULL)
		cJSON_AddStringToObject(s, "label", label);
	cJSON_AddItemToArray(steps, s);
	return s;
}

static cJSON *
probe_object(const struct plan *p)
{
	cJSON *pr = cJSON_CreateObject();

	/* Every client: the nodes with a resolver and no daemon (docs/scenarios.md). */
	cJSON_AddStringToObject(pr, "clients", "all");
	cJSON_AddStringToObject(pr, "qname", GEN_QNAME);
	cJSON_AddStringToObject(pr, "qtype", "TXT");
	cJSON_AddNumberToObject(pr, "rate", p->tm.probe_rate);
	cJSON_AddNumberToObject(pr, "timeout", 1);
	return pr;
}

/*
 * Before any fault: every site router has all its instances in its route
 * (the catchment is final), and every client has been answered from it for
 * a while. Returns the label of the last step, for "since".
 */
static const char *
converge(const struct plan *p, cJSON *steps)
{
	char name[TOPO_NAME_MAX], label[128];
	cJSON *st;

	for (unsigned s = 1; s <= p->o->sites; s++) {
		node_name(p, s, "r", 0, name, sizeof(name));
		snprintf(label, sizeof(label), "%s: %s via its %u instance%s", name,
		    GEN_ANYCAST_PFX, p->o->instances, p->o->instances == 1 ? "" : "s");
		st = step(steps, "expect", "nexthops", label);
		cJSON_AddStringToObject(st, "node", name);
		cJSON_AddStringToObject(st, "prefix", GEN_ANYCAST_PFX);
		cJSON_AddNumberToObject(st, "count", p->o->instances);
		cJSON_AddNumberToObject(st, "within", 60);
	}
	step(steps, "action", "wait", "steady catchment");
	cJSON_AddNumberToObject(cJSON_GetArrayItem(steps, cJSON_GetArraySize(steps) - 1), "seconds",
	    2);
	return "steady catchment";
}

static void
own_site(const struct plan *p, cJSON *steps, unsigned site, unsigned within, const char *what)
{
	char s[16], label[128];
	cJSON *st;

	site_name(p, site, s, sizeof(s));
	snprintf(label, sizeof(label), "%s's clients answered by %s%s", s, s, what);
	st = step(steps, "expect", "answered", label);
	cJSON_AddStringToObject(st, "site", s);
	cJSON_AddStringToObject(st, "by_site", s);
	cJSON_AddNumberToObject(st, "within", within);
}

/* Every probed client answered by an instance of its own site. */
static void
all_own_site(cJSON *steps, unsigned within)
{
	cJSON *st = step(steps, "expect", "answered", "every client answered by its own site");

	cJSON_AddBoolToObject(st, "by_own_site", true);
	cJSON_AddNumberToObject(st, "within", within);
}

static void
stayed(const struct plan *p, cJSON *steps, unsigned site, const char *what)
{
	char s[16], label[128];
	cJSON *st;

	site_name(p, site, s, sizeof(s));
	snprintf(label, sizeof(label), "no client outside %s moved%s", s, what);
	st = step(steps, "expect", "stayed", label);
	cJSON_AddStringToObject(st, "not_site", s);
	cJSON_AddNumberToObject(st, "max", 0);
}

static void
iface_list(const struct plan *p, cJSON *st, unsigned site, unsigned from, unsigned to)
{
	char name[TOPO_NAME_MAX + 8];
	cJSON *arr;

	if (from == to) {
		node_name(p, site, "dns", from, name, sizeof(name));
		strcat(name, ":eth0");
		cJSON_AddStringToObject(st, "iface", name);
		return;
	}
	arr = cJSON_AddArrayToObject(st, "iface");
	for (unsigned k = from; k <= to; k++) {
		node_name(p, site, "dns", k, name, sizeof(name));
		strcat(name, ":eth0");
		cJSON_AddItemToArray(arr, cJSON_CreateString(name));
	}
}

static cJSON *
scenario_object(const struct plan *p, cJSON *all, const char *name, const char *description)
{
	cJSON *sc = cJSON_AddObjectToObject(all, name);

	cJSON_AddStringToObject(sc, "description", description);
	cJSON_AddItemToObject(sc, "probe", probe_object(p));
	return cJSON_AddArrayToObject(sc, "steps");
}

/*
 * The scenarios, on site 1 (s01): steady (no fault), site-down (S >= 2),
 * instance-down (I >= 2). Failover within the BFD detection time,
 * GEN_FAILOVER_MARGIN_MS and the probe's period, rounded up to seconds (2 s
 * at 50 ms x 3 and 2 q/s, 3 s at 500 ms x 3 and 2 q/s, 8 s at 500 ms x 3 and
 * a query every 5 s); at least GEN_NO_BFD_WITHIN_S without BFD (the 9 s
 * hold timer).
 */
static cJSON *
gen_scenarios(const struct plan *p)
{
	const struct gen_anycast *o = p->o;
	unsigned within = p->tm.within_s;
	/* Every client answered by its own site: 10 s, and a period more for slow probes. */
	unsigned first = 10 + (p->tm.probe_rate < 1 ? (unsigned)ceil(1 / p->tm.probe_rate) : 0);
	char s[16], d[1024], label[160], id[TOPO_NAME_MAX], det[48];
	cJSON *all = cJSON_CreateObject(), *steps, *st;
	const char *since;

	site_name(p, 1, s, sizeof(s));
	if (o->bfd)
		snprintf(det, sizeof(det), " (%u ms)", p->tm.detect_ms);
	else
		snprintf(det, sizeof(det), " (none: the hold timer, 9 s)");

	steps = scenario_object(p, all, "steady",
	    "No fault: once every site router routes the anycast address to all its instances, "
	    "every client is answered by an instance of its own site, hardly a query is lost "
	    "(at most 0.5 %) and no client changes instance.");
	since = converge(p, steps);
	all_own_site(steps, first);
	st = step(steps, "action", "wait", "steady for 5 s");
	cJSON_AddNumberToObject(st, "seconds", 5);
	/*
	 * Not quite none: a loaded machine loses the odd query with no fault
	 * (4 of 3992 in 6 s, 36 clients, 2 cores shared). At most 0.5 % of the
	 * queries of the window (about 6 s), rounded up.
	 */
	st = step(steps, "expect", "lost", "at most 0.5 % of the queries lost");
	cJSON_AddNumberToObject(st, "max",
	    ceil((double)o->sites * o->clients * p->tm.probe_rate * 6 / 200));
	cJSON_AddStringToObject(st, "since", since);
	st = step(steps, "expect", "stayed", "no client changed instance");
	cJSON_AddNumberToObject(st, "max", 0);
	cJSON_AddStringToObject(st, "since", since);

	if (o->sites >= 2) {
		snprintf(d, sizeof(d),
		    "Site %s fails: the adapters of all its %u instance%s are disabled at once. Its "
		    "router's BFD%s sees them go, it withdraws its own route and uses the core's, and "
		    "at least 99 %% of %s's clients are answered by another site within %u s; no "
		    "client of another site changes instance. The adapters enabled again, %s "
		    "answers its own clients again.",
		    s, o->instances, o->instances == 1 ? "" : "s", det, s, within, s);
		steps = scenario_object(p, all, "site-down", d);
		converge(p, steps);
		all_own_site(steps, first);
		snprintf(label, sizeof(label), "site %s down: its instances' adapters disabled", s);
		st = step(steps, "action", "disable", label);
		iface_list(p, st, 1, 1, o->instances);
		snprintf(label, sizeof(label), "99 %% of %s's clients answered by another site", s);
		st = step(steps, "expect", "answered", label);
		cJSON_AddStringToObject(st, "site", s);
		cJSON_AddStringToObject(st, "not_by_site", s);
		cJSON_AddNumberToObject(st, "min_pct", 99);
		cJSON_AddNumberToObject(st, "within", within);
		stayed(p, steps, 1, "");
		snprintf(label, sizeof(label), "site %s back: the adapters enabled", s);
		st = step(steps, "action", "enable", label);
		iface_list(p, st, 1, 1, o->instances);
		own_site(p, steps, 1, 30, " again");
		stayed(p, steps, 1, ", fault and fail-back");
	}

	if (o->instances >= 2) {
		node_name(p, 1, "dns", 1, label, sizeof(label));
		for (size_t i = 0; label[i]; i++)
			id[i] = (char)(label[i] >= 'a' && label[i] <= 'z' ? label[i] - 'a' + 'A' :
									    label[i]);
		id[strlen(label)] = '\0';
		snprintf(d, sizeof(d),
		    "Instance %s of site %s fails (its adapter disabled): its clients are answered "
		    "by the other instances of %s within %u s%s. With a plain multipath route some "
		    "clients of the other instances may move too (RFC 4786 4.4.3); a resilient "
		    "nexthop group (--fib resilient) keeps them.",
		    id, s, s, within, o->sites >= 2 ? ", and no client of another site moves" : "");
		steps = scenario_object(p, all, "instance-down", d);
		converge(p, steps);
		all_own_site(steps, first);
		snprintf(label, sizeof(label), "%s down: its adapter disabled", id);
		st = step(steps, "action", "disable", label);
		iface_list(p, st, 1, 1, 1);
		snprintf(label, sizeof(label), "%s's clients answered by another instance of %s",
		    id, s);
		st = step(steps, "expect", "answered", label);
		cJSON_AddStringToObject(st, "clients_of", id);
		cJSON_AddStringToObject(st, "not_by", id);
		cJSON_AddStringToObject(st, "by_site", s);
		cJSON_AddNumberToObject(st, "within", within);
		if (o->sites >= 2)
			stayed(p, steps, 1, "");
		snprintf(label, sizeof(label), "%s back: its adapter enabled", id);
		st = step(steps, "action", "enable", label);
		iface_list(p, st, 1, 1, 1);
		snprintf(label, sizeof(label), "%s answers its clients again", id);
		st = step(steps, "expect", "answered", label);
		cJSON_AddStringToObject(st, "clients_of", id);
		cJSON_AddStringToObject(st, "by", id);
		cJSON_AddNumberToObject(st, "within", 30);
		if (o->sites >= 2)
			stayed(p, steps, 1, ", fault and fail-back");
	}
	return all;
}

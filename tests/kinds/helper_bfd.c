/*
 * BFD between two BGP kinds in a lab of their own (helper_bfd.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "anylab.h"
#include "emu_error.h"
#include "jcfg.h"
#include "kinds/helper_bfd.h"
#include "lab_node.h"
#include "nft.h"
#include "scenario/helper_scn.h"

#define HBFD_POLL_US  20000 /* between two looks at both sides while measuring */
#define HBFD_IFACE    "eth0"
#define HBFD_WAIT_UP  20000 /* ms: BFD and BGP up after start or after the black hole */
#define HBFD_WAIT_OUT 10000 /* ms: longest wait for a session to leave Established */

#define HBFD_NODE \
	"  \"%s\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"%s/24\"]}},\n" \
	"   \"bgp\": {\"kind\": \"%s\", \"asn\": %u, \"router_id\": \"%s\",\n" \
	"    \"hold_time\": 9, \"keepalive\": 3,\n" \
	"    \"bfd\": {\"interval_ms\": %u, \"multiplier\": %u},\n" \
	"    \"originate\": [\"%s\"],\n" \
	"    \"peers\": [{\"address\": \"%s\", \"asn\": %u, \"families\": [\"ipv4\"],\n" \
	"     \"connect_retry\": 2, \"import\": \"all\", \"export\": \"all\"}]}}"

static const struct {
	const char *name, *addr, *peer, *prefix;
	unsigned asn, peer_asn;
} hbfd_nodes[2] = {
	{ "a", "10.0.0.1", "10.0.0.2", "51.51.51.0/24", 65001, 65002 },
	{ "b", "10.0.0.2", "10.0.0.1", "52.52.52.0/24", 65002, 65001 },
};

static void
hbfd_require_kind(const char *name)
{
	const struct kind_ops *k = kind_find(KIND_BGP, name);

	cr_assert_not_null(k, "no BGP kind %s", name);
	cr_assert_not_null(k->bgp_bfd, "kind %s has no bgp_bfd op", name);
	if (k->package == NULL)
		return; /* anylab's own: hs_require checked it is built */
	for (size_t i = 0; k->programs[i] != NULL; i++)
		if (access(k->programs[i], X_OK) < 0)
			cr_skip_test("%s is not installed (Debian package %s)", k->programs[i],
			    k->package);
}

void
hbfd_up(struct hbfd_lab *l, const char *kind_a, const char *kind_b, unsigned interval_ms,
    unsigned multiplier)
{
	const char *kinds[2] = { kind_a, kind_b };
	bool own = strcmp(kind_a, "anybgpd") == 0 || strcmp(kind_b, "anybgpd") == 0;
	struct cfg_errors errs;
	FILE *f;

	memset(l, 0, sizeof(*l));
	hs_require(l->bin, sizeof(l->bin), own ? "anybgpd" : NULL, (char *)NULL);
	hbfd_require_kind(kind_a);
	hbfd_require_kind(kind_b);
	hs_lab_dir("hbf", "kind-bfd", l->lab, sizeof(l->lab), l->dir, sizeof(l->dir));
	snprintf(l->topo_file, sizeof(l->topo_file), "%s/lab.json", l->dir);
	f = fopen(l->topo_file, "w");
	cr_assert_not_null(f, "%s", l->topo_file);
	fprintf(f, "{\"name\": \"%s\", \"nodes\": {\n", l->lab);
	for (int i = 0; i < 2; i++) {
		fprintf(f, HBFD_NODE, hbfd_nodes[i].name, hbfd_nodes[i].addr, kinds[i],
		    hbfd_nodes[i].asn, hbfd_nodes[i].addr, interval_ms, multiplier,
		    hbfd_nodes[i].prefix, hbfd_nodes[i].peer, hbfd_nodes[i].peer_asn);
		fputs(i == 0 ? ",\n" : "},\n", f);
	}
	fputs(" \"links\": [{\"endpoints\": [\"a:eth0\", \"b:eth0\"]}]}\n", f);
	fclose(f);
	cr_assert_eq(topo_load(l->topo_file, &l->topo, &errs), 0, "%s: %s",
	    errs.count ? errs.err[0].path : "", errs.count ? errs.err[0].msg : "");
	cr_assert_eq(hs_sh("%s up %s --name %s >%s/up.out 2>&1", l->bin, l->topo_file, l->lab,
			 l->dir),
	    0, "anylab up of %s (a %s, b %s) failed; see %s/up.out", l->topo_file, kind_a, kind_b,
	    l->dir);
}

static int
hbfd_nft(void *arg)
{
	char *why = arg;

	return kn_nft_drop(HBFD_IFACE, 100, why, 256);
}

static int
hbfd_nft_clear(void *arg)
{
	(void)arg;
	kn_nft_clear(HBFD_IFACE);
	return 0;
}

void
hbfd_blackhole(struct hbfd_lab *l, const char *node, bool on)
{
	char why[256] = "";
	int i = strcmp(node, "a") == 0 ? 0 : 1, err;

	if (on) {
		err = lab_run_in(l->lab, node, hbfd_nft, why);
		if (err == EMU_EMISSING)
			cr_skip_test("no black hole without libnftables: %s", why);
		cr_assert_eq(err, 0, "black hole on %s:%s: %s %s", node, HBFD_IFACE,
		    emu_strerror(err), why);
		l->blackholed[i] = true;
	} else {
		cr_assert_eq(lab_run_in(l->lab, node, hbfd_nft_clear, NULL), 0);
		l->blackholed[i] = false;
	}
}

void
hbfd_cleanup(struct hbfd_lab *l)
{
	for (int i = 0; i < 2; i++)
		if (l->blackholed[i])
			lab_run_in(l->lab, hbfd_nodes[i].name, hbfd_nft_clear, NULL);
	topo_free(l->topo);
	l->topo = NULL;
	if (l->bin[0] != '\0')
		hs_cleanup(l->bin, l->lab, l->dir);
	l->bin[0] = '\0';
}

static void
hbfd_node(struct hbfd_lab *l, const char *node, struct kind_node *k)
{
	cr_assert_eq(kind_node_find(l->lab, l->topo, node, "bgp", k), 0, "no bgp on %s", node);
}

const cJSON *
hbfd_session(struct hbfd_lab *l, const char *node, const char *peer, cJSON **doc)
{
	struct kind_node k;
	const cJSON *s;

	hbfd_node(l, node, &k);
	*doc = NULL;
	if (k.kind->bgp_bfd(&k, doc) < 0)
		return NULL;
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(*doc, "sessions"))
		if (strcmp(hs_field(s, "peer"), peer) == 0)
			return s;
	return NULL;
}

const char *
hbfd_state(struct hbfd_lab *l, const char *node, const char *peer)
{
	static char state[32];
	const cJSON *s;
	cJSON *doc;

	s = hbfd_session(l, node, peer, &doc);
	snprintf(state, sizeof(state), "%s", s != NULL ? hs_field(s, "state") : "");
	cJSON_Delete(doc);
	return state;
}

const char *
hbfd_bgp_state(struct hbfd_lab *l, const char *node, const char *peer)
{
	static char state[32];
	struct kind_node k;
	const cJSON *p;
	cJSON *doc = NULL;

	hbfd_node(l, node, &k);
	state[0] = '\0';
	if (k.kind->bgp_peers(&k, &doc) == 0)
		cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "peers"))
			if (strcmp(hs_field(p, "address"), peer) == 0)
				snprintf(state, sizeof(state), "%s", hs_field(p, "state"));
	cJSON_Delete(doc);
	return state;
}

/* Both sides' BFD and BGP sessions up within ms. */
static bool
hbfd_both_up(struct hbfd_lab *l, int ms)
{
	long long end = emu_now_us() + (long long)ms * 1000;

	do {
		bool up = true;

		for (int i = 0; i < 2 && up; i++)
			up = strcmp(hbfd_state(l, hbfd_nodes[i].name, hbfd_nodes[i].peer), "Up") ==
				0 &&
			    strcmp(hbfd_bgp_state(l, hbfd_nodes[i].name, hbfd_nodes[i].peer),
				"Established") == 0;
		if (up)
			return true;
		usleep(100000);
	} while (emu_now_us() < end);
	return false;
}

void
hbfd_check_failover(struct hbfd_lab *l, const char *kind_a, const char *kind_b,
    unsigned interval_ms, unsigned multiplier, int max_down_ms)
{
	long long t0, down_us[2] = { -1, -1 }, bfd_us[2] = { -1, -1 };

	hbfd_up(l, kind_a, kind_b, interval_ms, multiplier);
	cr_assert(hbfd_both_up(l, HBFD_WAIT_UP),
	    "BFD and BGP not both up: a (%s) BFD %s BGP %s, b (%s) BFD %s BGP %s", kind_a,
	    hbfd_state(l, "a", "10.0.0.2"), hbfd_bgp_state(l, "a", "10.0.0.2"), kind_b,
	    hbfd_state(l, "b", "10.0.0.1"), hbfd_bgp_state(l, "b", "10.0.0.1"));
	/* The interval both asked for is the one in use: neither side slows the other. */
	for (int i = 0; i < 2; i++) {
		cJSON *doc;
		const cJSON *s = hbfd_session(l, hbfd_nodes[i].name, hbfd_nodes[i].peer, &doc);
		double tx = cJSON_GetNumberValue(cJSON_GetObjectItem(s, "tx_ms"));

		cr_assert_not_null(s);
		cr_expect_eq(tx, interval_ms, "%s (%s): tx_ms %g, expected %u", hbfd_nodes[i].name,
		    i ? kind_b : kind_a, tx, interval_ms);
		cJSON_Delete(doc);
	}

	/* The fault: b's interface passes nothing, its carrier stays up. */
	hbfd_blackhole(l, "b", true);
	t0 = emu_now_us();
	while ((down_us[0] < 0 || down_us[1] < 0) &&
	    emu_now_us() - t0 < (long long)HBFD_WAIT_OUT * 1000) {
		for (int i = 0; i < 2; i++) {
			const char *n = hbfd_nodes[i].name, *p = hbfd_nodes[i].peer;

			if (down_us[i] < 0 && strcmp(hbfd_bgp_state(l, n, p), "Established") != 0)
				down_us[i] = emu_now_us() - t0;
			if (bfd_us[i] < 0 && strcmp(hbfd_state(l, n, p), "Up") != 0)
				bfd_us[i] = emu_now_us() - t0;
		}
		usleep(HBFD_POLL_US);
	}
	cr_log_info("BFD %u ms x %u, a %s, b %s: BGP down after %.3f s (a) and %.3f s (b); "
		    "BFD not up after %.3f s (a) and %.3f s (b)",
	    interval_ms, multiplier, kind_a, kind_b, (double)down_us[0] / 1e6,
	    (double)down_us[1] / 1e6, (double)bfd_us[0] / 1e6, (double)bfd_us[1] / 1e6);
	for (int i = 0; i < 2; i++) {
		cr_assert_geq(down_us[i], 0, "%s (%s) kept its BGP session for %d s",
		    hbfd_nodes[i].name, i ? kind_b : kind_a, HBFD_WAIT_OUT / 1000);
		cr_assert_lt(down_us[i], (long long)max_down_ms * 1000,
		    "%s (%s) took its BGP session down after %.3f s, not within %d ms",
		    hbfd_nodes[i].name, i ? kind_b : kind_a, (double)down_us[i] / 1e6, max_down_ms);
		cr_assert_eq(strcmp(hbfd_state(l, hbfd_nodes[i].name, hbfd_nodes[i].peer), "Down"),
		    0, "%s (%s): BFD session %s, expected Down", hbfd_nodes[i].name,
		    i ? kind_b : kind_a, hbfd_state(l, hbfd_nodes[i].name, hbfd_nodes[i].peer));
	}

	/* Undone: BFD comes up again, and BGP with it. */
	hbfd_blackhole(l, "b", false);
	t0 = emu_now_us();
	cr_assert(hbfd_both_up(l, HBFD_WAIT_UP), "BFD and BGP not back %d s after the black hole",
	    HBFD_WAIT_UP / 1000);
	cr_log_info("a %s, b %s: BFD and BGP back %.3f s after the black hole was removed", kind_a,
	    kind_b, (double)(emu_now_us() - t0) / 1e6);
}

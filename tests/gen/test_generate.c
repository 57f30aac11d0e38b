/*
 * anylab generate anycast (emu/gen/gen.h), without root: every core shape
 * over a range of sizes gives a topology the loader and the daemons'
 * parsers accept, whose scenarios parse against it; the same options give
 * the same bytes, another seed changes only what the seed is promised to
 * change; the address plan has no address twice; the failure-detection
 * timers follow the number of instances unless given, and the scenarios'
 * failover time follows BFD's; bad options are refused with a message
 * naming the option.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "gen.h"
#include "lab.h"
#include "scenario.h"
#include "scenario/helper_scn.h"
#include "topo.h"

struct size {
	unsigned s, i, c;
};

static const struct size sizes[] = {
	{ 1, 1, 1 }, { 2, 1, 1 }, { 2, 2, 3 }, { 3, 2, 12 }, { 7, 3, 5 }, { 17, 4, 9 },
	{ 101, 1, 2 }, /* three-digit site names */
};

static struct gen_anycast
opts(unsigned s, unsigned i, unsigned c, enum gen_core core, uint64_t seed)
{
	struct gen_anycast o;

	gen_anycast_defaults(&o);
	o.sites = s;
	o.instances = i;
	o.clients = c;
	o.core = core;
	o.seed = seed;
	return o;
}

static char *
gen_text(const struct gen_anycast *o)
{
	char msg[256];
	char *t = gen_anycast_text(o, msg, sizeof(msg));

	cr_assert_not_null(t, "generate failed: %s", msg);
	return t;
}

/* Load text as a topology, check its daemon sections and parse every scenario in it. */
static struct topology *
load_all(const char *text, const struct gen_anycast *o)
{
	struct topology *t = NULL;
	struct cfg_errors e;
	char buf[600];
	const cJSON *sc;

	if (topo_load_string(text, "gen.json", &t, &e) < 0 || lab_check_sections(t, &e) < 0)
		cr_assert_fail("S %u I %u C %u core %s: %s", o->sites, o->instances, o->clients,
		    gen_core_names[o->core], cfg_error_text(&e, 0, buf, sizeof(buf)));
	/* Past the host's gc_thresh3 dynamic entries nothing resolves: permanent ones. */
	cr_expect_eq(t->neighbours, TOPO_NEIGH_STATIC, "a generated lab has static neighbours");
	cr_assert_not_null(t->scenarios);
	cJSON_ArrayForEach(sc, t->scenarios) {
		struct scenario *s = NULL;

		cfg_errors_init(&e, "gen.json");
		if (scenario_parse(t->scenarios, "scenarios", sc->string, t, &s, &e) < 0)
			cr_assert_fail("scenario %s of S %u I %u C %u %s: %s", sc->string, o->sites,
			    o->instances, o->clients, gen_core_names[o->core],
			    cfg_error_text(&e, 0, buf, sizeof(buf)));
		cr_assert_eq(s->probe.nclients, (size_t)o->sites * o->clients);
		scenario_free(s);
	}
	return t;
}

static const cJSON *
node_json(const struct topology *t, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t->root, "nodes"),
	    name);
}

Test(generate, every_shape_and_size_is_a_valid_lab)
{
	for (int core = 0; core < GEN_CORE_COUNT; core++) {
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			struct gen_anycast o = opts(sizes[k].s, sizes[k].i, sizes[k].c,
			    (enum gen_core)core, 7);
			char *text = gen_text(&o);
			struct topology *t = load_all(text, &o);
			size_t sited = 0;
			bool has_site_down, has_instance_down;

			cr_assert_eq(t->nnodes, gen_anycast_nodes(&o), "%zu nodes, %llu promised",
			    t->nnodes, (unsigned long long)gen_anycast_nodes(&o));
			for (size_t n = 0; n < t->nnodes; n++) {
				bool core_node = strncmp(t->nodes[n].name, "core", 4) == 0;

				cr_assert_eq(t->nodes[n].site[0] != '\0', !core_node,
				    "%s site \"%s\"", t->nodes[n].name, t->nodes[n].site);
				sited += !core_node;
			}
			cr_assert_eq(sited, (size_t)o.sites * (1 + o.instances + o.clients));
			has_site_down = cJSON_GetObjectItemCaseSensitive(t->scenarios,
					    "site-down") != NULL;
			has_instance_down = cJSON_GetObjectItemCaseSensitive(t->scenarios,
						"instance-down") != NULL;
			cr_assert_not_null(
			    cJSON_GetObjectItemCaseSensitive(t->scenarios, "steady"));
			cr_assert_eq(has_site_down, o.sites >= 2);
			cr_assert_eq(has_instance_down, o.instances >= 2);
			topo_free(t);
			free(text);
		}
	}
}

/* The 10,000-node lab: 40 sites of 250 nodes, in two tiers. */
Test(generate, ten_thousand_nodes)
{
	struct gen_anycast o = opts(40, 2, 247, GEN_CORE_TIERS, 1);
	char *text = gen_text(&o);
	struct topology *t = load_all(text, &o);

	cr_assert_eq(t->nnodes, 40 * 250 + 1 + 7);
	topo_free(t);
	free(text);
}

/* Which node is where: names, sessions, identities, resolvers, per shape. */
Test(generate, nodes_sessions_and_identities)
{
	struct gen_anycast o = opts(9, 3, 4, GEN_CORE_STAR, 1);
	char *text = gen_text(&o);
	struct topology *t = load_all(text, &o);
	const struct topo_node *c = topo_node_find(t, "s09-c4");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(node_json(t, "s01-r"), "bgp");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(node_json(t, "s02-dns3"), "dns");
	const cJSON *core = cJSON_GetObjectItemCaseSensitive(node_json(t, "core"), "bgp");

	cr_assert_not_null(c);
	cr_assert_str_eq(c->site, "s09");
	cr_assert_eq(c->nresolvers, 1);
	cr_assert_eq(c->nroutes, 1);
	cr_assert_null(c->bgp);
	cr_assert_null(c->dns);
	/* Three instances and the core; BFD to the instances only. */
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "peers")), 4);
	cr_assert_not_null(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "peers"), 0), "bfd"));
	cr_assert_null(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "peers"), 3), "bfd"));
	cr_assert_eq(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(r, "multipath"), "max_paths")->valueint, 3);
	cr_assert_null(cJSON_GetObjectItem(r, "fib"));
	cr_assert_str_eq(cJSON_GetObjectItem(d, "identity")->valuestring, "S02-DNS3");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(core, "peers")), 9);
	cr_assert_str_eq(topo_node_find(t, "s02-dns3")->site, "s02");
	cr_assert_eq(topo_node_find(t, "s02-dns3")->nloopback, 1);
	topo_free(t);
	free(text);

	/* Ring: two neighbours each; tiers: ceil(sqrt(9)) = 3 regional cores of 3 sites. */
	o.core = GEN_CORE_RING;
	text = gen_text(&o);
	t = load_all(text, &o);
	r = cJSON_GetObjectItemCaseSensitive(node_json(t, "s05-r"), "bgp");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "peers")), 3 + 2);
	cr_assert_null(topo_node_find(t, "core"));
	topo_free(t);
	free(text);
	o.core = GEN_CORE_TIERS;
	text = gen_text(&o);
	t = load_all(text, &o);
	cr_assert_not_null(topo_node_find(t, "core3"));
	cr_assert_null(topo_node_find(t, "core4"));
	core = cJSON_GetObjectItemCaseSensitive(node_json(t, "core2"), "bgp");
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(core, "peers")), 3 + 1);
	topo_free(t);
	free(text);
}

Test(generate, fib_and_bfd_options)
{
	struct gen_anycast o = opts(2, 2, 2, GEN_CORE_STAR, 1);
	char msg[256], *text;
	cJSON *root;
	const cJSON *nodes;

	o.fib = GEN_FIB_RESILIENT;
	o.bfd = false;
	root = gen_anycast_build(&o, msg, sizeof(msg));
	cr_assert_not_null(root, "%s", msg);
	nodes = cJSON_GetObjectItem(root, "nodes");
	cr_assert_str_eq(cJSON_GetObjectItem(
			     cJSON_GetObjectItem(cJSON_GetObjectItem(nodes, "s02-r"), "bgp"), "fib")
			     ->valuestring,
	    "resilient");
	cr_assert_null(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(nodes, "core"), "bgp"),
		"fib"));
	cr_assert_null(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(nodes, "s01-dns1"), "bgp"),
		"bfd"));
	text = cJSON_PrintUnformatted(root);
	cr_assert_null(strstr(text, "\"bfd\""));
	free(text);
	cJSON_Delete(root);
}

/* The site-down step "99 % answered by another site": its within, or -1. */
static int
site_down_within(const cJSON *root)
{
	const cJSON *st;

	cJSON_ArrayForEach(st,
	    cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "scenarios"),
				    "site-down"),
		"steps")) {
		if (cJSON_GetObjectItem(st, "not_by_site") != NULL)
			return cJSON_GetObjectItem(st, "within")->valueint;
	}
	return -1;
}

/* Each instance's and each site router's BFD interval, and each health check's, all equal to want. */
static void
timers_are(const cJSON *root, const struct gen_anycast *o, int bfd_ms, int check_ms)
{
	const cJSON *nodes = cJSON_GetObjectItem(root, "nodes"), *n;
	size_t nbfd = 0, nchecks = 0;

	cJSON_ArrayForEach(n, nodes) {
		const cJSON *bgp = cJSON_GetObjectItem(n, "bgp"), *x, *b;

		if ((b = cJSON_GetObjectItem(bgp, "bfd")) != NULL) {
			cr_assert_eq(cJSON_GetObjectItem(b, "interval_ms")->valueint, bfd_ms, "%s",
			    n->string);
			cr_assert_eq(cJSON_GetObjectItem(b, "multiplier")->valueint, 3);
			nbfd++;
		}
		cJSON_ArrayForEach(x, cJSON_GetObjectItem(bgp, "peers")) {
			if ((b = cJSON_GetObjectItem(x, "bfd")) != NULL) {
				cr_assert_eq(cJSON_GetObjectItem(b, "interval_ms")->valueint,
				    bfd_ms, "%s", n->string);
				nbfd++;
			}
		}
		cJSON_ArrayForEach(x, cJSON_GetObjectItem(bgp, "health")) {
			cr_assert_eq(cJSON_GetObjectItem(x, "interval_ms")->valueint, check_ms,
			    "%s", n->string);
			nchecks++;
		}
	}
	cr_assert_eq(nbfd, o->bfd ? 2 * (size_t)o->sites * o->instances : 0);
	cr_assert_eq(nchecks, (size_t)o->sites * o->instances);
}

/* Timers by the number of instances, or as given; the failover allowed follows BFD's. */
Test(generate, timers_follow_the_size_or_the_options)
{
	static const struct {
		unsigned s, i, bfd_ms, check_ms;
		bool bfd;
		int want_bfd, want_check, within;
	} cases[] = {
		{ 32, 2, 0, 0, true, 50, 100, 2 },	   /* 64 instances: brisk */
		{ 33, 2, 0, 0, true, 500, 1000, 3 },	   /* 66: gentle; 1.5 s + 1.5 s */
		{ 1, 64, 0, 0, true, 50, 100, 2 },	   /* (no site-down with one site) */
		{ 200, 2, 0, 0, true, 500, 1000, 3 },	   /* the 10,000-node benchmark lab */
		{ 200, 2, 50, 100, true, 50, 100, 2 },	   /* given: as given */
		{ 3, 2, 1000, 5000, true, 1000, 5000, 5 }, /* 3 s + 1 s + 50 ms */
		{ 3, 2, 600, 0, true, 600, 100, 3 },	   /* 1.8 s + 1 s + 50 ms, rounded up */
		{ 3, 2, 0, 250, false, 0, 250, 15 },	   /* no BFD: the hold timer */
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct gen_anycast o = opts(cases[k].s, cases[k].i, 1, GEN_CORE_STAR, 1);
		struct gen_timers tm;
		char msg[256];
		cJSON *root;

		o.bfd_ms = cases[k].bfd_ms;
		o.check_ms = cases[k].check_ms;
		o.bfd = cases[k].bfd;
		gen_anycast_timers(&o, &tm);
		cr_assert_eq(tm.check_ms, (unsigned)cases[k].want_check, "case %zu", k);
		cr_assert_eq(tm.within_s, (unsigned)cases[k].within, "case %zu", k);
		if (cases[k].bfd) {
			cr_assert_eq(tm.bfd_ms, (unsigned)cases[k].want_bfd, "case %zu", k);
			cr_assert_eq(tm.detect_ms, 3 * tm.bfd_ms);
		} else {
			cr_assert_eq(tm.detect_ms, 0);
		}
		root = gen_anycast_build(&o, msg, sizeof(msg));
		cr_assert_not_null(root, "%s", msg);
		timers_are(root, &o, cases[k].want_bfd, cases[k].want_check);
		cr_assert_eq(site_down_within(root), o.sites >= 2 ? cases[k].within : -1,
		    "case %zu", k);
		cJSON_Delete(root);
	}
}

/*
 * The probe's rate: 2,000 queries a second for the lab, 1 to 20 per client,
 * then a query every 2, 4, 5 or 10 s; the failover allowed waits a period
 * more (the 10,000-node lab: 1.5 s + 1 s + 5 s, 8 s).
 */
Test(generate, probe_rate_follows_the_clients)
{
	static const struct {
		unsigned s, c;
		double rate;
		unsigned within;
	} cases[] = {
		{ 1, 1, 20, 2 },
		{ 3, 12, 20, 2 },
		{ 20, 47, 2, 2 },
		{ 40, 47, 1, 4 },
		{ 60, 47, 0.5, 5 },
		{ 100, 47, 0.25, 7 },
		{ 200, 47, 0.2, 8 },
		{ 400, 47, 0.1, 13 },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct gen_anycast o = opts(cases[k].s, 2, cases[k].c, GEN_CORE_STAR, 1);
		struct gen_timers tm;

		gen_anycast_timers(&o, &tm);
		cr_assert_eq(tm.probe_rate, cases[k].rate, "case %zu: %g", k, tm.probe_rate);
		cr_assert_eq(tm.within_s, cases[k].within, "case %zu: %u", k, tm.within_s);
	}
	/* And the file says so: the 10,000-node lab's probe and site-down step. */
	{
		struct gen_anycast o = opts(200, 2, 47, GEN_CORE_STAR, 1);
		char msg[256];
		cJSON *root = gen_anycast_build(&o, msg, sizeof(msg));
		const cJSON *pr;

		cr_assert_not_null(root, "%s", msg);
		pr = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "scenarios"),
					     "steady"),
		    "probe");
		cr_assert_not_null(pr);
		cr_assert_eq(cJSON_GetObjectItem(pr, "rate")->valuedouble, 0.2);
		cr_assert_eq(site_down_within(root), 8);
		cJSON_Delete(root);
	}
}

/* Same options, same bytes; another seed changes the file. */
Test(generate, same_seed_same_bytes)
{
	for (int core = 0; core < GEN_CORE_COUNT; core++) {
		struct gen_anycast o = opts(5, 2, 30, (enum gen_core)core, 42);
		char *a = gen_text(&o), *b = gen_text(&o), *c;

		cr_assert_str_eq(a, b);
		o.seed = 43;
		c = gen_text(&o);
		cr_assert_str_neq(a, c);
		free(a);
		free(b);
		free(c);
	}
}

/* Blank what the seed may change: hash seeds, client addresses, the description (it names the seed). */
static void
blank_seeded(cJSON *root)
{
	cJSON *n;

	cJSON_ReplaceItemInObject(root, "description", cJSON_CreateString(""));
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(root, "nodes")) {
		cJSON *mp = cJSON_GetObjectItem(n, "multipath");

		if (mp != NULL)
			cJSON_ReplaceItemInObject(mp, "hash_seed", cJSON_CreateNumber(0));
		if (strstr(n->string, "-c") != NULL)
			cJSON_DeleteItemFromObject(n, "interfaces");
	}
}

/* Another seed moves clients and hash seeds, nothing else; and it does move them. */
Test(generate, seed_changes_only_what_it_promises)
{
	struct gen_anycast o = opts(4, 3, 20, GEN_CORE_TIERS, 1);
	struct gen_anycast p = o;
	char msg[256], *ta, *tb;
	cJSON *a, *b;

	p.seed = 2;
	a = gen_anycast_build(&o, msg, sizeof(msg));
	b = gen_anycast_build(&p, msg, sizeof(msg));
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	/* Different client addresses at every site, different hash seed at every router. */
	for (unsigned s = 1; s <= 4; s++) {
		char name[16];
		const cJSON *na, *nb;

		snprintf(name, sizeof(name), "s%02u-c1", s);
		na = cJSON_GetObjectItem(cJSON_GetObjectItem(a, "nodes"), name);
		nb = cJSON_GetObjectItem(cJSON_GetObjectItem(b, "nodes"), name);
		cr_assert_not(cJSON_Compare(cJSON_GetObjectItem(na, "interfaces"),
				  cJSON_GetObjectItem(nb, "interfaces"), true),
		    "%s did not move", name);
		snprintf(name, sizeof(name), "s%02u-r", s);
		na = cJSON_GetObjectItem(cJSON_GetObjectItem(a, "nodes"), name);
		nb = cJSON_GetObjectItem(cJSON_GetObjectItem(b, "nodes"), name);
		cr_assert_neq(cJSON_GetObjectItem(cJSON_GetObjectItem(na, "multipath"), "hash_seed")
				  ->valuedouble,
		    cJSON_GetObjectItem(cJSON_GetObjectItem(nb, "multipath"), "hash_seed")
			->valuedouble);
	}
	blank_seeded(a);
	blank_seeded(b);
	ta = cJSON_PrintUnformatted(a);
	tb = cJSON_PrintUnformatted(b);
	cr_assert_str_eq(ta, tb);
	free(ta);
	free(tb);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* Every interface address once in the lab; every ASN of a router once; router IDs unique. */
static void
check_plan(const struct gen_anycast *o)
{
	char *text = gen_text(o);
	struct topology *t = load_all(text, o);
	size_t n = 0, cap = 0;
	struct ipaddr *seen = NULL;
	char ab[IPADDR_STRLEN];

	for (size_t i = 0; i < t->nnodes; i++) {
		for (size_t f = 0; f < t->nodes[i].nifaces; f++) {
			for (size_t a = 0; a < t->nodes[i].ifaces[f].naddrs; a++) {
				const struct ipaddr *x = &t->nodes[i].ifaces[f].addrs[a].addr;

				for (size_t k = 0; k < n; k++)
					cr_assert_not(ipaddr_eq(&seen[k], x), "%s twice (%s)",
					    ipaddr_ntop(x, ab, sizeof(ab)), t->nodes[i].name);
				if (n == cap) {
					cap = cap ? cap * 2 : 256;
					seen = realloc(seen, cap * sizeof(*seen));
				}
				seen[n++] = *x;
			}
		}
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const cJSON *bi = t->nodes[i].bgp;

		if (bi == NULL)
			continue;
		for (size_t j = i + 1; j < t->nnodes; j++) {
			const cJSON *bj = t->nodes[j].bgp;

			if (bj == NULL)
				continue;
			cr_assert_str_neq(cJSON_GetObjectItem(bi, "router_id")->valuestring,
			    cJSON_GetObjectItem(bj, "router_id")->valuestring, "%s and %s",
			    t->nodes[i].name, t->nodes[j].name);
			/* Instances share the anycast AS; routers have their own. */
			if (t->nodes[i].dns == NULL && t->nodes[j].dns == NULL)
				cr_assert_neq(cJSON_GetObjectItem(bi, "asn")->valuedouble,
				    cJSON_GetObjectItem(bj, "asn")->valuedouble, "%s and %s",
				    t->nodes[i].name, t->nodes[j].name);
		}
	}
	free(seen);
	topo_free(t);
	free(text);
}

Test(generate, address_plan_has_no_duplicates)
{
	for (int core = 0; core < GEN_CORE_COUNT; core++) {
		struct gen_anycast o = opts(12, 3, 40, (enum gen_core)core, 9);

		check_plan(&o);
	}
	{
		/* The corners: the most instances, the most clients of a site. */
		struct gen_anycast o = opts(2, GEN_INSTANCES_MAX, GEN_CLIENTS_MAX, GEN_CORE_RING,
		    3);

		check_plan(&o);
	}
}

static void
refused(struct gen_anycast o, const char *msg)
{
	char got[256] = "";

	cr_assert_eq(gen_anycast_check(&o, got, sizeof(got)), -1, "accepted; expected %s", msg);
	cr_assert_null(gen_anycast_build(&o, got, sizeof(got)));
	cr_assert_str_eq(got, msg);
}

Test(generate, bad_options_refused)
{
	struct gen_anycast o = opts(3, 2, 4, GEN_CORE_STAR, 1);

	refused(opts(0, 2, 4, GEN_CORE_STAR, 1), "--sites 0: expected 1 to 4000");
	refused(opts(4001, 1, 1, GEN_CORE_STAR, 1), "--sites 4001: expected 1 to 4000");
	refused(opts(3, 0, 4, GEN_CORE_STAR, 1), "--instances 0: expected 1 to 64 per site");
	refused(opts(3, 65, 4, GEN_CORE_STAR, 1), "--instances 65: expected 1 to 64 per site");
	refused(opts(3, 2, 0, GEN_CORE_STAR, 1), "--clients 0: expected 1 to 2000 per site");
	refused(opts(3, 2, 2001, GEN_CORE_STAR, 1), "--clients 2001: expected 1 to 2000 per site");
	refused(opts(40, 2, 600, GEN_CORE_STAR, 1),
	    "40 sites x (1 router + 2 instances + 600 clients) and the core make 24121 nodes; "
	    "expected at most 20000");
	snprintf(o.name, sizeof(o.name), "Lab");
	refused(o,
	    "--name \"Lab\": expected 1 to 11 characters [a-z0-9_], starting with a letter "
	    "or digit");
	snprintf(o.name, sizeof(o.name), "a-b");
	refused(o,
	    "--name \"a-b\": expected 1 to 11 characters [a-z0-9_], starting with a letter "
	    "or digit");
	o.name[0] = '\0';
	refused(o,
	    "--name \"\": expected 1 to 11 characters [a-z0-9_], starting with a letter or "
	    "digit");
	o = opts(3, 2, 4, GEN_CORE_STAR, 1);
	o.bfd_ms = 9;
	refused(o, "--bfd-interval 9: expected 10 to 10000 ms");
	o.bfd_ms = 10001;
	refused(o, "--bfd-interval 10001: expected 10 to 10000 ms");
	o.bfd_ms = 100;
	o.bfd = false;
	refused(o, "--bfd-interval 100 with --no-bfd: expected one or the other");
	o = opts(3, 2, 4, GEN_CORE_STAR, 1);
	o.check_ms = 9;
	refused(o, "--check-interval 9: expected 10 to 60000 ms");
	o.check_ms = 60001;
	refused(o, "--check-interval 60001: expected 10 to 60000 ms");
}

/* The site-down scenario: one fault over all of s01's instances, undone by the same list. */
Test(generate, site_down_is_one_fault_over_the_site)
{
	struct gen_anycast o = opts(3, 3, 4, GEN_CORE_STAR, 1);
	char *text = gen_text(&o), buf[600];
	struct topology *t = load_all(text, &o);
	struct scenario *s = NULL;
	struct cfg_errors e;
	const struct scn_step *dis = NULL, *en = NULL;

	cfg_errors_init(&e, "gen.json");
	cr_assert_eq(scenario_parse(t->scenarios, "scenarios", "site-down", t, &s, &e), 0, "%s",
	    cfg_error_text(&e, 0, buf, sizeof(buf)));
	for (size_t i = 0; i < s->nsteps; i++) {
		if (s->steps[i].kind == SCN_DISABLE)
			dis = &s->steps[i];
		if (s->steps[i].kind == SCN_ENABLE)
			en = &s->steps[i];
	}
	cr_assert_not_null(dis);
	cr_assert_not_null(en);
	cr_assert_eq(dis->ntargets, 3);
	cr_assert_str_eq(dis->targets[2].node, "s01-dns3");
	cr_assert_str_eq(dis->targets[2].iface, "eth0");
	cr_assert(scn_step_undoes(dis, en));
	scenario_free(s);
	topo_free(t);
	free(text);
}

/* The command line: the options reach the generator, bad ones exit 2 naming the option. */
Test(generate, command_line)
{
	const char *build = getenv("ANYLAB_BUILD_DIR");
	char bin[512], cmd[1024], *out, *direct;
	struct gen_anycast o = opts(2, 2, 3, GEN_CORE_RING, 5);
	int status;

	if (build == NULL)
		cr_skip_test("ANYLAB_BUILD_DIR not set (run under ctest)");
	snprintf(bin, sizeof(bin), "%s/bin/anylab", build);
	snprintf(cmd, sizeof(cmd),
	    "%s generate anycast --sites 2 --instances 2 --clients 3 "
	    "--core ring --seed 5",
	    bin);
	out = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: %d", cmd, status);
	direct = gen_text(&o);
	cr_assert_str_eq(out, direct);
	free(out);
	free(direct);
	/* Again with the timers given. */
	o.bfd_ms = 120;
	o.check_ms = 700;
	snprintf(cmd, sizeof(cmd),
	    "%s generate anycast --sites 2 --instances 2 --clients 3 "
	    "--core ring --seed 5 --bfd-interval 120 --check-interval 700",
	    bin);
	out = hs_output(cmd, &status);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: %d", cmd, status);
	direct = gen_text(&o);
	cr_assert_str_eq(out, direct);
	cr_assert_not_null(strstr(out, "--bfd-interval 120 --check-interval 700`"));
	free(out);
	free(direct);

	static const struct {
		const char *args, *msg;
	} bad[] = {
		{ "--sites 0 --instances 1 --clients 1", "--sites 0: expected 1 to 4000" },
		{ "--sites 2 --instances 1", "--sites, --instances and --clients are required" },
		{ "--sites x --instances 1 --clients 1",
		    "--sites \"x\": expected a whole number 0 to 4294967295" },
		{ "--sites 2 --instances 1 --clients 1 --core mesh",
		    "--core \"mesh\": expected one of star, ring, tiers" },
		{ "--sites 2 --instances 1 --clients 1 --fib ecmp",
		    "--fib \"ecmp\": expected one of multipath, resilient" },
		{ "--sites 2 --instances 1 --clients 1 --name averyverylongname",
		    "--name \"averyverylongname\": expected at most 11 characters" },
		{ "--sites 2 --instances 1 --clients 1 extra", "unexpected argument \"extra\"" },
		{ "--sites 2 --instances 1 --clients 1 --bfd-interval 0",
		    "--bfd-interval 0: expected 10 to 10000 ms" },
		{ "--sites 2 --instances 1 --clients 1 --bfd-interval 5",
		    "--bfd-interval 5: expected 10 to 10000 ms" },
		{ "--sites 2 --instances 1 --clients 1 --bfd-interval 50ms",
		    "--bfd-interval \"50ms\": expected a whole number 0 to 4294967295" },
		{ "--sites 2 --instances 1 --clients 1 --check-interval 0",
		    "--check-interval 0: expected 10 to 60000 ms" },
		{ "--sites 2 --instances 1 --clients 1 --check-interval 99999",
		    "--check-interval 99999: expected 10 to 60000 ms" },
		{ "--sites 2 --instances 1 --clients 1 --no-bfd --bfd-interval 100",
		    "--bfd-interval 100 with --no-bfd: expected one or the other" },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		snprintf(cmd, sizeof(cmd), "%s generate anycast %s 2>&1", bin, bad[k].args);
		out = hs_output(cmd, &status);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 2, "%s: status %d", cmd,
		    status);
		cr_expect_not_null(strstr(out, bad[k].msg), "%s: %s", cmd, out);
		free(out);
	}
	snprintf(cmd, sizeof(cmd), "%s generate mesh 2>&1", bin);
	out = hs_output(cmd, &status);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	cr_expect_not_null(strstr(out, "mesh: unknown shape; expected anycast"), "%s", out);
	free(out);
}

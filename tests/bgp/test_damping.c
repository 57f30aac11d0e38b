/*
 * Unit tests of route flap damping (nodes/bgp/damping.c): the RFC 2439
 * arithmetic with the RFC 7196 defaults (decay by half-life, the ceiling
 * from the maximum suppress time, penalties after n flaps, time to reuse),
 * suppression and release with the held route, withdrawals of a suppressed
 * route, attribute changes, and the forgetting of old histories. The clock
 * is a parameter: nothing sleeps.
 */
#include <math.h>
#include <string.h>
#include <criterion/criterion.h>

#include "damping.h"

#define S(x) ((uint64_t)((x)*1e6)) /* seconds to µs */

static struct prefix
P(const char *s) {
	struct prefix p;

	cr_assert_eq(prefix_parse(s, &p, false), 0);
	return p;
}

static void
attrs_med(struct bgp_attrs *a, uint32_t med)
{
	bgp_attrs_init(a);
	a->present = BGP_ATTRS_ORIGIN | BGP_ATTRS_MED;
	a->med = med;
}

struct reused {
	int n;
	struct prefix pfx;
	uint32_t med;
};

static void
on_reuse(void *arg, const struct prefix *pfx, const struct bgp_attrs *a)
{
	struct reused *r = arg;

	r->n++;
	r->pfx = *pfx;
	r->med = a->med;
}

Test(damping, rfc7196_defaults_and_ceiling)
{
	struct damping_params p;

	damping_params_default(&p);
	cr_assert_eq(p.suppress, 6000);
	cr_assert_eq(p.reuse, 750);
	cr_assert_eq(p.half_life_s, 900);
	cr_assert_eq(p.max_suppress_s, 3600);
	cr_assert_eq(p.withdraw_penalty, 1000);
	cr_assert_eq(p.change_penalty, 500);
	/* RFC 2439 4.2: reuse * 2^(max suppress / half-life) = 750 * 2^4 */
	cr_assert_float_eq(damping_ceiling(&p), 12000.0, 1e-9);
}

Test(damping, decay_halves_each_half_life)
{
	struct damping_params p;

	damping_params_default(&p);
	cr_assert_float_eq(damping_decay(&p, 1000, S(900)), 500.0, 1e-9);
	cr_assert_float_eq(damping_decay(&p, 1000, S(1800)), 250.0, 1e-9);
	cr_assert_float_eq(damping_decay(&p, 1000, S(450)), 1000 / sqrt(2.0), 1e-9);
	cr_assert_float_eq(damping_decay(&p, 1000, 0), 1000.0, 1e-12);
	/* time to reuse: half_life * log2(P / reuse) */
	cr_assert_float_eq(damping_reuse_after_s(&p, 3000), 1800.0, 1e-9);
	cr_assert_float_eq(damping_reuse_after_s(&p, 12000), 3600.0, 1e-9, "= max suppress");
	cr_assert_float_eq(damping_reuse_after_s(&p, 700), 0.0, 1e-12);
}

/* n flaps, one a minute: P = sum over k < n of 1000 * 2^(-60 k / 900). */
Test(damping, penalty_after_n_flaps_and_suppression)
{
	struct damping_params p;
	struct damping *d;
	struct prefix pfx = P("51.51.51.0/24");
	struct bgp_attrs a;
	struct damping_info in;
	uint64_t t = S(1000);
	double want = 0;
	int n;

	damping_params_default(&p);
	d = damping_new(&p);
	attrs_med(&a, 1);
	cr_assert_eq(damping_announce(d, &pfx, &a, t), DAMP_PASS);
	for (n = 1; n <= 10; n++) {
		int v = damping_withdraw(d, &pfx, t);

		want = want * exp2(-60.0 / 900) + 1000;
		cr_assert(damping_lookup(d, &pfx, t, &in));
		cr_assert_float_eq(in.penalty, want, 1e-6, "after %d flaps", n);
		if (want > 6000) {
			cr_assert(in.suppressed, "flap %d: %.1f > 6000", n, want);
			cr_assert_eq(v, DAMP_SUPPRESS);
			break;
		}
		cr_assert_not(in.suppressed, "flap %d: %.1f", n, want);
		cr_assert_eq(v, DAMP_PASS);
		t += S(30);
		cr_assert_eq(damping_announce(d, &pfx, &a, t), DAMP_PASS, "re-announce, flap %d",
		    n);
		t += S(30);
	}
	/* 1000 + 954.8 + 911.6 + ...: the 7th flap within six minutes crosses 6000 */
	cr_assert_eq(n, 7);
	cr_assert_eq(damping_suppressed(d), 1);
	damping_free(d);
}

Test(damping, suppressed_route_is_held_and_released_at_reuse)
{
	struct damping_params p;
	struct damping *d;
	struct prefix pfx = P("51.51.51.0/24");
	struct bgp_attrs a, b;
	struct damping_info in;
	struct reused r = { 0 };
	uint64_t t0 = S(5), due;
	double reuse_s;

	damping_params_default(&p);
	d = damping_new(&p);
	attrs_med(&a, 1);
	attrs_med(&b, 2);
	cr_assert_eq(damping_announce(d, &pfx, &a, t0), DAMP_PASS);
	for (int i = 0; i < 7; i++) { /* 7 flaps at one instant: 7000 */
		damping_withdraw(d, &pfx, t0);
		damping_announce(d, &pfx, &a, t0);
	}
	cr_assert(damping_lookup(d, &pfx, t0, &in));
	cr_assert_float_eq(in.penalty, 7000.0, 1e-9);
	cr_assert(in.suppressed);
	cr_assert_not_null(in.attrs, "the announced route is held");
	/* an announcement with other attributes while suppressed: +500, b held */
	cr_assert_eq(damping_announce(d, &pfx, &b, t0), DAMP_SUPPRESS);
	cr_assert(damping_lookup(d, &pfx, t0, &in));
	cr_assert_float_eq(in.penalty, 7500.0, 1e-9);
	cr_assert_eq(in.attrs->med, 2);
	reuse_s = 900 * log2(7500.0 / 750);
	cr_assert_float_eq(in.reuse_s, reuse_s, 1e-6);
	due = damping_next_reuse_us(d, t0);
	cr_assert_geq(due, t0 + S(reuse_s));
	cr_assert_leq(due, t0 + S(reuse_s) + 2);
	/* a second before: still suppressed */
	cr_assert_eq(damping_reuse(d, due - S(1), on_reuse, &r), 0);
	cr_assert_eq(r.n, 0);
	/* at the time: released with the latest attributes */
	cr_assert_eq(damping_reuse(d, due, on_reuse, &r), 1);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.med, 2);
	cr_assert_eq(prefix_cmp(&r.pfx, &pfx), 0);
	cr_assert_eq(damping_suppressed(d), 0);
	cr_assert_eq(damping_next_reuse_us(d, due), 0);
	cr_assert(damping_lookup(d, &pfx, due, &in));
	cr_assert_not(in.suppressed);
	cr_assert_float_eq(in.penalty, 750.0, 1e-3);
	damping_free(d);
}

Test(damping, withdrawal_of_a_suppressed_route_and_the_ceiling)
{
	struct damping_params p;
	struct damping *d;
	struct prefix pfx = P("2001:db8:51::/48");
	struct bgp_attrs a;
	struct damping_info in;
	struct reused r = { 0 };
	uint64_t t = 0;

	damping_params_default(&p);
	d = damping_new(&p);
	attrs_med(&a, 1);
	damping_announce(d, &pfx, &a, t);
	for (int i = 0; i < 20; i++) {
		damping_withdraw(d, &pfx, t);
		damping_announce(d, &pfx, &a, t);
	}
	cr_assert(damping_lookup(d, &pfx, t, &in));
	cr_assert_float_eq(in.penalty, 12000.0, 1e-9, "capped at the ceiling");
	cr_assert_float_eq(in.reuse_s, 3600.0, 1e-6, "suppressed at most max suppress");
	cr_assert_eq(damping_withdraw(d, &pfx, t), DAMP_SUPPRESS);
	cr_assert(damping_lookup(d, &pfx, t, &in));
	cr_assert_null(in.attrs, "a withdrawn route is no longer held");
	/* released after an hour, but nothing to put back */
	cr_assert_eq(damping_reuse(d, S(3600) + 1, on_reuse, &r), 1);
	cr_assert_eq(r.n, 0);
	/* the history goes once below reuse / 2 (one more half-life) */
	cr_assert_eq(damping_count(d), 1);
	damping_reuse(d, S(3600 + 901), on_reuse, &r);
	cr_assert_eq(damping_count(d), 0);
	damping_free(d);
}

Test(damping, attribute_changes_and_peer_down)
{
	struct damping_params p;
	struct damping *d;
	struct prefix p1 = P("10.1.0.0/16"), p2 = P("10.2.0.0/16"), p3 = P("10.3.0.0/16");
	struct bgp_attrs a, b;
	struct damping_info in;

	damping_params_default(&p);
	d = damping_new(&p);
	attrs_med(&a, 1);
	attrs_med(&b, 2);
	damping_announce(d, &p1, &a, 0);
	damping_announce(d, &p1, &a, 0); /* the same again: no penalty */
	cr_assert(damping_lookup(d, &p1, 0, &in));
	cr_assert_float_eq(in.penalty, 0.0, 1e-12);
	damping_announce(d, &p1, &b, 0);
	cr_assert(damping_lookup(d, &p1, 0, &in));
	cr_assert_float_eq(in.penalty, 500.0, 1e-9);
	damping_announce(d, &p2, &a, 0);
	cr_assert_eq(damping_withdraw(d, &p3, 0), DAMP_PASS, "never announced");
	cr_assert_not(damping_lookup(d, &p3, 0, &in));
	/* the session ends: each reachable route counts one withdrawal */
	damping_withdraw_all(d, S(900));
	cr_assert(damping_lookup(d, &p1, S(900), &in));
	cr_assert_float_eq(in.penalty, 1250.0, 1e-9);
	cr_assert(damping_lookup(d, &p2, S(900), &in));
	cr_assert_float_eq(in.penalty, 1000.0, 1e-9);
	cr_assert_not(in.reachable);
	damping_free(d);
}

/* ---- configuration: "damping" at the top level and per peer ---- */

#include "bgp_config.h"

static int
parse(const char *json, struct bgp_config *c, char *err, size_t errlen)
{
	struct cfg_errors e;
	cJSON *j;
	int rc;

	cfg_errors_init(&e, "test");
	j = jc_parse_string(json, &e);
	cr_assert_not_null(j);
	rc = bgp_config_parse(j, "bgp", c, &e);
	cJSON_Delete(j);
	if (rc < 0)
		cfg_error_text(&e, 0, err, errlen);
	return rc;
}

Test(damping_config, defaults_top_level_and_per_peer)
{
	struct bgp_config c;
	char err[512];

	cr_assert_eq(
	    parse("{ \"asn\": 1, \"router_id\": \"1.1.1.1\", \"damping\": true,"
		  " \"peers\": [ { \"address\": \"10.0.0.2\", \"asn\": 2 },"
		  " { \"address\": \"10.0.0.3\", \"asn\": 3, \"damping\": false },"
		  " { \"address\": \"10.0.0.4\", \"asn\": 4, \"damping\": { \"half_life_s\": 60,"
		  " \"max_suppress_s\": 240 }, \"max_prefixes_restart_s\": 0 } ] }",
		&c, err, sizeof(err)),
	    0, "%s", err);
	cr_assert(c.peers[0].damping.enabled);
	cr_assert_eq(c.peers[0].damping.suppress, 6000);
	cr_assert_eq(c.peers[0].damping.half_life_s, 900);
	cr_assert_eq(c.peers[0].max_prefixes_restart_s, 120, "the default");
	cr_assert_not(c.peers[1].damping.enabled);
	cr_assert(c.peers[2].damping.enabled);
	cr_assert_eq(c.peers[2].damping.half_life_s, 60);
	cr_assert_eq(c.peers[2].damping.reuse, 750);
	cr_assert_eq(c.peers[2].max_prefixes_restart_s, 0);
	bgp_config_free(&c);
	cr_assert_eq(parse("{ \"asn\": 1, \"router_id\": \"1.1.1.1\", \"peers\": [ { \"address\":"
			   " \"10.0.0.2\", \"asn\": 2 } ] }",
			 &c, err, sizeof(err)),
	    0);
	cr_assert_not(c.peers[0].damping.enabled, "off unless asked for");
	bgp_config_free(&c);
}

Test(damping_config, errors_name_the_path)
{
	struct bgp_config c;
	char err[512];

	cr_assert_lt(
	    parse("{ \"asn\": 1, \"router_id\": \"1.1.1.1\", \"damping\": { \"reuse\": 7000 } }",
		&c, err, sizeof(err)),
	    0);
	cr_assert_not_null(strstr(err, "bgp.damping.reuse"), "%s", err);
	/* ceiling 750 * 2^(900/900) = 1500 < 6000: nothing could be suppressed */
	cr_assert_lt(
	    parse("{ \"asn\": 1, \"router_id\": \"1.1.1.1\", \"peers\": [ { \"address\":"
		  " \"10.0.0.2\", \"asn\": 2, \"damping\": { \"max_suppress_s\": 900 } } ] }",
		&c, err, sizeof(err)),
	    0);
	cr_assert_not_null(strstr(err, "bgp.peers[0].damping.suppress"), "%s", err);
	cr_assert_lt(parse("{ \"asn\": 1, \"router_id\": \"1.1.1.1\", \"damping\": \"yes\" }", &c,
			 err, sizeof(err)),
	    0);
	cr_assert_not_null(strstr(err, "bgp.damping"), "%s", err);
}

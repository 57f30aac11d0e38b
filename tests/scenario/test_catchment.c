/*
 * The catchment (catchment.c) on synthetic probe logs measured by
 * measure.c: matrices by site, per-instance load, failover distributions
 * with known percentiles, collateral moves during a fault and at
 * fail-back, a fault over several targets, 10,000 clients at once; and
 * its forms: results.json's "catchment", the table, and catchment.svg
 * (well-formed, one cell per client and phase).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "catchment.h"
#include "catchment_svg.h"
#include "jcfg.h"
#include "measure.h"
#include "probe.h"
#include "report.h"
#include "results.h"
#include "topo.h"
#include "xmlcheck.h"

#define T0  1763770000000000LL
#define SEC 1000000LL
#define MS  1000LL
#define RTT 1000 /* every answer's round trip, us */

/* Fault at +10 s, undone at +20 s, the run ends at +30 s. */
static const struct meas_fault window = { "disable", T0 + 10 * SEC, T0 + 20 * SEC, T0 + 20 * SEC,
	T0 + 30 * SEC };

/*
 * A client's life: before the fault it is answered by before; from the
 * fault until switch_ms after it, lost; then by during ("" : lost) until
 * the undo; until back_ms after the undo by during still; then by after.
 */
struct life {
	const char *before;
	const char *during;
	const char *after;
	int64_t switch_ms;
	int64_t back_ms;
};

/* One query every period_ms from T0 to T0 + 30 s, as struct life says. */
static void
synth(struct probe_log *l, const char *client, const struct life *lf, int64_t period_ms)
{
	int64_t f = window.start_us - T0, u = window.undo_us - T0;

	probe_log_init(l, client);
	for (int64_t i = 0; i * period_ms * MS < 30 * SEC; i++) {
		int64_t t = i * period_ms * MS;
		struct probe_rec r = { .seq = (uint32_t)i, .id = (uint16_t)i };
		const char *inst = t < f	      ? lf->before :
		    t < f + lf->switch_ms * MS	      ? "" :
		    t < u || t < u + lf->back_ms * MS ? lf->during :
							lf->after;

		r.sched_us = T0 + t;
		r.sent_us = r.sched_us;
		r.status = inst[0] ? PROBE_OK : PROBE_LOST;
		r.rtt_us = inst[0] ? RTT : -1;
		snprintf(r.inst, sizeof(r.inst), "%s", inst);
		probe_log_add(l, &r);
	}
}

/* Measure every client's log against the window, as results_measure does. */
static struct meas_client *
measure(struct probe_log *logs, size_t n, const struct meas_fault *w)
{
	struct meas_client *mc = calloc(n, sizeof(*mc));

	cr_assert_not_null(mc);
	for (size_t i = 0; i < n; i++)
		meas_fault_client(&logs[i], w, &mc[i]);
	return mc;
}

/*
 * Two sites. a: c1, c2, c3; b: c4, c5, c6. Instances A1, A2 (site a), B1 (b).
 *   c1  A1, fails over to A2 after 500 ms, back to A1
 *   c2  A1, to B1 after 1.5 s, stays on B1
 *   c3  A2 throughout
 *   c4  B1, moves to A2 during the fault (collateral), back to B1
 *   c5  B1 throughout the fault, A1 after it (collateral at fail-back)
 *   c6  B1, no answer during the fault, B1 after
 */
static const char *const six_names[] = { "c1", "c2", "c3", "c4", "c5", "c6" };
static const char *const six_sites[] = { "a", "a", "a", "b", "b", "b" };
static const struct life six[] = {
	{ "A1", "A2", "A1", 500, 0 },
	{ "A1", "B1", "B1", 1500, 0 },
	{ "A2", "A2", "A2", 0, 0 },
	{ "B1", "A2", "B1", 0, 0 },
	{ "B1", "B1", "A1", 0, 0 },
	{ "B1", "", "B1", 10000, 0 },
};

static struct probe_log six_logs[6];
static struct catchment cat;

static void
six_setup(void)
{
	for (size_t i = 0; i < 6; i++)
		synth(&six_logs[i], six_names[i], &six[i], 100);
	catch_init(&cat, 6, six_names, six_sites);
	catch_instance_add(&cat, "A1", "a-dns1", "a");
	catch_instance_add(&cat, "A2", "a-dns2", "a");
	catch_instance_add(&cat, "B1", "b-dns1", "b");
}

static void
six_teardown(void)
{
	catch_free(&cat);
	for (size_t i = 0; i < 6; i++)
		probe_log_free(&six_logs[i]);
}

/* The count of cell (row, inst) in a phase, 0 when absent; CATCH_NONE for unanswered. */
static uint32_t
cell(const struct catch_fault *f, enum catch_phase p, const char *row, const char *inst)
{
	uint32_t k = inst ? catch_instance_find(&cat, inst) : CATCH_NONE;

	for (size_t i = 0; i < f->ncells[p]; i++)
		if (strcmp(cat.rows[f->cells[p][i].row], row) == 0 && f->cells[p][i].inst == k)
			return f->cells[p][i].n;
	return 0;
}

static uint32_t
load(const struct catch_fault *f, enum catch_phase p, const char *inst)
{
	return catch_load(f, p, catch_instance_find(&cat, inst));
}

TestSuite(catchment, .init = six_setup, .fini = six_teardown);

Test(catchment, matrices_by_site_and_load_per_instance)
{
	static const char *const target[] = { "a-dns1" };
	struct meas_client *mc = measure(six_logs, 6, &window);
	const struct catch_fault *f;

	catch_fault_add(&cat, mc, true, target, 1);
	f = &cat.faults[0];
	cr_assert_eq(cat.nrows, 2);
	cr_assert_eq(f->nfailed, 1);
	cr_assert_str_eq(cat.inst[f->failed[0]].name, "A1");
	cr_assert_eq(f->of_failed, 2);

	cr_assert_eq(cell(f, CATCH_BEFORE, "a", "A1"), 2);
	cr_assert_eq(cell(f, CATCH_BEFORE, "a", "A2"), 1);
	cr_assert_eq(cell(f, CATCH_BEFORE, "b", "B1"), 3);
	cr_assert_eq(f->ncells[CATCH_BEFORE], 3, "sparse: only the cells with clients");

	cr_assert_eq(cell(f, CATCH_DURING, "a", "A2"), 2);
	cr_assert_eq(cell(f, CATCH_DURING, "a", "B1"), 1);
	cr_assert_eq(cell(f, CATCH_DURING, "b", "A2"), 1);
	cr_assert_eq(cell(f, CATCH_DURING, "b", "B1"), 1);
	cr_assert_eq(cell(f, CATCH_DURING, "b", NULL), 1, "c6 got no answer during the fault");
	cr_assert_eq(cell(f, CATCH_DURING, "a", "A1"), 0);
	cr_assert_eq(f->unanswered[CATCH_DURING], 1);

	cr_assert_eq(cell(f, CATCH_AFTER, "a", "A1"), 1);
	cr_assert_eq(cell(f, CATCH_AFTER, "a", "A2"), 1);
	cr_assert_eq(cell(f, CATCH_AFTER, "a", "B1"), 1);
	cr_assert_eq(cell(f, CATCH_AFTER, "b", "B1"), 2);
	cr_assert_eq(cell(f, CATCH_AFTER, "b", "A1"), 1);

	cr_assert_eq(load(f, CATCH_BEFORE, "A1"), 2);
	cr_assert_eq(load(f, CATCH_BEFORE, "A2"), 1);
	cr_assert_eq(load(f, CATCH_BEFORE, "B1"), 3);
	cr_assert_eq(load(f, CATCH_DURING, "A1"), 0);
	cr_assert_eq(load(f, CATCH_DURING, "A2"), 3);
	cr_assert_eq(load(f, CATCH_DURING, "B1"), 2);
	cr_assert_eq(load(f, CATCH_AFTER, "A1"), 2);
	cr_assert_eq(load(f, CATCH_AFTER, "A2"), 1);
	cr_assert_eq(load(f, CATCH_AFTER, "B1"), 3);
	/* The output's order: by site, then name. */
	cr_assert_str_eq(cat.inst[cat.order[0]].name, "A1");
	cr_assert_str_eq(cat.inst[cat.order[2]].name, "B1");
	free(mc);
}

Test(catchment, collateral_moves_during_and_at_fail_back)
{
	static const char *const target[] = { "a-dns1" };
	struct meas_client *mc = measure(six_logs, 6, &window);
	const struct catch_fault *f;

	catch_fault_add(&cat, mc, true, target, 1);
	f = &cat.faults[0];
	cr_assert_eq(f->ncollateral[0], 1);
	cr_assert_str_eq(cat.client_names[f->collateral[0][0]], "c4");
	cr_assert_eq(f->ncollateral[1], 1);
	cr_assert_str_eq(cat.client_names[f->collateral[1][0]], "c5");
	cr_assert_eq(f->moved[0], 3, "c1, c2 and c4 moved during the fault");
	cr_assert_eq(f->moved[1], 2, "c2 and c5 are elsewhere after it");
	cr_assert_eq(f->not_back, 1, "c2 did not come back");
	cr_assert(f->flags[3] & CATCH_COLLATERAL_DURING);
	cr_assert(!(f->flags[3] & CATCH_COLLATERAL_BACK));
	cr_assert(f->flags[4] & CATCH_COLLATERAL_BACK);
	cr_assert(!(f->flags[0] & (CATCH_COLLATERAL_DURING | CATCH_COLLATERAL_BACK)),
	    "c1's instance failed: its move is no collateral");
	cr_assert(!(f->flags[2] & (CATCH_MOVED_DURING | CATCH_MOVED_BACK)));
	free(mc);
}

Test(catchment, failover_distribution_of_the_affected_clients)
{
	static const char *const target[] = { "a-dns1" };
	struct meas_client *mc = measure(six_logs, 6, &window);
	const struct catch_fault *f;

	catch_fault_add(&cat, mc, true, target, 1);
	f = &cat.faults[0];
	/* c1, c2, c4 failed over; c6 lost its answers and never did; c3, c5 unaffected. */
	cr_assert_eq(f->affected, 4);
	cr_assert_eq(f->never, 1);
	cr_assert_eq(f->failover.n, 3);
	/* First answers from another instance: +500 ms, +1.5 s, at once; each plus the rtt. */
	cr_assert_eq(f->failover.median_us, 500 * MS + RTT);
	cr_assert_eq(f->failover.max_us, 1500 * MS + RTT);
	cr_assert_eq(f->failover.p90_us, 1500 * MS + RTT);
	free(mc);
}

Test(catchment, percentiles_by_nearest_rank)
{
	int64_t v[100], w[5] = { 5, 1, 4, 2, 3 };
	struct catch_dist d;

	for (int i = 0; i < 100; i++)
		v[i] = (100 - i) * 1000; /* 1 ms .. 100 ms, reversed */
	catch_dist(v, 100, &d);
	cr_assert_eq(d.n, 100);
	cr_assert_eq(d.median_us, 50500, "the mean of the 50th and 51st");
	cr_assert_eq(d.p90_us, 90000);
	cr_assert_eq(d.p99_us, 99000);
	cr_assert_eq(d.max_us, 100000);
	catch_dist(w, 5, &d);
	cr_assert_eq(d.median_us, 3);
	cr_assert_eq(d.p90_us, 5, "ceil(0.9 * 5) = 5th");
	cr_assert_eq(d.p99_us, 5);
	catch_dist(w, 1, &d);
	cr_assert_eq(d.median_us, 1);
	cr_assert_eq(d.p99_us, 1);
	catch_dist(v, 0, &d);
	cr_assert_eq(d.median_us, -1);
	cr_assert_eq(d.max_us, -1);
}

Test(catchment, a_fault_over_several_targets_fails_each_instance)
{
	static const char *const targets[] = { "a-dns1", "a-dns2", "no-such-node" };
	struct meas_client *mc = measure(six_logs, 6, &window);
	const struct catch_fault *f;

	catch_fault_add(&cat, mc, true, targets, 3);
	f = &cat.faults[0];
	cr_assert_eq(f->nfailed, 2);
	cr_assert_eq(f->of_failed, 3, "c1, c2 and c3 were the site's");
	cr_assert_eq(f->ncollateral[0], 1, "c4 still moved although B1 stood");
	cr_assert(f->flags[2] & CATCH_OF_FAILED);
	free(mc);
}

Test(catchment, a_fault_never_undone_has_no_after)
{
	static const char *const target[] = { "a-dns1" };
	struct meas_fault w = window;
	struct meas_client *mc;
	const struct catch_fault *f;

	w.undo_us = w.undo_start_us = 0;
	mc = measure(six_logs, 6, &w);
	catch_fault_add(&cat, mc, false, target, 1);
	f = &cat.faults[0];
	cr_assert_not(f->has_after);
	cr_assert_eq(f->ncells[CATCH_AFTER], 2, "every client unanswered: one cell per site");
	cr_assert_eq(f->unanswered[CATCH_AFTER], 6);
	cr_assert_eq(f->moved[1], 0);
	cr_assert_eq(f->ncollateral[1], 0);
	cr_assert_eq(f->not_back, 0);
	free(mc);
}

Test(catchment, instances_unknown_to_the_topology_are_added_from_answers)
{
	static const char *const target[] = { "ghost" };
	struct catchment c;
	struct meas_client mc[2] = { 0 };

	snprintf(mc[0].before, sizeof(mc[0].before), "ghost");
	snprintf(mc[0].during, sizeof(mc[0].during), "other");
	mc[0].failover_us = 5000;
	mc[0].affected = true;
	snprintf(mc[1].before, sizeof(mc[1].before), "other");
	snprintf(mc[1].during, sizeof(mc[1].during), "other");
	mc[1].failover_us = -1;
	catch_init(&c, 2, six_names, NULL);
	catch_fault_add(&c, mc, false, target, 1);
	cr_assert_eq(c.ninst, 2);
	cr_assert_eq(c.nrows, 1, "no sites: one row");
	/* Without the topology an instance fails by its name: anydnsd's default identity. */
	cr_assert_eq(c.faults[0].nfailed, 1);
	cr_assert_eq(c.faults[0].of_failed, 1);
	cr_assert_eq(c.faults[0].ncollateral[0], 0);
	catch_free(&c);
}

static size_t count_of(const char *s, const char *what);

/* ---- scale ---- */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * 10,000 clients in 50 sites of 200, 200 instances (4 a site). Site 0's
 * four instances fail; their clients go to site 1's; every 97th client
 * elsewhere moves to its site's next instance (collateral).
 */
Test(catchment_scale, ten_thousand_clients_and_two_hundred_instances)
{
	enum {
		NC = 10000,
		NS = 50,
		NI = 4
	};
	static char names[NC][16], sites[NS][8], inst[NS * NI][16], nodes[NS * NI][16];
	const char **np = calloc(NC, sizeof(*np)), **sp = calloc(NC, sizeof(*sp));
	const char *targets[NI];
	struct meas_client *mc = calloc(NC, sizeof(*mc));
	struct catchment c;
	double t0, t1;
	size_t coll = 0, s1 = 0;

	cr_assert(np && sp && mc);
	for (int s = 0; s < NS; s++) {
		snprintf(sites[s], sizeof(sites[s]), "s%02d", s);
		for (int i = 0; i < NI; i++) {
			snprintf(inst[s * NI + i], sizeof(inst[0]), "S%02d-DNS%d", s, i + 1);
			snprintf(nodes[s * NI + i], sizeof(nodes[0]), "s%02d-dns%d", s, i + 1);
		}
	}
	for (int i = 0; i < NI; i++)
		targets[i] = nodes[i];
	for (int k = 0; k < NC; k++) {
		int s = k % NS, i = (k / NS) % NI;

		snprintf(names[k], sizeof(names[k]), "c%d", k);
		np[k] = names[k];
		sp[k] = sites[s];
		snprintf(mc[k].before, sizeof(mc[k].before), "%s", inst[s * NI + i]);
		snprintf(mc[k].after, sizeof(mc[k].after), "%s", inst[s * NI + i]);
		snprintf(mc[k].during, sizeof(mc[k].during), "%s", inst[s * NI + i]);
		mc[k].failover_us = -1;
		if (s == 0) {
			snprintf(mc[k].during, sizeof(mc[k].during), "%s", inst[NI + i]);
			mc[k].affected = true;
			mc[k].failover_us = (k % 1000) * MS;
		} else if (k % 97 == 0) {
			snprintf(mc[k].during, sizeof(mc[k].during), "%s",
			    inst[s * NI + (i + 1) % NI]);
			mc[k].affected = true;
			mc[k].failover_us = 2 * MS;
			coll++;
		}
	}
	t0 = now_s();
	catch_init(&c, NC, np, sp);
	for (int j = 0; j < NS * NI; j++)
		catch_instance_add(&c, inst[j], nodes[j], sites[j / NI]);
	catch_fault_add(&c, mc, true, targets, NI);
	t1 = now_s();
	cr_assert_lt(t1 - t0, 0.25, "10,000 clients took %.3f s", t1 - t0);
	cr_assert_eq(c.nrows, NS);
	cr_assert_eq(c.ninst, NS * NI);
	cr_assert_eq(c.faults[0].nfailed, NI);
	cr_assert_eq(c.faults[0].of_failed, NC / NS);
	cr_assert_eq(c.faults[0].ncollateral[0], coll);
	cr_assert_eq(c.faults[0].ncollateral[1], 0);
	cr_assert_eq(c.faults[0].unanswered[CATCH_BEFORE], 0);
	/* Site 1's first instance: counted here the slow way. */
	for (int k = 0; k < NC; k++)
		s1 += strcmp(mc[k].during, "S01-DNS1") == 0;
	cr_assert_gt(s1, NC / NS / NI + NC / NS / NI - 5, "its own and site 0's: %zu", s1);
	cr_assert_eq(catch_load(&c.faults[0], CATCH_DURING, catch_instance_find(&c, "S01-DNS1")),
	    s1);
	cr_assert_lt(c.faults[0].ncells[CATCH_DURING], NC, "sparse");
	{
		/* The picture of them, as quick. */
		struct scenario scn = { .name = "site-down" };
		struct res_fault rf = { .undo_step = -1, .window = { .label = "site-down" } };
		struct run_result r = { .lab = "big",
			.scenario = &scn,
			.faults = &rf,
			.nfaults = 1 };
		struct strbuf sb = STRBUF_INIT;

		r.catchment = c;
		t0 = now_s();
		catchment_svg(&r, &sb);
		t1 = now_s();
		cr_assert_lt(t1 - t0, 0.5, "the picture of 10,000 clients took %.3f s", t1 - t0);
		cr_assert_null(xml_check(sb_str(&sb)));
		cr_assert_eq(count_of(sb_str(&sb), "<rect class=\"c\""), 3 * NC);
		cr_assert_lt(sb.len, 4u << 20, "%zu bytes", sb.len);
		sb_free(&sb);
	}
	catch_free(&c);
	free(np);
	free(sp);
	free(mc);
}

/* ---- a run's forms: results.json, the table, catchment.svg ---- */

/*
 * A generated-like lab: S sites of one router, I instances (S01-DNS1 ...,
 * on nodes s01-dns1 ...) and C clients each, the scenario's fault an
 * instance-down of s01-dns1 from +10 s to +20 s.
 */
struct run {
	struct topology topo;
	struct scenario *scn;
	struct run_result res;
	struct probe_log *logs;
	char (*names)[16];
	size_t ncoll[2]; /* the collateral moves synth_run made */
};

static const char *run_scenario =
    "{\"instance-down\": {\"probe\": {\"clients\": [\"s01-c1\"]}, \"steps\": ["
    "{\"action\": \"disable\", \"iface\": \"s01-dns1:eth0\"},"
    "{\"action\": \"enable\", \"iface\": \"s01-dns1:eth0\"}]}}";

/*
 * Clients of S01-DNS1 go to S01-DNS2 (every fifth to S02-DNS1) after 300
 * ms to 1.75 s, and come back but every seventh; every 41st client of
 * the other sites moves to its site's next instance during the fault, every 53rd
 * is on it after (collateral).
 */
static void synth_run_steps(struct run *rn, int S, int I, int C, enum res_status st);

static void
synth_run(struct run *rn, int S, int I, int C)
{
	synth_run_steps(rn, S, I, C, RES_DONE);
}

/* st: the steps' status; RES_NOT_RUN makes a run without faults. */
static void
synth_run_steps(struct run *rn, int S, int I, int C, enum res_status st)
{
	struct cfg_errors e;
	cJSON *root;
	size_t n = (size_t)(S * (1 + I + C)), k = 0, nc = (size_t)(S * C);

	memset(rn, 0, sizeof(*rn));
	rn->topo.nodes = calloc(n, sizeof(*rn->topo.nodes));
	rn->names = calloc(n, sizeof(*rn->names));
	rn->logs = calloc(nc, sizeof(*rn->logs));
	rn->res.clients = calloc(nc, sizeof(*rn->res.clients));
	cr_assert(rn->topo.nodes && rn->names && rn->logs && rn->res.clients);
	for (int s = 1; s <= S; s++) {
		for (int j = 0; j <= I + C; j++) {
			struct topo_node *nd = &rn->topo.nodes[k];

			if (j == 0)
				snprintf(rn->names[k], sizeof(rn->names[k]), "s%02d-r", s);
			else if (j <= I)
				snprintf(rn->names[k], sizeof(rn->names[k]), "s%02d-dns%d", s, j);
			else
				snprintf(rn->names[k], sizeof(rn->names[k]), "s%02d-c%d", s, j - I);
			nd->name = rn->names[k];
			snprintf(nd->site, sizeof(nd->site), "s%02d", s);
			if (j >= 1 && j <= I) {
				char id[32];
				cJSON *dns = cJSON_CreateObject();

				snprintf(id, sizeof(id), "S%02d-DNS%d", s, j);
				cJSON_AddStringToObject(dns, "identity", id);
				nd->dns = dns;
			}
			k++;
		}
	}
	rn->topo.nnodes = k;
	k = 0;
	for (int s = 1; s <= S; s++) {
		for (int c = 1; c <= C; c++, k++) {
			char before[32], during[32], after[32];
			struct life lf = { before, during, after, 0, 0 };
			int i = (c - 1) % I + 1;
			size_t idx = (size_t)(s - 1) * (size_t)(1 + I + C) +
			    (size_t)(1 + I + c - 1);

			snprintf(before, sizeof(before), "S%02d-DNS%d", s, i);
			snprintf(during, sizeof(during), "%s", before);
			snprintf(after, sizeof(after), "%s", before);
			if (s == 1 && i == 1) {
				snprintf(during, sizeof(during),
				    c % 5 == 0 ? "S02-DNS1" : "S01-DNS2");
				if (c % 7 == 0)
					snprintf(after, sizeof(after), "%s", during);
				lf.switch_ms = 300 + (c * 37 % 30) * 50;
			} else if (s > 1 && k % 41 == 0) {
				snprintf(during, sizeof(during), "S%02d-DNS%d", s, i % I + 1);
				rn->ncoll[0]++;
			} else if (s > 1 && k % 53 == 0) {
				snprintf(after, sizeof(after), "S%02d-DNS%d", s, i % I + 1);
				rn->ncoll[1]++;
			}
			rn->res.clients[k].name = rn->names[idx];
			synth(&rn->logs[k], rn->names[idx], &lf, 250);
		}
	}
	cfg_errors_init(&e, "x");
	root = jc_parse_string(run_scenario, &e);
	cr_assert_not_null(root);
	cr_assert_eq(scenario_parse(root, "scenarios", "instance-down", NULL, &rn->scn, &e), 0);
	cJSON_Delete(root);
	rn->res.lab = "gen";
	rn->res.topology = "gen.json";
	rn->res.scenario = rn->scn;
	rn->res.topo = &rn->topo;
	rn->res.start_us = T0;
	rn->res.end_us = T0 + 30 * SEC;
	rn->res.nclients = nc;
	rn->res.steps = calloc(2, sizeof(*rn->res.steps));
	for (size_t i = 0; i < 2; i++) {
		rn->res.steps[i].step = &rn->scn->steps[i];
		rn->res.steps[i].status = st;
		rn->res.steps[i].start_us = T0 + (int64_t)(10 + 10 * i) * SEC;
		rn->res.steps[i].end_us = rn->res.steps[i].start_us;
	}
	results_measure(&rn->res, rn->logs);
}

static void
run_free(struct run *rn)
{
	for (size_t i = 0; i < rn->res.nclients; i++)
		probe_log_free(&rn->logs[i]);
	for (size_t i = 0; i < rn->topo.nnodes; i++)
		cJSON_Delete((cJSON *)rn->topo.nodes[i].dns);
	results_free(&rn->res);
	scenario_free(rn->scn);
	free(rn->topo.nodes);
	free(rn->names);
	free(rn->logs);
}

static size_t
count_of(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* Keep a picture where the build keeps the tests' artifacts, to look at. */
static void
keep(const char *name, const struct strbuf *sb)
{
	const char *b = getenv("ANYLAB_BUILD_DIR");
	char path[1024];
	FILE *f;

	if (b == NULL)
		return;
	snprintf(path, sizeof(path), "%s/test-artifacts", b);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/test-artifacts/catchment", b);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/test-artifacts/catchment/%s", b, name);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fwrite(sb_str(sb), 1, sb->len, f);
	fclose(f);
}

Test(catchment_run, results_json_has_a_catchment_per_fault)
{
	struct run rn;
	struct strbuf sb = STRBUF_INIT;
	cJSON *doc, *c, *it;
	size_t sum = 0;

	synth_run(&rn, 20, 2, 50);
	results_json(&rn.res, &sb);
	doc = cJSON_Parse(sb_str(&sb));
	cr_assert_not_null(doc, "results.json does not parse");
	c = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "faults"), 0),
	    "catchment");
	cr_assert_not_null(c);
	it = cJSON_GetObjectItem(c, "failed_instances");
	cr_assert_eq(cJSON_GetArraySize(it), 1);
	cr_assert_str_eq(cJSON_GetArrayItem(it, 0)->valuestring, "S01-DNS1");
	cr_assert_eq(cJSON_GetObjectItem(c, "clients")->valueint, 1000);
	cr_assert_eq(cJSON_GetObjectItem(c, "of_failed")->valueint, 25);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(c, "instances")), 40);
	/* The instances by site then name; S01-DNS1 lost its 25 clients and got 21 back. */
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "instances"), 0);
	cr_assert_str_eq(cJSON_GetObjectItem(it, "instance")->valuestring, "S01-DNS1");
	cr_assert_str_eq(cJSON_GetObjectItem(it, "node")->valuestring, "s01-dns1");
	cr_assert_str_eq(cJSON_GetObjectItem(it, "site")->valuestring, "s01");
	cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(it, "failed")));
	cr_assert_eq(cJSON_GetObjectItem(it, "before")->valueint, 25);
	cr_assert_eq(cJSON_GetObjectItem(it, "during")->valueint, 0);
	cr_assert_eq(cJSON_GetObjectItem(it, "after")->valueint, 25 - 4, "c7, c21, c35, c49 stay");
	cr_assert_eq(cJSON_GetObjectItem(it, "change_during")->valueint, -25);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(c, "by_site")), 20);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(c, "by_site")) {
		cJSON *cell;
		int in = 0;

		sum += (size_t)cJSON_GetObjectItem(it, "clients")->valueint;
		cJSON_ArrayForEach(cell, cJSON_GetObjectItem(it, "during"))
			in += cell->valueint;
		in +=
		    cJSON_GetObjectItem(cJSON_GetObjectItem(it, "unanswered"), "during")->valueint;
		cr_assert_eq(in, cJSON_GetObjectItem(it, "clients")->valueint);
	}
	cr_assert_eq(sum, 1000);
	it = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(c, "by_site"), 0),
	    "during");
	cr_assert_eq(cJSON_GetObjectItem(it, "S01-DNS2")->valueint, 25 + 20);
	cr_assert_eq(cJSON_GetObjectItem(it, "S02-DNS1")->valueint, 5);
	it = cJSON_GetObjectItem(c, "failover");
	cr_assert_eq(cJSON_GetObjectItem(it, "affected")->valueint, 25 + (int)rn.ncoll[0]);
	cr_assert_eq(cJSON_GetObjectItem(it, "never")->valueint, 0);
	cr_assert_not_null(cJSON_GetObjectItem(it, "p99_ms"));
	cr_assert_not_null(
	    strstr(cJSON_GetObjectItem(it, "percentiles")->valuestring, "nearest rank"));
	it = cJSON_GetObjectItem(cJSON_GetObjectItem(c, "collateral"), "during");
	cr_assert_eq((size_t)cJSON_GetObjectItem(it, "count")->valueint, rn.ncoll[0]);
	cr_assert_eq((size_t)cJSON_GetArraySize(cJSON_GetObjectItem(it, "clients")),
	    rn.ncoll[0] < CATCH_LIST_MAX ? rn.ncoll[0] : CATCH_LIST_MAX);
	it = cJSON_GetObjectItem(cJSON_GetObjectItem(c, "collateral"), "back");
	cr_assert_eq((size_t)cJSON_GetObjectItem(it, "count")->valueint, rn.ncoll[1]);
	cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "moved"), "back")->valueint,
	    4 + (int)rn.ncoll[1]);
	cr_assert_eq(cJSON_GetObjectItem(c, "not_back")->valueint, 4);
	cJSON_Delete(doc);
	sb_free(&sb);
	run_free(&rn);
}

Test(catchment_run, the_table_sums_up_each_fault)
{
	struct run rn;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	synth_run(&rn, 3, 2, 10);
	f = open_memstream(&text, &len);
	results_table(&rn.res, f);
	fclose(f);
	if (getenv("CATCHMENT_SHOW_TABLE")) /* for docs/scenarios.md's example */
		fputs(text, stderr);
	cr_assert_not_null(strstr(text, "catchment: failed instance S01-DNS1; 5 of 30 clients"),
	    "%s", text);
	cr_assert_not_null(
	    strstr(text,
		"      S01-DNS1             s01                5       0       4  -5/-1  "
		"(failed)\n"),
	    "%s", text);
	cr_assert_not_null(strstr(text, "failover across "));
	cr_assert_not_null(strstr(text, "(nearest rank)"));
	cr_assert_not_null(strstr(text, "collateral moves (their instance did not fail): "));
	cr_assert_not_null(strstr(text, "    s02-c1     S02-DNS1 S02-DNS1 S02-DNS1 -"),
	    "30 clients: every one listed");
	free(text);
	run_free(&rn);

	/* A thousand: the affected ones only. */
	synth_run(&rn, 20, 2, 50);
	text = NULL;
	f = open_memstream(&text, &len);
	results_table(&rn.res, f);
	fclose(f);
	cr_assert_not_null(strstr(text,
			       "    (1000 clients: 48 affected, listed; every client in "
			       "results.json)\n"),
	    "%s", text);
	cr_assert_null(strstr(text, "(unaffected)"));
	cr_assert_not_null(strstr(text, "    s01-c1     S01-DNS1 S01-DNS2 S01-DNS1"));
	/*
	 * 40 instances: only those that failed or whose load changed (S01's
	 * two, and those of the collateral moves: here every one), at most 32,
	 * and a line saying so.
	 */
	{
		size_t rows = 0, changed = 0;
		const char *m = strstr(text, "      (40 instances: ");

		for (const char *p = strstr(text, "\n      S"); p; p = strstr(p + 1, "\n      S"))
			rows++;
		cr_assert_not_null(m, "%s", text);
		cr_assert_eq(sscanf(m, "      (40 instances: %zu failed or changed load", &changed),
		    1);
		cr_assert_eq(rows, changed < 32 ? changed : 32, "%s", text);
		cr_assert_geq(rows, 2);
		cr_assert_not_null(strstr(text, "\n      S01-DNS1 "), "%s", text);
	}
	free(text);
	run_free(&rn);

	/* 80 instances, some untouched: those are left out, every row listed changed. */
	synth_run(&rn, 40, 2, 25);
	text = NULL;
	f = open_memstream(&text, &len);
	results_table(&rn.res, f);
	fclose(f);
	{
		size_t rows = 0, changed = 0;
		const char *m = strstr(text, "      (80 instances: ");

		cr_assert_not_null(m, "%s", text);
		cr_assert_eq(sscanf(m, "      (80 instances: %zu failed or changed load", &changed),
		    1);
		cr_assert_lt(changed, 80, "%s", text);
		for (const char *p = strstr(text, "\n      S"); p; p = strstr(p + 1, "\n      S")) {
			const char *eol = strchr(p + 1, '\n');
			size_t l = (size_t)(eol - p);

			rows++;
			cr_assert(l < 6 || memcmp(eol - 6, " +0/+0", 6) != 0, "unchanged row: %.*s",
			    (int)l, p + 1);
		}
		cr_assert_eq(rows, changed < 32 ? changed : 32, "%s", text);
	}
	free(text);
	run_free(&rn);
}

/* Every cell of the picture, by phase: one per client, coloured as its instance. */
static void
check_picture(const struct run *rn, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	const char *err;

	catchment_svg(&rn->res, &sb);
	err = xml_check(sb_str(&sb));
	cr_assert_null(err, "catchment.svg: %s", err);
	cr_assert_eq(count_of(sb_str(&sb), "<rect class=\"c\""), 3 * rn->res.nclients,
	    "one cell per client in each of the three phases");
	cr_assert_eq(count_of(sb_str(&sb), "stroke=\"#000000\" stroke-width=\"2\""),
	    rn->ncoll[0] + rn->ncoll[1] + 1, "every collateral move outlined, and the legend's");
	keep(name, &sb);
	sb_free(&sb);
}

Test(catchment_run, the_picture_has_a_cell_per_client_at_thirty_and_a_thousand)
{
	struct run rn;

	synth_run(&rn, 3, 2, 10);
	check_picture(&rn, "catchment-30.svg");
	run_free(&rn);
	synth_run(&rn, 20, 2, 50);
	check_picture(&rn, "catchment-1000.svg");
	run_free(&rn);
}

Test(catchment_run, without_faults_the_picture_says_so)
{
	struct run rn;
	struct strbuf sb = STRBUF_INIT;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	synth_run_steps(&rn, 2, 2, 3, RES_NOT_RUN);
	cr_assert_eq(rn.res.nfaults, 0);
	cr_assert_eq(rn.res.catchment.ninst, 4, "the topology's instances, in the legend");
	catchment_svg(&rn.res, &sb);
	cr_assert_null(xml_check(sb_str(&sb)));
	cr_assert_not_null(strstr(sb_str(&sb), "No fault was applied in this run."));
	cr_assert_not_null(strstr(sb_str(&sb), "S02-DNS2 (s02)"));
	f = open_memstream(&text, &len);
	results_table(&rn.res, f);
	fclose(f);
	cr_assert_null(strstr(text, "catchment:"));
	free(text);
	sb_free(&sb);
	run_free(&rn);
}

Test(catchment_run, the_report_of_a_thousand_clients_sums_up_and_embeds_the_picture)
{
	struct run rn;
	struct strbuf cs = STRBUF_INIT, sb = STRBUF_INIT;
	struct report_pictures pics = { 0 };
	const char *err;

	synth_run(&rn, 20, 2, 50);
	catchment_svg(&rn.res, &cs);
	pics.catchment_svg = sb_str(&cs);
	report_html(&rn.res, &pics, "/tmp/out/run", &sb);
	err = xml_check(sb_str(&sb));
	cr_assert_null(err, "report.html: %s", err);
	cr_assert_not_null(strstr(sb_str(&sb), "<table class=\"load\">"));
	cr_assert_not_null(strstr(sb_str(&sb), "1000 clients: each one's instances are in "));
	cr_assert_null(strstr(sb_str(&sb), "<table class=\"catchment\">"), "no per-client table");
	cr_assert_null(strstr(sb_str(&sb), "<table class=\"failover\">"));
	cr_assert_eq(count_of(sb_str(&sb), "<rect class=\"c\""), 3000, "the picture inline");
	sb_free(&cs);
	sb_free(&sb);
	run_free(&rn);
}

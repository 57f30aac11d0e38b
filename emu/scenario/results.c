/*
 * Scenario results (results.h): per-fault measurement over the probe logs,
 * and the table, JSON and JUnit XML forms. The JSON keys are documented in
 * docs/scenarios.md; change both together.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "results.h"
#include "topo.h"

#define TABLE_LIST_MAX	  10 /* collateral clients named in the table */
#define TABLE_CLIENTS_MAX 64 /* more clients than this: the table lists the affected ones */
#define TABLE_INST_MAX	  32 /* more instances: the catchment lists the failed and changed */

struct site_of {
	const char *node;
	const char *site;
};

static int cmp_site_of(const void *a, const void *b);
static const char **fault_targets(const struct scn_step *, size_t *n);
static void measure_catchment(struct run_result *);
static bool failed_inst(const struct catch_fault *, uint32_t inst);
static void table_more(const struct run_result *, const struct res_fault *, FILE *);
static void table_names(const struct run_result *, const uint32_t *idx, size_t n, size_t max,
    FILE *);
static void table_catchment(const struct run_result *, const struct catch_fault *, FILE *);
static void table_probes(const struct run_result *, FILE *);
static void table_probe_row(const char *name, const struct meas_totals *, FILE *);
static bool probe_troubled(const struct meas_totals *);
static int cmp_worse(const void *a, const void *b, void *arg);
static void json_client_list(const struct run_result *, const uint32_t *idx, size_t n,
    struct strbuf *);
static void json_row_cells(const struct run_result *, const struct catch_fault *, enum catch_phase,
    uint32_t row, size_t *at, size_t *none, struct strbuf *);
static void json_catchment(const struct run_result *, const struct catch_fault *, struct strbuf *);

const char *const res_status_names[RES_STATUS_COUNT] = {
	[RES_PASS] = "pass",
	[RES_FAIL] = "fail",
	[RES_DONE] = "done",
	[RES_ERROR] = "error",
	[RES_UNSUPPORTED] = "unsupported",
	[RES_NOT_RUN] = "not run",
};

const char *
results_fmt_ms(int64_t us, char *buf, size_t len)
{
	if (us < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f s", (double)us / 1e6);
	return buf;
}

static bool
applied_fault(const struct res_step *rs)
{
	return rs->status == RES_DONE && scn_undo_kind(rs->step->kind) >= 0;
}

/* Instances that answered, in name order, so that a colour means the same across runs. */
static void
collect_instances(struct run_result *r, const struct probe_log *logs)
{
	r->ninstances = 0;
	for (size_t c = 0; c < r->nclients; c++) {
		for (size_t i = 0; i < logs[c].n; i++) {
			const struct probe_rec *rec = &logs[c].recs[i];

			if (rec->status != PROBE_OK || results_instance_index(r, rec->inst) >= 0 ||
			    r->ninstances == RES_MAX_INST)
				continue;
			memcpy(r->instances[r->ninstances++], rec->inst, SCN_INST_MAX);
		}
	}
	for (size_t i = 1; i < r->ninstances; i++)
		for (size_t j = i; j > 0 && strcmp(r->instances[j - 1], r->instances[j]) > 0; j--) {
			char t[SCN_INST_MAX];

			memcpy(t, r->instances[j], SCN_INST_MAX);
			memcpy(r->instances[j], r->instances[j - 1], SCN_INST_MAX);
			memcpy(r->instances[j - 1], t, SCN_INST_MAX);
		}
}

int
results_instance_index(const struct run_result *r, const char *inst)
{
	for (size_t k = 0; inst && k < r->ninstances; k++)
		if (strcmp(r->instances[k], inst) == 0)
			return (int)k;
	return -1;
}

void
results_measure(struct run_result *r, const struct probe_log *logs)
{
	const struct scenario *s = r->scenario;
	size_t n = 0;

	collect_instances(r, logs);

	for (size_t i = 0; i < s->nsteps; i++)
		n += applied_fault(&r->steps[i]);
	r->faults = calloc(n ? n : 1, sizeof(*r->faults));
	if (r->faults == NULL)
		fatal("out of memory");
	for (size_t i = 0; i < s->nsteps; i++) {
		struct res_fault *f;

		if (!applied_fault(&r->steps[i]))
			continue;
		f = &r->faults[r->nfaults++];
		f->step = i;
		f->undo_step = -1;
		f->window.label = s->steps[i].label;
		/*
		 * From the start of the action: a fast detector may move the clients
		 * before the action has returned (a cable cut seen by link state).
		 */
		f->window.start_us = r->steps[i].start_us;
		f->window.end_us = r->end_us;
		for (size_t j = i + 1; j < s->nsteps; j++) {
			if (applied_fault(&r->steps[j])) {
				f->window.end_us = r->steps[j].start_us;
				break;
			}
		}
		for (size_t j = i + 1; j < s->nsteps; j++) {
			if (r->steps[j].status == RES_DONE &&
			    scn_step_undoes(&s->steps[i], &s->steps[j])) {
				f->undo_step = (ssize_t)j;
				f->window.undo_us = r->steps[j].end_us;
				f->window.undo_start_us = r->steps[j].start_us;
				break;
			}
		}
		f->clients = calloc(r->nclients ? r->nclients : 1, sizeof(*f->clients));
		if (f->clients == NULL)
			fatal("out of memory");
		for (size_t c = 0; c < r->nclients; c++)
			meas_fault_client(&logs[c], &f->window, &f->clients[c]);
	}
	measure_catchment(r);
}

static int
cmp_site_of(const void *a, const void *b)
{
	return strcmp(((const struct site_of *)a)->node, ((const struct site_of *)b)->node);
}

/*
 * The nodes a fault's action targets (malloc'd, *n of them): its node (of
 * an interface, a daemon or a speaker). A step with a list of targets
 * gives each of its nodes here.
 */
static const char **
fault_targets(const struct scn_step *st, size_t *n)
{
	const char **out = calloc(st->ntargets ? st->ntargets : 1, sizeof(*out));

	if (out == NULL)
		fatal("out of memory");
	*n = 0;
	for (size_t i = 0; i < st->ntargets; i++)
		if (st->targets[i].node != NULL)
			out[(*n)++] = st->targets[i].node;
	if (*n == 0 && st->node != NULL)
		out[(*n)++] = st->node;
	return out;
}

/*
 * The catchment of every fault: clients by their node's site, instances by
 * the identity of each node that runs a DNS responder (dns.identity, else
 * the node's name, as anydnsd and the dns kinds do).
 */
static void
measure_catchment(struct run_result *r)
{
	const struct topology *t = r->topo;
	const char **names = calloc(r->nclients ? r->nclients : 1, sizeof(*names));
	const char **sites = calloc(r->nclients ? r->nclients : 1, sizeof(*sites));
	struct site_of *map = calloc(t && t->nnodes ? t->nnodes : 1, sizeof(*map));
	const char **targets;
	size_t ntargets;

	if (names == NULL || sites == NULL || map == NULL)
		fatal("out of memory");
	for (size_t i = 0; t && i < t->nnodes; i++)
		map[i] = (struct site_of){ t->nodes[i].name, t->nodes[i].site };
	if (t)
		qsort(map, t->nnodes, sizeof(*map), cmp_site_of);
	for (size_t c = 0; c < r->nclients; c++) {
		struct site_of key = { r->clients[c].name, NULL }, *hit = NULL;

		if (t && key.node)
			hit = bsearch(&key, map, t->nnodes, sizeof(*map), cmp_site_of);
		names[c] = r->clients[c].name;
		sites[c] = hit ? hit->site : "";
	}
	catch_init(&r->catchment, r->nclients, names, sites);
	for (size_t i = 0; t && i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		const cJSON *id;

		if (n->dns == NULL)
			continue;
		id = cJSON_GetObjectItemCaseSensitive(n->dns, "identity");
		catch_instance_add(&r->catchment,
		    cJSON_IsString(id) && id->valuestring[0] ? id->valuestring : n->name, n->name,
		    n->site);
	}
	catch_order(&r->catchment);
	for (size_t f = 0; f < r->nfaults; f++) {
		targets = fault_targets(&r->scenario->steps[r->faults[f].step], &ntargets);
		catch_fault_add(&r->catchment, r->faults[f].clients, r->faults[f].undo_step >= 0,
		    targets, ntargets);
		free(targets);
	}
	free(names);
	free(sites);
	free(map);
}

static bool
failed_inst(const struct catch_fault *cf, uint32_t inst)
{
	for (size_t i = 0; i < cf->nfailed; i++)
		if (cf->failed[i] == inst)
			return true;
	return false;
}

static const char *
inst_or_dash(const char *s)
{
	return s[0] ? s : "-";
}

static void
count_steps(const struct run_result *r, size_t *tests, size_t *fail, size_t *err, size_t *skip,
    size_t *expect, size_t *held)
{
	*tests = *fail = *err = *skip = *expect = *held = 0;
	for (size_t i = 0; i < r->scenario->nsteps; i++) {
		enum res_status st = r->steps[i].status;

		(*tests)++;
		if (!scn_is_action(r->scenario->steps[i].kind)) {
			(*expect)++;
			*held += st == RES_PASS;
		}
		*fail += st == RES_FAIL;
		*err += st == RES_ERROR;
		*skip += st == RES_UNSUPPORTED || st == RES_NOT_RUN;
	}
}

void
results_table(const struct run_result *r, FILE *out)
{
	const struct scenario *s = r->scenario;
	size_t tests, fail, err, skip, expect, held;
	char b1[32], b2[32];

	fprintf(out, "scenario %s on lab %s (%s)\n", s->name, r->lab, r->topology);
	if (r->error[0])
		fprintf(out, "  error: %s\n", r->error);
	fprintf(out, "\n  %-3s %-9s %-48s %-6s %s\n", "#", "at", "step", "result", "detail");
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct res_step *rs = &r->steps[i];
		char at[32] = "-";

		if (rs->status != RES_NOT_RUN)
			snprintf(at, sizeof(at), "+%.3fs",
			    (double)(rs->start_us - r->start_us) / 1e6);
		fprintf(out, "  %-3zu %-9s %-48.48s %-6s %s\n", i + 1, at, s->steps[i].label,
		    rs->status == RES_PASS	      ? "PASS" :
			rs->status == RES_FAIL	      ? "FAIL" :
			rs->status == RES_DONE	      ? "done" :
			rs->status == RES_ERROR	      ? "ERROR" :
			rs->status == RES_UNSUPPORTED ? "n/a" :
							"-",
		    rs->detail);
	}
	for (size_t f = 0; f < r->nfaults; f++) {
		const struct res_fault *rf = &r->faults[f];

		fprintf(out, "\n  fault \"%s\" at +%.3fs", rf->window.label,
		    (double)(rf->window.start_us - r->start_us) / 1e6);
		if (rf->undo_step >= 0)
			fprintf(out, ", undone by \"%s\" at +%.3fs", s->steps[rf->undo_step].label,
			    (double)(rf->window.undo_us - r->start_us) / 1e6);
		fprintf(out, "\n    %-10s %-8s %-8s %-8s %-10s %6s %-10s %10s\n", "client",
		    "before", "during", "after", "failover", "lost", "back", "lost after");
		for (size_t c = 0, shown = 0; c < r->nclients; c++) {
			const struct meas_client *mc = &rf->clients[c];

			/* Many clients: the affected ones, a screenful; results.json has all. */
			if (r->nclients > TABLE_CLIENTS_MAX &&
			    (!mc->affected || shown == TABLE_CLIENTS_MAX))
				continue;
			shown++;
			fprintf(out,
			    "    %-10s %-8s %-8s %-8s %-10s %6" PRIu64 " %-10s %10" PRIu64 "%s\n",
			    r->clients[c].name, inst_or_dash(mc->before), inst_or_dash(mc->during),
			    inst_or_dash(mc->after),
			    results_fmt_ms(mc->failover_us, b1, sizeof(b1)), mc->lost,
			    results_fmt_ms(mc->back_us, b2, sizeof(b2)), mc->lost_after,
			    mc->affected ? "" : "  (unaffected)");
		}
		if (r->nclients > TABLE_CLIENTS_MAX)
			table_more(r, rf, out);
		if (f < r->catchment.nfaults)
			table_catchment(r, &r->catchment.faults[f], out);
	}
	if (r->nclients)
		table_probes(r, out);
	count_steps(r, &tests, &fail, &err, &skip, &expect, &held);
	fprintf(out, "\n%s: %zu of %zu expectations held", r->passed ? "PASS" : "FAIL", held,
	    expect);
	if (err)
		fprintf(out, ", %zu action%s failed", err, err == 1 ? "" : "s");
	if (skip)
		fprintf(out, ", %zu step%s not run", skip, skip == 1 ? "" : "s");
	fprintf(out, " (%.1f s)\n", (double)(r->end_us - r->start_us) / 1e6);
}

static void
table_probe_row(const char *name, const struct meas_totals *t, FILE *out)
{
	char rtt[32] = "-", b1[32], b2[32], b3[32];

	if (t->rtt_median_us >= 0)
		snprintf(rtt, sizeof(rtt), "%.3f ms", (double)t->rtt_median_us / 1e3);
	snprintf(b1, sizeof(b1), "%" PRId64, t->late_median_us);
	snprintf(b2, sizeof(b2), "%" PRId64, t->late_p99_us);
	snprintf(b3, sizeof(b3), "%" PRId64, t->late_max_us);
	fprintf(out,
	    "          %-10s %7" PRIu64 " %8" PRIu64 " %6" PRIu64 " %6" PRIu64
	    " %11s %s/%s/%s us\n",
	    name, t->sent, t->answered, t->lost, t->errors, rtt, b1, b2, b3);
}

/*
 * A row per client; with more than TABLE_CLIENTS_MAX clients, the totals
 * over all of them and the clients worth a look (results_probe_worst), a
 * screenful at most; results.json has every client.
 */
static void
table_probes(const struct run_result *r, FILE *out)
{
	struct res_probe_totals all;
	size_t idx[TABLE_CLIENTS_MAX], n;
	char name[32];

	fprintf(out, "\n  probes: %-10s %7s %8s %6s %6s %11s %s\n", "client", "sent", "answered",
	    "lost", "errors", "rtt median", "send late median/p99/max");
	if (r->nclients <= TABLE_CLIENTS_MAX) {
		for (size_t c = 0; c < r->nclients; c++)
			table_probe_row(r->clients[c].name, &r->clients[c].totals, out);
		return;
	}
	results_probe_totals(r, &all);
	snprintf(name, sizeof(name), "all %zu", all.clients);
	table_probe_row(name, &all.sum, out);
	n = results_probe_worst(r, idx, TABLE_CLIENTS_MAX);
	for (size_t i = 0; i < n; i++)
		table_probe_row(r->clients[idx[i]].name, &r->clients[idx[i]].totals, out);
	fprintf(out,
	    "    (%zu clients: \"all\" is their sum, the median of their rtt and send late "
	    "medians, the p99 of their p99s, the largest maximum; %zu lost or failed a query or "
	    "were never answered",
	    all.clients, all.troubled);
	if (all.troubled > n)
		fprintf(out, ", the worst %zu listed", n);
	else if (n)
		fprintf(out, ", listed worst first");
	fprintf(out, "; %zu left out; every client in results.json)\n", all.clients - n);
}

static bool
probe_troubled(const struct meas_totals *t)
{
	return t->lost > 0 || t->errors > 0 || t->answered == 0;
}

void
results_probe_totals(const struct run_result *r, struct res_probe_totals *all)
{
	size_t n = r->nclients ? r->nclients : 1, nr = 0, nl = 0;
	int64_t *rtt = calloc(n, sizeof(*rtt)), *late = calloc(n, sizeof(*late));
	int64_t *p99 = calloc(n, sizeof(*p99));

	if (rtt == NULL || late == NULL || p99 == NULL)
		fatal("out of memory");
	memset(all, 0, sizeof(*all));
	all->clients = r->nclients;
	all->sum.rtt_max_us = all->sum.late_max_us = -1;
	for (size_t c = 0; c < r->nclients; c++) {
		const struct meas_totals *t = &r->clients[c].totals;

		all->sum.sent += t->sent;
		all->sum.answered += t->answered;
		all->sum.lost += t->lost;
		all->sum.errors += t->errors;
		all->troubled += probe_troubled(t);
		all->never += t->answered == 0;
		if (t->rtt_median_us >= 0)
			rtt[nr++] = t->rtt_median_us;
		if (t->rtt_max_us > all->sum.rtt_max_us)
			all->sum.rtt_max_us = t->rtt_max_us;
		if (t->late_median_us >= 0) {
			late[nl] = t->late_median_us;
			p99[nl++] = t->late_p99_us;
		}
		if (t->late_max_us > all->sum.late_max_us)
			all->sum.late_max_us = t->late_max_us;
	}
	all->sum.rtt_median_us = meas_percentile(rtt, nr, 50);
	all->sum.late_median_us = meas_percentile(late, nl, 50);
	all->sum.late_p99_us = meas_percentile(p99, nl, 99);
	free(rtt);
	free(late);
	free(p99);
}

static int
cmp_worse(const void *a, const void *b, void *arg)
{
	const struct res_client *cl = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct meas_totals *x = &cl[i].totals, *y = &cl[j].totals;
	uint64_t bx = x->lost + x->errors, by = y->lost + y->errors;

	if ((x->answered == 0) != (y->answered == 0))
		return x->answered == 0 ? -1 : 1;
	if (bx != by)
		return bx > by ? -1 : 1;
	return i < j ? -1 : i > j;
}

size_t
results_probe_worst(const struct run_result *r, size_t *idx, size_t max)
{
	size_t *all = calloc(r->nclients ? r->nclients : 1, sizeof(*all)), n = 0;

	if (all == NULL)
		fatal("out of memory");
	for (size_t c = 0; c < r->nclients; c++)
		if (probe_troubled(&r->clients[c].totals))
			all[n++] = c;
	qsort_r(all, n, sizeof(*all), cmp_worse, r->clients);
	if (n > max)
		n = max;
	memcpy(idx, all, n * sizeof(*idx));
	free(all);
	return n;
}

/* Under a fault's client rows cut to the affected ones: what was left out. */
static void
table_more(const struct run_result *r, const struct res_fault *rf, FILE *out)
{
	size_t affected = 0;

	for (size_t c = 0; c < r->nclients; c++)
		affected += rf->clients[c].affected;
	fprintf(out, "    (%zu clients: %zu affected, ", r->nclients, affected);
	if (affected > TABLE_CLIENTS_MAX)
		fprintf(out, "the first %d listed", TABLE_CLIENTS_MAX);
	else
		fprintf(out, "listed");
	fprintf(out, "; every client in results.json)\n");
}

/* Clients named in a list: at most max, then how many more. */
static void
table_names(const struct run_result *r, const uint32_t *idx, size_t n, size_t max, FILE *out)
{
	for (size_t i = 0; i < n && i < max; i++)
		fprintf(out, "%s%s", i ? ", " : "", r->catchment.client_names[idx[i]]);
	if (n > max)
		fprintf(out, " and %zu more", n - max);
}

/* Per-instance load before, during and after, the failover distribution, collateral moves. */
static void
table_catchment(const struct run_result *r, const struct catch_fault *cf, FILE *out)
{
	const struct catchment *c = &r->catchment;
	size_t shown = 0, nchanged = 0;
	char b[4][32];

	fprintf(out, "    catchment: failed instance%s ", cf->nfailed == 1 ? "" : "s");
	for (size_t i = 0; i < cf->nfailed; i++)
		fprintf(out, "%s%s", i ? ", " : "", c->inst[cf->failed[i]].name);
	if (cf->nfailed == 0)
		fprintf(out, "none (no instance runs on the fault's target)");
	fprintf(out, "; %zu of %zu clients were theirs\n", cf->of_failed, c->nclients);
	fprintf(out, "      %-20s %-12s %7s %7s %7s  %s\n", "instance", "site", "before", "during",
	    "after", "change during/after");
	for (size_t k = 0; k < c->ninst; k++) {
		uint32_t i = c->order[k];
		long bf = catch_load(cf, CATCH_BEFORE, i), du = catch_load(cf, CATCH_DURING, i);
		long af = catch_load(cf, CATCH_AFTER, i);
		bool changed = failed_inst(cf, i) || du != bf || (cf->has_after && af != bf);

		nchanged += changed;
		/* Many instances: those that failed or whose load changed, a screenful. */
		if (c->ninst > TABLE_INST_MAX && (!changed || shown == TABLE_INST_MAX))
			continue;
		shown++;

		if (cf->has_after)
			snprintf(b[0], sizeof(b[0]), "%7ld", af);
		else
			snprintf(b[0], sizeof(b[0]), "%7s", "-");
		fprintf(out, "      %-20s %-12s %7ld %7ld %s  %+ld", c->inst[i].name,
		    c->inst[i].site[0] ? c->inst[i].site : "-", bf, du, b[0], du - bf);
		if (cf->has_after)
			fprintf(out, "/%+ld", af - bf);
		fprintf(out, "%s\n", failed_inst(cf, i) ? "  (failed)" : "");
	}
	fprintf(out, "      %-20s %-12s %7zu %7zu ", "(no answer)", "",
	    cf->unanswered[CATCH_BEFORE], cf->unanswered[CATCH_DURING]);
	if (cf->has_after)
		fprintf(out, "%7zu\n", cf->unanswered[CATCH_AFTER]);
	else
		fprintf(out, "%7s\n", "-");
	if (shown < c->ninst)
		fprintf(out,
		    "      (%zu instances: %zu failed or changed load, %zu listed; every instance "
		    "in results.json)\n",
		    c->ninst, nchanged, shown);
	fprintf(out,
	    "    failover across %zu affected clients: median %s, p90 %s, p99 %s, worst %s "
	    "(nearest rank); %zu never answered by another instance\n",
	    cf->affected, results_fmt_ms(cf->failover.median_us, b[0], sizeof(b[0])),
	    results_fmt_ms(cf->failover.p90_us, b[1], sizeof(b[1])),
	    results_fmt_ms(cf->failover.p99_us, b[2], sizeof(b[2])),
	    results_fmt_ms(cf->failover.max_us, b[3], sizeof(b[3])), cf->never);
	fprintf(out, "    moved: %zu during the fault", cf->moved[0]);
	if (cf->has_after)
		fprintf(out, ", %zu at fail-back (%zu of the failed instances' clients not back)",
		    cf->moved[1], cf->not_back);
	fprintf(out, "\n    collateral moves (their instance did not fail): %zu during the fault",
	    cf->ncollateral[0]);
	if (cf->ncollateral[0]) {
		fprintf(out, " (");
		table_names(r, cf->collateral[0], cf->ncollateral[0], TABLE_LIST_MAX, out);
		fprintf(out, ")");
	}
	if (cf->has_after) {
		fprintf(out, ", %zu at fail-back", cf->ncollateral[1]);
		if (cf->ncollateral[1]) {
			fprintf(out, " (");
			table_names(r, cf->collateral[1], cf->ncollateral[1], TABLE_LIST_MAX, out);
			fprintf(out, ")");
		}
	}
	fprintf(out, "\n");
}

static void
json_key(struct strbuf *sb, const char *key)
{
	sb_json_str(sb, key);
	sb_puts(sb, ": ");
}

static void
json_kv_str(struct strbuf *sb, const char *key, const char *val, bool comma)
{
	json_key(sb, key);
	if (val && val[0])
		sb_json_str(sb, val);
	else
		sb_puts(sb, "null");
	if (comma)
		sb_puts(sb, ", ");
}

static void
json_kv_i64(struct strbuf *sb, const char *key, int64_t v, bool null_if_negative, bool comma)
{
	json_key(sb, key);
	if (null_if_negative && v < 0)
		sb_puts(sb, "null");
	else
		sb_printf(sb, "%" PRId64, v);
	if (comma)
		sb_puts(sb, ", ");
}

static void
json_kv_ms(struct strbuf *sb, const char *key, int64_t us, bool comma)
{
	json_key(sb, key);
	if (us < 0)
		sb_puts(sb, "null");
	else
		sb_printf(sb, "%.3f", (double)us / 1000.0);
	if (comma)
		sb_puts(sb, ", ");
}

/* A list of clients: {"count": N, "clients": [the first CATCH_LIST_MAX]}. */
static void
json_client_list(const struct run_result *r, const uint32_t *idx, size_t n, struct strbuf *sb)
{
	sb_printf(sb, "{\"count\": %zu, \"clients\": [", n);
	for (size_t i = 0; i < n && i < CATCH_LIST_MAX; i++) {
		if (i)
			sb_puts(sb, ", ");
		sb_json_str(sb, r->catchment.client_names[idx[i]]);
	}
	sb_puts(sb, "]}");
}

/* One row's cells of a phase, from *at on: {"INST": n, ...}; unanswered counted aside. */
static void
json_row_cells(const struct run_result *r, const struct catch_fault *cf, enum catch_phase p,
    uint32_t row, size_t *at, size_t *none, struct strbuf *sb)
{
	bool first = true;

	*none = 0;
	sb_puts(sb, "{");
	for (; *at < cf->ncells[p] && cf->cells[p][*at].row == row; (*at)++) {
		const struct catch_cell *cell = &cf->cells[p][*at];

		if (cell->inst == CATCH_NONE) {
			*none = cell->n;
			continue;
		}
		if (!first)
			sb_puts(sb, ", ");
		first = false;
		sb_json_str(sb, r->catchment.inst[cell->inst].name);
		sb_printf(sb, ": %u", cell->n);
	}
	sb_puts(sb, "}");
}

static void
json_catchment(const struct run_result *r, const struct catch_fault *cf, struct strbuf *sb)
{
	const struct catchment *c = &r->catchment;
	size_t at[CATCH_PHASES] = { 0 }, none[CATCH_PHASES] = { 0 };

	sb_puts(sb, "\n     \"catchment\": {\"failed_instances\": [");
	for (size_t i = 0; i < cf->nfailed; i++) {
		if (i)
			sb_puts(sb, ", ");
		sb_json_str(sb, c->inst[cf->failed[i]].name);
	}
	sb_printf(sb, "], \"clients\": %zu, \"of_failed\": %zu,\n      \"instances\": [",
	    c->nclients, cf->of_failed);
	for (size_t k = 0; k < c->ninst; k++) {
		uint32_t i = c->order[k];
		long bf = catch_load(cf, CATCH_BEFORE, i), du = catch_load(cf, CATCH_DURING, i);
		long af = catch_load(cf, CATCH_AFTER, i);

		sb_printf(sb, "%s\n        {", k ? "," : "");
		json_kv_str(sb, "instance", c->inst[i].name, true);
		json_kv_str(sb, "node", c->inst[i].node, true);
		json_kv_str(sb, "site", c->inst[i].site, true);
		sb_printf(sb, "\"failed\": %s, \"before\": %ld, \"during\": %ld, ",
		    failed_inst(cf, i) ? "true" : "false", bf, du);
		if (cf->has_after)
			sb_printf(sb,
			    "\"after\": %ld, \"change_during\": %ld, \"change_after\": %ld}", af,
			    du - bf, af - bf);
		else
			sb_printf(sb,
			    "\"after\": null, \"change_during\": %ld, \"change_after\": null}",
			    du - bf);
	}
	sb_printf(sb, "],\n      \"unanswered\": {\"before\": %zu, \"during\": %zu, \"after\": ",
	    cf->unanswered[CATCH_BEFORE], cf->unanswered[CATCH_DURING]);
	if (cf->has_after)
		sb_printf(sb, "%zu},", cf->unanswered[CATCH_AFTER]);
	else
		sb_puts(sb, "null},");
	sb_puts(sb, "\n      \"by_site\": [");
	for (size_t row = 0; row < c->nrows; row++) {
		sb_printf(sb, "%s\n        {", row ? "," : "");
		json_kv_str(sb, "site", c->rows[row], true);
		sb_printf(sb, "\"clients\": %u, ", c->row_start[row + 1] - c->row_start[row]);
		for (int p = 0; p < CATCH_PHASES; p++) {
			json_key(sb, catch_phase_names[p]);
			if (p == CATCH_AFTER && !cf->has_after)
				sb_puts(sb, "null");
			else
				json_row_cells(r, cf, (enum catch_phase)p, (uint32_t)row, &at[p],
				    &none[p], sb);
			sb_puts(sb, ", ");
		}
		sb_printf(sb, "\"unanswered\": {\"before\": %zu, \"during\": %zu, \"after\": ",
		    none[CATCH_BEFORE], none[CATCH_DURING]);
		if (cf->has_after)
			sb_printf(sb, "%zu}}", none[CATCH_AFTER]);
		else
			sb_puts(sb, "null}}");
	}
	sb_printf(sb,
	    "],\n      \"failover\": {\"affected\": %zu, \"failed_over\": %zu, \"never\": %zu, ",
	    cf->affected, cf->failover.n, cf->never);
	json_kv_ms(sb, "median_ms", cf->failover.median_us, true);
	json_kv_ms(sb, "p90_ms", cf->failover.p90_us, true);
	json_kv_ms(sb, "p99_ms", cf->failover.p99_us, true);
	json_kv_ms(sb, "worst_ms", cf->failover.max_us, true);
	json_kv_str(sb, "percentiles", CATCH_PERCENTILES, false);
	sb_printf(sb, "},\n      \"moved\": {\"during\": %zu, \"back\": ", cf->moved[0]);
	if (cf->has_after)
		sb_printf(sb, "%zu}, \"not_back\": %zu,", cf->moved[1], cf->not_back);
	else
		sb_puts(sb, "null}, \"not_back\": null,");
	sb_puts(sb, "\n      \"collateral\": {\"during\": ");
	json_client_list(r, cf->collateral[0], cf->ncollateral[0], sb);
	sb_puts(sb, ", \"back\": ");
	if (cf->has_after)
		json_client_list(r, cf->collateral[1], cf->ncollateral[1], sb);
	else
		sb_puts(sb, "null");
	sb_puts(sb, "}}");
}

void
results_json(const struct run_result *r, struct strbuf *sb)
{
	const struct scenario *s = r->scenario;
	size_t tests, fail, err, skip, expect, held;

	count_steps(r, &tests, &fail, &err, &skip, &expect, &held);
	sb_puts(sb, "{\n  ");
	json_kv_str(sb, "scenario", s->name, true);
	json_kv_str(sb, "description", s->description, true);
	json_kv_str(sb, "lab", r->lab, true);
	json_kv_str(sb, "topology", r->topology, true);
	sb_printf(sb, "\"passed\": %s, ", r->passed ? "true" : "false");
	json_kv_str(sb, "error", r->error, true);
	sb_puts(sb, "\n  ");
	json_kv_i64(sb, "start_us", r->start_us, false, true);
	json_kv_i64(sb, "end_us", r->end_us, false, true);
	json_kv_ms(sb, "duration_ms", r->end_us - r->start_us, true);
	sb_printf(sb,
	    "\"expectations\": %zu, \"held\": %zu, \"failed\": %zu, \"errors\": %zu, "
	    "\"not_run\": %zu,\n",
	    expect, held, fail, err, skip);
	sb_puts(sb, "  \"probe\": {");
	sb_printf(sb, "\"rate\": %g, \"timeout_ms\": %u, ", s->probe.rate, s->probe.timeout_ms);
	json_kv_str(sb, "qname", s->probe.qname, true);
	json_kv_str(sb, "identity", s->probe.identity == SCN_ID_NSID ? "nsid" : "txt", true);
	json_kv_i64(sb, "lead_in_ms", (int64_t)s->probe.lead_in_ms, false, false);
	sb_puts(sb, "},\n  \"instances\": [");
	for (size_t k = 0; k < r->ninstances; k++) {
		if (k)
			sb_puts(sb, ", ");
		sb_json_str(sb, r->instances[k]);
	}
	sb_puts(sb, "],\n  \"steps\": [");
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct res_step *rs = &r->steps[i];
		const struct scn_step *st = &s->steps[i];

		sb_printf(sb, "%s\n    {\"index\": %zu, ", i ? "," : "", i + 1);
		json_kv_str(sb, "kind", scn_is_action(st->kind) ? "action" : "expect", true);
		json_kv_str(sb, "what", scn_kind_names[st->kind], true);
		json_kv_str(sb, "label", st->label, true);
		json_kv_str(sb, "status", res_status_names[rs->status], true);
		if (rs->status == RES_NOT_RUN) {
			sb_puts(sb, "\"start_us\": null, \"end_us\": null, \"elapsed_ms\": null, ");
		} else {
			json_kv_i64(sb, "start_us", rs->start_us, false, true);
			json_kv_i64(sb, "end_us", rs->end_us, false, true);
			json_kv_ms(sb, "elapsed_ms", rs->end_us - rs->start_us, true);
		}
		if (!scn_is_action(st->kind) && st->kind != SCN_LOST && st->kind != SCN_NO_ANSWER &&
		    st->kind != SCN_STAYED)
			json_kv_ms(sb, "within_ms", (int64_t)st->within_ms * 1000, true);
		json_kv_str(sb, "detail", rs->detail, false);
		sb_puts(sb, "}");
	}
	sb_puts(sb, "\n  ],\n  \"faults\": [");
	for (size_t f = 0; f < r->nfaults; f++) {
		const struct res_fault *rf = &r->faults[f];

		sb_printf(sb, "%s\n    {\"step\": %zu, ", f ? "," : "", rf->step + 1);
		json_kv_str(sb, "label", rf->window.label, true);
		json_kv_i64(sb, "start_us", rf->window.start_us, false, true);
		if (rf->undo_step >= 0) {
			sb_printf(sb, "\"undo_step\": %zd, ", rf->undo_step + 1);
			json_kv_i64(sb, "undo_us", rf->window.undo_us, false, true);
		} else {
			sb_puts(sb, "\"undo_step\": null, \"undo_us\": null, ");
		}
		json_kv_i64(sb, "end_us", rf->window.end_us, false, true);
		sb_puts(sb, "\"clients\": [");
		for (size_t c = 0; c < r->nclients; c++) {
			const struct meas_client *mc = &rf->clients[c];

			sb_printf(sb, "%s\n      {", c ? "," : "");
			json_kv_str(sb, "client", r->clients[c].name, true);
			json_kv_str(sb, "before", mc->before, true);
			json_kv_str(sb, "during", mc->during, true);
			json_kv_str(sb, "after", mc->after, true);
			sb_printf(sb, "\"affected\": %s, ", mc->affected ? "true" : "false");
			json_kv_ms(sb, "failover_ms", mc->failover_us, true);
			json_kv_i64(sb, "sent", (int64_t)mc->sent, false, true);
			json_kv_i64(sb, "lost", (int64_t)mc->lost, false, true);
			json_kv_ms(sb, "back_ms", mc->back_us, true);
			json_kv_i64(sb, "lost_after", (int64_t)mc->lost_after, false, true);
			json_kv_i64(sb, "tcp_breaks", (int64_t)mc->tcp_breaks, false, false);
			sb_puts(sb, "}");
		}
		sb_puts(sb, "]");
		if (f < r->catchment.nfaults) {
			sb_puts(sb, ",");
			json_catchment(r, &r->catchment.faults[f], sb);
		}
		sb_puts(sb, "}");
	}
	sb_puts(sb, "\n  ],\n  \"clients\": [");
	for (size_t c = 0; c < r->nclients; c++) {
		const struct meas_totals *t = &r->clients[c].totals;

		sb_printf(sb, "%s\n    {", c ? "," : "");
		json_kv_str(sb, "client", r->clients[c].name, true);
		json_kv_str(sb, "log", r->clients[c].log_path, true);
		json_kv_i64(sb, "sent", (int64_t)t->sent, false, true);
		json_kv_i64(sb, "answered", (int64_t)t->answered, false, true);
		json_kv_i64(sb, "lost", (int64_t)t->lost, false, true);
		json_kv_i64(sb, "errors", (int64_t)t->errors, false, true);
		json_kv_i64(sb, "rtt_median_us", t->rtt_median_us, true, true);
		json_kv_i64(sb, "rtt_max_us", t->rtt_max_us, true, true);
		json_kv_i64(sb, "send_late_median_us", t->late_median_us, true, true);
		json_kv_i64(sb, "send_late_p99_us", t->late_p99_us, true, true);
		json_kv_i64(sb, "send_late_max_us", t->late_max_us, true, true);
		sb_puts(sb, "\"tcp_breaks\": [");
		for (size_t b = 0; b < r->clients[c].nbreaks; b++) {
			const struct probe_break *pb = &r->clients[c].breaks[b];

			sb_printf(sb, "%s{", b ? ", " : "");
			json_kv_i64(sb, "time_us", pb->time_us, false, true);
			json_kv_str(sb, "reason", probe_break_names[pb->reason], false);
			sb_puts(sb, "}");
		}
		sb_puts(sb, "]}");
	}
	sb_puts(sb, "\n  ],\n  \"files\": {");
	json_kv_str(sb, "json", r->json_path, true);
	json_kv_str(sb, "svg", r->svg_path, true);
	json_kv_str(sb, "catchment_svg", r->catchment_svg_path, true);
	json_kv_str(sb, "html", r->html_path, true);
	json_kv_str(sb, "junit", r->junit_path, true);
	sb_puts(sb, "\"captures\": [");
	for (size_t i = 0; i < r->ncaptures; i++) {
		if (i)
			sb_puts(sb, ", ");
		sb_json_str(sb, r->captures[i]);
	}
	sb_puts(sb, "]}\n}\n");
}

void
results_junit(const struct run_result *r, struct strbuf *sb)
{
	const struct scenario *s = r->scenario;
	size_t tests, fail, err, skip, expect, held;
	char ts[64] = "";
	time_t t = (time_t)(r->start_us / 1000000);
	struct tm tm;
	FILE *mem;
	char *table = NULL;
	size_t tlen = 0;

	count_steps(r, &tests, &fail, &err, &skip, &expect, &held);
	if (gmtime_r(&t, &tm))
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	sb_puts(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_printf(sb,
	    "<testsuites name=\"anylab\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
	    "skipped=\"%zu\" time=\"%.3f\">\n",
	    tests, fail, err, skip, (double)(r->end_us - r->start_us) / 1e6);
	sb_puts(sb, "  <testsuite name=\"");
	sb_xml_str(sb, s->name);
	sb_printf(sb,
	    "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
	    "time=\"%.3f\" timestamp=\"%s\" hostname=\"",
	    tests, fail, err, skip, (double)(r->end_us - r->start_us) / 1e6, ts);
	sb_xml_str(sb, r->lab);
	sb_puts(sb, "\">\n");
	sb_puts(sb, "    <properties>\n      <property name=\"topology\" value=\"");
	sb_xml_str(sb, r->topology);
	sb_puts(sb, "\"/>\n    </properties>\n");
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct res_step *rs = &r->steps[i];

		sb_puts(sb, "    <testcase classname=\"anylab.");
		sb_xml_str(sb, s->name);
		sb_printf(sb, "\" name=\"%02zu ", i + 1);
		sb_xml_str(sb, s->steps[i].label);
		sb_printf(sb, "\" time=\"%.3f\"",
		    rs->status == RES_NOT_RUN ? 0.0 : (double)(rs->end_us - rs->start_us) / 1e6);
		switch (rs->status) {
		case RES_PASS:
		case RES_DONE:
			sb_puts(sb, "/>\n");
			continue;
		case RES_FAIL:
			sb_puts(sb, ">\n      <failure type=\"expectation\" message=\"");
			break;
		case RES_ERROR:
			sb_puts(sb, ">\n      <error type=\"action\" message=\"");
			break;
		default:
			sb_puts(sb, ">\n      <skipped message=\"");
			break;
		}
		sb_xml_str(sb, rs->detail[0] ? rs->detail : res_status_names[rs->status]);
		sb_puts(sb, "\"/>\n    </testcase>\n");
	}
	mem = open_memstream(&table, &tlen);
	if (mem) {
		results_table(r, mem);
		fclose(mem);
		sb_puts(sb, "    <system-out>");
		sb_xml_str(sb, table);
		sb_puts(sb, "</system-out>\n");
		free(table);
	}
	sb_puts(sb, "  </testsuite>\n</testsuites>\n");
}

void
results_free(struct run_result *r)
{
	for (size_t f = 0; f < r->nfaults; f++)
		free(r->faults[f].clients);
	free(r->faults);
	catch_free(&r->catchment);
	free(r->steps);
	for (size_t c = 0; c < r->nclients && r->clients; c++)
		free(r->clients[c].breaks);
	free(r->clients);
	for (size_t i = 0; i < r->ncaptures; i++)
		free(r->captures[i]);
	free(r->captures);
	memset(r, 0, sizeof(*r));
}

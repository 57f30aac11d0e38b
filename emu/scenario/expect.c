/*
 * Scenario expectations (expect.h): client selection (by list, by the
 * instance that answered them, by site), the sites of clients and
 * instances, and one check per expectation kind, each writing its detail
 * through a textbuf so that any number of clients fits or is cut, never
 * overrun: a list of clients is written while it fits, then ends with
 * "... and N more".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anylab.h"
#include "ctl.h"
#include "daemon.h"
#include "expect.h"
#include "kind.h"
#include "lab.h"
#include "measure.h"
#include "netlink.h"
#include "textbuf.h"

#define LIST_TAIL 48 /* room kept for " ... and N more" and the runner's " (after S s)" */

static bool list_put(struct textbuf *, const char *sep, const char *item, size_t *more);
static void list_end(struct textbuf *, size_t more);
static bool check_answers(const struct expect_view *, const struct scn_step *, const bool *sel,
    int64_t since, char *detail, size_t len);
static bool check_nexthops(const struct expect_view *, const struct scn_step *, char *detail,
    size_t len);
static bool check_session(const struct expect_view *, const struct scn_step *, char *detail,
    size_t len);
static bool answer_good(const struct expect_view *, const struct scn_step *, size_t c,
    const char *inst);
static bool check_share(const struct expect_view *, const struct scn_step *, const bool *sel,
    int64_t since, char *detail, size_t len);
static const struct probe_rec *first_move(const struct probe_log *, int64_t from_us, int64_t to_us,
    const char *before);
static bool window_stayed(const struct expect_view *, const struct scn_step *, const bool *sel,
    int64_t from_us, int64_t to_us, char *detail, size_t len);
static int inst_cmp(const void *a, const void *b);

static int
inst_cmp(const void *a, const void *b)
{
	const struct expect_site_inst *x = a, *y = b;

	return strcmp(x->identity, y->identity);
}

struct expect_sites *
expect_sites_new(const struct topology *t, const struct res_client *clients, size_t n)
{
	struct expect_sites *s = emu_calloc(1, sizeof(*s));
	size_t ndns = 0;

	s->client = emu_calloc(n ? n : 1, sizeof(*s->client));
	s->nclients = n;
	for (size_t c = 0; c < n; c++) {
		const struct topo_node *node = t ? topo_node_find(t, clients[c].name) : NULL;

		s->client[c] = node != NULL ? node->site : "";
	}
	for (size_t i = 0; t && i < t->nnodes; i++)
		ndns += t->nodes[i].dns != NULL;
	s->inst = emu_calloc(ndns ? ndns : 1, sizeof(*s->inst));
	for (size_t i = 0; t && i < t->nnodes; i++) {
		const struct topo_node *node = &t->nodes[i];
		const cJSON *id;

		if (node->dns == NULL)
			continue;
		id = cJSON_GetObjectItemCaseSensitive(node->dns, "identity");
		s->inst[s->ninst].identity = cJSON_IsString(id) ? id->valuestring : node->name;
		s->inst[s->ninst++].site = node->site;
	}
	qsort(s->inst, s->ninst, sizeof(*s->inst), inst_cmp);
	return s;
}

void
expect_sites_free(struct expect_sites *s)
{
	if (s == NULL)
		return;
	free(s->client);
	free(s->inst);
	free(s);
}

const char *
expect_client_site(const struct expect_view *v, size_t c)
{
	const struct topo_node *node;

	if (v->sites != NULL && c < v->sites->nclients)
		return v->sites->client[c];
	node = v->topo != NULL ? topo_node_find(v->topo, v->clients[c].name) : NULL;
	return node != NULL ? node->site : "";
}

const char *
expect_instance_site(const struct expect_view *v, const char *inst)
{
	struct expect_site_inst key = { .identity = inst }, *hit;

	if (inst[0] == '\0')
		return "";
	if (v->sites != NULL) {
		hit = bsearch(&key, v->sites->inst, v->sites->ninst, sizeof(key), inst_cmp);
		return hit != NULL ? hit->site : "";
	}
	for (size_t i = 0; v->topo != NULL && i < v->topo->nnodes; i++) {
		const struct topo_node *node = &v->topo->nodes[i];
		const cJSON *id;

		if (node->dns == NULL)
			continue;
		id = cJSON_GetObjectItemCaseSensitive(node->dns, "identity");
		if (strcmp(cJSON_IsString(id) ? id->valuestring : node->name, inst) == 0)
			return node->site;
	}
	return "";
}

/* One item of a list, while it fits with room for the tail; else counted in more. */
static bool
list_put(struct textbuf *tb, const char *sep, const char *item, size_t *more)
{
	if (*more == 0 && tb->len + strlen(sep) + strlen(item) + LIST_TAIL < tb->size) {
		tb_sep(tb, sep);
		tb_puts(tb, item);
		return true;
	}
	(*more)++;
	return false;
}

static void
list_end(struct textbuf *tb, size_t more)
{
	if (more > 0)
		tb_printf(tb, " ... and %zu more", more);
}

bool
expect_about_clients(const struct scn_step *st)
{
	return st->kind != SCN_NEXTHOPS && st->kind != SCN_SESSION;
}

bool
expect_is_window(const struct scn_step *st)
{
	return st->kind == SCN_LOST || st->kind == SCN_NO_ANSWER || st->kind == SCN_STAYED;
}

size_t
expect_select(const struct expect_view *v, const struct scn_step *st, int64_t step_start, bool *sel,
    char *detail, size_t len)
{
	struct textbuf tb;
	size_t n = 0;

	for (size_t c = 0; c < v->nclients; c++) {
		char inst[SCN_INST_MAX];

		sel[c] = false;
		if (st->clients.n) {
			for (size_t k = 0; k < st->clients.n; k++)
				sel[c] |= strcmp(st->clients.names[k], v->clients[c].name) == 0;
		} else {
			sel[c] = true;
		}
		if (sel[c] && st->clients.of[0]) {
			meas_before(&v->logs[c], v->last_fault_us ? v->last_fault_us : step_start,
			    inst);
			sel[c] = strcmp(inst, st->clients.of) == 0;
		}
		if (sel[c] && st->clients.site[0]) {
			bool in = strcmp(expect_client_site(v, c), st->clients.site) == 0;

			sel[c] = st->clients.not_site ? !in : in;
		}
		n += sel[c];
	}
	if (n == 0) {
		tb_init(&tb, detail, len);
		if (st->clients.of[0])
			tb_printf(&tb, "no client was answered by %s%s", st->clients.of,
			    v->last_fault_us ? " before the fault" : " at this step");
		else if (st->clients.site[0])
			tb_printf(&tb, "no probed client %s site %s",
			    st->clients.not_site ? "outside" : "in", st->clients.site);
		else
			tb_puts(&tb, "no client selected");
		if (st->clients.of[0] && st->clients.site[0])
			tb_printf(&tb, " %s site %s", st->clients.not_site ? "outside" : "in",
			    st->clients.site);
	}
	return n;
}

void
expect_selection_names(const struct expect_view *v, const bool *sel, char *buf, size_t len)
{
	struct textbuf tb;
	size_t more = 0;

	tb_init(&tb, buf, len);
	for (size_t c = 0; c < v->nclients; c++)
		if (sel[c])
			list_put(&tb, ", ", v->clients[c].name, &more);
	list_end(&tb, more);
}

bool
expect_check(const struct expect_view *v, const struct scn_step *st, const bool *sel,
    int64_t since_us, char *detail, size_t len)
{
	switch (st->kind) {
	case SCN_ANSWERED:
		if ((st->min_pct && st->min_pct < 100) || st->by_site[0] || st->not_by_site[0] ||
		    st->by_own_site)
			return check_share(v, st, sel, since_us, detail, len);
		/* fall through */
	case SCN_INSTANCES:
		return check_answers(v, st, sel, since_us, detail, len);
	case SCN_NEXTHOPS:
		return check_nexthops(v, st, detail, len);
	case SCN_SESSION:
		return check_session(v, st, detail, len);
	default:
		snprintf(detail, len, "%s is not a polled expectation", scn_kind_names[st->kind]);
		return false;
	}
}

bool
expect_window(const struct expect_view *v, const struct scn_step *st, const bool *sel,
    const char *names, int64_t from_us, int64_t to_us, char *detail, size_t len)
{
	uint64_t answered = 0, lost = 0;
	struct textbuf tb;

	tb_init(&tb, detail, len);
	for (size_t c = 0; c < v->nclients; c++) {
		if (!sel[c])
			continue;
		answered += meas_answered(&v->logs[c], from_us, to_us);
		lost += meas_lost(&v->logs[c], from_us, to_us);
	}
	if (st->kind == SCN_STAYED)
		return window_stayed(v, st, sel, from_us, to_us, detail, len);
	if (st->kind == SCN_NO_ANSWER) {
		tb_printf(&tb, "%s: %" PRIu64 " answered, %" PRIu64 " lost in %.3f s", names,
		    answered, lost, (double)st->duration_ms / 1000.0);
		return answered == 0 && lost > 0;
	}
	tb_printf(&tb, "%s: %" PRIu64 " of %" PRIu64 " queries lost in %.3f s", names, lost,
	    lost + answered, (double)(to_us - from_us) / 1e6);
	/* "At most N lost" of no query at all says nothing: the probes did not run. */
	if (lost + answered == 0) {
		tb_puts(&tb, ": no query was answered or lost in the window, nothing to judge");
		return false;
	}
	if (st->lost_min >= 0 && lost < (uint64_t)st->lost_min)
		return false;
	if (st->lost_max >= 0 && lost > (uint64_t)st->lost_max)
		return false;
	return true;
}

/* Does client c's answer from inst satisfy every condition of an answered step? */
static bool
answer_good(const struct expect_view *v, const struct scn_step *st, size_t c, const char *inst)
{
	const char *own;

	if (st->by[0] && strcmp(inst, st->by) != 0)
		return false;
	if (st->not_by[0] && strcmp(inst, st->not_by) == 0)
		return false;
	if (st->by_site[0] && strcmp(expect_instance_site(v, inst), st->by_site) != 0)
		return false;
	if (st->not_by_site[0] && strcmp(expect_instance_site(v, inst), st->not_by_site) == 0)
		return false;
	/* A client with no site has no own site to be answered by. */
	if (st->by_own_site &&
	    ((own = expect_client_site(v, c))[0] == '\0' ||
		strcmp(expect_instance_site(v, inst), own) != 0))
		return false;
	return true;
}

/* answered / instances: the latest answer of each selected client. */
static bool
check_answers(const struct expect_view *v, const struct scn_step *st, const bool *sel,
    int64_t since, char *detail, size_t len)
{
	char(*got)[SCN_INST_MAX] = emu_calloc(v->nclients ? v->nclients : 1, sizeof(*got));
	char item[TOPO_NAME_MAX + SCN_INST_MAX + 16];
	struct textbuf tb;
	size_t more = 0;
	bool ok = true;

	tb_init(&tb, detail, len);
	for (size_t c = 0; c < v->nclients; c++) {
		if (!sel[c])
			continue;
		if (!meas_latest(&v->logs[c], since, got[c])) {
			ok = false;
			snprintf(item, sizeof(item), "%s: no answer", v->clients[c].name);
			list_put(&tb, "; ", item, &more);
			continue;
		}
		if (st->kind == SCN_ANSWERED) {
			bool good = st->by[0] ? strcmp(got[c], st->by) == 0 :
						strcmp(got[c], st->not_by) != 0;

			ok &= good;
		}
		snprintf(item, sizeof(item), "%s: %s", v->clients[c].name, got[c]);
		list_put(&tb, "; ", item, &more);
	}
	list_end(&tb, more);
	if (ok && st->kind == SCN_INSTANCES) {
		/* The set of latest instances equals the expected set. */
		for (size_t k = 0; k < st->nset && ok; k++) {
			bool found = false;

			for (size_t c = 0; c < v->nclients; c++)
				found |= sel[c] && strcmp(got[c], st->set[k]) == 0;
			ok = found;
		}
		for (size_t c = 0; c < v->nclients && ok; c++) {
			bool found = false;

			if (!sel[c])
				continue;
			for (size_t k = 0; k < st->nset; k++)
				found |= strcmp(got[c], st->set[k]) == 0;
			ok = found;
		}
	}
	free(got);
	return ok;
}

/*
 * answered with a share (min_pct) or a site condition, the kind written
 * for labs of many clients: how many of the selected clients' latest
 * answers satisfy every condition, and the clients that do not.
 */
static bool
check_share(const struct expect_view *v, const struct scn_step *st, const bool *sel, int64_t since,
    char *detail, size_t len)
{
	unsigned min_pct = st->min_pct ? st->min_pct : 100;
	char got[SCN_INST_MAX], item[TOPO_NAME_MAX + SCN_INST_MAX + 16];
	size_t nsel = 0, ngood = 0, more = 0;
	bool first = true;
	struct textbuf tb;
	bool ok;

	for (size_t c = 0; c < v->nclients; c++) {
		if (!sel[c])
			continue;
		nsel++;
		ngood += meas_latest(&v->logs[c], since, got) && answer_good(v, st, c, got);
	}
	/* At least min_pct of the selected clients. */
	ok = ngood * 100 >= (size_t)min_pct * nsel;
	tb_init(&tb, detail, len);
	tb_printf(&tb, "%zu of %zu clients as expected (%u %% needed)", ngood, nsel, min_pct);
	if (ngood < nsel)
		tb_puts(&tb, "; not:");
	for (size_t c = 0; c < v->nclients && ngood < nsel; c++) {
		if (!sel[c])
			continue;
		if (!meas_latest(&v->logs[c], since, got))
			snprintf(item, sizeof(item), "%s: no answer", v->clients[c].name);
		else if (!answer_good(v, st, c, got))
			snprintf(item, sizeof(item), "%s: %s", v->clients[c].name, got);
		else
			continue;
		list_put(&tb, first ? " " : "; ", item, &more);
		first = false;
	}
	list_end(&tb, more);
	return ok;
}

/*
 * A client's first answer to a query sent in [from, to) from an instance
 * other than before; NULL when it has none.
 */
static const struct probe_rec *
first_move(const struct probe_log *l, int64_t from_us, int64_t to_us, const char *before)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct probe_rec *r = &l->recs[i];

		if (r->sent_us >= from_us && r->sent_us < to_us && r->status == PROBE_OK &&
		    strcmp(r->inst, before) != 0)
			return r;
	}
	return NULL;
}

/*
 * stayed: a client moved when a query it sent in [from, to) was answered
 * by an instance other than the one of its last answer before from. A
 * client with no answer before from cannot move (it is counted apart).
 */
static bool
window_stayed(const struct expect_view *v, const struct scn_step *st, const bool *sel,
    int64_t from_us, int64_t to_us, char *detail, size_t len)
{
	/* Per client its first move (NULL: none) and the instance it moved from. */
	const struct probe_rec **move = emu_calloc(v->nclients ? v->nclients : 1, sizeof(*move));
	char(*before)[SCN_INST_MAX] = emu_calloc(v->nclients ? v->nclients : 1, sizeof(*before));
	size_t nsel = 0, moved = 0, unknown = 0, more = 0, listed = 0;
	struct textbuf tb;
	bool ok = true;

	for (size_t c = 0; c < v->nclients; c++) {
		if (!sel[c])
			continue;
		nsel++;
		meas_before(&v->logs[c], from_us, before[c]);
		if (before[c][0] == '\0')
			unknown++;
		else if ((move[c] = first_move(&v->logs[c], from_us, to_us, before[c])) != NULL)
			moved++;
	}
	if (st->stayed_max >= 0 && moved > (uint64_t)st->stayed_max)
		ok = false;
	if (st->stayed_max_pct >= 0 && moved * 100 > (uint64_t)st->stayed_max_pct * nsel)
		ok = false;
	tb_init(&tb, detail, len);
	tb_printf(&tb, "%zu of %zu clients moved in %.3f s", moved, nsel,
	    (double)(to_us - from_us) / 1e6);
	if (unknown)
		tb_printf(&tb, " (%zu had no answer before it)", unknown);
	if (moved)
		tb_puts(&tb, ":");
	for (size_t c = 0; c < v->nclients; c++) {
		char item[TOPO_NAME_MAX + 2 * SCN_INST_MAX + 8];

		if (move[c] == NULL)
			continue;
		snprintf(item, sizeof(item), " %s %s -> %s", v->clients[c].name, before[c],
		    move[c]->inst);
		list_put(&tb, listed++ ? ";" : "", item, &more);
	}
	list_end(&tb, more);
	free(move);
	free(before);
	return ok;
}

/* nexthops: the node's main-table route to the prefix. */
static bool
check_nexthops(const struct expect_view *v, const struct scn_step *st, char *detail, size_t len)
{
	char pb[PREFIX_STRLEN], ns[LAB_NS_MAX];
	struct textbuf tb;
	struct kn_ns k;
	int count = -1, err;

	tb_init(&tb, detail, len);
	prefix_ntop(&st->prefix, pb, sizeof(pb));
	err = kn_ns_open(&k, lab_ns_name(v->lab, st->node, ns, sizeof(ns)));
	if (err == 0) {
		err = kn_route_nexthops(&k, &st->prefix, &count);
		kn_ns_close(&k);
	}
	if (err < 0) {
		tb_printf(&tb, "cannot read %s's routes: %s", st->node, emu_strerror(err));
		return false;
	}
	if (count < 0)
		tb_printf(&tb, "%s has no route to %s", st->node, pb);
	else
		tb_printf(&tb, "%s: %s has %d next hop%s", st->node, pb, count,
		    count == 1 ? "" : "s");
	return (count < 0 ? 0 : count) == (int)st->count;
}

/* The peer's state from the speaker's `peers` (nodes/bgp/control.c). */
static bool
check_session(const struct expect_view *r, const struct scn_step *st, char *detail, size_t len)
{
	char ab[IPADDR_STRLEN];
	const char *state = NULL;
	const cJSON *peers, *p;
	struct kind_node k;
	cJSON *j = NULL;
	bool ok;
	int e;

	ipaddr_ntop(&st->peer, ab, sizeof(ab));
	e = kind_node_find(r->lab, r->topo, st->node, "bgp", &k);
	if (e == 0)
		e = k.kind->bgp_peers(&k, &j);
	if (e < 0) {
		snprintf(detail, len, "%s's speaker does not answer: %s", st->node,
		    emu_strerror(e));
		cJSON_Delete(j);
		return false;
	}
	peers = cJSON_GetObjectItem(j, "peers");
	cJSON_ArrayForEach(p, peers) {
		const cJSON *a = cJSON_GetObjectItem(p, "address");
		const cJSON *s = cJSON_GetObjectItem(p, "state");
		struct ipaddr addr;

		if (cJSON_IsString(a) && cJSON_IsString(s) &&
		    ipaddr_parse(a->valuestring, &addr) == 0 && ipaddr_eq(&addr, &st->peer))
			state = s->valuestring;
	}
	if (state == NULL) {
		snprintf(detail, len, "%s has no peer %s", st->node, ab);
		ok = st->state == SCN_SS_DOWN;
	} else {
		snprintf(detail, len, "%s: session to %s %s", st->node, ab, state);
		if (st->state == SCN_SS_DOWN)
			ok = strcasecmp(state, "established") != 0;
		else
			ok = strcasecmp(state, scn_session_state_names[st->state]) == 0;
	}
	cJSON_Delete(j);
	return ok;
}

/*
 * status (lab.h): a running lab read back from the kernel, namespace by
 * namespace (interfaces, addresses, main-table routes through kn_dump),
 * with the record's daemons (each service's latest process, its state and
 * how many times it was started again) and captures, and
 * what each link's kind says about its interfaces (links/link.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anylab.h"
#include "daemon.h"
#include "kind.h"
#include "lab.h"
#include "link.h"
#include "netlink.h"
#include "netns.h"
#include "proc.h"
#include "state.h"

static cJSON *
lab_status_ns(const char *nsname)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *ifaces, *routes;
	struct kn_ns ns;
	int err;

	cJSON_AddStringToObject(o, "netns", nsname);
	err = kn_ns_open(&ns, nsname);
	if (err < 0) {
		cJSON_AddStringToObject(o, "error", emu_strerror(err));
		return o;
	}
	ifaces = cJSON_AddArrayToObject(o, "interfaces");
	routes = cJSON_AddArrayToObject(o, "routes");
	err = kn_dump(&ns, ifaces, routes);
	if (err < 0)
		cJSON_AddStringToObject(o, "error", emu_strerror(err));
	kn_ns_close(&ns);
	return o;
}

/*
 * The record's daemon and capture lines grouped by node, each node's in
 * record order: status finds a node's lines without reading the whole
 * record again for every node (a 10,000-node lab has thousands of lines).
 */
struct lab_status_lines {
	const struct state_entry **e;
	size_t n;
};

static int
lab_status_line_cmp(const void *a, const void *b)
{
	const struct state_entry *x = *(const struct state_entry *const *)a;
	const struct state_entry *y = *(const struct state_entry *const *)b;
	int c = strcmp(x->node, y->node);

	return c != 0 ? c : x < y ? -1 : x > y;
}

static int
lab_status_lines_make(const struct state *st, struct lab_status_lines *l)
{
	l->n = 0;
	l->e = calloc(st->nentries ? st->nentries : 1, sizeof(*l->e));
	if (l->e == NULL)
		return -ENOMEM;
	for (size_t k = 0; k < st->nentries; k++) {
		if (st->entries[k].kind == STATE_DAEMON || st->entries[k].kind == STATE_CAPTURE)
			l->e[l->n++] = &st->entries[k];
	}
	qsort(l->e, l->n, sizeof(*l->e), lab_status_line_cmp);
	return 0;
}

/* The node's lines: *count of them from the returned position in l->e. */
static size_t
lab_status_lines_of(const struct lab_status_lines *l, const char *node, size_t *count)
{
	size_t lo = 0, hi = l->n, first;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(l->e[mid]->node, node) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < l->n && strcmp(l->e[lo]->node, node) == 0)
		lo++;
	*count = lo - first;
	return first;
}

/*
 * The node's daemons as they are now (one per service: its latest process,
 * with how many times it was started again) and its captures, from its
 * record lines e[0..count) in record order.
 */
static void
lab_status_procs(const char *lab, const struct topology *t, const struct topo_node *node_t,
    const struct state_entry *const *lines, size_t count, cJSON *n)
{
	const char *node = node_t->name;
	char dir[ANYLAB_PATH_MAX], path[ANYLAB_PATH_MAX + 64], svc[sizeof(lines[0]->service)];
	cJSON *ds, *d, *caps = NULL;
	struct kind_node kn;
	enum proc_state ps;
	int restarts;

	ds = cJSON_AddArrayToObject(n, "daemons");
	for (size_t k = 0; k < count; k++) {
		const struct state_entry *e = lines[k];
		bool first = true;

		if (e->kind != STATE_DAEMON)
			continue;
		/* In the order the services were first started; each as it is now. */
		for (size_t j = 0; j < k && first; j++)
			first = !(lines[j]->kind == STATE_DAEMON &&
			    strcmp(lines[j]->service, e->service) == 0);
		if (!first)
			continue;
		restarts = 0;
		for (size_t j = k + 1; j < count; j++) {
			if (lines[j]->kind == STATE_DAEMON &&
			    strcmp(lines[j]->service, lines[k]->service) == 0) {
				e = lines[j]; /* a restart appends a line */
				restarts++;
			}
		}
		kn.kind = NULL;
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "service", e->service);
		/* "bgp.zebra" is a helper process of the bgp daemon: the same kind. */
		snprintf(svc, sizeof(svc), "%.*s", (int)strcspn(e->service, "."), e->service);
		if (kind_node_get(lab, t, node_t, svc, &kn) == 0)
			cJSON_AddStringToObject(d, "kind", kn.kind->name);
		cJSON_AddNumberToObject(d, "pid", e->pid);
		ps = proc_state(e->pid, e->starttime);
		cJSON_AddBoolToObject(d, "running",
		    ps == PROC_STATE_RUNNING || ps == PROC_STATE_STOPPED);
		cJSON_AddStringToObject(d, "state", proc_state_names[ps]);
		cJSON_AddNumberToObject(d, "restarts", restarts);
		if (kn.kind != NULL && kn.kind->package == NULL && kn.role != KIND_SERVICE) {
			/* anylab's own daemons answer on SERVICE.ctl */
			snprintf(path, sizeof(path), "%s/%s.ctl",
			    state_node_dir(lab, node, dir, sizeof(dir)), e->service);
			cJSON_AddStringToObject(d, "control", path);
		}
		cJSON_AddItemToArray(ds, d);
	}
	for (size_t k = 0; k < count; k++) {
		const struct state_entry *e = lines[k];

		if (e->kind != STATE_CAPTURE)
			continue;
		if (caps == NULL)
			caps = cJSON_AddArrayToObject(n, "captures");
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "pid", e->pid);
		cJSON_AddBoolToObject(d, "running", state_proc_running(e));
		cJSON_AddItemToArray(caps, d);
	}
}

int
lab_status(const char *lab, cJSON **out)
{
	char name[LAB_NS_MAX];
	struct topology *t = NULL;
	struct lab_status_lines lines;
	struct link_status_index ix;
	struct state st;
	cJSON *doc, *nodes, *n;
	size_t first, count;
	int err;

	*out = NULL;
	err = state_open(lab, &st);
	if (err < 0)
		return err;
	err = lab_topology(lab, &t);
	if (err < 0) {
		state_close(&st);
		return err;
	}
	err = lab_status_lines_make(&st, &lines);
	if (err < 0) {
		topo_free(t);
		state_close(&st);
		return err;
	}
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "lab", lab);
	cJSON_AddStringToObject(doc, "state", st.complete ? "up" : "incomplete");
	cJSON_AddStringToObject(doc, "record", st.dir);
	nodes = cJSON_AddArrayToObject(doc, "nodes");
	for (size_t i = 0; i < t->nnodes; i++) {
		n = lab_status_ns(lab_ns_name(lab, t->nodes[i].name, name, sizeof(name)));
		cJSON_AddItemToObject(n, "name", cJSON_CreateString(t->nodes[i].name));
		first = lab_status_lines_of(&lines, t->nodes[i].name, &count);
		lab_status_procs(lab, t, &t->nodes[i], lines.e + first, count, n);
		cJSON_AddItemToArray(nodes, n);
	}
	if (netns_exists(lab_switch_ns_name(lab, name, sizeof(name))))
		cJSON_AddItemToObject(doc, "switch", lab_status_ns(name));
	err = link_status_index_make(&ix, t, doc);
	for (size_t l = 0; err == 0 && l < t->nlinks; l++) {
		const struct link_ref r = { t, lab, l, 0, &ix };

		if (t->links[l].nends >= 2)
			link_kind_of(&t->links[l])->status(&r, doc);
	}
	link_status_index_free(&ix);
	free(lines.e);
	topo_free(t);
	state_close(&st);
	if (err < 0) {
		cJSON_Delete(doc);
		return err;
	}
	*out = doc;
	return 0;
}

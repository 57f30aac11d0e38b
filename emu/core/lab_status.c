/*
 * status (lab.h): a running lab read back from the kernel, namespace by
 * namespace (interfaces, addresses, main-table routes through kn_dump),
 * with the record's daemons (each service's latest process, its state and
 * how many times it was started again) and captures, and
 * what each link's kind says about its interfaces (links/link.h).
 */
#include <stdio.h>
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
 * The latest record line of the service whose first line is `first` (a
 * restart appends a line), and in *restarts how many lines came after
 * `first`. NULL when `first` is not the service's first line.
 */
static const struct state_entry *
lab_status_latest(const struct state *st, size_t first, int *restarts)
{
	const struct state_entry *f = &st->entries[first], *latest = f;

	*restarts = 0;
	for (size_t k = 0; k < st->nentries; k++) {
		const struct state_entry *e = &st->entries[k];

		if (k == first || e->kind != STATE_DAEMON || strcmp(e->node, f->node) != 0 ||
		    strcmp(e->service, f->service) != 0)
			continue;
		if (k < first)
			return NULL;
		latest = e;
		(*restarts)++;
	}
	return latest;
}

/*
 * The node's daemons as they are now (one per service: its latest process,
 * with how many times it was started again) and its captures, from the
 * record.
 */
static void
lab_status_procs(const char *lab, const struct state *st, const struct topology *t,
    const struct topo_node *node_t, cJSON *n)
{
	const char *node = node_t->name;
	char dir[ANYLAB_PATH_MAX], path[ANYLAB_PATH_MAX + 64], svc[sizeof(st->entries[0].service)];
	cJSON *ds, *d, *caps = NULL;
	struct kind_node kn;
	enum proc_state ps;
	int restarts;

	ds = cJSON_AddArrayToObject(n, "daemons");
	for (size_t k = 0; k < st->nentries; k++) {
		const struct state_entry *e = &st->entries[k];

		if (e->kind != STATE_DAEMON || strcmp(e->node, node) != 0)
			continue;
		/* In the order the services were first started; each as it is now. */
		e = lab_status_latest(st, k, &restarts);
		if (e == NULL)
			continue;
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
			    state_node_dir(lab, e->node, dir, sizeof(dir)), e->service);
			cJSON_AddStringToObject(d, "control", path);
		}
		cJSON_AddItemToArray(ds, d);
	}
	for (size_t k = 0; k < st->nentries; k++) {
		const struct state_entry *e = &st->entries[k];

		if (e->kind != STATE_CAPTURE || strcmp(e->node, node) != 0)
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
	struct state st;
	cJSON *doc, *nodes, *n;
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
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "lab", lab);
	cJSON_AddStringToObject(doc, "state", st.complete ? "up" : "incomplete");
	cJSON_AddStringToObject(doc, "record", st.dir);
	nodes = cJSON_AddArrayToObject(doc, "nodes");
	for (size_t i = 0; i < t->nnodes; i++) {
		n = lab_status_ns(lab_ns_name(lab, t->nodes[i].name, name, sizeof(name)));
		cJSON_AddItemToObject(n, "name", cJSON_CreateString(t->nodes[i].name));
		lab_status_procs(lab, &st, t, &t->nodes[i], n);
		cJSON_AddItemToArray(nodes, n);
	}
	if (netns_exists(lab_switch_ns_name(lab, name, sizeof(name))))
		cJSON_AddItemToObject(doc, "switch", lab_status_ns(name));
	for (size_t l = 0; l < t->nlinks; l++) {
		const struct link_ref r = { t, lab, l, 0 };

		if (t->links[l].nends >= 2)
			link_kind_of(&t->links[l])->status(&r, doc);
	}
	topo_free(t);
	state_close(&st);
	*out = doc;
	return 0;
}

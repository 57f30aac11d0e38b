/*
 * Which interfaces of a lab to capture, and the captures of `up --capture`
 * (lab.h): a spec (NODE:IFACE, NODE, LINK) or a whole lab turned into
 * capture targets, a link's through its kind (link.h); one capture process
 * per node started by up, recorded before it opens anything, and stopped
 * by down. The capturing itself is kernel/capture.c, which knows nothing
 * of labs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anylab.h"
#include "capture.h"
#include "lab_internal.h"
#include "lab_node.h"
#include "link.h"
#include "proc.h"

static struct capture_target *
lab_capture_grow(struct capture_target **v, size_t *n, size_t more)
{
	struct capture_target *p = reallocarray(*v, *n + more, sizeof(**v));

	if (p == NULL)
		return NULL;
	*v = p;
	memset(&p[*n], 0, more * sizeof(p[*n]));
	*n += more;
	return &p[*n - more];
}

static int
lab_capture_iface(const char *lab, const struct topo_node *n, const struct topo_iface *i,
    struct capture_target **v, size_t *cnt)
{
	struct capture_target *t = lab_capture_grow(v, cnt, 1);

	if (t == NULL)
		return -ENOMEM;
	lab_ns_name(lab, n->name, t->netns, sizeof(t->netns));
	snprintf(t->iface, sizeof(t->iface), "%s", i->name);
	snprintf(t->what, sizeof(t->what), "%s:%s", n->name, i->name);
	return 0;
}

static int
lab_capture_link(const char *lab, const struct topology *topo, const struct topo_link *l,
    struct capture_target **v, size_t *cnt)
{
	const struct link_ref r = { topo, lab, (size_t)(l - topo->links), 0, NULL };
	struct capture_target *room = lab_capture_grow(v, cnt, l->nends);

	if (room == NULL)
		return -ENOMEM;
	*cnt -= l->nends - link_kind_of(l)->capture(&r, room);
	return 0;
}

int
lab_capture_targets(const char *lab, const struct topology *topo, const char *spec,
    struct capture_target **out, char *err, size_t errlen)
{
	const struct topo_node *node;
	const struct topo_link *link;
	struct capture_target *v = NULL;
	size_t n = 0;
	int e = 0;

	*out = NULL;
	if (strchr(spec, ':') != NULL) {
		struct topo_endpoint ep;

		if (topo_endpoint_find(topo, spec, &ep) < 0) {
			snprintf(err, errlen, "%s: no such NODE:IFACE in lab %s", spec, lab);
			return EMU_EARG;
		}
		e = lab_capture_iface(lab, ep.node, ep.iface, &v, &n);
	} else if ((node = topo_node_find(topo, spec)) != NULL) {
		for (size_t i = 0; e == 0 && i < node->nifaces; i++)
			e = lab_capture_iface(lab, node, &node->ifaces[i], &v, &n);
		if (e == 0 && n == 0) {
			snprintf(err, errlen, "node %s has no interfaces to capture on", spec);
			return EMU_EARG;
		}
	} else if ((link = topo_link_find(topo, spec)) != NULL) {
		e = lab_capture_link(lab, topo, link, &v, &n);
	} else {
		snprintf(err, errlen, "%s: neither NODE:IFACE, a node nor a link of lab %s", spec,
		    lab);
		return EMU_EARG;
	}
	if (e < 0) {
		free(v);
		snprintf(err, errlen, "%s", emu_strerror(e));
		return e;
	}
	*out = v;
	return (int)n;
}

/* Made by up: the interface is an end of a link that has two or more ends. */
static bool
lab_capture_iface_exists(const struct topo_iface *i)
{
	return i->link != NULL && i->link->nends >= 2;
}

/* Every interface of the node that up made, each into DIR/LAB-NODE-IFACE.pcap. */
static int
lab_capture_node_files(const char *lab, const struct topo_node *node, const char *dir,
    struct capture_target **v, size_t *n)
{
	for (size_t k = 0; k < node->nifaces; k++) {
		int e;

		if (!lab_capture_iface_exists(&node->ifaces[k]))
			continue;
		e = lab_capture_iface(lab, node, &node->ifaces[k], v, n);
		if (e < 0)
			return e;
		snprintf((*v)[*n - 1].file, sizeof((*v)[*n - 1].file), "%s/%s-%s.pcap", dir,
		    (*v)[*n - 1].netns, node->ifaces[k].name);
	}
	return 0;
}

int
lab_capture_targets_all(const char *lab, const struct topology *topo, const char *dir,
    struct capture_target **out, char *err, size_t errlen)
{
	struct capture_target *v = NULL;
	size_t n = 0;
	int e;

	for (size_t i = 0; i < topo->nnodes; i++) {
		e = lab_capture_node_files(lab, &topo->nodes[i], dir, &v, &n);
		if (e < 0) {
			free(v);
			snprintf(err, errlen, "%s", emu_strerror(e));
			return e;
		}
	}
	*out = v;
	return (int)n;
}

struct lab_capture_rec {
	struct lab_build *b;
	const char *node;
};

/* Called by capture_start between fork and the child's start. */
static int
lab_record_capture(pid_t pid, void *arg)
{
	struct lab_capture_rec *r = arg;
	int err = state_add_capture(&r->b->st, r->node, pid, state_proc_starttime(pid));

	if (err < 0)
		emu_err("%s/record: %s", r->b->st.dir, strerror(-err));
	return err;
}

/*
 * up --capture DIR: one capture child per node, writing each of its
 * interfaces to DIR/LAB-NODE-IFACE.pcap, recorded before it starts, running
 * until down. Its own messages go to nodes/NODE/capture.out. 0 or a
 * negative emu error (said).
 */
int
lab_start_captures(struct lab_build *b, const char *dir)
{
	struct topology *t = b->t;
	char out[ANYLAB_PATH_MAX + 16], ndir[ANYLAB_PATH_MAX], err[512];
	struct capture_target *tg = NULL;
	struct lab_capture_rec rec = { .b = b };
	struct capture_opts o = {
		.detach = true,
		.output = out,
		.record = lab_record_capture,
		.record_arg = &rec,
	};
	size_t n;
	pid_t pid;
	int e;

	for (size_t i = 0; i < t->nnodes; i++) {
		if (lab_interrupted)
			return -EINTR;
		n = 0;
		e = lab_capture_node_files(b->lab, &t->nodes[i], dir, &tg, &n);
		if (e < 0) {
			emu_err("%s: %s", t->nodes[i].name, emu_strerror(e));
			goto out_free;
		}
		if (n == 0)
			continue;
		e = lab_node_dir_make(b->lab, t->nodes[i].name, ndir, sizeof(ndir));
		if (e < 0) {
			emu_err("%s: %s", ndir, strerror(-e));
			goto out_free;
		}
		snprintf(out, sizeof(out), "%s/capture.out", ndir);
		rec.node = t->nodes[i].name;
		pid = capture_start(tg, n, &o, err, sizeof(err));
		if (pid < 0) {
			emu_err("%s: %s", t->nodes[i].name, err);
			e = (int)pid;
			goto out_free;
		}
		b->res->captures += n;
		emu_progress("nodes captured", i + 1, t->nnodes);
	}
	e = 0;
out_free:
	free(tg);
	return e;
}

struct lab_capture_set {
	const struct state_entry **entries;
};

static bool
lab_capture_alive(size_t i, void *arg)
{
	const struct lab_capture_set *s = arg;

	return state_proc_running(s->entries[i]);
}

int
lab_stop_captures(const struct state *st, int grace_ms)
{
	struct lab_capture_set s;
	pid_t *pids;
	size_t n = 0;
	int killed;

	s.entries = calloc(st->nentries ? st->nentries : 1, sizeof(*s.entries));
	pids = calloc(st->nentries ? st->nentries : 1, sizeof(*pids));
	if (s.entries == NULL || pids == NULL) {
		killed = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < st->nentries; i++) {
		if (st->entries[i].kind != STATE_CAPTURE)
			continue;
		s.entries[n] = &st->entries[i];
		pids[n++] = st->entries[i].pid;
	}
	killed = proc_stop(pids, n, grace_ms, lab_capture_alive, &s, NULL);
out:
	free(s.entries);
	free(pids);
	return killed;
}

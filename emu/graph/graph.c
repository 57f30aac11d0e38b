/*
 * The picture model of anylab graph from a topology alone: each node's
 * role (given, or inferred as graph.h says), which nodes are anycast
 * instances, and the BGP sessions: every entry of a node's bgp.peers is
 * drawn to the node that holds its address, and the two entries of one
 * session (A's for B's address, B's for A's) are paired into one edge,
 * preferring the pair whose addresses share a link (two tunnels between
 * the same routers are two sessions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cJSON.h>

#include "anylab.h"
#include "graph.h"

const char *const graph_state_names[GRAPH_STATE_MAX] = {
	[GRAPH_CONFIGURED] = "configured",
	[GRAPH_UP] = "up",
	[GRAPH_DOWN] = "down",
	[GRAPH_UNKNOWN] = "unknown",
};

/* One bgp.peers entry, before pairing. */
struct peer_entry {
	const struct topo_node *from, *to;
	const struct topo_iface *to_iface; /* NULL when the address is on to's loopback */
	struct ipaddr addr;
	uint32_t asn, from_asn;
	bool paired;
};

static enum topo_role graph_infer_role(const struct topo_node *);
static bool graph_shares_loopback(const struct topology *, const struct topo_node *);
static const struct topo_node *graph_holder(const struct topology *, const struct topo_node *skip,
    const struct ipaddr *, const struct topo_iface **iface);
static size_t graph_peer_entries(const struct topology *, struct peer_entry **out);
static void graph_pair_sessions(struct graph *, struct peer_entry *, size_t n);

static enum topo_role
graph_infer_role(const struct topo_node *n)
{
	if (n->role != TOPO_ROLE_AUTO)
		return n->role;
	if (n->dns != NULL)
		return TOPO_ROLE_DNS;
	if (n->forwarding)
		return TOPO_ROLE_ROUTER;
	if (n->bgp != NULL)
		return TOPO_ROLE_ROUTE_SERVER;
	if (n->nresolvers > 0)
		return TOPO_ROLE_CLIENT;
	return TOPO_ROLE_HOST;
}

static bool
graph_shares_loopback(const struct topology *t, const struct topo_node *n)
{
	for (size_t i = 0; i < n->nloopback; i++)
		for (size_t j = 0; j < t->nnodes; j++) {
			const struct topo_node *o = &t->nodes[j];

			if (o == n)
				continue;
			for (size_t k = 0; k < o->nloopback; k++)
				if (ipaddr_eq(&o->loopback[k].addr, &n->loopback[i].addr))
					return true;
		}
	return false;
}

/* The node (other than skip) holding addr on an interface, else on its loopback. */
static const struct topo_node *
graph_holder(const struct topology *t, const struct topo_node *skip, const struct ipaddr *addr,
    const struct topo_iface **iface)
{
	*iface = NULL;
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		for (size_t f = 0; n != skip && f < n->nifaces; f++)
			for (size_t a = 0; a < n->ifaces[f].naddrs; a++)
				if (ipaddr_eq(&n->ifaces[f].addrs[a].addr, addr)) {
					*iface = &n->ifaces[f];
					return n;
				}
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		for (size_t a = 0; n != skip && a < n->nloopback; a++)
			if (ipaddr_eq(&n->loopback[a].addr, addr))
				return n;
	}
	return NULL;
}

static uint32_t
graph_json_asn(const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItem(o, "asn");

	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (uint32_t)v->valuedouble : 0;
}

/* Every bgp.peers entry of every node with an address that parses. */
static size_t
graph_peer_entries(const struct topology *t, struct peer_entry **out)
{
	struct peer_entry *e;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].bgp != NULL)
			cap += (size_t)cJSON_GetArraySize(
			    cJSON_GetObjectItem(t->nodes[i].bgp, "peers"));
	e = emu_calloc(cap ? cap : 1, sizeof(*e));
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct topo_node *node = &t->nodes[i];
		const cJSON *p;

		if (node->bgp == NULL)
			continue;
		cJSON_ArrayForEach(p, cJSON_GetObjectItem(node->bgp, "peers")) {
			const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(p, "address"));
			struct ipaddr addr;

			if (a == NULL || ipaddr_parse(a, &addr) < 0 || n == cap)
				continue;
			memset(&e[n], 0, sizeof(e[n]));
			e[n].from = node;
			e[n].addr = addr;
			e[n].asn = graph_json_asn(p);
			e[n].from_asn = graph_json_asn(node->bgp);
			e[n].to = graph_holder(t, node, &addr, &e[n].to_iface);
			n++;
		}
	}
	*out = e;
	return n;
}

/* The iface of n holding addr, or NULL. */
static const struct topo_iface *
graph_iface_with(const struct topo_node *n, const struct ipaddr *addr)
{
	for (size_t f = 0; f < n->nifaces; f++)
		for (size_t a = 0; a < n->ifaces[f].naddrs; a++)
			if (ipaddr_eq(&n->ifaces[f].addrs[a].addr, addr))
				return &n->ifaces[f];
	return NULL;
}

static void
graph_pair_sessions(struct graph *g, struct peer_entry *e, size_t n)
{
	g->sessions = emu_calloc(n ? n : 1, sizeof(*g->sessions));
	for (size_t i = 0; i < n; i++) {
		struct graph_session *s;
		struct peer_entry *back = NULL;

		if (e[i].paired)
			continue;
		e[i].paired = true;
		/* b's entry back to a: its address on a; the same link first. */
		for (size_t j = 0; e[i].to != NULL && j < n; j++) {
			const struct topo_iface *on_a;

			if (e[j].paired || e[j].from != e[i].to || e[j].to != e[i].from)
				continue;
			on_a = graph_iface_with(e[i].from, &e[j].addr);
			if (back == NULL)
				back = &e[j];
			if (on_a != NULL && e[i].to_iface != NULL && on_a->link != NULL &&
			    on_a->link == e[i].to_iface->link) {
				back = &e[j];
				break;
			}
		}
		s = &g->sessions[g->nsessions++];
		s->a = e[i].from;
		s->b = e[i].to;
		s->a_asn = e[i].from_asn;
		s->b_asn = e[i].asn;
		ipaddr_ntop(&e[i].addr, s->b_addr, sizeof(s->b_addr));
		if (e[i].to_iface != NULL)
			s->link = e[i].to_iface->link;
		if (back != NULL) {
			const struct topo_iface *on_a = graph_iface_with(e[i].from, &back->addr);

			back->paired = true;
			ipaddr_ntop(&back->addr, s->a_addr, sizeof(s->a_addr));
			if (s->link != NULL && (on_a == NULL || on_a->link != s->link))
				s->link = NULL;
		}
		s->state = GRAPH_CONFIGURED;
	}
}

void
graph_build(struct graph *g, const struct topology *t)
{
	struct peer_entry *e;
	size_t n;

	memset(g, 0, sizeof(*g));
	g->topo = t;
	g->roles = emu_calloc(t->nnodes ? t->nnodes : 1, sizeof(*g->roles));
	g->anycast = emu_calloc(t->nnodes ? t->nnodes : 1, sizeof(*g->anycast));
	for (size_t i = 0; i < t->nnodes; i++) {
		g->roles[i] = graph_infer_role(&t->nodes[i]);
		g->anycast[i] = graph_shares_loopback(t, &t->nodes[i]);
	}
	n = graph_peer_entries(t, &e);
	graph_pair_sessions(g, e, n);
	free(e);
	snprintf(g->lab, sizeof(g->lab), "%s", t->name);
}

void
graph_free(struct graph *g)
{
	free(g->roles);
	free(g->anycast);
	free(g->sessions);
	free(g->reach);
	memset(g, 0, sizeof(*g));
}

enum topo_role
graph_role(const struct graph *g, size_t i)
{
	return g->roles[i];
}

/* Does a TXT record of the node's dns zones have data equal to answer? */
static bool
graph_dns_has_txt(const struct topo_node *n, const char *answer)
{
	const cJSON *z, *r;

	cJSON_ArrayForEach(z, cJSON_GetObjectItem(n->dns, "zones")) {
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(z, "records")) {
			const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(r, "type"));
			const cJSON *d = cJSON_GetObjectItem(r, "data");

			if (type == NULL || strcasecmp(type, "TXT") != 0)
				continue;
			if (cJSON_IsString(d) && strcmp(d->valuestring, answer) == 0)
				return true;
			if (cJSON_IsArray(d) && cJSON_GetArraySize(d) == 1 &&
			    cJSON_IsString(d->child) && strcmp(d->child->valuestring, answer) == 0)
				return true;
		}
	}
	return false;
}

const struct topo_node *
graph_instance_of(const struct topology *t, const char *answer)
{
	if (answer == NULL || answer[0] == '\0')
		return NULL;
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].dns != NULL && graph_dns_has_txt(&t->nodes[i], answer))
			return &t->nodes[i];
	for (size_t i = 0; i < t->nnodes; i++) {
		const char *id;

		if (t->nodes[i].dns == NULL)
			continue;
		id = cJSON_GetStringValue(cJSON_GetObjectItem(t->nodes[i].dns, "identity"));
		if (id != NULL && strcasecmp(id, answer) == 0)
			return &t->nodes[i];
	}
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].dns != NULL && strcasecmp(t->nodes[i].name, answer) == 0)
			return &t->nodes[i];
	return NULL;
}

const char *
graph_link_kind(const struct topology *t, const struct topo_link *l)
{
	const cJSON *links = cJSON_GetObjectItem(t->root, "links"), *j;
	const char *kind;

	/* topo_load keeps every link, in the file's order. */
	j = cJSON_GetArrayItem(links, (int)(l - t->links));
	kind = cJSON_GetStringValue(cJSON_GetObjectItem(j, "kind"));
	return kind != NULL ? kind : "";
}

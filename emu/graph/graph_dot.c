/*
 * The picture model written as Graphviz DOT (the DOT language as Graphviz
 * documents it: an undirected graph, HTML-like node labels, one cluster
 * subgraph per site). Nodes are drawn by role (the style table below), a
 * LAN segment as a node of its own joined to its members, a point-to-point
 * link as an edge, each labelled in its middle with the interfaces and
 * addresses (dot keeps middle labels apart; end labels it does not), a link
 * of kind "vxlan" (a tunnel) dashed; BGP sessions as dashed edges coloured
 * by state; in a running lab, an arrow from each client to the instance
 * that answered it. Edges run from the clients' side down (dot_depths), so
 * the lab reads from its clients to its servers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anylab.h"
#include "graph.h"
#include "graph_style.h"

const struct graph_role_style graph_role_styles[TOPO_ROLE_MAX] = {
	[TOPO_ROLE_AUTO] = { "host", "box", "filled", "#ffffff" },
	[TOPO_ROLE_CLIENT] = { "client", "box", "rounded,filled", "#dbe9f6" },
	[TOPO_ROLE_ROUTER] = { "router / gateway", "box3d", "filled", "#fde0c5" },
	[TOPO_ROLE_DNS] = { "DNS server", "cylinder", "filled", "#d9f0d3" },
	[TOPO_ROLE_ROUTE_SERVER] = { "route server", "component", "filled", "#e8dff5" },
	[TOPO_ROLE_INTERNET] = { "Internet / underlay", "ellipse", "filled", "#f2f2f2" },
	[TOPO_ROLE_HOST] = { "host", "box", "filled", "#ffffff" },
};

const char *const graph_state_colors[GRAPH_STATE_MAX] = {
	[GRAPH_CONFIGURED] = GRAPH_COLOR_SESSION,
	[GRAPH_UP] = "#1a9641",
	[GRAPH_DOWN] = "#d7191c",
	[GRAPH_UNKNOWN] = "#999999",
};

static void dot_id(struct strbuf *, const char *prefix, const char *name);
static void dot_node(const struct graph *, size_t i, struct strbuf *);
static void dot_lan(const struct graph *, const struct topo_link *, struct strbuf *);
static void dot_links(const struct graph *, const int *depth, struct strbuf *);
static int *dot_depths(const struct graph *);
static void dot_sessions(const struct graph *, const int *depth, struct strbuf *);
static void dot_reach(const struct graph *, const int *depth, struct strbuf *);

/* A quoted DOT ID: "prefix:name" (names are [a-z0-9_-]; quotes escaped all the same). */
static void
dot_id(struct strbuf *sb, const char *prefix, const char *name)
{
	sb_printf(sb, "\"%s:", prefix);
	for (const char *c = name; *c; c++)
		sb_printf(sb, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
	sb_puts(sb, "\"");
}

static void
dot_node(const struct graph *g, size_t i, struct strbuf *sb)
{
	const struct topo_node *n = &g->topo->nodes[i];
	const struct graph_role_style *st = &graph_role_styles[graph_role(g, i)];
	const cJSON *asn = n->bgp ? cJSON_GetObjectItem(n->bgp, "asn") : NULL;
	char a[PREFIX_STRLEN];

	sb_puts(sb, "\t\t");
	dot_id(sb, "n", n->name);
	sb_printf(sb, " [shape=%s, style=\"%s\", fillcolor=\"%s\"%s, label=<<B>", st->shape,
	    st->style, st->fill, graph_role(g, i) == TOPO_ROLE_INTERNET ? ", peripheries=2" : "");
	sb_xml_str(sb, n->name);
	sb_puts(sb, "</B><BR/><FONT POINT-SIZE=\"9\">");
	if (graph_role(g, i) == TOPO_ROLE_DNS && g->anycast[i])
		sb_puts(sb, "anycast instance");
	else
		sb_xml_str(sb, st->label);
	if (cJSON_IsNumber(asn))
		sb_printf(sb, ", AS %.0f", asn->valuedouble);
	sb_puts(sb, "</FONT>");
	for (size_t k = 0; k < n->nloopback; k++) {
		sb_printf(sb, "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"%s\">%s ",
		    g->anycast[i] ? GRAPH_COLOR_ANYCAST : "#333333",
		    g->anycast[i] ? "anycast" : "lo");
		sb_xml_str(sb, prefix_ntop(&n->loopback[k], a, sizeof(a)));
		sb_puts(sb, "</FONT>");
	}
	for (size_t r = 0; r < g->nreach; r++) {
		if (g->reach[r].client != n || g->reach[r].instance != NULL)
			continue;
		sb_printf(sb, "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"%s\">",
		    graph_state_colors[GRAPH_DOWN]);
		sb_xml_str(sb, g->reach[r].error[0] ? g->reach[r].error : "answered by ");
		sb_xml_str(sb, g->reach[r].error[0] ? "" : g->reach[r].answer);
		sb_puts(sb, "</FONT>");
	}
	sb_puts(sb, ">];\n");
}

/* Whether every member of a LAN stands in site (so the LAN is drawn there). */
static const char *
dot_lan_site(const struct topo_link *l)
{
	const char *site = l->nends ? l->ends[0].node->site : "";

	for (size_t e = 1; e < l->nends; e++)
		if (strcmp(l->ends[e].node->site, site) != 0)
			return "";
	return site;
}

static void
dot_lan(const struct graph *g, const struct topo_link *l, struct strbuf *sb)
{
	struct prefix nets[4];
	size_t nnets = 0;
	char a[PREFIX_STRLEN];

	(void)g;
	sb_puts(sb, "\t\t");
	dot_id(sb, "lan", l->name);
	sb_printf(sb,
	    " [shape=box, style=\"rounded,filled\", fillcolor=\"%s\", color=\"#888888\", "
	    "height=0.3, label=<<B>",
	    GRAPH_COLOR_LAN);
	sb_xml_str(sb, l->name);
	sb_puts(sb, "</B> <FONT POINT-SIZE=\"9\">LAN");
	for (size_t e = 0; e < l->nends; e++) {
		const struct topo_iface *f = l->ends[e].iface;

		for (size_t k = 0; k < f->naddrs; k++) {
			struct prefix p = f->addrs[k];
			bool seen = false;

			prefix_mask(&p);
			for (size_t s = 0; s < nnets; s++)
				seen = seen || prefix_cmp(&nets[s], &p) == 0;
			if (seen || nnets == sizeof(nets) / sizeof(nets[0]))
				continue;
			nets[nnets++] = p;
			sb_puts(sb, " ");
			sb_xml_str(sb, prefix_ntop(&p, a, sizeof(a)));
		}
	}
	sb_puts(sb, "</FONT>>];\n");
}

/* "eth0 10.0.0.1/24" as a DOT string body (no quotes); one line per address after the first. */
static void
dot_iface_text(struct strbuf *sb, const struct topo_iface *f)
{
	char a[PREFIX_STRLEN];

	sb_puts(sb, f->name);
	for (size_t k = 0; k < f->naddrs; k++)
		sb_printf(sb, "%s%s", k ? "\\n" : " ", prefix_ntop(&f->addrs[k], a, sizeof(a)));
}

/*
 * Each node's and each LAN's (index nnodes + link) distance from the
 * clients over the links: every edge is written from the nearer end to the
 * farther, so that dot ranks the lab from its clients down to its servers.
 */
static int *
dot_depths(const struct graph *g)
{
	const struct topology *t = g->topo;
	size_t nv = t->nnodes + t->nlinks, head = 0, tail = 0;
	int *depth = emu_calloc(nv ? nv : 1, sizeof(*depth));
	size_t *queue = emu_calloc(nv ? nv : 1, sizeof(*queue));

	for (size_t v = 0; v < nv; v++)
		depth[v] = -1;
	for (size_t i = 0; i < t->nnodes; i++)
		if (graph_role(g, i) == TOPO_ROLE_CLIENT) {
			depth[i] = 0;
			queue[tail++] = i;
		}
	for (size_t start = 0; start < t->nnodes || head < tail; start++) {
		if (head == tail) {
			if (depth[start] >= 0)
				continue;
			depth[start] = 0;
			queue[tail++] = start;
		}
		while (head < tail) {
			size_t v = queue[head++];

			for (size_t l = 0; l < t->nlinks; l++) {
				const struct topo_link *lk = &t->links[l];
				bool member = v == t->nnodes + l;

				for (size_t e = 0; !member && e < lk->nends; e++)
					member = (size_t)(lk->ends[e].node - t->nodes) == v;
				if (!member)
					continue;
				if (lk->lan && v < t->nnodes && depth[t->nnodes + l] < 0) {
					depth[t->nnodes + l] = depth[v] + 1;
					queue[tail++] = t->nnodes + l;
				}
				if (lk->lan && v < t->nnodes)
					continue;
				for (size_t e = 0; e < lk->nends; e++) {
					size_t w = (size_t)(lk->ends[e].node - t->nodes);

					if (depth[w] < 0) {
						depth[w] = depth[v] + 1;
						queue[tail++] = w;
					}
				}
			}
		}
		if (start >= t->nnodes)
			break;
	}
	free(queue);
	return depth;
}

static void
dot_links(const struct graph *g, const int *depth, struct strbuf *sb)
{
	const struct topology *t = g->topo;

	for (size_t i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		const char *kind = graph_link_kind(t, l);
		bool tunnel = strcmp(kind, "vxlan") == 0;
		const struct topo_endpoint *a, *b;

		if (l->lan) {
			for (size_t e = 0; e < l->nends; e++) {
				size_t v = (size_t)(l->ends[e].node - t->nodes);
				bool down = depth[v] <= depth[t->nnodes + i];

				/* Its interface in the middle (end labels would overlap). */

				sb_puts(sb, "\t");
				if (down)
					dot_id(sb, "n", l->ends[e].node->name);
				else
					dot_id(sb, "lan", l->name);
				sb_puts(sb, " -- ");
				if (down)
					dot_id(sb, "lan", l->name);
				else
					dot_id(sb, "n", l->ends[e].node->name);
				sb_puts(sb, " [label=\"");
				dot_iface_text(sb, l->ends[e].iface);
				sb_printf(sb, "\", color=\"%s\"%s];\n",
				    tunnel ? GRAPH_COLOR_TUNNEL : GRAPH_COLOR_LINK,
				    tunnel ? ", style=\"dashed\", penwidth=2" : "");
			}
			continue;
		}
		if (l->nends != 2)
			continue;
		a = &l->ends[0];
		b = &l->ends[1];
		if (depth[a->node - t->nodes] > depth[b->node - t->nodes]) {
			a = &l->ends[1];
			b = &l->ends[0];
		}
		sb_puts(sb, "\t");
		dot_id(sb, "n", a->node->name);
		sb_puts(sb, " -- ");
		dot_id(sb, "n", b->node->name);
		/*
		 * One label in the middle (dot keeps those apart, not end labels):
		 * the link's name (a made "a:eth0--b:eth0" is not shown), then each
		 * end, nearer first.
		 */
		sb_puts(sb, " [label=\"");
		if (tunnel)
			sb_printf(sb, "%s (vxlan)\\n", l->name);
		else if (strchr(l->name, ':') == NULL)
			sb_printf(sb, "%s\\n", l->name);
		sb_printf(sb, "%s ", a->node->name);
		dot_iface_text(sb, a->iface);
		sb_printf(sb, "\\n%s ", b->node->name);
		dot_iface_text(sb, b->iface);
		if (tunnel)
			sb_printf(sb,
			    "\", color=\"%s\", fontcolor=\"%s\", style=\"dashed\", penwidth=2];\n",
			    GRAPH_COLOR_TUNNEL, GRAPH_COLOR_TUNNEL);
		else
			sb_printf(sb, "\", color=\"%s\"];\n", GRAPH_COLOR_LINK);
	}
}

/*
 * Sessions and answers are written from the nearer node to the farther
 * (as the links are) with weight 0: routed with the layout, not moving it.
 */
static void
dot_sessions(const struct graph *g, const int *depth, struct strbuf *sb)
{
	const struct topology *t = g->topo;

	for (size_t i = 0; i < g->nsessions; i++) {
		const struct graph_session *s = &g->sessions[i];
		const char *color = graph_state_colors[s->state];
		bool flip = s->b != NULL && depth[s->a - t->nodes] > depth[s->b - t->nodes];

		if (s->b == NULL) {
			sb_puts(sb, "\t");
			dot_id(sb, "peer", s->b_addr);
			sb_printf(sb,
			    " [shape=box, style=\"dashed\", fontsize=9, label=\"peer %s\\n"
			    "AS %u (outside the lab)\"];\n",
			    s->b_addr, s->b_asn);
		}
		sb_puts(sb, "\t");
		dot_id(sb, "n", flip ? s->b->name : s->a->name);
		sb_puts(sb, " -- ");
		if (s->b == NULL)
			dot_id(sb, "peer", s->b_addr);
		else
			dot_id(sb, "n", flip ? s->a->name : s->b->name);
		sb_printf(sb,
		    " [class=\"bgp %s\", style=\"dashed\", penwidth=1.6, color=\"%s\", "
		    "fontcolor=\"%s\", weight=0, fontsize=8, label=\"%s",
		    graph_state_names[s->state], color, color,
		    s->a_asn == s->b_asn ? "iBGP" : "eBGP");
		if (s->state != GRAPH_CONFIGURED)
			sb_printf(sb, "\\n%s", s->state_text);
		sb_puts(sb, "\"];\n");
	}
}

static void
dot_reach(const struct graph *g, const int *depth, struct strbuf *sb)
{
	const struct topology *t = g->topo;

	for (size_t i = 0; i < g->nreach; i++) {
		const struct graph_reach *r = &g->reach[i];
		bool flip;

		if (r->instance == NULL)
			continue;
		flip = depth[r->client - t->nodes] > depth[r->instance - t->nodes];
		sb_puts(sb, "\t");
		dot_id(sb, "n", flip ? r->instance->name : r->client->name);
		sb_puts(sb, " -- ");
		dot_id(sb, "n", flip ? r->client->name : r->instance->name);
		sb_printf(sb,
		    " [class=\"reach\", dir=%s, penwidth=2.2, color=\"%s\", fontcolor=\"%s\", "
		    "weight=0, fontsize=9, label=\"answered by ",
		    flip ? "back" : "forward", GRAPH_COLOR_REACH, GRAPH_COLOR_REACH);
		for (const char *c = r->answer; *c; c++)
			sb_printf(sb, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
		sb_puts(sb, "\"];\n");
	}
}

void
graph_dot(const struct graph *g, struct strbuf *sb)
{
	const struct topology *t = g->topo;
	size_t cluster = 0;
	int *depth;

	sb_puts(sb, "graph ");
	dot_id(sb, "lab", t->name);
	sb_puts(sb, " {\n");
	sb_printf(sb,
	    "\tgraph [fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.6, "
	    "ranksep=0.7, pad=0.3, label=\"lab %s%s\"];\n"
	    "\tnode [fontname=\"Helvetica\", fontsize=11, margin=\"0.15,0.06\"];\n"
	    "\tedge [fontname=\"Helvetica\", fontsize=8, labelfontsize=8];\n",
	    t->name, g->live ? " (running: session states and answering instances)" : "");
	/* One cluster per site, in order of first appearance, then the rest. */
	for (size_t i = 0; i < t->nnodes; i++) {
		const char *site = t->nodes[i].site;
		bool first = true;

		for (size_t j = 0; site[0] && j < i; j++)
			first = first && strcmp(t->nodes[j].site, site) != 0;
		if (site[0] == '\0' || !first)
			continue;
		sb_printf(sb,
		    "\tsubgraph \"cluster_%zu\" {\n\t\tlabel=\"site %s\"; style=\"rounded,dashed\"; "
		    "color=\"#777777\"; fontsize=11;\n",
		    cluster++, site);
		for (size_t j = i; j < t->nnodes; j++)
			if (strcmp(t->nodes[j].site, site) == 0)
				dot_node(g, j, sb);
		for (size_t l = 0; l < t->nlinks; l++)
			if (t->links[l].lan && strcmp(dot_lan_site(&t->links[l]), site) == 0)
				dot_lan(g, &t->links[l], sb);
		sb_puts(sb, "\t}\n");
	}
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].site[0] == '\0')
			dot_node(g, i, sb);
	for (size_t l = 0; l < t->nlinks; l++)
		if (t->links[l].lan && dot_lan_site(&t->links[l])[0] == '\0')
			dot_lan(g, &t->links[l], sb);
	depth = dot_depths(g);
	dot_links(g, depth, sb);
	dot_sessions(g, depth, sb);
	dot_reach(g, depth, sb);
	free(depth);
	sb_puts(sb, "}\n");
}

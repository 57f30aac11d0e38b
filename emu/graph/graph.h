/*
 * The lab drawn (anylab graph): a picture model built from a topology
 * (graph.c: each node's role, anycast addresses, the BGP sessions the
 * nodes' "bgp" sections describe), filled in from a running lab
 * (graph_live.c: each session's state through its node kind's bgp_peers,
 * the instance each client reaches by one DNS query from its namespace),
 * written as Graphviz DOT by our own code (graph_dot.c), and turned into
 * SVG by Graphviz's dot, or an HTML page with the SVG inline and a legend
 * (graph_render.c).
 *
 * Roles, when the node's "role" does not say (topo.h): a node with a "dns"
 * section is a DNS server (an anycast instance when one of its loopback
 * addresses is also on another node); with "forwarding" a router; with a
 * "bgp" section and no forwarding a route server (it speaks BGP but
 * carries no packets); with only a "resolver" a client; else a host.
 */
#ifndef ANYLAB_GRAPH_H
#define ANYLAB_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "strbuf.h"
#include "topo.h"

#define GRAPH_TEXT_MAX 64

/* A BGP session's state as the picture shows it. */
enum graph_state {
	GRAPH_CONFIGURED, /* from the topology only */
	GRAPH_UP,	  /* Established */
	GRAPH_DOWN,	  /* any other state */
	GRAPH_UNKNOWN,	  /* the speakers could not be asked */
	GRAPH_STATE_MAX,
};
extern const char *const graph_state_names[GRAPH_STATE_MAX];

/*
 * One session: node a's peer entry for an address of node b (b NULL: an
 * address no node of the lab holds), paired with b's entry back to a when
 * b has one (then b_addr is set).
 */
struct graph_session {
	const struct topo_node *a, *b;
	char a_addr[IPADDR_STRLEN]; /* b's entry's address (on a), "" when b has none */
	char b_addr[IPADDR_STRLEN]; /* a's entry's address (on b) */
	uint32_t a_asn, b_asn;
	const struct topo_link *link; /* the link both addresses are on, or NULL */
	enum graph_state state;
	char state_text[GRAPH_TEXT_MAX]; /* "Established", "Active", why unknown... */
};

/* Which instance answered a client's query (a running lab only). */
struct graph_reach {
	const struct topo_node *client;
	const struct topo_node *instance; /* NULL: no answer, or one naming no node */
	char answer[GRAPH_TEXT_MAX];	  /* the TXT text (or NSID), "" when none */
	char error[GRAPH_TEXT_MAX];	  /* why there is no answer, "" when answered */
};

struct graph {
	const struct topology *topo;
	enum topo_role *roles; /* per node, index as topo->nodes */
	bool *anycast;	       /* per node: holds a loopback address another node holds too */
	struct graph_session *sessions;
	size_t nsessions;
	bool live; /* sessions and reach come from a running lab */
	char lab[TOPO_NAME_MAX];
	struct graph_reach *reach;
	size_t nreach;
};

/* What graph_live asks each client's resolver. */
struct graph_live_opts {
	const char *qname;   /* NULL: "server.zone.tst" */
	unsigned timeout_ms; /* per try; 0: 1000 */
	unsigned tries;	     /* 0: 2 */
};

/* The picture of a topology: roles, anycast instances, sessions (GRAPH_CONFIGURED). */
void graph_build(struct graph *, const struct topology *);
/*
 * The running lab's state: every session's through the kinds' bgp_peers,
 * and one TXT query (NSID asked too) from every client with a resolver to
 * its first resolver. Failures to ask are recorded in the graph, not
 * returned.
 */
void graph_live(struct graph *, const char *lab, const struct graph_live_opts *);
void graph_free(struct graph *);

/* The role of node index i. */
enum topo_role graph_role(const struct graph *, size_t i);
/* The node with a dns section whose TXT record, identity or name is answer; NULL if none. */
const struct topo_node *graph_instance_of(const struct topology *, const char *answer);
/* A link's kind as written in the topology ("vxlan"...), "" for the default. */
const char *graph_link_kind(const struct topology *, const struct topo_link *);

/* The DOT text of the picture (graph_dot.c). */
void graph_dot(const struct graph *, struct strbuf *out);
/*
 * dot -Tsvg (Graphviz, found in PATH) run on dot_text: its SVG in out. 0,
 * EMU_EMISSING (msg names the package), or another emu error with msg.
 */
int graph_svg(const char *dot_text, struct strbuf *out, char *msg, size_t msglen);
/* One self-contained HTML page: the title, the SVG inline, the legend. */
void graph_html(const struct graph *, const char *svg, struct strbuf *out);

#endif

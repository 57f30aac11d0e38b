/*
 * How the picture draws each thing, shared by the DOT writer (graph_dot.c)
 * and the HTML page's legend (graph_render.c), so that both say the same.
 */
#ifndef ANYLAB_GRAPH_STYLE_H
#define ANYLAB_GRAPH_STYLE_H

#include "graph.h"

struct graph_role_style {
	const char *label; /* the legend's words, and the node's second line */
	const char *shape; /* Graphviz node shape */
	const char *style;
	const char *fill;
};

extern const struct graph_role_style graph_role_styles[TOPO_ROLE_MAX];
extern const char *const graph_state_colors[GRAPH_STATE_MAX];

#define GRAPH_COLOR_LINK    "#555555"
#define GRAPH_COLOR_TUNNEL  "#7b3294"
#define GRAPH_COLOR_LAN	    "#eeeeee"
#define GRAPH_COLOR_SESSION "#3b6fb6"
#define GRAPH_COLOR_REACH   "#e66101"
#define GRAPH_COLOR_ANYCAST "#b2182b"

#endif

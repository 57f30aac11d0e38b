/*
 * The timeline picture of a scenario run: an SVG with one row per probed
 * client, a bar coloured per answering instance along the time axis, gaps
 * (and a red underline) where queries were lost, each fault's window shaded,
 * every step marked (actions as dashed lines, expectations as dotted lines
 * and a tick coloured by their outcome) and numbered in one row of labels
 * above the clients that never overlap: steps too close to tell apart share
 * a label ("1-4"), and a label pushed aside from its step is joined to it by
 * a leader line; a legend of instances and steps. With more than 64
 * clients a row per block of consecutive clients, coloured per time bucket
 * by the instance that answered most of them (docs/scenarios.md, Timeline
 * picture), so that the picture's size stays bounded.
 */
#ifndef ANYLAB_TIMELINE_SVG_H
#define ANYLAB_TIMELINE_SVG_H

#include <stddef.h>

#include "probe.h"
#include "results.h"
#include "strbuf.h"

/* logs: one per r->clients, sorted by send time. */
void timeline_svg(const struct run_result *r, const struct probe_log *logs, struct strbuf *out);

/*
 * The run's pictures' document: the SVG header (width x height, sans-serif
 * 12), a white background, body (freed) and the end.
 */
void svg_document(struct strbuf *sb, int width, int height, struct strbuf *body);

/* The colour of an instance in the pictures (r->instances' order), grey when unknown. */
const char *timeline_colour(const struct run_result *r, const char *inst);

/* ---- the step labels' layout (pure; unit-tested) ---- */

#define TL_LABEL_GAP	   4.0	/* at least this between two labels' boxes */
#define TL_LABEL_MAX_SHIFT 36.0 /* a label this far from its steps is merged instead */
#define TL_LABEL_TEXT	   40

struct tl_label {
	char text[TL_LABEL_TEXT]; /* "4", "1-4", "6,8" */
	size_t first;		  /* its markers: [first, first + n) of the input */
	size_t n;
	double mark0; /* x of its leftmost and rightmost marker */
	double mark1;
	double x0; /* its box */
	double x1;
};

/* The width of a label's box at the pictures' label font (an upper bound). */
double timeline_label_width(const char *text);

/*
 * Lay out the labels of n markers (x ascending, num[i] the step number of
 * marker i) in one row within [xmin, xmax]: each label centred over its
 * markers unless its neighbours push it aside, never overlapping another
 * (TL_LABEL_GAP between boxes), never further than TL_LABEL_MAX_SHIFT from
 * its markers' centre (when there is more than one label); markers closer
 * than that to tell apart share a label. out has room for n labels; returns
 * how many were made.
 */
size_t timeline_label_layout(const double *x, const size_t *num, size_t n, double xmin, double xmax,
    struct tl_label *out);

#endif

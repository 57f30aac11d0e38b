/*
 * The timeline picture of a scenario run: an SVG with one row per probed
 * client, a bar coloured per answering instance along the time axis, gaps
 * (and a red underline) where queries were lost, every step marked with its
 * number (actions as vertical lines, expectations as a tick coloured by
 * their outcome), and a legend of instances and steps.
 */
#ifndef ANYLAB_TIMELINE_SVG_H
#define ANYLAB_TIMELINE_SVG_H

#include "probe.h"
#include "results.h"
#include "strbuf.h"

/* logs: one per r->clients, sorted by send time. */
void timeline_svg(const struct run_result *r, const struct probe_log *logs, struct strbuf *out);

#endif

/*
 * The HTML report of a scenario run (report.html beside results.json,
 * docs/scenarios.md, "HTML report"): one self-contained page, inline CSS and
 * inline SVG, nothing fetched, that a CI user opens from the job's
 * artifacts: the verdict, the steps with their times and results, the
 * failover table, the catchment before, during and after each fault (the
 * load of each instance, the failover distribution, the collateral moves
 * and the catchment picture), the timeline picture and the topology picture, the probes' totals and
 * relative links to the run's files and captures. Every figure comes from
 * the run_result (results.h), as results.json has it; nothing is measured
 * here. Text from the scenario, the lab and the details is HTML-escaped.
 *
 * The topology picture is `anylab graph LAB --format svg`, asked of the
 * anylab binary itself while the lab is up (report_topology_svg); when that
 * fails the page says why instead.
 */
#ifndef ANYLAB_REPORT_H
#define ANYLAB_REPORT_H

#include <stddef.h>

#include "results.h"
#include "strbuf.h"

struct report_pictures {
	const char *timeline_svg;  /* timeline_svg()'s document, or NULL */
	const char *topology_svg;  /* the lab's picture (an SVG document), or NULL */
	const char *topology_why;  /* when topology_svg is NULL: why there is none */
	const char *catchment_svg; /* catchment_svg()'s document, or NULL */
};

/*
 * The page for r. rundir is the directory report.html goes into: the links
 * to the run's files and to the captures are relative to it (paths that are
 * not absolute are taken from the current directory).
 */
void report_html(const struct run_result *r, const struct report_pictures *pics, const char *rundir,
    struct strbuf *out);

/*
 * Run `EXE graph LAB --format svg` (the runner passes /proc/self/exe;
 * posix_spawn, no shell; at most timeout_ms, then it and whatever it started,
 * dot, are killed as one process group) and keep its standard output in svg.
 * 0 when it printed an SVG document; -1 with why (its first line of
 * standard error, or its exit status) otherwise.
 */
int report_topology_svg(const char *exe, const char *lab, unsigned timeout_ms, struct strbuf *svg,
    char *why, size_t whylen);

/*
 * The path of target relative to directory base, both absolute and taken
 * lexically ("." and ".." resolved, no symbolic links followed). 0, or -1
 * when either is not absolute or out is too small.
 */
int report_relpath(const char *base, const char *target, char *out, size_t len);

/* HTML text escaping (&, <, >, ", ' and control characters). */
void report_escape(struct strbuf *, const char *);

#endif

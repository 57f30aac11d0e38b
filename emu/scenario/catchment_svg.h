/*
 * The catchment picture of a scenario run (catchment.svg beside
 * results.json, docs/scenarios.md, "Catchment picture"): for each fault,
 * one block of cells per client site, one small cell per client, coloured
 * by the instance that answered it before, during and after the fault
 * (three blocks side by side); clients that moved carry a white dot,
 * collateral moves (their instance did not fail) a red outline, clients
 * without an answer are hollow. Beside them each instance's load before,
 * during and after as bars, and a legend. Readable at a thousand clients
 * (twenty sites of fifty: a block of 4 x 14 cells each).
 */
#ifndef ANYLAB_CATCHMENT_SVG_H
#define ANYLAB_CATCHMENT_SVG_H

#include "results.h"
#include "strbuf.h"

/* The picture of r->catchment (an SVG document, also without faults: it says so). */
void catchment_svg(const struct run_result *r, struct strbuf *out);

/* The colour of instance i of r->catchment ("#rrggbb"). */
const char *catchment_colour(const struct run_result *r, uint32_t inst, char buf[8]);

#endif

/*
 * The catchment picture (catchment_svg.h). Plain SVG 1.1 text, nothing
 * external, drawn from r->catchment alone (results.json holds the same
 * figures), so a browser, an image viewer or the HTML report shows it as is.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catchment_svg.h"
#include "log.h"
#include "timeline_svg.h"

#define W	    1200
#define LEFT	    150 /* site labels */
#define RIGHT	    20
#define PANEL_GAP   24	 /* between the before, during and after blocks */
#define ROW_GAP	    6	 /* between two sites' blocks */
#define BAR_H	    4	 /* one phase's bar in the load chart */
#define LOAD_ROW    16	 /* one instance in the load chart */
#define LOAD_MAX    48	 /* more instances than this: the load chart is by site */
#define TITLES_MAX  2000 /* cells carry a tooltip up to this many clients */
#define LEGEND_W    170
#define NO_ANSWER   "#ffffff"
#define COLLATERAL  "#000000"
#define FEW_COLOURS 8 /* up to this many instances: the timeline's colours */

/* The blocks' geometry, the same for every site of a fault. */
struct grid {
	int cell; /* a cell's pitch; the cell is one pixel smaller */
	int cols;
	int nphases;
	int block_w; /* a phase's block */
	int x[CATCH_PHASES];
};

static void hsl_hex(double h, double s, double l, char buf[8]);
static bool new_group(const struct catchment *, size_t k);
static struct grid grid_of(const struct catchment *, bool has_after);
static double draw_heading(struct strbuf *, const struct run_result *, size_t f, double y);
static double draw_sites(struct strbuf *, const struct run_result *, const struct catch_fault *,
    const struct grid *, const char (*colours)[8], double y);
static double draw_load(struct strbuf *, const struct run_result *, const struct catch_fault *,
    double y);
static double draw_legend(struct strbuf *, const struct run_result *, double y);

/* HSL (degrees, 0..1, 0..1) to "#rrggbb". */
static void
hsl_hex(double h, double s, double l, char buf[8])
{
	double c = (1 - fabs(2 * l - 1)) * s, hp = fmod(h, 360) / 60;
	double x = c * (1 - fabs(fmod(hp, 2) - 1)), m = l - c / 2, rgb[3] = { 0 };
	int k = (int)hp;

	rgb[0] = k == 0 || k == 5 ? c : k == 1 || k == 4 ? x : 0;
	rgb[1] = k == 1 || k == 2 ? c : k == 0 || k == 3 ? x : 0;
	rgb[2] = k == 3 || k == 4 ? c : k == 2 || k == 5 ? x : 0;
	snprintf(buf, 8, "#%02x%02x%02x", (unsigned)lround((rgb[0] + m) * 255),
	    (unsigned)lround((rgb[1] + m) * 255), (unsigned)lround((rgb[2] + m) * 255));
}

/* Does c->order[k] start another site than c->order[k - 1]? */
static bool
new_group(const struct catchment *c, size_t k)
{
	const char *site = c->inst[c->order[k]].site;

	return site[0] == '\0' || strcmp(site, c->inst[c->order[k - 1]].site) != 0;
}

/*
 * Few instances: the timeline's colours. Many: a hue per site (the golden
 * angle apart, so that neighbours differ) and a shade per instance of it.
 */
const char *
catchment_colour(const struct run_result *r, uint32_t inst, char buf[8])
{
	const struct catchment *c = &r->catchment;
	size_t group = 0, start = 0, k, end;

	if (inst >= c->ninst)
		return "#999999";
	if (c->ninst <= FEW_COLOURS && results_instance_index(r, c->inst[inst].name) >= 0) {
		snprintf(buf, 8, "%s", timeline_colour(r, c->inst[inst].name));
		return buf;
	}
	/* c->order is by site: the groups are its runs of one site ("" each its own). */
	for (k = 0; k < c->ninst; k++) {
		if (k > 0 && new_group(c, k)) {
			group++;
			start = k;
		}
		if (c->order[k] == inst)
			break;
	}
	for (end = k + 1; end < c->ninst && !new_group(c, end); end++)
		;
	hsl_hex((double)group * 137.508, 0.65,
	    end - start > 1 ? 0.30 + 0.40 * (double)(k - start) / (double)(end - start - 1) : 0.48,
	    buf);
	return buf;
}

static struct grid
grid_of(const struct catchment *c, bool has_after)
{
	struct grid g = { .cell = c->nclients <= 100 ? 16 :
		    c->nclients <= 1500		     ? 10 :
		    c->nclients <= 4000		     ? 7 :
						       5,
		.nphases = has_after ? 3 : 2 };
	size_t widest = 1;
	int maxcols;

	for (size_t r = 0; r < c->nrows; r++)
		if (c->row_start[r + 1] - c->row_start[r] > widest)
			widest = c->row_start[r + 1] - c->row_start[r];
	maxcols = (W - LEFT - RIGHT - PANEL_GAP * (g.nphases - 1)) / g.nphases / g.cell;
	/* About four columns to a row: a site's block is wide and low. */
	g.cols = (int)ceil(sqrt(4.0 * (double)widest));
	if (g.cols < 10)
		g.cols = 10;
	if (g.cols > maxcols)
		g.cols = maxcols;
	g.block_w = g.cols * g.cell;
	for (int p = 0; p < g.nphases; p++)
		g.x[p] = LEFT + p * (g.block_w + PANEL_GAP);
	return g;
}

static double
draw_heading(struct strbuf *sb, const struct run_result *r, size_t f, double y)
{
	const struct res_fault *rf = &r->faults[f];
	const struct catch_fault *cf = &r->catchment.faults[f];
	char b[4][32];

	sb_printf(sb,
	    "<text x=\"10\" y=\"%.0f\" font-size=\"14\" font-weight=\"bold\">fault %zu: ", y + 16,
	    f + 1);
	sb_xml_str(sb, rf->window.label);
	sb_printf(sb, " at +%.3f s", (double)(rf->window.start_us - r->start_us) / 1e6);
	if (rf->undo_step >= 0) {
		sb_puts(sb, ", undone by ");
		sb_xml_str(sb, r->scenario->steps[rf->undo_step].label);
		sb_printf(sb, " at +%.3f s", (double)(rf->window.undo_us - r->start_us) / 1e6);
	}
	sb_puts(sb, "</text>\n");
	sb_printf(sb, "<text x=\"10\" y=\"%.0f\" fill=\"#333333\">failed: ", y + 34);
	for (size_t i = 0; i < cf->nfailed; i++) {
		if (i)
			sb_puts(sb, ", ");
		sb_xml_str(sb, r->catchment.inst[cf->failed[i]].name);
	}
	if (cf->nfailed == 0)
		sb_puts(sb, "no instance (the target runs none)");
	sb_printf(sb, "; %zu of %zu clients were theirs; moved during the fault: %zu",
	    cf->of_failed, r->catchment.nclients, cf->moved[0]);
	if (cf->has_after)
		sb_printf(sb, ", at fail-back: %zu", cf->moved[1]);
	sb_puts(sb, "</text>\n");
	sb_printf(sb,
	    "<text x=\"10\" y=\"%.0f\" fill=\"#333333\">failover of %zu affected clients: median "
	    "%s, p90 %s, p99 %s, worst %s, %zu never; collateral moves: %zu during",
	    y + 50, cf->affected, results_fmt_ms(cf->failover.median_us, b[0], sizeof(b[0])),
	    results_fmt_ms(cf->failover.p90_us, b[1], sizeof(b[1])),
	    results_fmt_ms(cf->failover.p99_us, b[2], sizeof(b[2])),
	    results_fmt_ms(cf->failover.max_us, b[3], sizeof(b[3])), cf->never, cf->ncollateral[0]);
	if (cf->has_after)
		sb_printf(sb, ", %zu at fail-back", cf->ncollateral[1]);
	sb_puts(sb, "</text>\n");
	return y + 60;
}

/* One block of cells per site and phase; returns the y below them. */
static double
draw_sites(struct strbuf *sb, const struct run_result *r, const struct catch_fault *cf,
    const struct grid *g, const char (*colours)[8], double y)
{
	static const char *const heads[CATCH_PHASES] = { "before the fault", "during the fault",
		"after the undo" };
	const struct catchment *c = &r->catchment;
	bool titles = c->nclients <= TITLES_MAX;
	int sz = g->cell - 1;

	for (int p = 0; p < g->nphases; p++)
		sb_printf(sb, "<text x=\"%d\" y=\"%.0f\" font-weight=\"bold\">%s</text>\n", g->x[p],
		    y + 14, heads[p]);
	y += 22;
	for (size_t row = 0; row < c->nrows; row++) {
		uint32_t n = c->row_start[row + 1] - c->row_start[row];
		int lines = (int)((n + (uint32_t)g->cols - 1) / (uint32_t)g->cols);

		sb_printf(sb, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">", LEFT - 8,
		    y + (lines * g->cell < 12 ? 9 : 10));
		sb_xml_str(sb, c->rows[row][0] ? c->rows[row] : "(no site)");
		sb_printf(sb, " (%u)</text>\n", n);
		for (int p = 0; p < g->nphases; p++) {
			sb_printf(sb, "<g transform=\"translate(%d %.0f)\">\n", g->x[p], y);
			for (uint32_t j = 0; j < n; j++) {
				uint32_t ci = c->by_row[c->row_start[row] + j];
				uint32_t k = cf->inst[p][ci];
				int x = (int)(j % (uint32_t)g->cols) * g->cell;
				int yy = (int)(j / (uint32_t)g->cols) * g->cell;
				uint8_t fl = cf->flags[ci];
				bool moved = p == CATCH_DURING ? (fl & CATCH_MOVED_DURING) :
				    p == CATCH_AFTER	       ? (fl & CATCH_MOVED_BACK) :
								 false;
				bool coll = p == CATCH_DURING ? (fl & CATCH_COLLATERAL_DURING) :
				    p == CATCH_AFTER	      ? (fl & CATCH_COLLATERAL_BACK) :
								false;

				sb_printf(sb,
				    "<rect class=\"c\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
				    "fill=\"%s\"",
				    x, yy, sz, sz, k == CATCH_NONE ? NO_ANSWER : colours[k]);
				if (coll)
					sb_puts(sb,
					    " stroke=\"" COLLATERAL "\" stroke-width=\"2\"");
				else if (k == CATCH_NONE)
					sb_puts(sb, " stroke=\"#888888\" stroke-width=\"0.8\"");
				if (titles) {
					sb_puts(sb, "><title>");
					sb_xml_str(sb, c->client_names[ci]);
					sb_puts(sb, ": ");
					sb_xml_str(sb,
					    k == CATCH_NONE ? "no answer" : c->inst[k].name);
					if (coll)
						sb_puts(sb, " (collateral move)");
					else if (moved)
						sb_puts(sb, " (moved)");
					sb_puts(sb, "</title></rect>\n");
				} else {
					sb_puts(sb, "/>\n");
				}
				if (moved && sz >= 4)
					sb_printf(sb,
					    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
					    "fill=\"white\"/>\n",
					    x + sz / 2.0, yy + sz / 2.0, sz / 5.0);
			}
			sb_puts(sb, "</g>\n");
		}
		y += (lines ? lines : 1) * g->cell + ROW_GAP;
	}
	return y;
}

/*
 * Each instance's load, before, during and after, as three thin bars; by
 * the instances' site when there are too many of them for a row each.
 */
static double
draw_load(struct strbuf *sb, const struct run_result *r, const struct catch_fault *cf, double y)
{
	const struct catchment *c = &r->catchment;
	bool by_site = c->ninst > LOAD_MAX;
	static const double shade[CATCH_PHASES] = { 1.0, 0.55, 0.8 };
	double max = 1, scale;
	size_t k = 0;

	for (size_t i = 0; i < c->ninst; i++)
		for (int p = 0; p < CATCH_PHASES; p++)
			if (catch_load(cf, (enum catch_phase)p, (uint32_t)i) > max && !by_site)
				max = catch_load(cf, (enum catch_phase)p, (uint32_t)i);
	/* By site: the sums; c->order keeps a site's instances together. */
	if (by_site) {
		for (size_t a = 0; a < c->ninst;) {
			double sum[CATCH_PHASES] = { 0 };
			size_t b = a;

			for (; b < c->ninst &&
			     strcmp(c->inst[c->order[b]].site, c->inst[c->order[a]].site) == 0;
			     b++)
				for (int p = 0; p < CATCH_PHASES; p++)
					sum[p] += catch_load(cf, (enum catch_phase)p, c->order[b]);
			for (int p = 0; p < CATCH_PHASES; p++)
				if (sum[p] > max)
					max = sum[p];
			a = b;
		}
	}
	scale = (W - LEFT - RIGHT - 160) / max;
	sb_printf(sb,
	    "<text x=\"10\" y=\"%.0f\" font-weight=\"bold\">clients per instance%s: bars from "
	    "top to bottom before, during%s</text>\n",
	    y + 14, by_site ? " site" : "", cf->has_after ? ", after" : "");
	y += 22;
	while (k < c->ninst) {
		double load[CATCH_PHASES] = { 0 };
		size_t end = k + 1;
		uint32_t first = c->order[k];
		char col[8], name[96];

		if (by_site)
			while (end < c->ninst &&
			    strcmp(c->inst[c->order[end]].site, c->inst[first].site) == 0)
				end++;
		for (size_t m = k; m < end; m++)
			for (int p = 0; p < CATCH_PHASES; p++)
				load[p] += catch_load(cf, (enum catch_phase)p, c->order[m]);
		if (by_site)
			snprintf(name, sizeof(name), "%s (%zu)",
			    c->inst[first].site[0] ? c->inst[first].site : "(no site)", end - k);
		else
			snprintf(name, sizeof(name), "%s", c->inst[first].name);
		sb_printf(sb, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\" font-size=\"11\">",
		    LEFT - 8, y + 11);
		sb_xml_str(sb, name);
		sb_puts(sb, "</text>\n");
		for (int p = 0; p < CATCH_PHASES; p++) {
			if (p == CATCH_AFTER && !cf->has_after)
				continue;
			sb_printf(sb,
			    "<rect x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
			    "fill-opacity=\"%.2f\"/>\n",
			    LEFT, y + 1 + p * BAR_H, load[p] * scale, BAR_H - 1,
			    catchment_colour(r, first, col), shade[p]);
		}
		sb_printf(sb, "<text x=\"%d\" y=\"%.0f\" font-size=\"11\">%.0f / %.0f",
		    W - RIGHT - 150, y + 11, load[CATCH_BEFORE], load[CATCH_DURING]);
		if (cf->has_after)
			sb_printf(sb, " / %.0f", load[CATCH_AFTER]);
		if (!by_site) {
			for (size_t i = 0; i < cf->nfailed; i++)
				if (cf->failed[i] == first)
					sb_puts(sb, " failed");
		}
		sb_puts(sb, "</text>\n");
		y += LOAD_ROW;
		k = end;
	}
	return y + 10;
}

static double
draw_legend(struct strbuf *sb, const struct run_result *r, double y)
{
	const struct catchment *c = &r->catchment;
	int per_line = (W - 20) / LEGEND_W;

	sb_printf(sb,
	    "<text x=\"10\" y=\"%.0f\" font-weight=\"bold\">legend</text>\n"
	    "<rect x=\"80\" y=\"%.0f\" width=\"9\" height=\"9\" fill=\"#4477aa\"/>"
	    "<circle cx=\"84.5\" cy=\"%.1f\" r=\"1.8\" fill=\"white\"/>"
	    "<text x=\"95\" y=\"%.0f\">moved (another instance than before)</text>\n"
	    "<rect x=\"340\" y=\"%.0f\" width=\"9\" height=\"9\" fill=\"#4477aa\" stroke=\"" COLLATERAL
	    "\" stroke-width=\"2\"/><text x=\"355\" y=\"%.0f\">collateral move (its instance did "
	    "not fail)</text>\n"
	    "<rect x=\"640\" y=\"%.0f\" width=\"9\" height=\"9\" fill=\"" NO_ANSWER
	    "\" stroke=\"#888888\" stroke-width=\"0.8\"/><text x=\"655\" y=\"%.0f\">no answer in "
	    "that phase</text>\n",
	    y + 12, y + 3, y + 7.5, y + 12, y + 3, y + 12, y + 3, y + 12);
	y += 22;
	for (size_t k = 0; k < c->ninst; k++) {
		uint32_t i = c->order[k];
		double x = 10 + (double)((int)k % per_line) * LEGEND_W;
		double yy = y + (double)((int)k / per_line) * 16;
		char col[8];

		sb_printf(sb,
		    "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
		    "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">",
		    x, yy + 2, catchment_colour(r, i, col), x + 14, yy + 11);
		sb_xml_str(sb, c->inst[i].name);
		if (c->inst[i].site[0]) {
			sb_puts(sb, " (");
			sb_xml_str(sb, c->inst[i].site);
			sb_puts(sb, ")");
		}
		sb_puts(sb, "</text>\n");
	}
	return y + (double)((c->ninst + (size_t)per_line - 1) / (size_t)per_line) * 16 + 6;
}

void
catchment_svg(const struct run_result *r, struct strbuf *sb)
{
	const struct catchment *c = &r->catchment;
	struct strbuf body = STRBUF_INIT;
	char(*colours)[8] = calloc(c->ninst ? c->ninst : 1, sizeof(*colours));
	double y = 50;
	int height;

	if (colours == NULL)
		fatal("out of memory");
	/* Once per instance: a cell's colour is looked up, not worked out. */
	for (size_t i = 0; i < c->ninst; i++)
		catchment_colour(r, (uint32_t)i, colours[i]);

	sb_puts(&body, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">catchment: ");
	sb_xml_str(&body, r->scenario ? r->scenario->name : "");
	sb_puts(&body, " on lab ");
	sb_xml_str(&body, r->lab ? r->lab : "");
	sb_printf(&body,
	    "</text>\n<text x=\"10\" y=\"40\" fill=\"#555555\">%zu clients in %zu site block%s, one "
	    "cell each, coloured by the instance that answered it last in each phase</text>\n",
	    c->nclients, c->nrows, c->nrows == 1 ? "" : "s");
	if (c->nfaults == 0) {
		sb_puts(&body,
		    "<text x=\"10\" y=\"70\">No fault was applied in this run.</text>\n");
		y = 80;
	}
	for (size_t f = 0; f < c->nfaults && f < r->nfaults; f++) {
		const struct catch_fault *cf = &c->faults[f];
		struct grid g = grid_of(c, cf->has_after);

		y = draw_heading(&body, r, f, y);
		y = draw_sites(&body, r, cf, &g, (const char(*)[8])colours, y);
		y = draw_load(&body, r, cf, y + 6);
	}
	y = draw_legend(&body, r, y + 4);
	height = (int)y + 10;

	svg_document(sb, W, height, &body);
	free(colours);
}

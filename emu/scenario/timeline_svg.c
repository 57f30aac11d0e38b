/*
 * Timeline SVG of a scenario run (timeline_svg.h). Plain SVG 1.1 text,
 * nothing external, so a browser, an image viewer or a CI artifact page
 * shows it as is.
 */
#include <inttypes.h>
#include <string.h>

#include "timeline_svg.h"

#define W	 1200
#define LEFT	 120
#define RIGHT	 30
#define TOP	 50
#define ROW_H	 34
#define BAR_H	 22
#define MAX_INST 16

static const char *const palette[] = {
	"#1f77b4",
	"#ff7f0e",
	"#2ca02c",
	"#9467bd",
	"#8c564b",
	"#e377c2",
	"#17becf",
	"#bcbd22",
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

struct scale {
	int64_t t0;
	int64_t t1;
};

static double
xpos(const struct scale *sc, int64_t t)
{
	double span = (double)(sc->t1 - sc->t0);

	if (t < sc->t0)
		t = sc->t0;
	if (t > sc->t1)
		t = sc->t1;
	return LEFT + (span > 0 ? (double)(t - sc->t0) / span : 0) * (W - LEFT - RIGHT);
}

/* Instances in order of their names, so that a colour means the same across runs. */
static size_t
collect_instances(const struct probe_log *logs, size_t nlogs, char inst[MAX_INST][SCN_INST_MAX])
{
	size_t n = 0;

	for (size_t c = 0; c < nlogs; c++) {
		for (size_t i = 0; i < logs[c].n; i++) {
			const struct probe_rec *r = &logs[c].recs[i];
			size_t k;

			if (r->status != PROBE_OK)
				continue;
			for (k = 0; k < n; k++)
				if (strcmp(inst[k], r->inst) == 0)
					break;
			if (k == n && n < MAX_INST)
				memcpy(inst[n++], r->inst, SCN_INST_MAX);
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(inst[j - 1], inst[j]) > 0; j--) {
			char t[SCN_INST_MAX];

			memcpy(t, inst[j], SCN_INST_MAX);
			memcpy(inst[j], inst[j - 1], SCN_INST_MAX);
			memcpy(inst[j - 1], t, SCN_INST_MAX);
		}
	return n;
}

static const char *
colour_of(char inst[MAX_INST][SCN_INST_MAX], size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(inst[k], name) == 0)
			return palette[k % NPALETTE];
	return "#999999";
}

static void
rect(struct strbuf *sb, double x0, double x1, double y, double h, const char *fill,
    const char *title)
{
	if (x1 - x0 < 0.5)
		x1 = x0 + 0.5;
	sb_printf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x0,
	    y, x1 - x0, h, fill);
	if (title) {
		sb_puts(sb, "<title>");
		results_xml_escape(sb, title);
		sb_puts(sb, "</title>");
	}
	sb_puts(sb, "</rect>\n");
}

/* One client's row: runs of answers by one instance as bars, runs of losses underlined red. */
static void
draw_row(struct strbuf *sb, const struct scale *sc, const struct probe_log *l, double y,
    char inst[MAX_INST][SCN_INST_MAX], size_t ninst, int64_t period_us)
{
	size_t i = 0;

	while (i < l->n) {
		const struct probe_rec *first = &l->recs[i];
		bool ok = first->status == PROBE_OK;
		size_t j = i + 1;
		int64_t end;
		char title[160];

		while (j < l->n && (l->recs[j].status == PROBE_OK) == ok &&
		    (!ok || strcmp(l->recs[j].inst, first->inst) == 0))
			j++;
		end = j < l->n ? l->recs[j].sent_us : l->recs[j - 1].sent_us + period_us;
		if (ok) {
			snprintf(title, sizeof(title), "%s: %zu answers, +%.3f s to +%.3f s",
			    first->inst, j - i, (double)(first->sent_us - sc->t0) / 1e6,
			    (double)(end - sc->t0) / 1e6);
			rect(sb, xpos(sc, first->sent_us), xpos(sc, end), y, BAR_H,
			    colour_of(inst, ninst, first->inst), title);
		} else {
			snprintf(title, sizeof(title),
			    "%zu queries without answer, +%.3f s to +%.3f s", j - i,
			    (double)(first->sent_us - sc->t0) / 1e6, (double)(end - sc->t0) / 1e6);
			rect(sb, xpos(sc, first->sent_us), xpos(sc, end), y + BAR_H - 3, 3,
			    "#d62728", title);
		}
		i = j;
	}
}

static const char *
step_colour(const struct run_result *r, size_t i)
{
	const struct scn_step *st = &r->scenario->steps[i];

	switch (r->steps[i].status) {
	case RES_PASS:
		return "#2ca02c";
	case RES_FAIL:
	case RES_ERROR:
		return "#d62728";
	default:
		break;
	}
	if (scn_undo_kind(st->kind) >= 0)
		return "#d62728"; /* a fault */
	return "#555555";
}

void
timeline_svg(const struct run_result *r, const struct probe_log *logs, struct strbuf *sb)
{
	const struct scenario *s = r->scenario;
	char inst[MAX_INST][SCN_INST_MAX];
	size_t ninst = collect_instances(logs, r->nclients, inst);
	struct scale sc = { r->start_us, r->end_us > r->start_us ? r->end_us : r->start_us + 1 };
	double plot_bottom = TOP + (double)r->nclients * ROW_H + 10;
	int64_t period = s->probe.rate ? 1000000 / s->probe.rate : 10000;
	double span_s = (double)(sc.t1 - sc.t0) / 1e6, tick = 1;
	double legend_y = plot_bottom + 50;
	int height;

	height = (int)legend_y + 24 + (int)((ninst + 5) / 6) * 20 + (int)s->nsteps * 16 + 20;
	sb_printf(sb,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
	    W, height, W, height);
	sb_printf(sb, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W,
	    height);
	sb_puts(sb, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">");
	results_xml_escape(sb, s->name);
	sb_puts(sb, " on lab ");
	results_xml_escape(sb, r->lab);
	sb_printf(sb, ": %s</text>\n", r->passed ? "PASS" : "FAIL");
	sb_printf(sb,
	    "<text x=\"10\" y=\"40\" fill=\"#555555\">%u queries/s per client; bars: "
	    "answering instance; red underline: no answer</text>\n",
	    s->probe.rate);

	/* Time axis with ticks at 1, 2, 5, 10, ... seconds. */
	while (span_s / tick > 15)
		tick = tick == 1 ? 2 : tick == 2 ? 5 : tick * 2;
	sb_printf(sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333333\"/>\n",
	    LEFT, plot_bottom, W - RIGHT, plot_bottom);
	for (double t = 0; t <= span_s + 1e-9; t += tick) {
		double x = xpos(&sc, sc.t0 + (int64_t)(t * 1e6));

		sb_printf(sb,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#333333\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\">%gs</text>\n",
		    x, plot_bottom, x, plot_bottom + 5, x, plot_bottom + 18, t);
	}
	for (size_t c = 0; c < r->nclients; c++) {
		double y = TOP + (double)c * ROW_H;

		sb_printf(sb, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", LEFT - 8,
		    y + BAR_H - 6);
		results_xml_escape(sb, r->clients[c].name);
		sb_puts(sb, "</text>\n");
		sb_printf(sb, "<g id=\"client-%zu\">\n", c);
		draw_row(sb, &sc, &logs[c], y, inst, ninst, period);
		sb_puts(sb, "</g>\n");
	}
	/* Steps: actions as vertical lines, expectations as ticks where they ended. */
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct res_step *rs = &r->steps[i];
		bool action = scn_is_action(s->steps[i].kind);
		double x;

		if (rs->status == RES_NOT_RUN)
			continue;
		x = xpos(&sc, action ? rs->end_us : rs->end_us);
		sb_printf(sb, "<g class=\"step\"><title>%zu. ", i + 1);
		results_xml_escape(sb, s->steps[i].label);
		sb_printf(sb, " (%s)</title>", res_status_names[rs->status]);
		if (action)
			sb_printf(sb,
			    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			    "stroke-dasharray=\"4,3\"/>",
			    x, TOP - 6, x, plot_bottom, step_colour(r, i));
		else
			sb_printf(sb,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			    "stroke-width=\"3\"/>",
			    x, plot_bottom - 8, x, plot_bottom + 2, step_colour(r, i));
		sb_printf(sb,
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
		    "fill=\"%s\">%zu</text></g>\n",
		    x, action ? (double)TOP - 8 : plot_bottom + 30, step_colour(r, i), i + 1);
	}
	/* Legend: instances, then steps. */
	for (size_t k = 0; k < ninst; k++) {
		double x = 10 + (double)(k % 6) * 190, y = legend_y + (double)(k / 6) * 20;

		sb_printf(sb,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"12\" fill=\"%s\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\">",
		    x, y - 10, palette[k % NPALETTE], x + 20, y);
		results_xml_escape(sb, inst[k]);
		sb_puts(sb, "</text>\n");
	}
	legend_y += (double)((ninst + 5) / 6) * 20 + 10;
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct res_step *rs = &r->steps[i];

		sb_printf(sb, "<text x=\"10\" y=\"%.1f\" fill=\"%s\">%zu. ",
		    legend_y + (double)i * 16,
		    rs->status == RES_NOT_RUN ? "#999999" : step_colour(r, i), i + 1);
		results_xml_escape(sb, s->steps[i].label);
		if (rs->status != RES_NOT_RUN)
			sb_printf(sb, " at +%.3f s", (double)(rs->end_us - r->start_us) / 1e6);
		sb_printf(sb, ": %s", res_status_names[rs->status]);
		if (rs->detail[0]) {
			sb_puts(sb, " (");
			results_xml_escape(sb, rs->detail);
			sb_puts(sb, ")");
		}
		sb_puts(sb, "</text>\n");
	}
	sb_puts(sb, "</svg>\n");
}

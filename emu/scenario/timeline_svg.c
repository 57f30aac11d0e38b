/*
 * Timeline SVG of a scenario run (timeline_svg.h). Plain SVG 1.1 text,
 * nothing external, so a browser, an image viewer, a CI artifact page or
 * the HTML report (report.c, which embeds it) shows it as is.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "textbuf.h"
#include "timeline_svg.h"

#define W	   1200
#define LEFT	   120
#define RIGHT	   30
#define HEAD_H	   50  /* title and subtitle */
#define PANEL_HEAD 44  /* a panel's title and its row of step labels, above its rows */
#define PANEL_FOOT 60  /* its axis and tick labels, and space below */
#define ZOOM_MAX   0.8 /* a zoomed panel when the faults take less of the run than this */
#define ROW_H	   34
#define BAR_H	   22
#define CHAR_W	   6.5 /* an upper bound on a character's advance at 10 px (digits, ',', '-') */
#define LABEL_PAD  3.0
#define MERGE_PX   2.0 /* markers closer than this cannot be told apart */
#define FAULT_FILL "#fbe3e3"
/*
 * More clients than ROWS_MAX: a row per block of consecutive clients (in
 * probe order), at most ROWS_MAX rows, each cut into BUCKETS time buckets
 * across the panel, so that the picture's size does not grow with the clients.
 */
#define ROWS_MAX   64
#define BUCKETS	   240
#define STRIP_H	   7 /* a block's row: the second instance's strip under its bar */

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

/* One panel: a time range drawn across the width, its rows and step labels. */
struct scale {
	int64_t origin; /* the run's start: times are shown from it */
	int64_t t0;	/* the panel's range */
	int64_t t1;
	double band_y; /* baseline of the step labels */
	double top;    /* top of the first client's row */
	double bottom; /* the axis */
};

struct marker {
	double x;
	size_t step; /* index into the scenario's steps */
};

static double xpos(const struct scale *, int64_t t);
static void rect(struct strbuf *, double x0, double x1, double y, double h, const char *fill,
    const char *title);
static void draw_row(struct strbuf *, const struct run_result *, const struct scale *,
    const struct probe_log *, double y, int64_t period_us);
static void draw_block(struct strbuf *, const struct run_result *, const struct scale *,
    const struct probe_log *logs, size_t first, size_t n, double y);
static void block_label(struct strbuf *, const struct run_result *, size_t first, size_t n,
    double y);
static const char *step_colour(const struct run_result *, size_t i);
static void label_text(const size_t *num, size_t n, char *out, size_t len);
static void label_place(const double *x, const size_t *num, struct tl_label *out, size_t ng,
    double xmin, double xmax);
static double axis_tick(double span_s);
static void draw_axis(struct strbuf *, const struct scale *);
static void draw_faults(struct strbuf *, const struct run_result *, const struct scale *);
static void draw_steps(struct strbuf *, const struct run_result *, const struct scale *);
static double draw_panel(struct strbuf *, const struct run_result *, const struct probe_log *,
    struct scale *, double y, const char *title);
static double draw_legend(struct strbuf *, const struct run_result *, double y);

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

void
svg_document(struct strbuf *sb, int width, int height, struct strbuf *body)
{
	sb_printf(sb,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
	    width, height, width, height);
	sb_printf(sb, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width,
	    height);
	sb_add(sb, sb_str(body), body->len);
	sb_puts(sb, "</svg>\n");
	sb_free(body);
}

/* A bucket's instance: index into r->instances, r->ninstances for one not there. */
static size_t
block_inst(const struct run_result *r, const char *inst)
{
	int k = results_instance_index(r, inst);

	return k < 0 ? r->ninstances : (size_t)k;
}

static const char *
block_colour(const struct run_result *r, size_t k)
{
	return k < r->ninstances ? palette[k % NPALETTE] : "#999999";
}

const char *
timeline_colour(const struct run_result *r, const char *inst)
{
	return block_colour(r, block_inst(r, inst));
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
		sb_xml_str(sb, title);
		sb_puts(sb, "</title>");
	}
	sb_puts(sb, "</rect>\n");
}

/* One client's row: runs of answers by one instance as bars, runs of losses underlined red. */
static void
draw_row(struct strbuf *sb, const struct run_result *r, const struct scale *sc,
    const struct probe_log *l, double y, int64_t period_us)
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
		if (end < sc->t0 || first->sent_us > sc->t1) {
			i = j; /* outside the panel */
			continue;
		}
		if (ok) {
			snprintf(title, sizeof(title), "%s: %zu answers, +%.3f s to +%.3f s",
			    first->inst, j - i, (double)(first->sent_us - sc->origin) / 1e6,
			    (double)(end - sc->origin) / 1e6);
			rect(sb, xpos(sc, first->sent_us), xpos(sc, end), y, BAR_H,
			    timeline_colour(r, first->inst), title);
		} else {
			snprintf(title, sizeof(title),
			    "%zu queries without answer, +%.3f s to +%.3f s", j - i,
			    (double)(first->sent_us - sc->origin) / 1e6,
			    (double)(end - sc->origin) / 1e6);
			rect(sb, xpos(sc, first->sent_us), xpos(sc, end), y + BAR_H - 3, 3,
			    "#d62728", title);
		}
		i = j;
	}
}

/*
 * A block of clients' row, per time bucket: a bar coloured by the instance
 * that answered most of their queries, a strip under it coloured by the
 * instance that answered the next most (when another did), a red underline
 * where any query got no answer. A bucket without any query carries the one
 * before it on (a slow probe rate), up to the block's last query. Runs of
 * equal buckets are one rectangle, its title the counts.
 */
static void
draw_block(struct strbuf *sb, const struct run_result *r, const struct scale *sc,
    const struct probe_log *logs, size_t first, size_t n, double y)
{
	size_t ni = r->ninstances + 1, last = 0;
	uint32_t *cnt = calloc(BUCKETS * ni, sizeof(*cnt));
	uint32_t lost[BUCKETS] = { 0 }, total[BUCKETS] = { 0 };
	int major[BUCKETS], second[BUCKETS], red[BUCKETS];
	double span = (double)(sc->t1 - sc->t0);
	bool any = false;

	if (cnt == NULL)
		fatal("out of memory");
	for (size_t c = first; c < first + n; c++) {
		for (size_t i = 0; i < logs[c].n; i++) {
			const struct probe_rec *rec = &logs[c].recs[i];
			size_t b;

			if (rec->sent_us < sc->t0 || rec->sent_us > sc->t1)
				continue;
			b = span > 0 ? (size_t)((double)(rec->sent_us - sc->t0) / span * BUCKETS) :
				       0;
			if (b >= BUCKETS)
				b = BUCKETS - 1;
			if (rec->status == PROBE_OK) {
				cnt[b * ni + block_inst(r, rec->inst)]++;
				total[b]++;
			} else {
				lost[b]++;
			}
			if (!any || b > last)
				last = b;
			any = true;
		}
	}
	for (size_t b = 0; b < BUCKETS; b++) {
		major[b] = second[b] = -1;
		red[b] = lost[b] > 0;
		for (size_t k = 0; k < ni; k++) {
			uint32_t v = cnt[b * ni + k];

			if (v == 0)
				continue;
			if (major[b] < 0 || v > cnt[b * ni + (size_t)major[b]]) {
				second[b] = major[b];
				major[b] = (int)k;
			} else if (second[b] < 0 || v > cnt[b * ni + (size_t)second[b]]) {
				second[b] = (int)k;
			}
		}
		if (b > 0 && b <= last && total[b] == 0 && lost[b] == 0) {
			major[b] = major[b - 1];
			second[b] = second[b - 1];
			red[b] = red[b - 1];
		}
	}
	for (int layer = 0; any && layer < 3; layer++) {
		for (size_t b = 0; b <= last;) {
			int key = layer == 0 ? major[b] : layer == 1 ? second[b] : red[b];
			uint64_t by = 0, answers = 0, nlost = 0;
			int64_t t0, t1;
			size_t e = b;
			char title[256];

			for (; e <= last; e++) {
				int k2 = layer == 0 ? major[e] : layer == 1 ? second[e] : red[e];

				if (k2 != key)
					break;
				by += key >= 0 && layer < 2 ? cnt[e * ni + (size_t)key] : 0;
				answers += total[e];
				nlost += lost[e];
			}
			t0 = sc->t0 + (int64_t)(span * (double)b / BUCKETS);
			t1 = sc->t0 + (int64_t)(span * (double)e / BUCKETS);
			if (layer == 2 ? key > 0 : key >= 0) {
				const char *name = layer < 2 && (size_t)key < r->ninstances ?
				    r->instances[key] :
				    "another instance";

				if (layer == 0)
					snprintf(title, sizeof(title),
					    "%s answered most: %" PRIu64 " of %" PRIu64
					    " answers (%" PRIu64 " queries without answer), "
					    "+%.3f s to +%.3f s",
					    name, by, answers, nlost,
					    (double)(t0 - sc->origin) / 1e6,
					    (double)(t1 - sc->origin) / 1e6);
				else if (layer == 1)
					snprintf(title, sizeof(title),
					    "%s answered the next most: %" PRIu64 " of %" PRIu64
					    " answers, +%.3f s to +%.3f s",
					    name, by, answers, (double)(t0 - sc->origin) / 1e6,
					    (double)(t1 - sc->origin) / 1e6);
				else
					snprintf(title, sizeof(title),
					    "%" PRIu64 " queries without answer (%" PRIu64
					    " answered), +%.3f s to +%.3f s",
					    nlost, answers, (double)(t0 - sc->origin) / 1e6,
					    (double)(t1 - sc->origin) / 1e6);
				if (layer == 0)
					rect(sb, xpos(sc, t0), xpos(sc, t1), y, BAR_H,
					    block_colour(r, (size_t)key), title);
				else if (layer == 1)
					rect(sb, xpos(sc, t0), xpos(sc, t1),
					    y + BAR_H - 3 - STRIP_H, STRIP_H,
					    block_colour(r, (size_t)key), title);
				else
					rect(sb, xpos(sc, t0), xpos(sc, t1), y + BAR_H - 3, 3,
					    "#d62728", title);
			}
			b = e;
		}
	}
	free(cnt);
}

/* A block's label: its first and last client ("s001-c1 .. s002-c17"), every name in its title. */
static void
block_label(struct strbuf *sb, const struct run_result *r, size_t first, size_t n, double y)
{
	sb_printf(sb, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"9\"><title>",
	    LEFT - 8, y + BAR_H - 7);
	sb_printf(sb, "%zu clients: ", n);
	sb_xml_str(sb, r->clients[first].name);
	sb_puts(sb, " to ");
	sb_xml_str(sb, r->clients[first + n - 1].name);
	sb_puts(sb, "</title>");
	sb_xml_str(sb, r->clients[first].name);
	if (n > 1) {
		sb_puts(sb, " .. ");
		sb_xml_str(sb, r->clients[first + n - 1].name);
	}
	sb_puts(sb, "</text>\n");
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

/* ---- step labels ---- */

double
timeline_label_width(const char *text)
{
	return (double)strlen(text) * CHAR_W + 2 * LABEL_PAD;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Step numbers as a list with runs of three or more as ranges: "1-4,6,8". */
static void
label_text(const size_t *num, size_t n, char *out, size_t len)
{
	size_t *v = calloc(n ? n : 1, sizeof(*v));
	struct textbuf tb;

	if (v == NULL)
		fatal("out of memory");
	memcpy(v, num, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_size);
	tb_init(&tb, out, len);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && v[j + 1] <= v[j] + 1)
			j++;
		tb_sep(&tb, ",");
		if (v[j] >= v[i] + 2)
			tb_printf(&tb, "%zu-%zu", v[i], v[j]);
		else if (v[j] == v[i] + 1)
			tb_printf(&tb, "%zu,%zu", v[i], v[j]);
		else
			tb_printf(&tb, "%zu", v[i]);
		i = j + 1;
	}
	if (tb.cut) /* too many gaps to list: the range */
		snprintf(out, len, "%zu..%zu", v[0], v[n - 1]);
	free(v);
}

/*
 * Each label centred over its markers, then pushed right of its left
 * neighbour, then pulled back left of its right neighbour and the right edge.
 */
static void
label_place(const double *x, const size_t *num, struct tl_label *g, size_t ng, double xmin,
    double xmax)
{
	for (size_t i = 0; i < ng; i++) {
		double w, c;

		label_text(num + g[i].first, g[i].n, g[i].text, sizeof(g[i].text));
		g[i].mark0 = x[g[i].first];
		g[i].mark1 = x[g[i].first + g[i].n - 1];
		w = timeline_label_width(g[i].text);
		c = (g[i].mark0 + g[i].mark1) / 2;
		g[i].x0 = c - w / 2;
		if (g[i].x0 < xmin)
			g[i].x0 = xmin;
		if (i > 0 && g[i].x0 < g[i - 1].x1 + TL_LABEL_GAP)
			g[i].x0 = g[i - 1].x1 + TL_LABEL_GAP;
		g[i].x1 = g[i].x0 + w;
	}
	for (size_t i = ng; i-- > 0;) {
		double lim = i + 1 < ng ? g[i + 1].x0 - TL_LABEL_GAP : xmax;

		if (g[i].x1 > lim) {
			g[i].x0 -= g[i].x1 - lim;
			g[i].x1 = lim;
		}
	}
}

size_t
timeline_label_layout(const double *x, const size_t *num, size_t n, double xmin, double xmax,
    struct tl_label *g)
{
	size_t ng = 0;

	for (size_t i = 0; i < n; i++) {
		if (ng > 0 && x[i] - x[g[ng - 1].first] < MERGE_PX) {
			g[ng - 1].n++;
			continue;
		}
		memset(&g[ng], 0, sizeof(g[ng]));
		g[ng].first = i;
		g[ng++].n = 1;
	}
	while (ng > 1) {
		size_t worst = ng, into;
		double worst_by = 0;

		label_place(x, num, g, ng, xmin, xmax);
		for (size_t i = 0; i < ng; i++) {
			double shift = (g[i].x0 + g[i].x1) / 2 - (g[i].mark0 + g[i].mark1) / 2;
			double bad = fabs(shift) > TL_LABEL_MAX_SHIFT ? fabs(shift) : 0;

			if (g[i].x0 < xmin - 1e-9 ||
			    (i > 0 && g[i].x0 < g[i - 1].x1 + TL_LABEL_GAP - 1e-9))
				bad = INFINITY; /* no room left in the row */
			if (bad > worst_by) {
				worst = i;
				worst_by = bad;
			}
		}
		if (worst == ng)
			return ng;
		/* Merge it with the neighbour that pushed it: left when it sits right of its markers. */
		if (worst == 0)
			into = 0;
		else if (worst == ng - 1)
			into = worst - 1;
		else
			into = (g[worst].x0 + g[worst].x1) / 2 >
				(g[worst].mark0 + g[worst].mark1) / 2 ?
			    worst - 1 :
			    worst;
		g[into].n += g[into + 1].n;
		memmove(&g[into + 1], &g[into + 2], (ng - into - 2) * sizeof(*g));
		ng--;
	}
	if (ng == 1)
		label_place(x, num, g, ng, xmin, xmax);
	return ng;
}

/* ---- the picture ---- */

/* 1, 2 or 5 times a power of ten: at most 12 ticks over the span. */
static double
axis_tick(double span_s)
{
	static const double mant[] = { 1, 2, 5 };

	for (double p = 0.001;; p *= 10)
		for (size_t i = 0; i < 3; i++)
			if (span_s / (mant[i] * p) <= 12)
				return mant[i] * p;
}

static void
draw_axis(struct strbuf *sb, const struct scale *sc)
{
	double y = sc->bottom, tick = axis_tick((double)(sc->t1 - sc->t0) / 1e6);
	double from = (double)(sc->t0 - sc->origin) / 1e6, to = (double)(sc->t1 - sc->origin) / 1e6;

	sb_printf(sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333333\"/>\n",
	    LEFT, y, W - RIGHT, y);
	for (long k = (long)ceil(from / tick - 1e-9); (double)k * tick <= to + 1e-9; k++) {
		double t = (double)k * tick, x = xpos(sc, sc->origin + (int64_t)llround(t * 1e6));

		sb_printf(sb,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#333333\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\">%gs</text>\n",
		    x, y, x, y + 5, x, y + 18, round(t * 1e6) / 1e6);
	}
}

/* Each fault's window, from its action to its undo (or the window's end), shaded. */
static void
draw_faults(struct strbuf *sb, const struct run_result *r, const struct scale *sc)
{
	for (size_t f = 0; f < r->nfaults; f++) {
		const struct meas_fault *w = &r->faults[f].window;
		int64_t end = w->undo_us ? w->undo_us : w->end_us;
		char title[256];
		struct textbuf tb;

		tb_init(&tb, title, sizeof(title));
		tb_printf(&tb, "fault \"%s\", +%.3f s to ", w->label,
		    (double)(w->start_us - r->start_us) / 1e6);
		if (w->undo_us)
			tb_printf(&tb, "its undo at +%.3f s", (double)(end - r->start_us) / 1e6);
		else
			tb_printf(&tb, "+%.3f s (not undone)", (double)(end - r->start_us) / 1e6);
		sb_puts(sb, "<g class=\"fault\">");
		if (end < sc->t0 || w->start_us > sc->t1)
			continue;
		rect(sb, xpos(sc, w->start_us), xpos(sc, end), sc->top - 4,
		    sc->bottom - sc->top + 4, FAULT_FILL, title);
		sb_puts(sb, "</g>\n");
	}
}

/*
 * Steps: actions as dashed lines through the rows, expectations as dotted
 * lines and a tick on the axis where they ended; their numbers in one row of
 * labels above, each joined to its steps by leader lines.
 */
static void
draw_steps(struct strbuf *sb, const struct run_result *r, const struct scale *sc)
{
	double bottom = sc->bottom;
	const struct scenario *s = r->scenario;
	struct marker *m = calloc(s->nsteps ? s->nsteps : 1, sizeof(*m));
	struct tl_label *lab = calloc(s->nsteps ? s->nsteps : 1, sizeof(*lab));
	double *x = calloc(s->nsteps ? s->nsteps : 1, sizeof(*x));
	size_t *num = calloc(s->nsteps ? s->nsteps : 1, sizeof(*num));
	size_t n = 0, nl;

	if (m == NULL || lab == NULL || x == NULL || num == NULL)
		fatal("out of memory");
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct res_step *rs = &r->steps[i];
		bool action = scn_is_action(s->steps[i].kind);
		double mx;
		size_t k;

		if (rs->status == RES_NOT_RUN || rs->end_us < sc->t0 || rs->end_us > sc->t1)
			continue;
		mx = xpos(sc, rs->end_us);
		sb_printf(sb, "<g class=\"step\"><title>%zu. ", i + 1);
		sb_xml_str(sb, s->steps[i].label);
		sb_printf(sb, " (%s)</title>", res_status_names[rs->status]);
		if (action)
			sb_printf(sb,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			    "stroke-dasharray=\"4,3\"/>",
			    mx, sc->top - 6, mx, bottom, step_colour(r, i));
		else
			sb_printf(sb,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			    "stroke-opacity=\"0.45\" stroke-dasharray=\"1,2\"/>"
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			    "stroke-width=\"3\"/>",
			    mx, sc->top - 6, mx, bottom, step_colour(r, i), mx, bottom - 8, mx,
			    bottom + 2, step_colour(r, i));
		sb_puts(sb, "</g>\n");
		/* In time order (steps run one after the other; insertion keeps it stable). */
		k = n++;
		while (k > 0 && m[k - 1].x > mx) {
			m[k] = m[k - 1];
			k--;
		}
		m[k] = (struct marker){ mx, i };
	}
	for (size_t i = 0; i < n; i++) {
		x[i] = m[i].x;
		num[i] = m[i].step + 1;
	}
	nl = timeline_label_layout(x, num, n, 4, W - 4, lab);
	for (size_t l = 0; l < nl; l++) {
		double c = (lab[l].x0 + lab[l].x1) / 2;
		const char *colour = "#555555";
		bool failed = false;

		for (size_t k = lab[l].first; k < lab[l].first + lab[l].n; k++) {
			enum res_status st = r->steps[m[k].step].status;

			failed |= st == RES_FAIL || st == RES_ERROR;
		}
		if (lab[l].n == 1)
			colour = step_colour(r, m[lab[l].first].step);
		else if (failed)
			colour = "#d62728";
		sb_printf(sb, "<g class=\"step-label\" data-steps=\"%s\">", lab[l].text);
		for (size_t k = lab[l].first; k < lab[l].first + lab[l].n; k++)
			sb_printf(sb,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			    "stroke=\"#999999\" stroke-width=\"0.8\"/>",
			    c, sc->band_y + 3, m[k].x, sc->top - 6);
		sb_printf(sb,
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
		    "fill=\"%s\">%s</text></g>\n",
		    c, sc->band_y, colour, lab[l].text);
	}
	free(m);
	free(lab);
	free(x);
	free(num);
}

/* Instances, then the steps with their times; returns the y below the legend. */
static double
draw_legend(struct strbuf *sb, const struct run_result *r, double y)
{
	const struct scenario *s = r->scenario;
	double x = 10;

	for (size_t k = 0; k < r->ninstances; k++, x += 150) {
		if (x > W - 150) {
			x = 10;
			y += 20;
		}
		sb_printf(sb,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"12\" fill=\"%s\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\">",
		    x, y - 10, palette[k % NPALETTE], x + 20, y);
		sb_xml_str(sb, r->instances[k]);
		sb_puts(sb, "</text>\n");
	}
	if (x > W - 300) {
		x = 10;
		y += 20;
	}
	sb_printf(sb,
	    "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"12\" fill=\"%s\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\">a fault, from its action to its undo</text>\n",
	    x, y - 10, FAULT_FILL, x + 20, y);
	y += 30;
	for (size_t i = 0; i < s->nsteps; i++, y += 16) {
		const struct res_step *rs = &r->steps[i];

		sb_printf(sb, "<text x=\"10\" y=\"%.1f\" fill=\"%s\">%zu. ", y,
		    rs->status == RES_NOT_RUN ? "#999999" : step_colour(r, i), i + 1);
		sb_xml_str(sb, s->steps[i].label);
		if (rs->status != RES_NOT_RUN)
			sb_printf(sb, " at +%.3f s", (double)(rs->end_us - r->start_us) / 1e6);
		sb_printf(sb, ": %s", res_status_names[rs->status]);
		if (rs->detail[0]) {
			sb_puts(sb, " (");
			sb_xml_str(sb, rs->detail);
			sb_puts(sb, ")");
		}
		sb_puts(sb, "</text>\n");
	}
	return y;
}

/* A panel at y: its title, fault windows, rows, axis and steps. Returns the y below it. */
static double
draw_panel(struct strbuf *sb, const struct run_result *r, const struct probe_log *logs,
    struct scale *sc, double y, const char *title)
{
	int64_t period = r->scenario->probe.rate > 0 ? llround(1e6 / r->scenario->probe.rate) :
						       10000;
	size_t per = r->nclients > ROWS_MAX ? (r->nclients + ROWS_MAX - 1) / ROWS_MAX : 1;
	size_t rows = per > 1 ? (r->nclients + per - 1) / per : r->nclients;

	sc->band_y = y + 34;
	sc->top = y + PANEL_HEAD + 20;
	sc->bottom = sc->top + (double)rows * ROW_H + 4;
	sb_printf(sb, "<g class=\"panel\"><text x=\"10\" y=\"%.1f\" font-weight=\"bold\">", y + 14);
	sb_xml_str(sb, title);
	if (per > 1)
		sb_printf(sb,
		    "<tspan font-weight=\"normal\" fill=\"#555555\">; %zu clients, a row per "
		    "%zu in probe order: the instance that answered most of them, under it the "
		    "next, red where any query got no answer</tspan>",
		    r->nclients, per);
	sb_printf(sb, "</text>\n");
	draw_faults(sb, r, sc);
	for (size_t row = 0; per > 1 && row < rows; row++) {
		double ry = sc->top + (double)row * ROW_H + 4;
		size_t first = row * per, n = r->nclients - first < per ? r->nclients - first : per;

		block_label(sb, r, first, n, ry);
		sb_printf(sb, "<g class=\"clients\" data-first=\"%zu\" data-last=\"%zu\">\n", first,
		    first + n - 1);
		draw_block(sb, r, sc, logs, first, n, ry);
		sb_puts(sb, "</g>\n");
	}
	for (size_t c = 0; per == 1 && c < r->nclients; c++) {
		double ry = sc->top + (double)c * ROW_H + 4;

		sb_printf(sb, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", LEFT - 8,
		    ry + BAR_H - 6);
		sb_xml_str(sb, r->clients[c].name);
		sb_puts(sb, "</text>\n");
		sb_printf(sb, "<g class=\"client\" data-client=\"%zu\">\n", c);
		draw_row(sb, r, sc, &logs[c], ry, period);
		sb_puts(sb, "</g>\n");
	}
	draw_axis(sb, sc);
	draw_steps(sb, r, sc);
	sb_puts(sb, "</g>\n");
	return sc->bottom + PANEL_FOOT - 20;
}

void
timeline_svg(const struct run_result *r, const struct probe_log *logs, struct strbuf *sb)
{
	const struct scenario *s = r->scenario;
	int64_t end = r->end_us > r->start_us ? r->end_us : r->start_us + 1;
	struct scale whole = { r->start_us, r->start_us, end, 0, 0, 0 };
	struct strbuf body = STRBUF_INIT;
	char title[128];
	double y;
	int height;

	sb_puts(&body, "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">");
	sb_xml_str(&body, s->name);
	sb_puts(&body, " on lab ");
	sb_xml_str(&body, r->lab);
	sb_printf(&body, ": %s</text>\n", r->passed ? "PASS" : "FAIL");
	sb_printf(&body,
	    "<text x=\"10\" y=\"40\" fill=\"#555555\">%g queries/s per client, %.1f s of steady "
	    "state before the first step; bars: answering instance; red underline: no "
	    "answer; numbers: steps</text>\n",
	    s->probe.rate, (double)s->probe.lead_in_ms / 1e3);
	snprintf(title, sizeof(title), "the whole run, %.3f s", (double)(end - r->start_us) / 1e6);
	y = draw_panel(&body, r, logs, &whole, HEAD_H, title);
	if (r->nfaults > 0) {
		/* Around the faults: from a little before the first to the end. */
		int64_t f0 = r->faults[0].window.start_us, lead = (end - f0) / 5;
		struct scale zoom = { r->start_us, 0, end, 0, 0, 0 };

		if (lead < 200000)
			lead = 200000;
		zoom.t0 = f0 - lead > r->start_us ? f0 - lead : r->start_us;
		if ((double)(end - zoom.t0) < ZOOM_MAX * (double)(end - r->start_us)) {
			snprintf(title, sizeof(title), "around the faults, +%.3f s to +%.3f s",
			    (double)(zoom.t0 - r->start_us) / 1e6,
			    (double)(end - r->start_us) / 1e6);
			y = draw_panel(&body, r, logs, &zoom, y, title);
		}
	}
	y = draw_legend(&body, r, y + 10);
	height = (int)y + 10;

	svg_document(sb, W, height, &body);
}

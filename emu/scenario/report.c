/*
 * The HTML report of a scenario run (report.h): the page written from a
 * run_result, the topology picture asked of `anylab graph`, and the
 * relative links. The page is HTML5 that is also well-formed XML (void
 * elements closed, every attribute quoted), so the tests can check it with
 * an XML checker and a browser alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anylab.h"
#include "catchment_svg.h"
#include "report.h"
#include "textbuf.h"
#include "timeline_svg.h"

#define SVG_MAX	    (8u << 20) /* the most of a topology picture kept */
#define CLIENTS_MAX 500 /* per-client tables up to this many clients (results.json has all) */
#define NAMES_MAX   20	/* collateral clients named on the page */
#define WORST_MAX   100 /* more clients: the probes' table lists this many of the worst */

extern char **environ;

static const char *const css =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;"
    "margin:0;background:#f4f5f7}\n"
    "main{max-width:1280px;margin:0 auto;padding:0 20px 40px}\n"
    "header.verdict{padding:14px 20px;color:#fff}\n"
    "header.pass{background:#2e7d32}header.fail{background:#c62828}\n"
    "header h1{margin:0;font-size:26px}header p{margin:4px 0 0}\n"
    "nav{margin:10px 0;font-size:13px}nav a{margin-right:14px}\n"
    "section{background:#fff;border:1px solid #dde;border-radius:6px;padding:6px 16px 14px;"
    "margin:14px 0}\n"
    "h2{font-size:18px;margin:10px 0}h3{font-size:15px;margin:12px 0 6px}\n"
    "table{border-collapse:collapse;font-size:13px}\n"
    "th,td{border-bottom:1px solid #e3e3e8;padding:3px 10px 3px 0;text-align:left;"
    "vertical-align:top}\n"
    "th{color:#555;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.detail{color:#444;max-width:520px;overflow-wrap:anywhere}\n"
    ".st{font-weight:700;padding:0 6px;border-radius:3px;color:#fff;white-space:nowrap}\n"
    ".st-pass{background:#2e7d32}.st-fail,.st-error{background:#c62828}\n"
    ".st-done{background:#607d8b}.st-unsupported{background:#ef6c00}\n"
    ".st-not-run{background:#9e9e9e}\n"
    ".inst{display:inline-block;min-width:52px;padding:0 6px;border-radius:3px;color:#fff;"
    "text-align:center}\n"
    ".none{color:#999}.muted{color:#666}.error{color:#c62828;font-weight:600}\n"
    ".pic{overflow-x:auto}.pic svg{max-width:100%;height:auto}\n"
    "p.unavailable{color:#8a5a00;background:#fff6e0;padding:6px 10px;border-radius:4px}\n"
    "ul.files{columns:2;font-size:13px}\n"
    "footer{color:#777;font-size:12px}\n";

static void fmt_dur(int64_t us, char *buf, size_t len);
static void fmt_at(const struct run_result *, int64_t t_us, char *buf, size_t len);
static void url_escape(struct strbuf *, const char *);
static void file_link(struct strbuf *, const char *rundir, const char *path, const char *text);
static void inline_svg(struct strbuf *, const char *doc);
static void inst_chip(struct strbuf *, const struct run_result *, const char *inst);
static void status_badge(struct strbuf *, enum res_status);
static void fault_heading(struct strbuf *, const struct run_result *, const struct res_fault *);
static void sec_header(struct strbuf *, const struct run_result *);
static void sec_steps(struct strbuf *, const struct run_result *);
static void sec_failover(struct strbuf *, const struct run_result *);
static void sec_catchment(struct strbuf *, const struct run_result *,
    const struct report_pictures *, const char *rundir);
static void catchment_summary(struct strbuf *, const struct run_result *,
    const struct catch_fault *);
static void sec_pictures(struct strbuf *, const struct report_pictures *, const char *rundir,
    const struct run_result *);
static void probe_row(struct strbuf *, const char *name, const struct meas_totals *);
static void sec_probes(struct strbuf *, const struct run_result *);
static void sec_files(struct strbuf *, const struct run_result *, const char *rundir);
static int normalise(const char *path, char comp[][256], size_t max);

void
report_escape(struct strbuf *sb, const char *s)
{
	sb_xml_str(sb, s);
}

/* "28.4 ms" below a second, "1.234 s" above, "–" for none. */
static void
fmt_dur(int64_t us, char *buf, size_t len)
{
	if (us < 0)
		snprintf(buf, len, "\u2013");
	else if (us < 1000000)
		snprintf(buf, len, "%.1f ms", (double)us / 1e3);
	else
		snprintf(buf, len, "%.3f s", (double)us / 1e6);
}

static void
fmt_at(const struct run_result *r, int64_t t, char *buf, size_t len)
{
	snprintf(buf, len, "+%.3f s", (double)(t - r->start_us) / 1e6);
}

/* A path in an href: unreserved characters and '/' as they are, the rest %XX. */
static void
url_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c))
			sb_add(sb, s, 1);
		else
			sb_printf(sb, "%%%02X", c);
	}
}

/* Split an absolute path into components, "." and ".." resolved. Their count or -1. */
static int
normalise(const char *path, char comp[][256], size_t max)
{
	size_t n = 0;
	const char *p = path;

	if (path[0] != '/')
		return -1;
	while (*p) {
		size_t l;

		while (*p == '/')
			p++;
		l = strcspn(p, "/");
		if (l == 0)
			break;
		if (l == 1 && p[0] == '.') {
			/* nothing */
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			if (n > 0)
				n--;
		} else {
			if (n == max || l >= 256)
				return -1;
			memcpy(comp[n], p, l);
			comp[n++][l] = '\0';
		}
		p += l;
	}
	return (int)n;
}

int
report_relpath(const char *base, const char *target, char *out, size_t len)
{
	static char b[64][256], t[64][256];
	int nb = normalise(base, b, 64), nt = normalise(target, t, 64), k = 0;
	struct textbuf tb;

	if (nb < 0 || nt < 0)
		return -1;
	while (k < nb && k < nt && strcmp(b[k], t[k]) == 0)
		k++;
	tb_init(&tb, out, len);
	for (int i = k; i < nb; i++)
		tb_puts(&tb, i > k ? "/.." : "..");
	for (int i = k; i < nt; i++) {
		tb_sep(&tb, "/");
		tb_puts(&tb, t[i]);
	}
	if (tb.len == 0)
		tb_puts(&tb, ".");
	return tb.cut ? -1 : 0;
}

/* <a href="RELATIVE">text</a>, or the path as text when it cannot be made relative. */
static void
file_link(struct strbuf *sb, const char *rundir, const char *path, const char *text)
{
	char abs_dir[1024], abs_path[1024], rel[1024], cwd[512] = "";

	if ((rundir[0] != '/' || path[0] != '/') && getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	snprintf(abs_dir, sizeof(abs_dir), "%s%s%s", rundir[0] == '/' ? "" : cwd,
	    rundir[0] == '/' ? "" : "/", rundir);
	snprintf(abs_path, sizeof(abs_path), "%s%s%s", path[0] == '/' ? "" : cwd,
	    path[0] == '/' ? "" : "/", path);
	if (report_relpath(abs_dir, abs_path, rel, sizeof(rel)) < 0) {
		report_escape(sb, text ? text : path);
		return;
	}
	sb_puts(sb, "<a href=\"");
	url_escape(sb, rel);
	sb_puts(sb, "\">");
	report_escape(sb, text ? text : rel);
	sb_puts(sb, "</a>");
}

/* An SVG document inline: from its <svg element on (no XML declaration, no DOCTYPE). */
static void
inline_svg(struct strbuf *sb, const char *doc)
{
	const char *p = strstr(doc, "<svg");

	if (p == NULL)
		return;
	sb_puts(sb, "<div class=\"pic\">\n");
	sb_puts(sb, p);
	sb_puts(sb, "</div>\n");
}

static void
inst_chip(struct strbuf *sb, const struct run_result *r, const char *inst)
{
	uint32_t k;
	char col[8];

	if (inst == NULL || inst[0] == '\0') {
		sb_puts(sb, "<span class=\"none\">none</span>");
		return;
	}
	k = catch_instance_find(&r->catchment, inst);
	sb_printf(sb, "<span class=\"inst\" style=\"background:%s\">",
	    k != CATCH_NONE ? catchment_colour(r, k, col) : timeline_colour(r, inst));
	report_escape(sb, inst);
	sb_puts(sb, "</span>");
}

static void
status_badge(struct strbuf *sb, enum res_status st)
{
	char cls[32];

	snprintf(cls, sizeof(cls), "%s", res_status_names[st]);
	for (char *c = cls; *c; c++)
		if (*c == ' ')
			*c = '-';
	sb_printf(sb, "<span class=\"st st-%s\">%s</span>", cls, res_status_names[st]);
}

static void
sec_header(struct strbuf *sb, const struct run_result *r)
{
	const struct scenario *s = r->scenario;
	size_t expect = 0, held = 0, failed = 0, errors = 0, skipped = 0;
	time_t t = (time_t)(r->start_us / 1000000);
	char when[64] = "?";
	struct tm tm;

	for (size_t i = 0; i < s->nsteps; i++) {
		enum res_status st = r->steps[i].status;

		if (!scn_is_action(s->steps[i].kind)) {
			expect++;
			held += st == RES_PASS;
		}
		failed += st == RES_FAIL;
		errors += st == RES_ERROR;
		skipped += st == RES_UNSUPPORTED || st == RES_NOT_RUN;
	}
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	sb_printf(sb,
	    "<header class=\"verdict %s\" id=\"verdict\"><h1>%s: ", r->passed ? "pass" : "fail",
	    r->passed ? "PASS" : "FAIL");
	report_escape(sb, s->name);
	sb_puts(sb, "</h1>\n<p>");
	sb_printf(sb, "%zu of %zu expectations held", held, expect);
	if (failed)
		sb_printf(sb, ", %zu failed", failed);
	if (errors)
		sb_printf(sb, ", %zu action%s could not be applied", errors,
		    errors == 1 ? "" : "s");
	if (skipped)
		sb_printf(sb, ", %zu step%s not run or unsupported", skipped,
		    skipped == 1 ? "" : "s");
	sb_puts(sb, "</p>\n<p>lab <b>");
	report_escape(sb, r->lab);
	sb_puts(sb, "</b>, topology ");
	report_escape(sb, r->topology);
	sb_printf(sb, ", started %s, %.3f s</p></header>\n<main>\n", when,
	    (double)(r->end_us - r->start_us) / 1e6);
	sb_puts(sb,
	    "<nav><a href=\"#steps\">steps</a><a href=\"#failover\">failover</a>"
	    "<a href=\"#catchment\">catchment</a><a href=\"#timeline\">timeline</a>"
	    "<a href=\"#topology\">topology</a><a href=\"#probes\">probes</a>"
	    "<a href=\"#files\">files</a></nav>\n");
	if (r->error[0]) {
		sb_puts(sb, "<p class=\"error\">error: ");
		report_escape(sb, r->error);
		sb_puts(sb, "</p>\n");
	}
	if (s->description) {
		sb_puts(sb, "<p>");
		report_escape(sb, s->description);
		sb_puts(sb, "</p>\n");
	}
}

static void
sec_steps(struct strbuf *sb, const struct run_result *r)
{
	const struct scenario *s = r->scenario;

	sb_puts(sb,
	    "<section id=\"steps\"><h2>Steps</h2>\n<table>\n<tr><th>#</th><th>at</th>"
	    "<th>took</th><th>step</th><th>kind</th><th>result</th><th>detail</th></tr>\n");
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct res_step *rs = &r->steps[i];
		const struct scn_step *st = &s->steps[i];
		char at[32] = "\u2013", took[32] = "\u2013";

		if (rs->status != RES_NOT_RUN) {
			fmt_at(r, rs->start_us, at, sizeof(at));
			fmt_dur(rs->end_us - rs->start_us, took, sizeof(took));
		}
		sb_printf(sb,
		    "<tr class=\"step\"><td class=\"num\">%zu</td><td class=\"num\">%s</td>"
		    "<td class=\"num\">%s</td><td>",
		    i + 1, at, took);
		report_escape(sb, st->label);
		sb_printf(sb, "</td><td class=\"muted\">%s %s</td><td>",
		    scn_is_action(st->kind) ? "action" : "expect", scn_kind_names[st->kind]);
		status_badge(sb, rs->status);
		sb_puts(sb, "</td><td class=\"detail\">");
		report_escape(sb, rs->detail);
		sb_puts(sb, "</td></tr>\n");
	}
	sb_puts(sb, "</table></section>\n");
}

static void
fault_heading(struct strbuf *sb, const struct run_result *r, const struct res_fault *f)
{
	char at[32];

	fmt_at(r, f->window.start_us, at, sizeof(at));
	sb_printf(sb, "<h3>fault %zu. ", f->step + 1);
	report_escape(sb, f->window.label);
	sb_printf(sb, " at %s", at);
	if (f->undo_step >= 0) {
		fmt_at(r, f->window.undo_us, at, sizeof(at));
		sb_printf(sb, ", undone by %zd. ", f->undo_step + 1);
		report_escape(sb, r->scenario->steps[f->undo_step].label);
		sb_printf(sb, " at %s", at);
	} else {
		sb_puts(sb, ", not undone");
	}
	sb_puts(sb, "</h3>\n");
}

static void
sec_failover(struct strbuf *sb, const struct run_result *r)
{
	sb_puts(sb, "<section id=\"failover\"><h2>Failover</h2>\n");
	if (r->nfaults == 0)
		sb_puts(sb, "<p class=\"muted\">No fault was applied in this run.</p>\n");
	for (size_t f = 0; f < r->nfaults; f++) {
		const struct res_fault *rf = &r->faults[f];

		fault_heading(sb, r, rf);
		if (r->nclients > CLIENTS_MAX) {
			sb_printf(sb,
			    "<p class=\"muted\">%zu clients: each one's failover is in "
			    "results.json; their distribution under Catchment.</p>\n",
			    r->nclients);
			continue;
		}
		sb_puts(sb,
		    "<table class=\"failover\">\n<tr><th>client</th><th>affected</th>"
		    "<th>failover</th><th>queries sent</th><th>lost</th><th>back</th>"
		    "<th>lost after</th></tr>\n");
		for (size_t c = 0; c < r->nclients; c++) {
			const struct meas_client *mc = &rf->clients[c];
			char fo[32], back[32];

			fmt_dur(mc->failover_us, fo, sizeof(fo));
			fmt_dur(mc->back_us, back, sizeof(back));
			sb_puts(sb, "<tr><td>");
			report_escape(sb, r->clients[c].name);
			sb_printf(sb,
			    "</td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%" PRIu64
			    "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%s</td>"
			    "<td class=\"num\">%" PRIu64 "</td></tr>\n",
			    mc->affected ? "yes" : "no", fo, mc->sent, mc->lost, back,
			    mc->lost_after);
		}
		sb_puts(sb, "</table>\n");
	}
	sb_puts(sb,
	    "<p class=\"muted\">failover: from the fault to the first answer from another "
	    "instance; back: from the undo to the first answer from the instance before; lost: "
	    "queries sent between the fault and its undo that got no answer "
	    "(docs/scenarios.md, Measurements).</p></section>\n");
}

/* One fault's catchment in figures: the instances' load, the failover distribution, collateral. */
static void
catchment_summary(struct strbuf *sb, const struct run_result *r, const struct catch_fault *cf)
{
	const struct catchment *c = &r->catchment;
	char d[4][32];

	sb_puts(sb, "<p>Failed: ");
	for (size_t i = 0; i < cf->nfailed; i++) {
		if (i)
			sb_puts(sb, " ");
		inst_chip(sb, r, c->inst[cf->failed[i]].name);
	}
	if (cf->nfailed == 0)
		sb_puts(sb, "no instance (the fault's target runs none)");
	sb_printf(sb, "; %zu of %zu clients were theirs.</p>\n", cf->of_failed, c->nclients);
	sb_puts(sb,
	    "<table class=\"load\">\n<tr><th>instance</th><th>site</th><th>before</th>"
	    "<th>during</th><th>after</th><th>change during</th><th>change after</th></tr>\n");
	for (size_t k = 0; k < c->ninst; k++) {
		uint32_t i = c->order[k];
		long bf = catch_load(cf, CATCH_BEFORE, i), du = catch_load(cf, CATCH_DURING, i);
		long af = catch_load(cf, CATCH_AFTER, i);
		bool failed = false;

		for (size_t j = 0; j < cf->nfailed; j++)
			failed |= cf->failed[j] == i;
		sb_puts(sb, "<tr><td>");
		inst_chip(sb, r, c->inst[i].name);
		if (failed)
			sb_puts(sb, " <span class=\"error\">failed</span>");
		sb_puts(sb, "</td><td>");
		report_escape(sb, c->inst[i].site[0] ? c->inst[i].site : "-");
		sb_printf(sb, "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td>", bf, du);
		if (cf->has_after)
			sb_printf(sb,
			    "<td class=\"num\">%ld</td><td class=\"num\">%+ld</td>"
			    "<td class=\"num\">%+ld</td></tr>\n",
			    af, du - bf, af - bf);
		else
			sb_printf(sb,
			    "<td class=\"num\">-</td><td class=\"num\">%+ld</td>"
			    "<td class=\"num\">-</td></tr>\n",
			    du - bf);
	}
	sb_printf(sb,
	    "<tr><td class=\"muted\">no answer</td><td></td><td class=\"num\">%zu</td>"
	    "<td class=\"num\">%zu</td><td class=\"num\">",
	    cf->unanswered[CATCH_BEFORE], cf->unanswered[CATCH_DURING]);
	if (cf->has_after)
		sb_printf(sb, "%zu", cf->unanswered[CATCH_AFTER]);
	else
		sb_puts(sb, "-");
	sb_puts(sb, "</td><td></td><td></td></tr>\n</table>\n");
	fmt_dur(cf->failover.median_us, d[0], sizeof(d[0]));
	fmt_dur(cf->failover.p90_us, d[1], sizeof(d[1]));
	fmt_dur(cf->failover.p99_us, d[2], sizeof(d[2]));
	fmt_dur(cf->failover.max_us, d[3], sizeof(d[3]));
	sb_printf(sb,
	    "<p>Failover of the %zu affected clients: median %s, p90 %s, p99 %s, worst %s "
	    "(nearest rank); %zu never answered by another instance.<br/>\n"
	    "Moved during the fault: %zu",
	    cf->affected, d[0], d[1], d[2], d[3], cf->never, cf->moved[0]);
	if (cf->has_after)
		sb_printf(sb, "; at fail-back: %zu (%zu of the failed instances' clients not back)",
		    cf->moved[1], cf->not_back);
	sb_puts(sb, ".<br/>\nCollateral moves (their instance did not fail): ");
	for (int d2 = 0; d2 < (cf->has_after ? 2 : 1); d2++) {
		sb_printf(sb, "%s%zu %s", d2 ? "; " : "", cf->ncollateral[d2],
		    d2 ? "at fail-back" : "during the fault");
		for (size_t i = 0; i < cf->ncollateral[d2] && i < NAMES_MAX; i++) {
			sb_puts(sb, i ? ", " : " (");
			report_escape(sb, c->client_names[cf->collateral[d2][i]]);
		}
		if (cf->ncollateral[d2] > NAMES_MAX)
			sb_printf(sb, " and %zu more", cf->ncollateral[d2] - NAMES_MAX);
		if (cf->ncollateral[d2])
			sb_puts(sb, ")");
	}
	sb_puts(sb, ".</p>\n");
}

static void
sec_catchment(struct strbuf *sb, const struct run_result *r, const struct report_pictures *pics,
    const char *rundir)
{
	sb_puts(sb,
	    "<section id=\"catchment\"><h2>Catchment</h2>\n"
	    "<p class=\"muted\">Which instance answered each client: the last answer "
	    "before the fault, between the fault and its undo, and after the undo; how many "
	    "clients each instance served; collateral moves are clients whose instance did not "
	    "fail but who moved anyway (docs/scenarios.md, Catchment).</p>\n");
	if (r->nfaults == 0)
		sb_puts(sb, "<p class=\"muted\">No fault was applied in this run.</p>\n");
	for (size_t f = 0; f < r->nfaults; f++) {
		const struct res_fault *rf = &r->faults[f];

		fault_heading(sb, r, rf);
		if (f < r->catchment.nfaults)
			catchment_summary(sb, r, &r->catchment.faults[f]);
		if (r->nclients > CLIENTS_MAX) {
			sb_printf(sb,
			    "<p class=\"muted\">%zu clients: each one's instances are in "
			    "results.json and in the picture.</p>\n",
			    r->nclients);
			continue;
		}
		sb_puts(sb,
		    "<table class=\"catchment\">\n<tr><th>client</th><th>before</th>"
		    "<th>during</th><th>after</th></tr>\n");
		for (size_t c = 0; c < r->nclients; c++) {
			const struct meas_client *mc = &rf->clients[c];

			sb_puts(sb, "<tr><td>");
			report_escape(sb, r->clients[c].name);
			sb_puts(sb, "</td><td>");
			inst_chip(sb, r, mc->before);
			sb_puts(sb, "</td><td>");
			inst_chip(sb, r, mc->during);
			sb_puts(sb, "</td><td>");
			if (rf->undo_step < 0)
				sb_puts(sb, "<span class=\"none\">not undone</span>");
			else
				inst_chip(sb, r, mc->after);
			sb_puts(sb, "</td></tr>\n");
		}
		sb_puts(sb, "</table>\n");
	}
	if (r->nfaults && pics && pics->catchment_svg && strstr(pics->catchment_svg, "<svg")) {
		sb_puts(sb, "<h3>Catchment picture</h3>\n");
		inline_svg(sb, pics->catchment_svg);
	}
	if (r->catchment_svg_path[0]) {
		sb_puts(sb, "<p class=\"muted\">The picture: ");
		file_link(sb, rundir, r->catchment_svg_path, NULL);
		sb_puts(sb, "</p>\n");
	}
	sb_puts(sb, "</section>\n");
}

static void
sec_pictures(struct strbuf *sb, const struct report_pictures *pics, const char *rundir,
    const struct run_result *r)
{
	sb_puts(sb, "<section id=\"timeline\"><h2>Timeline</h2>\n");
	if (pics && pics->timeline_svg && strstr(pics->timeline_svg, "<svg"))
		inline_svg(sb, pics->timeline_svg);
	else
		sb_puts(sb, "<p class=\"unavailable\">timeline picture unavailable</p>\n");
	if (r->svg_path[0]) {
		sb_puts(sb, "<p class=\"muted\">The same picture: ");
		file_link(sb, rundir, r->svg_path, NULL);
		sb_puts(sb, "</p>\n");
	}
	sb_puts(sb, "</section>\n<section id=\"topology\"><h2>Topology</h2>\n");
	if (pics && pics->topology_svg && strstr(pics->topology_svg, "<svg")) {
		inline_svg(sb, pics->topology_svg);
		sb_puts(sb,
		    "<p class=\"muted\">The lab as it ran, drawn by "
		    "<code>anylab graph</code> while it was up.</p>\n");
	} else {
		sb_puts(sb, "<p class=\"unavailable\">topology picture unavailable: ");
		report_escape(sb,
		    pics && pics->topology_why && pics->topology_why[0] ? pics->topology_why :
									  "not drawn");
		sb_puts(sb, "</p>\n");
	}
	sb_puts(sb, "</section>\n");
}

/* One row of the probes' table: a client's totals, or all clients'. */
static void
probe_row(struct strbuf *sb, const char *name, const struct meas_totals *t)
{
	char med[32], max[32];

	fmt_dur(t->rtt_median_us, med, sizeof(med));
	fmt_dur(t->rtt_max_us, max, sizeof(max));
	sb_puts(sb, "<tr><td>");
	report_escape(sb, name);
	sb_printf(sb,
	    "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
	    "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
	    "</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
	    "<td class=\"num\">%" PRId64 " / %" PRId64 " / %" PRId64 " \u00b5s</td></tr>\n",
	    t->sent, t->answered, t->lost, t->errors, med, max, t->late_median_us, t->late_p99_us,
	    t->late_max_us);
}

static void
sec_probes(struct strbuf *sb, const struct run_result *r)
{
	const struct scn_probe *p = &r->scenario->probe;
	struct res_probe_totals all;
	size_t idx[WORST_MAX], n;
	char name[64];

	sb_puts(sb, "<section id=\"probes\"><h2>Probes</h2>\n");
	if (r->nclients == 0) {
		sb_puts(sb, "<p class=\"muted\">This scenario probes no client.</p></section>\n");
		return;
	}
	sb_printf(sb, "<p class=\"muted\">%g queries/s per client for ", p->rate);
	report_escape(sb, p->qname);
	sb_printf(sb,
	    ", a query lost after %u ms without answer; %.1f s of steady state "
	    "before the first step.</p>\n",
	    p->timeout_ms, (double)p->lead_in_ms / 1e3);
	sb_puts(sb,
	    "<table>\n<tr><th>client</th><th>sent</th><th>answered</th><th>lost</th>"
	    "<th>errors</th><th>rtt median</th><th>rtt max</th>"
	    "<th>send late median / p99 / max</th></tr>\n");
	if (r->nclients <= CLIENTS_MAX) {
		for (size_t c = 0; c < r->nclients; c++)
			probe_row(sb, r->clients[c].name, &r->clients[c].totals);
		sb_puts(sb, "</table></section>\n");
		return;
	}
	/* Many clients: their totals and the ones worth a look; results.json has every one. */
	results_probe_totals(r, &all);
	snprintf(name, sizeof(name), "all %zu clients", all.clients);
	probe_row(sb, name, &all.sum);
	n = results_probe_worst(r, idx, WORST_MAX);
	for (size_t i = 0; i < n; i++)
		probe_row(sb, r->clients[idx[i]].name, &r->clients[idx[i]].totals);
	sb_printf(sb,
	    "</table>\n<p class=\"muted\">%zu clients. The first row is all of them: the sums, "
	    "the median of the clients' rtt medians, the largest rtt maximum, the median of "
	    "their send late medians, the p99 of their p99s and the largest maximum. Then the "
	    "clients that lost or failed a query or were never answered (%zu)",
	    all.clients, all.troubled);
	if (all.troubled > n)
		sb_printf(sb, ", the worst %zu", n);
	sb_printf(sb,
	    ", worst first; %zu clients left out. results.json has every client.</p>"
	    "</section>\n",
	    all.clients - n);
}

static void
sec_files(struct strbuf *sb, const struct run_result *r, const char *rundir)
{
	sb_puts(sb, "<section id=\"files\"><h2>Files</h2>\n<ul class=\"files\">\n");
	if (r->json_path[0]) {
		sb_puts(sb, "<li>results: ");
		file_link(sb, rundir, r->json_path, NULL);
		sb_puts(sb, "</li>\n");
	}
	if (r->junit_path[0]) {
		sb_puts(sb, "<li>JUnit XML: ");
		file_link(sb, rundir, r->junit_path, NULL);
		sb_puts(sb, "</li>\n");
	}
	for (size_t c = 0; c < r->nclients; c++) {
		/* One prober's log for every client (prober.h): linked once. */
		bool shared = r->nclients > 1 &&
		    strcmp(r->clients[r->nclients - 1].log_path, r->clients[0].log_path) == 0;

		if (!r->clients[c].log_path[0] || (shared && c > 0))
			continue;
		if (shared) {
			sb_puts(sb, "<li>probe log of every client: ");
			file_link(sb, rundir, r->clients[c].log_path, NULL);
			sb_puts(sb, "</li>\n");
			continue;
		}
		sb_puts(sb, "<li>probe log of ");
		report_escape(sb, r->clients[c].name);
		sb_puts(sb, ": ");
		file_link(sb, rundir, r->clients[c].log_path, NULL);
		sb_puts(sb, "</li>\n");
	}
	sb_puts(sb, "</ul>\n");
	if (r->ncaptures) {
		sb_printf(sb, "<h3>Captures (%zu)</h3>\n<ul class=\"files\">\n", r->ncaptures);
		for (size_t i = 0; i < r->ncaptures; i++) {
			sb_puts(sb, "<li>");
			file_link(sb, rundir, r->captures[i], NULL);
			sb_puts(sb, "</li>\n");
		}
		sb_puts(sb, "</ul>\n");
	} else {
		sb_puts(sb,
		    "<p class=\"muted\">No capture (<code>anylab run --capture DIR</code> "
		    "takes them).</p>\n");
	}
	sb_puts(sb, "</section>\n");
}

void
report_html(const struct run_result *r, const struct report_pictures *pics, const char *rundir,
    struct strbuf *sb)
{
	sb_puts(sb,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
	    "<title>");
	sb_printf(sb, "%s: ", r->passed ? "PASS" : "FAIL");
	report_escape(sb, r->scenario->name);
	sb_puts(sb, " on ");
	report_escape(sb, r->lab);
	sb_puts(sb, " (anylab run)</title>\n<style>\n");
	sb_puts(sb, css);
	sb_puts(sb, "</style>\n</head>\n<body>\n");
	sec_header(sb, r);
	sec_steps(sb, r);
	sec_failover(sb, r);
	sec_catchment(sb, r, pics, rundir);
	sec_pictures(sb, pics, rundir, r);
	sec_probes(sb, r);
	sec_files(sb, r, rundir);
	sb_puts(sb,
	    "<footer>Written by <code>anylab run</code>; every figure is the one in "
	    "results.json.</footer>\n</main>\n</body>\n</html>\n");
}

/* ---- the topology picture ---- */

int
report_topology_svg(const char *exe, const char *lab, unsigned timeout_ms, struct strbuf *svg,
    char *why, size_t whylen)
{
	char *argv[] = { "anylab", "graph", (char *)lab, "--format", "svg", NULL };
	int out[2] = { -1, -1 }, err[2] = { -1, -1 }, status = 0, rc = -1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct strbuf errtext = STRBUF_INIT;
	int64_t deadline = emu_now_rt_us() + (int64_t)timeout_ms * 1000;
	bool fa_made = false, attr_made = false, timed_out = false;
	pid_t pid = -1;
	int e;

	why[0] = '\0';
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		goto out_close;
	}
	if ((e = posix_spawn_file_actions_init(&fa)) != 0) {
		snprintf(why, whylen, "posix_spawn: %s", strerror(e));
		goto out_close;
	}
	fa_made = true;
	if ((e = posix_spawnattr_init(&attr)) != 0) {
		snprintf(why, whylen, "posix_spawn: %s", strerror(e));
		goto out_close;
	}
	attr_made = true;
	/*
	 * A group of its own: `anylab graph` runs dot, and a dot still laying
	 * out a big lab when the time is up goes with it (killing the graph
	 * process alone left dot running for minutes).
	 */
	if ((e = posix_spawnattr_setpgroup(&attr, 0)) != 0 ||
	    (e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP)) != 0 ||
	    (e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, out[1], 1)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, err[1], 2)) != 0 ||
	    (e = posix_spawn(&pid, exe, &fa, &attr, argv, environ)) != 0) {
		snprintf(why, whylen, "cannot run anylab graph: %s", strerror(e));
		pid = -1;
		goto out_close;
	}
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;

	/* Both pipes to their end, within the time. */
	while (out[0] >= 0 || err[0] >= 0) {
		struct pollfd pfd[2] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 } };
		int64_t left = deadline - emu_now_rt_us();
		char buf[16384];

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(pfd, 2, (int)(left / 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			int *fd = i == 0 ? &out[0] : &err[0];
			struct strbuf *to = i == 0 ? svg : &errtext;
			ssize_t n;

			if (*fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(*fd);
				*fd = -1;
				continue;
			}
			if (to->len + (size_t)n <= SVG_MAX)
				sb_add(to, buf, (size_t)n);
		}
	}
	if (timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (timed_out) {
		snprintf(why, whylen, "anylab graph %s did not finish within %.1f s", lab,
		    timeout_ms / 1e3);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *t = sb_str(&errtext);
		size_t l = strcspn(t, "\n");

		if (l > 0)
			snprintf(why, whylen, "%.*s", (int)l, t);
		else if (WIFEXITED(status))
			snprintf(why, whylen, "anylab graph exited with status %d",
			    WEXITSTATUS(status));
		else
			snprintf(why, whylen, "anylab graph was killed by signal %d",
			    WTERMSIG(status));
	} else if (strstr(sb_str(svg), "<svg") == NULL || strstr(sb_str(svg), "</svg>") == NULL) {
		snprintf(why, whylen, "anylab graph printed no SVG document");
	} else {
		rc = 0;
	}
out_close:
	if (fa_made)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_made)
		posix_spawnattr_destroy(&attr);
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	sb_free(&errtext);
	if (rc < 0)
		sb_reset(svg);
	return rc;
}

/*
 * Pictures from the DOT text: SVG by Graphviz's dot (Debian's graphviz),
 * started with posix_spawn and two pipes, no shell, the DOT written to its
 * standard input while its SVG is read from its standard output; and one
 * self-contained HTML page with that SVG inline and a legend drawn from the
 * same style table as the DOT (graph_style.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "anylab.h"
#include "graph.h"
#include "graph_style.h"

extern char **environ;

static int graph_find_dot(char *path, size_t len);
static int graph_pump(int in, int out, const char *text, struct strbuf *sb);

/* dot in PATH. 0, or EMU_EMISSING. */
static int
graph_find_dot(char *path, size_t len)
{
	const char *env = getenv("PATH");
	char dirs[4096], *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s", env && env[0] ? env : "/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if ((size_t)snprintf(path, len, "%s/dot", d[0] ? d : ".") >= len)
			continue;
		if (access(path, X_OK) == 0)
			return 0;
	}
	return EMU_EMISSING;
}

/* Write text to in (then close it) while reading out into sb, until out ends. */
static int
graph_pump(int in, int out, const char *text, struct strbuf *sb)
{
	size_t left = strlen(text);
	char buf[16384];

	while (out >= 0) {
		struct pollfd p[2] = { { .fd = out, .events = POLLIN },
			{ .fd = in, .events = POLLOUT } };
		ssize_t n;
		int r = poll(p, in >= 0 ? 2 : 1, 30000);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (in >= 0)
				close(in);
			return r == 0 ? -ETIMEDOUT : -errno;
		}
		if (in >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			n = write(in, text, left < 65536 ? left : 65536);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				left = 0; /* dot exited early: its status tells */
			else if (n > 0) {
				text += n;
				left -= (size_t)n;
			}
			if (left == 0) {
				close(in);
				in = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(out, buf, sizeof(buf));
			if (n > 0)
				sb_add(sb, buf, (size_t)n);
			else if (n == 0 || (errno != EAGAIN && errno != EINTR))
				out = -1;
		}
	}
	if (in >= 0)
		close(in);
	return 0;
}

int
graph_svg(const char *dot_text, struct strbuf *out, char *msg, size_t msglen)
{
	char path[PATH_MAX], *argv[] = { "dot", "-Tsvg", NULL };
	posix_spawn_file_actions_t fa;
	int to[2], from[2], st, err;
	pid_t pid;

	if (graph_find_dot(path, sizeof(path)) < 0) {
		snprintf(msg, msglen,
		    "dot (Graphviz) is not installed: install the Debian package graphviz "
		    "(apt-get install graphviz), or use --format dot");
		return EMU_EMISSING;
	}
	if (pipe2(to, O_CLOEXEC) < 0) {
		snprintf(msg, msglen, "pipe: %s", strerror(errno));
		return -errno;
	}
	if (pipe2(from, O_CLOEXEC) < 0) {
		err = -errno;
		snprintf(msg, msglen, "pipe: %s", strerror(errno));
		goto close_to;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, from[1], STDOUT_FILENO);
	err = -posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(to[0]);
	close(from[1]);
	if (err < 0) {
		snprintf(msg, msglen, "%s: %s", path, strerror(-err));
		close(to[1]);
		close(from[0]);
		return err;
	}
	/* A dot gone early must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	err = graph_pump(to[1], from[0], dot_text, out);
	close(from[0]);
	if (err < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (err < 0) {
		snprintf(msg, msglen, "%s -Tsvg: no answer within 30 s", path);
		return err;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(msg, msglen, "%s -Tsvg failed (%s %d)", path,
		    WIFEXITED(st) ? "exit status" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return EMU_ECOMMAND;
	}
	return 0;
close_to:
	close(to[0]);
	close(to[1]);
	return err;
}

/* One legend row with a line sample: colour, dash, width, arrow. */
static void
html_line_row(struct strbuf *sb, const char *color, bool dashed, double width, bool arrow,
    const char *text)
{
	sb_printf(sb,
	    "<tr><td><svg width=\"48\" height=\"12\"><line x1=\"2\" y1=\"6\" x2=\"%d\" y2=\"6\" "
	    "stroke=\"%s\" stroke-width=\"%.1f\"%s/>",
	    arrow ? 38 : 46, color, width, dashed ? " stroke-dasharray=\"5,3\"" : "");
	if (arrow)
		sb_printf(sb, "<polygon points=\"38,2 46,6 38,10\" fill=\"%s\"/>", color);
	sb_puts(sb, "</svg></td><td>");
	sb_xml_str(sb, text);
	sb_puts(sb, "</td></tr>\n");
}

void
graph_html(const struct graph *g, const char *svg, struct strbuf *sb)
{
	const char *start = strstr(svg, "<svg");
	size_t ups = 0, downs = 0, answered = 0;

	for (size_t i = 0; i < g->nsessions; i++) {
		ups += g->sessions[i].state == GRAPH_UP;
		downs += g->sessions[i].state == GRAPH_DOWN;
	}
	for (size_t i = 0; i < g->nreach; i++)
		answered += g->reach[i].instance != NULL;
	sb_puts(sb,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>lab ");
	sb_xml_str(sb, g->lab);
	sb_puts(sb,
	    "</title>\n<style>\nbody{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222}\n"
	    "h1{font-size:1.3em}\n.pic{overflow:auto;border:1px solid #ddd;padding:.5em}\n"
	    ".pic svg{max-width:100%;height:auto}\n"
	    "table.legend{border-collapse:collapse;font-size:.9em;margin-top:1em}\n"
	    "table.legend td{padding:.15em .6em;vertical-align:middle}\n"
	    ".sw{display:inline-block;width:34px;height:16px;border:1px solid #555}\n"
	    "</style></head><body>\n<h1>lab ");
	sb_xml_str(sb, g->lab);
	sb_puts(sb, "</h1>\n<p>");
	sb_xml_str(sb, g->topo->file ? g->topo->file : "");
	sb_printf(sb, ": %zu nodes, %zu links, %zu BGP sessions", g->topo->nnodes, g->topo->nlinks,
	    g->nsessions);
	if (g->live)
		sb_printf(sb, " (%zu up, %zu down); %zu of %zu clients answered", ups, downs,
		    answered, g->nreach);
	sb_puts(sb, ".</p>\n<div class=\"pic\">\n");
	sb_puts(sb, start ? start : svg);
	sb_puts(sb, "</div>\n<table class=\"legend\">\n");
	for (int r = TOPO_ROLE_CLIENT; r < TOPO_ROLE_MAX; r++) {
		const struct graph_role_style *st = &graph_role_styles[r];

		sb_printf(sb,
		    "<tr><td><span class=\"sw\" style=\"background:%s;%s\"></span></td><td>",
		    st->fill, strstr(st->style, "rounded") ? "border-radius:5px" : "");
		sb_xml_str(sb, st->label);
		sb_printf(sb, " (%s)</td></tr>\n", st->shape);
	}
	sb_printf(sb,
	    "<tr><td><span class=\"sw\" style=\"background:%s;border-radius:5px\"></span></td>"
	    "<td>LAN segment (a switch): its members hang from it, each edge labelled with the "
	    "member's interface and addresses</td></tr>\n",
	    GRAPH_COLOR_LAN);
	html_line_row(sb, GRAPH_COLOR_LINK, false, 1, false,
	    "link (point-to-point: each end labelled with interface and addresses)");
	html_line_row(sb, GRAPH_COLOR_TUNNEL, true, 2, false, "tunnel (link of kind vxlan)");
	html_line_row(sb, graph_state_colors[GRAPH_CONFIGURED], true, 1.6, false,
	    "BGP session, as configured");
	html_line_row(sb, graph_state_colors[GRAPH_UP], true, 1.6, false,
	    "BGP session up (Established)");
	html_line_row(sb, graph_state_colors[GRAPH_DOWN], true, 1.6, false,
	    "BGP session down (its state on the label)");
	html_line_row(sb, graph_state_colors[GRAPH_UNKNOWN], true, 1.6, false,
	    "BGP session whose speakers could not be asked");
	html_line_row(sb, GRAPH_COLOR_REACH, false, 2.2, true,
	    "client to the instance that answered its DNS query (the TXT it got)");
	sb_printf(sb,
	    "<tr><td style=\"color:%s;font-size:.8em\">anycast</td><td>an address on the "
	    "node's loopback that other nodes hold too</td></tr>\n",
	    GRAPH_COLOR_ANYCAST);
	sb_puts(sb, "</table>\n");
	for (size_t i = 0; i < g->nreach; i++) {
		const struct graph_reach *r = &g->reach[i];

		if (r->instance != NULL)
			continue;
		sb_puts(sb, "<p>");
		sb_xml_str(sb, r->client->name);
		sb_puts(sb, ": ");
		sb_xml_str(sb, r->error[0] ? r->error : "answered by ");
		sb_xml_str(sb, r->error[0] ? "" : r->answer);
		sb_puts(sb, r->error[0] ? "</p>\n" : " (no node of the lab)</p>\n");
	}
	sb_puts(sb, "</body></html>\n");
}

/*
 * Probe records and the prober's log (probe.h): the line format, the
 * per-client logs kept in send order, and the incremental reader that
 * splits the prober's one log into them. No sockets here (prober.c sends).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "probe.h"

const char *const probe_status_names[PROBE_STATUS_COUNT] = {
	[PROBE_OK] = "ok",
	[PROBE_LOST] = "lost",
	[PROBE_ERROR] = "error",
};

const char *const probe_break_names[PROBE_BREAK_COUNT] = {
	[PROBE_BREAK_RESET] = "reset",
	[PROBE_BREAK_EOF] = "eof",
	[PROBE_BREAK_TIMEOUT] = "timeout",
	[PROBE_BREAK_ERROR] = "error",
};

static int rec_cmp(const void *, const void *);
static int order_cmp(const void *, const void *, void *);
static struct probe_log *reader_find(struct probe_reader *, const char *client);
static void reader_line(struct probe_reader *, const char *line);

void
probe_line_format(const struct probe_rec *r, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 " %u %" PRId64 " %" PRId64 " %s %" PRId32 " %u %s\n", r->seq,
	    r->id, r->sched_us, r->sent_us, probe_status_names[r->status], r->rtt_us, r->rcode,
	    r->inst[0] ? r->inst : "-");
}

int
probe_line_parse(const char *line, struct probe_rec *r)
{
	char status[16];
	unsigned id, rcode;
	int off = 0;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '\n' || *line == '#')
		return 1;
	memset(r, 0, sizeof(*r));
	if (sscanf(line, "%" SCNu32 " %u %" SCNd64 " %" SCNd64 " %15s %" SCNd32 " %u %n", &r->seq,
		&id, &r->sched_us, &r->sent_us, status, &r->rtt_us, &rcode, &off) != 7 ||
	    off == 0)
		return -1;
	if (id > 65535 || rcode > 255 || r->sent_us < 0 || r->sched_us < 0)
		return -1;
	r->id = (uint16_t)id;
	r->rcode = (uint8_t)rcode;
	for (int i = 0;; i++) {
		if (i == PROBE_STATUS_COUNT)
			return -1;
		if (strcmp(status, probe_status_names[i]) == 0) {
			r->status = (enum probe_status)i;
			break;
		}
	}
	if (r->status == PROBE_LOST ? r->rtt_us != -1 : r->rtt_us < 0)
		return -1;
	line += off;
	size_t n = strcspn(line, "\n");
	if (n == 0 || n >= SCN_INST_MAX)
		return -1;
	if (!(n == 1 && line[0] == '-'))
		memcpy(r->inst, line, n);
	r->inst[n == 1 && line[0] == '-' ? 0 : n] = '\0';
	if (r->status == PROBE_OK && r->inst[0] == '\0')
		return -1;
	return 0;
}

void
probe_log_init(struct probe_log *l, const char *client)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->client, sizeof(l->client), "%s", client);
}

void
probe_log_add(struct probe_log *l, const struct probe_rec *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct probe_rec *p = reallocarray(l->recs, cap, sizeof(*p));

		if (p == NULL)
			fatal("out of memory");
		l->recs = p;
		l->cap = cap;
	}
	l->recs[l->n++] = *r;
}

void
probe_log_insert(struct probe_log *l, const struct probe_rec *r)
{
	size_t i;

	probe_log_add(l, r);
	/* Answers come back nearly in send order: a short walk back at most. */
	for (i = l->n - 1; i > 0 && rec_cmp(&l->recs[i - 1], r) > 0; i--)
		l->recs[i] = l->recs[i - 1];
	l->recs[i] = *r;
}

void
probe_log_add_break(struct probe_log *l, const struct probe_break *b)
{
	if (l->nbreaks == l->capbreaks) {
		size_t cap = l->capbreaks ? l->capbreaks * 2 : 16;
		struct probe_break *p = reallocarray(l->breaks, cap, sizeof(*p));

		if (p == NULL)
			fatal("out of memory");
		l->breaks = p;
		l->capbreaks = cap;
	}
	l->breaks[l->nbreaks++] = *b;
}

size_t
probe_log_breaks(const struct probe_log *l, int64_t from, int64_t to)
{
	size_t n = 0;

	for (size_t i = 0; i < l->nbreaks; i++)
		n += l->breaks[i].time_us >= from && l->breaks[i].time_us < to;
	return n;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct probe_rec *x = a, *y = b;

	if (x->sent_us != y->sent_us)
		return x->sent_us < y->sent_us ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
probe_log_sort(struct probe_log *l)
{
	if (l->n > 1)
		qsort(l->recs, l->n, sizeof(*l->recs), rec_cmp);
}

void
probe_log_free(struct probe_log *l)
{
	free(l->recs);
	free(l->breaks);
	l->recs = NULL;
	l->breaks = NULL;
	l->n = l->cap = 0;
	l->nbreaks = l->capbreaks = 0;
}

void
probe_logline_format(const char *client, const struct probe_rec *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s ", client);

	if (n < 0 || (size_t)n >= len)
		return;
	probe_line_format(r, buf + n, len - (size_t)n);
}

void
probe_breakline_format(const char *client, const struct probe_break *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s break %" PRId64 " %s\n", client, b->time_us,
	    probe_break_names[b->reason]);
}

enum probe_line_kind
probe_logline_parse(const char *line, char *client, struct probe_rec *rec, struct probe_break *brk)
{
	size_t n;
	int r;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '\n' || *line == '#')
		return PROBE_LINE_NONE;
	n = strcspn(line, " \t\n");
	if (n == 0 || n >= PROBE_CLIENT_MAX || (line[n] != ' ' && line[n] != '\t'))
		return PROBE_LINE_BAD;
	memcpy(client, line, n);
	client[n] = '\0';
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	if (strncmp(line, "break ", 6) == 0) {
		char reason[16];
		int off = 0;

		memset(brk, 0, sizeof(*brk));
		if (sscanf(line + 6, "%" SCNd64 " %15s%n", &brk->time_us, reason, &off) != 2 ||
		    brk->time_us < 0)
			return PROBE_LINE_BAD;
		line += 6 + off;
		if (*line != '\0' && *line != '\n')
			return PROBE_LINE_BAD;
		for (int i = 0; i < PROBE_BREAK_COUNT; i++) {
			if (strcmp(reason, probe_break_names[i]) == 0) {
				brk->reason = (enum probe_break_reason)i;
				return PROBE_LINE_BREAK;
			}
		}
		return PROBE_LINE_BAD;
	}
	r = probe_line_parse(line, rec);
	return r == 0 ? PROBE_LINE_QUERY : PROBE_LINE_BAD;
}

/* The reader's index: logs by client name (arg: the logs). */
static int
order_cmp(const void *a, const void *b, void *arg)
{
	const struct probe_log *logs = arg;

	return strcmp(logs[*(const size_t *)a].client, logs[*(const size_t *)b].client);
}

static struct probe_log *
reader_find(struct probe_reader *rd, const char *client)
{
	size_t lo = 0, hi = rd->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(client, rd->logs[rd->order[mid]].client);

		if (c == 0)
			return &rd->logs[rd->order[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static void
reader_line(struct probe_reader *rd, const char *line)
{
	char client[PROBE_CLIENT_MAX];
	struct probe_rec r;
	struct probe_break b;
	struct probe_log *l;
	enum probe_line_kind k = probe_logline_parse(line, client, &r, &b);

	if (k == PROBE_LINE_NONE)
		return;
	if (k == PROBE_LINE_BAD) {
		rd->bad++;
		return;
	}
	l = reader_find(rd, client);
	if (l == NULL)
		rd->unknown++;
	else if (k == PROBE_LINE_QUERY)
		probe_log_insert(l, &r);
	else
		probe_log_add_break(l, &b);
}

int
probe_reader_open(struct probe_reader *rd, const char *path, struct probe_log *logs, size_t n)
{
	memset(rd, 0, sizeof(*rd));
	rd->logs = logs;
	rd->n = n;
	rd->order = calloc(n ? n : 1, sizeof(*rd->order));
	if (rd->order == NULL) {
		rd->fd = -1;
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		rd->order[i] = i;
	qsort_r(rd->order, n, sizeof(*rd->order), order_cmp, logs);
	rd->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (rd->fd < 0) {
		int err = -errno;

		free(rd->order);
		rd->order = NULL;
		return err;
	}
	return 0;
}

int
probe_reader_poll(struct probe_reader *rd)
{
	int added = 0;

	for (;;) {
		ssize_t n = read(rd->fd, rd->buf + rd->len, sizeof(rd->buf) - 1 - rd->len);
		char *start, *nl;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return added;
		rd->len += (size_t)n;
		rd->buf[rd->len] = '\0';
		start = rd->buf;
		while ((nl = memchr(start, '\n', rd->len - (size_t)(start - rd->buf))) != NULL) {
			*nl = '\0';
			reader_line(rd, start);
			added++;
			start = nl + 1;
		}
		rd->len -= (size_t)(start - rd->buf);
		memmove(rd->buf, start, rd->len);
		if (rd->len == sizeof(rd->buf) - 1) { /* a line longer than the buffer */
			rd->bad++;
			rd->len = 0;
		}
	}
}

void
probe_reader_close(struct probe_reader *rd)
{
	if (rd->fd >= 0)
		close(rd->fd);
	rd->fd = -1;
	free(rd->order);
	rd->order = NULL;
}

int
probe_log_load(struct probe_log *logs, size_t n, const char *path)
{
	struct probe_reader rd;
	int r = probe_reader_open(&rd, path, logs, n);

	if (r < 0)
		return r;
	r = probe_reader_poll(&rd);
	probe_reader_close(&rd);
	return r < 0 ? r : 0;
}

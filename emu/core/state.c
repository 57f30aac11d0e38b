/*
 * The lab record under /run/anylab/LAB/ (format in state.h and
 * docs/anylab.md). Lines are appended with one write(2) each on an O_APPEND
 * descriptor, so a SIGKILL leaves whole lines only (a torn last line is
 * ignored when read back).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anylab.h"
#include "state.h"

const char *const state_kind_names[STATE_KIND_MAX] = {
	[STATE_NETNS] = "netns",
	[STATE_ETC] = "etc",
	[STATE_LINK] = "link",
	[STATE_DAEMON] = "daemon",
	[STATE_CAPTURE] = "capture",
};

const char *
state_lab_dir(const char *lab, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", emu_run_dir(), lab);
	return buf;
}

const char *
state_node_dir(const char *lab, const char *node, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/nodes/%s", emu_run_dir(), lab, node);
	return buf;
}

bool
state_exists(const char *lab)
{
	char dir[ANYLAB_PATH_MAX];

	return access(state_lab_dir(lab, dir, sizeof(dir)), F_OK) == 0;
}

static int
state_push(struct state *st, const struct state_entry *e)
{
	struct state_entry *n;

	if (st->nentries % 64 == 0) {
		n = realloc(st->entries, (st->nentries + 64) * sizeof(*n));
		if (n == NULL)
			return -ENOMEM;
		st->entries = n;
	}
	st->entries[st->nentries++] = *e;
	return 0;
}

static int
state_write(struct state *st, const char *line)
{
	size_t len = strlen(line);
	ssize_t n;

	if (st->fd < 0)
		return -EBADF;
	n = write(st->fd, line, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int
state_create(const char *lab, struct state *st)
{
	char path[ANYLAB_PATH_MAX + 16];

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	snprintf(st->lab, sizeof(st->lab), "%s", lab);
	state_lab_dir(lab, st->dir, sizeof(st->dir));
	if (mkdir(emu_run_dir(), 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mkdir(st->dir, 0755) < 0)
		return -errno; /* EEXIST: up already, or a record left to down */
	snprintf(path, sizeof(path), "%s/nodes", st->dir);
	if (mkdir(path, 0755) < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/record", st->dir);
	st->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (st->fd < 0)
		return -errno;
	snprintf(path, sizeof(path), "lab %s\n", lab);
	return state_write(st, path);
}

static int
state_parse_line(struct state *st, char *line)
{
	struct state_entry e;
	char *w[6];
	int n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(line, " ", &save); tok != NULL && n < 6;
	     tok = strtok_r(NULL, " ", &save))
		w[n++] = tok;
	if (n == 0)
		return 0;
	memset(&e, 0, sizeof(e));
	if (strcmp(w[0], "complete") == 0) {
		st->complete = true;
		return 0;
	}
	if (strcmp(w[0], "cancel") == 0 && n == 3 && strcmp(w[1], "netns") == 0) {
		/* The latest matching entry is the one that was not ours. */
		for (size_t i = st->nentries; i-- > 0;) {
			if (st->entries[i].kind == STATE_NETNS && !st->entries[i].cancelled &&
			    strcmp(st->entries[i].name, w[2]) == 0) {
				st->entries[i].cancelled = true;
				break;
			}
		}
		return 0;
	}
	if (strcmp(w[0], "netns") == 0 && n == 2) {
		e.kind = STATE_NETNS;
		snprintf(e.name, sizeof(e.name), "%s", w[1]);
	} else if (strcmp(w[0], "etc") == 0 && n == 2) {
		e.kind = STATE_ETC;
		snprintf(e.name, sizeof(e.name), "%s", w[1]);
	} else if (strcmp(w[0], "link") == 0 && n == 3) {
		e.kind = STATE_LINK;
		snprintf(e.name, sizeof(e.name), "%s", w[1]);
		snprintf(e.ifname, sizeof(e.ifname), "%s", w[2]);
	} else if (strcmp(w[0], "daemon") == 0 && n == 5) {
		e.kind = STATE_DAEMON;
		snprintf(e.node, sizeof(e.node), "%s", w[1]);
		snprintf(e.service, sizeof(e.service), "%s", w[2]);
		e.pid = (pid_t)strtol(w[3], NULL, 10);
		e.starttime = strtoull(w[4], NULL, 10);
		if (e.pid <= 1)
			return 0;
	} else if (strcmp(w[0], "capture") == 0 && n == 4) {
		e.kind = STATE_CAPTURE;
		snprintf(e.node, sizeof(e.node), "%s", w[1]);
		e.pid = (pid_t)strtol(w[2], NULL, 10);
		e.starttime = strtoull(w[3], NULL, 10);
		if (e.pid <= 1)
			return 0;
	} else {
		return 0; /* "lab NAME" and anything unknown */
	}
	return state_push(st, &e);
}

int
state_open(const char *lab, struct state *st)
{
	char path[ANYLAB_PATH_MAX + 16];
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int err = 0;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	snprintf(st->lab, sizeof(st->lab), "%s", lab);
	state_lab_dir(lab, st->dir, sizeof(st->dir));
	snprintf(path, sizeof(path), "%s/record", st->dir);
	f = fopen(path, "re");
	if (f == NULL) {
		err = -errno;
		if (err == -ENOENT && access(st->dir, F_OK) == 0)
			return 0; /* killed before the record was made: empty */
		return err;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n')
			break; /* torn last line */
		line[n - 1] = '\0';
		err = state_parse_line(st, line);
		if (err < 0)
			break;
	}
	free(line);
	fclose(f);
	if (err < 0)
		state_close(st);
	return err;
}

void
state_close(struct state *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	free(st->entries);
	st->entries = NULL;
	st->nentries = 0;
}

int
state_add_netns(struct state *st, const char *name)
{
	struct state_entry e = { .kind = STATE_NETNS };
	char line[300];
	int err;

	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(line, sizeof(line), "netns %s\n", name);
	err = state_write(st, line);
	return err < 0 ? err : state_push(st, &e);
}

int
state_cancel_netns(struct state *st, const char *name)
{
	char line[300];

	for (size_t i = st->nentries; i-- > 0;) {
		if (st->entries[i].kind == STATE_NETNS && !st->entries[i].cancelled &&
		    strcmp(st->entries[i].name, name) == 0) {
			st->entries[i].cancelled = true;
			break;
		}
	}
	snprintf(line, sizeof(line), "cancel netns %s\n", name);
	return state_write(st, line);
}

int
state_add_etc(struct state *st, const char *name)
{
	struct state_entry e = { .kind = STATE_ETC };
	char line[300];
	int err;

	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(line, sizeof(line), "etc %s\n", name);
	err = state_write(st, line);
	return err < 0 ? err : state_push(st, &e);
}

int
state_add_link(struct state *st, const char *netns, const char *ifname)
{
	struct state_entry e = { .kind = STATE_LINK };
	char line[300];
	int err;

	snprintf(e.name, sizeof(e.name), "%s", netns);
	snprintf(e.ifname, sizeof(e.ifname), "%s", ifname);
	snprintf(line, sizeof(line), "link %s %s\n", netns, ifname);
	err = state_write(st, line);
	return err < 0 ? err : state_push(st, &e);
}

int
state_add_daemon(struct state *st, const char *node, const char *service, pid_t pid,
    unsigned long long starttime)
{
	struct state_entry e = { .kind = STATE_DAEMON, .pid = pid, .starttime = starttime };
	char line[300];
	int err;

	snprintf(e.node, sizeof(e.node), "%s", node);
	snprintf(e.service, sizeof(e.service), "%s", service);
	snprintf(line, sizeof(line), "daemon %s %s %d %llu\n", node, service, (int)pid, starttime);
	err = state_write(st, line);
	return err < 0 ? err : state_push(st, &e);
}

int
state_add_capture(struct state *st, const char *node, pid_t pid, unsigned long long starttime)
{
	struct state_entry e = { .kind = STATE_CAPTURE, .pid = pid, .starttime = starttime };
	char line[300];
	int err;

	snprintf(e.node, sizeof(e.node), "%s", node);
	snprintf(line, sizeof(line), "capture %s %d %llu\n", node, (int)pid, starttime);
	err = state_write(st, line);
	return err < 0 ? err : state_push(st, &e);
}

int
state_mark_complete(struct state *st)
{
	int err = state_write(st, "complete\n");

	if (err == 0)
		st->complete = true;
	return err;
}

static int
state_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	int r = flag == FTW_DP ? rmdir(path) : unlink(path);

	return r < 0 && errno != ENOENT ? -1 : 0;
}

int
state_remove(const char *lab)
{
	char dir[ANYLAB_PATH_MAX];

	state_lab_dir(lab, dir, sizeof(dir));
	if (access(dir, F_OK) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (nftw(dir, state_rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return -errno;
	return 0;
}

static int
state_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
state_list(char ***namesp, size_t *countp)
{
	char **names = NULL, **n;
	size_t count = 0;
	struct dirent *e;
	DIR *d;

	*namesp = NULL;
	*countp = 0;
	d = opendir(emu_run_dir());
	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n = realloc(names, (count + 1) * sizeof(*names));
		if (n == NULL)
			goto out_nomem;
		names = n;
		names[count] = strdup(e->d_name);
		if (names[count] == NULL)
			goto out_nomem;
		count++;
	}
	closedir(d);
	if (count > 1)
		qsort(names, count, sizeof(*names), state_cmp_names);
	*namesp = names;
	*countp = count;
	return 0;

out_nomem:
	closedir(d);
	state_list_free(names, count);
	return -ENOMEM;
}

void
state_list_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

unsigned long long
state_proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p, *save = NULL, *tok;
	unsigned long long start = 0;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL)
		return 0;
	/* Fields after "(comm)": state is field 3, starttime field 22. */
	for (i = 3, tok = strtok_r(p + 1, " ", &save); tok != NULL;
	     i++, tok = strtok_r(NULL, " ", &save)) {
		if (i == 3 && (tok[0] == 'Z' || tok[0] == 'X'))
			return 0;
		if (i == 22) {
			start = strtoull(tok, NULL, 10);
			break;
		}
	}
	return start;
}

bool
state_proc_running(const struct state_entry *e)
{
	unsigned long long now;

	if ((e->kind != STATE_DAEMON && e->kind != STATE_CAPTURE) || e->pid <= 1)
		return false;
	now = state_proc_starttime(e->pid);
	return now != 0 && now == e->starttime;
}

/*
 * Node daemon supervision (see daemon.h). A started daemon is recorded
 * before it can exec: the child waits on a pipe until the parent has
 * appended "daemon NODE SERVICE PID STARTTIME" to the record, and exits if
 * the parent dies first (EOF), so a SIGKILLed `up` never leaves an
 * unrecorded daemon behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "anylab.h"
#include "ctl.h"
#include "daemon.h"
#include "netns.h"

const char *const daemon_service_names[DAEMON_SERVICE_MAX] = {
	[DAEMON_BGP] = "bgp",
	[DAEMON_DNS] = "dns",
};

const char *const daemon_binary_names[DAEMON_SERVICE_MAX] = {
	[DAEMON_BGP] = "anybgpd",
	[DAEMON_DNS] = "anydnsd",
};

const cJSON *
daemon_section(const struct topo_node *n, enum daemon_service s)
{
	return s == DAEMON_BGP ? n->bgp : n->dns;
}

const char *
daemon_binary(enum daemon_service s, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", emu_bin_dir(), daemon_binary_names[s]);
	return buf;
}

int
daemon_check_binaries(const struct topology *t)
{
	char path[ANYLAB_PATH_MAX];

	for (int s = 0; s < DAEMON_SERVICE_MAX; s++) {
		for (size_t i = 0; i < t->nnodes; i++) {
			if (daemon_section(&t->nodes[i], s) == NULL)
				continue;
			if (access(daemon_binary(s, path, sizeof(path)), X_OK) < 0)
				return s;
			break;
		}
	}
	return -1;
}

const char *
daemon_file(const char *lab, const char *node, enum daemon_service s, const char *suffix,
    char *buf, size_t len)
{
	char dir[ANYLAB_PATH_MAX];

	snprintf(buf, len, "%s/%s.%s", state_node_dir(lab, node, dir, sizeof(dir)),
	    daemon_service_names[s], suffix);
	return buf;
}

static int
daemon_write_config(const char *path, const cJSON *section)
{
	char *text = cJSON_Print(section);
	size_t len;
	FILE *f;
	int err = 0;

	if (text == NULL)
		return -ENOMEM;
	f = fopen(path, "we");
	if (f == NULL) {
		err = -errno;
		goto out;
	}
	len = strlen(text);
	if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF)
		err = -EIO;
	if (fclose(f) != 0 && err == 0)
		err = -errno;
out:
	free(text);
	return err;
}

/* In the child: never returns. */
static void
daemon_child(int gate, int nsfd, const char *dir, const char *out, char *const argv[])
{
	char go;
	int fd;

	sigset_t none;

	if (netns_enter(nsfd) < 0 || chdir(dir) < 0)
		_exit(127);
	setsid();
	/* A daemon starts with default signals, whatever its starter ignored or blocked. */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	/* Wait until the parent has recorded us; EOF means it died first. */
	if (read(gate, &go, 1) != 1)
		_exit(0);
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	execv(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int
daemon_start(struct state *st, const char *lab, const struct topo_node *n,
    enum daemon_service s, const char *base_dir, int nsfd, pid_t *pidp)
{
	char bin[ANYLAB_PATH_MAX], conf[ANYLAB_PATH_MAX], ctl[ANYLAB_PATH_MAX];
	char logf[ANYLAB_PATH_MAX], out[ANYLAB_PATH_MAX], dir[ANYLAB_PATH_MAX];
	char *argv[] = { bin, "-c", conf, "-s", ctl, "-l", logf, "-n", n->name, NULL, NULL, NULL };
	unsigned long long start;
	int gate[2], err;
	pid_t pid;

	daemon_binary(s, bin, sizeof(bin));
	if (s == DAEMON_DNS && base_dir != NULL) {
		argv[9] = "-b";
		argv[10] = (char *)base_dir;
	}
	daemon_file(lab, n->name, s, "json", conf, sizeof(conf));
	daemon_file(lab, n->name, s, "ctl", ctl, sizeof(ctl));
	daemon_file(lab, n->name, s, "log", logf, sizeof(logf));
	daemon_file(lab, n->name, s, "out", out, sizeof(out));
	state_node_dir(lab, n->name, dir, sizeof(dir));
	err = daemon_write_config(conf, daemon_section(n, s));
	if (err < 0) {
		emu_err("%s: %s", conf, strerror(-err));
		return err;
	}
	if (pipe2(gate, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(gate[0]);
		close(gate[1]);
		emu_err("fork: %s", strerror(-err));
		return err;
	}
	if (pid == 0) {
		close(gate[1]);
		daemon_child(gate[0], nsfd, dir, out, argv);
	}
	close(gate[0]);
	start = state_proc_starttime(pid);
	err = state_add_daemon(st, n->name, daemon_service_names[s], pid, start);
	if (err < 0) {
		close(gate[1]);	/* the child exits on EOF */
		waitpid(pid, NULL, 0);
		emu_err("%s/record: %s", st->dir, strerror(-err));
		return err;
	}
	if (write(gate[1], "g", 1) != 1)
		err = -errno;
	close(gate[1]);
	*pidp = pid;
	return err;
}

int
daemon_wait_ready(const char *lab, const char *node, enum daemon_service s, pid_t pid,
    int timeout_ms)
{
	char ctl[ANYLAB_PATH_MAX], *reply = NULL;
	long long deadline = emu_now_us() + (long long)timeout_ms * 1000;
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int status;

	daemon_file(lab, node, s, "ctl", ctl, sizeof(ctl));
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -ECHILD;
		if (access(ctl, F_OK) == 0 && ctl_call(ctl, "status", &reply, 1000) == 0) {
			free(reply);
			return 0;
		}
		if (emu_now_us() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
}

void
daemon_show_tail(const char *path, int nlines)
{
	char buf[4096], *p, *start;
	ssize_t n;
	off_t size;
	int fd, seen = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf) - 1)
		lseek(fd, size - (off_t)sizeof(buf) + 1, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[--n] = '\0';
	start = buf;
	for (p = buf + n; p > buf; p--) {
		if (p[-1] == '\n' && ++seen == nlines) {
			start = p;
			break;
		}
	}
	fprintf(stderr, "--- last lines of %s:\n%s\n---\n", path, start);
}

int
daemon_bgp_progress(const char *ctl, struct daemon_bgp_state *st)
{
	char *reply = NULL;
	cJSON *doc;
	int err;

	memset(st, 0, sizeof(*st));
	err = ctl_call(ctl, "status", &reply, 1000);
	if (err < 0)
		return err;
	doc = cJSON_Parse(reply);
	free(reply);
	if (doc == NULL)
		return -EPROTO;
	st->peers = (unsigned)cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "peers"));
	st->established = (unsigned)cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "established"));
	st->kernel_routes = (unsigned long long)cJSON_GetNumberValue(
	    cJSON_GetObjectItem(doc, "kernel_routes"));
	st->pending = cJSON_IsTrue(cJSON_GetObjectItem(doc, "pending"));
	cJSON_Delete(doc);
	return 0;
}

bool
daemon_running(const struct state_entry *e)
{
	return e->kind == STATE_DAEMON && state_proc_running(e);
}

int
daemon_stop_recorded(const struct state *st, enum state_kind kind, int grace_ms)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	long long deadline = emu_now_us() + (long long)grace_ms * 1000;
	bool left;
	int killed = 0;

	for (size_t i = 0; i < st->nentries; i++) {
		if (st->entries[i].kind == kind && state_proc_running(&st->entries[i]))
			kill(st->entries[i].pid, SIGTERM);
	}
	do {
		left = false;
		for (size_t i = 0; i < st->nentries; i++) {
			if (st->entries[i].kind != kind)
				continue;
			waitpid(st->entries[i].pid, NULL, WNOHANG);	/* ours during up */
			if (state_proc_running(&st->entries[i]))
				left = true;
		}
		if (left)
			nanosleep(&pause, NULL);
	} while (left && emu_now_us() < deadline);
	for (size_t i = 0; left && i < st->nentries; i++) {
		if (st->entries[i].kind == kind && state_proc_running(&st->entries[i])) {
			kill(st->entries[i].pid, SIGKILL);
			waitpid(st->entries[i].pid, NULL, 0);
			killed++;
		}
	}
	return killed;
}

int
daemon_stop_all(const struct state *st, int grace_ms)
{
	return daemon_stop_recorded(st, STATE_DAEMON, grace_ms);
}

/*
 * libpcap captures inside lab namespaces (capture.h). libpcap is loaded
 * when the first capture starts (dynlib.h), not linked: the verbs that
 * never capture start without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "anylab.h"
#include "capture.h"
#include "dynlib.h"
#include "fileio.h"
#include "netns.h"
#include "proc.h"

#define SNAPLEN_DEFAULT 262144
#define MAX_TARGETS	256
#define STOP_GRACE_MS	5000 /* a capture flushes and closes its files on SIGTERM */

/* The libpcap functions used here, resolved by dynlib_load (capture_load). */
static struct {
	__typeof__(pcap_activate) *pcap_activate;
	__typeof__(pcap_close) *pcap_close;
	__typeof__(pcap_compile) *pcap_compile;
	__typeof__(pcap_create) *pcap_create;
	__typeof__(pcap_datalink) *pcap_datalink;
	__typeof__(pcap_dispatch) *pcap_dispatch;
	__typeof__(pcap_dump) *pcap_dump;
	__typeof__(pcap_dump_close) *pcap_dump_close;
	__typeof__(pcap_dump_flush) *pcap_dump_flush;
	__typeof__(pcap_dump_fopen) *pcap_dump_fopen;
	__typeof__(pcap_freecode) *pcap_freecode;
	__typeof__(pcap_get_selectable_fd) *pcap_get_selectable_fd;
	__typeof__(pcap_geterr) *pcap_geterr;
	__typeof__(pcap_set_buffer_size) *pcap_set_buffer_size;
	__typeof__(pcap_set_immediate_mode) *pcap_set_immediate_mode;
	__typeof__(pcap_set_promisc) *pcap_set_promisc;
	__typeof__(pcap_set_snaplen) *pcap_set_snaplen;
	__typeof__(pcap_setdirection) *pcap_setdirection;
	__typeof__(pcap_setfilter) *pcap_setfilter;
	__typeof__(pcap_setnonblock) *pcap_setnonblock;
} pcap_fn;

#define PCAP_SYM(f) \
	{ \
#f, (void **)&pcap_fn.f \
	}
static const struct dynlib_sym pcap_syms[] = {
	PCAP_SYM(pcap_activate),
	PCAP_SYM(pcap_close),
	PCAP_SYM(pcap_compile),
	PCAP_SYM(pcap_create),
	PCAP_SYM(pcap_datalink),
	PCAP_SYM(pcap_dispatch),
	PCAP_SYM(pcap_dump),
	PCAP_SYM(pcap_dump_close),
	PCAP_SYM(pcap_dump_flush),
	PCAP_SYM(pcap_dump_fopen),
	PCAP_SYM(pcap_freecode),
	PCAP_SYM(pcap_get_selectable_fd),
	PCAP_SYM(pcap_geterr),
	PCAP_SYM(pcap_set_buffer_size),
	PCAP_SYM(pcap_set_immediate_mode),
	PCAP_SYM(pcap_set_promisc),
	PCAP_SYM(pcap_set_snaplen),
	PCAP_SYM(pcap_setdirection),
	PCAP_SYM(pcap_setfilter),
	PCAP_SYM(pcap_setnonblock),
};
/* Debian names it after its old soname; upstream's is libpcap.so.1. */
static const char *const pcap_sonames[] = { "libpcap.so.0.8", "libpcap.so.1", NULL };
static struct dynlib pcap_lib = {
	.sonames = pcap_sonames,
	.package = "libpcap0.8",
	.syms = pcap_syms,
	.nsyms = sizeof(pcap_syms) / sizeof(pcap_syms[0]),
};

static volatile sig_atomic_t capture_stopping;

static void
on_signal(int sig)
{
	(void)sig;
	capture_stopping = 1;
}

static int
capture_load(char *err, size_t errlen)
{
	if (dynlib_load(&pcap_lib) < 0) {
		snprintf(err, errlen, "capture: %s", pcap_lib.error);
		return EMU_EMISSING;
	}
	return 0;
}

/*
 * The pcap file for h: made afresh or replacing a regular file of ours,
 * never through a symbolic link or into a file someone else planted
 * (fileio.h); readable by all, as tcpdump's are.
 */
static pcap_dumper_t *
capture_file_open(pcap_t *h, const char *file, char *err, size_t errlen)
{
	char why[128];
	pcap_dumper_t *d;
	FILE *f;
	int e;

	f = file_fcreate(AT_FDCWD, file, 0644, FILE_REPLACE, &e);
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", file, file_strerror(e, 0, why, sizeof(why)));
		return NULL;
	}
	d = pcap_fn.pcap_dump_fopen(h, f);
	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", file, pcap_fn.pcap_geterr(h));
		fclose(f);
	}
	return d;
}

/* Open one handle with the thread inside the target's namespace. */
static pcap_t *
open_handle(const struct capture_target *t, const struct capture_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	int self, fd, r;
	pcap_t *p = NULL;

	self = netns_open_self();
	fd = netns_open(t->netns);
	if (self < 0 || fd < 0 || netns_enter(fd) < 0) {
		snprintf(err, errlen, "%s: cannot enter namespace %s", t->what, t->netns);
		goto out;
	}
	p = pcap_fn.pcap_create(t->iface, ebuf);
	if (p == NULL) {
		snprintf(err, errlen, "%s: %s", t->what, ebuf);
		goto back;
	}
	pcap_fn.pcap_set_snaplen(p, o->snaplen ? o->snaplen : SNAPLEN_DEFAULT);
	pcap_fn.pcap_set_promisc(p, 0);
	pcap_fn.pcap_set_immediate_mode(p, 1);
	pcap_fn.pcap_set_buffer_size(p, 4 << 20);
	r = pcap_fn.pcap_activate(p);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", t->what, pcap_fn.pcap_geterr(p));
		pcap_fn.pcap_close(p);
		p = NULL;
		goto back;
	}
	if (t->inbound_only && pcap_fn.pcap_setdirection(p, PCAP_D_IN) < 0) {
		snprintf(err, errlen, "%s: %s", t->what, pcap_fn.pcap_geterr(p));
		pcap_fn.pcap_close(p);
		p = NULL;
		goto back;
	}
	if (o->filter && o->filter[0]) {
		if (pcap_fn.pcap_compile(p, &prog, o->filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
		    pcap_fn.pcap_setfilter(p, &prog) < 0) {
			snprintf(err, errlen, "filter \"%s\": %s", o->filter,
			    pcap_fn.pcap_geterr(p));
			pcap_fn.pcap_close(p);
			p = NULL;
			goto back;
		}
		pcap_fn.pcap_freecode(&prog);
	}
	if (pcap_fn.pcap_setnonblock(p, 1, ebuf) < 0) {
		snprintf(err, errlen, "%s: %s", t->what, ebuf);
		pcap_fn.pcap_close(p);
		p = NULL;
	}
back:
	if (netns_enter(self) < 0) {
		fprintf(stderr, "anylab: cannot return to the original network namespace\n");
		_exit(1);
	}
out:
	if (self >= 0)
		close(self);
	if (fd >= 0)
		close(fd);
	return p;
}

struct dump_ctx {
	pcap_dumper_t *d;
	long long *written;
	uint64_t limit;
};

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dump_ctx *c = (struct dump_ctx *)user;

	if (c->limit && (uint64_t)*c->written >= c->limit)
		return;
	pcap_fn.pcap_dump((u_char *)c->d, h, bytes);
	(*c->written)++;
}

static long long
now_ms(void)
{
	return emu_now_us() / 1000;
}

/* Open everything; ready_fd (or -1) gets "ok\n" or the error once all is open. */
static long long
capture_loop(const struct capture_target *t, size_t n, const struct capture_opts *o, int ready_fd,
    char *err, size_t errlen)
{
	pcap_t **h = calloc(n, sizeof(*h));
	pcap_dumper_t **d = calloc(n, sizeof(*d));
	struct pollfd *pfd = calloc(n, sizeof(*pfd));
	struct dump_ctx *ctx = calloc(n, sizeof(*ctx));
	long long written = 0, deadline = 0;
	size_t i;
	int fail = 0;

	err[0] = '\0';
	if (n == 0 || n > MAX_TARGETS) {
		if (n == 0)
			snprintf(err, errlen, "nothing to capture");
		else
			snprintf(err, errlen, "more than %d interfaces to capture", MAX_TARGETS);
		fail = -EINVAL;
		goto out;
	}
	if (h == NULL || d == NULL || pfd == NULL || ctx == NULL) {
		snprintf(err, errlen, "out of memory");
		fail = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !fail; i++) {
		h[i] = open_handle(&t[i], o, err, errlen);
		if (h[i] == NULL)
			fail = EMU_ECOMMAND;
		else if (i > 0 && o->merged_file &&
		    pcap_fn.pcap_datalink(h[i]) != pcap_fn.pcap_datalink(h[0])) {
			snprintf(err, errlen,
			    "%s: link type differs from %s; capture them into "
			    "separate files",
			    t[i].what, t[0].what);
			fail = -EINVAL;
		}
	}
	for (i = 0; i < n && !fail; i++) {
		const char *file = o->merged_file ? o->merged_file : t[i].file;

		if (o->merged_file && i > 0) {
			d[i] = d[0];
		} else {
			d[i] = capture_file_open(h[i], file, err, errlen);
			if (d[i] == NULL)
				fail = -EIO;
		}
		pfd[i].fd = pcap_fn.pcap_get_selectable_fd(h[i]);
		pfd[i].events = POLLIN;
		ctx[i].d = d[i];
		ctx[i].written = &written;
		ctx[i].limit = o->count;
	}
	if (ready_fd >= 0) {
		char line[600];
		ssize_t w;

		snprintf(line, sizeof(line), "%s\n", fail ? err : "ok");
		w = write(ready_fd, line, strlen(line));
		(void)w;
		close(ready_fd);
	}
	if (fail)
		goto out;
	if (o->duration_ms)
		deadline = now_ms() + (long long)o->duration_ms;
	while (!capture_stopping) {
		int wait = 100;

		if (deadline) {
			long long left = deadline - now_ms();

			if (left <= 0)
				break;
			if (left < wait)
				wait = (int)left;
		}
		if (poll(pfd, n, wait) < 0 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			if (pcap_fn.pcap_dispatch(h[i], -1, on_packet, (u_char *)&ctx[i]) < 0) {
				snprintf(err, errlen, "%s: %s", t[i].what,
				    pcap_fn.pcap_geterr(h[i]));
				capture_stopping = 1;
			}
		}
		for (i = 0; i < n; i++)
			if (d[i] && (i == 0 || !o->merged_file))
				pcap_fn.pcap_dump_flush(d[i]);
		if (o->count && (uint64_t)written >= o->count)
			break;
	}
	/* Whatever is still queued. */
	for (i = 0; i < n; i++)
		pcap_fn.pcap_dispatch(h[i], -1, on_packet, (u_char *)&ctx[i]);
out:
	for (i = 0; d && i < n; i++)
		if (d[i] && (i == 0 || !o->merged_file))
			pcap_fn.pcap_dump_close(d[i]);
	for (i = 0; h && i < n; i++)
		if (h[i])
			pcap_fn.pcap_close(h[i]);
	free(h);
	free(d);
	free(pfd);
	free(ctx);
	return fail < 0 ? fail : written;
}

long long
capture_run(const struct capture_target *t, size_t n, const struct capture_opts *o, char *err,
    size_t errlen)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int e = capture_load(err, errlen);

	if (e < 0)
		return e;
	capture_stopping = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return capture_loop(t, n, o, -1, err, errlen);
}

/* Close every descriptor from 3 up but a and b. */
static void
close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		syscall(SYS_close_range, 3U, (unsigned)lo - 1, 0U);
	if (hi > lo + 1)
		syscall(SYS_close_range, (unsigned)lo + 1, (unsigned)hi - 1, 0U);
	syscall(SYS_close_range, (unsigned)hi + 1, ~0U, 0U);
}

/*
 * A capture that outlives its starter (up --capture): its own session,
 * default signal dispositions and an empty mask, standard input from
 * /dev/null, output appended to o->output, no descriptor of the starter's.
 */
static void
child_detach(const struct capture_opts *o, int gate, int ready)
{
	sigset_t none;
	int fd;

	setsid();
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	umask(022); /* nothing it makes is others' to write, whatever anylab's caller had */
	fd = o->output ? file_create(AT_FDCWD, o->output, 0600, FILE_APPEND) :
			 open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	close_all_but(gate, ready);
}

/* In the child: never returns. */
static void
capture_child(const struct capture_target *t, size_t n, const struct capture_opts *o, int gate,
    int ready)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char cerr[512] = "", go;
	long long r;

	prctl(PR_SET_NAME, "anylab-capture"); /* what ps and top show */
	if (o->detach)
		child_detach(o, gate, ready);
	else
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* files closed cleanly if anylab dies */
	capture_stopping = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Wait until the starter has recorded us; EOF means it died or gave up first. */
	if (gate >= 0) {
		if (read(gate, &go, 1) != 1)
			_exit(0);
		close(gate);
	}
	r = capture_loop(t, n, o, ready, cerr, sizeof(cerr));
	if (r >= 0 && cerr[0] != '\0')
		fprintf(stderr, "anylab capture: %s\n", cerr); /* after it was ready */
	if (r >= 0 && o->detach)
		fprintf(stderr, "anylab capture: %lld packets written\n", r);
	_exit(r < 0 ? 1 : 0);
}

pid_t
capture_start(const struct capture_target *t, size_t n, const struct capture_opts *o, char *err,
    size_t errlen)
{
	int p[2], gate[2] = { -1, -1 }, e;
	pid_t pid;
	char line[600] = "";
	ssize_t r;

	e = capture_load(err, errlen);
	if (e < 0)
		return e;
	if (pipe2(p, O_CLOEXEC) < 0) {
		e = -errno;
		snprintf(err, errlen, "pipe: %s", strerror(-e));
		return e;
	}
	if (o->record != NULL && pipe2(gate, O_CLOEXEC) < 0) {
		e = -errno;
		snprintf(err, errlen, "pipe: %s", strerror(-e));
		goto out_pipe;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		e = -errno;
		snprintf(err, errlen, "fork: %s", strerror(-e));
		if (gate[0] >= 0) {
			close(gate[0]);
			close(gate[1]);
		}
		goto out_pipe;
	}
	if (pid == 0) {
		close(p[0]);
		if (gate[1] >= 0)
			close(gate[1]);
		capture_child(t, n, o, gate[0], p[1]);
	}
	close(p[1]);
	if (o->record != NULL) {
		close(gate[0]);
		e = o->record(pid, o->record_arg);
		if (e < 0) {
			snprintf(err, errlen, "the capture could not be recorded");
			close(gate[1]); /* the child exits on EOF */
			goto out_child;
		}
		if (write(gate[1], "g", 1) != 1) {
			e = -errno;
			snprintf(err, errlen, "capture child: %s", strerror(-e));
			close(gate[1]);
			goto out_child;
		}
		close(gate[1]);
	}
	do {
		r = read(p[0], line, sizeof(line) - 1);
	} while (r < 0 && errno == EINTR);
	if (r > 0)
		line[r] = '\0';
	if (r <= 0 || strcmp(line, "ok\n") != 0) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(err, errlen, "%s", r > 0 ? line : "capture child died");
		e = EMU_ECOMMAND;
		goto out_child;
	}
	close(p[0]);
	return pid;

out_child:
	close(p[0]);
	waitpid(pid, NULL, 0);
	return e;
out_pipe:
	close(p[0]);
	close(p[1]);
	return e;
}

int
capture_stop(pid_t pid)
{
	int status, killed;

	if (pid <= 0)
		return -EINVAL;
	killed = proc_stop(&pid, 1, STOP_GRACE_MS, NULL, NULL, &status);
	if (killed < 0)
		return killed;
	if (killed > 0)
		return -ETIMEDOUT;
	if (status == -1)
		return -ECHILD; /* not a child of ours */
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

/*
 * Namespace test scaffolding for tests/bgp/root_laba.c and root_malformed.c; see helper_netns.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "bgp/helper_netns.h"
#include "ctl.h"

static struct tnet *registered[4];

static void
cleanup_all(void)
{
	for (int i = 0; i < 4; i++)
		if (registered[i])
			tn_cleanup(registered[i]);
}

bool
tn_can_run(const char **why)
{
	if (geteuid() != 0) {
		*why = "needs root (network namespaces)";
		return false;
	}
	if (access("/run/netns", F_OK) < 0 && mkdir("/run/netns", 0755) < 0 && errno != EEXIST) {
		*why = "cannot use /run/netns";
		return false;
	}
	*why = "";
	return true;
}

int
tn_init(struct tnet *t, const char *tag)
{
	static int counter;

	memset(t, 0, sizeof(*t));
	snprintf(t->prefix, sizeof(t->prefix), "%s%d%c", tag, (int)getpid(), 'a' + counter++ % 26);
	snprintf(t->dir, sizeof(t->dir), "/tmp/anybgp-%s-XXXXXX", t->prefix);
	if (mkdtemp(t->dir) == NULL)
		return -1;
	chmod(t->dir, 0755);
	for (int i = 0; i < 4; i++)
		if (registered[i] == NULL) {
			registered[i] = t;
			break;
		}
	{
		static bool once;

		if (!once) {
			atexit(cleanup_all);
			once = true;
		}
	}
	return 0;
}

void
tn_cleanup(struct tnet *t)
{
	for (int i = t->npids - 1; i >= 0; i--)
		if (t->pids[i] > 0)
			tn_kill(t, t->pids[i]);
	t->npids = 0;
	for (int i = 0; i < t->nns; i++)
		tn_sh("ip netns del %s 2>/dev/null", t->ns[i]);
	t->nns = 0;
	if (t->dir[0] && strncmp(t->dir, "/tmp/anybgp-", 12) == 0 && getenv("TN_KEEP") == NULL)
		tn_sh("rm -rf '%s'", t->dir);
	t->dir[0] = '\0';
	for (int i = 0; i < 4; i++)
		if (registered[i] == t)
			registered[i] = NULL;
}

static int vsh(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static int
vsh(const char *fmt, va_list ap)
{
	char cmd[2048];
	int r;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	r = system(cmd);
	if (r == -1 || !WIFEXITED(r))
		return -1;
	return WEXITSTATUS(r);
}

int
tn_sh(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsh(fmt, ap);
	va_end(ap);
	return r;
}

char *
tn_out(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (f == NULL)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (buf == NULL) {
				pclose(f);
				return NULL;
			}
		}
		size_t n = fread(buf + len, 1, 4096, f);

		if (n == 0)
			break;
		len += n;
	}
	pclose(f);
	if (buf == NULL)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

const char *
tn_ns(struct tnet *t, const char *name)
{
	char full[48];

	snprintf(full, sizeof(full), "%s-%s", t->prefix, name);
	for (int i = 0; i < t->nns; i++)
		if (strcmp(t->ns[i], full) == 0)
			return t->ns[i];
	if (t->nns == TN_MAX_NS)
		return NULL;
	if (tn_sh("ip netns add %s", full) != 0)
		return NULL;
	snprintf(t->ns[t->nns], sizeof(t->ns[0]), "%s", full);
	tn_sh("ip -n %s link set lo up", full);
	/* Forwarding inside the test's own namespace only. */
	tn_sh("ip netns exec %s sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1",
	    full);
	return t->ns[t->nns++];
}

int
tn_veth(struct tnet *t, const char *ns1, const char *if1, const char *ns2, const char *if2)
{
	if (tn_sh("ip link add name %s netns %s type veth peer name %s netns %s", if1, ns1, if2,
		ns2) != 0)
		return -1;
	if (tn_sh("ip -n %s link set %s up && ip -n %s link set %s up", ns1, if1, ns2, if2) != 0)
		return -1;
	return 0;
}

int
tn_addr(const char *ns, const char *ifname, const char *cidr)
{
	return tn_sh("ip -n %s addr add %s dev %s%s", ns, cidr, ifname,
	    strchr(cidr, ':') ? " nodad" : "");
}

const char *
tn_path(struct tnet *t, const char *name)
{
	static char buf[8][256];
	static int n;
	char *b = buf[n++ % 8];

	snprintf(b, 256, "%s/%s", t->dir, name);
	return b;
}

int
tn_write(struct tnet *t, const char *name, const char *fmt, ...)
{
	va_list ap;
	FILE *f = fopen(tn_path(t, name), "w");

	if (f == NULL)
		return -1;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	return fclose(f);
}

/* Runs argv inside namespace ns, standard output and error to logfile; the pid, recorded. */
static pid_t
spawn(struct tnet *t, const char *ns, const char *logfile, const char *const argv[])
{
	pid_t pid;

	if (t->npids == TN_MAX_PROCS)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char p[128];
		int fd;

		snprintf(p, sizeof(p), "/run/netns/%s", ns);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			_exit(126);
		if (logfile) {
			int lf = open(logfile, O_WRONLY | O_CREAT | O_APPEND, 0644);

			if (lf >= 0) {
				dup2(lf, 1);
				dup2(lf, 2);
				close(lf);
			}
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		setpgid(0, 0);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	t->pids[t->npids++] = pid;
	return pid;
}

int
tn_kill(struct tnet *t, pid_t pid)
{
	int status = -1;

	if (pid <= 0)
		return -1;
	for (int i = 0; i < t->npids; i++)
		if (t->pids[i] == pid)
			t->pids[i] = 0;
	if (kill(pid, SIGTERM) < 0) {
		waitpid(pid, &status, WNOHANG);
		return -1;
	}
	for (int i = 0; i < 60; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (r < 0)
			return -1;
		usleep(50000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* The anybgpd binary of this build. */
static const char *
anybgpd_path(void)
{
	static char path[512];
	const char *b = getenv("ANYLAB_BUILD_DIR");

	snprintf(path, sizeof(path), "%s/bin/anybgpd", b ? b : "build");
	return path;
}

pid_t
tn_anybgpd_start(struct tnet *t, const char *ns, const char *name)
{
	char cfg[256], ctl[256], log[256], f[64];
	const char *argv[] = { anybgpd_path(), "-c", cfg, "-s", ctl, "-l", log, "-n", name, "-d",
		NULL };
	pid_t pid;

	snprintf(f, sizeof(f), "%s.json", name);
	snprintf(cfg, sizeof(cfg), "%s", tn_path(t, f));
	snprintf(f, sizeof(f), "%s.ctl", name);
	snprintf(ctl, sizeof(ctl), "%s", tn_path(t, f));
	snprintf(f, sizeof(f), "%s.log", name);
	snprintf(log, sizeof(log), "%s", tn_path(t, f));
	snprintf(f, sizeof(f), "%s.out", name);
	pid = spawn(t, ns, tn_path(t, f), argv);
	/* Ready when the control socket answers. */
	for (int i = 0; i < 100 && pid > 0; i++) {
		cJSON *j = tn_ctl(t, name, "status");

		if (j) {
			cJSON_Delete(j);
			break;
		}
		usleep(20000);
	}
	return pid;
}

cJSON *
tn_ctl(struct tnet *t, const char *name, const char *request)
{
	char f[64], *reply = NULL;
	cJSON *j;

	snprintf(f, sizeof(f), "%s.ctl", name);
	if (ctl_call(tn_path(t, f), request, &reply, 2000) < 0)
		return NULL;
	j = cJSON_Parse(reply);
	free(reply);
	return j;
}

static const cJSON *
peer_obj(const cJSON *root, const char *addr)
{
	const cJSON *peers = cJSON_GetObjectItem(root, "peers"), *p;

	cJSON_ArrayForEach(p, peers) {
		const cJSON *a = cJSON_GetObjectItem(p, "address");

		if (cJSON_IsString(a) && strcmp(a->valuestring, addr) == 0)
			return p;
	}
	return NULL;
}

double
tn_peer_num(struct tnet *t, const char *name, const char *addr, const char *field)
{
	cJSON *j = tn_ctl(t, name, "peers");
	const cJSON *p, *v;
	double r = -1;

	if (j == NULL)
		return -1;
	p = peer_obj(j, addr);
	v = p ? cJSON_GetObjectItem(p, field) : NULL;
	if (cJSON_IsNumber(v))
		r = v->valuedouble;
	cJSON_Delete(j);
	return r;
}

bool
tn_peer_state(struct tnet *t, const char *name, const char *addr, const char *state)
{
	cJSON *j = tn_ctl(t, name, "peers");
	const cJSON *p, *v;
	bool r = false;

	if (j == NULL)
		return false;
	p = peer_obj(j, addr);
	v = p ? cJSON_GetObjectItem(p, "state") : NULL;
	r = cJSON_IsString(v) && strcmp(v->valuestring, state) == 0;
	cJSON_Delete(j);
	return r;
}

int
tn_routes(struct tnet *t, const char *name, const char *prefix, bool best_only)
{
	char req[128];
	cJSON *j;
	const cJSON *r;
	int n = 0;

	snprintf(req, sizeof(req), "routes %s", prefix);
	j = tn_ctl(t, name, req);
	if (j == NULL)
		return -1;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "routes")) {
		const cJSON *pf = cJSON_GetObjectItem(r, "prefix");
		const cJSON *mp = cJSON_GetObjectItem(r, "multipath");

		if (!cJSON_IsString(pf) || strcmp(pf->valuestring, prefix) != 0)
			continue;
		if (best_only && !cJSON_IsTrue(mp))
			continue;
		n++;
	}
	cJSON_Delete(j);
	return n;
}

int
tn_kernel_nexthops(const char *ns, const char *prefix, const char *proto)
{
	char *out = tn_out("ip -j -n %s %sroute show %s%s%s 2>/dev/null", ns,
	    strchr(prefix, ':') ? "-6 " : "", prefix, proto ? " proto " : "", proto ? proto : "");
	cJSON *j, *r;
	int n = 0;

	if (out == NULL)
		return -1;
	j = cJSON_Parse(out);
	free(out);
	if (j == NULL)
		return -1;
	cJSON_ArrayForEach(r, j) {
		const cJSON *mp = cJSON_GetObjectItem(r, "nexthops");
		const cJSON *gw = cJSON_GetObjectItem(r, "gateway");

		if (cJSON_IsArray(mp))
			n += cJSON_GetArraySize(mp);
		else if (cJSON_IsString(gw))
			n++;
		else
			n++; /* a route without gateway (device route) */
	}
	cJSON_Delete(j);
	return n;
}

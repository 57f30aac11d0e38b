/*
 * Helpers for the BGP kinds' tests (helper_bgpkind.h): golden files of the
 * native configurations, and two namespaces with the kind's own processes
 * for the root tests. Scaffolding (namespaces, veth, addresses) is made
 * with ip(8); every namespace is named LAB-NODE with a lab name starting
 * "hg", recorded, and deleted by exact name at the end or at exit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "kinds/helper_bgpkind.h"
#include "netns.h"

const char *
bk_source(const char *rel, char *buf, size_t len)
{
	const char *env = getenv("ANYLAB_SOURCE_DIR");

	if (env != NULL) {
		snprintf(buf, len, "%s/%s", env, rel);
	} else {
		/* __FILE__ is SRC/tests/kinds/helper_bgpkind.c */
		const char *f = __FILE__;
		size_t n = strlen(f) - strlen("tests/kinds/helper_bgpkind.c");

		snprintf(buf, len, "%.*s%s", (int)n, f, rel);
	}
	return buf;
}

char *
bk_read(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;

	if (f == NULL)
		return NULL;
	if (getdelim(&text, &size, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

static void
bk_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

void
bk_node_init(struct bk_node *n, const struct kind_ops *kind, const char *lab, const char *name,
    const cJSON *section, const char *dir)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->tnode.name = n->name;
	n->tnode.bgp = section;
	n->k.lab = lab;
	n->k.node = &n->tnode;
	n->k.kind = kind;
	n->k.role = KIND_BGP;
	n->k.section = section;
	snprintf(n->k.service, sizeof(n->k.service), "bgp");
	snprintf(n->k.path, sizeof(n->k.path), "nodes.%s.bgp", name);
	snprintf(n->k.dir, sizeof(n->k.dir), "%s", dir);
}

/* text with every occurrence of from replaced by to (caller frees). */
static char *
replace_all(const char *text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = text; (p = strstr(p, from)) != NULL; p += fl)
		n++;
	out = malloc(strlen(text) + n * tl + 1);
	cr_assert_not_null(out);
	for (o = out, p = text; *p;) {
		if (strncmp(p, from, fl) == 0) {
			memcpy(o, to, tl);
			o += tl;
			p += fl;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static bool
regen(void)
{
	const char *v = getenv("ANYLAB_REGEN_GOLDEN");

	return v != NULL && strcmp(v, "1") == 0;
}

/* Compare got with the file want (or write it when regenerating). */
static void
golden_compare(const char *want_path, const char *got)
{
	char *want;

	if (regen()) {
		bk_write(want_path, got);
		return;
	}
	want = bk_read(want_path);
	cr_assert_not_null(want, "%s missing (ANYLAB_REGEN_GOLDEN=1 writes it)", want_path);
	cr_expect_str_eq(got, want, "%s differs; got:\n%s", want_path, got);
	free(want);
}

static cJSON *
load_json(const char *path)
{
	char *text = bk_read(path);
	cJSON *j;

	cr_assert_not_null(text, "%s", path);
	j = cJSON_Parse(text);
	cr_assert_not_null(j, "%s: not JSON", path);
	free(text);
	return j;
}

static bool
has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a > b && strcmp(s + a - b, suf) == 0;
}

static int
golden_good(const struct kind_ops *kind, const char *gdir, const char *file, const char *conf_name,
    const char *checker, const char *checker_args, const char *tmp)
{
	char path[1024], name[64], out[1024], msg[KIND_MSG_MAX] = "";
	struct cfg_errors errs;
	struct bk_node n;
	char *got, *norm;
	cJSON *sec;

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(file) - 5), file);
	snprintf(path, sizeof(path), "%s/%s", gdir, file);
	sec = load_json(path);
	bk_node_init(&n, kind, "hggold", name, sec, tmp);
	cfg_errors_init(&errs, NULL);
	cr_assert_eq(kind->check(&n.k, &errs), 0, "%s: check refused it (%d errors): %s", path,
	    errs.count, errs.count ? cfg_error_text(&errs, 0, msg, sizeof(msg)) : "");
	cr_assert_eq(kind->configure(&n.k, msg, sizeof(msg)), 0, "%s: configure: %s", path, msg);
	snprintf(out, sizeof(out), "%s/%s", tmp, conf_name);
	got = bk_read(out);
	cr_assert_not_null(got, "%s not written", out);
	if (checker != NULL && access(checker, X_OK) == 0) {
		char cmd[2400];
		int st;

		snprintf(cmd, sizeof(cmd), "%s %s '%s' >/dev/null 2>&1", checker, checker_args,
		    out);
		st = system(cmd);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "%s: the daemon refuses the "
		    "rendered file (%s)",
		    path, cmd);
	}
	norm = replace_all(got, tmp, "@DIR@");
	snprintf(path, sizeof(path), "%s/%s.conf", gdir, name);
	golden_compare(path, norm);
	free(norm);
	free(got);
	cJSON_Delete(sec);
	return 1;
}

static int
golden_bad(const struct kind_ops *kind, const char *gdir, const char *file, const char *tmp)
{
	char path[1024], name[64], line[CFG_PATH_MAX + 600];
	struct cfg_errors errs;
	struct bk_node n;
	char *all = NULL;
	size_t len = 0;
	FILE *mem;
	cJSON *sec;

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(file) - 5), file);
	snprintf(path, sizeof(path), "%s/bad/%s", gdir, file);
	sec = load_json(path);
	bk_node_init(&n, kind, "hggold", name, sec, tmp);
	cfg_errors_init(&errs, NULL);
	cr_assert_lt(kind->check(&n.k, &errs), 0, "%s: check accepted it", path);
	mem = open_memstream(&all, &len);
	cr_assert_not_null(mem);
	for (int i = 0; i < errs.count && i < CFG_MAX_ERRORS; i++)
		fprintf(mem, "%s\n", cfg_error_text(&errs, i, line, sizeof(line)));
	fclose(mem);
	snprintf(path, sizeof(path), "%s/bad/%s.err", gdir, name);
	golden_compare(path, all);
	free(all);
	cJSON_Delete(sec);
	return 1;
}

int
bk_golden_all(const struct kind_ops *kind, const char *conf_name, const char *checker,
    const char *checker_args)
{
	char gdir[900], bdir[1000], tmp[] = "/tmp/hggoldXXXXXX", rel[128];
	struct dirent **list;
	int n, count = 0;

	snprintf(rel, sizeof(rel), "tests/kinds/golden/%s", kind->name);
	bk_source(rel, gdir, sizeof(gdir));
	cr_assert_not_null(mkdtemp(tmp));
	n = scandir(gdir, &list, NULL, alphasort);
	cr_assert_gt(n, 0, "%s: no golden files", gdir);
	for (int i = 0; i < n; i++) {
		if (has_suffix(list[i]->d_name, ".json"))
			count += golden_good(kind, gdir, list[i]->d_name, conf_name, checker,
			    checker_args, tmp);
		free(list[i]);
	}
	free(list);
	snprintf(bdir, sizeof(bdir), "%s/bad", gdir);
	n = scandir(bdir, &list, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (has_suffix(list[i]->d_name, ".json"))
			count += golden_bad(kind, gdir, list[i]->d_name, tmp);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		cr_assert_eq(system(cmd), 0);
	}
	return count;
}

/* ---- root tests ---- */

static struct {
	char lab[32];
	char dir[64];
	bool up;
	bool hooked;
	struct bk_node *started[8];
	int nstarted;
} bk_pair;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void
bk_require(const struct kind_ops *kind)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces)");
	for (size_t i = 0; kind->programs[i] != NULL; i++)
		if (access(kind->programs[i], X_OK) < 0)
			cr_skip_test("%s is not installed (Debian package %s)", kind->programs[i],
			    kind->package);
	if (access("/usr/sbin/ip", X_OK) < 0 && access("/sbin/ip", X_OK) < 0)
		cr_skip_test("ip(8) is not installed");
}

static void
bk_atexit(void)
{
	bk_pair_down();
}

void
bk_pair_up(const char *lab, char *dir, size_t len)
{
	snprintf(bk_pair.lab, sizeof(bk_pair.lab), "%s", lab);
	snprintf(bk_pair.dir, sizeof(bk_pair.dir), "/tmp/%sXXXXXX", lab);
	cr_assert_not_null(mkdtemp(bk_pair.dir));
	if (!bk_pair.hooked) {
		atexit(bk_atexit);
		bk_pair.hooked = true;
	}
	bk_pair.up = true;
	cr_assert_eq(sh("mkdir -p %s/a %s/b && ip netns add %s-a && ip netns add %s-b", bk_pair.dir,
			 bk_pair.dir, lab, lab),
	    0);
	cr_assert_eq(sh("ip -n %s-a link set lo up && ip -n %s-b link set lo up && "
			"ip -n %s-a link add eth0 type veth peer name eth0 netns %s-b",
			 lab, lab, lab, lab),
	    0);
	cr_assert_eq(
	    sh("ip -n %s-a addr add 10.0.0.1/24 dev eth0 && "
	       "ip -n %s-a addr add fd00::1/64 dev eth0 nodad && ip -n %s-a link set eth0 up && "
	       "ip -n %s-b addr add 10.0.0.2/24 dev eth0 && "
	       "ip -n %s-b addr add fd00::2/64 dev eth0 nodad && ip -n %s-b link set eth0 up",
		lab, lab, lab, lab, lab, lab),
	    0);
	snprintf(dir, len, "%s", bk_pair.dir);
}

void
bk_start(struct bk_node *n)
{
	char msg[KIND_MSG_MAX] = "";

	cr_assert_eq(n->k.kind->configure(&n->k, msg, sizeof(msg)), 0, "configure: %s", msg);
	bk_start_procs(n);
}

void
bk_start_procs(struct bk_node *n)
{
	struct kind_proc procs[KIND_PROCS_MAX];
	char ns[64];
	int count;

	memset(procs, 0, sizeof(procs));
	count = n->k.kind->procs(&n->k, procs, KIND_PROCS_MAX);
	cr_assert_gt(count, 0);
	snprintf(ns, sizeof(ns), "%s-%s", n->k.lab, n->name);
	for (int i = 0; i < count; i++) {
		char log[ANYLAB_PATH_MAX + 64];
		pid_t pid;

		snprintf(log, sizeof(log), "%.*s/bgp%s%.31s.out", ANYLAB_PATH_MAX, n->k.dir,
		    procs[i].name[0] ? "." : "", procs[i].name);
		fflush(NULL);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
			}
			setpgid(0, 0);
			if (netns_enter_exec(ns) < 0 || chdir(n->k.dir) < 0)
				_exit(127);
			execv(procs[i].argv[0], procs[i].argv);
			_exit(127);
		}
		n->pids[n->npids++] = pid;
	}
	for (int i = 0; i < bk_pair.nstarted; i++)
		if (bk_pair.started[i] == n)
			return;
	if (bk_pair.nstarted < 8)
		bk_pair.started[bk_pair.nstarted++] = n;
}

void
bk_stop(struct bk_node *n)
{
	for (int i = n->npids - 1; i >= 0; i--) {
		pid_t pid = n->pids[i];
		int st;

		if (pid <= 0)
			continue;
		kill(pid, SIGTERM);
		for (int t = 0; t < 30 && waitpid(pid, &st, WNOHANG) == 0; t++)
			usleep(100000);
		if (waitpid(pid, &st, WNOHANG) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
		}
		n->pids[i] = 0;
	}
	n->npids = 0;
}

void
bk_pair_down(void)
{
	if (!bk_pair.up)
		return;
	for (int i = 0; i < bk_pair.nstarted; i++)
		bk_stop(bk_pair.started[i]);
	bk_pair.nstarted = 0;
	sh("ip netns del %s-a 2>/dev/null; ip netns del %s-b 2>/dev/null", bk_pair.lab,
	    bk_pair.lab);
	if (bk_pair.dir[0] != '\0' && getenv("ANYLAB_KEEP_TEST_DIR") == NULL)
		sh("rm -rf '%s'", bk_pair.dir);
	bk_pair.up = false;
}

const cJSON *
bk_peer(struct bk_node *n, const char *addr, cJSON **doc)
{
	const cJSON *p;

	*doc = NULL;
	if (n->k.kind->bgp_peers(&n->k, doc) < 0)
		return NULL;
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(*doc, "peers")) {
		const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(p, "address"));

		if (a != NULL && strcmp(a, addr) == 0)
			return p;
	}
	return NULL;
}

const char *
bk_peer_state(struct bk_node *n, const char *addr)
{
	static char state[32];
	const cJSON *p;
	cJSON *doc;

	state[0] = '\0';
	p = bk_peer(n, addr, &doc);
	if (p != NULL)
		snprintf(state, sizeof(state), "%s",
		    cJSON_GetStringValue(cJSON_GetObjectItem(p, "state")));
	cJSON_Delete(doc);
	return state;
}

int
bk_paths(struct bk_node *n, const char *prefix, const char *from)
{
	const cJSON *r;
	cJSON *doc = NULL;
	int count = 0;

	if (n->k.kind->bgp_routes(&n->k, prefix, &doc) < 0)
		return -1;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "routes")) {
		const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(r, "prefix"));
		const char *peer = cJSON_GetStringValue(cJSON_GetObjectItem(r, "peer"));

		if (p == NULL || strcmp(p, prefix) != 0)
			continue;
		if (from == NULL || (peer != NULL && strcmp(peer, from) == 0))
			count++;
	}
	cJSON_Delete(doc);
	return count;
}

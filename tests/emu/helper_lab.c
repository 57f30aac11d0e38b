/*
 * Helpers for the emu tests (helper_lab.h).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "emu/helper_lab.h"
#include "lab.h"

static const char *
hl_bin(char *buf, size_t len)
{
	const char *b = getenv("ANYLAB_BUILD_DIR");

	if (b == NULL)
		return NULL;
	snprintf(buf, len, "%s/bin/anylab", b);
	return buf;
}

void
hl_require_root(void)
{
	char bin[512];

	if (geteuid() != 0)
		cr_skip_test("needs root (network namespaces): run as root to test the lab");
	if (hl_bin(bin, sizeof(bin)) == NULL || access(bin, X_OK) < 0)
		cr_skip_test("ANYLAB_BUILD_DIR/bin/anylab not found (run under ctest)");
	/* Tests call the library too: daemons are looked up beside anylab. */
	setenv("ANYLAB_BIN_DIR", getenv("ANYLAB_BUILD_DIR"), 0);
	{
		char d[512];

		snprintf(d, sizeof(d), "%s/bin", getenv("ANYLAB_BUILD_DIR"));
		setenv("ANYLAB_BIN_DIR", d, 1);
	}
}

const char *
hl_lab_name(char tag, char *buf, size_t len)
{
	snprintf(buf, len, "t%c%d", tag, (int)(getpid() % 100000000));
	return buf;
}

const char *
hl_source(const char *rel, char *buf, size_t len)
{
	const char *s = getenv("ANYLAB_SOURCE_DIR");

	snprintf(buf, len, "%s/%s", s != NULL ? s : ".", rel);
	return buf;
}

static int
hl_spawn(int outfd, const char *first, va_list ap)
{
	char bin[512];
	const char *argv[32];
	int n = 0;
	pid_t pid;

	if (hl_bin(bin, sizeof(bin)) == NULL)
		return -1;
	argv[n++] = bin;
	for (const char *a = first; a != NULL && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (outfd >= 0) {
			dup2(outfd, STDOUT_FILENO);
			close(outfd);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

int
hl_anylab(char **out, const char *arg, ...)
{
	char buf[4096];
	size_t len = 0, cap = 0;
	char *text = NULL;
	int fds[2], status;
	ssize_t r;
	va_list ap;
	pid_t pid;

	if (out != NULL)
		*out = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	va_start(ap, arg);
	pid = hl_spawn(fds[1], arg, ap);
	va_end(ap);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	while ((r = read(fds[0], buf, sizeof(buf))) > 0) {
		if (len + (size_t)r + 1 > cap) {
			cap = (len + (size_t)r + 1) * 2;
			text = realloc(text, cap);
		}
		memcpy(text + len, buf, (size_t)r);
		len += (size_t)r;
		text[len] = '\0';
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out != NULL)
		*out = text;
	else
		free(text);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
hl_anylab_start(const char *arg, ...)
{
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC), pid;
	va_list ap;

	va_start(ap, arg);
	pid = hl_spawn(devnull, arg, ap);
	va_end(ap);
	close(devnull);
	return pid;
}

const char *
hl_write_temp(const char *text, char *buf, size_t len)
{
	int fd;

	snprintf(buf, len, "/tmp/anylab-test-%d-XXXXXX.json", (int)getpid());
	fd = mkstemps(buf, 5);
	cr_assert(fd >= 0, "mkstemps: %s", strerror(errno));
	cr_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	return buf;
}

const char *
hl_lab_a_static(char *buf, size_t len)
{
	char path[512];
	FILE *f;
	long n;
	char *text;
	cJSON *root, *nodes, *node, *routes, *r;

	f = fopen(hl_source("topologies/anycast-lab.json", path, sizeof(path)), "r");
	cr_assert(f != NULL, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	cr_assert(fread(text, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	root = cJSON_Parse(text);
	free(text);
	cr_assert(root != NULL);
	nodes = cJSON_GetObjectItem(root, "nodes");
	cJSON_ArrayForEach(node, nodes) {
		cJSON_DeleteItemFromObject(node, "bgp");
		cJSON_DeleteItemFromObject(node, "dns");
	}
	node = cJSON_GetObjectItem(nodes, "gateway");
	routes = cJSON_GetObjectItem(node, "routes");
	if (routes == NULL)
		routes = cJSON_AddArrayToObject(node, "routes");
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "to", "51.51.51.0/24");
	cJSON_AddStringToObject(r, "via", "10.10.10.1");
	cJSON_AddItemToArray(routes, r);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	hl_write_temp(text, buf, len);
	free(text);
	return buf;
}

const char *
hl_generated(size_t n, char *buf, size_t len)
{
	size_t cap = 256 + n * 400, used = 0;
	char *t = malloc(cap);

#define ADD(...) used += (size_t)snprintf(t + used, cap - used, __VA_ARGS__)
	ADD("{\"name\": \"gen\", \"nodes\": {");
	for (size_t i = 0; i < n; i++) {
		ADD("%s\"n%zu\": {\"interfaces\": {\"lan\": {\"addresses\": [\"10.%zu.%zu.%zu/24\"]}",
		    i ? ", " : "", i, i / 10 / 250, i / 10 % 250, i % 10 + 1);
		if (i + 1 < n)
			ADD(", \"right\": {\"addresses\": [\"172.%zu.%zu.1/30\"]}", 16 + i / 250,
			    i % 250);
		if (i > 0)
			ADD(", \"left\": {\"addresses\": [\"172.%zu.%zu.2/30\"]}",
			    16 + (i - 1) / 250, (i - 1) % 250);
		ADD("}}");
	}
	ADD("}, \"links\": [");
	for (size_t g = 0; g * 10 < n; g++) {
		ADD("%s{\"name\": \"lan%zu\", \"switch\": true, \"endpoints\": [", g ? ", " : "",
		    g);
		for (size_t i = g * 10; i < n && i < g * 10 + 10; i++)
			ADD("%s\"n%zu:lan\"", i > g * 10 ? ", " : "", i);
		ADD("]}");
	}
	for (size_t i = 0; i + 1 < n; i++)
		ADD(", {\"endpoints\": [\"n%zu:right\", \"n%zu:left\"]}", i, i + 1);
	ADD("]}\n");
#undef ADD
	hl_write_temp(t, buf, len);
	free(t);
	return buf;
}

static bool
hl_udp_tries(const char *lab, const char *from, const char *to, const char *dst, char *src,
    size_t srclen, int ntries, int wait_ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40000) }, peer;
	socklen_t plen = sizeof(peer);
	struct pollfd p;
	char msg[64];
	bool ok = false;
	int rs, ss;

	rs = lab_socket(lab, to, AF_INET, SOCK_DGRAM, 0);
	ss = lab_socket(lab, from, AF_INET, SOCK_DGRAM, 0);
	cr_assert(rs >= 0 && ss >= 0, "sockets in %s-%s / %s-%s", lab, to, lab, from);
	cr_assert(bind(rs, (struct sockaddr *)&sin, sizeof(sin)) == 0, "bind: %s", strerror(errno));
	cr_assert(inet_pton(AF_INET, dst, &sin.sin_addr) == 1);
	for (int tries = 0; tries < ntries && !ok; tries++) {
		snprintf(msg, sizeof(msg), "anylab test %d", tries);
		sendto(ss, msg, strlen(msg), 0, (struct sockaddr *)&sin, sizeof(sin));
		p.fd = rs;
		p.events = POLLIN;
		if (poll(&p, 1, wait_ms) == 1) {
			char got[64];
			ssize_t n = recvfrom(rs, got, sizeof(got), 0, (struct sockaddr *)&peer,
			    &plen);

			ok = n == (ssize_t)strlen(msg);
			if (src != NULL)
				inet_ntop(AF_INET, &peer.sin_addr, src, (socklen_t)srclen);
		}
	}
	close(rs);
	close(ss);
	return ok;
}

bool
hl_udp(const char *lab, const char *from, const char *to, const char *dst, char *src, size_t srclen)
{
	return hl_udp_tries(lab, from, to, dst, src, srclen, 3, 1000);
}

bool
hl_udp_blocked(const char *lab, const char *from, const char *to, const char *dst)
{
	return !hl_udp_tries(lab, from, to, dst, NULL, 0, 1, 300);
}

cJSON *
hl_status(const char *lab)
{
	char *out = NULL;
	cJSON *doc;
	int rc = hl_anylab(&out, "status", lab, "--json", NULL);

	cr_assert_eq(rc, 0, "anylab status %s --json: exit %d", lab, rc);
	doc = cJSON_Parse(out);
	cr_assert(doc != NULL, "status --json is not JSON: %s", out ? out : "");
	free(out);
	return doc;
}

static const cJSON *
hl_status_node(const cJSON *doc, const char *node)
{
	const cJSON *n;

	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(n, "name")), node) == 0)
			return n;
	}
	return NULL;
}

const cJSON *
hl_status_iface(const cJSON *doc, const char *node, const char *iface)
{
	const cJSON *n = hl_status_node(doc, node), *i;

	cJSON_ArrayForEach(i, cJSON_GetObjectItem(n, "interfaces")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(i, "name")), iface) == 0)
			return i;
	}
	return NULL;
}

bool
hl_status_has_route(const cJSON *doc, const char *node, const char *dst)
{
	const cJSON *n = hl_status_node(doc, node), *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(n, "routes")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "dst")), dst) == 0)
			return true;
	}
	return false;
}

static bool
hl_dir_has_prefix(const char *dir, const char *prefix, const char *exact, char *what, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	bool found = false;

	if (d == NULL)
		return false;
	while ((e = readdir(d)) != NULL && !found) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 ||
		    (exact != NULL && strcmp(e->d_name, exact) == 0)) {
			snprintf(what, len, "%s/%s", dir, e->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

bool
hl_leftovers(const char *lab, char *what, size_t len)
{
	char prefix[64], sw[64], dir[128];

	snprintf(prefix, sizeof(prefix), "%s-", lab);
	snprintf(sw, sizeof(sw), "%s.sw", lab);
	snprintf(dir, sizeof(dir), "/run/anylab/%s", lab);
	if (access(dir, F_OK) == 0) {
		snprintf(what, len, "%s", dir);
		return true;
	}
	return hl_dir_has_prefix("/run/netns", prefix, sw, what, len) ||
	    hl_dir_has_prefix("/etc/netns", prefix, NULL, what, len);
}

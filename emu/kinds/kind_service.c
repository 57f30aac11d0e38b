/*
 * Kind "service": any other long-running program on a node (a health
 * checker, an HTTP server, ExaBGP), one entry of the node's "services":
 *
 *   "services": { "web": { "command": ["python3", "-m", "http.server", "80"],
 *                          "ready": { "tcp": 80 } } }
 *
 * "command" is the argv, run in the node's namespace and folder with
 * @LAB@, @NODE@, @DIR@ and @SERVICE@ replaced; "ready" is optional: a
 * TCP port that accepts a connection on 127.0.0.1 or one of the node's
 * addresses ("tcp"), or a
 * command that exits 0 ("command"); without it the service is ready once
 * started. docs/topology.md, "services".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kind.h"
#include "lab.h"

static const char *const service_keys[] = { "command", "ready", "description", NULL };
static const char *const ready_keys[] = { "tcp", "command", NULL };

static int
service_check_argv(const cJSON *a, const char *path, struct cfg_errors *errs)
{
	const cJSON *s;
	int n = 0;

	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) == 0) {
		cfg_error(errs, path,
		    "expected a non-empty array of strings: the program and "
		    "its arguments (kind service)");
		return -1;
	}
	cJSON_ArrayForEach(s, a) {
		char p[CFG_PATH_MAX];

		if (!cJSON_IsString(s)) {
			cfg_error(errs, jc_path_idx(p, path, n),
			    "expected a string (kind service)");
			return -1;
		}
		n++;
	}
	if (n >= KIND_ARGV_MAX) {
		cfg_error(errs, path, "at most %d arguments (kind service)", KIND_ARGV_MAX - 1);
		return -1;
	}
	return 0;
}

static int
service_check(const struct kind_node *k, struct cfg_errors *errs)
{
	const cJSON *ready;
	char p[CFG_PATH_MAX];
	int rc = 0;

	if (!jc_check_object(k->section, k->path, service_keys, errs))
		rc = -1;
	if (service_check_argv(cJSON_GetObjectItemCaseSensitive(k->section, "command"),
		jc_path(p, k->path, "command"), errs) < 0)
		rc = -1;
	ready = cJSON_GetObjectItemCaseSensitive(k->section, "ready");
	if (ready != NULL) {
		uint64_t port;
		const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(ready, "command");

		jc_path(p, k->path, "ready");
		if (!cJSON_IsObject(ready)) {
			cfg_error(errs, p, "expected an object with \"tcp\" or \"command\"");
			return -1;
		}
		if (!jc_check_object(ready, p, ready_keys, errs))
			rc = -1;
		if (jc_uint(ready, "tcp", p, false, 1, 65535, &port, errs) < 0)
			rc = -1;
		if (cmd != NULL) {
			char cp[CFG_PATH_MAX];

			if (service_check_argv(cmd, jc_path(cp, p, "command"), errs) < 0)
				rc = -1;
		}
		if (cmd == NULL && cJSON_GetObjectItemCaseSensitive(ready, "tcp") == NULL) {
			cfg_error(errs, p, "expected \"tcp\" or \"command\"");
			rc = -1;
		}
	}
	return rc;
}

static int
service_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	return 0;
}

/* One argument with the placeholders replaced. */
static int
service_arg(const struct kind_node *k, struct kind_proc *p, const char *arg)
{
	static const char *const keys[] = { "@LAB@", "@NODE@", "@DIR@", "@SERVICE@" };
	const char *vals[] = { k->lab, k->node->name, k->dir, k->service };
	char out[1024];
	size_t used = 0;

	while (*arg && used + 1 < sizeof(out)) {
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i]), vl = strlen(vals[i]);

			if (strncmp(arg, keys[i], kl) == 0) {
				if (used + vl >= sizeof(out))
					return EMU_ETRUNC;
				memcpy(out + used, vals[i], vl);
				used += vl;
				arg += kl;
				break;
			}
		}
		if (i == sizeof(keys) / sizeof(keys[0]))
			out[used++] = *arg++;
	}
	if (*arg)
		return EMU_ETRUNC;
	out[used] = '\0';
	return kind_proc_arg(p, "%s", out);
}

static int
service_argv(const struct kind_node *k, const cJSON *a, struct kind_proc *p)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, a) {
		int err = service_arg(k, p, s->valuestring);

		if (err < 0)
			return err;
	}
	return 0;
}

static int
service_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	int err = service_argv(k, cJSON_GetObjectItemCaseSensitive(k->section, "command"), p);

	return err < 0 ? err : 1;
}

struct service_probe {
	const struct topo_node *node;
	uint16_t port;
};

static int
service_connect(const struct ipaddr *a, uint16_t port)
{
	struct sockaddr_storage ss;
	unsigned len;
	int fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	ipaddr_to_sockaddr(a, port, &ss, &len);
	if (connect(fd, (struct sockaddr *)&ss, (socklen_t)len) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* In the node's namespace: the port on its loopback, or on any of its addresses. */
static int
service_connect_in(void *arg)
{
	const struct service_probe *sp = arg;
	const struct topo_node *n = sp->node;
	struct ipaddr a;

	ipaddr_parse("127.0.0.1", &a);
	if (service_connect(&a, sp->port) == 0)
		return 0;
	for (size_t i = 0; i < n->nifaces; i++)
		for (size_t j = 0; j < n->ifaces[i].naddrs; j++)
			if (service_connect(&n->ifaces[i].addrs[j].addr, sp->port) == 0)
				return 0;
	for (size_t j = 0; j < n->nloopback; j++)
		if (service_connect(&n->loopback[j].addr, sp->port) == 0)
			return 0;
	return -ECONNREFUSED;
}

static int
service_ready(const struct kind_node *k)
{
	const cJSON *ready = cJSON_GetObjectItemCaseSensitive(k->section, "ready");
	const cJSON *tcp, *cmd;

	if (ready == NULL)
		return 0;
	tcp = cJSON_GetObjectItemCaseSensitive(ready, "tcp");
	cmd = cJSON_GetObjectItemCaseSensitive(ready, "command");
	if (cJSON_IsNumber(tcp)) {
		struct service_probe sp = { .node = k->node, .port = (uint16_t)tcp->valueint };

		if (lab_run_in(k->lab, k->node->name, service_connect_in, &sp) < 0)
			return -EAGAIN;
	}
	if (cJSON_IsArray(cmd)) {
		struct kind_proc p;
		char *out = NULL;
		int err;

		memset(&p, 0, sizeof(p));
		err = service_argv(k, cmd, &p);
		if (err < 0)
			return err;
		err = kind_run(k, p.argv, 5000, &out);
		free(out);
		if (err < 0)
			return -EAGAIN;
	}
	return 0;
}

const struct kind_ops kind_service = {
	.name = "service",
	.role = KIND_SERVICE,
	.package = NULL,
	.programs = NULL,
	.check = service_check,
	.configure = service_configure,
	.procs = service_procs,
	.ready = service_ready,
};

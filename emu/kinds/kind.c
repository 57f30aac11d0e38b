/*
 * The node kind registry (kind.h): one table of every kind, the lookup, how
 * a node's sections map to daemons, topology-wide checks, and the small
 * helpers every kind's file uses (arguments, files, running a command in
 * the node's namespace, the user's own config with its placeholders).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bgp_config.h"
#include "fileio.h"
#include "kind.h"
#include "lab.h"
#include "netns.h"
#include "state.h"
#include "strbuf.h"

extern const struct kind_ops kind_anybgpd, kind_anydnsd, kind_service;
extern const struct kind_ops kind_bird, kind_gobgp, kind_openbgpd;
extern const struct kind_ops kind_nsd, kind_knot;
extern const struct kind_ops kind_frr;

/* Every kind, one line each; the first kind of a role is its default. */
static const struct kind_ops *const kinds[] = {
	&kind_anybgpd,
	&kind_bird,
	&kind_frr,
	&kind_gobgp,
	&kind_openbgpd,
	&kind_anydnsd,
	&kind_nsd,
	&kind_knot,
	&kind_service,
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *const kind_role_names[KIND_ROLE_MAX] = {
	[KIND_BGP] = "bgp",
	[KIND_DNS] = "dns",
	[KIND_SERVICE] = "services",
};

const struct kind_ops *
kind_find(enum kind_role role, const char *name)
{
	for (size_t i = 0; i < NKINDS; i++) {
		if (kinds[i]->role != role)
			continue;
		if (name == NULL || strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	}
	return NULL;
}

const char *
kind_names(enum kind_role role)
{
	static char buf[256];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NKINDS && used < sizeof(buf); i++) {
		int n;

		if (kinds[i]->role != role)
			continue;
		n = snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "",
		    kinds[i]->name);
		if (n < 0)
			break;
		used += (size_t)n < sizeof(buf) - used ? (size_t)n : sizeof(buf) - used - 1;
	}
	return buf;
}

/* The section of service on n, its role and JSON path; NULL when n has none. */
static const cJSON *
kind_section(const struct topo_node *n, const char *service, enum kind_role *role, char *path,
    size_t len)
{
	if (strcmp(service, "bgp") == 0) {
		*role = KIND_BGP;
		snprintf(path, len, "nodes.%s.bgp", n->name);
		return n->bgp;
	}
	if (strcmp(service, "dns") == 0) {
		*role = KIND_DNS;
		snprintf(path, len, "nodes.%s.dns", n->name);
		return n->dns;
	}
	*role = KIND_SERVICE;
	snprintf(path, len, "nodes.%s.services.%s", n->name, service);
	return n->services != NULL ? cJSON_GetObjectItemCaseSensitive(n->services, service) : NULL;
}

int
kind_node_get(const char *lab, const struct topology *t, const struct topo_node *n,
    const char *service, struct kind_node *k)
{
	const cJSON *kname;

	memset(k, 0, sizeof(*k));
	k->section = kind_section(n, service, &k->role, k->path, sizeof(k->path));
	if (k->section == NULL)
		return -ENOENT;
	k->lab = lab;
	k->topo = t;
	k->node = n;
	snprintf(k->service, sizeof(k->service), "%s", service);
	kname = cJSON_GetObjectItemCaseSensitive(k->section, "kind");
	k->kind = kind_find(k->role, cJSON_IsString(kname) ? kname->valuestring : NULL);
	if (k->kind == NULL)
		return -ENOENT;
	if (lab != NULL)
		state_node_dir(lab, n->name, k->dir, sizeof(k->dir));
	if (t != NULL && t->file != NULL)
		emu_file_dir(t->file, k->base_dir, sizeof(k->base_dir));
	return 0;
}

int
kind_node_find(const char *lab, const struct topology *t, const char *node, const char *service,
    struct kind_node *k)
{
	const struct topo_node *n = topo_node_find(t, node);

	if (n == NULL)
		return -ENOENT;
	return kind_node_get(lab, t, n, service, k);
}

size_t
kind_node_all(const char *lab, const struct topology *t, const struct topo_node *n,
    struct kind_node *out, size_t max)
{
	const cJSON *s;
	size_t count = 0;

	if (count < max && kind_node_get(lab, t, n, "bgp", &out[count]) == 0)
		count++;
	if (count < max && kind_node_get(lab, t, n, "dns", &out[count]) == 0)
		count++;
	if (n->services != NULL) {
		cJSON_ArrayForEach(s, n->services) {
			if (count < max && kind_node_get(lab, t, n, s->string, &out[count]) == 0)
				count++;
		}
	}
	return count;
}

int
kind_check_topology(const struct topology *t, struct cfg_errors *errs)
{
	int rc = 0;

	for (size_t i = 0; i < t->nnodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		struct kind_node ks[TOPO_SERVICES_MAX + 2];
		size_t nk;

		/* Kind names first: a node whose kind is unknown gets no further checks. */
		for (int r = 0; r < 2; r++) {
			const cJSON *sec = r == 0 ? n->bgp : n->dns;
			const cJSON *kname = sec ? cJSON_GetObjectItemCaseSensitive(sec, "kind") :
						   NULL;
			char path[CFG_PATH_MAX];

			if (kname == NULL)
				continue;
			snprintf(path, sizeof(path), "nodes.%s.%s.kind", n->name,
			    r == 0 ? "bgp" : "dns");
			if (!cJSON_IsString(kname)) {
				cfg_error(errs, path, "expected a string: one of %s",
				    kind_names(r == 0 ? KIND_BGP : KIND_DNS));
				rc = -1;
			} else if (kind_find(r == 0 ? KIND_BGP : KIND_DNS, kname->valuestring) ==
			    NULL) {
				cfg_error(errs, path, "unknown kind \"%s\": expected one of %s",
				    kname->valuestring, kind_names(r == 0 ? KIND_BGP : KIND_DNS));
				rc = -1;
			}
		}
		nk = kind_node_all(NULL, t, n, ks, sizeof(ks) / sizeof(ks[0]));
		for (size_t k = 0; k < nk; k++) {
			if (t->file != NULL)
				emu_file_dir(t->file, ks[k].base_dir, sizeof(ks[k].base_dir));
			if (ks[k].kind->check != NULL && ks[k].kind->check(&ks[k], errs) < 0)
				rc = -1;
		}
	}
	return rc;
}

/* Is prog (absolute, or a name beside anylab, or on PATH) executable? */
static bool
kind_program_found(const char *prog)
{
	char path[ANYLAB_PATH_MAX];
	const char *env;

	if (prog[0] == '/')
		return access(prog, X_OK) == 0;
	snprintf(path, sizeof(path), "%s/%s", emu_bin_dir(), prog);
	if (access(path, X_OK) == 0)
		return true;
	env = getenv("PATH");
	if (env == NULL)
		env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*env) {
		size_t n = strcspn(env, ":");

		snprintf(path, sizeof(path), "%.*s/%s", (int)n, env, prog);
		if (n > 0 && access(path, X_OK) == 0)
			return true;
		env += n;
		if (*env == ':')
			env++;
	}
	return false;
}

int
kind_check_programs(const struct topology *t, char *msg, size_t msglen)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		struct kind_node ks[TOPO_SERVICES_MAX + 2];
		size_t nk = kind_node_all(NULL, t, &t->nodes[i], ks, sizeof(ks) / sizeof(ks[0]));

		for (size_t k = 0; k < nk; k++) {
			const struct kind_ops *o = ks[k].kind;

			for (size_t p = 0; o->programs != NULL && o->programs[p] != NULL; p++) {
				if (kind_program_found(o->programs[p]))
					continue;
				if (o->package != NULL)
					snprintf(msg, msglen,
					    "%s: kind %s needs %s, which is not "
					    "installed (Debian package %s; tools/setup.sh installs it)",
					    ks[k].path, o->name, o->programs[p], o->package);
				else
					snprintf(msg, msglen,
					    "%s: kind %s needs %s/%s, which is not "
					    "built (run tools/build.sh)",
					    ks[k].path, o->name, emu_bin_dir(), o->programs[p]);
				return EMU_EMISSING;
			}
		}
	}
	return 0;
}

int
kind_proc_arg(struct kind_proc *p, const char *fmt, ...)
{
	size_t argc = 0;
	va_list ap;
	int n;

	while (argc < KIND_ARGV_MAX && p->argv[argc] != NULL)
		argc++;
	if (argc + 1 >= KIND_ARGV_MAX || p->used >= sizeof(p->buf))
		return EMU_ETRUNC;
	va_start(ap, fmt);
	n = vsnprintf(p->buf + p->used, sizeof(p->buf) - p->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(p->buf) - p->used)
		return EMU_ETRUNC;
	p->argv[argc] = p->buf + p->used;
	p->argv[argc + 1] = NULL;
	p->used += (size_t)n + 1;
	return 0;
}

const char *
kind_file(const struct kind_node *k, const char *name, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/%s", k->dir, name) >= (int)len)
		buf[0] = '\0'; /* never a shortened path: an empty one fails to open */
	return buf;
}

int
kind_write_file(const struct kind_node *k, const char *name, const char *text)
{
	/* Daemon configs may hold TCP-MD5 keys: root's alone. */
	return kind_write_file_mode(k, name, text, 0600);
}

int
kind_write_file_mode(const struct kind_node *k, const char *name, const char *text, unsigned mode)
{
	char path[ANYLAB_PATH_MAX];

	kind_file(k, name, path, sizeof(path));
	return file_write(AT_FDCWD, path, (mode_t)mode, FILE_REPLACE, text, strlen(text));
}

#define KIND_RUN_OUT_MAX     (16u << 20)
#define KIND_USER_CONFIG_MAX (16u << 20) /* a daemon config of the user's own */

int
kind_run(const struct kind_node *k, char *const argv[], int timeout_ms, char **outp)
{
	char ns[LAB_NS_MAX];
	long long deadline = emu_now_us() + (long long)timeout_ms * 1000;
	struct strbuf out = { 0 };
	int pipefd[2], status = 0, err = 0;
	pid_t pid;

	*outp = NULL;
	lab_ns_name(k->lab, k->node->name, ns, sizeof(ns));
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(pipefd[1], STDOUT_FILENO);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		if (netns_enter_exec(ns) < 0 || chdir(k->dir) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		long long left = (deadline - emu_now_us()) / 1000;
		char buf[8192];
		ssize_t n;

		if (left <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(pipefd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out.len + (size_t)n > KIND_RUN_OUT_MAX) {
			err = EMU_ETRUNC;
			break;
		}
		sb_add(&out, buf, (size_t)n);
	}
	close(pipefd[0]);
	if (err < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		err = EMU_ECOMMAND;
	*outp = sb_steal(&out);
	if (*outp == NULL)
		*outp = strdup("");
	sb_free(&out);
	return err;
}

cJSON *
kind_section_copy(const struct kind_node *k)
{
	cJSON *c = cJSON_Duplicate(k->section, true);

	if (c != NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(c, "kind");
	return c;
}

const char *
kind_user_config(const struct kind_node *k)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(k->section, "config");

	return cJSON_IsString(c) ? c->valuestring : NULL;
}

const char *
kind_user_config_path(const struct kind_node *k, char *buf, size_t len)
{
	const char *file = kind_user_config(k);

	if (file == NULL ||
	    snprintf(buf, len, "%s%s%s", file[0] == '/' ? "" : k->base_dir,
		file[0] == '/' ? "" : "/", file) >= (int)len)
		return NULL;
	return buf;
}

int
kind_user_config_readable(const char *file, char *why, size_t len)
{
	int fd = file_open_read(AT_FDCWD, file, KIND_USER_CONFIG_MAX);

	if (fd < 0) {
		file_strerror(fd, KIND_USER_CONFIG_MAX, why, len);
		return fd;
	}
	close(fd);
	return 0;
}

int
kind_check_user_config(const struct kind_node *k, struct cfg_errors *errs)
{
	static const char *const own_keys[] = { "kind", "config", NULL };
	char file[ANYLAB_PATH_MAX], p[CFG_PATH_MAX], why[128];

	if (kind_user_config(k) == NULL)
		return 0;
	if (!jc_check_object(k->section, k->path, own_keys, errs))
		return -1;
	jc_path(p, k->path, "config");
	if (kind_user_config_path(k, file, sizeof(file)) == NULL) {
		cfg_error(errs, p, "file name too long (kind %s)", k->kind->name);
		return -1;
	}
	if (kind_user_config_readable(file, why, sizeof(why)) < 0) {
		cfg_error(errs, p, "%s: %s (kind %s)", file, why, k->kind->name);
		return -1;
	}
	return 1;
}

int
kind_copy_user_config(const struct kind_node *k, const char *name, char *msg, size_t msglen)
{
	static const char *const keys[] = { "@LAB@", "@NODE@", "@DIR@", "@SERVICE@" };
	const char *vals[] = { k->lab, k->node->name, k->dir, k->service };
	const char *file = kind_user_config(k);
	char path[ANYLAB_PATH_MAX], why[128];
	struct strbuf out = { 0 };
	char *text = NULL, *p;
	size_t size = 0;
	int err;

	if (file == NULL)
		return -ENOENT;
	if (kind_user_config_path(k, path, sizeof(path)) == NULL) {
		snprintf(msg, msglen, "%s.config: file name too long", k->path);
		return EMU_ETRUNC;
	}
	/* The user's file: a regular one, of bounded size (no /dev/zero, no FIFO). */
	err = file_read(AT_FDCWD, path, KIND_USER_CONFIG_MAX, &text, &size);
	if (err < 0) {
		snprintf(msg, msglen, "%s.config: %s: %s", k->path, path,
		    file_strerror(err, KIND_USER_CONFIG_MAX, why, sizeof(why)));
		return err;
	}
	for (p = text ? text : ""; *p;) {
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i]);

			if (strncmp(p, keys[i], kl) == 0) {
				sb_puts(&out, vals[i]);
				p += kl;
				break;
			}
		}
		if (i == sizeof(keys) / sizeof(keys[0]))
			sb_add(&out, p++, 1);
	}
	free(text);
	err = kind_write_file(k, name, sb_str(&out));
	sb_free(&out);
	if (err < 0)
		snprintf(msg, msglen, "%s/%s: %s", k->dir, name, emu_strerror(err));
	return err;
}

/* The section's "originate" prefixes (*n of them, caller frees *out). 0 or an error in msg. */
static int
kind_originated(const struct kind_node *k, struct prefix **out, size_t *n, char *msg, size_t msglen)
{
	struct bgp_config cfg;
	struct cfg_errors errs;
	cJSON *c;
	int rc;

	*out = NULL;
	*n = 0;
	if (kind_user_config(k) != NULL) {
		snprintf(msg, msglen,
		    "%s: a user's own config names no originated prefixes to anylab: "
		    "name the PREFIX to drain (kind %s)",
		    k->path, k->kind->name);
		return EMU_EARG;
	}
	c = kind_section_copy(k);
	if (c == NULL)
		return -ENOMEM;
	memset(&cfg, 0, sizeof(cfg));
	cfg_errors_init(&errs, NULL);
	rc = bgp_config_parse(c, k->path, &cfg, &errs);
	cJSON_Delete(c);
	if (rc < 0) {
		snprintf(msg, msglen, "%s: %s", errs.count ? errs.err[0].path : k->path,
		    errs.count ? errs.err[0].msg : "invalid");
		return EMU_ECONFIG;
	}
	if (cfg.noriginate > 0) {
		*out = emu_calloc(cfg.noriginate, sizeof(**out));
		memcpy(*out, cfg.originate, cfg.noriginate * sizeof(**out));
		*n = cfg.noriginate;
	}
	bgp_config_free(&cfg);
	if (*n == 0) {
		snprintf(msg, msglen, "%s: originates nothing to drain", k->path);
		return EMU_EARG;
	}
	return 0;
}

int
kind_drain_by_withdrawal(const struct kind_node *k, const struct prefix *p, bool drain,
    bool withdraw, char *msg, size_t msglen)
{
	struct prefix *list = NULL;
	struct strbuf done = STRBUF_INIT;
	char s[PREFIX_STRLEN], why[KIND_MSG_MAX] = "";
	size_t n = 1;
	int err = 0;

	if (drain && !withdraw) {
		snprintf(msg, msglen,
		    "kind %s cannot tag its announcements with GRACEFUL_SHUTDOWN (65535:0) at "
		    "run time: drain with --withdraw (\"withdraw\": true in a scenario)",
		    k->kind->name);
		return EMU_EUNSUPPORTED;
	}
	if (k->kind->bgp_announce == NULL) {
		snprintf(msg, msglen, "kind %s cannot announce or withdraw", k->kind->name);
		return EMU_EUNSUPPORTED;
	}
	if (p == NULL) {
		err = kind_originated(k, &list, &n, msg, msglen);
		if (err < 0)
			return err;
		p = list;
	}
	for (size_t i = 0; i < n && err == 0; i++) {
		err = k->kind->bgp_announce(k, &p[i], !drain, why, sizeof(why));
		if (err == 0)
			sb_printf(&done, "%s%s", done.len ? " " : "",
			    prefix_ntop(&p[i], s, sizeof(s)));
		else
			snprintf(msg, msglen, "%s %s: %s", drain ? "withdrawing" : "announcing",
			    prefix_ntop(&p[i], s, sizeof(s)), why[0] ? why : emu_strerror(err));
	}
	if (err == 0)
		snprintf(msg, msglen, "%s %s",
		    drain ? "drained (withdrawn):" : "undrained (announced):",
		    done.err ? "?" : sb_str(&done));
	sb_free(&done);
	free(list);
	return err;
}

const char *
kind_bgp_state_name(const char *s)
{
	static const char *const names[] = {
		"Idle",
		"Connect",
		"Active",
		"OpenSent",
		"OpenConfirm",
		"Established",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0)
			return names[i];
	return NULL;
}

/* Apply one spec; only node-qualified ones when qualified is true. */
static int
kind_override_one(struct topology *t, const char *spec, bool qualified, char *msg, size_t msglen)
{
	char node[TOPO_NAME_MAX] = "", section[8];
	const char *eq = strchr(spec, '='), *dot, *kind;
	enum kind_role role;
	size_t hits = 0;

	if (eq == NULL)
		goto bad;
	kind = eq + 1;
	dot = memchr(spec, '.', (size_t)(eq - spec));
	if (dot != NULL) {
		if ((size_t)(dot - spec) >= sizeof(node) || dot == spec)
			goto bad;
		memcpy(node, spec, (size_t)(dot - spec));
		node[dot - spec] = '\0';
		spec = dot + 1;
	}
	if ((size_t)(eq - spec) >= sizeof(section))
		goto bad;
	memcpy(section, spec, (size_t)(eq - spec));
	section[eq - spec] = '\0';
	if (strcmp(section, "bgp") == 0)
		role = KIND_BGP;
	else if (strcmp(section, "dns") == 0)
		role = KIND_DNS;
	else
		goto bad;
	if (kind_find(role, kind) == NULL) {
		snprintf(msg, msglen, "--kind %s%s%s: unknown %s kind \"%s\": expected one of %s",
		    node, node[0] ? "." : "", spec, section, kind, kind_names(role));
		return EMU_ECONFIG;
	}
	if ((node[0] != '\0') != qualified)
		return 0;
	for (size_t i = 0; i < t->nnodes; i++) {
		cJSON *sec = (cJSON *)(role == KIND_BGP ? t->nodes[i].bgp : t->nodes[i].dns);

		if (sec == NULL || (node[0] && strcmp(node, t->nodes[i].name) != 0))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(sec, "kind");
		cJSON_AddStringToObject(sec, "kind", kind);
		hits++;
	}
	if (node[0] && hits == 0) {
		snprintf(msg, msglen, "--kind %s.%s: %s", node, spec,
		    topo_node_find(t, node) == NULL ? "no such node in the topology" :
						      "the node has no such section");
		return EMU_ECONFIG;
	}
	return 0;
bad:
	snprintf(msg, msglen, "--kind %s: expected [NODE.]bgp=KIND or [NODE.]dns=KIND", spec);
	return EMU_ECONFIG;
}

int
kind_override(struct topology *t, char *const specs[], size_t nspecs, char *msg, size_t msglen)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nspecs; i++) {
			int err = kind_override_one(t, specs[i], pass == 1, msg, msglen);

			if (err < 0)
				return err;
		}
	}
	return 0;
}

void
kind_absolute_configs(struct topology *t, const char *base_dir)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		cJSON *secs[2] = { (cJSON *)t->nodes[i].bgp, (cJSON *)t->nodes[i].dns };

		for (int s = 0; s < 2; s++) {
			cJSON *c = secs[s] ? cJSON_GetObjectItemCaseSensitive(secs[s], "config") :
					     NULL;
			char path[ANYLAB_PATH_MAX];

			if (!cJSON_IsString(c) || c->valuestring[0] == '/')
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", base_dir, c->valuestring) >=
			    (int)sizeof(path))
				continue;
			cJSON_SetValuestring(c, path);
		}
	}
}

bool
kind_bfd_pending(const struct kind_node *k)
{
	const cJSON *sess;
	bool pending = false;
	cJSON *doc = NULL;

	if (k->kind->bgp_bfd == NULL || k->kind->bgp_bfd(k, &doc) < 0) {
		cJSON_Delete(doc);
		return false;
	}
	cJSON_ArrayForEach(sess, cJSON_GetObjectItem(doc, "sessions")) {
		const cJSON *st = cJSON_GetObjectItem(sess, "state");

		if (!cJSON_IsString(st) || strcmp(st->valuestring, "Up") != 0)
			pending = true;
	}
	cJSON_Delete(doc);
	return pending;
}

/*
 * Kind "anybgpd": the project's own BGP speaker (nodes/bgp, docs/anybgpd.md).
 * The node's bgp section, less "kind", is its configuration as it is
 * (bgp.json); or "config" names a bgp.json of the user's own. It answers on
 * its control socket bgp.ctl in the node's folder; its replies are the
 * normalised shape every other BGP kind is turned into.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp_config.h"
#include "ctl.h"
#include "kind.h"
#include "kind_anybgpd.h"
#include "strbuf.h"

#define ANYBGPD_CTL_TIMEOUT_MS 5000

static const char *const anybgpd_programs[] = { "anybgpd", NULL };

static int
anybgpd_check(const struct kind_node *k, struct cfg_errors *errs)
{
	struct bgp_config cfg;
	cJSON *c;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	if (kind_user_config(k) != NULL) {
		char file[ANYLAB_PATH_MAX];

		if (kind_check_user_config(k, errs) < 0 ||
		    kind_user_config_path(k, file, sizeof(file)) == NULL)
			return -1;
		rc = bgp_config_load(file, &cfg, errs);
		if (rc == 0)
			bgp_config_free(&cfg);
		return rc;
	}
	c = kind_section_copy(k);
	if (c == NULL)
		return -1;
	rc = bgp_config_parse(c, k->path, &cfg, errs);
	if (rc == 0)
		bgp_config_free(&cfg);
	cJSON_Delete(c);
	return rc < 0 ? -1 : 0;
}

static int
anybgpd_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	char *text;
	cJSON *c;
	int err;

	if (kind_user_config(k) != NULL)
		return kind_copy_user_config(k, "bgp.json", msg, msglen);
	c = kind_section_copy(k);
	text = c ? cJSON_Print(c) : NULL;
	cJSON_Delete(c);
	if (text == NULL)
		return -ENOMEM;
	err = kind_write_file(k, "bgp.json", text);
	free(text);
	if (err < 0)
		snprintf(msg, msglen, "%s/bgp.json: %s", k->dir, emu_strerror(err));
	return err;
}

static int
anybgpd_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	int err = 0;

	err |= kind_proc_arg(p, "%s/anybgpd", emu_bin_dir());
	err |= kind_proc_arg(p, "-c");
	err |= kind_proc_arg(p, "%s/bgp.json", k->dir);
	err |= kind_proc_arg(p, "-s");
	err |= kind_proc_arg(p, "%s/bgp.ctl", k->dir);
	err |= kind_proc_arg(p, "-l");
	err |= kind_proc_arg(p, "%s/bgp.log", k->dir);
	err |= kind_proc_arg(p, "-n");
	err |= kind_proc_arg(p, "%s", k->node->name);
	return err ? EMU_ETRUNC : 1;
}

/* Ask the control socket; *doc is the parsed answer. */
static int
anybgpd_call(const struct kind_node *k, const char *req, cJSON **doc)
{
	char ctl[ANYLAB_PATH_MAX], *reply = NULL;
	int err;

	*doc = NULL;
	kind_file(k, "bgp.ctl", ctl, sizeof(ctl));
	err = ctl_call(ctl, req, &reply, ANYBGPD_CTL_TIMEOUT_MS);
	if (err < 0)
		return err;
	*doc = cJSON_Parse(reply);
	free(reply);
	return *doc != NULL ? 0 : EMU_EPROTO;
}

static int
anybgpd_ready(const struct kind_node *k)
{
	char ctl[ANYLAB_PATH_MAX];
	cJSON *doc;
	int err;

	if (access(kind_file(k, "bgp.ctl", ctl, sizeof(ctl)), F_OK) < 0)
		return -EAGAIN;
	err = anybgpd_call(k, "status", &doc);
	cJSON_Delete(doc);
	return err < 0 ? -EAGAIN : 0;
}

/* A count from JSON: 0 when absent or not a number (cJSON_GetNumberValue gives NaN). */
static double
anybgpd_count(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsNumber(v) && v->valuedouble > 0 ? v->valuedouble : 0;
}

void
anybgpd_progress_parse(const cJSON *doc, struct kind_bgp_progress *pr)
{
	const cJSON *conv = cJSON_GetObjectItem(doc, "converged");

	memset(pr, 0, sizeof(*pr));
	pr->peers = (unsigned)anybgpd_count(doc, "peers");
	pr->established = (unsigned)anybgpd_count(doc, "established");
	pr->kernel_routes = (unsigned long long)anybgpd_count(doc, "kernel_routes");
	pr->pending = cJSON_IsTrue(cJSON_GetObjectItem(doc, "pending"));
	/* An anybgpd from before "converged" leaves the steady-count rule to `up`. */
	pr->converged_known = cJSON_IsBool(conv);
	pr->converged = cJSON_IsTrue(conv);
}

static int
anybgpd_progress(const struct kind_node *k, struct kind_bgp_progress *pr)
{
	cJSON *doc;
	int err;

	memset(pr, 0, sizeof(*pr));
	err = anybgpd_call(k, "status", &doc);
	if (err < 0)
		return err;
	anybgpd_progress_parse(doc, pr);
	cJSON_Delete(doc);
	return 0;
}

/* An answer with "error" is a refusal; the caller gets it in doc all the same. */
static int
anybgpd_request(const struct kind_node *k, const char *req, cJSON **doc)
{
	int err = anybgpd_call(k, req, doc);

	if (err == 0 && cJSON_GetObjectItem(*doc, "error") != NULL)
		return EMU_EREFUSED;
	return err;
}

static int
anybgpd_peers(const struct kind_node *k, cJSON **doc)
{
	return anybgpd_request(k, "peers", doc);
}

static int
anybgpd_routes(const struct kind_node *k, const char *prefix, cJSON **doc)
{
	char req[128];

	snprintf(req, sizeof(req), "routes%s%s", prefix ? " " : "", prefix ? prefix : "");
	return anybgpd_request(k, req, doc);
}

static int
anybgpd_announce(const struct kind_node *k, const struct prefix *p, bool announce, char *msg,
    size_t msglen)
{
	char req[128], pfx[64];
	cJSON *doc;
	int err;

	prefix_ntop(p, pfx, sizeof(pfx));
	snprintf(req, sizeof(req), "%s %s", announce ? "announce" : "withdraw", pfx);
	err = anybgpd_request(k, req, &doc);
	if (err == EMU_EREFUSED)
		snprintf(msg, msglen, "%s",
		    cJSON_GetStringValue(cJSON_GetObjectItem(doc, "error")));
	else if (err < 0)
		snprintf(msg, msglen, "%s/bgp.ctl: %s", k->dir, emu_strerror(err));
	cJSON_Delete(doc);
	return err;
}

int
anybgpd_drain_request(const struct prefix *p, bool drain, bool withdraw, char *buf, size_t len)
{
	char pfx[PREFIX_STRLEN] = "";
	int n;

	if (p != NULL)
		prefix_ntop(p, pfx, sizeof(pfx));
	n = snprintf(buf, len, "%s%s%s%s", drain ? "drain " : "undrain",
	    drain ? (withdraw ? "withdraw" : "community") : "", p ? " " : "", pfx);
	return n < 0 || (size_t)n >= len ? EMU_ETRUNC : 0;
}

int
anybgpd_drain_reply(const cJSON *reply, bool drain, char *msg, size_t msglen)
{
	const cJSON *list, *it, *err = cJSON_GetObjectItem(reply, "error");
	const char *mode = cJSON_GetStringValue(cJSON_GetObjectItem(reply, "mode"));
	struct strbuf sb = STRBUF_INIT;

	if (cJSON_IsString(err)) {
		snprintf(msg, msglen, "%s", err->valuestring);
		return EMU_EREFUSED;
	}
	list = cJSON_GetObjectItem(reply, drain ? "drained" : "undrained");
	if (!cJSON_IsTrue(cJSON_GetObjectItem(reply, "ok")) || !cJSON_IsArray(list) ||
	    (drain &&
		(mode == NULL ||
		    (strcmp(mode, "community") != 0 && strcmp(mode, "withdraw") != 0)))) {
		snprintf(msg, msglen, "unexpected answer to %s: expected \"ok\" and \"%s\"%s",
		    drain ? "drain" : "undrain", drain ? "drained" : "undrained",
		    drain ? " with \"mode\" community or withdraw" : "");
		return EMU_EPROTO;
	}
	sb_puts(&sb, drain ? "drained" : "undrained");
	cJSON_ArrayForEach(it, list) {
		if (cJSON_IsString(it))
			sb_printf(&sb, " %s", it->valuestring);
	}
	if (cJSON_GetArraySize(list) == 0)
		sb_puts(&sb, " nothing (no such prefix originated, or none left to change)");
	else if (drain)
		sb_puts(&sb,
		    strcmp(mode, "withdraw") == 0 ?
			" (withdrawn)" :
			" (announced with GRACEFUL_SHUTDOWN, community 65535:0)");
	snprintf(msg, msglen, "%s", sb.err ? "out of memory" : sb_str(&sb));
	sb_free(&sb);
	return 0;
}

static int
anybgpd_drain(const struct kind_node *k, const struct prefix *p, bool drain, bool withdraw,
    char *msg, size_t msglen)
{
	char req[128];
	cJSON *doc;
	int err;

	err = anybgpd_drain_request(p, drain, withdraw, req, sizeof(req));
	if (err == 0)
		err = anybgpd_call(k, req, &doc);
	if (err < 0) {
		snprintf(msg, msglen, "%s/bgp.ctl: %s", k->dir, emu_strerror(err));
		return err;
	}
	err = anybgpd_drain_reply(doc, drain, msg, msglen);
	cJSON_Delete(doc);
	return err;
}

static int
anybgpd_command(const struct kind_node *k, const char *verb, const char *arg, cJSON **doc)
{
	char req[256];

	snprintf(req, sizeof(req), "%s%s%s", verb, arg ? " " : "", arg ? arg : "");
	return anybgpd_request(k, req, doc);
}

/* anybgpd's control "bfd": its sessions, already in the shape every kind gives. */
static int
anybgpd_bfd(const struct kind_node *k, cJSON **doc)
{
	return anybgpd_request(k, "bfd", doc);
}

const struct kind_ops kind_anybgpd = {
	.name = "anybgpd",
	.role = KIND_BGP,
	.package = NULL,
	.programs = anybgpd_programs,
	.check = anybgpd_check,
	.configure = anybgpd_configure,
	.procs = anybgpd_procs,
	.ready = anybgpd_ready,
	.bgp_progress = anybgpd_progress,
	.bgp_peers = anybgpd_peers,
	.bgp_routes = anybgpd_routes,
	.bgp_announce = anybgpd_announce,
	.bgp_drain = anybgpd_drain,
	.bgp_command = anybgpd_command,
	.bgp_bfd = anybgpd_bfd,
};

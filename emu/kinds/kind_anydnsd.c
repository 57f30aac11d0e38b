/*
 * Kind "anydnsd": the project's own authoritative DNS responder (nodes/dns,
 * docs/anydnsd.md). The node's dns section, less "kind", is its
 * configuration (dns.json); relative zone file names resolve against the
 * topology's folder (-b). Ready once its control socket dns.ctl answers
 * and, as for the other DNS kinds, a real SOA query for its first zone is
 * answered (dns_kind_ready); with a user's own dns.json, the control socket
 * alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "dns_config.h"
#include "dns_kind.h"
#include "dns_zone.h"
#include "kind.h"

static const char *const anydnsd_programs[] = { "anydnsd", NULL };

/* The daemon's own parser, and every zone loaded (files, whole-zone rules). */
static int
anydnsd_check(const struct kind_node *k, struct cfg_errors *errs)
{
	struct dns_config cfg;
	struct dns_zoneset *zs;
	cJSON *c = kind_section_copy(k);
	int rc = 0;

	if (c == NULL)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	if (dns_config_parse(c, k->path, &cfg, errs) < 0) {
		cJSON_Delete(c);
		return -1;
	}
	zs = dns_config_load_zones(&cfg, k->base_dir[0] ? k->base_dir : NULL, k->node->name, errs,
	    NULL);
	if (zs == NULL)
		rc = -1;
	else
		dns_zoneset_put(zs);
	dns_config_free(&cfg);
	cJSON_Delete(c);
	return rc;
}

static int
anydnsd_configure(const struct kind_node *k, char *msg, size_t msglen)
{
	cJSON *c = kind_section_copy(k);
	char *text = c ? cJSON_Print(c) : NULL;
	int err;

	cJSON_Delete(c);
	if (text == NULL)
		return -ENOMEM;
	err = kind_write_file(k, "dns.json", text);
	free(text);
	if (err < 0)
		snprintf(msg, msglen, "%s/dns.json: %s", k->dir, emu_strerror(err));
	return err;
}

static int
anydnsd_procs(const struct kind_node *k, struct kind_proc *p, size_t max)
{
	int err = 0;

	err |= kind_proc_arg(p, "%s/anydnsd", emu_bin_dir());
	err |= kind_proc_arg(p, "-c");
	err |= kind_proc_arg(p, "%s/dns.json", k->dir);
	err |= kind_proc_arg(p, "-s");
	err |= kind_proc_arg(p, "%s/dns.ctl", k->dir);
	err |= kind_proc_arg(p, "-l");
	err |= kind_proc_arg(p, "%s/dns.log", k->dir);
	err |= kind_proc_arg(p, "-n");
	err |= kind_proc_arg(p, "%s", k->node->name);
	if (k->base_dir[0] != '\0') {
		err |= kind_proc_arg(p, "-b");
		err |= kind_proc_arg(p, "%s", k->base_dir);
	}
	return err ? EMU_ETRUNC : 1;
}

static int
anydnsd_ready(const struct kind_node *k)
{
	char ctl[ANYLAB_PATH_MAX], *reply = NULL;

	if (access(kind_file(k, "dns.ctl", ctl, sizeof(ctl)), F_OK) < 0)
		return -EAGAIN;
	if (ctl_call(ctl, "status", &reply, 1000) < 0)
		return -EAGAIN;
	free(reply);
	/* It binds its sockets before it opens dns.ctl: this is the proof that it answers. */
	return kind_user_config(k) == NULL ? dns_kind_ready(k) : 0;
}

const struct kind_ops kind_anydnsd = {
	.name = "anydnsd",
	.role = KIND_DNS,
	.package = NULL,
	.programs = anydnsd_programs,
	.check = anydnsd_check,
	.configure = anydnsd_configure,
	.procs = anydnsd_procs,
	.ready = anydnsd_ready,
};

/*
 * anydnsd's main thread: loads the configuration and zones, starts the
 * workers (dns_server.c), serves the control socket (status, stats, reload)
 * and handles signals: SIGHUP reloads the zones (a new set is built, then
 * swapped in; queries keep being answered from the old one meanwhile),
 * SIGTERM and SIGINT stop the workers and exit.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "jcfg.h"
#include "dns_config.h"
#include "dns_daemon.h"
#include "dns_server.h"
#include "dns_zonefile.h"
#include "log.h"

struct dns_daemon {
	const struct dns_daemon_opts *opts;
	struct ev_loop *loop;
	struct dns_config cfg;
	struct dns_server *srv;
	struct ctl_server *ctl;
	struct ev_io log_io;
	char identity[256];
	char base_dir[PATH_MAX];
	uint64_t generation;
	unsigned reloads;
	char reload_error[CFG_PATH_MAX + 512];
};

static void on_signal(struct ev_loop *, int, void *);
static void on_log_lines(struct ev_loop *, struct ev_io *, uint32_t);
static void on_ctl(int argc, char **argv, struct strbuf *out, void *arg);

static void
config_dir(const char *config, char *out, size_t len)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", config);
	snprintf(out, len, "%s", dirname(tmp));
}

static void
identity_of(const struct dns_config *cfg, const char *node, char *out, size_t len)
{
	char host[256];

	if (cfg->identity != NULL) {
		snprintf(out, len, "%s", cfg->identity);
		return;
	}
	if (node != NULL && node[0] != '\0') {
		snprintf(out, len, "%s", node);
		return;
	}
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		snprintf(out, len, "%s", host);
		return;
	}
	snprintf(out, len, "anydnsd");
}

/* Errors to the log, one line each, and the first into buf. */
static void
log_cfg_errors(const struct cfg_errors *errs, char *first, size_t len)
{
	char buf[CFG_PATH_MAX + 512];
	int n = errs->count < CFG_MAX_ERRORS ? errs->count : CFG_MAX_ERRORS;

	for (int i = 0; i < n; i++) {
		cfg_error_text(errs, i, buf, sizeof(buf));
		log_err("%s", buf);
		if (i == 0 && first != NULL)
			snprintf(first, len, "%s", buf);
	}
	if (errs->count > n)
		log_err("%d more errors", errs->count - n);
}

static void
log_zones(const struct dns_zoneset *zs, const struct dns_zmsgs *notes)
{
	char zn[DNS_NAME_TEXT_MAX];

	for (int i = 0; i < notes->nnote && i < DNS_ZMSG_MAX; i++)
		log_info("%s", notes->note[i]);
	for (size_t i = 0; i < zs->nzones; i++) {
		dns_name_to_text(zs->zones[i]->origin, zn, sizeof(zn));
		log_info("zone %s loaded from %s: serial %u, %zu records", zn, zs->zones[i]->source,
		    zs->zones[i]->serial, zs->zones[i]->nrecords);
	}
}

/* Build a zone set from a fresh read of the config file. NULL on error (logged). */
static struct dns_zoneset *
load(struct dns_daemon *d, struct dns_config *cfg)
{
	struct cfg_errors errs;
	struct dns_zmsgs *notes = calloc(1, sizeof(*notes));
	struct dns_zoneset *zs;

	cfg_errors_init(&errs, d->opts->config);
	if (notes == NULL) {
		snprintf(d->reload_error, sizeof(d->reload_error), "out of memory");
		return NULL;
	}
	if (dns_config_read_file(d->opts->config, cfg, &errs) < 0) {
		log_cfg_errors(&errs, d->reload_error, sizeof(d->reload_error));
		free(notes);
		return NULL;
	}
	zs = dns_config_load_zones(cfg, d->base_dir, d->identity[0] ? d->identity : d->opts->node,
	    &errs, notes);
	if (zs == NULL) {
		log_cfg_errors(&errs, d->reload_error, sizeof(d->reload_error));
		dns_config_free(cfg);
		free(notes);
		return NULL;
	}
	log_zones(zs, notes);
	free(notes);
	return zs;
}

static int
reload(struct dns_daemon *d)
{
	struct dns_config cfg;
	struct dns_zoneset *zs;
	char id[256];

	d->reload_error[0] = '\0';
	zs = load(d, &cfg);
	if (zs == NULL) {
		log_err("reload failed; still serving the zones loaded before");
		return -1;
	}
	identity_of(&cfg, d->opts->node, id, sizeof(id));
	if (strcmp(id, d->identity) != 0)
		log_warn("identity changed to \"%s\": takes effect at the next start", id);
	if (cfg.port != d->cfg.port || cfg.workers != d->cfg.workers ||
	    cfg.nlisten != d->cfg.nlisten || cfg.edns_size != d->cfg.edns_size)
		log_warn("listen, port, workers or edns_size changed: "
			 "they take effect at the next start");
	zs->generation = ++d->generation;
	dns_server_set_zones(d->srv, zs);
	dns_config_free(&cfg);
	d->reloads++;
	log_info("reloaded: %zu zones, generation %lu", zs->nzones, (unsigned long)zs->generation);
	return 0;
}

static void
on_signal(struct ev_loop *loop, int signo, void *arg)
{
	struct dns_daemon *d = arg;

	switch (signo) {
	case SIGHUP:
		log_info("SIGHUP: reloading zones");
		log_reopen();
		reload(d);
		break;
	case SIGTERM:
	case SIGINT:
		log_info("%s: stopping", signo == SIGTERM ? "SIGTERM" : "SIGINT");
		ev_break(loop);
		break;
	default:
		break;
	}
}

static void
on_log_lines(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct dns_daemon *d = io->arg;

	dns_server_flush_logs(d->srv);
}

static void
status_json(struct dns_daemon *d, struct strbuf *out)
{
	const struct dns_zoneset *zs = dns_server_zones(d->srv);
	char zn[DNS_NAME_TEXT_MAX], a[IPADDR_STRLEN];

	sb_puts(out, "{\"ready\": true, \"daemon\": \"anydnsd\", \"identity\": ");
	sb_json_str(out, d->identity);
	sb_printf(out,
	    ", \"pid\": %d, \"workers\": %u, \"port\": %u, \"edns_size\": %u, "
	    "\"listen\": [",
	    (int)getpid(), dns_server_workers(d->srv), d->cfg.port, d->cfg.edns_size);
	for (size_t i = 0; i < d->cfg.nlisten; i++) {
		sb_puts(out, i ? ", " : "");
		sb_json_str(out, ipaddr_ntop(&d->cfg.listen[i], a, sizeof(a)));
	}
	sb_printf(out, "], \"generation\": %lu, \"reloads\": %u, \"zones\": [",
	    (unsigned long)d->generation, d->reloads);
	for (size_t i = 0; i < zs->nzones; i++) {
		const struct dns_zone *z = zs->zones[i];

		dns_name_to_text(z->origin, zn, sizeof(zn));
		sb_puts(out, i ? ", {\"origin\": " : "{\"origin\": ");
		sb_json_str(out, zn);
		sb_puts(out, ", \"source\": ");
		sb_json_str(out, z->source);
		sb_printf(out,
		    ", \"serial\": %u, \"records\": %zu, \"default_soa\": %s, "
		    "\"default_ns\": %s}",
		    z->serial, z->nrecords, z->made_soa ? "true" : "false",
		    z->made_ns ? "true" : "false");
	}
	sb_puts(out, "]");
	if (d->reload_error[0]) {
		sb_puts(out, ", \"last_reload_error\": ");
		sb_json_str(out, d->reload_error);
	}
	sb_puts(out, "}");
}

static void
on_ctl(int argc, char **argv, struct strbuf *out, void *arg)
{
	struct dns_daemon *d = arg;

	if (strcmp(argv[0], "status") == 0 && argc == 1) {
		status_json(d, out);
	} else if (strcmp(argv[0], "stats") == 0 && argc == 1) {
		dns_server_stats_json(d->srv, out);
	} else if (strcmp(argv[0], "reload") == 0 && argc == 1) {
		if (reload(d) == 0) {
			sb_printf(out, "{\"reloaded\": true, \"generation\": %lu, \"zones\": %zu}",
			    (unsigned long)d->generation, dns_server_zones(d->srv)->nzones);
		} else {
			sb_puts(out, "{\"reloaded\": false, \"error\": ");
			sb_json_str(out, d->reload_error);
			sb_puts(out, "}");
		}
	} else {
		ctl_reply_error(out, "unknown command; expected status, stats or reload");
	}
}

int
dns_daemon_run(const struct dns_daemon_opts *opts)
{
	struct dns_daemon d = { .opts = opts };
	struct dns_zoneset *zs;
	char err[512];
	int rc = 1, lrc;

	lrc = log_open("anydnsd", opts->log_path);
	if (lrc < 0)
		fprintf(stderr, "anydnsd: cannot open log %s: %s\n", opts->log_path,
		    strerror(-lrc));
	if (opts->debug)
		log_set_level(LOG_LVL_DEBUG);
	if (opts->base_dir != NULL)
		snprintf(d.base_dir, sizeof(d.base_dir), "%s", opts->base_dir);
	else
		config_dir(opts->config, d.base_dir, sizeof(d.base_dir));
	{
		struct cfg_errors errs;

		cfg_errors_init(&errs, opts->config);
		if (dns_config_read_file(opts->config, &d.cfg, &errs) < 0) {
			log_cfg_errors(&errs, NULL, 0);
			if (opts->log_path != NULL)
				cfg_errors_print(&errs, stderr);
			return 1;
		}
	}
	identity_of(&d.cfg, opts->node, d.identity, sizeof(d.identity));
	{
		struct dns_config again;

		zs = load(&d, &again);
		if (zs == NULL) {
			if (opts->log_path != NULL)
				fprintf(stderr, "anydnsd: %s\n", d.reload_error);
			goto out_cfg;
		}
		dns_config_free(&again);
	}
	d.loop = ev_loop_new();
	if (d.loop == NULL) {
		log_err("out of memory");
		dns_zoneset_put(zs);
		goto out_cfg;
	}
	/* Signals are blocked before the workers exist, so only this thread takes them. */
	if (ev_signal(d.loop, SIGTERM, on_signal, &d) < 0 ||
	    ev_signal(d.loop, SIGINT, on_signal, &d) < 0 ||
	    ev_signal(d.loop, SIGHUP, on_signal, &d) < 0) {
		log_err("signals: %s", strerror(errno));
		dns_zoneset_put(zs);
		goto out_loop;
	}
	signal(SIGPIPE, SIG_IGN);
	d.srv = dns_server_new(&d.cfg, d.identity, zs, err, sizeof(err));
	if (d.srv == NULL) {
		log_err("cannot listen: %s", err);
		if (opts->log_path != NULL)
			fprintf(stderr, "anydnsd: cannot listen: %s\n", err);
		goto out_loop;
	}
	if (dns_server_start(d.srv) < 0) {
		log_err("cannot start the workers");
		goto out_srv;
	}
	if (opts->ctl_path != NULL) {
		d.ctl = ctl_listen(d.loop, opts->ctl_path, on_ctl, &d);
		if (d.ctl == NULL) {
			log_err("control socket %s: %s", opts->ctl_path, strerror(errno));
			goto out_srv;
		}
	}
	ev_io_init(&d.log_io, dns_server_log_fd(d.srv), on_log_lines, &d);
	if ((lrc = ev_io_start(d.loop, &d.log_io, EPOLLIN)) < 0) {
		log_err("epoll: %s", strerror(-lrc));
		goto out_ctl;
	}
	log_info("ready: identity \"%s\", %u workers, port %u, %s", d.identity,
	    dns_server_workers(d.srv), d.cfg.port,
	    d.cfg.nlisten ? "listed addresses" : "every address (wildcard with PKTINFO)");
	if (ev_run(d.loop) < 0)
		log_err("event loop: %s", strerror(errno));
	else
		rc = 0;
	ev_io_stop(d.loop, &d.log_io);
	dns_server_flush_logs(d.srv);
out_ctl:
	if (d.ctl != NULL)
		ctl_close(d.ctl);
out_srv:
	dns_server_free(d.srv);
out_loop:
	ev_loop_free(d.loop);
out_cfg:
	dns_config_free(&d.cfg);
	if (rc == 0)
		log_info("stopped");
	return rc;
}

int
dns_daemon_check(const char *config, const char *node, const char *base_dir, bool print)
{
	struct dns_config cfg;
	struct cfg_errors errs;
	struct dns_zmsgs *notes = calloc(1, sizeof(*notes));
	struct dns_zoneset *zs;
	char dir[PATH_MAX], id[256];
	int rc = 1;

	if (notes == NULL)
		return 1;
	cfg_errors_init(&errs, config);
	if (dns_config_read_file(config, &cfg, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		free(notes);
		return 1;
	}
	if (base_dir != NULL)
		snprintf(dir, sizeof(dir), "%s", base_dir);
	else
		config_dir(config, dir, sizeof(dir));
	identity_of(&cfg, node, id, sizeof(id));
	zs = dns_config_load_zones(&cfg, dir, id, &errs, notes);
	if (zs == NULL) {
		cfg_errors_print(&errs, stderr);
		goto out;
	}
	for (int i = 0; i < notes->nnote && i < DNS_ZMSG_MAX; i++)
		fprintf(stderr, "note: %s\n", notes->note[i]);
	for (size_t i = 0; print && i < zs->nzones; i++) {
		struct strbuf sb = STRBUF_INIT;

		dns_zone_print(zs->zones[i], &sb);
		fputs(sb_str(&sb), stdout);
		sb_free(&sb);
	}
	dns_zoneset_put(zs);
	rc = 0;
out:
	dns_config_free(&cfg);
	free(notes);
	return rc;
}

int
dns_daemon_print_zonefile(const char *origin, const char *file, const char *node)
{
	uint8_t o[DNS_NAME_MAXLEN];
	struct dns_zmsgs *m = calloc(1, sizeof(*m));
	struct dns_zone_builder *zb;
	struct dns_zone *z;
	struct strbuf sb = STRBUF_INIT;
	int rc = 1;

	if (m == NULL)
		return 1;
	if (dns_name_from_text(origin, strlen(origin), NULL, o) < 0) {
		fprintf(stderr, "anydnsd: bad zone origin \"%s\"\n", origin);
		goto out;
	}
	zb = dns_zb_new(o, file);
	if (zb == NULL)
		goto out;
	if (dns_zonefile_load(zb, o, file, NULL, m) > 0) {
		dns_zb_free(zb);
	} else {
		z = dns_zb_finish(zb, node ? node : "localhost", m);
		if (z != NULL) {
			dns_zone_print(z, &sb);
			fputs(sb_str(&sb), stdout);
			sb_free(&sb);
			dns_zone_free(z);
			rc = 0;
		}
	}
	for (int i = 0; i < m->nerr && i < DNS_ZMSG_MAX; i++)
		fprintf(stderr, "%s\n", m->err[i]);
	for (int i = 0; i < m->nnote && i < DNS_ZMSG_MAX; i++)
		fprintf(stderr, "note: %s\n", m->note[i]);
out:
	free(m);
	return rc;
}

/*
 * anybgpd's wiring: creates the RIB, the kernel interface, the sessions and
 * the control socket around one event loop, and runs the batched pipeline
 * after input (decision process, then kernel, then advertisements). Also the
 * origination of configured and announced prefixes (Add-BgpCustomRoute).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "adv.h"
#include "bgpd.h"
#include "control.h"
#include "kroute.h"
#include "log.h"

#define FLUSH_BATCH 4096

static void
rib_changed(void *arg, struct rib_entry *e)
{
	struct bgpd *d = arg;

	if (d->kr)
		kroute_changed(d->kr, e);
	adv_changed(d, e);
}

/*
 * The pipeline after input: decision, kernel, adverts. Driven by an eventfd
 * in the event loop rather than a timer, in rounds of FLUSH_BATCH prefixes,
 * so that sessions (which stop reading while much is queued, see session.c),
 * timers and the control socket get their turn between rounds.
 */
static void
flush_cb(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	struct bgpd *d = io->arg;
	uint64_t v;

	rib_process_some(d->rib, FLUSH_BATCH);
	if (d->kr)
		kroute_flush(d->kr, d->rib);
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->advq_len || d->peers[i]->eor_pending[0] ||
		    d->peers[i]->eor_pending[1])
			adv_flush(d->peers[i]);
	session_reap();
	if (!rib_pending(d->rib)) {
		/* Drained: the eventfd goes quiet until the next schedule. */
		if (read(d->flush_fd, &v, sizeof(v)) < 0)
			v = 0;
		d->flush_armed = false;
	}
}

void
bgpd_schedule_flush(struct bgpd *d)
{
	uint64_t one = 1;

	if (d->flush_armed)
		return;
	if (write(d->flush_fd, &one, sizeof(one)) == sizeof(one))
		d->flush_armed = true;
}

static void
nexthops_changed(void *arg)
{
	struct bgpd *d = arg;

	rib_mark_all(d->rib);
	bgpd_schedule_flush(d);
}

static void
link_down(void *arg, int ifindex, const char *ifname)
{
	struct bgpd *d = arg;
	char why[64];

	snprintf(why, sizeof(why), "interface %s down", ifname);
	for (size_t i = 0; i < d->npeers; i++) {
		struct bgp_peer *p = d->peers[i];

		if (p->fsm.state == BGP_IDLE)
			continue;
		if (kroute_ifindex_for(d->kr, &p->conf->addr) == ifindex)
			session_path_down(p, why);
	}
}

static void
link_up(void *arg, int ifindex, const char *ifname)
{
	struct bgpd *d = arg;

	for (size_t i = 0; i < d->npeers; i++)
		session_path_up(d->peers[i]);
}

static int
originate_one(struct bgpd *d, const struct prefix *pfx)
{
	struct bgp_attrs a;
	int r;

	bgp_attrs_init(&a);
	a.origin = BGP_ORIGIN_IGP;
	a.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH;
	r = rib_update(d->rib, pfx, &d->local, &a);
	bgp_attrs_clear(&a);
	return r;
}

int
bgpd_originate(struct bgpd *d, const struct prefix *pfx, bool on)
{
	char pb[PREFIX_STRLEN];

	if (on) {
		if (originate_one(d, pfx) < 0)
			return -1;
		log_info("originating %s", prefix_ntop(pfx, pb, sizeof(pb)));
	} else {
		if (!rib_withdraw(d->rib, pfx, &d->local))
			return -1;
		log_info("no longer originating %s", prefix_ntop(pfx, pb, sizeof(pb)));
	}
	bgpd_schedule_flush(d);
	return 0;
}

static bool
same_but_originate(const cJSON *a, const cJSON *b)
{
	cJSON *x = cJSON_Duplicate(a, true), *y = cJSON_Duplicate(b, true);
	bool same;

	cJSON_DeleteItemFromObjectCaseSensitive(x, "originate");
	cJSON_DeleteItemFromObjectCaseSensitive(y, "originate");
	same = x && y && cJSON_Compare(x, y, true);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return same;
}

static bool
in_list(const struct prefix *list, size_t n, const struct prefix *p)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_cmp(&list[i], p) == 0)
			return true;
	return false;
}

int
bgpd_reload(struct bgpd *d, struct strbuf *why, struct strbuf *done)
{
	struct cfg_errors errs;
	struct bgp_config nc;
	char buf[512], pb[PREFIX_STRLEN];
	cJSON *nj;

	if (d->config_path == NULL || d->config_json == NULL) {
		sb_puts(why, "no configuration file to read again");
		return -1;
	}
	cfg_errors_init(&errs, d->config_path);
	nj = jc_parse_file(d->config_path, &errs);
	if (nj == NULL || bgp_config_parse(nj, "", &nc, &errs) < 0) {
		sb_printf(why, "%s", cfg_error_text(&errs, 0, buf, sizeof(buf)));
		cJSON_Delete(nj);
		return -1;
	}
	if (!same_but_originate(d->config_json, nj)) {
		sb_puts(why,
		    "only \"originate\" changes at run time; restart anybgpd to apply the "
		    "other changes");
		bgp_config_free(&nc);
		cJSON_Delete(nj);
		return -1;
	}
	for (size_t i = 0; i < d->cfg.noriginate; i++)
		if (!in_list(nc.originate, nc.noriginate, &d->cfg.originate[i]) &&
		    bgpd_originate(d, &d->cfg.originate[i], false) == 0)
			sb_printf(done, "%swithdrawn %s", done->len ? ", " : "",
			    prefix_ntop(&d->cfg.originate[i], pb, sizeof(pb)));
	for (size_t i = 0; i < nc.noriginate; i++)
		if (!in_list(d->cfg.originate, d->cfg.noriginate, &nc.originate[i]) &&
		    bgpd_originate(d, &nc.originate[i], true) == 0)
			sb_printf(done, "%sannounced %s", done->len ? ", " : "",
			    prefix_ntop(&nc.originate[i], pb, sizeof(pb)));
	/* Keep the new list; everything else of nc equals the running config. */
	{
		struct prefix *t = d->cfg.originate;
		size_t n = d->cfg.noriginate;

		d->cfg.originate = nc.originate;
		d->cfg.noriginate = nc.noriginate;
		nc.originate = t;
		nc.noriginate = n;
	}
	bgp_config_free(&nc);
	cJSON_Delete(d->config_json);
	d->config_json = nj;
	log_info("configuration reloaded: %s", done->len ? sb_str(done) : "no change");
	return 0;
}

int
bgpd_start(struct bgpd *d, struct ev_loop *loop, const char *ctl_path)
{
	struct rib_params rp = {
		.local_as = d->cfg.asn,
		.max_paths = d->cfg.max_paths,
		.relax_as_path = d->cfg.relax_as_path,
		.changed = rib_changed,
		.changed_arg = d,
	};
	struct kroute_params kp = {
		.table = d->cfg.kernel_table,
		.protocol = d->cfg.kernel_protocol,
		.install = d->cfg.kernel_install,
		.link_down = link_down,
		.link_up = link_up,
		.nexthops_changed = nexthops_changed,
		.arg = d,
	};

	d->loop = loop;
	d->start_us = ev_now_us(loop);
	if (d->config_path) {
		struct cfg_errors errs;

		cfg_errors_init(&errs, d->config_path);
		d->config_json = jc_parse_file(d->config_path, &errs); /* NULL: no reload */
	}
	d->start_wall = (uint64_t)time(NULL);
	d->flush_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->flush_fd < 0)
		return -1;
	ev_io_init(&d->flush_io, d->flush_fd, flush_cb, d);
	if (ev_io_start(loop, &d->flush_io, EPOLLIN) < 0)
		return -1;
	d->local.local = true;
	d->local.asn = d->cfg.asn;
	d->local.router_id = ntohl(d->cfg.router_id.v4.s_addr);
	d->kr = kroute_open(loop, &kp);
	if (d->kr == NULL) {
		if (d->cfg.kernel_install) {
			log_err("cannot open the kernel routing interface (netlink)");
			return -1;
		}
		log_warn("no netlink: next hops are taken as resolvable");
	} else {
		rp.nexthop_ok = kroute_nexthop_ok;
		rp.nexthop_arg = d->kr;
	}
	d->rib = rib_new(&rp);
	if (d->rib == NULL)
		return -1;
	for (size_t i = 0; i < d->cfg.noriginate; i++)
		if (originate_one(d, &d->cfg.originate[i]) < 0)
			return -1;
	if (ctl_path && control_open(d, ctl_path) < 0) {
		log_err("control socket %s: cannot listen", ctl_path);
		return -1;
	}
	if (session_init(d) < 0)
		return -1;
	bgpd_schedule_flush(d);
	return 0;
}

void
bgpd_stop(struct bgpd *d)
{
	session_shutdown(d);
	if (d->kr)
		kroute_close(d->kr, d->rib);
	d->kr = NULL;
	control_close(d);
	if (d->flush_fd > 0) {
		ev_io_stop(d->loop, &d->flush_io);
		close(d->flush_fd);
		d->flush_fd = -1;
	}
	session_free(d);
	rib_free(d->rib);
	d->rib = NULL;
	cJSON_Delete(d->config_json);
	d->config_json = NULL;
}

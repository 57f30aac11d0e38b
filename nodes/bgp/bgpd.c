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
#include "bfd.h"
#include "bgpd.h"
#include "control.h"
#include "detect.h"
#include "kroute.h"
#include "log.h"
#include "origin.h"

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
void
bgpd_flush_now(struct bgpd *d)
{
	uint64_t v;

	rib_process_some(d->rib, FLUSH_BATCH);
	if (d->kr)
		kroute_flush(d->kr, d->rib);
	for (size_t i = 0; i < d->npeers; i++)
		if (d->peers[i]->advq_len || d->peers[i]->eor_pending[0] ||
		    d->peers[i]->eor_pending[1])
			adv_flush(d->peers[i]);
	session_reap();
	if (rib_pending(d->rib)) {
		bgpd_schedule_flush(d);
	} else if (d->flush_armed) {
		/* Drained: the eventfd goes quiet until the next schedule. */
		if (read(d->flush_fd, &v, sizeof(v)) < 0)
			v = 0;
		d->flush_armed = false;
	}
}

static void
flush_cb(struct ev_loop *loop, struct ev_io *io, uint32_t events)
{
	bgpd_flush_now(io->arg);
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
	bgpd_flush_now(d);
	detect_routes_changed(d);
}

static void
kroute_flush_cb(void *arg)
{
	bgpd_flush_now(arg);
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

int
bgpd_reload(struct bgpd *d, struct strbuf *why, struct strbuf *done)
{
	struct cfg_errors errs;
	struct bgp_config nc;
	char buf[512];
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
	origin_reconfigure(d, nc.originate, nc.noriginate, done);
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

bool
bgpd_converged(struct bgpd *d, const char **why)
{
	const char *w = NULL;

	if (rib_pending(d->rib) || d->flush_armed)
		w = "routes still being processed";
	else if (!origin_settled(d))
		w = "origins not yet announced";
	for (size_t i = 0; w == NULL && i < d->npeers; i++) {
		const struct bgp_peer *p = d->peers[i];

		if (p->fsm.state != BGP_ESTABLISHED)
			w = "a session is not Established";
		else if (!session_in_sync(p))
			w = "End-of-RIB not yet exchanged with every peer";
		else if (p->bfd && bfd_session_state(p->bfd) != BFD_UP)
			w = "a BFD session is not Up";
	}
	if (why)
		*why = w ? w : "";
	return w == NULL;
}

static void
shutdown_cb(struct ev_loop *loop, struct ev_timer *t)
{
	log_info("shutdown: closing the sessions");
	ev_break(loop);
}

void
bgpd_graceful_stop(struct bgpd *d)
{
	if (d->shutting_down) {
		/* A second signal: no more waiting. */
		ev_break(d->loop);
		return;
	}
	d->shutting_down = true;
	/* Withdraw first so that traffic moves while this node still answers. */
	origin_shutdown(d, true);
	bgpd_flush_now(d);
	if (d->cfg.shutdown_delay_ms == 0) {
		ev_break(d->loop);
		return;
	}
	log_info("shutdown: origins withdrawn, sessions close in %u ms", d->cfg.shutdown_delay_ms);
	ev_timer_init(&d->shutdown_timer, shutdown_cb, d);
	ev_timer_start(d->loop, &d->shutdown_timer, EV_MS(d->cfg.shutdown_delay_ms));
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
		.resilient = d->cfg.fib.mode == BGP_FIB_RESILIENT,
		.buckets = d->cfg.fib.buckets,
		.idle_timer_s = d->cfg.fib.idle_timer_s,
		.unbalanced_timer_s = d->cfg.fib.unbalanced_timer_s,
		.link_event = detect_link_event,
		.nexthops_changed = nexthops_changed,
		.flush = kroute_flush_cb,
		.arg = d,
	};

	d->loop = loop;
	d->start_us = ev_now_us(loop);
	ev_timer_init(&d->shutdown_timer, shutdown_cb, d);
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
	if (origin_init(d) < 0)
		return -1;
	if (ctl_path && control_open(d, ctl_path) < 0) {
		log_err("control socket %s: cannot listen", ctl_path);
		return -1;
	}
	if (session_init(d) < 0)
		return -1;
	if (detect_start(d) < 0)
		return -1;
	bgpd_schedule_flush(d);
	return 0;
}

void
bgpd_stop(struct bgpd *d)
{
	ev_timer_stop(d->loop, &d->shutdown_timer);
	detect_stop(d);
	session_shutdown_msg(d, d->cfg.shutdown_message);
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
	origin_free(d);
	rib_free(d->rib);
	d->rib = NULL;
	cJSON_Delete(d->config_json);
	d->config_json = NULL;
}

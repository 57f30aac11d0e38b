/*
 * The health-check detector: runs the configuration's "health" checks
 * (health.c) and reports each verdict for the prefixes the check covers; a
 * failing check holds them back (origin.h), a passing one lifts its own hold
 * only. The control socket's "health" lists every check with its history.
 */
#include <stdio.h>
#include <time.h>

#include "bgpd.h"
#include "detect.h"
#include "health.h"
#include "log.h"

static void
health_notify(void *arg, size_t check, bool up, const char *why)
{
	struct bgpd *d = arg;
	const struct health_check_config *c = &d->cfg.health[check];

	log_info("health check %s: %s (%s)", c->name, up ? "up" : "down", why);
	if (c->nprefixes == 0) {
		detect_origin(d, DETECT_HEALTH, (unsigned)check, NULL, up, why);
		return;
	}
	for (size_t i = 0; i < c->nprefixes; i++)
		detect_origin(d, DETECT_HEALTH, (unsigned)check, &c->prefixes[i], up, why);
}

static int
health_start(struct bgpd *d)
{
	if (d->cfg.nhealth == 0)
		return 0;
	d->health = health_open(d->loop, d->cfg.health, d->cfg.nhealth, health_notify, d);
	return d->health ? 0 : -1;
}

static void
health_stop(struct bgpd *d)
{
	if (d->health)
		health_close(d->health);
	d->health = NULL;
}

static void
health_show(struct bgpd *d, struct strbuf *out)
{
	uint64_t now = ev_now_us(d->loop);
	char pb[PREFIX_STRLEN], rc[16];

	sb_puts(out, "{\"checks\":[");
	for (size_t i = 0; d->health && i < d->cfg.nhealth; i++) {
		const struct health_check_config *c = &d->cfg.health[i];
		struct health_info hi;

		health_get_info(d->health, i, &hi);
		sb_printf(out, "%s{\"name\":", i ? "," : "");
		sb_json_str(out, c->name);
		sb_printf(out,
		    ",\"type\":\"%s\",\"state\":\"%s\",\"target\":", health_kind_name(c->kind),
		    health_state_name(hi.state));
		if (c->kind == HEALTH_DNS) {
			char a[IPADDR_STRLEN], t[320];

			snprintf(t, sizeof(t), "%s type %u at %s port %u, expect %s", c->dns.qname,
			    c->dns.qtype, ipaddr_ntop(&c->dns.server, a, sizeof(a)), c->dns.port,
			    health_rcode_name(c->dns.rcode, rc, sizeof(rc)));
			sb_json_str(out, t);
		} else {
			struct strbuf cmd = STRBUF_INIT;

			for (size_t k = 0; k < c->argc; k++)
				sb_printf(&cmd, "%s%s", k ? " " : "", c->argv[k]);
			sb_json_str(out, sb_str(&cmd));
			sb_free(&cmd);
		}
		sb_puts(out, ",\"prefixes\":[");
		for (size_t k = 0; k < c->nprefixes; k++)
			sb_printf(out, "%s\"%s\"", k ? "," : "",
			    prefix_ntop(&c->prefixes[k], pb, sizeof(pb)));
		sb_printf(out,
		    "],\"interval_ms\":%u,\"timeout_ms\":%u,\"rise\":%u,\"fall\":%u,"
		    "\"checks\":%llu,\"passes\":%llu,\"failures\":%llu,\"passes_in_row\":%u,"
		    "\"failures_in_row\":%u,\"last_rtt_ms\":%.3f,\"last\":",
		    c->interval_ms, c->timeout_ms, c->rise, c->fall, (unsigned long long)hi.checks,
		    (unsigned long long)hi.passes, (unsigned long long)hi.failures,
		    hi.passes_in_row, hi.failures_in_row, (double)hi.last_rtt_us / 1e3);
		sb_json_str(out, hi.last_result);
		sb_printf(out, ",\"since_s\":%.3f,\"history\":[",
		    (double)(now - hi.last_change_us) / 1e6);
		for (size_t k = 0; k < hi.nhistory; k++) {
			const struct health_change *h = &hi.history[k];

			sb_printf(out,
			    "%s{\"ago_ms\":%.1f,\"wall\":%.3f,\"from\":\"%s\",\"state\":\"%s\",\"why\":",
			    k ? "," : "", (double)(now - h->mono_us) / 1e3,
			    (double)h->wall_us / 1e6, health_state_name(h->from),
			    health_state_name(h->to));
			sb_json_str(out, h->why);
			sb_puts(out, "}");
		}
		sb_puts(out, "]}");
	}
	sb_puts(out, "]}");
}

const struct detector detect_health = {
	.kind = DETECT_HEALTH,
	.name = "health",
	.start = health_start,
	.stop = health_stop,
	.show = health_show,
};

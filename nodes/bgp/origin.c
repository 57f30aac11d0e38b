/*
 * Origination with reasons (origin.h): every change goes through
 * origin_apply, which puts the local path into the RIB or takes it out, and
 * schedules the pipeline (decision, kernel, adverts) like any received UPDATE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd.h"
#include "log.h"
#include "origin.h"

static const char *const hold_names[] = { "operator", "health", "drain", "shutdown" };

void
origin_hold_names(unsigned hold, struct strbuf *sb)
{
	bool first = true;

	for (size_t i = 0; i < sizeof(hold_names) / sizeof(hold_names[0]); i++)
		if (hold & (1u << i)) {
			sb_printf(sb, "%s%s", first ? "" : " ", hold_names[i]);
			first = false;
		}
}

static unsigned
effective_hold(const struct origin *o)
{
	return o->hold | (o->health_down ? ORIGIN_HOLD_HEALTH : 0);
}

static void
origin_apply(struct bgpd *d, struct origin *o)
{
	char pb[PREFIX_STRLEN];
	bool want = effective_hold(o) == 0;
	struct bgp_attrs a;

	prefix_ntop(&o->pfx, pb, sizeof(pb));
	if (want) {
		bgp_attrs_init(&a);
		a.origin = BGP_ORIGIN_IGP;
		a.present = BGP_ATTRS_ORIGIN | BGP_ATTRS_AS_PATH;
		if (o->drained && bgp_attrs_community_add(&a, BGP_COMM_GRACEFUL_SHUTDOWN) < 0) {
			bgp_attrs_clear(&a);
			log_err("originating %s: out of memory", pb);
			return;
		}
		/* rib_update replaces the path when only the community changed. */
		if (rib_update(d->rib, &o->pfx, &d->local, &a) == 0) {
			if (!o->in_rib)
				log_info("originating %s%s", pb, o->drained ? " (drained)" : "");
			o->in_rib = true;
		}
		bgp_attrs_clear(&a);
	} else if (o->in_rib) {
		struct strbuf sb = STRBUF_INIT;

		origin_hold_names(effective_hold(o), &sb);
		rib_withdraw(d->rib, &o->pfx, &d->local);
		o->in_rib = false;
		log_info("no longer originating %s (held by %s%s%s)", pb, sb_str(&sb),
		    o->why[0] ? ": " : "", o->why);
		sb_free(&sb);
	}
	o->since_us = ev_now_us(d->loop);
	bgpd_schedule_flush(d);
}

struct origin *
origin_find(struct bgpd *d, const struct prefix *pfx)
{
	for (size_t i = 0; i < d->norigins; i++)
		if (prefix_cmp(&d->origins[i].pfx, pfx) == 0)
			return &d->origins[i];
	return NULL;
}

static struct origin *
origin_add(struct bgpd *d, const struct prefix *pfx, bool configured)
{
	struct origin *n = realloc(d->origins, (d->norigins + 1) * sizeof(*n)), *o;

	if (n == NULL)
		return NULL;
	d->origins = n;
	o = &d->origins[d->norigins++];
	memset(o, 0, sizeof(*o));
	o->pfx = *pfx;
	o->configured = configured;
	return o;
}

static void
origin_remove(struct bgpd *d, struct origin *o)
{
	size_t i = (size_t)(o - d->origins);

	if (o->in_rib)
		rib_withdraw(d->rib, &o->pfx, &d->local);
	memmove(o, o + 1, (d->norigins - i - 1) * sizeof(*o));
	d->norigins--;
	bgpd_schedule_flush(d);
}

int
origin_init(struct bgpd *d)
{
	for (size_t i = 0; i < d->cfg.noriginate; i++) {
		struct origin *o;

		if (origin_find(d, &d->cfg.originate[i]))
			continue;
		o = origin_add(d, &d->cfg.originate[i], true);
		if (o == NULL)
			return -1;
		origin_apply(d, o);
		if (!o->in_rib)
			return -1;
	}
	return 0;
}

void
origin_free(struct bgpd *d)
{
	free(d->origins);
	d->origins = NULL;
	d->norigins = 0;
}

static void
set_hold(struct bgpd *d, struct origin *o, unsigned reason, bool on, const char *why)
{
	unsigned before = effective_hold(o);

	if (on)
		o->hold |= reason;
	else
		o->hold &= ~reason;
	if (on && why)
		snprintf(o->why, sizeof(o->why), "%s", why);
	if (effective_hold(o) == 0)
		o->why[0] = '\0';
	if (before != effective_hold(o) || (effective_hold(o) == 0) != o->in_rib)
		origin_apply(d, o);
}

int
origin_operator(struct bgpd *d, const struct prefix *pfx, bool announce)
{
	struct origin *o = origin_find(d, pfx);

	if (announce) {
		if (o == NULL) {
			o = origin_add(d, pfx, false);
			if (o == NULL)
				return -1;
			origin_apply(d, o);
			return o->in_rib || effective_hold(o) ? 0 : -1;
		}
		set_hold(d, o, ORIGIN_HOLD_OPERATOR, false, NULL);
		return 0;
	}
	if (o == NULL || (o->hold & ORIGIN_HOLD_OPERATOR))
		return -1;
	if (!o->configured) {
		origin_remove(d, o);
		return 0;
	}
	set_hold(d, o, ORIGIN_HOLD_OPERATOR, true, "withdrawn by the operator");
	return 0;
}

void
origin_health(struct bgpd *d, unsigned check, const struct prefix *pfx, bool up, const char *why)
{
	uint32_t bit = 1u << (check & 31);

	for (size_t i = 0; i < d->norigins; i++) {
		struct origin *o = &d->origins[i];
		uint32_t before = o->health_down;

		if (pfx && prefix_cmp(&o->pfx, pfx) != 0)
			continue;
		if (up)
			o->health_down &= ~bit;
		else
			o->health_down |= bit;
		if (!up && why)
			snprintf(o->why, sizeof(o->why), "%s", why);
		if (effective_hold(o) == 0)
			o->why[0] = '\0';
		if (before != o->health_down)
			origin_apply(d, o);
	}
}

size_t
origin_drain(struct bgpd *d, const struct prefix *pfx, bool drain, bool withdraw,
    struct strbuf *list)
{
	char pb[PREFIX_STRLEN];
	size_t n = 0;

	for (size_t i = 0; i < d->norigins; i++) {
		struct origin *o = &d->origins[i];
		bool tag = drain && !withdraw;

		if (pfx && prefix_cmp(&o->pfx, pfx) != 0)
			continue;
		if (list)
			sb_printf(list, "%s\"%s\"", n ? "," : "",
			    prefix_ntop(&o->pfx, pb, sizeof(pb)));
		n++;
		if (o->drained != tag) {
			o->drained = tag;
			if (o->in_rib)
				origin_apply(d, o);
		}
		set_hold(d, o, ORIGIN_HOLD_DRAIN, drain && withdraw,
		    "drained by the operator (withdrawn)");
		log_info("%s %s%s", drain ? "draining" : "undraining",
		    prefix_ntop(&o->pfx, pb, sizeof(pb)),
		    drain ? (withdraw ? " by withdrawal" : " with GRACEFUL_SHUTDOWN") : "");
	}
	return n;
}

void
origin_shutdown(struct bgpd *d, bool on)
{
	for (size_t i = 0; i < d->norigins; i++)
		set_hold(d, &d->origins[i], ORIGIN_HOLD_SHUTDOWN, on,
		    "the speaker is shutting down");
}

static bool
in_list(const struct prefix *list, size_t n, const struct prefix *p)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_cmp(&list[i], p) == 0)
			return true;
	return false;
}

void
origin_reconfigure(struct bgpd *d, const struct prefix *list, size_t n, struct strbuf *done)
{
	char pb[PREFIX_STRLEN];

	for (size_t i = 0; i < d->norigins;) {
		struct origin *o = &d->origins[i];

		if (o->configured && !in_list(list, n, &o->pfx)) {
			sb_printf(done, "%swithdrawn %s", done->len ? ", " : "",
			    prefix_ntop(&o->pfx, pb, sizeof(pb)));
			log_info("no longer originating %s (not in the configuration)", pb);
			origin_remove(d, o);
			continue;
		}
		i++;
	}
	for (size_t i = 0; i < n; i++) {
		struct origin *o = origin_find(d, &list[i]);

		if (o) {
			o->configured = true;
			continue;
		}
		o = origin_add(d, &list[i], true);
		if (o == NULL)
			continue;
		origin_apply(d, o);
		sb_printf(done, "%sannounced %s", done->len ? ", " : "",
		    prefix_ntop(&list[i], pb, sizeof(pb)));
	}
}

bool
origin_settled(const struct bgpd *d)
{
	for (size_t i = 0; i < d->norigins; i++)
		if ((effective_hold(&d->origins[i]) == 0) != d->origins[i].in_rib)
			return false;
	return true;
}

void
origin_json(struct bgpd *d, struct strbuf *out)
{
	char pb[PREFIX_STRLEN];
	uint64_t now = ev_now_us(d->loop);

	sb_puts(out, ",\"origins\":[");
	for (size_t i = 0; i < d->norigins; i++) {
		struct origin *o = &d->origins[i];
		unsigned h = effective_hold(o);
		bool first = true;

		sb_printf(out, "%s{\"prefix\":\"%s\",\"announced\":%s,\"configured\":%s,",
		    i ? "," : "", prefix_ntop(&o->pfx, pb, sizeof(pb)),
		    o->in_rib ? "true" : "false", o->configured ? "true" : "false");
		sb_printf(out, "\"drained\":%s,\"held_by\":[",
		    o->drained || (h & ORIGIN_HOLD_DRAIN) ? "true" : "false");
		for (size_t b = 0; b < sizeof(hold_names) / sizeof(hold_names[0]); b++)
			if (h & (1u << b)) {
				sb_printf(out, "%s\"%s\"", first ? "" : ",", hold_names[b]);
				first = false;
			}
		sb_puts(out, "],\"why\":");
		sb_json_str(out, o->why);
		sb_printf(out, ",\"since\":%.3f}", (double)(now - o->since_us) / 1e6);
	}
	sb_puts(out, "]");
}

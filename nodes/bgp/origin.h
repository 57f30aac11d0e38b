/*
 * Origination: the prefixes this speaker announces of its own (the
 * configuration's "originate" and the control socket's "announce"), each with
 * the reasons it is held back. An origin is in the RIB when nothing holds it:
 * the operator's "withdraw", a failing health check, a drain by withdrawal,
 * the SIGTERM shutdown each add a reason of their own, so that one of them
 * lifting never undoes another. A drain by community (RFC 8326) keeps the
 * route and tags it GRACEFUL_SHUTDOWN.
 */
#ifndef ANYBGP_ORIGIN_H
#define ANYBGP_ORIGIN_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "strbuf.h"

struct bgpd;

enum origin_hold {
	ORIGIN_HOLD_OPERATOR = 0x01, /* control "withdraw" */
	ORIGIN_HOLD_HEALTH = 0x02,   /* one or more health checks fail */
	ORIGIN_HOLD_DRAIN = 0x04,    /* control "drain withdraw" */
	ORIGIN_HOLD_SHUTDOWN = 0x08, /* SIGTERM, before the sessions close */
};

struct origin {
	struct prefix pfx;
	bool configured;      /* from "originate"; else announced at run time */
	unsigned hold;	      /* enum origin_hold bits */
	uint32_t health_down; /* one bit per failing health check */
	bool drained;	      /* tagged GRACEFUL_SHUTDOWN */
	bool in_rib;
	uint64_t since_us; /* ev_now at the last change */
	char why[160];	   /* the last reason it was held back, or "" */
};

int origin_init(struct bgpd *);
void origin_free(struct bgpd *);
struct origin *origin_find(struct bgpd *, const struct prefix *);

/*
 * The operator's announce / withdraw. Announcing a prefix that is not an
 * origin adds one; withdrawing one announced at run time removes it.
 * 0, or -1: withdraw of a prefix this speaker does not originate, or no memory.
 */
int origin_operator(struct bgpd *, const struct prefix *, bool announce);
/* A health check (bit check) passes or fails for pfx (NULL: every origin). */
void origin_health(struct bgpd *, unsigned check, const struct prefix *pfx, bool up,
    const char *why);
/* Drain (community or withdraw) or undrain pfx (NULL: every origin). Returns how many. */
size_t origin_drain(struct bgpd *, const struct prefix *pfx, bool drain, bool withdraw,
    struct strbuf *list);
/* Every origin held back (SIGTERM) or released. */
void origin_shutdown(struct bgpd *, bool on);
/* "originate" of a reloaded configuration: configured origins come and go. */
void origin_reconfigure(struct bgpd *, const struct prefix *list, size_t n, struct strbuf *done);
/* Every origin nothing holds back is in the RIB. */
bool origin_settled(const struct bgpd *);
/* ,"origins":[{"prefix":..,"announced":..,"held_by":[..],"drained":..,"why":..}] */
void origin_json(struct bgpd *, struct strbuf *);
/* The hold reasons as words: "operator health" ("" when none). */
void origin_hold_names(unsigned hold, struct strbuf *);

#endif

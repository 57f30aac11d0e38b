/*
 * The bgp section's "bfd" keys for the kinds other than anybgpd
 * (kind_bfd.h): taken per peer from what anybgpd's parser read (the
 * top-level object is every peer's default), or refused by kinds whose
 * daemon has no BFD. The intervals are RFC 5880's Desired Min TX
 * Interval and Required Min RX Interval (section 6.8.1), in milliseconds;
 * the multiplier is its Detect Mult.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bgp_config.h"
#include "kind_bfd.h"

int
kind_bfd_from_config(const struct bgp_config *cfg, const cJSON *sec, struct kind_bfd **out,
    size_t *n)
{
	const cJSON *peers = cJSON_GetObjectItemCaseSensitive(sec, "peers");

	*out = NULL;
	*n = 0;
	if (cfg->npeers == 0)
		return 0;
	*out = calloc(cfg->npeers, sizeof(**out));
	if (*out == NULL)
		return -1;
	*n = cfg->npeers;
	for (size_t i = 0; i < cfg->npeers; i++) {
		const struct bgp_bfd_config *c = &cfg->peers[i].bfd;
		const cJSON *pb = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(peers,
								       (int)i),
		    "bfd");

		(*out)[i] = (struct kind_bfd){
			.on = c->enabled,
			.min_tx_ms = c->min_tx_ms,
			.min_rx_ms = c->min_rx_ms,
			.multiplier = c->multiplier,
			.strict = c->strict,
			.strict_own = cJSON_IsObject(pb) &&
			    cJSON_GetObjectItemCaseSensitive(pb, "strict") != NULL,
		};
	}
	return 0;
}

bool
kind_bfd_any(const struct kind_bfd *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i].on)
			return true;
	return false;
}

int
kind_bfd_refuse(const cJSON *sec, const char *path, const char *kind, const char *why,
    struct cfg_errors *errs)
{
	const cJSON *peer;
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	int i = 0, rc = 0;

	if (cJSON_GetObjectItemCaseSensitive(sec, "bfd") != NULL) {
		cfg_error(errs, jc_path(p, path, "bfd"), "kind %s cannot run BFD: %s", kind, why);
		rc = -1;
	}
	cJSON_ArrayForEach(peer, cJSON_GetObjectItemCaseSensitive(sec, "peers")) {
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(peer, "bfd");

		if (b != NULL && !cJSON_IsFalse(b)) {
			jc_path(q, jc_path_idx(p, jc_path(q, path, "peers"), i), "bfd");
			cfg_error(errs, q, "kind %s cannot run BFD: %s", kind, why);
			rc = -1;
		}
		i++;
	}
	return rc;
}

int
kind_bfd_refuse_strict(const struct kind_bfd *b, size_t n, const char *path, const char *kind,
    const char *why, struct cfg_errors *errs)
{
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	bool top = false;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (!b[i].on || !b[i].strict || (!b[i].strict_own && top))
			continue;
		if (b[i].strict_own)
			jc_path(q,
			    jc_path(p, jc_path_idx(q, jc_path(p, path, "peers"), (int)i), "bfd"),
			    "strict");
		else
			jc_path(q, jc_path(p, path, "bfd"), "strict");
		top |= !b[i].strict_own;
		cfg_error(errs, q,
		    "kind %s cannot keep a BGP session down until its BFD session is up "
		    "(strict): %s",
		    kind, why);
		rc = -1;
	}
	return rc;
}

const char *
kind_bfd_state_name(const char *s)
{
	static const char *const names[] = { "AdminDown", "Down", "Init", "Up" };

	if (s == NULL)
		return NULL;
	if (strcasecmp(s, "shutdown") == 0) /* FRR's AdminDown */
		return "AdminDown";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0)
			return names[i];
	return NULL;
}

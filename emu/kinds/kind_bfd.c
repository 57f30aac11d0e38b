/*
 * The bgp section's "bfd" keys for the kinds other than anybgpd
 * (kind_bfd.h): parsed per peer with the top-level object as the default,
 * stripped from the copy that anybgpd's parser reads, or refused by kinds
 * whose daemon has no BFD. The intervals are RFC 5880's Desired Min TX
 * Interval and Required Min RX Interval (section 6.8.1), in milliseconds;
 * the multiplier is its Detect Mult.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kind_bfd.h"

static const char *const bfd_keys[] = { "interval_ms", "min_tx_ms", "min_rx_ms", "multiplier",
	"strict", NULL };

/* Apply the keys of obj (an object at path) over *b. false when one was bad. */
static bool
bfd_object(const cJSON *obj, const char *path, struct kind_bfd *b, struct cfg_errors *errs)
{
	uint64_t v;
	bool ok = jc_check_object(obj, path, bfd_keys, errs);

	if (!ok)
		return false;
	switch (jc_uint(obj, "interval_ms", path, false, 1, KIND_BFD_INTERVAL_MAX_MS, &v, errs)) {
	case 1:
		b->min_tx_ms = b->min_rx_ms = (unsigned)v;
		break;
	case -1:
		ok = false;
	}
	switch (jc_uint(obj, "min_tx_ms", path, false, 1, KIND_BFD_INTERVAL_MAX_MS, &v, errs)) {
	case 1:
		b->min_tx_ms = (unsigned)v;
		break;
	case -1:
		ok = false;
	}
	switch (jc_uint(obj, "min_rx_ms", path, false, 1, KIND_BFD_INTERVAL_MAX_MS, &v, errs)) {
	case 1:
		b->min_rx_ms = (unsigned)v;
		break;
	case -1:
		ok = false;
	}
	switch (jc_uint(obj, "multiplier", path, false, 1, KIND_BFD_MULTIPLIER_MAX, &v, errs)) {
	case 1:
		b->multiplier = (unsigned)v;
		break;
	case -1:
		ok = false;
	}
	if (jc_bool(obj, "strict", path, false, &b->strict, errs) < 0)
		ok = false;
	return ok;
}

int
kind_bfd_parse(const cJSON *sec, const char *path, struct kind_bfd **out, size_t *n,
    struct cfg_errors *errs)
{
	const cJSON *top = cJSON_GetObjectItemCaseSensitive(sec, "bfd");
	const cJSON *peers = cJSON_GetObjectItemCaseSensitive(sec, "peers");
	struct kind_bfd def = {
		.min_tx_ms = KIND_BFD_DEF_INTERVAL_MS,
		.min_rx_ms = KIND_BFD_DEF_INTERVAL_MS,
		.multiplier = KIND_BFD_DEF_MULTIPLIER,
	};
	char p[CFG_PATH_MAX], q[CFG_PATH_MAX];
	bool ok = true;
	int count;

	*out = NULL;
	*n = 0;
	if (top != NULL) {
		ok = bfd_object(top, jc_path(p, path, "bfd"), &def, errs);
		def.on = true;
	}
	/* A "peers" that is not an array is anybgpd's parser's to report. */
	count = cJSON_IsArray(peers) ? cJSON_GetArraySize(peers) : 0;
	if (count == 0)
		return ok ? 0 : -1;
	*out = calloc((size_t)count, sizeof(**out));
	if (*out == NULL) {
		cfg_error(errs, path, "out of memory");
		return -1;
	}
	*n = (size_t)count;
	for (int i = 0; i < count; i++) {
		const cJSON *pb = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(peers, i),
		    "bfd");
		struct kind_bfd *b = &(*out)[i];

		*b = def;
		if (pb == NULL)
			continue;
		jc_path(q, jc_path_idx(p, jc_path(q, path, "peers"), i), "bfd");
		if (cJSON_IsBool(pb)) {
			b->on = cJSON_IsTrue(pb);
		} else if (cJSON_IsObject(pb)) {
			b->on = true;
			ok &= bfd_object(pb, q, b, errs);
			b->strict_own = cJSON_GetObjectItemCaseSensitive(pb, "strict") != NULL;
		} else {
			cfg_error(errs, q, "expected true, false or an object");
			ok = false;
		}
	}
	if (!ok) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ok ? 0 : -1;
}

bool
kind_bfd_any(const struct kind_bfd *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i].on)
			return true;
	return false;
}

void
kind_bfd_strip(cJSON *sec)
{
	cJSON *p;

	cJSON_DeleteItemFromObjectCaseSensitive(sec, "bfd");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(sec, "peers"))
		if (cJSON_IsObject(p))
			cJSON_DeleteItemFromObjectCaseSensitive(p, "bfd");
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

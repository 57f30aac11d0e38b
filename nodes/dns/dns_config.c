/*
 * Reading anydnsd's JSON configuration (the node's "dns" section) and turning
 * its zones into a zone set.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_config.h"
#include "dns_rdata.h"
#include "dns_zonefile.h"

static const char *const top_keys[] = {
	"identity",
	"listen",
	"port",
	"workers",
	"edns_size",
	"tcp",
	"zones",
	NULL,
};
static const char *const tcp_keys[] = { "idle_timeout_ms", "max_connections", NULL };
static const char *const zone_keys[] = { "origin", "records", "file", "ttl", NULL };
static const char *const record_keys[] = { "name", "type", "data", "ttl", NULL };

static int parse_zone(const cJSON *z, const char *path, struct dns_zone_cfg *zc,
    struct cfg_errors *errs);

static int
parse_record(const cJSON *r, const char *path, const uint8_t *origin, uint32_t default_ttl,
    struct dns_record_cfg *rc, struct cfg_errors *errs)
{
	const char *name = NULL, *type = NULL, *data = NULL;
	char p[CFG_PATH_MAX], err[256];
	uint64_t ttl = default_ttl;
	uint8_t *buf;
	int len, errs0 = errs->count;

	if (!jc_check_object(r, path, record_keys, errs) && !cJSON_IsObject(r))
		return -1;
	jc_string(r, "name", path, true, &name, errs);
	jc_string(r, "type", path, true, &type, errs);
	jc_string(r, "data", path, true, &data, errs);
	jc_uint(r, "ttl", path, false, 0, 0x7fffffff, &ttl, errs);
	if (errs->count > errs0)
		return -1;
	rc->ttl = (uint32_t)ttl;
	len = dns_name_from_text(name, strlen(name), origin, rc->owner);
	if (len < 0) {
		cfg_error(errs, jc_path(p, path, "name"),
		    "expected a domain name (relative to the "
		    "zone origin, \"@\" for the origin itself): %s",
		    dns_strerror(len));
		return -1;
	}
	if (!dns_name_is_sub(rc->owner, origin)) {
		cfg_error(errs, jc_path(p, path, "name"), "\"%s\" is outside the zone", name);
		return -1;
	}
	if (dns_type_parse(type, &rc->type) < 0) {
		cfg_error(errs, jc_path(p, path, "type"),
		    "expected a record type such as A, AAAA, "
		    "NS, SOA, CNAME, MX, TXT, PTR, SRV (or TYPEnnn), found \"%s\"",
		    type);
		return -1;
	}
	buf = malloc(DNS_RDATA_MAX);
	if (buf == NULL) {
		cfg_error(errs, path, "out of memory");
		return -1;
	}
	len = dns_rdata_from_string(rc->type, data, origin, buf, DNS_RDATA_MAX, err, sizeof(err));
	if (len < 0) {
		cfg_error(errs, jc_path(p, path, "data"), "%s data \"%s\": %s", type, data, err);
		free(buf);
		return -1;
	}
	rc->rdata = realloc(buf, len ? (size_t)len : 1);
	if (rc->rdata == NULL)
		rc->rdata = buf;
	rc->len = (uint16_t)len;
	return 0;
}

static int
parse_zone(const cJSON *z, const char *path, struct dns_zone_cfg *zc, struct cfg_errors *errs)
{
	const char *origin = NULL, *file = NULL;
	const cJSON *records = NULL;
	char p[CFG_PATH_MAX], rp[CFG_PATH_MAX];
	uint64_t ttl = DNS_CFG_DEFAULT_TTL;
	int errs0 = errs->count, len, i = 0;

	snprintf(zc->path, sizeof(zc->path), "%s", path);
	if (!jc_check_object(z, path, zone_keys, errs) && !cJSON_IsObject(z))
		return -1;
	jc_string(z, "origin", path, true, &origin, errs);
	jc_string(z, "file", path, false, &file, errs);
	jc_typed(z, "records", path, false, cJSON_Array, &records, errs);
	jc_uint(z, "ttl", path, false, 0, 0x7fffffff, &ttl, errs);
	if (errs->count > errs0)
		return -1;
	len = dns_name_from_text(origin, strlen(origin), NULL, zc->origin);
	if (len < 0) {
		cfg_error(errs, jc_path(p, path, "origin"), "expected a domain name: %s",
		    dns_strerror(len));
		return -1;
	}
	if (file != NULL && (zc->file = strdup(file)) == NULL) {
		cfg_error(errs, path, "out of memory");
		return -1;
	}
	if (records == NULL)
		return 0;
	zc->records = calloc((size_t)cJSON_GetArraySize(records) + 1, sizeof(*zc->records));
	if (zc->records == NULL) {
		cfg_error(errs, path, "out of memory");
		return -1;
	}
	jc_path(p, path, "records");
	for (const cJSON *r = records->child; r; r = r->next, i++) {
		if (parse_record(r, jc_path_idx(rp, p, i), zc->origin, (uint32_t)ttl,
			&zc->records[zc->nrecords], errs) == 0)
			zc->nrecords++;
	}
	return errs->count > errs0 ? -1 : 0;
}

int
dns_config_parse(const cJSON *section, const char *path, struct dns_config *cfg,
    struct cfg_errors *errs)
{
	const char *identity = NULL;
	const cJSON *listen = NULL, *tcp = NULL, *zones = NULL;
	char p[CFG_PATH_MAX], ip[CFG_PATH_MAX];
	uint64_t v;
	int errs0 = errs->count, i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->port = DNS_PORT;
	cfg->edns_size = DNS_EDNS_DEFAULT;
	cfg->tcp_idle_ms = DNS_CFG_TCP_IDLE_MS;
	cfg->tcp_max_conns = DNS_CFG_TCP_MAX_CONNS;
	if (!jc_check_object(section, path, top_keys, errs) && !cJSON_IsObject(section))
		return -1;
	if (jc_string(section, "identity", path, false, &identity, errs) == 1) {
		if (identity[0] == '\0' || strlen(identity) > 255)
			cfg_error(errs, jc_path(p, path, "identity"),
			    "expected 1 to 255 characters");
		else
			cfg->identity = strdup(identity);
	}
	if (jc_uint(section, "port", path, false, 1, 65535, &v, errs) == 1)
		cfg->port = (uint16_t)v;
	if (jc_uint(section, "workers", path, false, 1, DNS_CFG_WORKERS_MAX, &v, errs) == 1)
		cfg->workers = (unsigned)v;
	if (jc_uint(section, "edns_size", path, false, DNS_UDP_MIN, DNS_CFG_EDNS_MAX, &v, errs) ==
	    1)
		cfg->edns_size = (uint16_t)v;
	if (jc_typed(section, "tcp", path, false, cJSON_Object, &tcp, errs) == 1) {
		jc_path(p, path, "tcp");
		if (jc_check_object(tcp, p, tcp_keys, errs) || cJSON_IsObject(tcp)) {
			if (jc_uint(tcp, "idle_timeout_ms", p, false, 100, 3600000, &v, errs) == 1)
				cfg->tcp_idle_ms = (unsigned)v;
			if (jc_uint(tcp, "max_connections", p, false, 1, 65536, &v, errs) == 1)
				cfg->tcp_max_conns = (unsigned)v;
		}
	}
	if (jc_typed(section, "listen", path, false, cJSON_Array, &listen, errs) == 1) {
		jc_path(p, path, "listen");
		cfg->listen = calloc((size_t)cJSON_GetArraySize(listen) + 1, sizeof(*cfg->listen));
		i = 0;
		for (const cJSON *a = listen->child; a && cfg->listen; a = a->next, i++) {
			struct ipaddr addr;

			if (!jc_item_ipaddr(a, jc_path_idx(ip, p, i), 0, &addr, errs))
				continue;
			for (size_t k = 0; k < cfg->nlisten; k++)
				if (ipaddr_eq(&cfg->listen[k], &addr))
					cfg_error(errs, ip, "address listed twice");
			cfg->listen[cfg->nlisten++] = addr;
		}
		if (cJSON_GetArraySize(listen) == 0)
			cfg_error(errs, p,
			    "expected at least one address (leave \"listen\" out "
			    "to serve every address)");
	}
	if (jc_typed(section, "zones", path, false, cJSON_Array, &zones, errs) == 1) {
		jc_path(p, path, "zones");
		cfg->zones = calloc((size_t)cJSON_GetArraySize(zones) + 1, sizeof(*cfg->zones));
		i = 0;
		for (const cJSON *z = zones->child; z && cfg->zones; z = z->next, i++) {
			struct dns_zone_cfg *zc = &cfg->zones[cfg->nzones];

			if (parse_zone(z, jc_path_idx(ip, p, i), zc, errs) < 0) {
				cfg->nzones++; /* freed with the rest */
				continue;
			}
			for (size_t k = 0; k < cfg->nzones; k++)
				if (dns_name_eq(cfg->zones[k].origin, zc->origin))
					cfg_error(errs, ip, "zone origin also at %s",
					    cfg->zones[k].path);
			cfg->nzones++;
		}
	}
	if (errs->count > errs0) {
		dns_config_free(cfg);
		return -1;
	}
	return 0;
}

void
dns_config_free(struct dns_config *cfg)
{
	for (size_t i = 0; i < cfg->nzones; i++) {
		for (size_t k = 0; k < cfg->zones[i].nrecords; k++)
			free(cfg->zones[i].records[k].rdata);
		free(cfg->zones[i].records);
		free(cfg->zones[i].file);
	}
	free(cfg->zones);
	free(cfg->listen);
	free(cfg->identity);
	memset(cfg, 0, sizeof(*cfg));
}

struct dns_zoneset *
dns_config_load_zones(const struct dns_config *cfg, const char *base_dir, const char *host,
    struct cfg_errors *errs, struct dns_zmsgs *notes)
{
	struct dns_zoneset *zs = dns_zoneset_new();
	int errs0 = errs->count;
	char p[CFG_PATH_MAX];

	if (zs == NULL) {
		cfg_error(errs, "", "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cfg->nzones; i++) {
		const struct dns_zone_cfg *zc = &cfg->zones[i];
		struct dns_zmsgs *m = calloc(1, sizeof(*m));
		struct dns_zone_builder *zb;
		struct dns_zone *z;
		char full[PATH_MAX];
		char err[256];

		if (m == NULL) {
			cfg_error(errs, zc->path, "out of memory");
			continue;
		}
		zb = dns_zb_new(zc->origin, zc->file ? zc->file : "config");
		if (zb == NULL) {
			cfg_error(errs, zc->path, "out of memory");
			free(m);
			continue;
		}
		if (zc->file != NULL) {
			if (zc->file[0] != '/' && base_dir != NULL)
				snprintf(full, sizeof(full), "%s/%s", base_dir, zc->file);
			else
				snprintf(full, sizeof(full), "%s", zc->file);
			dns_zonefile_load(zb, zc->origin, full, zc->file, m);
		}
		for (size_t k = 0; k < zc->nrecords; k++) {
			const struct dns_record_cfg *r = &zc->records[k];
			char rp[CFG_PATH_MAX];

			if (dns_zb_add(zb, r->owner, r->type, r->ttl, r->rdata, r->len, err,
				sizeof(err)) < 0) {
				jc_path(p, zc->path, "records");
				cfg_error(errs, jc_path_idx(rp, p, (int)k), "%s", err);
			}
		}
		jc_path(p, zc->path, zc->file ? "file" : "origin");
		for (int e = 0; e < m->nerr && e < DNS_ZMSG_MAX; e++)
			cfg_error(errs, p, "%s", m->err[e]);
		if (m->nerr > 0 || errs->count > errs0) {
			dns_zb_free(zb);
			free(m);
			continue;
		}
		z = dns_zb_finish(zb, host, m);
		for (int e = 0; e < m->nerr && e < DNS_ZMSG_MAX; e++)
			cfg_error(errs, zc->path, "%s", m->err[e]);
		if (notes != NULL)
			for (int e = 0; e < m->nnote && e < DNS_ZMSG_MAX; e++)
				dns_zmsg_note(notes, "%s", m->note[e]);
		free(m);
		if (z != NULL && dns_zoneset_add(zs, z) < 0) {
			cfg_error(errs, zc->path, "zone listed twice");
			dns_zone_free(z);
		}
	}
	if (errs->count > errs0) {
		dns_zoneset_put(zs);
		return NULL;
	}
	return zs;
}

int
dns_config_read_file(const char *file, struct dns_config *cfg, struct cfg_errors *errs)
{
	cJSON *root = jc_parse_file(file, errs);
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (root == NULL)
		return -1;
	rc = dns_config_parse(root, "", cfg, errs);
	cJSON_Delete(root);
	return rc;
}

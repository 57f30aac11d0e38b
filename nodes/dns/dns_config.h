/*
 * anydnsd's configuration: the node's "dns" section of a topology (JSON),
 * read with errors that name the JSON path ("nodes.dc001.dns.zones[0].
 * records[1].type: expected ..."). Record data is master-file presentation
 * text for its type, parsed by the same rdata parser as zone files.
 * docs/anydnsd.md lists every key.
 */
#ifndef ANYLAB_DNS_CONFIG_H
#define ANYLAB_DNS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns_zone.h"
#include "jcfg.h"

#define DNS_CFG_DEFAULT_TTL   3600 /* Windows DNS's default for new records */
#define DNS_CFG_TCP_IDLE_MS   10000
#define DNS_CFG_TCP_MAX_CONNS 1024
#define DNS_CFG_EDNS_MAX      4096
#define DNS_CFG_WORKERS_MAX   64

struct dns_record_cfg {
	uint8_t owner[DNS_NAME_MAXLEN];
	uint16_t type;
	uint32_t ttl;
	uint8_t *rdata;
	uint16_t len;
};

struct dns_zone_cfg {
	uint8_t origin[DNS_NAME_MAXLEN];
	char *file; /* master file, or NULL */
	struct dns_record_cfg *records;
	size_t nrecords;
	char path[CFG_PATH_MAX]; /* JSON path, for errors */
};

struct dns_config {
	char *identity;	       /* NULL: the node name (-n) */
	struct ipaddr *listen; /* none: wildcard IPv4 and IPv6 with PKTINFO */
	size_t nlisten;
	uint16_t port;
	unsigned workers; /* 0: one per online CPU */
	uint16_t edns_size;
	unsigned tcp_idle_ms;
	unsigned tcp_max_conns;
	struct dns_zone_cfg *zones;
	size_t nzones;
};

/*
 * Read section (the node's "dns" object) into cfg. path is its JSON path
 * ("nodes.dc001.dns", or "" for a stand-alone dns.json). 0 or -1 (errors in
 * errs, cfg left empty). Zone files are not read here: dns_config_load_zones.
 */
int dns_config_parse(const cJSON *section, const char *path, struct dns_config *cfg,
    struct cfg_errors *errs);
void dns_config_free(struct dns_config *cfg);

/*
 * Build the zone set: master files (relative names against base_dir, NULL:
 * the working directory) and inline records; host names the server in
 * default SOA/NS records. NULL on errors, which go to errs as
 * "PATH.file: FILE:LINE:COL: msg" or "PATH: msg". Notes (default SOA/NS made)
 * go to msgs when it is not NULL.
 */
struct dns_zoneset *dns_config_load_zones(const struct dns_config *cfg, const char *base_dir,
    const char *host, struct cfg_errors *errs, struct dns_zmsgs *notes);

/* Read and parse a stand-alone dns.json: section at the top level (path ""). */
int dns_config_read_file(const char *file, struct dns_config *cfg, struct cfg_errors *errs);

#endif

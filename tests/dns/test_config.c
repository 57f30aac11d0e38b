/*
 * anydnsd's JSON configuration: defaults, every key, and errors that name the
 * JSON path (and the column inside a record's data, or file:line:col inside a
 * master file).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns_config.h"

static struct cfg_errors errs;
static struct dns_config cfg;

static int
parse(const char *json)
{
	cJSON *root;
	int rc;

	cfg_errors_init(&errs, "lab.json");
	root = jc_parse_string(json, &errs);
	cr_assert_not_null(root, "test JSON does not parse");
	rc = dns_config_parse(root, "nodes.dc001.dns", &cfg, &errs);
	cJSON_Delete(root);
	return rc;
}

static const char *
err_text(int i)
{
	static char buf[1024];

	return cfg_error_text(&errs, i, buf, sizeof(buf));
}

Test(config, defaults)
{
	cr_assert_eq(parse("{}"), 0);
	cr_assert_eq(cfg.port, 53);
	cr_assert_eq(cfg.edns_size, 1232);
	cr_assert_eq(cfg.workers, 0);
	cr_assert_eq(cfg.nlisten, 0);
	cr_assert_null(cfg.identity);
	cr_assert_eq(cfg.tcp_idle_ms, DNS_CFG_TCP_IDLE_MS);
	cr_assert_eq(cfg.tcp_max_conns, DNS_CFG_TCP_MAX_CONNS);
	dns_config_free(&cfg);
}

Test(config, every_key)
{
	cr_assert_eq(
	    parse("{ \"identity\": \"DC001\", "
		  "\"listen\": [\"51.51.51.51\", \"10.10.10.1\", \"2001:db8::1\"], \"port\": 5353, "
		  "\"workers\": 2, \"edns_size\": 4096, "
		  "\"tcp\": {\"idle_timeout_ms\": 500, \"max_connections\": 3}, "
		  "\"zones\": [{\"origin\": \"zone.tst\", \"ttl\": 60, \"records\": ["
		  "{\"name\": \"server\", \"type\": \"TXT\", \"data\": \"DC001\"},"
		  "{\"name\": \"@\", \"type\": \"MX\", \"data\": \"10 mail\", \"ttl\": 7}]}]}"),
	    0, "%s", err_text(0));
	cr_assert_str_eq(cfg.identity, "DC001");
	cr_assert_eq(cfg.nlisten, 3);
	cr_assert_eq(cfg.listen[2].family, AF_INET6);
	cr_assert_eq(cfg.port, 5353);
	cr_assert_eq(cfg.workers, 2);
	cr_assert_eq(cfg.edns_size, 4096);
	cr_assert_eq(cfg.tcp_idle_ms, 500);
	cr_assert_eq(cfg.tcp_max_conns, 3);
	cr_assert_eq(cfg.nzones, 1);
	cr_assert_eq(cfg.zones[0].nrecords, 2);
	cr_assert_eq(cfg.zones[0].records[0].ttl, 60);
	cr_assert_eq(cfg.zones[0].records[1].ttl, 7);
	cr_assert_eq(cfg.zones[0].records[1].type, DNS_T_MX);
	dns_config_free(&cfg);
}

Test(config, errors_name_the_path)
{
	cr_assert_eq(parse("{ \"port\": 0, \"bogus\": 1, \"listen\": [\"1.2.3\"], "
			   "\"zones\": [{\"origin\": \"zone.tst\", \"records\": ["
			   "{\"name\": \"a\", \"type\": \"TXT\", \"data\": \"ok\"},"
			   "{\"name\": \"b\", \"type\": \"BOGUS\", \"data\": \"x\"},"
			   "{\"name\": \"c\", \"type\": \"A\", \"data\": \"10.0.0.1 extra\"},"
			   "{\"name\": \"d.other.\", \"type\": \"A\", \"data\": \"10.0.0.1\"}]},"
			   "{\"origin\": \"ZONE.tst.\"}]}"),
	    -1);
	cr_assert_eq(errs.count, 7, "%d errors; first: %s", errs.count, err_text(0));
	cr_assert_str_eq(err_text(0),
	    "lab.json: nodes.dc001.dns.bogus: unknown key \"bogus\"; "
	    "expected one of: identity, listen, port, workers, edns_size, tcp, zones");
	cr_assert(strstr(err_text(1), "nodes.dc001.dns.port: ") != NULL, "%s", err_text(1));
	cr_assert(strstr(err_text(2), "nodes.dc001.dns.listen[0]: ") != NULL, "%s", err_text(2));
	cr_assert(strstr(err_text(3),
		      "nodes.dc001.dns.zones[0].records[1].type: expected a "
		      "record type") != NULL,
	    "%s", err_text(3));
	cr_assert_str_eq(err_text(4),
	    "lab.json: nodes.dc001.dns.zones[0].records[2].data: "
	    "A data \"10.0.0.1 extra\": column 10: unexpected extra field; "
	    "expected IPV4-ADDRESS");
	cr_assert_str_eq(err_text(5),
	    "lab.json: nodes.dc001.dns.zones[0].records[3].name: "
	    "\"d.other.\" is outside the zone");
	cr_assert(strstr(err_text(6),
		      "nodes.dc001.dns.zones[1]: zone origin also at "
		      "nodes.dc001.dns.zones[0]") != NULL,
	    "%s", err_text(6));
	cr_assert_eq(cfg.nzones, 0, "nothing half made");
}

Test(config, zone_file_errors_name_file_line_col)
{
	char dir[] = "/tmp/anydns-cfg-XXXXXX", path[128];
	struct dns_zoneset *zs;
	FILE *fp;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ex.zone", dir);
	fp = fopen(path, "w");
	fputs("$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 10.0.0.1\nbad A 10.0.0\n", fp);
	fclose(fp);
	cr_assert_eq(parse("{\"zones\": [{\"origin\": \"ex.tst\", \"file\": \"ex.zone\"}]}"), 0);
	zs = dns_config_load_zones(&cfg, dir, "dc001", &errs, NULL);
	cr_assert_null(zs);
	cr_assert_eq(errs.count, 1);
	cr_assert_str_eq(err_text(0),
	    "lab.json: nodes.dc001.dns.zones[0].file: "
	    "ex.zone:5:7: A: expected an IPv4 address");
	/* fixed: loads, with the file's SOA */
	fp = fopen(path, "w");
	fputs("$TTL 60\n@ SOA ns hm 7 2 3 4 5\n@ NS ns\nns A 10.0.0.1\n", fp);
	fclose(fp);
	cfg_errors_init(&errs, "lab.json");
	zs = dns_config_load_zones(&cfg, dir, "dc001", &errs, NULL);
	cr_assert_not_null(zs, "%s", err_text(0));
	cr_assert_eq(zs->nzones, 1);
	cr_assert_eq(zs->zones[0]->serial, 7);
	cr_assert_not(zs->zones[0]->made_soa);
	dns_zoneset_put(zs);
	/* a missing file */
	unlink(path);
	cfg_errors_init(&errs, "lab.json");
	cr_assert_null(dns_config_load_zones(&cfg, dir, "dc001", &errs, NULL));
	cr_assert(strstr(err_text(0), "ex.zone: cannot open: No such file") != NULL, "%s",
	    err_text(0));
	rmdir(dir);
	dns_config_free(&cfg);
}

/*
 * Unit tests of anybgpd's configuration parser (nodes/bgp/bgp_config.c): the
 * Lab A shapes parse with their defaults, and each kind of mistake is
 * reported with its JSON path and what was expected, leaving nothing behind.
 */
#include <string.h>
#include <criterion/criterion.h>

#include "bgp_config.h"

static struct bgp_config C;
static struct cfg_errors E;

static int
parse(const char *json)
{
	cJSON *j;
	int r;

	cfg_errors_init(&E, "lab.json");
	j = jc_parse_string(json, &E);
	cr_assert_not_null(j, "JSON syntax");
	r = bgp_config_parse(j, "nodes.gateway.bgp", &C, &E);
	cJSON_Delete(j);
	return r;
}

/* The first error must name path and contain text. */
static void
expect_error(const char *json, const char *path, const char *text)
{
	char buf[600];

	cr_assert_eq(parse(json), -1, "accepted: %s", json);
	cr_assert_gt(E.count, 0);
	cfg_error_text(&E, 0, buf, sizeof(buf));
	cr_assert_not_null(strstr(buf, path), "error \"%s\" does not name %s", buf, path);
	cr_assert_not_null(strstr(buf, text), "error \"%s\" does not say %s", buf, text);
	cr_assert_eq(C.npeers, 0, "a rejected config leaves nothing");
	cr_assert_null(C.peers);
}

Test(config, lab_a_gateway)
{
	cr_assert_eq(
	    parse(
		"{ \"asn\": 8075, \"router_id\": \"10.10.10.254\", \"hold_time\": 9, \"keepalive\": 3,"
		"  \"multipath\": { \"max_paths\": 2 },"
		"  \"peers\": [ { \"address\": \"10.10.10.1\", \"asn\": 65511, \"import\": \"all\","
		"                 \"export\": \"all\" },"
		"               { \"address\": \"10.10.10.2\", \"asn\": 65511, \"import\": \"all\","
		"                 \"export\": \"all\", \"description\": \"DC002\" } ] }"),
	    0);
	cr_assert_eq(C.asn, 8075);
	cr_assert_eq(C.max_paths, 2);
	cr_assert_eq(C.port, 179);
	cr_assert_eq(C.kernel_protocol, 186);
	cr_assert_eq(C.kernel_table, 254);
	cr_assert(C.kernel_install);
	cr_assert(C.listen);
	cr_assert_eq(C.npeers, 2);
	cr_assert_eq(C.peers[0].hold_time, 9);
	cr_assert_eq(C.peers[0].keepalive, 3);
	cr_assert_eq(C.peers[0].connect_retry, 5);
	cr_assert_eq(C.peers[0].port, 179);
	cr_assert_eq(C.peers[0].import_ref, BGP_POLICY_ALL);
	cr_assert_eq(C.peers[1].export_ref, BGP_POLICY_ALL);
	cr_assert_str_eq(C.peers[1].description, "DC002");
	cr_assert(C.peers[0].ipv4 && C.peers[0].ipv6);
	bgp_config_free(&C);
}

Test(config, lab_a_dc_with_per_peer_timers)
{
	cr_assert_eq(
	    parse(
		"{ \"asn\": 65511, \"router_id\": \"10.10.10.1\", \"originate\": [\"51.51.51.0/24\"],"
		"  \"kernel\": { \"install\": false, \"protocol\": 200, \"table\": 100 },"
		"  \"peers\": [ { \"address\": \"10.10.10.254\", \"asn\": 8075, \"hold_time\": 30,"
		"    \"passive\": true, \"families\": [\"ipv4\"], \"import\": \"none\","
		"    \"export\": \"all\", \"port\": 1179, \"local_address\": \"10.10.10.1\" } ] }"),
	    0);
	cr_assert_eq(C.noriginate, 1);
	cr_assert_eq(C.originate[0].len, 24);
	cr_assert_not(C.kernel_install);
	cr_assert_eq(C.kernel_protocol, 200);
	cr_assert_eq(C.kernel_table, 100);
	cr_assert_eq(C.peers[0].hold_time, 30);
	cr_assert_eq(C.peers[0].keepalive, 10, "keepalive defaults to a third of the hold time");
	cr_assert(C.peers[0].passive);
	cr_assert(C.peers[0].ipv4 && !C.peers[0].ipv6);
	cr_assert_eq(C.peers[0].port, 1179);
	cr_assert_eq(C.peers[0].import_ref, BGP_POLICY_NONE);
	cr_assert_eq(C.peers[0].local_addr.family, AF_INET);
	cr_assert_eq(C.hold_time, 90);
	bgp_config_free(&C);
}

Test(config, errors_name_the_place)
{
	expect_error("{ \"router_id\": \"10.0.0.1\" }", "nodes.gateway.bgp.asn", "required");
	expect_error("{ \"asn\": 0, \"router_id\": \"10.0.0.1\" }", "nodes.gateway.bgp.asn",
	    "expected an integer");
	expect_error("{ \"asn\": 1, \"router_id\": \"fd00::1\" }", "nodes.gateway.bgp.router_id",
	    "");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"colour\": 1 }",
	    "nodes.gateway.bgp.colour", "unknown key");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"hold_time\": 2 }",
	    "nodes.gateway.bgp.hold_time", "at least 3");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"peers\": [ { \"address\": "
		     "\"10.0.0.2\", \"asn\": 2, \"hold_time\": 9, \"keepalive\": 9 } ] }",
	    "nodes.gateway.bgp.peers[0].keepalive", "less than hold_time");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"peers\": [ { \"address\": "
		     "\"10.0.0.2\", \"asn\": 2 }, { \"address\": \"10.0.0.2\", \"asn\": 3 } ] }",
	    "nodes.gateway.bgp.peers[1].address", "once");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"peers\": [ { \"address\": "
		     "\"10.0.0.2\", \"asn\": 2, \"import\": \"NOPE\" } ] }",
	    "nodes.gateway.bgp.peers[0].import", "name of a policy");
	expect_error(
	    "{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"originate\": [\"51.51.51.1/24\"] }",
	    "nodes.gateway.bgp.originate[0]", "");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"policies\": { \"P\": { "
		     "\"communities\": [\"70000:1\"] } } }",
	    "nodes.gateway.bgp.policies.P.communities[0]", "ASN:VALUE");
	expect_error(
	    "{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"policies\": { \"P\": { "
	    "\"prefixes\": [ { \"prefix\": \"10.0.0.0/8\", \"ge\": 24, \"le\": 16 } ] } } }",
	    "nodes.gateway.bgp.policies.P.prefixes[0]", "");
	expect_error(
	    "{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"multipath\": { \"max_paths\": 0 } }",
	    "nodes.gateway.bgp.multipath.max_paths", "expected an integer");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"peers\": [ { \"address\": "
		     "\"10.0.0.2\", \"asn\": 2, \"families\": [\"ipx\"] } ] }",
	    "nodes.gateway.bgp.peers[0].families[0]", "ipv4");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"peers\": [ { \"address\": "
		     "\"10.0.0.2\", \"asn\": 2, \"local_address\": \"fd00::1\" } ] }",
	    "nodes.gateway.bgp.peers[0].local_address", "same family");
}

Test(config, load_file_and_report_file_name)
{
	char buf[600];

	cfg_errors_init(&E, "/nonexistent/bgp.json");
	cr_assert_eq(bgp_config_load("/nonexistent/bgp.json", &C, &E), -1);
	cr_assert_gt(E.count, 0);
	cfg_error_text(&E, 0, buf, sizeof(buf));
	cr_assert_not_null(strstr(buf, "bgp.json"), "%s", buf);
}

Test(config, bfd_defaults_and_per_peer_overrides)
{
	cr_assert_eq(parse(
			 "{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"bfd\": { \"interval_ms\": "
			 "10, \"multiplier\": 3 }, \"peers\": [ { \"address\": \"10.0.0.2\", "
			 "\"asn\": 2 }, { \"address\": \"10.0.0.3\", \"asn\": 2, \"bfd\": false }, "
			 "{ \"address\": \"10.0.0.4\", \"asn\": 2, \"bfd\": { \"min_rx_ms\": 50, "
			 "\"strict\": true } } ] }"),
	    0);
	cr_assert(C.peers[0].bfd.enabled);
	cr_assert_eq(C.peers[0].bfd.min_tx_ms, 10);
	cr_assert_eq(C.peers[0].bfd.min_rx_ms, 10);
	cr_assert_eq(C.peers[0].bfd.multiplier, 3);
	cr_assert_not(C.peers[0].bfd.strict);
	cr_assert_not(C.peers[1].bfd.enabled, "\"bfd\": false turns it off for that peer");
	cr_assert(C.peers[2].bfd.enabled);
	cr_assert_eq(C.peers[2].bfd.min_tx_ms, 10, "inherited");
	cr_assert_eq(C.peers[2].bfd.min_rx_ms, 50, "overridden");
	cr_assert(C.peers[2].bfd.strict);
	bgp_config_free(&C);

	/* Without a top-level "bfd": off, and a peer's true uses the defaults. */
	cr_assert_eq(parse("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"peers\": [ { \"address\": "
			   "\"10.0.0.2\", \"asn\": 2 }, { \"address\": \"10.0.0.3\", \"asn\": 2, "
			   "\"bfd\": true } ] }"),
	    0);
	cr_assert_not(C.peers[0].bfd.enabled);
	cr_assert(C.peers[1].bfd.enabled);
	cr_assert_eq(C.peers[1].bfd.min_tx_ms, BGP_DEF_BFD_INTERVAL_MS);
	cr_assert_eq(C.peers[1].bfd.multiplier, BGP_DEF_BFD_MULTIPLIER);
	cr_assert(C.honour_graceful_shutdown, "RFC 8326 honoured by default");
	bgp_config_free(&C);

	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"bfd\": { \"multiplier\": 0 } }",
	    "nodes.gateway.bgp.bfd.multiplier", "expected an integer");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"bfd\": true }",
	    "nodes.gateway.bgp.bfd", "object of BFD timers");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"peers\": [ { \"address\": "
		     "\"10.0.0.2\", \"asn\": 2, \"bfd\": { \"echo\": true } } ] }",
	    "nodes.gateway.bgp.peers[0].bfd.echo", "unknown key");
}

Test(config, shutdown_message_and_delay)
{
	char big[400];

	cr_assert_eq(parse(
			 "{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"shutdown\": { \"delay_ms\": "
			 "250, \"message\": \"maintenance, back at 10:00\" } }"),
	    0);
	cr_assert_eq(C.shutdown_delay_ms, 250);
	cr_assert_str_eq(C.shutdown_message, "maintenance, back at 10:00");
	bgp_config_free(&C);
	char msg[300];

	memset(msg, 'x', 256);
	msg[256] = '\0';
	snprintf(big, sizeof(big),
	    "{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"shutdown\": { \"message\": \"%s\" } }",
	    msg);
	expect_error(big, "nodes.gateway.bgp.shutdown.message", "at most 255 octets");
}

/* "fib": the mode as a string (what the generator writes) or an object. */
Test(config, fib_modes_and_resilient_parameters)
{
	cr_assert_eq(parse("{ \"asn\": 1, \"router_id\": \"10.0.0.1\" }"), 0);
	cr_assert_eq(C.fib.mode, BGP_FIB_HASH, "plain multipath routes by default");
	cr_assert_eq(C.fib.buckets, 128);
	cr_assert_eq(C.fib.idle_timer_s, 120);
	cr_assert_eq(C.fib.unbalanced_timer_s, 0);
	bgp_config_free(&C);

	cr_assert_eq(parse("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": \"resilient\" }"),
	    0);
	cr_assert_eq(C.fib.mode, BGP_FIB_RESILIENT);
	cr_assert_str_eq(bgp_fib_mode_name(C.fib.mode), "resilient");
	cr_assert_eq(C.fib.buckets, 128);
	bgp_config_free(&C);

	cr_assert_eq(parse("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": { \"multipath\": "
			   "\"resilient\", \"buckets\": 64, \"idle_timer\": 5, "
			   "\"unbalanced_timer\": 30 } }"),
	    0);
	cr_assert_eq(C.fib.mode, BGP_FIB_RESILIENT);
	cr_assert_eq(C.fib.buckets, 64);
	cr_assert_eq(C.fib.idle_timer_s, 5);
	cr_assert_eq(C.fib.unbalanced_timer_s, 30);
	bgp_config_free(&C);

	cr_assert_eq(parse("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": \"hash\" }"), 0);
	cr_assert_eq(C.fib.mode, BGP_FIB_HASH);
	bgp_config_free(&C);

	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": \"ecmp\" }",
	    "nodes.gateway.bgp.fib", "expected \"hash\" or \"resilient\", found \"ecmp\"");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": 3 }",
	    "nodes.gateway.bgp.fib", "or an object");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": { \"multipath\": "
		     "\"weighted\" } }",
	    "nodes.gateway.bgp.fib.multipath", "expected \"hash\" or \"resilient\"");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": { \"buckets\": 0 } }",
	    "nodes.gateway.bgp.fib.buckets", "");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": { \"bucket\": 8 } }",
	    "nodes.gateway.bgp.fib", "bucket");
	expect_error("{ \"asn\": 1, \"router_id\": \"10.0.0.1\", \"fib\": { \"idle_timer\": 60, "
		     "\"unbalanced_timer\": 30 } }",
	    "nodes.gateway.bgp.fib.unbalanced_timer", "at least idle_timer (60)");
}

/*
 * The tables of `anylab bgp NODE bfd|health|status|peers` (emu/cmd/cmd_bgp.c,
 * cmd_bgp_print) for answers in the shapes docs/anybgpd.md gives: every
 * field where the header says, the history and diagnostics below, and the
 * additions to status (converged, drained) and peers (restart back-off).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cJSON.h>

#include "cmds.h"

/* What cmd_bgp_print(verb, json) writes to standard output (malloc'd). */
static char *
printed(const char *verb, const char *json)
{
	cJSON *j = cJSON_Parse(json);
	FILE *tmp = tmpfile();
	char *text = NULL;
	size_t cap = 0;
	int saved, rc;

	cr_assert_not_null(j, "%s", json);
	cr_assert_not_null(tmp);
	fflush(stdout);
	saved = dup(1);
	cr_assert_geq(saved, 0);
	dup2(fileno(tmp), 1);
	rc = cmd_bgp_print(verb, j);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	cr_assert_eq(rc, 0, "no table for %s", verb);
	rewind(tmp);
	if (getdelim(&text, &cap, '\0', tmp) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(tmp);
	cJSON_Delete(j);
	return text;
}

Test(bgp_print, bfd)
{
	char *out = printed("bfd",
	    "{\"sessions\":[{\"peer\":\"10.10.10.1\",\"state\":\"Up\",\"remote_state\":\"Up\","
	    "\"local_diag\":\"No Diagnostic\",\"remote_diag\":\"No Diagnostic\",\"tx_ms\":10,"
	    "\"rx_ms\":10,\"multiplier\":3,\"detect_ms\":30,\"up_count\":2,\"down_count\":1,"
	    "\"last_down\":\"Control Detection Time Expired\",\"last_down_ago_ms\":1234,"
	    "\"pkts_in\":500,\"pkts_out\":510,\"dropped\":0},"
	    "{\"peer\":\"10.10.10.2\",\"state\":\"Down\",\"remote_state\":\"Down\","
	    "\"local_diag\":\"Control Detection Time Expired\",\"remote_diag\":\"No Diagnostic\","
	    "\"tx_ms\":1000,\"rx_ms\":1000,\"multiplier\":3,\"detect_ms\":3000,\"up_count\":0,"
	    "\"down_count\":0,\"pkts_in\":0,\"pkts_out\":7,\"dropped\":2}]}");

	cr_assert_str_eq(out,
	    "PEER                       STATE     REMOTE    TX/RX MS    MULT  DETECT UP/DOWN   "
	    "PKTS IN/OUT      DROPPED  LAST DOWN\n"
	    "10.10.10.1                 Up        Up        10/10          3    30ms 2/1       "
	    "500/510                0  Control Detection Time Expired (1234 ms ago)\n"
	    "10.10.10.2                 Down      Down      1000/1000      3  3000ms 0/0       "
	    "0/7                    2  -\n"
	    "10.10.10.2: diagnostic here: Control Detection Time Expired; from the peer: No "
	    "Diagnostic\n");
	free(out);
	out = printed("bfd", "{\"sessions\":[]}");
	cr_assert_not_null(strstr(out, "PEER"));
	cr_assert_null(strchr(strchr(out, '\n') + 1, '\n'), "only the header: %s", out);
	free(out);
}

Test(bgp_print, health)
{
	char *out = printed("health",
	    "{\"checks\":[{\"name\":\"dns\",\"type\":\"dns\",\"state\":\"up\","
	    "\"prefixes\":[\"51.51.51.0/24\"],\"interval_ms\":100,\"rise\":3,\"fall\":3,"
	    "\"passes\":42,\"failures\":3,\"last\":\"NOERROR in 0.4 ms\","
	    "\"history\":[{\"ago_ms\":25000,\"state\":\"down\",\"why\":\"timeout\"},"
	    "{\"ago_ms\":900,\"state\":\"up\",\"why\":\"\"}]}]}");

	cr_assert_str_eq(out,
	    "CHECK            TYPE   STATE   INTERVAL RISE/FALL   PASSES FAILURES  LAST           "
	    "          PREFIXES\n"
	    "dns              dns    up         100ms 3/3             42        3  NOERROR in 0.4 "
	    "ms        51.51.51.0/24\n"
	    "dns: 25 s ago down: timeout\n"
	    "dns: 900 ms ago up\n");
	free(out);
	out = printed("health",
	    "{\"checks\":[{\"name\":\"dns\",\"type\":\"dns\",\"state\":\"unknown\","
	    "\"prefixes\":[],\"interval_ms\":100,\"rise\":3,\"fall\":3,\"passes\":0,"
	    "\"failures\":0,\"last\":\"\",\"history\":[]}]}");
	cr_assert_not_null(strstr(out, "  (every originated)\n"), "%s", out);
	free(out);
}

Test(bgp_print, status_converged_and_drained)
{
	char *out = printed("status",
	    "{\"kind\":\"anybgpd\",\"node\":\"dc001\",\"asn\":65511,\"router_id\":\"10.10.10.1\","
	    "\"uptime\":61,\"peers\":1,\"established\":1,\"kernel_routes\":0,\"converged\":true,"
	    "\"drained\":[\"51.51.51.0/24\"]}");

	cr_assert_str_eq(out,
	    "anybgpd on dc001: AS 65511, router id 10.10.10.1, up 00:01:01, 1 of 1 sessions "
	    "established, 0 kernel routes, converged\n"
	    "drained: 51.51.51.0/24\n");
	free(out);
	/* Not converged, and why. */
	out = printed("status",
	    "{\"kind\":\"bird\",\"node\":\"gw\",\"asn\":8075,\"router_id\":\"10.0.0.254\","
	    "\"uptime\":5,\"peers\":2,\"established\":1,\"kernel_routes\":1,\"converged\":false,"
	    "\"not_converged_because\":\"peer 10.0.0.2 not established\"}");
	cr_assert_str_eq(out,
	    "bird on gw: AS 8075, router id 10.0.0.254, up 00:00:05, 1 of 2 sessions established, "
	    "1 kernel routes, not converged\n"
	    "not converged: peer 10.0.0.2 not established\n");
	free(out);
}

Test(bgp_print, peers_restart_backoff)
{
	char *out = printed("peers",
	    "{\"peers\":[{\"address\":\"10.10.10.1\",\"asn\":65511,\"state\":\"Idle\","
	    "\"backoff_s\":4,\"backoff_reason\":\"BFD down\"},"
	    "{\"address\":\"10.10.10.2\",\"asn\":65511,\"state\":\"Established\",\"uptime\":3,"
	    "\"backoff_s\":0}]}");

	cr_assert_not_null(strstr(out, "10.10.10.1: next automatic restart in 4 s (BFD down)\n"),
	    "%s", out);
	cr_assert_null(strstr(out, "10.10.10.2: next"), "%s", out);
	free(out);
}

Test(bgp_print, verbs_without_a_table)
{
	cJSON *j = cJSON_CreateObject();

	cr_assert_eq(cmd_bgp_print("announce", j), -1);
	cr_assert_eq(cmd_bgp_print("nosuch", j), -1);
	cJSON_Delete(j);
}

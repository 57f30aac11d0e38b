/*
 * Kind "anybgpd" without a daemon (emu/kinds/kind_anybgpd.h): the drain
 * requests as the control socket takes them, their replies in the shape
 * docs/anybgpd.md gives turned into one line (or a refusal, or a protocol
 * error), and "status" read as convergence progress, with and without the
 * speaker's own "converged".
 */
#include <criterion/criterion.h>
#include <string.h>

#include "kind_anybgpd.h"

static struct prefix
pfx(const char *s)
{
	struct prefix p;

	cr_assert_eq(prefix_parse(s, &p, false), 0, "%s", s);
	return p;
}

Test(kind_anybgpd, drain_requests)
{
	struct prefix p = pfx("51.51.51.0/24"), q = pfx("2001:db8:51::/48");
	char buf[128];

	cr_assert_eq(anybgpd_drain_request(NULL, true, false, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "drain community");
	cr_assert_eq(anybgpd_drain_request(&p, true, false, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "drain community 51.51.51.0/24");
	cr_assert_eq(anybgpd_drain_request(&q, true, true, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "drain withdraw 2001:db8:51::/48");
	cr_assert_eq(anybgpd_drain_request(NULL, true, true, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "drain withdraw");
	cr_assert_eq(anybgpd_drain_request(NULL, false, false, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "undrain");
	/* withdraw means nothing to undrain, which undoes either */
	cr_assert_eq(anybgpd_drain_request(&p, false, true, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "undrain 51.51.51.0/24");
	cr_assert_eq(anybgpd_drain_request(&p, true, false, buf, 20), EMU_ETRUNC);
}

/* The reply to drain (or undrain) as text; its code in *err. */
static void
reply(const char *json, bool drain, int want, const char *msg)
{
	cJSON *j = cJSON_Parse(json);
	char out[KIND_MSG_MAX];

	cr_assert_not_null(j, "%s", json);
	cr_expect_eq(anybgpd_drain_reply(j, drain, out, sizeof(out)), want, "%s", json);
	cr_expect_str_eq(out, msg, "%s", json);
	cJSON_Delete(j);
}

Test(kind_anybgpd, drain_replies)
{
	reply("{\"ok\":true,\"drained\":[\"51.51.51.0/24\"],\"mode\":\"community\"}", true, 0,
	    "drained 51.51.51.0/24 (announced with GRACEFUL_SHUTDOWN, community 65535:0)");
	reply("{\"ok\":true,\"drained\":[\"51.51.51.0/24\",\"2001:db8:51::/48\"],"
	      "\"mode\":\"withdraw\"}",
	    true, 0, "drained 51.51.51.0/24 2001:db8:51::/48 (withdrawn)");
	reply("{\"ok\":true,\"undrained\":[\"51.51.51.0/24\"]}", false, 0,
	    "undrained 51.51.51.0/24");
	reply("{\"ok\":true,\"drained\":[],\"mode\":\"community\"}", true, 0,
	    "drained nothing (no such prefix originated, or none left to change)");
	reply("{\"error\":\"52.0.0.0/8 is not originated\"}", true, EMU_EREFUSED,
	    "52.0.0.0/8 is not originated");
	reply("{\"error\":\"unknown command \\\"undrain\\\"\"}", false, EMU_EREFUSED,
	    "unknown command \"undrain\"");
}

Test(kind_anybgpd, drain_replies_not_in_the_documented_shape)
{
	static const char *const dmsg = "unexpected answer to drain: expected \"ok\" and "
					"\"drained\" with \"mode\" community or withdraw";

	reply("{\"ok\":true,\"drained\":[\"51.51.51.0/24\"]}", true, EMU_EPROTO, dmsg);
	reply("{\"ok\":true,\"drained\":[\"51.51.51.0/24\"],\"mode\":\"hush\"}", true, EMU_EPROTO,
	    dmsg);
	reply("{\"ok\":true,\"drained\":\"51.51.51.0/24\",\"mode\":\"withdraw\"}", true, EMU_EPROTO,
	    dmsg);
	reply("{\"drained\":[],\"mode\":\"withdraw\"}", true, EMU_EPROTO, dmsg);
	/* An undrain answered as a drain: the list it names is missing. */
	reply("{\"ok\":true,\"drained\":[],\"mode\":\"withdraw\"}", false, EMU_EPROTO,
	    "unexpected answer to undrain: expected \"ok\" and \"undrained\"");
}

Test(kind_anybgpd, status_as_progress)
{
	struct kind_bgp_progress pr;
	cJSON *j;

	j = cJSON_Parse("{\"daemon\":\"anybgpd\",\"peers\":2,\"established\":2,"
			"\"kernel_routes\":1,\"pending\":false,\"converged\":true,"
			"\"drained\":[]}");
	anybgpd_progress_parse(j, &pr);
	cr_assert_eq(pr.peers, 2);
	cr_assert_eq(pr.established, 2);
	cr_assert_eq(pr.kernel_routes, 1);
	cr_assert(!pr.pending);
	cr_assert(pr.converged_known && pr.converged);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"peers\":2,\"established\":1,\"kernel_routes\":0,\"pending\":true,"
			"\"converged\":false}");
	anybgpd_progress_parse(j, &pr);
	cr_assert_eq(pr.established, 1);
	cr_assert(pr.pending);
	cr_assert(pr.converged_known && !pr.converged);
	cJSON_Delete(j);

	/* A speaker that does not say: `up` keeps its steady-count rule. */
	j = cJSON_Parse("{\"peers\":1,\"established\":1,\"kernel_routes\":3,\"pending\":false}");
	anybgpd_progress_parse(j, &pr);
	cr_assert_eq(pr.kernel_routes, 3);
	cr_assert(!pr.converged_known && !pr.converged);
	cJSON_Delete(j);

	/* Garbage counts read as none. */
	j = cJSON_Parse("{\"peers\":\"two\",\"established\":-1,\"converged\":\"yes\"}");
	anybgpd_progress_parse(j, &pr);
	cr_assert_eq(pr.peers, 0);
	cr_assert_eq(pr.established, 0);
	cr_assert(!pr.converged_known);
	cJSON_Delete(j);
}

/*
 * The vxlan link kind on real namespaces (root; skips without): two sites
 * a and b whose wan0 reach each other only through an "internet" router
 * (forwarding, two veth links), and two tunnels between them over that
 * underlay (vpn: default VNI 102; vpn2: VNI 7000, the same port). A cut of
 * a tunnel (`anylab link --cut`) stops its traffic while both of its
 * interfaces keep their carrier and the underlay and the other tunnel
 * still pass; restore brings it back; the same over an IPv6 underlay
 * (tests/topo/good/tunnel_v6.json). Impairing the underlay (the
 * scenario's black hole and loss through fault_apply) stops both tunnels.
 * An up that fails, with a bad tunnel or after the tunnels were made,
 * leaves nothing behind. Every lab is taken down on every path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "emu/helper_lab.h"
#include "fault.h"
#include "scenario.h"
#include "topo.h"

static char lab[32], topo_file[256];

/* %s: the lab's name; %s: b's extra keys ("" or a "services" member). */
#define TUNNEL_LAB \
	"{\"name\": \"%s\", \"nodes\": {" \
	" \"a\": {\"interfaces\": {\"wan0\": {\"addresses\": [\"10.61.1.2/24\"]}," \
	"   \"tun0\": {\"addresses\": [\"172.31.0.1/30\"]}," \
	"   \"tun1\": {\"addresses\": [\"172.31.1.1/30\"]}}," \
	"  \"routes\": [{\"to\": \"10.61.2.0/24\", \"via\": \"10.61.1.1\"}]}," \
	" \"inet\": {\"forwarding\": true, \"interfaces\": {" \
	"   \"ea\": {\"addresses\": [\"10.61.1.1/24\"]}," \
	"   \"eb\": {\"addresses\": [\"10.61.2.1/24\"]}}}," \
	" \"b\": {\"interfaces\": {\"wan0\": {\"addresses\": [\"10.61.2.2/24\"]}," \
	"   \"tun0\": {\"addresses\": [\"172.31.0.2/30\"]}," \
	"   \"tun1\": {\"addresses\": [\"172.31.1.2/30\"]}}%s," \
	"  \"routes\": [{\"to\": \"10.61.1.0/24\", \"via\": \"10.61.2.1\"}]}}," \
	" \"links\": [" \
	"  {\"name\": \"ua\", \"endpoints\": [\"a:wan0\", \"inet:ea\"]}," \
	"  {\"name\": \"ub\", \"endpoints\": [\"b:wan0\", \"inet:eb\"]}," \
	"  {\"name\": \"vpn\", \"kind\": \"vxlan\", \"endpoints\": [\"a:tun0\", \"b:tun0\"]," \
	"   \"underlay\": [\"a:wan0\", \"b:wan0\"]}," \
	"  {\"name\": \"vpn2\", \"kind\": \"vxlan\", \"endpoints\": [\"a:tun1\", \"b:tun1\"]," \
	"   \"underlay\": [\"a:wan0\", \"b:wan0\"], \"vni\": 7000}]}\n"

static void
tunnel_init(void)
{
	hl_require_root();
	hl_lab_name('v', lab, sizeof(lab));
	topo_file[0] = '\0';
}

static void
tunnel_fini(void)
{
	hl_anylab(NULL, "down", lab, NULL);
	if (topo_file[0] != '\0')
		unlink(topo_file);
}

TestSuite(tunnel, .init = tunnel_init, .fini = tunnel_fini, .timeout = 120);

static void
write_lab(const char *b_extra)
{
	char text[4096];

	snprintf(text, sizeof(text), TUNNEL_LAB, lab, b_extra);
	hl_write_temp(text, topo_file, sizeof(topo_file));
}

static void
lab_up(void)
{
	int rc;

	write_lab("");
	rc = hl_anylab(NULL, "up", topo_file, "--json", NULL);
	cr_assert_eq(rc, 0, "up: exit %d", rc);
}

static const char *
ifield(const cJSON *doc, const char *node, const char *iface, const char *key)
{
	const char *s = cJSON_GetStringValue(
	    cJSON_GetObjectItem(hl_status_iface(doc, node, iface), key));

	return s != NULL ? s : "(none)";
}

static const cJSON *
tfield(const cJSON *doc, const char *node, const char *iface, const char *key)
{
	const cJSON *t = cJSON_GetObjectItem(hl_status_iface(doc, node, iface), "tunnel");

	cr_assert_not_null(t, "%s:%s has no \"tunnel\" in status", node, iface);
	return cJSON_GetObjectItem(t, key);
}

/* Both tunnel interfaces up with carrier (IFF_LOWER_UP), state as given. */
static void
expect_tunnel(const char *iface, const char *state)
{
	cJSON *doc = hl_status(lab);

	for (int m = 0; m < 2; m++) {
		const char *node = m == 0 ? "a" : "b";

		cr_expect_str_eq(ifield(doc, node, iface, "type"), "vxlan");
		cr_expect_str_eq(ifield(doc, node, iface, "admin"), "up", "%s:%s admin", node,
		    iface);
		cr_expect_str_eq(ifield(doc, node, iface, "carrier"), "up", "%s:%s carrier", node,
		    iface);
		cr_expect_str_eq(cJSON_GetStringValue(tfield(doc, node, iface, "state")), state,
		    "%s:%s tunnel state", node, iface);
	}
	cJSON_Delete(doc);
}

Test(tunnel, status_cut_restore)
{
	cJSON *doc;
	int rc;

	lab_up();
	doc = hl_status(lab);
	cr_expect_eq(cJSON_GetNumberValue(tfield(doc, "a", "tun0", "vni")), 102);
	cr_expect_eq(cJSON_GetNumberValue(tfield(doc, "b", "tun1", "vni")), 7000);
	cr_expect_eq(cJSON_GetNumberValue(tfield(doc, "a", "tun0", "port")), 4789);
	cr_expect_str_eq(cJSON_GetStringValue(tfield(doc, "a", "tun0", "local")), "10.61.1.2");
	cr_expect_str_eq(cJSON_GetStringValue(tfield(doc, "a", "tun0", "remote")), "10.61.2.2");
	cr_expect_str_eq(cJSON_GetStringValue(tfield(doc, "b", "tun0", "underlay")), "wan0");
	cr_expect_str_eq(ifield(doc, "a", "tun0", "peer"), "b:tun0");
	cr_expect_eq(cJSON_GetNumberValue(
			 cJSON_GetObjectItem(hl_status_iface(doc, "a", "tun0"), "mtu")),
	    1450);
	cJSON_Delete(doc);
	expect_tunnel("tun0", "up");
	cr_expect(hl_udp(lab, "a", "b", "172.31.0.2", NULL, 0), "a reaches b through vpn");
	cr_expect(hl_udp(lab, "b", "a", "172.31.0.1", NULL, 0), "b reaches a through vpn");
	cr_expect(hl_udp(lab, "a", "b", "172.31.1.2", NULL, 0), "a reaches b through vpn2");

	/* A silent failure: nothing goes down, the tunnel's packets die in the underlay. */
	rc = hl_anylab(NULL, "link", "-l", lab, "a:tun0", "down", "--cut", NULL);
	cr_assert_eq(rc, 0, "link --cut: exit %d", rc);
	cr_expect(hl_udp_blocked(lab, "a", "b", "172.31.0.2"), "vpn still carries a to b");
	cr_expect(hl_udp_blocked(lab, "b", "a", "172.31.0.1"), "vpn still carries b to a");
	expect_tunnel("tun0", "black-holed");
	cr_expect(hl_udp(lab, "a", "b", "10.61.2.2", NULL, 0), "the underlay passes");
	cr_expect(hl_udp(lab, "a", "b", "172.31.1.2", NULL, 0), "vpn2 (other VNI) passes");
	expect_tunnel("tun1", "up");

	/* Restored from the other end: the same tunnel. */
	rc = hl_anylab(NULL, "link", "-l", lab, "b:tun0", "up", "--cut", NULL);
	cr_assert_eq(rc, 0, "link up --cut: exit %d", rc);
	cr_expect(hl_udp(lab, "a", "b", "172.31.0.2", NULL, 0), "vpn carries a to b again");
	cr_expect(hl_udp(lab, "b", "a", "172.31.0.1", NULL, 0), "and b to a");
	expect_tunnel("tun0", "up");
	cr_expect_eq(hl_anylab(NULL, "down", lab, NULL), 0);
}

/* A scenario's impair/clear step on iface (NODE:IFACE), as the runner applies it. */
static void
impair(const struct topology *t, const char *node, const char *iface, bool blackhole, int loss,
    bool clear)
{
	struct scn_step st;
	char msg[512];
	int rc;

	memset(&st, 0, sizeof(st));
	st.kind = clear ? SCN_CLEAR : SCN_IMPAIR;
	st.node = (char *)node;
	st.iface = (char *)iface;
	st.impair.blackhole = blackhole;
	st.impair.loss_pct = loss;
	rc = fault_apply(lab, t, &st, msg, sizeof(msg));
	cr_assert_eq(rc, 0, "%s %s:%s: %d %s", clear ? "clear" : "impair", node, iface, rc, msg);
}

Test(tunnel, underlay_impairment_reaches_the_tunnel)
{
	struct topology *t = NULL;
	struct cfg_errors e;

	lab_up();
	cr_assert_eq(topo_load(topo_file, &t, &e), 0);
	cr_expect(hl_udp(lab, "a", "b", "172.31.0.2", NULL, 0), "vpn passes before");

	/* The Internet router's side of a's underlay link goes black: every tunnel with it. */
	impair(t, "inet", "ea", true, 0, false);
	cr_expect(hl_udp_blocked(lab, "a", "b", "172.31.0.2"), "vpn passes a black hole");
	cr_expect(hl_udp_blocked(lab, "b", "a", "172.31.1.1"), "vpn2 passes a black hole");
	expect_tunnel("tun0", "up"); /* not cut: the underlay failed under it */
	impair(t, "inet", "ea", false, 0, true);
	cr_expect(hl_udp(lab, "a", "b", "172.31.0.2", NULL, 0), "vpn passes after clear");

	/* All packets lost on b's own underlay interface. */
	impair(t, "b", "wan0", false, 100, false);
	cr_expect(hl_udp_blocked(lab, "a", "b", "172.31.0.2"), "vpn passes 100%% loss");
	impair(t, "b", "wan0", false, 0, true);
	cr_expect(hl_udp(lab, "a", "b", "172.31.0.2", NULL, 0), "vpn passes after clear");
	topo_free(t);
	cr_expect_eq(hl_anylab(NULL, "down", lab, NULL), 0);
}

/* tests/topo/good/tunnel_v6.json: IPv6 underlay (jumbo), VNI 5000 on port 8472. */
Test(tunnel, ipv6_underlay_cut_restore)
{
	char file[512];
	cJSON *doc;
	int rc;

	hl_source("tests/topo/good/tunnel_v6.json", file, sizeof(file));
	rc = hl_anylab(NULL, "up", file, "--name", lab, "--json", NULL);
	cr_assert_eq(rc, 0, "up: exit %d", rc);
	doc = hl_status(lab);
	cr_expect_str_eq(cJSON_GetStringValue(tfield(doc, "a", "tun0", "remote")), "2001:db8:2::2");
	cr_expect_eq(cJSON_GetNumberValue(tfield(doc, "b", "tun0", "port")), 8472);
	cr_expect_eq(cJSON_GetNumberValue(
			 cJSON_GetObjectItem(hl_status_iface(doc, "a", "tun0"), "mtu")),
	    8930);
	cJSON_Delete(doc);
	cr_expect(hl_udp(lab, "a", "b", "172.30.0.2", NULL, 0), "IPv4 inside IPv6 passes");
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "b:tun0", "down", "--cut", NULL), 0);
	cr_expect(hl_udp_blocked(lab, "a", "b", "172.30.0.2"), "the cut tunnel passes");
	expect_tunnel("tun0", "black-holed");
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "b:tun0", "up", "--cut", NULL), 0);
	cr_expect(hl_udp(lab, "a", "b", "172.30.0.2", NULL, 0), "restored");
	cr_expect_eq(hl_anylab(NULL, "down", lab, NULL), 0);
}

Test(tunnel, failed_up_leaves_nothing)
{
	char text[4096], bad[4096], what[256], *p;
	int rc;

	/* A bad tunnel: its underlay on the other node. Refused before anything is made. */
	snprintf(text, sizeof(text), TUNNEL_LAB, lab, "");
	p = strstr(text, "\"b:wan0\"], \"vni\": 7000");
	cr_assert_not_null(p);
	snprintf(bad, sizeof(bad), "%.*s\"inet:eb\"%s", (int)(p - text), text,
	    p + strlen("\"b:wan0\""));
	hl_write_temp(bad, topo_file, sizeof(topo_file));
	rc = hl_anylab(NULL, "up", topo_file, "--json", NULL);
	cr_expect_eq(rc, 3, "up with a bad tunnel: exit %d, expected 3 (topology)", rc);
	cr_expect(!hl_leftovers(lab, what, sizeof(what)), "%s was left", what);
	unlink(topo_file);

	/* Tunnels made, then a service that never gets ready: up fails and removes them. */
	write_lab(",\n  \"services\": {\"never\": {\"command\": [\"/bin/sleep\", \"30\"],"
		  " \"ready\": {\"command\": [\"/bin/false\"]}}}");
	rc = hl_anylab(NULL, "up", topo_file, "--json", "--timeout", "1", NULL);
	cr_expect_neq(rc, 0, "up with a service that is never ready succeeded");
	cr_expect(!hl_leftovers(lab, what, sizeof(what)), "%s was left", what);
}

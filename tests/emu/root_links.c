/*
 * The lab core's seams on real namespaces (root; skips without): a lab
 * name the topology loader refuses is refused by up too (a '-' would make
 * LAB-NODE ambiguous), and the two link kinds as `status`, `link --cut`
 * and its restore see them: a veth pair cut from its far end, whose node
 * gets its addresses back, and a LAN cut at its switch port; the switch
 * namespace hands no bridged frame to netfilter. Lab names
 * start with "hc" and the pid; every lab is taken down on every path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "helper_lab.h"

static char lab[32], topo_file[256];

static void
links_init(void)
{
	hl_require_root();
	snprintf(lab, sizeof(lab), "hc%d", (int)(getpid() % 100000000));
	topo_file[0] = '\0';
}

static void
links_fini(void)
{
	char dashed[40];

	hl_anylab(NULL, "down", lab, NULL);
	snprintf(dashed, sizeof(dashed), "hc-%d", (int)(getpid() % 10000000));
	if (access("/run/anylab", F_OK) == 0)
		hl_anylab(NULL, "down", dashed, NULL); /* only if an up let it through */
	if (topo_file[0] != '\0')
		unlink(topo_file);
}

TestSuite(links, .init = links_init, .fini = links_fini, .timeout = 120);

/* `up --name hc-N` built hc-N-client1..., which reads as lab "hc", node "N-client1". */
Test(links, dashed_lab_name_refused)
{
	char dashed[40], what[256];
	int rc;

	snprintf(dashed, sizeof(dashed), "hc-%d", (int)(getpid() % 10000000));
	hl_lab_a_static(topo_file, sizeof(topo_file));
	rc = hl_anylab(NULL, "up", topo_file, "--name", dashed, "--no-daemons", NULL);
	cr_expect_eq(rc, 2, "up --name %s: exit %d, expected 2 (usage)", dashed, rc);
	cr_expect(!hl_leftovers(dashed, what, sizeof(what)), "%s was made", what);
	rc = hl_anylab(NULL, "status", dashed, NULL);
	cr_expect_eq(rc, 5, "status %s: exit %d, expected 5 (no such lab)", dashed, rc);
}

static const char *
ifield(const cJSON *doc, const char *node, const char *iface, const char *key)
{
	const char *s = cJSON_GetStringValue(
	    cJSON_GetObjectItem(hl_status_iface(doc, node, iface), key));

	return s != NULL ? s : "(none)";
}

static bool
has_addr(const cJSON *doc, const char *node, const char *iface, const char *addr)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, cJSON_GetObjectItem(hl_status_iface(doc, node, iface), "addresses")) {
		if (strcmp(cJSON_GetStringValue(a), addr) == 0)
			return true;
	}
	return false;
}

static const char *
port_field(const cJSON *doc, const char *port, const char *key)
{
	const cJSON *i;

	cJSON_ArrayForEach(i,
	    cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "switch"), "interfaces")) {
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(i, "name")), port) == 0)
			return cJSON_GetStringValue(cJSON_GetObjectItem(i, key));
	}
	return NULL;
}

/* a - b over a veth pair (p2p), a, b and c on a LAN (wan). */
Test(links, veth_and_lan_status_cut_restore)
{
	const char *s;
	cJSON *doc;
	int rc;

	hl_write_temp("{\"name\": \"hck\", \"nodes\": {"
		      "\"a\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.1/24\"]}, "
		      "\"eth1\": {\"addresses\": [\"10.9.1.1/30\"]}}},"
		      "\"b\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.2/24\"]}, "
		      "\"eth1\": {\"addresses\": [\"10.9.1.2/30\"]}}, "
		      "\"routes\": [{\"to\": \"10.9.7.0/24\", \"via\": \"10.9.1.1\"}]},"
		      "\"c\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.9.0.3/24\"]}}}},"
		      "\"links\": [{\"name\": \"wan\", \"endpoints\": [\"a:eth0\", \"b:eth0\", "
		      "\"c:eth0\"]}, "
		      "{\"name\": \"p2p\", \"endpoints\": [\"a:eth1\", \"b:eth1\"]}]}\n",
	    topo_file, sizeof(topo_file));
	rc = hl_anylab(NULL, "up", topo_file, "--name", lab, "--json", NULL);
	cr_assert_eq(rc, 0, "up: exit %d", rc);

	doc = hl_status(lab);
	cr_assert_not_null(doc);
	cr_expect_str_eq(ifield(doc, "a", "eth1", "peer"), "b:eth1");
	cr_expect_str_eq(ifield(doc, "b", "eth1", "link"), "p2p");
	cr_expect_str_eq(ifield(doc, "c", "eth0", "port"), "wan.2");
	s = port_field(doc, "wan.2", "member");
	cr_expect(s != NULL && strcmp(s, "c:eth0") == 0, "port wan.2 member %s", s ? s : "-");
	cr_expect_str_eq(ifield(doc, "a", "eth1", "admin"), "up", "both ends of the pair up");
	cr_expect_str_eq(ifield(doc, "b", "eth1", "admin"), "up");
	cr_expect_str_eq(ifield(doc, "c", "eth0", "carrier"), "up");
	cJSON_Delete(doc);

	/* Bridged frames skip the switch's netfilter where the kernel has br_netfilter. */
	for (size_t i = 0; i < 3; i++) {
		static const char *const what[] = { "iptables", "ip6tables", "arptables" };
		char cmd[256], val[16] = "";
		FILE *p;

		snprintf(cmd, sizeof(cmd),
		    "ip netns exec %s.sw cat /proc/sys/net/bridge/bridge-nf-call-%s 2>/dev/null",
		    lab, what[i]);
		p = popen(cmd, "r");
		cr_assert_not_null(p);
		if (fgets(val, sizeof(val), p) == NULL)
			val[0] = '\0'; /* no br_netfilter in this kernel: nothing to turn off */
		pclose(p);
		cr_expect(val[0] == '\0' || strcmp(val, "0\n") == 0,
		    "%s.sw: bridge-nf-call-%s is %s", lab, what[i], val);
	}

	/* The pair's cable, cut at a: the far end (b) goes down, a keeps its adapter. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "a:eth1", "down", "--cut", NULL), 0);
	doc = hl_status(lab);
	cr_expect_str_eq(ifield(doc, "b", "eth1", "admin"), "down");
	cr_expect_str_eq(ifield(doc, "a", "eth1", "admin"), "up");
	cr_expect_str_eq(ifield(doc, "a", "eth1", "carrier"), "down");
	cr_expect(!hl_status_has_route(doc, "b", "10.9.7.0/24"), "Linux dropped b's route");
	cJSON_Delete(doc);
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "a:eth1", "up", "--cut", NULL), 0);
	doc = hl_status(lab);
	cr_expect_str_eq(ifield(doc, "b", "eth1", "admin"), "up");
	cr_expect_str_eq(ifield(doc, "a", "eth1", "carrier"), "up");
	cr_expect(has_addr(doc, "b", "eth1", "10.9.1.2/30"), "the far node's address is back");
	cr_expect(hl_status_has_route(doc, "b", "10.9.7.0/24"), "and its static route");
	cJSON_Delete(doc);

	/* The LAN's cable of c: its switch port goes down, c keeps its adapter. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "c:eth0", "down", "--cut", NULL), 0);
	doc = hl_status(lab);
	s = port_field(doc, "wan.2", "admin");
	cr_expect(s != NULL && strcmp(s, "down") == 0, "port wan.2 %s", s ? s : "-");
	cr_expect_str_eq(ifield(doc, "c", "eth0", "admin"), "up");
	cr_expect_str_eq(ifield(doc, "c", "eth0", "carrier"), "down");
	cJSON_Delete(doc);
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "c:eth0", "up", "--cut", NULL), 0);
	cr_expect(hl_udp(lab, "a", "c", "10.9.0.3", NULL, 0), "a reaches c again over the LAN");

	cr_expect_eq(hl_anylab(NULL, "link", "-l", lab, "a:eth9", "down", "--cut", NULL), 2);
	cr_expect_eq(hl_anylab(NULL, "down", lab, NULL), 0);
}

/*
 * Static neighbours on real namespaces (root; skips without): `up` of a lab
 * with "neighbours": "static" leaves permanent ARP and NDP entries on a LAN
 * and a veth pair (links/link_neigh.c), the nodes still talk through them,
 * a disabled and re-enabled adapter gets its entries back (Linux flushes
 * every entry of a device set down), and `down` leaves nothing. A lab
 * without the key makes none. Entries are read with `ip -n NS neigh show`.
 * Lab names start with "hn" and the pid; every lab is taken down on every
 * path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "helper_lab.h"

static char lab[32], topo_file[256];

/*
 * r routes between a LAN (r, c1, c2; dual-stack) and a veth pair to s.
 * Node positions: r 0, c1 1, c2 2, s 3, so r:eth0 is 02:00:00:00:00:00.
 */
static const char neigh_lab[] =
    "{\"name\": \"hn\", %s \"nodes\": {"
    "\"r\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.7.0.1/24\", \"fd07::1/64\"]},"
    " \"eth1\": {\"addresses\": [\"10.7.1.1/30\"]}}, \"forwarding\": true},"
    "\"c1\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.7.0.11/24\", \"fd07::11/64\"]}},"
    " \"routes\": [{\"to\": \"default\", \"via\": \"10.7.0.1\"}]},"
    "\"c2\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.7.0.12/24\", \"fd07::12/64\"]}},"
    " \"routes\": [{\"to\": \"default\", \"via\": \"10.7.0.1\"}]},"
    "\"s\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.7.1.2/30\"]}},"
    " \"routes\": [{\"to\": \"default\", \"via\": \"10.7.1.1\"}]}},"
    "\"links\": [{\"name\": \"lan\", \"endpoints\": [\"r:eth0\", \"c1:eth0\", \"c2:eth0\"]},"
    " {\"endpoints\": [\"r:eth1\", \"s:eth0\"]}]}\n";

static void
neigh_init(void)
{
	hl_require_root();
	snprintf(lab, sizeof(lab), "hn%d", (int)(getpid() % 100000000));
	topo_file[0] = '\0';
}

static void
neigh_fini(void)
{
	hl_anylab(NULL, "down", lab, NULL);
	if (topo_file[0] != '\0')
		unlink(topo_file);
}

TestSuite(neigh, .init = neigh_init, .fini = neigh_fini, .timeout = 120);

/* `ip -n LAB-node neigh show dev iface`, the PERMANENT lines only, into buf. */
static size_t
permanent(const char *node, const char *iface, char *buf, size_t len)
{
	char cmd[256], line[256];
	size_t n = 0, used = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ip -n %s-%s neigh show dev %s nud permanent 2>&1", lab, node,
	    iface);
	buf[0] = '\0';
	p = popen(cmd, "r");
	cr_assert_not_null(p, "%s", cmd);
	while (fgets(line, sizeof(line), p) != NULL) {
		if (strstr(line, "PERMANENT") == NULL)
			continue;
		n++;
		if (used < len) {
			snprintf(buf + used, len - used, "%s", line);
			used += strlen(buf + used);
		}
	}
	pclose(p);
	return n;
}

static bool
has(const char *buf, const char *entry)
{
	return strstr(buf, entry) != NULL;
}

static void
up(const char *neighbours, size_t *count)
{
	char key[64] = "", text[2048];
	cJSON *res;
	char *out = NULL;
	int rc;

	if (neighbours != NULL)
		snprintf(key, sizeof(key), "\"neighbours\": \"%s\",", neighbours);
	snprintf(text, sizeof(text), neigh_lab, key);
	hl_write_temp(text, topo_file, sizeof(topo_file));
	rc = hl_anylab(&out, "up", topo_file, "--name", lab, "--json", NULL);
	cr_assert_eq(rc, 0, "up: exit %d", rc);
	res = cJSON_Parse(out != NULL ? out : "");
	cr_assert_not_null(res, "up --json printed %s", out != NULL ? out : "nothing");
	*count = (size_t)cJSON_GetNumberValue(cJSON_GetObjectItem(res, "neighbours"));
	cJSON_Delete(res);
	free(out);
}

Test(neigh, static_entries_survive_disable_enable)
{
	char buf[2048], what[256];
	size_t count;

	up("static", &count);
	/* r holds c1's and c2's two addresses each, they r's two; the pair one each way. */
	cr_expect_eq(count, 10, "up made %zu entries", count);

	cr_expect_eq(permanent("c1", "eth0", buf, sizeof(buf)), 2, "c1: %s", buf);
	cr_expect(has(buf, "10.7.0.1 lladdr 02:00:00:00:00:00 PERMANENT"), "c1: %s", buf);
	cr_expect(has(buf, "fd07::1 lladdr 02:00:00:00:00:00 PERMANENT"), "c1: %s", buf);
	cr_expect_eq(permanent("r", "eth0", buf, sizeof(buf)), 4, "r: %s", buf);
	cr_expect(has(buf, "10.7.0.11 lladdr 02:00:00:01:00:00 PERMANENT"), "r: %s", buf);
	cr_expect(has(buf, "fd07::12 lladdr 02:00:00:02:00:00 PERMANENT"), "r: %s", buf);
	cr_expect_eq(permanent("r", "eth1", buf, sizeof(buf)), 1, "r eth1: %s", buf);
	cr_expect(has(buf, "10.7.1.2 lladdr 02:00:00:03:00:00 PERMANENT"), "r: %s", buf);
	cr_expect_eq(permanent("s", "eth0", buf, sizeof(buf)), 1, "s: %s", buf);
	cr_expect(has(buf, "10.7.1.1 lladdr 02:00:00:00:00:01 PERMANENT"), "s: %s", buf);

	/* The MACs are the interfaces' own: traffic flows through the router and on the LAN. */
	cr_expect(hl_udp(lab, "c1", "s", "10.7.1.2", NULL, 0), "c1 -> s through r");
	cr_expect(hl_udp(lab, "c1", "c2", "10.7.0.12", NULL, 0), "c1 -> c2 by ARP");

	/* Disabled: Linux flushes the adapter's entries, permanent ones too. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "c1:eth0", "down", NULL), 0);
	cr_expect_eq(permanent("c1", "eth0", buf, sizeof(buf)), 0, "c1 down kept: %s", buf);
	cr_expect_eq(permanent("r", "eth0", buf, sizeof(buf)), 4, "r keeps its own: %s", buf);
	/* Enabled: put back with the addresses and routes. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "c1:eth0", "up", NULL), 0);
	cr_expect_eq(permanent("c1", "eth0", buf, sizeof(buf)), 2, "c1 back: %s", buf);
	cr_expect(has(buf, "10.7.0.1 lladdr 02:00:00:00:00:00 PERMANENT"), "c1: %s", buf);
	cr_expect(has(buf, "fd07::1 lladdr 02:00:00:00:00:00 PERMANENT"), "c1: %s", buf);
	cr_expect(hl_udp(lab, "c1", "s", "10.7.1.2", NULL, 0), "c1 -> s after enable");

	/* The pair's cable cut at r: s's adapter goes down and comes back with its entry. */
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "r:eth1", "down", "--cut", NULL), 0);
	cr_assert_eq(hl_anylab(NULL, "link", "-l", lab, "r:eth1", "up", "--cut", NULL), 0);
	cr_expect_eq(permanent("s", "eth0", buf, sizeof(buf)), 1, "s back: %s", buf);
	cr_expect(has(buf, "10.7.1.1 lladdr 02:00:00:00:00:01 PERMANENT"), "s: %s", buf);

	cr_assert_eq(hl_anylab(NULL, "down", lab, NULL), 0);
	cr_expect(!hl_leftovers(lab, what, sizeof(what)), "%s left after down", what);
}

Test(neigh, dynamic_lab_makes_none)
{
	char buf[1024];
	size_t count;

	up(NULL, &count);
	cr_expect_eq(count, 0);
	cr_expect_eq(permanent("c1", "eth0", buf, sizeof(buf)), 0, "c1: %s", buf);
	cr_expect_eq(permanent("r", "eth0", buf, sizeof(buf)), 0, "r: %s", buf);
	cr_expect(hl_udp(lab, "c1", "s", "10.7.1.2", NULL, 0), "c1 -> s by ARP");
}

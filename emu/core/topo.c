/*
 * Topology files: reading, validating and freeing the model of topo.h. This
 * is the only code that reads cJSON for topologies. Every check runs before
 * anything is built, and errors are collected (not stopped at the first),
 * each naming the file, the JSON path and what was expected. The format is
 * documented in docs/topology.md and docs/topology.schema.json.
 *
 * Order of work: top-level keys, nodes (interfaces first, then loopback,
 * routes, resolvers, sysctls, daemon sections), links (endpoints resolved to
 * interfaces), then the checks that need the whole picture: interfaces in no
 * link, addresses that clash on a segment or overlap on a node.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "anylab.h"
#include "topo.h"

static int topo_parse(struct topology *, cJSON *, struct cfg_errors *);
static void topo_parse_nodes(struct topology *, const cJSON *, struct cfg_errors *);
static void topo_index_add(struct topology *, struct topo_node *);
static void topo_parse_node(struct topo_node *, const cJSON *, const char *, struct cfg_errors *);
static void topo_parse_services(struct topo_node *, const cJSON *, const char *,
    struct cfg_errors *);
static void topo_parse_ifaces(struct topo_node *, const cJSON *, const char *, struct cfg_errors *);
static void topo_parse_iface(struct topo_iface *, const cJSON *, const char *, struct cfg_errors *);
static void topo_parse_loopback(struct topo_node *, const cJSON *, const char *,
    struct cfg_errors *);
static void topo_parse_routes(struct topo_node *, const cJSON *, const char *, struct cfg_errors *);
static void topo_parse_resolvers(struct topo_node *, const cJSON *, const char *,
    struct cfg_errors *);
static void topo_parse_site(struct topo_node *, const cJSON *, const char *, struct cfg_errors *);
static void topo_parse_multipath(struct topo_node *, const cJSON *, const char *,
    struct cfg_errors *);
/* Interfaces named by a link so far, valid link or not, and the link's index. */
/*
 * Which link names each interface, by interface number (first[node] +
 * the interface's index in its node): one look per endpoint, not a walk
 * over every claim (a 10,000-node lab has 10,000 endpoints).
 */
struct claims {
	size_t *first; /* per node: the number of its first interface */
	int *link;     /* per interface: links[] index + 1 of its link, 0 none */
};

static void topo_parse_links(struct topology *, const cJSON *, struct claims *,
    struct cfg_errors *);
static void topo_parse_link(struct topology *, struct topo_link *, int, const cJSON *,
    struct claims *, struct cfg_errors *);
static void topo_check_unlinked(struct topology *, const struct claims *, struct cfg_errors *);
static void topo_check_tunnels(struct topology *, struct cfg_errors *);
static void topo_check_node_addrs(struct topology *, struct cfg_errors *);
static void topo_check_segments(struct topology *, struct cfg_errors *);

static const char *const top_keys[] = { "$schema", "name", "description", "nodes", "links",
	"scenarios", "neighbours", NULL };
static const char *const node_keys[] = { "interfaces", "loopback", "routes", "forwarding",
	"multipath", "resolver", "bgp", "dns", "services", "site", "role", NULL };
static const char *const iface_keys[] = { "addresses", "mtu", "mac", NULL };
static const char *const route_keys[] = { "to", "via", "dev", "metric", NULL };
static const char *const multipath_keys[] = { "hash_policy", "hash_seed", NULL };
static const char *const link_keys[] = { "name", "kind", "endpoints", "switch", "underlay", "vni",
	"port", NULL };

const char *const topo_neighbours_names[TOPO_NEIGH_MAX] = {
	[TOPO_NEIGH_DYNAMIC] = "dynamic",
	[TOPO_NEIGH_STATIC] = "static",
};

const char *const topo_link_kind_names[TOPO_LINK_KIND_MAX] = {
	[TOPO_LINK_VETH] = "veth",
	[TOPO_LINK_LAN] = "lan",
	[TOPO_LINK_VXLAN] = "vxlan",
};

#define NAME_CHARS "a-z, 0-9, '_' and '-', starting with a letter or digit"
#define SITE_CHARS "letters, digits, ' ', '_', '.' and '-', starting with a letter or digit"

const char *const topo_role_names[TOPO_ROLE_MAX] = {
	[TOPO_ROLE_AUTO] = "auto",
	[TOPO_ROLE_CLIENT] = "client",
	[TOPO_ROLE_ROUTER] = "router",
	[TOPO_ROLE_DNS] = "dns",
	[TOPO_ROLE_ROUTE_SERVER] = "route-server",
	[TOPO_ROLE_INTERNET] = "internet",
	[TOPO_ROLE_HOST] = "host",
};

static size_t
child_count(const cJSON *j)
{
	size_t n = 0;

	for (const cJSON *c = j ? j->child : NULL; c; c = c->next)
		n++;
	return n;
}

/* [a-z0-9][a-z0-9_-]* of 1..max characters ('-' only when dash). */
static bool
name_valid(const char *s, size_t max, bool dash)
{
	size_t len = strlen(s);

	if (len == 0 || len > max)
		return false;
	if (!(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' ||
			(dash && *p == '-')))
			return false;
	return true;
}

/*
 * The kernel's dev_valid_name(): 1..15 characters, not "." or "..", no '/',
 * ':' or whitespace. '%' is refused too: the kernel reads "%d" in a new
 * device's name as a pattern to fill in.
 */
static bool
iface_name_check(const char *name, const char *path, struct cfg_errors *e)
{
	if (name[0] == '\0') {
		cfg_error(e, path, "expected an interface name, found an empty string");
		return false;
	}
	if (strlen(name) > IFNAMSIZ - 1) {
		cfg_error(e, path,
		    "expected an interface name of at most %d characters, found \"%s\" (%zu)",
		    IFNAMSIZ - 1, name, strlen(name));
		return false;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		cfg_error(e, path,
		    "expected an interface name other than \".\" and \"..\", "
		    "found \"%s\"",
		    name);
		return false;
	}
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == '%' || isspace((unsigned char)*p) ||
		    !isprint((unsigned char)*p)) {
			cfg_error(e, path,
			    "expected an interface name without '/', ':', '%%', "
			    "whitespace or control characters, found \"%s\"",
			    name);
			return false;
		}
	if (strcmp(name, "lo") == 0) {
		cfg_error(e, path,
		    "expected an interface name other than \"lo\": the node's "
		    "loopback is configured through \"loopback\"");
		return false;
	}
	return true;
}

/* "02:00:00:00:00:01": six hex pairs, unicast, not all zero. */
static bool
mac_parse(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		const char *p = s + i * 3;
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = p[k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return false;
		}
		if (p[2] != (i == 5 ? '\0' : ':'))
			return false;
		mac[i] = (uint8_t)v;
	}
	return true;
}

static bool
prefix_is_link_local(const struct prefix *p)
{
	return p->addr.family == AF_INET6 && p->addr.bytes[0] == 0xfe &&
	    (p->addr.bytes[1] & 0xc0) == 0x80;
}

static bool
ipaddr_is_link_local(const struct ipaddr *a)
{
	return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

/*
 * What an address of a node cannot be (docs/topology.md): NULL when it is
 * a usable unicast address, else what it is. An interface address is not
 * multicast (224.0.0.0/4, ff00::/8), unspecified, 255.255.255.255 or its
 * IPv4 subnet's broadcast address (prefixes up to /30); an anycast address
 * on lo (loopback) none of those, and not link-local either (169.254.0.0/16,
 * fe80::/10: on lo it is reachable from no link).
 */
static const char *
addr_unusable(const struct prefix *p, bool on_lo)
{
	const uint8_t *b = p->addr.bytes;
	bool v4 = p->addr.family == AF_INET, zero = true, ones = true;

	if (v4 ? (b[0] & 0xf0) == 0xe0 : b[0] == 0xff)
		return "a multicast address";
	for (int i = 0; i < (v4 ? 4 : 16); i++)
		zero = zero && b[i] == 0;
	if (zero)
		return "the unspecified address";
	if (v4 && b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
		return "the broadcast address";
	if (v4 && !on_lo && p->len <= 30) {
		uint32_t a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
		    b[3];
		uint32_t host = p->len == 0 ? 0xffffffffu : 0xffffffffu >> p->len;

		ones = (a & host) == host;
		if (ones)
			return "its subnet's broadcast address";
	}
	if (on_lo && (v4 ? b[0] == 169 && b[1] == 254 : ipaddr_is_link_local(&p->addr)))
		return "a link-local address";
	return NULL;
}

int
topo_load(const char *file, struct topology **out, struct cfg_errors *e)
{
	struct topology *t;
	cJSON *root;

	*out = NULL;
	cfg_errors_init(e, file);
	root = jc_parse_file(file, e);
	if (root == NULL)
		return -1;
	t = emu_calloc(1, sizeof(*t));
	t->file = emu_strdup(file);
	if (topo_parse(t, root, e) < 0) {
		topo_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

int
topo_load_string(const char *text, const char *file, struct topology **out, struct cfg_errors *e)
{
	struct topology *t;
	cJSON *root;

	*out = NULL;
	cfg_errors_init(e, file);
	root = jc_parse_string(text, e);
	if (root == NULL)
		return -1;
	t = emu_calloc(1, sizeof(*t));
	t->file = emu_strdup(file ? file : "<topology>");
	if (topo_parse(t, root, e) < 0) {
		topo_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

/* Takes root; 0 or -1 (the caller frees t either way on -1). */
static int
topo_parse(struct topology *t, cJSON *root, struct cfg_errors *e)
{
	const cJSON *nodes = NULL, *links = NULL, *scen = NULL;
	struct claims cl = { 0 };
	size_t total = 0;
	const char *s;
	int before = e->count, links_errors;

	t->root = root;
	if (!cJSON_IsObject(root)) {
		cfg_error(e, "", "expected a JSON object at the top of the file");
		return -1;
	}
	jc_check_object(root, "", top_keys, e);
	jc_string(root, "$schema", "", false, &s, e);
	if (jc_string(root, "name", "", true, &s, e) == 1) {
		if (!topo_lab_name_valid(s))
			cfg_error(e, "name",
			    "expected a lab name of 1 to %d characters from "
			    "a-z, 0-9 and '_', starting with a letter or digit (no '-': it "
			    "separates lab and node in LAB-NODE), found \"%s\"",
			    TOPO_LAB_NAME_MAX, s);
		else
			t->name = emu_strdup(s);
	}
	jc_string(root, "description", "", false, &s, e);
	if (jc_string(root, "neighbours", "", false, &s, e) == 1) {
		if (strcmp(s, topo_neighbours_names[TOPO_NEIGH_STATIC]) == 0)
			t->neighbours = TOPO_NEIGH_STATIC;
		else if (strcmp(s, topo_neighbours_names[TOPO_NEIGH_DYNAMIC]) != 0)
			cfg_error(e, "neighbours",
			    "expected \"dynamic\" or \"static\", found \"%s\"", s);
	}
	if (jc_typed(root, "nodes", "", true, cJSON_Object, &nodes, e) == 1) {
		if (nodes->child == NULL)
			cfg_error(e, "nodes", "expected at least one node, found none");
		topo_parse_nodes(t, nodes, e);
	}
	cl.first = emu_calloc(t->nnodes + 1, sizeof(*cl.first));
	for (size_t n = 0; n < t->nnodes; n++) {
		cl.first[n] = total;
		total += t->nodes[n].nifaces;
	}
	cl.link = emu_calloc(total + 1, sizeof(*cl.link));
	links_errors = e->count;
	if (jc_typed(root, "links", "", false, cJSON_Array, &links, e) == 1)
		topo_parse_links(t, links, &cl, e);
	links_errors = e->count - links_errors;
	if (jc_typed(root, "scenarios", "", false, cJSON_Object, &scen, e) == 1)
		t->scenarios = scen;

	/* A broken link leaves its interfaces unclaimed: say only what is wrong with it. */
	if (links_errors == 0) {
		topo_check_unlinked(t, &cl, e);
		topo_check_tunnels(t, e);
	}
	topo_check_node_addrs(t, e);
	topo_check_segments(t, e);
	free(cl.first);
	free(cl.link);
	return e->count > before ? -1 : 0;
}

static void
topo_parse_nodes(struct topology *t, const cJSON *nodes, struct cfg_errors *e)
{
	t->nnodes_cap = child_count(nodes);
	t->nodes = emu_calloc(t->nnodes_cap, sizeof(*t->nodes));
	for (const cJSON *n = nodes->child; n; n = n->next) {
		char p[CFG_PATH_MAX];
		struct topo_node *node;
		bool dup = false;

		jc_path(p, "nodes", n->string);
		dup = topo_node_find(t, n->string) != NULL;
		if (dup) {
			cfg_error(e, p, "duplicate node name \"%s\"; expected each node once",
			    n->string);
			continue;
		}
		if (!name_valid(n->string, TOPO_NAME_MAX - 1, true)) {
			cfg_error(e, p,
			    "expected a node name of 1 to %d characters from " NAME_CHARS
			    ", found \"%s\"",
			    TOPO_NAME_MAX - 1, n->string);
			continue;
		}
		node = &t->nodes[t->nnodes++];
		node->name = emu_strdup(n->string);
		node->hash_policy = -1;
		topo_index_add(t, node);
		topo_parse_node(node, n, p, e);
	}
}

static void
topo_parse_node(struct topo_node *node, const cJSON *j, const char *path, struct cfg_errors *e)
{
	const cJSON *item;
	char p[CFG_PATH_MAX];

	if (!jc_check_object(j, path, node_keys, e) && !cJSON_IsObject(j))
		return;
	if (jc_typed(j, "interfaces", path, false, cJSON_Object, &item, e) == 1)
		topo_parse_ifaces(node, item, jc_path(p, path, "interfaces"), e);
	if (jc_typed(j, "loopback", path, false, cJSON_Array, &item, e) == 1)
		topo_parse_loopback(node, item, jc_path(p, path, "loopback"), e);
	if (jc_typed(j, "routes", path, false, cJSON_Array, &item, e) == 1)
		topo_parse_routes(node, item, jc_path(p, path, "routes"), e);
	jc_bool(j, "forwarding", path, false, &node->forwarding, e);
	if (jc_typed(j, "multipath", path, false, cJSON_Object, &item, e) == 1)
		topo_parse_multipath(node, item, jc_path(p, path, "multipath"), e);
	if (jc_typed(j, "resolver", path, false, cJSON_Array, &item, e) == 1)
		topo_parse_resolvers(node, item, jc_path(p, path, "resolver"), e);
	if (jc_typed(j, "bgp", path, false, cJSON_Object, &item, e) == 1)
		node->bgp = item;
	if (jc_typed(j, "dns", path, false, cJSON_Object, &item, e) == 1)
		node->dns = item;
	if (jc_typed(j, "services", path, false, cJSON_Object, &item, e) == 1)
		topo_parse_services(node, item, jc_path(p, path, "services"), e);
	topo_parse_site(node, j, path, e);
}

/* "site": a name to group nodes by; "role": what the node is (pictures only). */
static void
topo_parse_site(struct topo_node *node, const cJSON *j, const char *path, struct cfg_errors *e)
{
	const char *s;
	char p[CFG_PATH_MAX];
	size_t len;
	int r;

	if (jc_string(j, "site", path, false, &s, e) == 1) {
		bool ok = true;

		len = strlen(s);
		if (len == 0 || len >= TOPO_SITE_MAX || !isalnum((unsigned char)s[0]))
			ok = false;
		for (const char *c = s; ok && *c; c++)
			if (!isalnum((unsigned char)*c) && strchr(" _.-", *c) == NULL)
				ok = false;
		if (ok)
			snprintf(node->site, sizeof(node->site), "%s", s);
		else
			cfg_error(e, jc_path(p, path, "site"),
			    "expected a site name of 1 to %d characters from " SITE_CHARS
			    ", found \"%s\"",
			    TOPO_SITE_MAX - 1, s);
	}
	if (jc_string(j, "role", path, false, &s, e) == 1) {
		for (r = TOPO_ROLE_AUTO + 1; r < TOPO_ROLE_MAX; r++)
			if (strcmp(s, topo_role_names[r]) == 0)
				break;
		if (r < TOPO_ROLE_MAX)
			node->role = (enum topo_role)r;
		else
			cfg_error(e, jc_path(p, path, "role"),
			    "expected one of client, router, dns, route-server, internet, "
			    "host, found \"%s\"",
			    s);
	}
}

/*
 * "services": { NAME: { "command": [argv...], "ready": {...} } }. The
 * entry's own keys are the service kind's to check (kinds/kind_service.c);
 * here only the names, which become record and file names.
 */
static void
topo_parse_services(struct topo_node *node, const cJSON *svcs, const char *path,
    struct cfg_errors *e)
{
	size_t count = 0;

	for (const cJSON *s = svcs->child; s; s = s->next) {
		char p[CFG_PATH_MAX];

		jc_path(p, path, s->string);
		if (!name_valid(s->string, TOPO_NAME_MAX - 1, true) ||
		    strcmp(s->string, "bgp") == 0 || strcmp(s->string, "dns") == 0)
			cfg_error(e, p,
			    "invalid service name: expected %s, at most %d characters, "
			    "not bgp or dns",
			    NAME_CHARS, TOPO_NAME_MAX - 1);
		else if (!cJSON_IsObject(s))
			cfg_error(e, p, "expected an object with \"command\"");
		if (++count == TOPO_SERVICES_MAX + 1)
			cfg_error(e, p, "too many services: at most %d per node",
			    TOPO_SERVICES_MAX);
	}
	node->services = svcs;
}

static void
topo_parse_ifaces(struct topo_node *node, const cJSON *ifaces, const char *path,
    struct cfg_errors *e)
{
	node->ifaces = emu_calloc(child_count(ifaces), sizeof(*node->ifaces));
	for (const cJSON *i = ifaces->child; i; i = i->next) {
		char p[CFG_PATH_MAX];
		struct topo_iface *ifc;
		bool dup = false;

		jc_path(p, path, i->string);
		for (const cJSON *prev = ifaces->child; prev != i; prev = prev->next)
			if (strcmp(prev->string, i->string) == 0)
				dup = true;
		if (dup) {
			cfg_error(e, p,
			    "duplicate interface name \"%s\"; expected each interface "
			    "once per node",
			    i->string);
			continue;
		}
		if (!iface_name_check(i->string, p, e))
			continue;
		ifc = &node->ifaces[node->nifaces++];
		snprintf(ifc->name, sizeof(ifc->name), "%s", i->string);
		ifc->node = node;
		topo_parse_iface(ifc, i, p, e);
	}
}

static void
topo_parse_iface(struct topo_iface *ifc, const cJSON *j, const char *path, struct cfg_errors *e)
{
	const cJSON *addrs;
	const char *mac;
	uint64_t v;
	char p[CFG_PATH_MAX];

	if (!jc_check_object(j, path, iface_keys, e) && !cJSON_IsObject(j))
		return;
	if (jc_typed(j, "addresses", path, false, cJSON_Array, &addrs, e) == 1) {
		int idx = 0;

		ifc->addrs = emu_calloc(child_count(addrs), sizeof(*ifc->addrs));
		for (const cJSON *a = addrs->child; a; a = a->next, idx++) {
			char ap[CFG_PATH_MAX], base[CFG_PATH_MAX];
			struct prefix pf;

			jc_path_idx(ap, jc_path(base, path, "addresses"), idx);
			if (!jc_item_prefix(a, ap, true, &pf, e))
				continue;
			if (addr_unusable(&pf, false) != NULL) {
				cfg_error(e, ap, "expected a unicast address, found \"%s\", %s",
				    a->valuestring, addr_unusable(&pf, false));
				continue;
			}
			for (size_t k = 0; k < ifc->naddrs; k++)
				if (ipaddr_eq(&ifc->addrs[k].addr, &pf.addr)) {
					char s[IPADDR_STRLEN];

					cfg_error(e, ap,
					    "address %s is already addresses[%zu] of "
					    "this interface; expected each address once",
					    ipaddr_ntop(&pf.addr, s, sizeof(s)), k);
					goto next;
				}
			ifc->addrs[ifc->naddrs++] = pf;
		next:;
		}
	}
	if (jc_uint(j, "mtu", path, false, TOPO_MIN_MTU, 65535, &v, e) == 1)
		ifc->mtu = (unsigned)v;
	if (jc_string(j, "mac", path, false, &mac, e) == 1) {
		jc_path(p, path, "mac");
		if (!mac_parse(mac, ifc->mac))
			cfg_error(e, p,
			    "expected a MAC address of six hex pairs such as "
			    "\"02:00:00:00:00:01\", found \"%s\"",
			    mac);
		else if (ifc->mac[0] & 1)
			cfg_error(e, p,
			    "expected a unicast MAC address (first octet even), "
			    "found \"%s\"",
			    mac);
		else if (!(ifc->mac[0] | ifc->mac[1] | ifc->mac[2] | ifc->mac[3] | ifc->mac[4] |
			     ifc->mac[5]))
			cfg_error(e, p, "expected a MAC address other than all zeros, found \"%s\"",
			    mac);
		else
			ifc->has_mac = true;
	}
}

static void
topo_parse_loopback(struct topo_node *node, const cJSON *arr, const char *path,
    struct cfg_errors *e)
{
	int idx = 0;

	node->loopback = emu_calloc(child_count(arr), sizeof(*node->loopback));
	for (const cJSON *a = arr->child; a; a = a->next, idx++) {
		char p[CFG_PATH_MAX];
		struct prefix pf;
		bool dup = false;

		jc_path_idx(p, path, idx);
		if (!cJSON_IsString(a) || prefix_parse(a->valuestring, &pf, true) < 0 ||
		    pf.len != ipaddr_bits(pf.addr.family)) {
			if (cJSON_IsString(a))
				cfg_error(e, p,
				    "expected a host address (\"51.51.51.51/32\" or "
				    "\"2001:db8::1/128\"), found \"%s\"",
				    a->valuestring);
			else
				cfg_error(e, p,
				    "expected a host address (\"51.51.51.51/32\" or "
				    "\"2001:db8::1/128\"), found a non-string");
			continue;
		}
		if (addr_unusable(&pf, true) != NULL) {
			cfg_error(e, p,
			    "expected a unicast address that routes, found \"%s\", %s (loopback "
			    "addresses are announced anycast addresses)",
			    a->valuestring, addr_unusable(&pf, true));
			continue;
		}
		for (size_t k = 0; k < node->nloopback; k++)
			if (ipaddr_eq(&node->loopback[k].addr, &pf.addr))
				dup = true;
		if (dup) {
			cfg_error(e, p, "duplicate loopback address \"%s\"; expected each once",
			    a->valuestring);
			continue;
		}
		node->loopback[node->nloopback++] = pf;
	}
}

static void
iface_list(const struct topo_node *node, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < node->nifaces && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
		    node->ifaces[i].name);
	if (node->nifaces == 0)
		snprintf(buf, len, "none defined");
}

static bool
iface_has_addr(const struct topo_iface *ifc, const struct ipaddr *a)
{
	for (size_t k = 0; k < ifc->naddrs; k++)
		if (ipaddr_eq(&ifc->addrs[k].addr, a))
			return true;
	return false;
}

static bool
iface_reaches(const struct topo_iface *ifc, const struct ipaddr *a)
{
	for (size_t k = 0; k < ifc->naddrs; k++)
		if (prefix_contains(&ifc->addrs[k], a))
			return true;
	return false;
}

/*
 * A gateway must be on a connected subnet of the node (of "dev" when given)
 * and not be one of the node's own addresses; an IPv6 link-local gateway
 * needs "dev" to say which link.
 */
static void
route_check_via(struct topo_node *node, struct topo_route *r, const char *path,
    struct cfg_errors *e)
{
	const struct topo_iface *dev = r->dev[0] ? topo_iface_find(node, r->dev) : NULL;
	char s[IPADDR_STRLEN];
	bool reach = false;

	ipaddr_ntop(&r->via, s, sizeof(s));
	for (size_t i = 0; i < node->nifaces; i++)
		if (iface_has_addr(&node->ifaces[i], &r->via)) {
			cfg_error(e, path,
			    "gateway %s is this node's own address on %s; expected "
			    "a neighbour's address",
			    s, node->ifaces[i].name);
			return;
		}
	if (ipaddr_is_link_local(&r->via)) {
		if (dev == NULL)
			cfg_error(e, path,
			    "gateway %s is link-local; expected \"dev\" to name the "
			    "interface it is reached on",
			    s);
		return;
	}
	if (dev != NULL) {
		if (!iface_reaches(dev, &r->via))
			cfg_error(e, path,
			    "gateway %s is unreachable: not inside any prefix of "
			    "%s; expected an address on a subnet of that interface",
			    s, dev->name);
		return;
	}
	for (size_t i = 0; i < node->nifaces; i++)
		if (iface_reaches(&node->ifaces[i], &r->via))
			reach = true;
	if (!reach)
		cfg_error(e, path,
		    "gateway %s is unreachable: not inside any prefix on this "
		    "node's interfaces; expected an address on a connected subnet",
		    s);
}

static void
topo_parse_routes(struct topo_node *node, const cJSON *arr, const char *path, struct cfg_errors *e)
{
	int idx = 0;

	node->routes = emu_calloc(child_count(arr), sizeof(*node->routes));
	for (const cJSON *j = arr->child; j; j = j->next, idx++) {
		char p[CFG_PATH_MAX], fp[CFG_PATH_MAX];
		struct topo_route r;
		const char *to = NULL, *dev = NULL;
		bool is_default = false, ok = true, keys_ok = true;
		uint64_t metric = 0;
		int hv, hd;

		memset(&r, 0, sizeof(r));
		jc_path_idx(p, path, idx);
		if (!jc_check_object(j, p, route_keys, e)) {
			if (!cJSON_IsObject(j))
				continue;
			keys_ok = false;
		}
		if (jc_string(j, "to", p, true, &to, e) == 1) {
			if (strcmp(to, "default") == 0) {
				is_default = true;
			} else if (prefix_parse(to, &r.dst, false) < 0) {
				cfg_error(e, jc_path(fp, p, "to"),
				    "expected \"default\" or a "
				    "network prefix with no host bits set (\"10.0.0.0/24\"), found "
				    "\"%s\"",
				    to);
				ok = false;
			}
		} else {
			ok = false;
		}
		hv = jc_ipaddr(j, "via", p, false, 0, &r.via, e);
		if (hv < 0)
			ok = false;
		hd = jc_string(j, "dev", p, false, &dev, e);
		if (hd < 0) {
			ok = false;
		} else if (hd == 1) {
			if (topo_iface_find(node, dev) == NULL) {
				char list[160];

				iface_list(node, list, sizeof(list));
				cfg_error(e, jc_path(fp, p, "dev"),
				    "expected an interface of node "
				    "\"%s\" (%s), found \"%s\"",
				    node->name, list, dev);
				ok = false;
			} else {
				snprintf(r.dev, sizeof(r.dev), "%s", dev);
			}
		} else if (hv == 0 && to != NULL && keys_ok) {
			cfg_error(e, p, "expected \"via\", \"dev\" or both");
			ok = false;
		}
		if (jc_uint(j, "metric", p, false, 0, UINT32_MAX, &metric, e) < 0)
			ok = false;
		r.metric = (unsigned)metric;
		if (!ok)
			continue;
		if (is_default) {
			r.dst.addr.family = r.via.family ? r.via.family : AF_INET;
			r.dst.len = 0;
		} else if (hv == 1 && r.via.family != r.dst.addr.family) {
			char vs[IPADDR_STRLEN];

			cfg_error(e, jc_path(fp, p, "via"),
			    "expected an %s gateway for %s, "
			    "found %s",
			    r.dst.addr.family == AF_INET ? "IPv4" : "IPv6", to,
			    ipaddr_ntop(&r.via, vs, sizeof(vs)));
			continue;
		}
		if (hv == 1) {
			size_t before = (size_t)e->count;

			route_check_via(node, &r, jc_path(fp, p, "via"), e);
			if ((size_t)e->count != before)
				continue;
		}
		for (size_t k = 0; k < node->nroutes; k++)
			if (prefix_cmp(&node->routes[k].dst, &r.dst) == 0 &&
			    node->routes[k].metric == r.metric) {
				char ds[PREFIX_STRLEN];

				cfg_error(e, p,
				    "route to %s with metric %u is already given; "
				    "expected each destination once per metric",
				    prefix_ntop(&r.dst, ds, sizeof(ds)), r.metric);
				ok = false;
				break;
			}
		if (ok)
			node->routes[node->nroutes++] = r;
	}
}

static void
topo_parse_resolvers(struct topo_node *node, const cJSON *arr, const char *path,
    struct cfg_errors *e)
{
	size_t n = child_count(arr);
	int idx = 0;

	if (n > TOPO_RESOLVERS_MAX) {
		cfg_error(e, path,
		    "expected at most %d resolvers (the C library reads no more), "
		    "found %zu",
		    TOPO_RESOLVERS_MAX, n);
		return;
	}
	node->resolvers = emu_calloc(n, sizeof(*node->resolvers));
	for (const cJSON *a = arr->child; a; a = a->next, idx++) {
		char p[CFG_PATH_MAX];

		if (jc_item_ipaddr(a, jc_path_idx(p, path, idx), 0,
			&node->resolvers[node->nresolvers], e))
			node->nresolvers++;
	}
}

static void
topo_parse_multipath(struct topo_node *node, const cJSON *j, const char *path, struct cfg_errors *e)
{
	uint64_t v;

	if (!jc_check_object(j, path, multipath_keys, e) && !cJSON_IsObject(j))
		return;
	if (jc_uint(j, "hash_policy", path, false, 0, 3, &v, e) == 1)
		node->hash_policy = (int)v;
	if (jc_uint(j, "hash_seed", path, false, 0, UINT32_MAX, &v, e) == 1) {
		node->has_hash_seed = true;
		node->hash_seed = (uint32_t)v;
	}
}

static void
topo_parse_links(struct topology *t, const cJSON *links, struct claims *cl, struct cfg_errors *e)
{
	int idx = 0;

	t->links = emu_calloc(child_count(links), sizeof(*t->links));
	for (const cJSON *j = links->child; j; j = j->next, idx++) {
		topo_parse_link(t, &t->links[t->nlinks], idx, j, cl, e);
		if (t->links[t->nlinks].name != NULL)
			t->nlinks++;
	}
}

/*
 * "node:interface" at path to an endpoint; false (said) when it is malformed
 * or names no node or interface of the topology.
 */
static bool
endpoint_resolve(struct topology *t, const cJSON *item, const char *path, struct topo_endpoint *out,
    struct cfg_errors *e)
{
	char node_name[TOPO_NAME_MAX + 1];
	const char *spec, *colon;
	struct topo_node *node = NULL;
	struct topo_iface *ifc;

	if (!jc_item_string(item, path, &spec, e))
		return false;
	colon = strchr(spec, ':');
	if (colon == NULL || colon == spec || colon[1] == '\0' || strchr(colon + 1, ':')) {
		cfg_error(e, path, "expected \"node:interface\", found \"%s\"", spec);
		return false;
	}
	if ((size_t)(colon - spec) < sizeof(node_name)) {
		snprintf(node_name, sizeof(node_name), "%.*s", (int)(colon - spec), spec);
		node = topo_node_find(t, node_name);
	}
	if (node == NULL) {
		cfg_error(e, path,
		    "node \"%.*s\" is not defined; expected a node under "
		    "\"nodes\"",
		    (int)(colon - spec), spec);
		return false;
	}
	ifc = topo_iface_find(node, colon + 1);
	if (ifc == NULL) {
		char list[160];

		iface_list(node, list, sizeof(list));
		cfg_error(e, path,
		    "node \"%s\" has no interface \"%s\"; expected one "
		    "of: %s",
		    node->name, colon + 1, list);
		return false;
	}
	out->node = node;
	out->iface = ifc;
	return true;
}

/* "kind": "veth", "lan" or "vxlan"; -1 (said) when it names none. */
static int
link_parse_kind(const cJSON *j, const char *path, enum topo_link_kind *kind, struct cfg_errors *e)
{
	const char *s;
	char p[CFG_PATH_MAX];
	int r = jc_string(j, "kind", path, false, &s, e);

	if (r <= 0)
		return r;
	for (int k = 0; k < TOPO_LINK_KIND_MAX; k++)
		if (strcmp(s, topo_link_kind_names[k]) == 0) {
			*kind = (enum topo_link_kind)k;
			return 1;
		}
	cfg_error(e, jc_path(p, path, "kind"),
	    "expected \"veth\", \"lan\" or \"vxlan\", found \"%s\"", s);
	return -1;
}

/*
 * A vxlan link's own keys: "underlay" (each endpoint's underlay interface,
 * on the same node), "vni" and "port". What needs every link parsed (the
 * underlay's own link, addresses, MTU, VNIs) is topo_check_tunnels'.
 */
static bool
link_parse_tunnel(struct topology *t, struct topo_link *l, int idx, const cJSON *j,
    const char *path, struct cfg_errors *e)
{
	struct topo_tunnel *tun = &l->tunnel;
	const cJSON *und = NULL;
	char p[CFG_PATH_MAX], up[CFG_PATH_MAX];
	uint64_t v;
	bool ok = true;
	int i = 0, r;

	if (l->ends[0].node == l->ends[1].node) {
		cfg_error(e, jc_path(p, path, "endpoints"),
		    "both ends are on node \"%s\"; expected a tunnel between two nodes",
		    l->ends[0].node->name);
		ok = false;
	}
	tun->port = TOPO_VXLAN_PORT;
	r = jc_uint(j, "port", path, false, 1, 65535, &v, e);
	if (r < 0)
		ok = false;
	else if (r == 1)
		tun->port = (uint16_t)v;
	tun->vni = TOPO_VXLAN_VNI_BASE + (uint32_t)idx;
	r = jc_uint(j, "vni", path, false, 1, TOPO_VXLAN_VNI_MAX, &v, e);
	if (r < 0) {
		ok = false;
	} else if (r == 1) {
		tun->vni = (uint32_t)v;
		tun->vni_given = true;
	}
	if (jc_typed(j, "underlay", path, true, cJSON_Array, &und, e) != 1)
		return false;
	jc_path(p, path, "underlay");
	if (child_count(und) != 2) {
		cfg_error(e, p,
		    "expected 2 underlay interfaces (one per endpoint, in the same order), "
		    "found %zu",
		    child_count(und));
		return false;
	}
	for (const cJSON *u = und->child; u; u = u->next, i++) {
		struct topo_endpoint *ue = &tun->underlay[i];

		jc_path_idx(up, p, i);
		if (!endpoint_resolve(t, u, up, ue, e)) {
			ok = false;
			continue;
		}
		if (ue->node != l->ends[i].node) {
			cfg_error(e, up,
			    "\"%s:%s\" is not on node \"%s\"; expected an interface of the node "
			    "of endpoints[%d]",
			    ue->node->name, ue->iface->name, l->ends[i].node->name, i);
			ok = false;
		} else if (ue->iface == l->ends[i].iface) {
			cfg_error(e, up,
			    "\"%s:%s\" is the tunnel's own endpoint; expected the interface its "
			    "packets travel through",
			    ue->node->name, ue->iface->name);
			ok = false;
		}
	}
	return ok;
}

static void
topo_parse_link(struct topology *t, struct topo_link *l, int idx, const cJSON *j, struct claims *cl,
    struct cfg_errors *e)
{
	static const char *const tunnel_only[] = { "underlay", "vni", "port", NULL };
	const cJSON *eps = NULL;
	const char *name = NULL;
	char path[CFG_PATH_MAX], p[CFG_PATH_MAX];
	bool sw = false, has_sw, has_kind, ok = true;
	size_t n;
	int i = 0, before = e->count;

	jc_path_idx(path, "links", idx);
	if (!jc_check_object(j, path, link_keys, e) && !cJSON_IsObject(j))
		return;
	if (jc_string(j, "name", path, false, &name, e) == 1) {
		if (!name_valid(name, TOPO_LINK_NAME_MAX, true)) {
			cfg_error(e, jc_path(p, path, "name"),
			    "expected a link name of 1 to %d "
			    "characters from " NAME_CHARS ", found \"%s\"",
			    TOPO_LINK_NAME_MAX, name);
			ok = false;
		} else {
			for (size_t k = 0; k < t->nlinks; k++)
				if (strcmp(t->links[k].name, name) == 0) {
					cfg_error(e, jc_path(p, path, "name"),
					    "duplicate link "
					    "name \"%s\"; expected each link name once",
					    name);
					ok = false;
				}
		}
	}
	has_sw = jc_bool(j, "switch", path, false, &sw, e) == 1;
	l->kind = TOPO_LINK_VETH;
	switch (link_parse_kind(j, path, &l->kind, e)) {
	case -1:
		ok = false;
		/* FALLTHROUGH */
	case 0:
		has_kind = false;
		break;
	default:
		has_kind = true;
	}
	if (has_kind && l->kind != TOPO_LINK_VXLAN) {
		for (int k = 0; tunnel_only[k] != NULL; k++)
			if (cJSON_GetObjectItemCaseSensitive(j, tunnel_only[k]) != NULL) {
				cfg_error(e, jc_path(p, path, tunnel_only[k]),
				    "only a \"vxlan\" link has \"%s\"; expected none for a "
				    "\"%s\" link",
				    tunnel_only[k], topo_link_kind_names[l->kind]);
				ok = false;
			}
	}
	if (has_kind && has_sw && sw != (l->kind == TOPO_LINK_LAN)) {
		cfg_error(e, jc_path(p, path, "switch"), "expected %s \"switch\" for a \"%s\" link",
		    l->kind == TOPO_LINK_LAN ? "true or no" : "false or no",
		    topo_link_kind_names[l->kind]);
		ok = false;
	}
	if (jc_typed(j, "endpoints", path, true, cJSON_Array, &eps, e) != 1)
		return;
	n = child_count(eps);
	jc_path(p, path, "endpoints");
	if (n < 2) {
		cfg_error(e, p, "expected at least 2 endpoints, found %zu", n);
		return;
	}
	if (has_kind && l->kind != TOPO_LINK_LAN && n != 2) {
		cfg_error(e, p, "expected exactly 2 endpoints for a \"%s\" link, found %zu",
		    topo_link_kind_names[l->kind], n);
		return;
	}
	if (!has_kind && n > 2 && has_sw && !sw) {
		cfg_error(e, jc_path(p, path, "switch"),
		    "expected true or no \"switch\" for a "
		    "link of %zu endpoints: more than two endpoints always make a LAN",
		    n);
		ok = false;
	}
	if (!has_kind && (n > 2 || sw))
		l->kind = TOPO_LINK_LAN;
	l->lan = l->kind == TOPO_LINK_LAN;
	if (l->lan && name == NULL) {
		cfg_error(e, path,
		    "expected a \"name\" for a LAN link (%zu endpoints%s): its "
		    "bridge needs one",
		    n, sw ? ", switch" : "");
		ok = false;
	}
	l->ends = emu_calloc(n, sizeof(*l->ends));
	for (const cJSON *ep = eps->child; ep; ep = ep->next, i++) {
		char ep_path[CFG_PATH_MAX];
		struct topo_endpoint end;
		int *claim;

		jc_path_idx(ep_path, p, i);
		if (!endpoint_resolve(t, ep, ep_path, &end, e)) {
			ok = false;
			continue;
		}
		claim = &cl->link[cl->first[end.node - t->nodes] +
		    (size_t)(end.iface - end.node->ifaces)];
		if (*claim == idx + 1) {
			cfg_error(e, ep_path,
			    "\"%s\" is already an endpoint of this link; "
			    "expected each interface once",
			    ep->valuestring);
			ok = false;
			continue;
		}
		if (*claim != 0) {
			cfg_error(e, ep_path,
			    "\"%s\" is already an endpoint of links[%d]; "
			    "expected each interface in one link only",
			    ep->valuestring, *claim - 1);
			ok = false;
			continue;
		}
		*claim = idx + 1;
		l->ends[l->nends++] = end;
	}
	if (ok && l->kind == TOPO_LINK_VXLAN && l->nends == 2)
		ok = link_parse_tunnel(t, l, idx, j, path, e);
	if (!ok || e->count > before) {
		free(l->ends);
		memset(l, 0, sizeof(*l));
		return;
	}
	if (name != NULL) {
		l->name = emu_strdup(name);
	} else {
		char buf[2 * (TOPO_NAME_MAX + IFNAMSIZ + 1) + 4];

		snprintf(buf, sizeof(buf), "%s:%s--%s:%s", l->ends[0].node->name,
		    l->ends[0].iface->name, l->ends[1].node->name, l->ends[1].iface->name);
		l->name = emu_strdup(buf);
	}
	for (size_t k = 0; k < l->nends; k++)
		l->ends[k].iface->link = l;
}

/* The first address of ifc of the given family that is not link-local, or NULL. */
static const struct prefix *
iface_first_addr(const struct topo_iface *ifc, int family)
{
	for (size_t k = 0; k < ifc->naddrs; k++)
		if (ifc->addrs[k].addr.family == family && !prefix_is_link_local(&ifc->addrs[k]))
			return &ifc->addrs[k];
	return NULL;
}

/* The path of a key of a node's interface: nodes.NODE.interfaces.IFACE.key */
static const char *
iface_key_path(char *p, const struct topo_iface *ifc, const char *key)
{
	char a[CFG_PATH_MAX], b[CFG_PATH_MAX];

	jc_path(a, "nodes", ifc->node->name);
	jc_path(b, a, "interfaces");
	jc_path(a, b, ifc->name);
	return jc_path(p, a, key);
}

/*
 * The tunnel interface of end m fits inside its underlay's MTU less the
 * encapsulation (over bytes); without an MTU of its own it gets the largest
 * that does.
 */
static void
tunnel_check_mtu(const struct topo_link *link, int m, unsigned over, const char *family,
    struct cfg_errors *e)
{
	const struct topo_iface *ui = link->tunnel.underlay[m].iface;
	struct topo_iface *ti = link->ends[m].iface;
	unsigned under = ui->mtu ? ui->mtu : TOPO_DEFAULT_MTU;
	char p[CFG_PATH_MAX];

	if (under < TOPO_MIN_MTU + over)
		cfg_error(e, iface_key_path(p, ui, "mtu"),
		    "expected at least %u for the underlay of link \"%s\" (%d for the tunnel "
		    "plus %u bytes of VXLAN over %s), found %u",
		    TOPO_MIN_MTU + over, link->name, TOPO_MIN_MTU, over, family, under);
	else if (ti->mtu == 0)
		ti->mtu = under - over;
	else if (ti->mtu > under - over)
		cfg_error(e, iface_key_path(p, ti, "mtu"),
		    "expected at most %u for the tunnel of link \"%s\" (%s's MTU %u less %u "
		    "bytes of VXLAN over %s), found %u",
		    under - over, link->name, ui->name, under, over, family, ti->mtu);
}

/*
 * Checks of vxlan links that need every link: each underlay interface is on
 * a veth or LAN link; the two have an address family in common (the first
 * usable address of underlay[0] whose family underlay[1] has too picks it);
 * the tunnel interfaces' MTU leaves room for the encapsulation (the
 * largest that does is their default); VNIs are unique in the lab. Run
 * only when every link parsed, so t->links[l] is links[l] of the file.
 */
static void
topo_check_tunnels(struct topology *t, struct cfg_errors *e)
{
	for (size_t l = 0; l < t->nlinks; l++) {
		struct topo_link *link = &t->links[l];
		struct topo_tunnel *tun = &link->tunnel;
		const struct prefix *a = NULL, *b = NULL;
		char path[CFG_PATH_MAX], p[CFG_PATH_MAX], p2[CFG_PATH_MAX];
		bool ok = true;

		if (link->kind != TOPO_LINK_VXLAN)
			continue;
		jc_path_idx(path, "links", (int)l);
		for (int m = 0; m < 2; m++) {
			const struct topo_link *ul = tun->underlay[m].iface->link;

			jc_path_idx(p2, jc_path(p, path, "underlay"), m);
			if (ul == NULL) {
				ok = false; /* topo_check_unlinked says so */
			} else if (ul->kind == TOPO_LINK_VXLAN) {
				cfg_error(e, p2,
				    "\"%s:%s\" is an endpoint of vxlan link \"%s\"; expected "
				    "an interface on a veth or lan link",
				    tun->underlay[m].node->name, tun->underlay[m].iface->name,
				    ul->name);
				ok = false;
			}
		}
		for (size_t k = 0; ok && a == NULL && k < tun->underlay[0].iface->naddrs; k++) {
			const struct prefix *c = &tun->underlay[0].iface->addrs[k];

			if (prefix_is_link_local(c))
				continue;
			b = iface_first_addr(tun->underlay[1].iface, c->addr.family);
			if (b != NULL)
				a = c;
		}
		if (ok && a == NULL) {
			cfg_error(e, jc_path(p, path, "underlay"),
			    "%s:%s and %s:%s have no address family in common; expected an "
			    "IPv4 or IPv6 address (not link-local) on both for the tunnel's "
			    "ends",
			    tun->underlay[0].node->name, tun->underlay[0].iface->name,
			    tun->underlay[1].node->name, tun->underlay[1].iface->name);
			ok = false;
		}
		if (ok) {
			bool v6 = a->addr.family == AF_INET6;
			unsigned over = v6 ? TOPO_VXLAN_OVERHEAD_V6 : TOPO_VXLAN_OVERHEAD_V4;

			tun->local[0] = a->addr;
			tun->local[1] = b->addr;
			for (int m = 0; m < 2; m++)
				tunnel_check_mtu(link, m, over, v6 ? "IPv6" : "IPv4", e);
		}
		for (size_t k = 0; k < l; k++) {
			if (t->links[k].kind != TOPO_LINK_VXLAN ||
			    t->links[k].tunnel.vni != tun->vni)
				continue;
			cfg_error(e, tun->vni_given ? jc_path(p, path, "vni") : path,
			    "VNI %u%s is already links[%zu]'s; expected each tunnel's VNI once "
			    "in a lab",
			    tun->vni,
			    tun->vni_given ? "" : " (the default, 100 + the link's index)", k);
			break;
		}
	}
}

/* Every interface must be an endpoint: nothing else creates it. */
static void
topo_check_unlinked(struct topology *t, const struct claims *cl, struct cfg_errors *e)
{
	for (size_t n = 0; n < t->nnodes; n++)
		for (size_t i = 0; i < t->nodes[n].nifaces; i++) {
			const struct topo_iface *ifc = &t->nodes[n].ifaces[i];
			char p[CFG_PATH_MAX], base[CFG_PATH_MAX];

			if (cl->link[cl->first[n] + i] != 0)
				continue;
			jc_path(p, "nodes", t->nodes[n].name);
			jc_path(base, p, "interfaces");
			jc_path(p, base, ifc->name);
			cfg_error(e, p,
			    "not an endpoint of any link; expected each interface in "
			    "exactly one link under \"links\"");
		}
}

static void
addr_path(char *p, const struct topo_node *node, const struct topo_iface *ifc, size_t k)
{
	char a[CFG_PATH_MAX], b[CFG_PATH_MAX];

	jc_path(a, "nodes", node->name);
	jc_path(b, a, "interfaces");
	jc_path(a, b, ifc->name);
	jc_path(b, a, "addresses");
	jc_path_idx(p, b, (int)k);
}

/*
 * On one node: an address on two interfaces (or an interface and the
 * loopback), or two interfaces on overlapping subnets. IPv6 link-local
 * addresses are per link and exempt. One error per address at most.
 */
static void
node_check_addr(const struct topo_node *node, size_t i, size_t k, struct cfg_errors *e)
{
	const struct prefix *pa = &node->ifaces[i].addrs[k];
	char p[CFG_PATH_MAX], s1[PREFIX_STRLEN], s2[PREFIX_STRLEN];

	if (prefix_is_link_local(pa))
		return;
	addr_path(p, node, &node->ifaces[i], k);
	for (size_t l = 0; l < node->nloopback; l++)
		if (ipaddr_eq(&node->loopback[l].addr, &pa->addr)) {
			cfg_error(e, p,
			    "address %s is also loopback[%zu] of this node; expected "
			    "each address once per node",
			    ipaddr_ntop(&pa->addr, s1, sizeof(s1)), l);
			return;
		}
	for (size_t j = 0; j < i; j++) {
		const struct topo_iface *b = &node->ifaces[j];

		for (size_t m = 0; m < b->naddrs; m++) {
			const struct prefix *pb = &b->addrs[m];

			if (ipaddr_eq(&pa->addr, &pb->addr)) {
				cfg_error(e, p,
				    "address %s is also on %s of this node; expected "
				    "each address once per node",
				    ipaddr_ntop(&pa->addr, s1, sizeof(s1)), b->name);
				return;
			}
			if (prefix_overlaps(pa, pb) && !prefix_is_link_local(pb)) {
				cfg_error(e, p,
				    "%s overlaps %s on %s of this node; expected each "
				    "interface on a subnet of its own",
				    prefix_ntop(pa, s1, sizeof(s1)),
				    prefix_ntop(pb, s2, sizeof(s2)), b->name);
				return;
			}
		}
	}
}

static void
topo_check_node_addrs(struct topology *t, struct cfg_errors *e)
{
	for (size_t n = 0; n < t->nnodes; n++)
		for (size_t i = 0; i < t->nodes[n].nifaces; i++)
			for (size_t k = 0; k < t->nodes[n].ifaces[i].naddrs; k++)
				node_check_addr(&t->nodes[n], i, k, e);
}

/*
 * One segment (link) must not carry the same address on two members;
 * two interfaces of one node are the node check's business.
 */
static void
link_check_addr(const struct topo_link *link, size_t i, size_t k, struct cfg_errors *e)
{
	const struct topo_iface *a = link->ends[i].iface;
	char p[CFG_PATH_MAX], s[IPADDR_STRLEN];

	for (size_t j = 0; j < i; j++) {
		const struct topo_iface *b = link->ends[j].iface;

		if (b->node == a->node || !iface_has_addr(b, &a->addrs[k].addr))
			continue;
		addr_path(p, a->node, a, k);
		cfg_error(e, p,
		    "address %s clashes with %s:%s on link \"%s\"; expected each "
		    "address once per segment",
		    ipaddr_ntop(&a->addrs[k].addr, s, sizeof(s)), b->node->name, b->name,
		    link->name);
		return;
	}
}

/*
 * A member's anycast address (loopback) must not be another member's
 * interface address on the same segment: the loopback's node answers ARP
 * and neighbour solicitations for it on that segment too (Linux answers for
 * any local address on any interface), so the neighbours would reach either
 * node for the unicast address.
 */
static void
link_check_loopback(const struct topo_link *link, size_t i, struct cfg_errors *e)
{
	const struct topo_node *n = link->ends[i].iface->node;
	char p[CFG_PATH_MAX], base[CFG_PATH_MAX], s[IPADDR_STRLEN];

	for (size_t l = 0; l < n->nloopback; l++) {
		for (size_t j = 0; j < link->nends; j++) {
			const struct topo_iface *b = link->ends[j].iface;

			if (b->node == n || !iface_has_addr(b, &n->loopback[l].addr))
				continue;
			snprintf(base, sizeof(base), "nodes.%s.loopback", n->name);
			jc_path_idx(p, base, (int)l);
			cfg_error(e, p,
			    "address %s is also the address of %s:%s on link \"%s\", where %s "
			    "is too; expected an anycast address that is no neighbour's unicast "
			    "address",
			    ipaddr_ntop(&n->loopback[l].addr, s, sizeof(s)), b->node->name, b->name,
			    link->name, n->name);
			break;
		}
	}
}

static void
topo_check_segments(struct topology *t, struct cfg_errors *e)
{
	for (size_t l = 0; l < t->nlinks; l++)
		for (size_t i = 0; i < t->links[l].nends; i++) {
			for (size_t k = 0; k < t->links[l].ends[i].iface->naddrs; k++)
				link_check_addr(&t->links[l], i, k, e);
			link_check_loopback(&t->links[l], i, e);
		}
}

void
topo_free(struct topology *t)
{
	if (t == NULL)
		return;
	for (size_t n = 0; n < t->nnodes; n++) {
		struct topo_node *node = &t->nodes[n];

		for (size_t i = 0; i < node->nifaces; i++)
			free(node->ifaces[i].addrs);
		free(node->ifaces);
		free(node->loopback);
		free(node->routes);
		free(node->resolvers);
		free(node->name);
	}
	free(t->nodes);
	free(t->by_name);
	for (size_t l = 0; l < t->nlinks; l++) {
		free(t->links[l].ends);
		free(t->links[l].name);
	}
	free(t->links);
	cJSON_Delete(t->root);
	free(t->name);
	free(t->file);
	free(t);
}

bool
topo_lab_name_valid(const char *name)
{
	return name_valid(name, TOPO_LAB_NAME_MAX, false);
}

/*
 * The nodes by name, kept sorted as they are read (insertion into a sorted
 * array: memmove of pointers, cheap next to parsing a node), so that
 * endpoints, duplicates and commands find a node in O(log n).
 */
static void
topo_index_add(struct topology *t, struct topo_node *node)
{
	size_t lo = 0, hi = t->nindexed;

	if (t->by_name == NULL)
		t->by_name = emu_calloc(t->nnodes_cap ? t->nnodes_cap : 1, sizeof(*t->by_name));
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(t->by_name[mid]->name, node->name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&t->by_name[lo + 1], &t->by_name[lo], (t->nindexed - lo) * sizeof(*t->by_name));
	t->by_name[lo] = node;
	t->nindexed++;
}

struct topo_node *
topo_node_find(const struct topology *t, const char *name)
{
	size_t lo = 0, hi = t->nindexed;

	if (t->by_name == NULL || t->nindexed != t->nnodes) {
		for (size_t n = 0; n < t->nnodes; n++)
			if (strcmp(t->nodes[n].name, name) == 0)
				return &t->nodes[n];
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->by_name[mid]->name, name);

		if (c == 0)
			return t->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct topo_iface *
topo_iface_find(const struct topo_node *node, const char *name)
{
	for (size_t i = 0; i < node->nifaces; i++)
		if (strcmp(node->ifaces[i].name, name) == 0)
			return &node->ifaces[i];
	return NULL;
}

struct topo_link *
topo_link_find(const struct topology *t, const char *name)
{
	for (size_t l = 0; l < t->nlinks; l++)
		if (strcmp(t->links[l].name, name) == 0)
			return &t->links[l];
	return NULL;
}

int
topo_endpoint_find(const struct topology *t, const char *spec, struct topo_endpoint *out)
{
	const char *colon = strchr(spec, ':');
	char node_name[TOPO_NAME_MAX];

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(node_name))
		return -1;
	memcpy(node_name, spec, (size_t)(colon - spec));
	node_name[colon - spec] = '\0';
	out->node = topo_node_find(t, node_name);
	if (out->node == NULL)
		return -1;
	out->iface = topo_iface_find(out->node, colon + 1);
	return out->iface ? 0 : -1;
}

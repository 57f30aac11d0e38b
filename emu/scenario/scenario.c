/*
 * Scenario parser: the "scenarios" object of a topology (or of the file
 * beside it) into struct scenario, every error with its JSON path. The
 * format is documented in docs/scenarios.md; keep the two in step.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_proto.h"
#include "log.h"
#include "anylab.h"
#include "scenario.h"
#include "strbuf.h"
#include "topo.h"

const char *const scn_kind_names[SCN_KIND_COUNT] = {
	[SCN_WAIT] = "wait",
	[SCN_DISABLE] = "disable",
	[SCN_ENABLE] = "enable",
	[SCN_CUT] = "cut",
	[SCN_RESTORE] = "restore",
	[SCN_IMPAIR] = "impair",
	[SCN_CLEAR] = "clear",
	[SCN_KILL] = "kill",
	[SCN_STOP] = "stop",
	[SCN_START] = "start",
	[SCN_WITHDRAW] = "withdraw",
	[SCN_ANNOUNCE] = "announce",
	[SCN_DRAIN] = "drain",
	[SCN_UNDRAIN] = "undrain",
	[SCN_ANSWERED] = "answered",
	[SCN_INSTANCES] = "instances",
	[SCN_NEXTHOPS] = "nexthops",
	[SCN_SESSION] = "session",
	[SCN_LOST] = "lost",
	[SCN_STAYED] = "stayed",
	[SCN_NO_ANSWER] = "no_answer",
};

const char *const scn_transport_names[SCN_TR_COUNT] = {
	[SCN_TR_UDP] = "udp",
	[SCN_TR_TCP] = "tcp",
};

const char *const scn_session_state_names[SCN_SS_COUNT] = {
	[SCN_SS_IDLE] = "idle",
	[SCN_SS_CONNECT] = "connect",
	[SCN_SS_ACTIVE] = "active",
	[SCN_SS_OPENSENT] = "opensent",
	[SCN_SS_OPENCONFIRM] = "openconfirm",
	[SCN_SS_ESTABLISHED] = "established",
	[SCN_SS_DOWN] = "down",
};

#define DEFAULT_WITHIN_MS  10000
#define DEFAULT_RATE	   100
#define DEFAULT_TIMEOUT_MS 1000
#define DEFAULT_LEAD_IN_MS 1000
#define MIN_RATE	   0.1 /* a query every 10 s */
#define MAX_RATE	   10000
#define MAX_SECONDS	   3600.0

static char beside_file[PATH_MAX];

int
scn_undo_kind(enum scn_kind fault)
{
	switch (fault) {
	case SCN_DISABLE:
		return SCN_ENABLE;
	case SCN_CUT:
		return SCN_RESTORE;
	case SCN_IMPAIR:
		return SCN_CLEAR;
	case SCN_KILL:
	case SCN_STOP:
		return SCN_START;
	case SCN_WITHDRAW:
		return SCN_ANNOUNCE;
	case SCN_DRAIN:
		return SCN_UNDRAIN;
	default:
		return -1;
	}
}

static bool
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The same targets, in any order (a list is one fault; its undo names the same list). */
static bool
same_targets(const struct scn_step *a, const struct scn_step *b)
{
	if (a->ntargets <= 1 && b->ntargets <= 1)
		return streq_null(a->node, b->node) && streq_null(a->iface, b->iface);
	if (a->ntargets != b->ntargets)
		return false;
	for (size_t i = 0; i < a->ntargets; i++) {
		bool found = false;

		for (size_t j = 0; j < b->ntargets && !found; j++)
			found = streq_null(a->targets[i].node, b->targets[j].node) &&
			    streq_null(a->targets[i].iface, b->targets[j].iface);
		if (!found)
			return false;
	}
	return true;
}

bool
scn_step_undoes(const struct scn_step *a, const struct scn_step *b)
{
	if (scn_undo_kind(a->kind) != (int)b->kind)
		return false;
	if (!same_targets(a, b))
		return false;
	if (a->kind == SCN_KILL || a->kind == SCN_STOP)
		return strcmp(a->daemon, b->daemon) == 0;
	if (a->kind == SCN_WITHDRAW)
		return prefix_cmp(&a->prefix, &b->prefix) == 0;
	/* An undrain of every prefix undoes any drain of the node; one of a prefix, its drain. */
	if (a->kind == SCN_DRAIN)
		return b->prefix.addr.family == 0 ||
		    (a->prefix.addr.family != 0 && prefix_cmp(&a->prefix, &b->prefix) == 0);
	return true;
}

/* A duration in seconds (a JSON number, fractions allowed) as milliseconds. */
static int
get_seconds(const cJSON *obj, const char *key, const char *path, bool required, double min,
    uint64_t *ms, struct cfg_errors *e)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[CFG_PATH_MAX];

	jc_path(p, path, key);
	if (it == NULL) {
		if (required)
			cfg_error(e, p, "missing; this key is required");
		return 0;
	}
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < min ||
	    it->valuedouble > MAX_SECONDS) {
		cfg_error(e, p, "expected a number of seconds from %g to %g", min, MAX_SECONDS);
		return -1;
	}
	*ms = (uint64_t)llround(it->valuedouble * 1000.0);
	return 1;
}

/* The topology's own node lookup (topo_node_find), the one every verb uses. */
static bool
topo_has_node(const struct topology *topo, const char *name, const struct topo_node **out)
{
	const struct topo_node *n = topo != NULL ? topo_node_find(topo, name) : NULL;

	if (n != NULL && out != NULL)
		*out = n;
	return n != NULL;
}

static bool
node_has_iface(const struct topo_node *n, const char *name)
{
	for (size_t i = 0; i < n->nifaces; i++)
		if (strcmp(n->ifaces[i].name, name) == 0)
			return true;
	return false;
}

/* Append a target to st (its first one also as st->node, st->iface). */
static void
add_target(struct scn_step *st, const char *node, const char *iface)
{
	struct scn_target *t;

	st->targets = realloc(st->targets, (st->ntargets + 1) * sizeof(*st->targets));
	if (st->targets == NULL)
		fatal("out of memory");
	t = &st->targets[st->ntargets++];
	t->node = emu_strdup(node);
	t->iface = iface != NULL ? emu_strdup(iface) : NULL;
	if (st->ntargets == 1) {
		st->node = emu_strdup(node);
		st->iface = iface != NULL ? emu_strdup(iface) : NULL;
	}
}

/*
 * The value of key: one string, or (list true) a non-empty array of
 * strings, each given to one(). 0 when every one was accepted, else -1.
 */
static int
get_strings(const cJSON *obj, const char *key, const char *path, bool list,
    int (*one)(const char *s, const char *p, const struct topology *, struct scn_step *,
	struct cfg_errors *),
    const struct topology *topo, struct scn_step *st, struct cfg_errors *e)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[CFG_PATH_MAX], ip[CFG_PATH_MAX];
	const char *str;
	int i = 0, bad = 0;

	jc_path(p, path, key);
	if (it == NULL) {
		cfg_error(e, p, "missing; this key is required");
		return -1;
	}
	if (cJSON_IsString(it))
		return one(it->valuestring, p, topo, st, e);
	if (!list) {
		jc_item_string(it, p, &str, e); /* says what it found */
		return -1;
	}
	if (!cJSON_IsArray(it)) {
		cfg_error(e, p, "expected a string or a list of strings");
		return -1;
	}
	if (cJSON_GetArraySize(it) == 0) {
		cfg_error(e, p, "expected at least one target");
		return -1;
	}
	for (const cJSON *el = it->child; el != NULL; el = el->next) {
		jc_path_idx(ip, p, i++);
		if (!jc_item_string(el, ip, &str, e)) {
			bad = 1;
		} else if (one(str, ip, topo, st, e) < 0) {
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

static int
one_node(const char *s, const char *p, const struct topology *topo, struct scn_step *st,
    struct cfg_errors *e)
{
	if (topo && !topo_has_node(topo, s, NULL)) {
		cfg_error(e, p, "expected a node of the topology, found \"%s\"", s);
		return -1;
	}
	for (size_t i = 0; i < st->ntargets; i++) {
		if (strcmp(st->targets[i].node, s) == 0) {
			cfg_error(e, p, "node %s is already a target of this step", s);
			return -1;
		}
	}
	add_target(st, s, NULL);
	return 0;
}

/* "node": "NAME", or for actions a list of names. *node: the first one's, when found. */
static int
get_node(const cJSON *obj, const char *path, const struct topology *topo, struct scn_step *st,
    const struct topo_node **node, struct cfg_errors *e)
{
	if (get_strings(obj, "node", path, scn_is_action(st->kind), one_node, topo, st, e) < 0)
		return -1;
	if (topo && node != NULL)
		topo_has_node(topo, st->node, node);
	if (!scn_is_action(st->kind)) {
		/* Expectations name one node and keep no target list. */
		free(st->targets[0].node);
		free(st->targets);
		st->targets = NULL;
		st->ntargets = 0;
	}
	return 0;
}

/* Every target node runs a BGP speaker. */
static void
check_bgp_targets(const struct scn_step *st, const char *path, const struct topology *topo,
    struct cfg_errors *e)
{
	char p[CFG_PATH_MAX], ip[CFG_PATH_MAX];

	jc_path(p, path, "node");
	for (size_t i = 0; topo && i < st->ntargets; i++) {
		const struct topo_node *n = topo_node_find(topo, st->targets[i].node);

		if (st->ntargets > 1)
			jc_path_idx(ip, p, (int)i);
		if (n != NULL && n->bgp == NULL)
			cfg_error(e, st->ntargets > 1 ? ip : p, "node %s runs no BGP speaker",
			    n->name);
	}
}

/* "NODE:IFACE" */
static int
one_iface(const char *s, const char *p, const struct topology *topo, struct scn_step *st,
    struct cfg_errors *e)
{
	const char *colon = strchr(s, ':');
	const struct topo_node *node = NULL;
	size_t nlen = colon ? (size_t)(colon - s) : 0;
	char nname[256];

	if (colon == NULL || nlen == 0 || colon[1] == '\0' || nlen >= sizeof(nname) ||
	    strlen(colon + 1) >= 16 || strchr(colon + 1, ':')) {
		cfg_error(e, p, "expected \"NODE:IFACE\", found \"%s\"", s);
		return -1;
	}
	memcpy(nname, s, nlen);
	nname[nlen] = '\0';
	if (topo) {
		if (!topo_has_node(topo, nname, &node)) {
			cfg_error(e, p, "expected a node of the topology, found \"%s\"", nname);
			return -1;
		}
		if (!node_has_iface(node, colon + 1)) {
			cfg_error(e, p, "node %s has no interface \"%s\"", nname, colon + 1);
			return -1;
		}
	}
	for (size_t i = 0; i < st->ntargets; i++) {
		if (strcmp(st->targets[i].node, nname) == 0 &&
		    strcmp(st->targets[i].iface, colon + 1) == 0) {
			cfg_error(e, p, "%s is already a target of this step", s);
			return -1;
		}
	}
	add_target(st, nname, colon + 1);
	return 0;
}

/* "iface": "node:iface", or a list of them. */
static int
get_iface(const cJSON *obj, const char *path, const struct topology *topo, struct scn_step *st,
    struct cfg_errors *e)
{
	return get_strings(obj, "iface", path, true, one_iface, topo, st, e);
}

static int
get_daemon(const cJSON *obj, const char *path, const struct topo_node *node, struct scn_step *st,
    struct cfg_errors *e)
{
	const char *s;
	char p[CFG_PATH_MAX];
	bool builtin;
	int r = jc_string(obj, "daemon", path, true, &s, e);

	if (r <= 0)
		return -1;
	jc_path(p, path, "daemon");
	builtin = strcmp(s, "dns") == 0 || strcmp(s, "bgp") == 0;
	if (strlen(s) >= sizeof(st->daemon) || (!builtin && node == NULL)) {
		cfg_error(e, p,
		    "expected \"dns\", \"bgp\" or a name in the node's \"services\", "
		    "found \"%s\"",
		    s);
		return -1;
	}
	snprintf(st->daemon, sizeof(st->daemon), "%s", s);
	if (node == NULL)
		return 0;
	if (builtin && (strcmp(s, "dns") == 0 ? node->dns : node->bgp) == NULL) {
		cfg_error(e, p, "node %s runs no %s daemon (no \"%s\" section)", node->name, s, s);
		return -1;
	}
	if (!builtin &&
	    (node->services == NULL ||
		cJSON_GetObjectItemCaseSensitive(node->services, s) == NULL)) {
		cfg_error(e, p,
		    "expected \"dns\", \"bgp\" or a name in node %s's \"services\", "
		    "found \"%s\"",
		    node->name, s);
		return -1;
	}
	return 0;
}

static bool
is_probe_client(const struct scenario *s, const char *name)
{
	for (size_t i = 0; i < s->probe.nclients; i++)
		if (strcmp(s->probe.clients[i], name) == 0)
			return true;
	return false;
}

static int
get_inst(const cJSON *obj, const char *key, const char *path, char *out, struct cfg_errors *e)
{
	const char *s;
	char p[CFG_PATH_MAX];
	int r = jc_string(obj, key, path, false, &s, e);

	if (r <= 0)
		return r;
	if (s[0] == '\0' || strlen(s) >= SCN_INST_MAX) {
		cfg_error(e, jc_path(p, path, key),
		    "expected an instance name of 1 to %d characters", SCN_INST_MAX - 1);
		return -1;
	}
	snprintf(out, SCN_INST_MAX, "%s", s);
	return 1;
}

/* A site name (a node's "site" in the topology, when there is one) under key. 1, 0 absent, -1. */
static int
get_site(const cJSON *obj, const char *key, const char *path, const struct topology *topo,
    char out[TOPO_SITE_MAX], struct cfg_errors *e)
{
	const char *s;
	char p[CFG_PATH_MAX];
	bool found = topo == NULL;
	int r = jc_string(obj, key, path, false, &s, e);

	if (r <= 0)
		return r;
	jc_path(p, path, key);
	if (s[0] == '\0' || strlen(s) >= TOPO_SITE_MAX) {
		cfg_error(e, p, "expected a site name of 1 to %d characters", TOPO_SITE_MAX - 1);
		return -1;
	}
	for (size_t i = 0; !found && i < topo->nnodes; i++)
		found = strcmp(topo->nodes[i].site, s) == 0;
	if (!found) {
		cfg_error(e, p, "expected the \"site\" of a node of the topology, found \"%s\"", s);
		return -1;
	}
	snprintf(out, TOPO_SITE_MAX, "%s", s);
	return 1;
}

/*
 * "clients": [names], "clients_of": "INSTANCE", "site" or "not_site":
 * "SITE", in any combination but site with not_site; none: every probed
 * client.
 */
static int
get_clients(const cJSON *obj, const char *path, const struct topology *topo,
    const struct scenario *s, struct scn_clients *c, struct cfg_errors *e)
{
	const cJSON *arr, *it;
	char p[CFG_PATH_MAX], ip[CFG_PATH_MAX];
	int r, i = 0, bad = 0;

	if (get_inst(obj, "clients_of", path, c->of, e) < 0)
		bad = 1;
	r = get_site(obj, "site", path, topo, c->site, e);
	if (r < 0)
		bad = 1;
	if (r == 0) {
		r = get_site(obj, "not_site", path, topo, c->site, e);
		c->not_site = r > 0;
		bad |= r < 0;
	} else if (cJSON_GetObjectItemCaseSensitive(obj, "not_site") != NULL) {
		cfg_error(e, jc_path(p, path, "not_site"),
		    "expected \"site\" or \"not_site\", not both");
		bad = 1;
	}
	r = jc_typed(obj, "clients", path, false, cJSON_Array, &arr, e);
	if (r < 0)
		return -1;
	if (r == 0)
		return bad ? -1 : 0;
	jc_path(p, path, "clients");
	if (cJSON_GetArraySize(arr) == 0) {
		cfg_error(e, p, "expected at least one client");
		return -1;
	}
	c->names = emu_calloc((size_t)cJSON_GetArraySize(arr), sizeof(char *));
	cJSON_ArrayForEach(it, arr) {
		const char *name;

		jc_path_idx(ip, p, i++);
		if (!jc_item_string(it, ip, &name, e)) {
			bad = 1;
			continue;
		}
		if (!is_probe_client(s, name)) {
			cfg_error(e, ip, "expected a client named in probe.clients, found \"%s\"",
			    name);
			bad = 1;
			continue;
		}
		c->names[c->n++] = emu_strdup(name);
	}
	return bad ? -1 : 0;
}

/*
 * clients "all": in the topology's order, every node with a resolver that
 * runs neither a BGP speaker nor a DNS responder.
 */
static void
probe_all_clients(const struct topology *topo, struct scn_probe *pr)
{
	pr->clients = emu_calloc(topo->nnodes + 1, sizeof(char *));
	for (size_t k = 0; k < topo->nnodes; k++) {
		const struct topo_node *n = &topo->nodes[k];

		if (n->nresolvers > 0 && n->bgp == NULL && n->dns == NULL)
			pr->clients[pr->nclients++] = emu_strdup(n->name);
	}
}

static int
name_idx_cmp(const void *a, const void *b, void *arg)
{
	char **names = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(names[x], names[y]);

	return c ? c : (x > y) - (x < y);
}

/* A name listed twice is an error at its second place (sorted: any number of clients). */
static void
probe_check_dups(const struct scn_probe *pr, const char *path, struct cfg_errors *e)
{
	char ip[CFG_PATH_MAX];
	size_t *idx;

	if (pr->nclients < 2)
		return;
	idx = emu_calloc(pr->nclients, sizeof(*idx));
	for (size_t k = 0; k < pr->nclients; k++)
		idx[k] = k;
	qsort_r(idx, pr->nclients, sizeof(*idx), name_idx_cmp, pr->clients);
	for (size_t k = 1; k < pr->nclients; k++) {
		if (strcmp(pr->clients[idx[k - 1]], pr->clients[idx[k]]) != 0)
			continue;
		jc_path_idx(ip, path, (int)idx[k]);
		cfg_error(e, ip, "client \"%s\" named twice", pr->clients[idx[k]]);
	}
	free(idx);
}

static const char *const probe_keys[] = {
	"clients",
	"server",
	"port",
	"qname",
	"qtype",
	"identity",
	"transport",
	"rate",
	"timeout",
	"lead_in",
	NULL,
};

static int
parse_probe(const cJSON *obj, const char *path, const struct topology *topo, struct scn_probe *pr,
    struct cfg_errors *e)
{
	const cJSON *arr, *it;
	const char *s;
	char p[CFG_PATH_MAX], ip[CFG_PATH_MAX];
	uint64_t v, ms;
	int before = e->count, i = 0;

	pr->port = DNS_PORT;
	pr->qname = emu_strdup("server.zone.tst");
	pr->qtype = DNS_T_TXT;
	pr->identity = SCN_ID_TXT;
	pr->rate = DEFAULT_RATE;
	pr->timeout_ms = DEFAULT_TIMEOUT_MS;
	pr->lead_in_ms = DEFAULT_LEAD_IN_MS;
	if (!jc_check_object(obj, path, probe_keys, e))
		return -1;
	arr = cJSON_GetObjectItemCaseSensitive(obj, "clients");
	jc_path(p, path, "clients");
	if (arr == NULL) {
		cfg_error(e, p, "missing: expected a list of client node names or \"all\"");
	} else if (cJSON_IsString(arr) && strcmp(arr->valuestring, "all") == 0) {
		if (topo == NULL)
			cfg_error(e, p, "\"all\" needs the topology");
		else
			probe_all_clients(topo, pr);
		if (topo && pr->nclients == 0)
			cfg_error(e, p,
			    "\"all\": the topology has no node with a resolver and no BGP or "
			    "DNS daemon");
	} else if (!cJSON_IsArray(arr)) {
		cfg_error(e, p, "expected a list of client node names or \"all\"");
	} else {
		if (cJSON_GetArraySize(arr) == 0)
			cfg_error(e, p, "expected at least one client node name");
		pr->clients = emu_calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(char *));
		cJSON_ArrayForEach(it, arr) {
			const struct topo_node *n = NULL;

			jc_path_idx(ip, p, i++);
			if (!jc_item_string(it, ip, &s, e))
				continue;
			if (topo && !topo_has_node(topo, s, &n)) {
				cfg_error(e, ip, "expected a node of the topology, found \"%s\"",
				    s);
				continue;
			}
			pr->clients[pr->nclients++] = emu_strdup(s);
		}
		probe_check_dups(pr, p, e);
	}
	jc_ipaddr(obj, "server", path, false, 0, &pr->server, e);
	if (jc_uint(obj, "port", path, false, 1, 65535, &v, e) > 0)
		pr->port = (uint16_t)v;
	if (jc_string(obj, "qname", path, false, &s, e) > 0) {
		if (s[0] == '\0' || strlen(s) > 253)
			cfg_error(e, jc_path(p, path, "qname"), "expected a domain name");
		free(pr->qname);
		pr->qname = emu_strdup(s);
	}
	if (jc_string(obj, "qtype", path, false, &s, e) > 0 && dns_type_parse(s, &pr->qtype) < 0)
		cfg_error(e, jc_path(p, path, "qtype"), "expected a record type such as \"TXT\"");
	if (jc_string(obj, "identity", path, false, &s, e) > 0) {
		if (strcmp(s, "txt") == 0)
			pr->identity = SCN_ID_TXT;
		else if (strcmp(s, "nsid") == 0)
			pr->identity = SCN_ID_NSID;
		else
			cfg_error(e, jc_path(p, path, "identity"),
			    "expected \"txt\" or \"nsid\", found \"%s\"", s);
	}
	if (jc_string(obj, "transport", path, false, &s, e) > 0) {
		if (strcmp(s, "udp") == 0)
			pr->transport = SCN_TR_UDP;
		else if (strcmp(s, "tcp") == 0)
			pr->transport = SCN_TR_TCP;
		else
			cfg_error(e, jc_path(p, path, "transport"),
			    "expected \"udp\" or \"tcp\", found \"%s\"", s);
	}
	/* Queries per second per client; 0.5: one every 2 s. */
	jc_number(obj, "rate", path, false, MIN_RATE, MAX_RATE, &pr->rate, e);
	if (get_seconds(obj, "timeout", path, false, 0.001, &ms, e) > 0)
		pr->timeout_ms = (unsigned)ms;
	get_seconds(obj, "lead_in", path, false, 0, &pr->lead_in_ms, e);
	/* Without a server, each client asks its own resolver. */
	if (pr->server.family == 0 && topo) {
		for (size_t k = 0; k < pr->nclients; k++) {
			const struct topo_node *n = NULL;

			if (topo_has_node(topo, pr->clients[k], &n) && n->nresolvers == 0)
				cfg_error(e, jc_path(p, path, "server"),
				    "missing, and client %s has no resolver to ask", n->name);
		}
	}
	return e->count > before ? -1 : 0;
}

#define STEP_KEYS_MAX 12
static const char *const step_keys[SCN_KIND_COUNT][STEP_KEYS_MAX] = {
	[SCN_WAIT] = { "seconds" },
	[SCN_DISABLE] = { "iface" },
	[SCN_ENABLE] = { "iface" },
	[SCN_CUT] = { "iface" },
	[SCN_RESTORE] = { "iface" },
	[SCN_IMPAIR] = { "iface", "loss", "blackhole", "rate_kbit", "delay_ms", "jitter_ms" },
	[SCN_CLEAR] = { "iface" },
	[SCN_KILL] = { "node", "daemon" },
	[SCN_STOP] = { "node", "daemon" },
	[SCN_START] = { "node", "daemon" },
	[SCN_WITHDRAW] = { "node", "prefix" },
	[SCN_ANNOUNCE] = { "node", "prefix" },
	[SCN_DRAIN] = { "node", "prefix", "withdraw" },
	[SCN_UNDRAIN] = { "node", "prefix" },
	[SCN_ANSWERED] = { "clients", "clients_of", "site", "not_site", "by", "not_by", "by_site",
	    "not_by_site", "by_own_site", "min_pct", "within" },
	[SCN_INSTANCES] = { "clients", "clients_of", "site", "not_site", "set", "within" },
	[SCN_NEXTHOPS] = { "node", "prefix", "count", "within" },
	[SCN_SESSION] = { "node", "peer", "state", "within" },
	[SCN_LOST] = { "clients", "clients_of", "site", "not_site", "min", "max", "since" },
	[SCN_NO_ANSWER] = { "clients", "clients_of", "site", "not_site", "seconds" },
	[SCN_STAYED] = { "clients", "clients_of", "site", "not_site", "max", "max_pct", "since" },
};

static int
kind_parse(const char *s, bool action, enum scn_kind *out)
{
	for (int k = 0; k < SCN_KIND_COUNT; k++) {
		if (scn_is_action((enum scn_kind)k) != action)
			continue;
		if (strcmp(scn_kind_names[k], s) == 0) {
			*out = (enum scn_kind)k;
			return 0;
		}
	}
	return -1;
}

static void
kind_list(struct strbuf *sb, bool action)
{
	const char *sep = "";

	for (int k = 0; k < SCN_KIND_COUNT; k++) {
		if (scn_is_action((enum scn_kind)k) != action)
			continue;
		sb_printf(sb, "%s%s", sep, scn_kind_names[k]);
		sep = ", ";
	}
}

static int
check_step_keys(const cJSON *obj, const char *path, enum scn_kind k, struct cfg_errors *e)
{
	const char *allowed[STEP_KEYS_MAX + 4];
	size_t n = 0;

	allowed[n++] = scn_is_action(k) ? "action" : "expect";
	allowed[n++] = "label";
	allowed[n++] = "comment";
	for (size_t i = 0; i < STEP_KEYS_MAX && step_keys[k][i]; i++)
		allowed[n++] = step_keys[k][i];
	allowed[n] = NULL;
	return jc_check_object(obj, path, allowed, e) ? 0 : -1;
}

static int
get_impair(const cJSON *obj, const char *path, struct scn_impair *im, struct cfg_errors *e)
{
	uint64_t v;
	int before = e->count;

	im->loss_pct = -1;
	if (jc_uint(obj, "loss", path, false, 0, 100, &v, e) > 0)
		im->loss_pct = (int)v;
	jc_bool(obj, "blackhole", path, false, &im->blackhole, e);
	if (jc_uint(obj, "rate_kbit", path, false, 8, 100000000, &v, e) > 0)
		im->rate_kbit = v;
	if (jc_uint(obj, "delay_ms", path, false, 0, 60000, &v, e) > 0)
		im->delay_ms = (unsigned)v;
	if (jc_uint(obj, "jitter_ms", path, false, 0, 60000, &v, e) > 0)
		im->jitter_ms = (unsigned)v;
	if (e->count > before)
		return -1;
	if (im->loss_pct < 0 && !im->blackhole && im->rate_kbit == 0 && im->delay_ms == 0 &&
	    im->jitter_ms == 0) {
		cfg_error(e, path,
		    "expected at least one of loss, blackhole, rate_kbit, delay_ms, "
		    "jitter_ms");
		return -1;
	}
	if (im->jitter_ms && !im->delay_ms) {
		cfg_error(e, path, "jitter_ms needs delay_ms");
		return -1;
	}
	return 0;
}

static int
get_set(const cJSON *obj, const char *path, struct scn_step *st, struct cfg_errors *e)
{
	const cJSON *arr, *it;
	char p[CFG_PATH_MAX], ip[CFG_PATH_MAX];
	int i = 0, bad = 0;

	if (jc_typed(obj, "set", path, true, cJSON_Array, &arr, e) <= 0)
		return -1;
	jc_path(p, path, "set");
	if (cJSON_GetArraySize(arr) == 0) {
		cfg_error(e, p, "expected at least one instance name");
		return -1;
	}
	st->set = emu_calloc((size_t)cJSON_GetArraySize(arr), sizeof(char *));
	cJSON_ArrayForEach(it, arr) {
		const char *s;

		jc_path_idx(ip, p, i++);
		if (!jc_item_string(it, ip, &s, e)) {
			bad = 1;
			continue;
		}
		if (s[0] == '\0' || strlen(s) >= SCN_INST_MAX) {
			cfg_error(e, ip, "expected an instance name of 1 to %d characters",
			    SCN_INST_MAX - 1);
			bad = 1;
			continue;
		}
		st->set[st->nset++] = emu_strdup(s);
	}
	return bad ? -1 : 0;
}

static void
make_label(struct scn_step *st)
{
	struct strbuf sb = STRBUF_INIT;
	char pbuf[PREFIX_STRLEN], abuf[IPADDR_STRLEN];

	sb_puts(&sb, scn_kind_names[st->kind]);
	switch (st->kind) {
	case SCN_WAIT:
		sb_printf(&sb, " %.3gs", (double)st->duration_ms / 1000.0);
		break;
	case SCN_DISABLE:
	case SCN_ENABLE:
	case SCN_CUT:
	case SCN_RESTORE:
	case SCN_IMPAIR:
	case SCN_CLEAR:
		sb_printf(&sb, " %s:%s", st->node, st->iface);
		if (st->ntargets > 1)
			sb_printf(&sb, " and %zu more", st->ntargets - 1);
		break;
	case SCN_KILL:
	case SCN_STOP:
	case SCN_START:
		sb_printf(&sb, " %s", st->node);
		if (st->ntargets > 1)
			sb_printf(&sb, " and %zu more", st->ntargets - 1);
		sb_printf(&sb, " %s", st->daemon);
		break;
	case SCN_WITHDRAW:
	case SCN_ANNOUNCE:
		sb_printf(&sb, " %s %s", st->node, prefix_ntop(&st->prefix, pbuf, sizeof(pbuf)));
		break;
	case SCN_DRAIN:
	case SCN_UNDRAIN:
		sb_printf(&sb, " %s", st->node);
		if (st->prefix.addr.family != 0)
			sb_printf(&sb, " %s", prefix_ntop(&st->prefix, pbuf, sizeof(pbuf)));
		if (st->withdraw)
			sb_puts(&sb, " (withdraw)");
		break;
	case SCN_ANSWERED:
		if (st->clients.of[0])
			sb_printf(&sb, ": clients of %s", st->clients.of);
		if (st->clients.site[0])
			sb_printf(&sb, ": clients %sof site %s", st->clients.not_site ? "not " : "",
			    st->clients.site);
		if (st->min_pct < 100)
			sb_printf(&sb, " (%u %%)", st->min_pct);
		if (st->by[0])
			sb_printf(&sb, " by %s", st->by);
		if (st->not_by[0])
			sb_printf(&sb, " not by %s", st->not_by);
		if (st->by_site[0])
			sb_printf(&sb, " by site %s", st->by_site);
		if (st->not_by_site[0])
			sb_printf(&sb, " not by site %s", st->not_by_site);
		if (st->by_own_site)
			sb_puts(&sb, " by their own site");
		break;
	case SCN_STAYED:
		if (st->clients.of[0])
			sb_printf(&sb, ": clients of %s", st->clients.of);
		if (st->clients.site[0])
			sb_printf(&sb, ": clients %sof site %s", st->clients.not_site ? "not " : "",
			    st->clients.site);
		if (st->stayed_max >= 0)
			sb_printf(&sb, ", at most %lld moved", (long long)st->stayed_max);
		if (st->stayed_max_pct >= 0)
			sb_printf(&sb, ", at most %lld %% moved", (long long)st->stayed_max_pct);
		break;
	case SCN_INSTANCES:
		sb_puts(&sb, ":");
		for (size_t i = 0; i < st->nset; i++)
			sb_printf(&sb, " %s", st->set[i]);
		break;
	case SCN_NEXTHOPS:
		sb_printf(&sb, ": %s %s has %u", st->node,
		    prefix_ntop(&st->prefix, pbuf, sizeof(pbuf)), st->count);
		break;
	case SCN_SESSION:
		sb_printf(&sb, ": %s to %s %s", st->node,
		    ipaddr_ntop(&st->peer, abuf, sizeof(abuf)), scn_session_state_names[st->state]);
		break;
	case SCN_LOST:
		if (st->clients.of[0])
			sb_printf(&sb, ": clients of %s", st->clients.of);
		if (st->lost_min >= 0)
			sb_printf(&sb, " at least %lld", (long long)st->lost_min);
		if (st->lost_max >= 0)
			sb_printf(&sb, " at most %lld", (long long)st->lost_max);
		break;
	case SCN_NO_ANSWER:
		if (st->clients.of[0])
			sb_printf(&sb, ": clients of %s", st->clients.of);
		sb_printf(&sb, " for %.3gs", (double)st->duration_ms / 1000.0);
		break;
	default:
		break;
	}
	if (sb.err)
		fatal("out of memory");
	st->label = sb_steal(&sb);
}

static int
parse_step(const cJSON *obj, const char *path, const struct topology *topo,
    const struct scenario *s, struct scn_step *st, struct cfg_errors *e)
{
	const cJSON *act, *exp;
	const struct topo_node *node = NULL;
	const char *ks, *lbl;
	char p[CFG_PATH_MAX];
	uint64_t v;
	int before = e->count;

	snprintf(st->path, sizeof(st->path), "%s", path);
	st->lost_min = st->lost_max = -1;
	st->within_ms = DEFAULT_WITHIN_MS;
	if (!cJSON_IsObject(obj)) {
		cfg_error(e, path, "expected a step object with \"action\" or \"expect\"");
		return -1;
	}
	act = cJSON_GetObjectItemCaseSensitive(obj, "action");
	exp = cJSON_GetObjectItemCaseSensitive(obj, "expect");
	if ((act == NULL) == (exp == NULL)) {
		cfg_error(e, path, "expected exactly one of \"action\" and \"expect\"");
		return -1;
	}
	jc_path(p, path, act ? "action" : "expect");
	if (!cJSON_IsString(act ? act : exp)) {
		cfg_error(e, p, "expected a string");
		return -1;
	}
	ks = (act ? act : exp)->valuestring;
	if (kind_parse(ks, act != NULL, &st->kind) < 0) {
		struct strbuf sb = STRBUF_INIT;

		kind_list(&sb, act != NULL);
		cfg_error(e, p, "expected one of %s; found \"%s\"", sb_str(&sb), ks);
		sb_free(&sb);
		return -1;
	}
	if (check_step_keys(obj, path, st->kind, e) < 0)
		return -1;
	switch (st->kind) {
	case SCN_WAIT:
		get_seconds(obj, "seconds", path, true, 0.0, &st->duration_ms, e);
		break;
	case SCN_IMPAIR:
		get_impair(obj, path, &st->impair, e);
		/* fall through */
	case SCN_DISABLE:
	case SCN_ENABLE:
	case SCN_CUT:
	case SCN_RESTORE:
	case SCN_CLEAR:
		get_iface(obj, path, topo, st, e);
		break;
	case SCN_KILL:
	case SCN_STOP:
	case SCN_START:
		/* The daemon, on every target node (the first refusal is enough). */
		if (get_node(obj, path, topo, st, &node, e) == 0) {
			for (size_t i = 0; i < st->ntargets; i++) {
				node = topo ? topo_node_find(topo, st->targets[i].node) : NULL;
				if (get_daemon(obj, path, node, st, e) < 0)
					break;
			}
		}
		break;
	case SCN_WITHDRAW:
	case SCN_ANNOUNCE:
	case SCN_NEXTHOPS:
		if (get_node(obj, path, topo, st, &node, e) == 0)
			check_bgp_targets(st, path, topo, e);
		jc_prefix(obj, "prefix", path, true, false, &st->prefix, e);
		if (st->kind == SCN_NEXTHOPS &&
		    jc_uint(obj, "count", path, true, 0, 256, &v, e) > 0)
			st->count = (unsigned)v;
		break;
	case SCN_DRAIN:
	case SCN_UNDRAIN:
		if (get_node(obj, path, topo, st, &node, e) == 0)
			check_bgp_targets(st, path, topo, e);
		jc_prefix(obj, "prefix", path, false, false, &st->prefix, e);
		if (st->kind == SCN_DRAIN)
			jc_bool(obj, "withdraw", path, false, &st->withdraw, e);
		break;
	case SCN_SESSION:
		if (get_node(obj, path, topo, st, &node, e) == 0 && node && node->bgp == NULL)
			cfg_error(e, jc_path(p, path, "node"), "node %s runs no BGP speaker",
			    node->name);
		jc_ipaddr(obj, "peer", path, true, 0, &st->peer, e);
		if (jc_string(obj, "state", path, true, &ks, e) > 0) {
			int k;

			for (k = 0; k < SCN_SS_COUNT; k++)
				if (strcmp(scn_session_state_names[k], ks) == 0)
					break;
			if (k == SCN_SS_COUNT)
				cfg_error(e, jc_path(p, path, "state"),
				    "expected idle, connect, active, opensent, openconfirm, "
				    "established or down; found \"%s\"",
				    ks);
			else
				st->state = (enum scn_session_state)k;
		}
		break;
	case SCN_ANSWERED:
		get_clients(obj, path, topo, s, &st->clients, e);
		get_inst(obj, "by", path, st->by, e);
		get_inst(obj, "not_by", path, st->not_by, e);
		get_site(obj, "by_site", path, topo, st->by_site, e);
		get_site(obj, "not_by_site", path, topo, st->not_by_site, e);
		jc_bool(obj, "by_own_site", path, false, &st->by_own_site, e);
		st->min_pct = 100;
		if (jc_uint(obj, "min_pct", path, false, 1, 100, &v, e) > 0)
			st->min_pct = (unsigned)v;
		if (!st->by[0] && !st->not_by[0] && !st->by_site[0] && !st->not_by_site[0] &&
		    !st->by_own_site && e->count == before)
			cfg_error(e, path,
			    "expected at least one of \"by\", \"not_by\", \"by_site\", "
			    "\"not_by_site\", \"by_own_site\": true");
		break;
	case SCN_INSTANCES:
		get_clients(obj, path, topo, s, &st->clients, e);
		get_set(obj, path, st, e);
		break;
	case SCN_LOST:
		get_clients(obj, path, topo, s, &st->clients, e);
		if (jc_uint(obj, "min", path, false, 0, UINT32_MAX, &v, e) > 0)
			st->lost_min = (int64_t)v;
		if (jc_uint(obj, "max", path, false, 0, UINT32_MAX, &v, e) > 0)
			st->lost_max = (int64_t)v;
		if (st->lost_min < 0 && st->lost_max < 0 && e->count == before)
			cfg_error(e, path, "expected \"min\" or \"max\"");
		else if (st->lost_min >= 0 && st->lost_max >= 0 && st->lost_min > st->lost_max)
			cfg_error(e, jc_path(p, path, "min"), "expected min <= max");
		if (jc_string(obj, "since", path, false, &ks, e) > 0)
			st->since = emu_strdup(ks);
		break;
	case SCN_NO_ANSWER:
		get_clients(obj, path, topo, s, &st->clients, e);
		get_seconds(obj, "seconds", path, true, 0.001, &st->duration_ms, e);
		break;
	case SCN_STAYED:
		get_clients(obj, path, topo, s, &st->clients, e);
		st->stayed_max = st->stayed_max_pct = -1;
		if (jc_uint(obj, "max", path, false, 0, UINT32_MAX, &v, e) > 0)
			st->stayed_max = (int64_t)v;
		if (jc_uint(obj, "max_pct", path, false, 0, 100, &v, e) > 0)
			st->stayed_max_pct = (int64_t)v;
		if (st->stayed_max < 0 && st->stayed_max_pct < 0)
			st->stayed_max = 0;
		if (jc_string(obj, "since", path, false, &ks, e) > 0)
			st->since = emu_strdup(ks);
		break;
	default:
		break;
	}
	if (!scn_is_action(st->kind) && st->kind != SCN_LOST && st->kind != SCN_NO_ANSWER &&
	    st->kind != SCN_STAYED)
		get_seconds(obj, "within", path, false, 0.0, &st->within_ms, e);
	if ((st->kind >= SCN_ANSWERED && st->kind != SCN_NEXTHOPS && st->kind != SCN_SESSION) &&
	    s->probe.nclients == 0 && e->count == before)
		cfg_error(e, path, "expectation about clients needs a \"probe\" section");
	if (jc_string(obj, "label", path, false, &lbl, e) > 0) {
		if (lbl[0] == '\0')
			cfg_error(e, jc_path(p, path, "label"), "expected a non-empty label");
		else
			st->label = emu_strdup(lbl);
	}
	if (e->count > before)
		return -1;
	if (st->label == NULL)
		make_label(st);
	return 0;
}

static void
step_free(struct scn_step *st)
{
	free(st->label);
	free(st->node);
	free(st->iface);
	for (size_t i = 0; i < st->ntargets; i++) {
		free(st->targets[i].node);
		free(st->targets[i].iface);
	}
	free(st->targets);
	for (size_t i = 0; i < st->clients.n; i++)
		free(st->clients.names[i]);
	free(st->clients.names);
	for (size_t i = 0; i < st->nset; i++)
		free(st->set[i]);
	free(st->set);
	free(st->since);
}

void
scenario_free(struct scenario *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nsteps; i++)
		step_free(&s->steps[i]);
	free(s->steps);
	for (size_t i = 0; i < s->probe.nclients; i++)
		free(s->probe.clients[i]);
	free(s->probe.clients);
	free(s->probe.qname);
	free(s->name);
	free(s->description);
	free(s);
}

static const char *const scenario_keys[] = { "description", "probe", "steps", NULL };

/* Labels named by "since" must be earlier steps. */
static void
check_since(const struct scenario *s, struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];

	for (size_t i = 0; i < s->nsteps; i++) {
		bool found = false;

		if (s->steps[i].since == NULL)
			continue;
		for (size_t j = 0; j < i && !found; j++)
			found = strcmp(s->steps[j].label, s->steps[i].since) == 0;
		if (!found)
			cfg_error(e, jc_path(p, s->steps[i].path, "since"),
			    "expected the label of an earlier step, found \"%s\"",
			    s->steps[i].since);
	}
}

char *
scenario_names(const cJSON *scenarios)
{
	struct strbuf sb = STRBUF_INIT;
	const cJSON *it;

	cJSON_ArrayForEach(it, scenarios) {
		sb_printf(&sb, "%s%s", sb.len ? ", " : "", it->string ? it->string : "?");
	}
	if (sb.err)
		fatal("out of memory");
	if (sb.len)
		return sb_steal(&sb);
	/* Only empty names: the buffer may still be allocated. */
	sb_free(&sb);
	return emu_strdup("(none)");
}

int
scenario_parse(const cJSON *scenarios, const char *path, const char *name,
    const struct topology *topo, struct scenario **out, struct cfg_errors *e)
{
	const cJSON *obj, *steps, *probe, *it;
	struct scenario *s;
	const char *desc;
	char p[CFG_PATH_MAX], sp[CFG_PATH_MAX], ip[CFG_PATH_MAX];
	int before = e->count, i = 0;

	*out = NULL;
	if (!cJSON_IsObject(scenarios)) {
		cfg_error(e, path, "expected an object of scenarios by name");
		return -1;
	}
	obj = cJSON_GetObjectItemCaseSensitive(scenarios, name);
	if (obj == NULL) {
		char *names = scenario_names(scenarios);

		cfg_error(e, path, "no scenario \"%s\"; there are: %s", name, names);
		free(names);
		return -1;
	}
	jc_path(p, path, name);
	if (!jc_check_object(obj, p, scenario_keys, e))
		return -1;
	s = emu_calloc(1, sizeof(*s));
	s->name = emu_strdup(name);
	if (jc_string(obj, "description", p, false, &desc, e) > 0)
		s->description = emu_strdup(desc);
	if (jc_typed(obj, "probe", p, false, cJSON_Object, &probe, e) > 0)
		parse_probe(probe, jc_path(sp, p, "probe"), topo, &s->probe, e);
	if (jc_typed(obj, "steps", p, true, cJSON_Array, &steps, e) > 0) {
		jc_path(sp, p, "steps");
		if (cJSON_GetArraySize(steps) == 0)
			cfg_error(e, sp, "expected at least one step");
		s->steps = emu_calloc((size_t)cJSON_GetArraySize(steps), sizeof(*s->steps));
		cJSON_ArrayForEach(it, steps) {
			struct scn_step *st = &s->steps[s->nsteps++];

			jc_path_idx(ip, sp, i++);
			parse_step(it, ip, topo, s, st, e);
		}
		if (e->count == before)
			check_since(s, e);
	}
	if (e->count > before) {
		scenario_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

char *
scenario_beside_path(const char *topology_file)
{
	size_t n = strlen(topology_file);
	char *p;

	if (n > 5 && strcmp(topology_file + n - 5, ".json") == 0)
		n -= 5;
	p = emu_calloc(n + sizeof(".scenarios.json"), 1);
	memcpy(p, topology_file, n);
	memcpy(p + n, ".scenarios.json", sizeof(".scenarios.json"));
	return p;
}

int
scenario_load(const struct topology *topo, const char *name, struct scenario **out,
    struct cfg_errors *e)
{
	const cJSON *sc;
	cJSON *root;
	char *file;
	int r;

	*out = NULL;
	if (topo->scenarios) {
		cfg_errors_init(e, topo->file);
		return scenario_parse(topo->scenarios, "scenarios", name, topo, out, e);
	}
	file = scenario_beside_path(topo->file);
	snprintf(beside_file, sizeof(beside_file), "%s", file);
	free(file);
	cfg_errors_init(e, beside_file);
	root = jc_parse_file(beside_file, e);
	if (root == NULL)
		return -1;
	if (!cJSON_IsObject(root)) {
		cfg_error(e, "", "expected an object with \"scenarios\"");
		cJSON_Delete(root);
		return -1;
	}
	if (!jc_check_object(root, "",
		(const char *const[]){ "scenarios", "$schema", "comment", NULL }, e) ||
	    jc_typed(root, "scenarios", "", true, cJSON_Object, &sc, e) <= 0) {
		cJSON_Delete(root);
		return -1;
	}
	r = scenario_parse(sc, "scenarios", name, topo, out, e);
	cJSON_Delete(root);
	return r;
}

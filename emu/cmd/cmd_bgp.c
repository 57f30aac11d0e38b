/*
 * anylab bgp [-l LAB] NODE peers|routes [PREFIX]|stats|status|bfd|health [--json]
 * anylab bgp [-l LAB] NODE announce|withdraw PREFIX | refresh|reset PEER | reload
 *
 * Asks the node's BGP speaker, whatever its kind, through its kind's adapter
 * (kinds/kind.h: anybgpd's control socket, BIRD's, FRR's vty...) and prints
 * what Windows prints with Get-BgpPeer / Get-BgpStatistics /
 * Get-BgpRouteInformation, as tables, or the JSON (one shape for every
 * kind, anybgpd's) with --json. announce/withdraw are Add-BgpCustomRoute /
 * Remove-BgpCustomRoute. bfd and health show anybgpd's failure detectors
 * (BFD sessions, health checks of the service behind a prefix).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>

#include "anylab.h"
#include "cmds.h"
#include "kind.h"
#include "lab.h"

static void
bgp_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab bgp [-l LAB] NODE COMMAND [ARG] [--json]\n"
	    "  peers            sessions: state, uptime, messages and updates in/out,\n"
	    "                   prefixes received, last error, policy (Get-BgpStatistics)\n"
	    "  routes [PREFIX]  every path: next hop, learned from, best and multipath,\n"
	    "                   communities, damping penalty\n"
	    "                   flags, LOCAL_PREF, MED, AS path, communities\n"
	    "                   (Get-BgpRouteInformation)\n"
	    "  stats            RIB size, kernel routes, memory, per-peer counters\n"
	    "  status           the daemon: AS, router id, uptime, sessions up,\n"
	    "                   converged, drained prefixes\n"
	    "  bfd              BFD sessions (RFC 5880): state both ends, intervals,\n"
	    "                   detection time, flaps, last reason down, packets\n"
	    "  health           health checks: state, counts, last result, history\n"
	    "  announce PREFIX  originate PREFIX (Add-BgpCustomRoute)\n"
	    "  withdraw PREFIX  stop originating it (Remove-BgpCustomRoute)\n"
	    "  refresh PEER     ask PEER for its routes again (ROUTE-REFRESH)\n"
	    "  reset PEER       close the session with a Cease and start it again\n"
	    "  reload           read bgp.json again (only \"originate\" changes at run time)\n"
	    "  --json           the answer as JSON, one shape for every kind\n"
	    "  stats, status, bfd, health, refresh, reset and reload as far as the node's\n"
	    "  kind has them\n"
	    "  (docs/kinds.md).\n");
}

static const char *
js(const cJSON *o, const char *key, const char *dflt)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	if (cJSON_IsString(v))
		return v->valuestring;
	return dflt;
}

static double
jn(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *
duration(double s, char *buf, size_t len)
{
	long t = (long)s;

	if (s < 0)
		snprintf(buf, len, "-");
	else if (t >= 86400)
		snprintf(buf, len, "%ldd%02ld:%02ld:%02ld", t / 86400, t / 3600 % 24, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, len, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	return buf;
}

static void
print_peers(const cJSON *j)
{
	const cJSON *p;
	char up[32], m[48], u[48];

	printf("%-26s %-10s %-12s %-9s %-15s %-13s %6s  %s\n", "PEER", "AS", "STATE", "UPTIME",
	    "MSGS IN/OUT", "UPDATES IN/OUT", "PFX", "LAST ERROR");
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "peers")) {
		const cJSON *ut = cJSON_GetObjectItem(p, "uptime");

		snprintf(m, sizeof(m), "%.0f/%.0f", jn(p, "messages_in"), jn(p, "messages_out"));
		snprintf(u, sizeof(u), "%.0f/%.0f", jn(p, "updates_in"), jn(p, "updates_out"));
		printf("%-26s %-10.0f %-12s %-9s %-15s %-13s %6.0f  %s\n", js(p, "address", "?"),
		    jn(p, "asn"), js(p, "state", "?"),
		    duration(cJSON_IsNumber(ut) ? ut->valuedouble : -1, up, sizeof(up)), m, u,
		    jn(p, "prefixes_received"), js(p, "last_error", ""));
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "peers")) {
		if (jn(p, "backoff_s") > 0)
			printf("%s: next automatic restart in %.0f s%s%s%s\n",
			    js(p, "address", "?"), jn(p, "backoff_s"),
			    js(p, "backoff_reason", "")[0] ? " (" : "", js(p, "backoff_reason", ""),
			    js(p, "backoff_reason", "")[0] ? ")" : "");
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "peers")) {
		const char *note = js(p, "policy_note", "");

		if (note[0])
			printf("%s: %s\n", js(p, "address", "?"), note);
		else if (cJSON_IsFalse(cJSON_GetObjectItem(p, "import_active")) ||
		    cJSON_IsFalse(cJSON_GetObjectItem(p, "export_active")))
			printf("%s: import %s, export %s\n", js(p, "address", "?"),
			    js(p, "import", "?"), js(p, "export", "?"));
	}
}

static void
print_routes(const cJSON *j)
{
	const cJSON *r, *c;

	printf("%-20s %-18s %-18s %-4s %-4s %-7s %-6s %-20s %s\n", "PREFIX", "NEXT HOP",
	    "LEARNED FROM", "BEST", "MP", "LOCPRF", "MED", "AS PATH", "COMMUNITIES");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(j, "routes")) {
		char lp[16] = "-", med[16] = "-";
		const cJSON *v;
		bool first = true;

		v = cJSON_GetObjectItem(r, "local_pref");
		if (cJSON_IsNumber(v))
			snprintf(lp, sizeof(lp), "%.0f", v->valuedouble);
		v = cJSON_GetObjectItem(r, "med");
		if (cJSON_IsNumber(v))
			snprintf(med, sizeof(med), "%.0f", v->valuedouble);
		printf("%-20s %-18s %-18s %-4s %-4s %-7s %-6s %-20s ", js(r, "prefix", "?"),
		    js(r, "next_hop", "(local)"), js(r, "peer", "?"),
		    cJSON_IsTrue(cJSON_GetObjectItem(r, "best")) ? "*" : "",
		    cJSON_IsTrue(cJSON_GetObjectItem(r, "multipath")) ? "*" : "", lp, med,
		    js(r, "as_path", "")[0] ? js(r, "as_path", "") : "(empty)");
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(r, "communities")) {
			printf("%s%s", first ? "" : " ", cJSON_GetStringValue(c));
			first = false;
		}
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(r, "large_communities")) {
			printf("%s%s", first ? "" : " ", cJSON_GetStringValue(c));
			first = false;
		}
		if (cJSON_IsFalse(cJSON_GetObjectItem(r, "eligible")))
			printf("%s(%s)", first ? "" : " ", js(r, "ineligible", "ineligible"));
		v = cJSON_GetObjectItem(r, "damping");
		if (cJSON_IsObject(v)) /* RFC 2439: the figure of merit, and when it is reused */
			printf("%sdamping penalty %.0f%s", first ? "" : " ", jn(v, "penalty"),
			    cJSON_IsTrue(cJSON_GetObjectItem(v, "suppressed")) ? ", suppressed" :
										 "");
		if (cJSON_IsObject(v) && cJSON_IsTrue(cJSON_GetObjectItem(v, "suppressed")))
			printf(", reuse in %.1f s", jn(v, "reuse_s"));
		printf("\n");
	}
	printf("%.0f prefixes%s\n", jn(j, "prefixes"),
	    cJSON_IsTrue(cJSON_GetObjectItem(j, "truncated")) ?
		" (listing truncated by the speaker: name a PREFIX to see the rest)" :
		"");
}

static void
print_stats(const cJSON *j)
{
	const cJSON *rib = cJSON_GetObjectItem(j, "rib"), *k = cJSON_GetObjectItem(j, "kernel");
	const cJSON *p;
	char up[32];

	printf("uptime %s, memory %.0f kB (peak %.0f kB)\n",
	    duration(jn(j, "uptime"), up, sizeof(up)), jn(j, "rss_kb"), jn(j, "peak_rss_kb"));
	printf("RIB: %.0f prefixes, %.0f paths, %.0f with a best path, %.0f attribute sets\n",
	    jn(rib, "prefixes"), jn(rib, "paths"), jn(rib, "best"), jn(rib, "attribute_sets"));
	printf("kernel: %.0f routes installed, %.0f adds, %.0f deletes, %.0f errors\n",
	    jn(k, "installed"), jn(k, "adds"), jn(k, "deletes"), jn(k, "errors"));
	printf("\n%-26s %-12s %-9s %9s %9s %9s %9s %6s %6s %6s  %s\n", "PEER", "STATE", "UPTIME",
	    "MSGS IN", "MSGS OUT", "UPD IN", "UPD OUT", "NOT IN", "NOTOUT", "FLAPS", "LAST ERROR");
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(j, "peers")) {
		bool est = strcmp(js(p, "state", ""), "Established") == 0;

		printf("%-26s %-12s %-9s %9.0f %9.0f %9.0f %9.0f %6.0f %6.0f %6.0f  %s\n",
		    js(p, "address", "?"), js(p, "state", "?"),
		    duration(est ? jn(p, "uptime") : -1, up, sizeof(up)), jn(p, "messages_in"),
		    jn(p, "messages_out"), jn(p, "updates_in"), jn(p, "updates_out"),
		    jn(p, "notifications_in"), jn(p, "notifications_out"), jn(p, "flaps"),
		    js(p, "last_error", ""));
	}
}

static void
print_status(const cJSON *j)
{
	const cJSON *conv = cJSON_GetObjectItem(j, "converged"), *d, *fib;
	char up[32];
	bool first = true;

	printf("%s on %s: AS %.0f, router id %s, up %s, %.0f of %.0f sessions established, "
	       "%.0f kernel routes%s\n",
	    js(j, "kind", "anybgpd"), js(j, "node", "?"), jn(j, "asn"), js(j, "router_id", "?"),
	    duration(jn(j, "uptime"), up, sizeof(up)), jn(j, "established"), jn(j, "peers"),
	    jn(j, "kernel_routes"),
	    cJSON_IsTrue(conv)	    ? ", converged" :
		cJSON_IsFalse(conv) ? ", not converged" :
				      "");
	if (cJSON_IsFalse(conv) && js(j, "not_converged_because", "")[0])
		printf("not converged: %s\n", js(j, "not_converged_because", ""));
	/* anybgpd's FIB mode, when it is not the plain multipath route (docs/anybgpd.md). */
	fib = cJSON_GetObjectItem(j, "fib");
	if (strcmp(js(fib, "mode", "hash"), "resilient") == 0)
		printf("fib: resilient nexthop groups, %.0f groups over %.0f next hops\n",
		    jn(fib, "groups"), jn(fib, "nexthops"));
	else if (strcmp(js(fib, "configured", "hash"), "hash") != 0)
		printf("fib: %s configured, plain multipath routes installed: %s\n",
		    js(fib, "configured", "?"), js(fib, "fallback", "kernel.install is false"));
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(j, "drained")) {
		printf("%s %s", first ? "drained:" : "", cJSON_IsString(d) ? d->valuestring : "?");
		first = false;
	}
	if (!first)
		printf("\n");
}

/* A time in milliseconds ago, or "-". */
static const char *
ago(const cJSON *o, const char *key, char *buf, size_t len)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0)
		snprintf(buf, len, "-");
	else if (v->valuedouble < 10000)
		snprintf(buf, len, "%.0f ms ago", v->valuedouble);
	else
		snprintf(buf, len, "%.0f s ago", v->valuedouble / 1000);
	return buf;
}

static void
print_bfd(const cJSON *j)
{
	const cJSON *s;
	char iv[32], fl[32], pk[48], when[32];

	printf("%-26s %-9s %-9s %-11s %4s %7s %-9s %-15s %8s  %s\n", "PEER", "STATE", "REMOTE",
	    "TX/RX MS", "MULT", "DETECT", "UP/DOWN", "PKTS IN/OUT", "DROPPED", "LAST DOWN");
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, "sessions")) {
		const char *why = js(s, "last_down", "");

		snprintf(iv, sizeof(iv), "%.0f/%.0f", jn(s, "tx_ms"), jn(s, "rx_ms"));
		snprintf(fl, sizeof(fl), "%.0f/%.0f", jn(s, "up_count"), jn(s, "down_count"));
		snprintf(pk, sizeof(pk), "%.0f/%.0f", jn(s, "pkts_in"), jn(s, "pkts_out"));
		printf("%-26s %-9s %-9s %-11s %4.0f %5.0fms %-9s %-15s %8.0f  %s%s%s%s\n",
		    js(s, "peer", "?"), js(s, "state", "?"), js(s, "remote_state", "?"), iv,
		    jn(s, "multiplier"), jn(s, "detect_ms"), fl, pk, jn(s, "dropped"),
		    why[0] ? why : "-", why[0] ? " (" : "",
		    why[0] ? ago(s, "last_down_ago_ms", when, sizeof(when)) : "",
		    why[0] ? ")" : "");
	}
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, "sessions")) {
		const char *ld = js(s, "local_diag", ""), *rd = js(s, "remote_diag", "");

		if ((ld[0] && strcmp(ld, "No Diagnostic") != 0) ||
		    (rd[0] && strcmp(rd, "No Diagnostic") != 0))
			printf("%s: diagnostic here: %s; from the peer: %s\n", js(s, "peer", "?"),
			    ld[0] ? ld : "-", rd[0] ? rd : "-");
	}
}

static void
print_health(const cJSON *j)
{
	const cJSON *c, *p, *h;
	char iv[32], rf[32], when[32];

	printf("%-16s %-6s %-6s %9s %-9s %8s %8s  %-24s %s\n", "CHECK", "TYPE", "STATE", "INTERVAL",
	    "RISE/FALL", "PASSES", "FAILURES", "LAST", "PREFIXES");
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(j, "checks")) {
		bool first = true;

		snprintf(iv, sizeof(iv), "%.0fms", jn(c, "interval_ms"));
		snprintf(rf, sizeof(rf), "%.0f/%.0f", jn(c, "rise"), jn(c, "fall"));
		printf("%-16s %-6s %-6s %9s %-9s %8.0f %8.0f  %-24s ", js(c, "name", "?"),
		    js(c, "type", "?"), js(c, "state", "?"), iv, rf, jn(c, "passes"),
		    jn(c, "failures"), js(c, "last", "-"));
		cJSON_ArrayForEach(p, cJSON_GetObjectItem(c, "prefixes")) {
			printf("%s%s", first ? "" : " ", cJSON_IsString(p) ? p->valuestring : "?");
			first = false;
		}
		/* None listed: the check guards every prefix the speaker originates. */
		printf("%s\n", first ? "(every originated)" : "");
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(j, "checks")) {
		cJSON_ArrayForEach(h, cJSON_GetObjectItem(c, "history")) {
			const char *why = js(h, "why", "");

			printf("%s: %s %s%s%s\n", js(c, "name", "?"),
			    ago(h, "ago_ms", when, sizeof(when)), js(h, "state", "?"),
			    why[0] ? ": " : "", why);
		}
	}
}

/* The verbs with a table; NULL print: the JSON only. */
static const struct bgp_verb {
	const char *name;
	int nargs_min;
	int nargs_max;
	void (*print)(const cJSON *);
} bgp_verbs[] = {
	{ "peers", 0, 0, print_peers },
	{ "routes", 0, 1, print_routes },
	{ "stats", 0, 0, print_stats },
	{ "status", 0, 0, print_status },
	{ "bfd", 0, 0, print_bfd },
	{ "health", 0, 0, print_health },
	{ "announce", 1, 1, NULL },
	{ "withdraw", 1, 1, NULL },
	{ "refresh", 1, 1, NULL },
	{ "reset", 1, 1, NULL },
	{ "reload", 0, 0, NULL },
};

#define NVERBS (sizeof(bgp_verbs) / sizeof(bgp_verbs[0]))

int
cmd_bgp_print(const char *verb, const cJSON *doc)
{
	for (size_t v = 0; v < NVERBS; v++) {
		if (strcmp(bgp_verbs[v].name, verb) != 0 || bgp_verbs[v].print == NULL)
			continue;
		bgp_verbs[v].print(doc);
		return 0;
	}
	return -1;
}

int
cmd_bgp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct bgp_verb *verbs = bgp_verbs;
	const char *given = NULL, *node, *verb, *arg;
	char lab[64], msg[KIND_MSG_MAX] = "";
	struct topology *t;
	struct kind_node k;
	bool json = false;
	size_t v, nargs;
	cJSON *j = NULL;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "l:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			given = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			bgp_usage(stdout);
			return EXIT_OK;
		default:
			bgp_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 2) {
		bgp_usage(stderr);
		return EXIT_USAGE;
	}
	node = argv[optind];
	verb = argv[optind + 1];
	nargs = (size_t)(argc - optind - 2);
	for (v = 0; v < NVERBS; v++)
		if (strcmp(verbs[v].name, verb) == 0)
			break;
	if (v == NVERBS || nargs < (size_t)verbs[v].nargs_min ||
	    nargs > (size_t)verbs[v].nargs_max) {
		emu_err(
		    "bgp: expected peers, routes [PREFIX], stats, status, bfd, health, "
		    "announce PREFIX, withdraw PREFIX, refresh PEER, reset PEER or reload after "
		    "the node name");
		return EXIT_USAGE;
	}
	r = lab_resolve(given, lab, sizeof(lab));
	if (r != 0)
		return r;
	r = lab_topology(lab, &t);
	if (r != 0)
		return r;
	arg = nargs ? argv[optind + 2] : NULL;
	if (lab_node_find(lab, t, node) == NULL) {
		topo_free(t);
		return EXIT_USAGE;
	}
	if (kind_node_find(lab, t, node, "bgp", &k) < 0) {
		emu_err("bgp: lab %s has no BGP speaker on node %s", lab, node);
		topo_free(t);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "peers") == 0) {
		r = k.kind->bgp_peers(&k, &j);
	} else if (strcmp(verb, "routes") == 0) {
		r = k.kind->bgp_routes(&k, arg, &j);
	} else if (strcmp(verb, "announce") == 0 || strcmp(verb, "withdraw") == 0) {
		struct prefix pfx;

		if (prefix_parse(arg, &pfx, false) < 0) {
			emu_err("bgp: %s: expected a prefix such as 51.51.51.0/24", arg);
			topo_free(t);
			return EXIT_USAGE;
		}
		r = k.kind->bgp_announce(&k, &pfx, verb[0] == 'a', msg, sizeof(msg));
		if (r == 0)
			j = cJSON_CreateObject();
	} else if (strcmp(verb, "bfd") == 0 && k.kind->bgp_bfd != NULL) {
		r = k.kind->bgp_bfd(&k, &j);
	} else if (k.kind->bgp_command != NULL) {
		r = k.kind->bgp_command(&k, verb, arg, &j);
	} else {
		emu_err("bgp: node %s: kind %s has no \"%s\"", node, k.kind->name, verb);
		topo_free(t);
		return EXIT_USAGE;
	}
	if (r == EMU_EREFUSED && j != NULL) {
		if (json) {
			char *text = cJSON_PrintUnformatted(j);

			printf("%s\n", text ? text : "{}");
			free(text);
		} else {
			emu_err("bgp: node %s: %s", node, js(j, "error", "?"));
		}
		cJSON_Delete(j);
		topo_free(t);
		return EXIT_FAIL;
	}
	if (r < 0) {
		if (msg[0] != '\0')
			emu_err("bgp: node %s: %s", node, msg);
		else
			emu_err("bgp: node %s of lab %s: the %s speaker does not answer (%s)", node,
			    lab, k.kind->name, emu_strerror(r));
		cJSON_Delete(j);
		topo_free(t);
		return r == EMU_EREFUSED ? EXIT_FAIL : EXIT_DAEMON;
	}
	if (j == NULL)
		j = cJSON_CreateObject();
	if (cJSON_GetObjectItem(j, "kind") == NULL && strcmp(verb, "status") == 0)
		cJSON_AddStringToObject(j, "kind", k.kind->name);
	if (json || verbs[v].print == NULL) {
		char *text = cJSON_PrintUnformatted(j);

		printf("%s\n", text ? text : "{}");
		free(text);
	} else {
		verbs[v].print(j);
	}
	cJSON_Delete(j);
	topo_free(t);
	return EXIT_OK;
}

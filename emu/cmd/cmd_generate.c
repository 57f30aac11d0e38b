/*
 * anylab generate SHAPE [OPTIONS]: write a topology made from a few numbers
 * (emu/gen/gen.h, docs/generate.md). One shape so far: anycast.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anylab.h"
#include "cmds.h"
#include "fileio.h"
#include "gen.h"

static void
generate_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab generate anycast --sites S --instances I --clients C\n"
	    "           [--core star|ring|tiers] [--seed N] [--name NAME]\n"
	    "           [--fib multipath|resilient] [--bfd|--no-bfd]\n"
	    "           [--bfd-interval MS] [--check-interval MS] [-o FILE]\n"
	    "  Write the topology of a multi-site anycast DNS service, its scenarios\n"
	    "  inline (steady, site-down, instance-down): per site a router, I DNS\n"
	    "  instances announcing " GEN_ANYCAST_PFX " and C clients (docs/generate.md).\n"
	    "  --sites S        1 to %d sites\n"
	    "  --instances I    1 to %d DNS instances per site\n"
	    "  --clients C      1 to %d clients per site\n"
	    "  --core SHAPE     star (one core router, the default), ring (site routers\n"
	    "                   in a ring), tiers (regional cores under a top core)\n"
	    "  --seed N         0 to 2^64-1 (default 1): the routers' multipath hash\n"
	    "                   seeds and the clients' addresses; same seed, same file\n"
	    "  --name NAME      the lab's name (default " GEN_DEFAULT_NAME
	    ", at most %d of [a-z0-9_])\n"
	    "  --fib MODE       the site routers' anycast route: multipath (default) or\n"
	    "                   resilient (a resilient nexthop group: bgp.fib)\n"
	    "  --bfd, --no-bfd  BFD between each site router and its instances (on by\n"
	    "                   default: a failed instance is seen in 3 intervals, not 9 s)\n"
	    "  --bfd-interval MS\n"
	    "                   %d to %d: BFD's interval, x 3 (default: %d up to %d\n"
	    "                   instances in all, S x I; %d above)\n"
	    "  --check-interval MS\n"
	    "                   %d to %d: each instance's DNS health check interval\n"
	    "                   (default: %d up to %d instances; %d above)\n"
	    "  -o FILE          write FILE instead of standard output\n",
	    GEN_SITES_MAX, GEN_INSTANCES_MAX, GEN_CLIENTS_MAX, TOPO_LAB_NAME_MAX, GEN_BFD_MS_MIN,
	    GEN_BFD_MS_MAX, GEN_BFD_MS_BRISK, GEN_BRISK_INSTANCES_MAX, GEN_BFD_MS_GENTLE,
	    GEN_CHECK_MS_MIN, GEN_CHECK_MS_MAX, GEN_CHECK_MS_BRISK, GEN_BRISK_INSTANCES_MAX,
	    GEN_CHECK_MS_GENTLE);
}

/* A whole decimal number in [min, max]; -1 with a message naming the option. */
static int
get_count(const char *opt, const char *arg, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9' ||
	    (*out = strtoull(arg, &end, 10), errno != 0 || *end != '\0' || *out > max)) {
		fprintf(stderr, "anylab generate: --%s \"%s\": expected a whole number 0 to %llu\n",
		    opt, arg, max);
		return -1;
	}
	return 0;
}

static int
get_name(const char *opt, const char *arg, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	fprintf(stderr, "anylab generate: --%s \"%s\": expected one of", opt, arg);
	for (int i = 0; i < n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", names[i]);
	fputc('\n', stderr);
	return -1;
}

int
cmd_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sites", required_argument, NULL, 'S' },
		{ "instances", required_argument, NULL, 'I' },
		{ "clients", required_argument, NULL, 'C' },
		{ "core", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "fib", required_argument, NULL, 'f' },
		{ "bfd", no_argument, NULL, 'b' },
		{ "no-bfd", no_argument, NULL, 'B' },
		{ "bfd-interval", required_argument, NULL, 'i' },
		{ "check-interval", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen_anycast o;
	unsigned long long v;
	const char *out = NULL;
	char msg[256], why[128], *text;
	bool have[3] = { false, false, false };
	FILE *f = stdout;
	int c, k, err;

	gen_anycast_defaults(&o);
	if (cmd_wants_help(argc, argv)) {
		generate_usage(stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "anycast") != 0) {
		if (argc >= 2 && argv[1][0] != '-')
			fprintf(stderr, "anylab generate: %s: unknown shape; expected anycast\n",
			    argv[1]);
		generate_usage(stderr);
		return EXIT_USAGE;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
		case 'I':
		case 'C':
			if (get_count(c == 'S' ? "sites" :
				    c == 'I'   ? "instances" :
						 "clients",
				optarg, UINT32_MAX, &v) < 0)
				return EXIT_USAGE;
			if (c == 'S')
				o.sites = (unsigned)v;
			else if (c == 'I')
				o.instances = (unsigned)v;
			else
				o.clients = (unsigned)v;
			have[c == 'S' ? 0 : c == 'I' ? 1 : 2] = true;
			break;
		case 's':
			if (get_count("seed", optarg, UINT64_MAX, &v) < 0)
				return EXIT_USAGE;
			o.seed = v;
			break;
		case 'c':
			if ((k = get_name("core", optarg, gen_core_names, GEN_CORE_COUNT)) < 0)
				return EXIT_USAGE;
			o.core = (enum gen_core)k;
			break;
		case 'f':
			if ((k = get_name("fib", optarg, gen_fib_names, GEN_FIB_COUNT)) < 0)
				return EXIT_USAGE;
			o.fib = (enum gen_fib)k;
			break;
		case 'n':
			if (strlen(optarg) >= sizeof(o.name)) {
				fprintf(stderr,
				    "anylab generate: --name \"%s\": expected at most %d characters\n",
				    optarg, TOPO_LAB_NAME_MAX);
				return EXIT_USAGE;
			}
			snprintf(o.name, sizeof(o.name), "%s", optarg);
			break;
		case 'b':
			o.bfd = true;
			break;
		case 'B':
			o.bfd = false;
			break;
		case 'i':
		case 'k':
			/* 0 would mean "by size": the range is checked by gen_anycast_check. */
			if (get_count(c == 'i' ? "bfd-interval" : "check-interval", optarg,
				UINT32_MAX, &v) < 0)
				return EXIT_USAGE;
			if (v == 0) {
				fprintf(stderr, "anylab generate: --%s 0: expected %d to %d ms\n",
				    c == 'i' ? "bfd-interval" : "check-interval",
				    c == 'i' ? GEN_BFD_MS_MIN : GEN_CHECK_MS_MIN,
				    c == 'i' ? GEN_BFD_MS_MAX : GEN_CHECK_MS_MAX);
				return EXIT_USAGE;
			}
			if (c == 'i')
				o.bfd_ms = (unsigned)v;
			else
				o.check_ms = (unsigned)v;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			generate_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "anylab generate: unexpected argument \"%s\"\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!have[0] || !have[1] || !have[2]) {
		fprintf(stderr,
		    "anylab generate: --sites, --instances and --clients are required\n");
		return EXIT_USAGE;
	}
	if ((text = gen_anycast_text(&o, msg, sizeof(msg))) == NULL) {
		fprintf(stderr, "anylab generate: %s\n", msg);
		return EXIT_USAGE;
	}
	/* Never through a link, never into a file someone else planted (fileio.h). */
	if (out != NULL && (f = file_fcreate(AT_FDCWD, out, 0644, FILE_REPLACE, &err)) == NULL) {
		fprintf(stderr, "anylab generate: %s: %s\n", out,
		    file_strerror(err, 0, why, sizeof(why)));
		free(text);
		return EXIT_FAIL;
	}
	fputs(text, f);
	free(text);
	if ((out != NULL ? fclose(f) : fflush(f)) != 0) {
		fprintf(stderr, "anylab generate: %s: write failed\n",
		    out ? out : "standard output");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

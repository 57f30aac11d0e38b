/*
 * anydnsd: the authoritative DNS responder of an anylab DNS node (and of a
 * real host). Command line only; the daemon is dns_daemon.c.
 *
 *   anydnsd -c dns.json [-s dns.ctl] [-l dns.log] [-n NODE] [-b DIR] [-d]
 *   anydnsd -c dns.json -t        check the configuration and zones
 *   anydnsd -c dns.json -p        ... and print every zone in canonical form
 *   anydnsd -z ORIGIN FILE        print one master file in canonical form
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "dns_daemon.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: anydnsd -c CONFIG [-s CTL_SOCKET] [-l LOG_FILE] [-n NODE] [-b DIR] [-d]\n"
	    "       anydnsd -c CONFIG -t | -p\n"
	    "       anydnsd -z ORIGIN FILE\n"
	    "  -c CONFIG   JSON configuration (a node's \"dns\" section); see docs/anydnsd.md\n"
	    "  -s PATH     control socket (commands: status, stats, reload)\n"
	    "  -l PATH     log file (default: standard error)\n"
	    "  -n NODE     node name: the default identity (NSID, id.server, hostname.bind)\n"
	    "  -b DIR      directory for relative zone file names (default: the config's)\n"
	    "  -d          debug logging\n"
	    "  -t          check the configuration and zones, then exit\n"
	    "  -p          like -t, and print every zone in canonical form\n"
	    "  -z ORIGIN FILE  read one master file, print it in canonical form\n");
}

int
main(int argc, char **argv)
{
	struct dns_daemon_opts o = { 0 };
	bool check = false, print = false;
	const char *zone_origin = NULL;
	int c;

	while ((c = getopt(argc, argv, "c:s:l:n:b:dtpz:h")) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			break;
		case 's':
			o.ctl_path = optarg;
			break;
		case 'l':
			o.log_path = optarg;
			break;
		case 'n':
			o.node = optarg;
			break;
		case 'b':
			o.base_dir = optarg;
			break;
		case 'd':
			o.debug = true;
			break;
		case 't':
			check = true;
			break;
		case 'p':
			check = print = true;
			break;
		case 'z':
			zone_origin = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (zone_origin != NULL) {
		if (optind != argc - 1) {
			usage(stderr);
			return 2;
		}
		return dns_daemon_print_zonefile(zone_origin, argv[optind], o.node);
	}
	if (o.config == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check)
		return dns_daemon_check(o.config, o.node, o.base_dir, print);
	return dns_daemon_run(&o);
}

/*
 * anybgpd: a BGP-4 speaker with multipath kernel FIB sync.
 *
 *   anybgpd -c bgp.json [-s bgp.ctl] [-l bgp.log] [-n NODE] [-d] [-t]
 *
 * Runs in the foreground; SIGTERM/SIGINT: every origin withdrawn, after the
 * configured "shutdown" delay Cease / Administrative Shutdown with its RFC
 * 9003 message to every peer, kernel routes removed, exit 0. SIGHUP reopens the log file. -t checks the configuration
 * and exits. See docs/anybgpd.md.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd.h"
#include "log.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: anybgpd -c CONFIG.json [-s CONTROL-SOCKET] [-l LOGFILE] [-n NODE] "
	    "[-d] [-t]\n"
	    "  -c FILE   configuration (the node's \"bgp\" section of a topology)\n"
	    "  -s PATH   control socket (commands: status peers routes stats announce "
	    "withdraw drain undrain bfd health refresh reset reload)\n"
	    "  -l FILE   log file (default: standard error)\n"
	    "  -n NODE   node name for logs and status\n"
	    "  -d        debug logging\n"
	    "  -t        check the configuration and exit\n");
}

static void
on_signal(struct ev_loop *loop, int signo, void *arg)
{
	struct bgpd *d = arg;

	if (signo == SIGHUP) {
		log_reopen();
		return;
	}
	log_info("signal %d: shutting down", signo);
	bgpd_graceful_stop(d);
}

int
main(int argc, char **argv)
{
	const char *config = NULL, *ctl = NULL, *logfile = NULL, *node = NULL;
	bool check = false, debug = false;
	struct cfg_errors errs;
	struct ev_loop *loop;
	struct bgpd d;
	int c;

	while ((c = getopt(argc, argv, "c:s:l:n:dth")) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 's':
			ctl = optarg;
			break;
		case 'l':
			logfile = optarg;
			break;
		case 'n':
			node = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 't':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (config == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	memset(&d, 0, sizeof(d));
	cfg_errors_init(&errs, config);
	if (bgp_config_load(config, &d.cfg, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK (%zu peers)\n", config, d.cfg.npeers);
		bgp_config_free(&d.cfg);
		return 0;
	}
	if (log_open(node ? node : "anybgpd", logfile) < 0) {
		fprintf(stderr, "anybgpd: cannot open log file %s\n", logfile);
		return 1;
	}
	if (debug)
		log_set_level(LOG_LVL_DEBUG);
	signal(SIGPIPE, SIG_IGN);
	d.config_path = config;
	d.node = node;
	loop = ev_loop_new();
	if (loop == NULL)
		fatal("cannot create the event loop");
	ev_signal(loop, SIGTERM, on_signal, &d);
	ev_signal(loop, SIGINT, on_signal, &d);
	ev_signal(loop, SIGHUP, on_signal, &d);
	log_info("anybgpd starting: AS %u, %zu peers, %zu originated prefixes", d.cfg.asn,
	    d.cfg.npeers, d.cfg.noriginate);
	if (bgpd_start(&d, loop, ctl) < 0) {
		bgpd_stop(&d);
		ev_loop_free(loop);
		bgp_config_free(&d.cfg);
		fatal("startup failed");
	}
	ev_run(loop);
	bgpd_stop(&d);
	ev_loop_free(loop);
	bgp_config_free(&d.cfg);
	log_info("anybgpd stopped");
	return 0;
}

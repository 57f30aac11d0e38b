/*
 * anylab status [LAB]: what the kernel says about each node (read through
 * libnl inside each namespace) and whether the recorded daemons run.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anylab.h"
#include "cmds.h"
#include "lab.h"

static void
status_usage(FILE *f)
{
	fprintf(f,
	    "usage: anylab status [LAB] [--json]\n"
	    "  Nodes, interfaces (admin state, carrier), addresses, routes of the\n"
	    "  main table (every next hop of a multipath route) and daemons.\n");
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));

	return s != NULL ? s : "";
}

static void
status_print_ns(const cJSON *n, bool is_switch)
{
	const cJSON *i, *a, *r, *h;

	if (cJSON_GetObjectItem(n, "error") != NULL)
		printf("  error: %s\n", jstr(n, "error"));
	cJSON_ArrayForEach(i, cJSON_GetObjectItem(n, "interfaces")) {
		printf("  %-12s admin %-4s carrier %-4s", jstr(i, "name"), jstr(i, "admin"),
		    jstr(i, "carrier"));
		if (is_switch && cJSON_GetObjectItem(i, "member") != NULL)
			printf(" to %s", jstr(i, "member"));
		if (cJSON_GetObjectItem(i, "master") != NULL)
			printf(" master %s", jstr(i, "master"));
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(i, "addresses"))
			printf(" %s", cJSON_GetStringValue(a));
		printf("\n");
	}
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(n, "routes")) {
		bool multi = cJSON_GetArraySize(cJSON_GetObjectItem(r, "nexthops")) > 1;

		printf("  route %s", jstr(r, "dst"));
		cJSON_ArrayForEach(h, cJSON_GetObjectItem(r, "nexthops")) {
			if (multi)
				printf(" nexthop");
			if (cJSON_GetObjectItem(h, "via") != NULL)
				printf(" via %s", jstr(h, "via"));
			printf(" dev %s", jstr(h, "dev"));
			if (cJSON_GetObjectItem(h, "linkdown") != NULL)
				printf(" linkdown");
		}
		printf(" proto %s", jstr(r, "protocol"));
		if (cJSON_GetNumberValue(cJSON_GetObjectItem(r, "metric")) > 0)
			printf(" metric %.0f",
			    cJSON_GetNumberValue(cJSON_GetObjectItem(r, "metric")));
		printf("\n");
	}
}

static void
status_print(const cJSON *doc)
{
	const cJSON *n, *d, *sw;

	printf("lab %s: %s\n", jstr(doc, "lab"), jstr(doc, "state"));
	cJSON_ArrayForEach(n, cJSON_GetObjectItem(doc, "nodes")) {
		printf("\n%s (netns %s)\n", jstr(n, "name"), jstr(n, "netns"));
		status_print_ns(n, false);
		cJSON_ArrayForEach(d, cJSON_GetObjectItem(n, "daemons")) {
			double restarts = cJSON_GetNumberValue(cJSON_GetObjectItem(d, "restarts"));

			printf("  daemon %s (%s) pid %.0f %s%s", jstr(d, "service"),
			    jstr(d, "kind"), cJSON_GetNumberValue(cJSON_GetObjectItem(d, "pid")),
			    cJSON_IsTrue(cJSON_GetObjectItem(d, "running")) ? "" : "NOT RUNNING: ",
			    jstr(d, "state"));
			if (restarts > 0)
				printf(", started again %.0f time%s", restarts,
				    restarts == 1 ? "" : "s");
			printf("\n");
		}
	}
	sw = cJSON_GetObjectItem(doc, "switch");
	if (sw != NULL) {
		printf("\nswitch (netns %s)\n", jstr(sw, "netns"));
		status_print_ns(sw, true);
	}
}

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char lab[64], *text;
	bool json = false;
	cJSON *doc;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			status_usage(stdout);
			return EXIT_OK;
		default:
			status_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		status_usage(stderr);
		return EXIT_USAGE;
	}
	rc = lab_resolve(optind < argc ? argv[optind] : NULL, lab, sizeof(lab));
	if (rc != 0)
		return rc;
	if (lab_status(lab, &doc) < 0) {
		emu_err("lab %s: cannot read its status", lab);
		return EXIT_FAIL;
	}
	if (json) {
		text = cJSON_Print(doc);
		if (text != NULL)
			puts(text);
		free(text);
	} else {
		status_print(doc);
	}
	cJSON_Delete(doc);
	return EXIT_OK;
}

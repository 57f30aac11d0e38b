/*
 * libFuzzer target: the scenario parser (emu/scenario/scenario.c) and the probe log
 * line parser (emu/scenario/probe.c) on arbitrary text. The scenario input is taken
 * as a "scenarios" object and scenario "t" is parsed, against Lab A's
 * topology (so the cross-checks run too); every input must parse or fail
 * with at least one error, and nothing may crash, leak or read out of
 * bounds. Each line of the input also goes through probe_logline_parse (the
 * prober's whole line) and probe_line_parse, whose
 * accepted records must format back to a line that parses to the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "scenario.h"
#include "topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char lab_a[] =
    "{\"name\": \"fz\", \"nodes\": {"
    "\"client1\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"131.253.1.1/24\"]}},"
    "  \"resolver\": [\"51.51.51.51\"]},"
    "\"dc001\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"131.253.1.2/24\"]}},"
    "  \"loopback\": [\"51.51.51.51/32\"],"
    "  \"dns\": {\"zones\": [{\"origin\": \"zone.tst\", \"records\": "
    "    [{\"name\": \"server\", \"type\": \"TXT\", \"data\": \"DC001\"}]}]}}},"
    "\"links\": [{\"endpoints\": [\"client1:eth0\", \"dc001:eth0\"]}]}";

static struct topology *topo;

/* Lab A itself when the tree is at hand ($ANYLAB_SOURCE_DIR or the working directory). */
static void
load_topology(void)
{
	const char *src = getenv("ANYLAB_SOURCE_DIR");
	char path[1024];
	struct cfg_errors errs;

	snprintf(path, sizeof(path), "%s/topologies/anycast-lab.json", src ? src : ".");
	if (topo_load(path, &topo, &errs) == 0)
		return;
	if (topo_load_string(lab_a, "lab.json", &topo, &errs) != 0)
		abort();
}

static void
lines(const char *text)
{
	char *copy = strdup(text), *save = NULL;

	if (copy == NULL)
		return;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct probe_rec r, back;
		struct probe_break b;
		char buf[256], client[PROBE_CLIENT_MAX];

		/* The prober's whole line (client column, breaks) must not crash either. */
		(void)probe_logline_parse(l, client, &r, &b);
		if (probe_line_parse(l, &r) != 0)
			continue;
		probe_line_format(&r, buf, sizeof(buf));
		if (probe_line_parse(buf, &back) != 0 || back.seq != r.seq ||
		    back.sent_us != r.sent_us || strcmp(back.inst, r.inst) != 0)
			abort();
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors errs;
	struct scenario *s = NULL;
	char *text = malloc(size + 1);
	cJSON *root;

	if (text == NULL)
		return 0;
	if (topo == NULL)
		load_topology();
	memcpy(text, data, size);
	text[size] = '\0';
	cfg_errors_init(&errs, "fuzz.json");
	root = jc_parse_string(text, &errs);
	if (root) {
		int before = errs.count;

		if (scenario_parse(root, "scenarios", "t", topo, &s, &errs) == 0) {
			if (s == NULL || errs.count != before)
				abort();
			scenario_free(s);
		} else if (s != NULL || errs.count == before) {
			abort();
		}
		cJSON_Delete(root);
	}
	lines(text);
	free(text);
	return 0;
}

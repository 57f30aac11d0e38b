/*
 * The one node lookup (lab_node_find, emu/core/lab_node.h) of the verbs
 * that take a node, without root: a lab record under a temporary
 * ANYLAB_RUN_DIR whose topology has node r1 (with a speaker), and a
 * listening socket planted where a traversing name would lead
 * (RUN/x/bgp.ctl, what nodes/../../x/bgp.ctl names). `bgp`, `drain`,
 * `undrain` and `exec` with the node "../../x" are refused with "lab LAB
 * has no node ../../x", and nothing ever connects to the planted socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "anylab.h"
#include "cmds.h"
#include "lab.h"
#include "topo.h"

#define TOPOLOGY \
	"{\"name\": \"nl\", \"nodes\": {" \
	" \"r1\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.98.0.1/24\"]}}," \
	"  \"bgp\": {\"asn\": 65001, \"router_id\": \"10.98.0.1\"," \
	"   \"peers\": [{\"address\": \"10.98.0.2\", \"asn\": 65002}]}}," \
	" \"r2\": {\"interfaces\": {\"eth0\": {\"addresses\": [\"10.98.0.2/24\"]}}}}," \
	" \"links\": [{\"endpoints\": [\"r1:eth0\", \"r2:eth0\"]}]}"

static char dir[64];
static int planted = -1;

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static void
setup(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/anylab-hcnode-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	setenv("ANYLAB_RUN_DIR", dir, 1);
	snprintf(path, sizeof(path), "%s/nl", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/nl/nodes", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/nl/record", dir);
	write_file(path, "lab nl\ncomplete\n");
	snprintf(path, sizeof(path), "%s/nl/topology.json", dir);
	write_file(path, TOPOLOGY);
	/* The forged control socket a traversing node name would reach. */
	snprintf(path, sizeof(path), "%s/x", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/x/bgp.ctl", dir);
	planted = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cr_assert_geq(planted, 0);
	cr_assert_eq(bind(planted, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(planted, 8), 0);
}

static void
teardown(void)
{
	char cmd[128];

	if (planted >= 0)
		close(planted);
	planted = -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(node_lookup, .init = setup, .fini = teardown);

/* Nobody connected to the planted socket. */
static void
assert_untouched(const char *verb)
{
	int c = accept(planted, NULL, NULL);

	cr_assert_lt(c, 0, "%s connected to the planted socket", verb);
	cr_assert_eq(errno, EAGAIN);
}

Test(node_lookup, finds_only_the_topologys_nodes)
{
	struct topology *t;

	cr_assert_eq(lab_topology("nl", &t), 0);
	cr_assert_not_null(lab_node_find("nl", t, "r1"));
	cr_assert_not_null(lab_node_find("nl", t, "r2"));
	cr_assert_null(lab_node_find("nl", t, "../../x"));
	cr_assert_null(lab_node_find("nl", t, "r1/../r1"));
	cr_assert_null(lab_node_find("nl", t, ""));
	cr_assert_null(lab_node_find("nl", t, "r3"));
	topo_free(t);
}

Test(node_lookup, bgp_with_a_traversing_node_is_refused)
{
	char *argv[] = { "bgp", "-l", "nl", "../../x", "peers", NULL };

	cr_redirect_stderr();
	cr_assert_eq(cmd_bgp(5, argv), EXIT_USAGE);
	fflush(stderr);
	cr_assert_stderr_eq_str("anylab: lab nl has no node ../../x\n");
	assert_untouched("bgp");
}

Test(node_lookup, drain_undrain_exec_with_a_traversing_node_are_refused)
{
	char *drain[] = { "drain", "-l", "nl", "../../x", NULL };
	char *undrain[] = { "undrain", "-l", "nl", "../../x", NULL };
	char *exec[] = { "exec", "-l", "nl", "../../x", "true", NULL };

	cr_assert_eq(cmd_drain(4, drain), EXIT_USAGE);
	cr_assert_eq(cmd_undrain(4, undrain), EXIT_USAGE);
	cr_assert_eq(cmd_exec(5, exec), EXIT_EXEC_FAIL);
	assert_untouched("drain, undrain and exec");
}

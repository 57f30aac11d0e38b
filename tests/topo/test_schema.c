/*
 * docs/topology.schema.json agrees with the loader: every topology anylab
 * accepts is valid under the schema, and every malformed fixture whose
 * mistake a schema can express is invalid (tests/topo/check_schema.py).
 * Skips when python3 or its jsonschema module is missing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "topo/helper_topo.h"

Test(topo_schema, schema_matches_the_loader)
{
	char script[512], src[512], cmd[1400], line[512];
	FILE *p;
	int status;

	topo_test_path(script, sizeof(script), "tests/topo/check_schema.py");
	topo_test_path(src, sizeof(src), "");
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' 2>&1", script, src);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p) != NULL)
		cr_log_info("%s", line);
	status = pclose(p);
	cr_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77 || WEXITSTATUS(status) == 127)
		cr_skip_test("python3 with the jsonschema module is needed (Debian: "
			     "python3-jsonschema)");
	cr_assert_eq(WEXITSTATUS(status), 0, "check_schema.py failed; see its output above");
}

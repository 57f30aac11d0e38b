/*
 * Fixture paths for the topology tests (tests/topo/good, tests/topo/bad,
 * topologies/), found through ANYLAB_SOURCE_DIR as ctest sets it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "helper_topo.h"

const char *
topo_test_path(char *buf, size_t len, const char *rel)
{
	const char *src = getenv("ANYLAB_SOURCE_DIR");

	snprintf(buf, len, "%s/%s", src && src[0] ? src : ".", rel);
	return buf;
}

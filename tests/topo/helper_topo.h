/*
 * Shared by the topology tests: where the fixtures are.
 */
#ifndef ANYLAB_TEST_HELPER_TOPO_H
#define ANYLAB_TEST_HELPER_TOPO_H

#include <stddef.h>

/* ANYLAB_SOURCE_DIR/rel in buf (the source tree's root when unset: "."). */
const char *topo_test_path(char *buf, size_t len, const char *rel);

#endif

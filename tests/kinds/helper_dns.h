/*
 * Scaffolding for the DNS kinds' tests (nsd, knot): topologies loaded from
 * files or strings, a kind_node for a node with the kind under test put in
 * (as `--kind dns=nsd` does), a kind's check errors as text, golden files
 * compared byte for byte (the node's folder written as @DIR@, the
 * topology's as @BASE@; ANYLAB_REGEN_GOLDEN=1 rewrites them), temporary
 * folders. Prefix hdk_; everything asserts on failure.
 */
#ifndef ANYLAB_TEST_HELPER_DNS_H
#define ANYLAB_TEST_HELPER_DNS_H

#include <stdbool.h>

#include "kind.h"
#include "topo.h"

/* The source tree (ANYLAB_SOURCE_DIR, else from this file's name). */
const char *hdk_src(void);
/* A topology from a file (relative names against the source tree) or from text. */
struct topology *hdk_load(const char *file);
struct topology *hdk_load_string(const char *json, const char *name);
/* The daemon of node's "dns" section, run by kind ops, lab lab (may be NULL), folder dir. */
void hdk_node(const struct topology *, const char *node, const struct kind_ops *ops,
    const char *lab, const char *dir, struct kind_node *out);
/* ops->check's errors, one per line ("PATH: message"); "" when it passed. Caller frees. */
char *hdk_check(const struct kind_node *);
/* A new empty folder /tmp/hdk-TAG-XXXXXX (caller frees) and its removal with everything in it. */
char *hdk_tmpdir(const char *tag);
void hdk_rmdir(const char *dir);
/* A file's text (caller frees), NULL when it cannot be read. */
char *hdk_slurp(const char *path);
/*
 * dir/file against tests/kinds/golden/KIND/NAME (dir as @DIR@, base as
 * @BASE@ when not empty); with ANYLAB_REGEN_GOLDEN=1 the golden file is
 * written instead.
 */
void hdk_golden(const char *kind, const char *name, const char *dir, const char *file,
    const char *base);

/*
 * Every node with a "dns" section in the topology file, run by ops: check
 * passes, configure writes into a folder per node, and conf_name and every
 * zone file written match golden KIND/NAME.NODE.FILE. Each written zone
 * file must read back through anydnsd's own master-file parser to the same
 * records. validate (may be NULL) then checks the node's folder with the
 * daemon's own tools.
 */
void hdk_golden_topology(const struct kind_ops *ops, const char *name, const char *file,
    const char *conf_name, void (*validate)(const struct kind_node *));
/* Run a shell command; its exit status, its output (stdout and stderr) into *out when not NULL. */
int hdk_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

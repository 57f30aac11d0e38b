/*
 * The interop tests' lab (tests/bgp/root_bird.c, root_gobgp.c, root_frr.c):
 * a topology of tests/bgp/labs/ brought up with `anylab up` under a lab name
 * of the test's own, read and driven only through anylab (`anylab bgp NODE
 * peers|routes|announce|withdraw|refresh|reset --json`, `anylab exec`), and
 * taken down by tl_cleanup() on every path. Kernel routes are read with
 * tn_kernel_nexthops() in the lab's namespace LAB-NODE (tl_ns).
 */
#ifndef ANYLAB_TEST_HELPER_LAB_H
#define ANYLAB_TEST_HELPER_LAB_H

#include <stdbool.h>
#include <cJSON.h>

struct tlab {
	char bin[512]; /* BUILD/bin/anylab */
	char lab[16];
	char dir[128]; /* the test's own folder: topology, stderr, captures */
	char ns[48];   /* tl_ns's buffer */
};

/*
 * Skip the test unless root under ctest with anylab and anybgpd built and
 * each program (absolute paths, NULL-terminated) installed; then the lab
 * name (tag + pid digits) and a fresh folder.
 */
void tl_require(struct tlab *, const char *tag, const char *program, ...) __attribute__((sentinel));
/* tests/bgp/labs/NAME parsed (asserts); the caller may change it and pass it to tl_up_doc. */
cJSON *tl_fixture(const char *name);
/*
 * `anylab up` of the fixture (or of doc, written to the test's folder) as
 * this test's lab, with extra options ("--kind b.bgp=bird ..."); asserts it
 * exited 0, its standard error logged otherwise.
 */
void tl_up(struct tlab *, const char *fixture, const char *opts);
void tl_up_doc(struct tlab *, const cJSON *doc, const char *opts);
/* `anylab down` (asserts it exited 0), for tests that read what down flushes (captures). */
void tl_down(struct tlab *);
/* Takes the lab down if it is still up and removes the folder: every path. */
void tl_cleanup(struct tlab *);

/* The namespace of node: LAB-NODE (tl's own buffer). */
const char *tl_ns(struct tlab *, const char *node);
/* `anylab bgp NODE ARGS --json` parsed (caller deletes); NULL when it failed. */
cJSON *tl_bgp(struct tlab *, const char *node, const char *args);
/* `anylab bgp NODE ARGS --json`: its exit status (0 done). */
int tl_bgp_do(struct tlab *, const char *node, const char *args);
/* `anylab exec -l LAB NODE -- CMD` (a shell line); its exit status. */
int tl_exec(struct tlab *, const char *node, const char *cmd);

/* Field of node's peer addr in `peers`: a number (-1 when absent), or the state. */
double tl_peer_num(struct tlab *, const char *node, const char *addr, const char *field);
bool tl_peer_state(struct tlab *, const char *node, const char *addr, const char *state);
/* node's anybgpd says it has converged (`status`); logs why not. */
bool tl_converged(struct tlab *, const char *node);
/* node's peer addr sent End-of-RIB for family ("ipv4-unicast") this session. */
bool tl_peer_eor(struct tlab *, const char *node, const char *addr, const char *family);
/*
 * Paths node holds for prefix in `routes PREFIX`: all, or with best_only those
 * marked multipath (selected); with as_path set, only those whose AS path
 * contains it. -1 when the node did not answer.
 */
int tl_routes(struct tlab *, const char *node, const char *prefix, bool best_only,
    const char *as_path);

#endif

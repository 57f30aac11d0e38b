/*
 * Helpers for the tests of the BGP kinds that render a native
 * configuration (test_kind_gobgp.c, test_kind_openbgpd.c and their root_
 * tests): a kind_node over a section, golden files (tests/kinds/golden/
 * KIND/NAME.json -> NAME.conf, bad/NAME.json -> NAME.err; regenerated
 * with ANYLAB_REGEN_GOLDEN=1), samples, and for root tests two namespaces
 * named as the lab names them (LAB-NODE) joined by a veth pair, the kind's
 * own processes started in them, everything removed on every path.
 */
#ifndef ANYLAB_TEST_HELPER_BGPKIND_H
#define ANYLAB_TEST_HELPER_BGPKIND_H

#include <stdbool.h>
#include <sys/types.h>
#include <cJSON.h>

#include "kind.h"

/* $ANYLAB_SOURCE_DIR/rel (or beside this file's tree). */
const char *bk_source(const char *rel, char *buf, size_t len);
/* A whole file (caller frees), NULL when unreadable. */
char *bk_read(const char *path);

/* One node's daemon of kind: node name, section (owned by the caller), folder. */
struct bk_node {
	struct topo_node tnode;
	struct kind_node k;
	char name[32];
	pid_t pids[KIND_PROCS_MAX];
	int npids;
};

void bk_node_init(struct bk_node *, const struct kind_ops *, const char *lab, const char *name,
    const cJSON *section, const char *dir);

/*
 * Every golden of kind: NAME.json through check and configure, the file
 * conf_name compared with NAME.conf (@DIR@ for the node's folder); bad/
 * NAME.json through check, its errors compared with bad/NAME.err. When
 * the program checker exists, `checker checker_args FILE` runs on each
 * rendered file and must exit 0 (the daemon's own configuration check).
 * Asserts; returns how many files it compared.
 */
int bk_golden_all(const struct kind_ops *, const char *conf_name, const char *checker,
    const char *checker_args);

/* ---- root tests ---- */

/* Skips unless root and every program of kind exists. */
void bk_require(const struct kind_ops *);
/*
 * Lab lab, nodes a (10.0.0.1/24, fd00::1/64 on eth0) and b (.2, ::2),
 * namespaces LAB-a and LAB-b, folders under a temporary directory.
 */
void bk_pair_up(const char *lab, char *dir, size_t len);
/* configure + procs of n, started in its namespace and folder; asserts. */
void bk_start(struct bk_node *);
/* The same without configure (a restart as the supervisor's `start` does it). */
void bk_start_procs(struct bk_node *);
/* Stops n's processes (SIGTERM, SIGKILL after 3 s). */
void bk_stop(struct bk_node *);
/* Removes what bk_pair_up made (also at exit). */
void bk_pair_down(void);

/* Polls cond every 100 ms for at most ms; true when it held. */
#define BK_WAIT(ms, cond) \
	({ \
		bool bk_ok_ = false; \
		for (int bk_i_ = 0; bk_i_ <= (ms) / 100; bk_i_++) { \
			if ((cond)) { \
				bk_ok_ = true; \
				break; \
			} \
			usleep(100000); \
		} \
		bk_ok_; \
	})

/* The peer entry for addr in a {"peers":[...]} of n (NULL when absent); doc is the caller's. */
const cJSON *bk_peer(struct bk_node *, const char *addr, cJSON **doc);
/* The state of n's peer addr ("" when unknown). Static storage. */
const char *bk_peer_state(struct bk_node *, const char *addr);
/* Paths n holds for prefix (routes op); with from, only those learned from that peer. */
int bk_paths(struct bk_node *, const char *prefix, const char *from);

#endif

/*
 * Reading JSON configuration (topologies, daemon configs) with errors that
 * name the place: every getter takes the JSON path of the object it reads
 * from ("nodes.dc001.bgp.peers[0]") and records failures as
 * "PATH.KEY: expected ...". The first CFG_MAX_ERRORS errors are kept.
 *
 * Getters return 1 when the key is present and valid, 0 when it is absent
 * (an error too if required), -1 when it is present but wrong.
 */
#ifndef ANYLAB_JCFG_H
#define ANYLAB_JCFG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <cJSON.h>

#include "addr.h"

#define CFG_MAX_ERRORS 32
#define CFG_PATH_MAX   256
#define JCFG_FILE_MAX  (16u << 20) /* topologies, scenarios, daemon configs */

struct cfg_error {
	char path[CFG_PATH_MAX]; /* JSON path; "" for the whole file */
	char msg[256];
	int line; /* for syntax errors: 1-based, else 0 */
	int col;
};

struct cfg_errors {
	const char *file; /* shown before every error */
	int count;
	struct cfg_error err[CFG_MAX_ERRORS];
};

void cfg_errors_init(struct cfg_errors *, const char *file);
void cfg_error(struct cfg_errors *, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "FILE: PATH: MSG" (or "FILE:LINE:COL: MSG"), one per line. */
void cfg_errors_print(const struct cfg_errors *, FILE *);
const char *cfg_error_text(const struct cfg_errors *, int i, char *, size_t);

/*
 * Parse a file or a string; syntax errors carry line and column. NULL on
 * error. A file must be a regular one of at most JCFG_FILE_MAX bytes
 * ("FILE: larger than N bytes", "FILE: not a regular file").
 */
cJSON *jc_parse_file(const char *file, struct cfg_errors *);
cJSON *jc_parse_string(const char *text, struct cfg_errors *);

/* "parent.key" and "parent[i]" (parent may be ""). */
const char *jc_path(char *buf, const char *parent, const char *key);
const char *jc_path_idx(char *buf, const char *parent, int idx);

/* obj must be an object whose keys are all in allowed (NULL-terminated), each once. */
bool jc_check_object(const cJSON *obj, const char *path, const char *const allowed[],
    struct cfg_errors *);

int jc_string(const cJSON *obj, const char *key, const char *path, bool required, const char **out,
    struct cfg_errors *);
int jc_uint(const cJSON *obj, const char *key, const char *path, bool required, uint64_t min,
    uint64_t max, uint64_t *out, struct cfg_errors *);
/* Any number, fractions too, from min to max. */
int jc_number(const cJSON *obj, const char *key, const char *path, bool required, double min,
    double max, double *out, struct cfg_errors *e);
int jc_bool(const cJSON *obj, const char *key, const char *path, bool required, bool *out,
    struct cfg_errors *);
/* family: AF_INET, AF_INET6 or 0 for either. */
int jc_ipaddr(const cJSON *obj, const char *key, const char *path, bool required, int family,
    struct ipaddr *out, struct cfg_errors *);
int jc_prefix(const cJSON *obj, const char *key, const char *path, bool required, bool host_bits_ok,
    struct prefix *out, struct cfg_errors *);
/* Present and of the given cJSON type (cJSON_Array, cJSON_Object, ...). */
int jc_typed(const cJSON *obj, const char *key, const char *path, bool required, int type,
    const cJSON **out, struct cfg_errors *);

/* Value checks on an item already in hand (array elements). */
bool jc_item_ipaddr(const cJSON *item, const char *path, int family, struct ipaddr *,
    struct cfg_errors *);
bool jc_item_prefix(const cJSON *item, const char *path, bool host_bits_ok, struct prefix *,
    struct cfg_errors *);
bool jc_item_string(const cJSON *item, const char *path, const char **, struct cfg_errors *);

#endif

/*
 * JSON configuration getters with path-naming errors (see jcfg.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fileio.h"
#include "jcfg.h"

void
cfg_errors_init(struct cfg_errors *e, const char *file)
{
	memset(e, 0, sizeof(*e));
	e->file = file;
}

static struct cfg_error *
cfg_next(struct cfg_errors *e)
{
	struct cfg_error *ce;

	e->count++;
	if (e->count > CFG_MAX_ERRORS)
		return NULL;
	ce = &e->err[e->count - 1];
	memset(ce, 0, sizeof(*ce));
	return ce;
}

void
cfg_error(struct cfg_errors *e, const char *path, const char *fmt, ...)
{
	struct cfg_error *ce = cfg_next(e);
	va_list ap;

	if (ce == NULL)
		return;
	snprintf(ce->path, sizeof(ce->path), "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(ce->msg, sizeof(ce->msg), fmt, ap);
	va_end(ap);
}

const char *
cfg_error_text(const struct cfg_errors *e, int i, char *buf, size_t len)
{
	const struct cfg_error *ce = &e->err[i];
	const char *file = e->file ? e->file : "<config>";

	if (ce->line > 0)
		snprintf(buf, len, "%s:%d:%d: %s", file, ce->line, ce->col, ce->msg);
	else if (ce->path[0])
		snprintf(buf, len, "%s: %s: %s", file, ce->path, ce->msg);
	else
		snprintf(buf, len, "%s: %s", file, ce->msg);
	return buf;
}

void
cfg_errors_print(const struct cfg_errors *e, FILE *fp)
{
	char buf[CFG_PATH_MAX + 512];
	int n = e->count < CFG_MAX_ERRORS ? e->count : CFG_MAX_ERRORS;

	for (int i = 0; i < n; i++)
		fprintf(fp, "%s\n", cfg_error_text(e, i, buf, sizeof(buf)));
	if (e->count > n)
		fprintf(fp, "%s: %d more errors not shown\n", e->file ? e->file : "<config>",
		    e->count - n);
}

cJSON *
jc_parse_string(const char *text, struct cfg_errors *e)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, true);

	if (root == NULL) {
		struct cfg_error *ce = cfg_next(e);
		int line = 1, col = 1;

		if (end == NULL)
			end = text;
		for (const char *p = text; p < end && *p; p++) {
			if (*p == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		if (ce != NULL) {
			ce->line = line;
			ce->col = col;
			snprintf(ce->msg, sizeof(ce->msg),
			    "JSON syntax error: expected a value, a comma or a closing bracket here");
		}
	}
	return root;
}

cJSON *
jc_parse_file(const char *file, struct cfg_errors *e)
{
	char *text, why[128];
	size_t len;
	cJSON *root;
	int err;

	/* A regular file of bounded size: /dev/zero or a FIFO ends here at once. */
	err = file_read(AT_FDCWD, file, JCFG_FILE_MAX, &text, &len);
	if (err < 0) {
		cfg_error(e, "", "%s%s",
		    err == FILE_ENOTREG || err == -EFBIG ? "" : "cannot open: ",
		    file_strerror(err, JCFG_FILE_MAX, why, sizeof(why)));
		return NULL;
	}
	if (strlen(text) != len) {
		cfg_error(e, "", "file contains a NUL byte; expected JSON text");
		free(text);
		return NULL;
	}
	root = jc_parse_string(text, e);
	free(text);
	return root;
}

const char *
jc_path(char *buf, const char *parent, const char *key)
{
	if (parent == NULL || parent[0] == '\0')
		snprintf(buf, CFG_PATH_MAX, "%s", key);
	else
		snprintf(buf, CFG_PATH_MAX, "%s.%s", parent, key);
	return buf;
}

const char *
jc_path_idx(char *buf, const char *parent, int idx)
{
	snprintf(buf, CFG_PATH_MAX, "%s[%d]", parent ? parent : "", idx);
	return buf;
}

static const char *
type_name(const cJSON *item)
{
	if (cJSON_IsObject(item))
		return "an object";
	if (cJSON_IsArray(item))
		return "an array";
	if (cJSON_IsString(item))
		return "a string";
	if (cJSON_IsNumber(item))
		return "a number";
	if (cJSON_IsBool(item))
		return "a boolean";
	if (cJSON_IsNull(item))
		return "null";
	return "something else";
}

bool
jc_check_object(const cJSON *obj, const char *path, const char *const allowed[],
    struct cfg_errors *e)
{
	bool ok = true;

	if (!cJSON_IsObject(obj)) {
		cfg_error(e, path, "expected an object, found %s", type_name(obj));
		return false;
	}
	for (const cJSON *it = obj->child; it; it = it->next) {
		char p[CFG_PATH_MAX];
		bool known = false;

		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], it->string) == 0)
				known = true;
		if (!known) {
			char list[200] = "";
			size_t used = 0;

			for (size_t i = 0; allowed[i] && used < sizeof(list) - 1; i++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
				    i ? ", " : "", allowed[i]);
			cfg_error(e, jc_path(p, path, it->string),
			    "unknown key \"%s\"; expected one of: %s", it->string, list);
			ok = false;
			continue;
		}
		for (const cJSON *prev = obj->child; prev != it; prev = prev->next)
			if (strcmp(prev->string, it->string) == 0) {
				cfg_error(e, jc_path(p, path, it->string),
				    "duplicate key \"%s\"; expected each key once", it->string);
				ok = false;
				break;
			}
	}
	return ok;
}

static const cJSON *
jc_get(const cJSON *obj, const char *key, const char *path, bool required, char *p,
    struct cfg_errors *e)
{
	const cJSON *item = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	jc_path(p, path, key);
	if (item == NULL && required)
		cfg_error(e, p, "missing; this key is required");
	return item;
}

int
jc_typed(const cJSON *obj, const char *key, const char *path, bool required, int type,
    const cJSON **out, struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const cJSON *item = jc_get(obj, key, path, required, p, e);

	if (item == NULL)
		return 0;
	if ((item->type & 0xff) != type) {
		const char *want = type == cJSON_Array ? "an array" :
		    type == cJSON_Object	       ? "an object" :
		    type == cJSON_String	       ? "a string" :
		    type == cJSON_Number	       ? "a number" :
							 "another type";
		cfg_error(e, p, "expected %s, found %s", want, type_name(item));
		return -1;
	}
	*out = item;
	return 1;
}

bool
jc_item_string(const cJSON *item, const char *path, const char **out, struct cfg_errors *e)
{
	if (!cJSON_IsString(item)) {
		cfg_error(e, path, "expected a string, found %s", type_name(item));
		return false;
	}
	*out = item->valuestring;
	return true;
}

int
jc_string(const cJSON *obj, const char *key, const char *path, bool required, const char **out,
    struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const cJSON *item = jc_get(obj, key, path, required, p, e);

	if (item == NULL)
		return 0;
	return jc_item_string(item, p, out, e) ? 1 : -1;
}

int
jc_uint(const cJSON *obj, const char *key, const char *path, bool required, uint64_t min,
    uint64_t max, uint64_t *out, struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const cJSON *item = jc_get(obj, key, path, required, p, e);
	double v;

	if (item == NULL)
		return 0;
	if (!cJSON_IsNumber(item)) {
		cfg_error(e, p, "expected an integer from %llu to %llu, found %s",
		    (unsigned long long)min, (unsigned long long)max, type_name(item));
		return -1;
	}
	v = item->valuedouble;
	if (v != floor(v) || v < (double)min || v > (double)max) {
		if (v == floor(v) && fabs(v) < 1e18)
			cfg_error(e, p, "expected an integer from %llu to %llu, found %.0f",
			    (unsigned long long)min, (unsigned long long)max, v);
		else
			cfg_error(e, p, "expected an integer from %llu to %llu, found %g",
			    (unsigned long long)min, (unsigned long long)max, v);
		return -1;
	}
	*out = (uint64_t)v;
	return 1;
}

int
jc_number(const cJSON *obj, const char *key, const char *path, bool required, double min,
    double max, double *out, struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const cJSON *item = jc_get(obj, key, path, required, p, e);

	if (item == NULL)
		return 0;
	if (!cJSON_IsNumber(item)) {
		cfg_error(e, p, "expected a number from %g to %g, found %s", min, max,
		    type_name(item));
		return -1;
	}
	if (!isfinite(item->valuedouble) || item->valuedouble < min || item->valuedouble > max) {
		cfg_error(e, p, "expected a number from %g to %g, found %g", min, max,
		    item->valuedouble);
		return -1;
	}
	*out = item->valuedouble;
	return 1;
}

int
jc_bool(const cJSON *obj, const char *key, const char *path, bool required, bool *out,
    struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const cJSON *item = jc_get(obj, key, path, required, p, e);

	if (item == NULL)
		return 0;
	if (!cJSON_IsBool(item)) {
		cfg_error(e, p, "expected true or false, found %s", type_name(item));
		return -1;
	}
	*out = cJSON_IsTrue(item);
	return 1;
}

bool
jc_item_ipaddr(const cJSON *item, const char *path, int family, struct ipaddr *out,
    struct cfg_errors *e)
{
	const char *want = family == AF_INET ? "an IPv4 address" :
	    family == AF_INET6		     ? "an IPv6 address" :
					       "an IPv4 or IPv6 address";

	if (!cJSON_IsString(item)) {
		cfg_error(e, path, "expected %s, found %s", want, type_name(item));
		return false;
	}
	if (ipaddr_parse(item->valuestring, out) < 0 || (family && out->family != family)) {
		cfg_error(e, path, "expected %s, found \"%s\"", want, item->valuestring);
		return false;
	}
	return true;
}

bool
jc_item_prefix(const cJSON *item, const char *path, bool host_bits_ok, struct prefix *out,
    struct cfg_errors *e)
{
	const char *want = host_bits_ok ?
	    "an address with prefix length (\"10.0.0.1/24\")" :
	    "a network prefix with no host bits set (\"10.0.0.0/24\")";

	if (!cJSON_IsString(item)) {
		cfg_error(e, path, "expected %s, found %s", want, type_name(item));
		return false;
	}
	if (prefix_parse(item->valuestring, out, host_bits_ok) < 0) {
		cfg_error(e, path, "expected %s, found \"%s\"", want, item->valuestring);
		return false;
	}
	return true;
}

int
jc_ipaddr(const cJSON *obj, const char *key, const char *path, bool required, int family,
    struct ipaddr *out, struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const cJSON *item = jc_get(obj, key, path, required, p, e);

	if (item == NULL)
		return 0;
	return jc_item_ipaddr(item, p, family, out, e) ? 1 : -1;
}

int
jc_prefix(const cJSON *obj, const char *key, const char *path, bool required, bool host_bits_ok,
    struct prefix *out, struct cfg_errors *e)
{
	char p[CFG_PATH_MAX];
	const cJSON *item = jc_get(obj, key, path, required, p, e);

	if (item == NULL)
		return 0;
	return jc_item_prefix(item, p, host_bits_ok, out, e) ? 1 : -1;
}

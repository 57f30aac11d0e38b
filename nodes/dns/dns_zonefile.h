/*
 * RFC 1035 master files (section 5): $ORIGIN, $TTL, @, relative names,
 * owner carried over from the previous entry, TTL and class in either order,
 * parentheses, comments, quoted strings with escapes. Errors read
 * "FILE:LINE:COL: what was expected".
 */
#ifndef ANYLAB_DNS_ZONEFILE_H
#define ANYLAB_DNS_ZONEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "dns_zone.h"

/* TTL of a record that gives none, when no $TTL and no earlier TTL is known. */
#define DNS_ZONEFILE_DEFAULT_TTL 3600

/*
 * Parse text (the contents of file) into zb; relative names are relative to
 * origin until a $ORIGIN. Returns the number of errors added to msgs.
 */
int dns_zonefile_parse(struct dns_zone_builder *zb, const uint8_t *origin, const char *file,
    const char *text, size_t len, struct dns_zmsgs *msgs);

/*
 * Read path and parse it (errors name display, or path when display is
 * NULL). Only a regular file of at most DNS_ZONEFILE_MAX bytes is read.
 */
#define DNS_ZONEFILE_MAX (64u << 20)
int dns_zonefile_load(struct dns_zone_builder *zb, const uint8_t *origin, const char *path,
    const char *display, struct dns_zmsgs *msgs);

#endif

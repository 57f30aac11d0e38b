/*
 * libFuzzer target: any text as a master file for zone fuzz.tst. The parser
 * must accept or reject it with errors, never crash; an accepted zone's
 * canonical form must parse again to the very same canonical form.
 * The first line also goes through the rdata-from-string path of the JSON
 * config (with the type named by the first input byte).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_rdata.h"
#include "dns_zone.h"
#include "dns_zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t types[] = {
	DNS_T_A,
	DNS_T_NS,
	DNS_T_CNAME,
	DNS_T_SOA,
	DNS_T_PTR,
	DNS_T_HINFO,
	DNS_T_MX,
	DNS_T_TXT,
	DNS_T_AAAA,
	DNS_T_SRV,
	DNS_T_DNAME,
	DNS_T_CAA,
	65280,
};

static char *
canonical(const uint8_t *origin, const char *text, size_t len)
{
	struct dns_zmsgs *m = calloc(1, sizeof(*m));
	struct dns_zone_builder *zb = dns_zb_new(origin, "fuzz");
	struct dns_zone *z = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *out = NULL;

	if (dns_zonefile_parse(zb, origin, "fuzz", text, len, m) == 0)
		z = dns_zb_finish(zb, "ns.fuzz", m);
	else
		dns_zb_free(zb);
	if (z != NULL) {
		dns_zone_print(z, &sb);
		out = sb_steal(&sb);
		dns_zone_free(z);
	}
	free(m);
	return out;
}

/* The records only: the comment lines say whether SOA/NS were made, which differs. */
static const char *
records(const char *s)
{
	while (*s == ';') {
		const char *nl = strchr(s, '\n');

		if (nl == NULL)
			return "";
		s = nl + 1;
	}
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t origin[DNS_NAME_MAXLEN], rdata[DNS_RDATA_MAX];
	char *text, *once, *twice, err[200];
	const char *nl;

	if (size == 0 || size > 65536)
		return 0;
	dns_name_from_text("fuzz.tst.", 9, NULL, origin);
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	if (memchr(text, '\0', size) == NULL) {
		char line[1024];

		nl = strchr(text + 1, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl ? nl - text - 1 : (long)size - 1),
		    text + 1);
		dns_rdata_from_string(types[data[0] % (sizeof(types) / sizeof(types[0]))], line,
		    origin, rdata, sizeof(rdata), err, sizeof(err));
	}
	once = canonical(origin, text, size);
	if (once != NULL) {
		twice = canonical(origin, once, strlen(once));
		if (twice == NULL || strcmp(records(once), records(twice)) != 0)
			abort();
		free(twice);
		free(once);
	}
	free(text);
	return 0;
}

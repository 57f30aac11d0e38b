/*
 * Name tables for DNS types, classes, opcodes, rcodes and the library's
 * errors (RFC 1035 3.2.2-3.2.5, RFC 3597 section 5 for TYPEnnn/CLASSnnn).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns_proto.h"

struct dns_code_name {
	uint16_t code;
	const char *name;
};

static const struct dns_code_name type_names[] = {
	{ DNS_T_A, "A" },
	{ DNS_T_NS, "NS" },
	{ DNS_T_CNAME, "CNAME" },
	{ DNS_T_SOA, "SOA" },
	{ DNS_T_PTR, "PTR" },
	{ DNS_T_HINFO, "HINFO" },
	{ DNS_T_MX, "MX" },
	{ DNS_T_TXT, "TXT" },
	{ DNS_T_AAAA, "AAAA" },
	{ DNS_T_SRV, "SRV" },
	{ DNS_T_DNAME, "DNAME" },
	{ DNS_T_OPT, "OPT" },
	{ DNS_T_CAA, "CAA" },
	{ DNS_T_TKEY, "TKEY" },
	{ DNS_T_TSIG, "TSIG" },
	{ DNS_T_IXFR, "IXFR" },
	{ DNS_T_AXFR, "AXFR" },
	{ DNS_T_MAILB, "MAILB" },
	{ DNS_T_MAILA, "MAILA" },
	{ DNS_T_ANY, "ANY" },
	{ DNS_T_DS, "DS" },
	{ 46, "RRSIG" },
	{ 47, "NSEC" },
	{ 48, "DNSKEY" },
	{ 64, "SVCB" },
	{ 65, "HTTPS" },
};

static const struct dns_code_name class_names[] = {
	{ DNS_C_IN, "IN" },
	{ DNS_C_CH, "CH" },
	{ DNS_C_HS, "HS" },
	{ DNS_C_NONE, "NONE" },
	{ DNS_C_ANY, "ANY" },
};

static const char *const rcode_names[DNS_R_COUNT] = {
	[DNS_R_NOERROR] = "NOERROR",
	[DNS_R_FORMERR] = "FORMERR",
	[DNS_R_SERVFAIL] = "SERVFAIL",
	[DNS_R_NXDOMAIN] = "NXDOMAIN",
	[DNS_R_NOTIMP] = "NOTIMP",
	[DNS_R_REFUSED] = "REFUSED",
	[6] = "YXDOMAIN",
	[7] = "YXRRSET",
	[8] = "NXRRSET",
	[9] = "NOTAUTH",
	[10] = "NOTZONE",
	[DNS_R_BADVERS] = "BADVERS",
};

static const char *const opcode_names[16] = {
	[DNS_OP_QUERY] = "QUERY",
	[DNS_OP_IQUERY] = "IQUERY",
	[DNS_OP_STATUS] = "STATUS",
	[DNS_OP_NOTIFY] = "NOTIFY",
	[DNS_OP_UPDATE] = "UPDATE",
	[6] = "DSO",
};

static const char *const err_names[] = {
	[-DNS_OK] = "success",
	[-DNS_ESHORT] = "message ends inside a field",
	[-DNS_EBADNAME] = "malformed domain name",
	[-DNS_ENAMELONG] = "name longer than 255 octets or label longer than 63",
	[-DNS_ESPACE] = "output buffer too small",
	[-DNS_EBADTEXT] = "malformed presentation text",
	[-DNS_ENOTRESP] = "not a response (QR clear)",
	[-DNS_EFORMAT] = "record counts inconsistent with the message",
	[-DNS_ENOMEM] = "out of memory",
	[-DNS_EBADRDATA] = "rdata does not match its type",
};

const char *
dns_strerror(int err)
{
	if (err > 0 || -err >= (int)(sizeof(err_names) / sizeof(err_names[0])))
		return "unknown DNS error";
	return err_names[-err];
}

static const char *
code_name(const struct dns_code_name *tab, size_t n, uint16_t code)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].code == code)
			return tab[i].name;
	return NULL;
}

static int
code_parse(const struct dns_code_name *tab, size_t n, const char *prefix, const char *s,
    uint16_t *out)
{
	size_t plen = strlen(prefix);
	char *end;
	unsigned long v;

	for (size_t i = 0; i < n; i++)
		if (strcasecmp(tab[i].name, s) == 0) {
			*out = tab[i].code;
			return 0;
		}
	if (strncasecmp(s, prefix, plen) != 0 || s[plen] < '0' || s[plen] > '9')
		return -1;
	v = strtoul(s + plen, &end, 10);
	if (*end != '\0' || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
dns_type_name(uint16_t type, char *buf, size_t len)
{
	const char *n = code_name(type_names, NELEM(type_names), type);

	if (n != NULL)
		return n;
	snprintf(buf, len, "TYPE%u", type);
	return buf;
}

int
dns_type_parse(const char *s, uint16_t *out)
{
	return code_parse(type_names, NELEM(type_names), "TYPE", s, out);
}

const char *
dns_class_name(uint16_t cls, char *buf, size_t len)
{
	const char *n = code_name(class_names, NELEM(class_names), cls);

	if (n != NULL)
		return n;
	snprintf(buf, len, "CLASS%u", cls);
	return buf;
}

int
dns_class_parse(const char *s, uint16_t *out)
{
	if (strcasecmp(s, "CHAOS") == 0) {
		*out = DNS_C_CH;
		return 0;
	}
	return code_parse(class_names, NELEM(class_names), "CLASS", s, out);
}

const char *
dns_rcode_name(unsigned rcode)
{
	if (rcode < DNS_R_COUNT && rcode_names[rcode] != NULL)
		return rcode_names[rcode];
	return "UNKNOWN";
}

const char *
dns_opcode_name(unsigned opcode)
{
	if (opcode < 16 && opcode_names[opcode] != NULL)
		return opcode_names[opcode];
	return "UNKNOWN";
}

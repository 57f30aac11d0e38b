/*
 * Master-file parser and zone model against golden files.
 *
 * Every tests/dns/golden/ORIGIN.zone is parsed (origin from the file name;
 * bad-*.zone use the origin bad.tst) and its canonical form compared with
 * ORIGIN.ok, or, when the zone is rejected, its errors with ORIGIN.err.
 * Regenerate after an intended change with
 *	ANYLAB_REGEN_GOLDEN=1 build/tests/dns_test_zonefile
 * (or for one file: anydnsd -z ORIGIN FILE > FILE.ok) and review the diff.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns_rdata.h"
#include "dns_zone.h"
#include "dns_zonefile.h"

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

static const char *
golden_dir(char *buf, size_t len)
{
	const char *src = getenv("ANYLAB_SOURCE_DIR");

	if (src != NULL)
		snprintf(buf, len, "%s/tests/dns/golden", src);
	else
		snprintf(buf, len, "%s", __FILE__);
	if (src == NULL) {
		char *slash = strrchr(buf, '/');

		if (slash != NULL)
			snprintf(slash, len - (size_t)(slash - buf), "/golden");
	}
	return buf;
}

/* The canonical text of a zone, or its errors, the way the golden files hold them. */
static char *
render(const char *dir, const char *name, bool *ok)
{
	char path[1024], origin_text[256];
	uint8_t origin[DNS_NAME_MAXLEN];
	struct dns_zmsgs *m = calloc(1, sizeof(*m));
	struct dns_zone_builder *zb;
	struct dns_zone *z = NULL;
	struct strbuf sb = STRBUF_INIT;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (strncmp(name, "bad-", 4) == 0)
		snprintf(origin_text, sizeof(origin_text), "bad.tst.");
	else
		snprintf(origin_text, sizeof(origin_text), "%.*s.", (int)(strlen(name) - 5), name);
	cr_assert_gt(dns_name_from_text(origin_text, strlen(origin_text), NULL, origin), 0);
	zb = dns_zb_new(origin, name);
	if (dns_zonefile_load(zb, origin, path, name, m) == 0)
		z = dns_zb_finish(zb, "ns.golden", m);
	else
		dns_zb_free(zb);
	*ok = z != NULL;
	if (z != NULL) {
		dns_zone_print(z, &sb);
		for (int i = 0; i < m->nnote && i < DNS_ZMSG_MAX; i++)
			sb_printf(&sb, "; note: %s\n", m->note[i]);
		dns_zone_free(z);
	} else {
		for (int i = 0; i < m->nerr && i < DNS_ZMSG_MAX; i++)
			sb_printf(&sb, "%s\n", m->err[i]);
	}
	free(m);
	return sb_steal(&sb);
}

Test(zonefile, golden)
{
	char dir[1024];
	DIR *d = opendir(golden_dir(dir, sizeof(dir)));
	struct dirent *e;
	int n = 0;
	bool regen = getenv("ANYLAB_REGEN_GOLDEN") != NULL;

	cr_assert_not_null(d, "no golden directory %s", dir);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		char want_path[1200];
		char *got, *want;
		bool ok;

		if (l < 6 || strcmp(e->d_name + l - 5, ".zone") != 0)
			continue;
		got = render(dir, e->d_name, &ok);
		snprintf(want_path, sizeof(want_path), "%s/%.*s.%s", dir, (int)(l - 5), e->d_name,
		    ok ? "ok" : "err");
		if (regen) {
			FILE *fp = fopen(want_path, "w");

			cr_assert_not_null(fp);
			fputs(got, fp);
			fclose(fp);
		}
		want = slurp(want_path);
		cr_assert_not_null(want, "%s: %s missing (zone %s); output was:\n%s", e->d_name,
		    want_path, ok ? "accepted" : "rejected", got);
		cr_expect_str_eq(got, want, "%s differs from %s", e->d_name, want_path);
		free(got);
		free(want);
		n++;
	}
	closedir(d);
	cr_assert_geq(n, 5, "only %d golden zones", n);
}

/* The canonical form is itself a master file that parses to the same zone. */
Test(zonefile, canonical_form_reparses)
{
	char dir[1024];
	bool ok;
	char *once = render(golden_dir(dir, sizeof(dir)), "example.tst.zone", &ok);
	char tmp[] = "/tmp/anydns-golden-XXXXXX";
	int fd = mkstemp(tmp);
	struct dns_zmsgs *m = calloc(1, sizeof(*m));
	uint8_t origin[DNS_NAME_MAXLEN];
	struct dns_zone_builder *zb;
	struct dns_zone *z;
	struct strbuf sb = STRBUF_INIT;

	cr_assert(ok);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, once, strlen(once)), (ssize_t)strlen(once));
	close(fd);
	dns_name_from_text("example.tst.", 12, NULL, origin);
	zb = dns_zb_new(origin, "example.tst.zone");
	cr_assert_eq(dns_zonefile_load(zb, origin, tmp, "example.tst.zone", m), 0, "%s", m->err[0]);
	unlink(tmp);
	z = dns_zb_finish(zb, "ns.golden", m);
	cr_assert_not_null(z);
	dns_zone_print(z, &sb);
	for (int i = 0; i < m->nnote && i < DNS_ZMSG_MAX; i++)
		sb_printf(&sb, "; note: %s\n", m->note[i]);
	cr_assert_str_eq(sb_str(&sb), once);
	sb_free(&sb);
	dns_zone_free(z);
	free(once);
	free(m);
}

Test(zonefile, lexer_and_ttl)
{
	struct dns_lexer lx;
	struct dns_token t[8];
	int n;
	bool blank;
	uint32_t ttl;
	const char *text = "a ( b ; comment )\n )\n  c \"d e\" \\( ; x\n(\n";

	dns_lex_init(&lx, text, strlen(text));
	cr_assert_eq(dns_lex_entry(&lx, t, 8, &n, &blank), 1);
	cr_assert_eq(n, 2);
	cr_assert_not(blank);
	cr_assert_eq(dns_lex_entry(&lx, t, 8, &n, &blank), 1);
	cr_assert(blank);
	cr_assert_eq(n, 3);
	cr_assert(t[1].quoted);
	cr_assert_eq(t[1].len, 3);
	cr_assert_eq(t[1].col, 5);
	cr_assert_eq(t[2].len, 2);
	cr_assert_eq(dns_lex_entry(&lx, t, 8, &n, &blank), -1);
	cr_assert_str_eq(lx.err, "parenthesis not closed");
	cr_assert_eq(lx.err_line, 4);
	cr_assert_eq(dns_ttl_parse("1h30m", 5, &ttl), 0);
	cr_assert_eq(ttl, 5400);
	cr_assert_eq(dns_ttl_parse("2147483647", 10, &ttl), 0);
	cr_assert_eq(dns_ttl_parse("2147483648", 10, &ttl), -1);
	cr_assert_eq(dns_ttl_parse("1x", 2, &ttl), -1);
	cr_assert_eq(dns_ttl_parse("h", 1, &ttl), -1);
}

Test(zonefile, rdata_from_string)
{
	uint8_t out[512], origin[DNS_NAME_MAXLEN];
	char err[200];
	struct strbuf sb = STRBUF_INIT;
	int n;

	dns_name_from_text("zone.tst.", 9, NULL, origin);
	n = dns_rdata_from_string(DNS_T_MX, "10 mail", origin, out, sizeof(out), err, sizeof(err));
	cr_assert_eq(n, 2 + 15);
	dns_rdata_to_text(DNS_T_MX, out, (size_t)n, &sb);
	cr_assert_str_eq(sb_str(&sb), "10 mail.zone.tst.");
	sb_reset(&sb);
	n = dns_rdata_from_string(DNS_T_TXT, "DC001", origin, out, sizeof(out), err, sizeof(err));
	cr_assert_eq(n, 6);
	n = dns_rdata_from_string(DNS_T_A, "10.0.0.256", origin, out, sizeof(out), err,
	    sizeof(err));
	cr_assert_eq(n, -1);
	cr_assert_str_eq(err, "column 1: expected an IPv4 address");
	n = dns_rdata_from_string(DNS_T_MX, "10", origin, out, sizeof(out), err, sizeof(err));
	cr_assert_eq(n, -1);
	cr_assert_str_eq(err, "column 3: missing fields; expected PREFERENCE EXCHANGE");
	n = dns_rdata_from_string(DNS_T_SRV, "1 2 3 t x", origin, out, sizeof(out), err,
	    sizeof(err));
	cr_assert_eq(n, -1);
	cr_assert_str_eq(err,
	    "column 9: unexpected extra field; expected PRIORITY WEIGHT PORT "
	    "TARGET");
	n = dns_rdata_from_string(DNS_T_TXT, "a\nb", origin, out, sizeof(out), err, sizeof(err));
	cr_assert_eq(n, -1);
	sb_free(&sb);
}

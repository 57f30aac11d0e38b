#include <criterion/criterion.h>
#include <string.h>
#include <sys/socket.h>
#include "jcfg.h"

Test(jcfg, syntax_error_names_line_and_column)
{
	struct cfg_errors e;
	char buf[512];

	cfg_errors_init(&e, "lab.json");
	cr_assert_null(jc_parse_string("{\n  \"a\": 1,\n  \"b\" 2\n}", &e));
	cr_assert_eq(e.count, 1);
	cr_assert_eq(e.err[0].line, 3);
	cr_assert_str_eq(cfg_error_text(&e, 0, buf, sizeof(buf)),
	    "lab.json:3:7: JSON syntax error: expected a value, a comma or a closing bracket here");
}

Test(jcfg, unknown_and_duplicate_keys_are_named)
{
	static const char *const allowed[] = { "name", "asn", NULL };
	struct cfg_errors e;
	cJSON *j;

	cfg_errors_init(&e, "f");
	j = jc_parse_string("{\"name\": \"x\", \"asm\": 1, \"name\": \"y\"}", &e);
	cr_assert_not_null(j);
	cr_assert(!jc_check_object(j, "nodes.dc001.bgp", allowed, &e));
	cr_assert_eq(e.count, 2);
	cr_assert_str_eq(e.err[0].path, "nodes.dc001.bgp.asm");
	cr_assert_str_eq(e.err[0].msg, "unknown key \"asm\"; expected one of: name, asn");
	cr_assert_str_eq(e.err[1].msg, "duplicate key \"name\"; expected each key once");
	cJSON_Delete(j);
}

Test(jcfg, typed_getters_report_expectations)
{
	struct cfg_errors e;
	uint64_t v;
	struct ipaddr a;
	struct prefix p;
	cJSON *j;

	cfg_errors_init(&e, "f");
	j = jc_parse_string("{\"asn\": 70000.5, \"ok\": 8075, \"ip\": \"10.10.10.300\","
			    " \"net\": \"51.51.51.1/24\"}",
	    &e);
	cr_assert_eq(jc_uint(j, "asn", "p", true, 1, 4294967295u, &v, &e), -1);
	cr_assert_str_eq(e.err[0].msg, "expected an integer from 1 to 4294967295, found 70000.5");
	cr_assert_eq(jc_uint(j, "ok", "p", true, 1, 65535, &v, &e), 1);
	cr_assert_eq(v, 8075);
	cr_assert_eq(jc_ipaddr(j, "ip", "p", true, AF_INET, &a, &e), -1);
	cr_assert_str_eq(e.err[1].path, "p.ip");
	cr_assert_eq(jc_prefix(j, "net", "p", true, false, &p, &e), -1);
	cr_assert_eq(jc_prefix(j, "net", "p", true, true, &p, &e), 1);
	cr_assert_eq(jc_uint(j, "missing", "p", true, 0, 1, &v, &e), 0);
	cr_assert_str_eq(e.err[3].msg, "missing; this key is required");
	cr_assert_eq(jc_uint(j, "missing", "p", false, 0, 1, &v, &e), 0);
	cr_assert_eq(e.count, 4);
	cJSON_Delete(j);
}

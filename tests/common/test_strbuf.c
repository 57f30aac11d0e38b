/*
 * The JSON writer (sb_json_str): every string anylab prints as JSON goes
 * through it, so a name with a quote, a backslash, a control character or
 * bytes that are not UTF-8 still gives a document cJSON parses back to the
 * same text (or U+FFFD for what was not UTF-8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <criterion/criterion.h>

#include "strbuf.h"

/* sb_json_str(in) parsed back by cJSON: the string it holds (static). */
static const char *
round_trip(const char *in)
{
	static char out[256];
	struct strbuf sb = STRBUF_INIT;
	cJSON *doc;

	sb_puts(&sb, "{\"lab\": ");
	sb_json_str(&sb, in);
	sb_puts(&sb, "}");
	doc = cJSON_Parse(sb_str(&sb));
	cr_assert_not_null(doc, "not JSON: %s", sb_str(&sb));
	cr_assert(cJSON_IsString(cJSON_GetObjectItem(doc, "lab")));
	snprintf(out, sizeof(out), "%s", cJSON_GetObjectItem(doc, "lab")->valuestring);
	cJSON_Delete(doc);
	sb_free(&sb);
	return out;
}

Test(strbuf, json_quotes_and_controls)
{
	cr_assert_str_eq(round_trip("rel\"x"), "rel\"x");
	cr_assert_str_eq(round_trip("a\\b"), "a\\b");
	cr_assert_str_eq(round_trip("tab\there\nnl\x01"), "tab\there\nnl\x01");
}

Test(strbuf, json_utf8_kept_invalid_replaced)
{
	struct strbuf sb = STRBUF_INIT;

	/* é, €, U+1F600 pass as they are. */
	cr_assert_str_eq(round_trip("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* A lone byte, an overlong '/', a surrogate, a cut sequence: U+FFFD each byte. */
	sb_json_str(&sb,
	    "a\xff"
	    "b");
	cr_assert_str_eq(sb_str(&sb), "\"a\\ufffdb\"");
	sb_reset(&sb);
	sb_json_str(&sb, "\xc0\xaf");
	cr_assert_str_eq(sb_str(&sb), "\"\\ufffd\\ufffd\"");
	sb_reset(&sb);
	sb_json_str(&sb, "\xed\xa0\x80");
	cr_assert_str_eq(sb_str(&sb), "\"\\ufffd\\ufffd\\ufffd\"");
	sb_reset(&sb);
	sb_json_str(&sb, "x\xe2\x82");
	cr_assert_str_eq(sb_str(&sb), "\"x\\ufffd\\ufffd\"");
	sb_free(&sb);
}

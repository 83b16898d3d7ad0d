/* test-json.c — what hf_json_parse lets through to json-glib
 * SPDX-License-Identifier: MIT
 *
 * json-glib 1.6 recurses once per nesting level and has no limit, and it
 * reads more than JSON: single-quoted strings and keys, comments.  Nesting
 * hidden from a guard that only knows double-quoted strings takes the
 * stack with it, so every reply must be strict JSON of bounded depth
 * before json-glib sees it.
 */
#include <string.h>

#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-limits.h"
#include "hf-test-utils.h"

/* Far past json-glib's recursion on any stack we run on. */
#define HIDDEN_LEVELS 200000

static char *
nest (const char *head,
      const char *tail,
      guint       levels)
{
  GString *s = g_string_new (head);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (s, ']');
  g_string_append (s, tail);
  return g_string_free (s, FALSE);
}

static void
assert_refused (const char *text,
                gssize      len,
                const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = hf_json_parse (text, len < 0 ? strlen (text) : (gsize) len, &error);

  g_assert_null (root);
  g_assert_error (error, HF_ERROR, HF_ERROR_PARSE);
  if (why != NULL && strstr (error->message, why) == NULL)
    g_error ("\"%.60s\": expected an error about \"%s\", got \"%s\"", text, why, error->message);
}

static void
assert_parses (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = hf_json_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (root);
}

/* The reply the guard used to let through: a comment holding a quote
 * made it think the rest was a string. */
static void
test_hidden_by_comment (void)
{
  g_autofree char *text = nest ("{\"ASICModel\":\"BM1370\",\"a\":/*\"*/", "}", HIDDEN_LEVELS);

  assert_refused (text, -1, "not strict JSON");
}

/* A single-quoted string holding '"' does the same. */
static void
test_hidden_by_single_quotes (void)
{
  g_autofree char *text = nest ("{\"ASICModel\":\"BM1370\",\"b\":'\"',\"c\":", "}", HIDDEN_LEVELS);
  g_autofree char *key = nest ("{'ASICModel\"':", "}", HIDDEN_LEVELS);

  assert_refused (text, -1, "not strict JSON");
  assert_refused (key, -1, "not strict JSON");
}

/* Through the cgminer clean-up, which has its own notion of strings: it
 * may take the hidden part for a string cut short and close the reply
 * before it, but never hands json-glib the nesting. */
static void
test_hidden_in_cgminer_reply (void)
{
  g_autofree char *comment = nest ("{\"STATUS\":[{\"STATUS\":\"S\",\"Code\":11}],\"a\":/*\"*/",
                                   "}", HIDDEN_LEVELS);
  g_autofree char *quote = nest ("{\"STATUS\":[{\"STATUS\":\"S\"}],\"b\":'\"',\"c\":",
                                 "}", HIDDEN_LEVELS);
  g_autofree char *bare = nest ("{\"STATUS\":[{\"STATUS\":\"S\"}],\"c\":/**/", "}", HIDDEN_LEVELS);
  const char *texts[] = { comment, quote, bare };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) obj = hf_cgminer_parse_reply (texts[i], strlen (texts[i]), &error);

      if (obj == NULL)
        {
          g_assert_error (error, HF_ERROR, HF_ERROR_PARSE);
          continue;
        }
      g_assert_no_error (error);
      g_assert_true (json_object_has_member (obj, "STATUS"));
      g_assert_false (json_object_has_member (obj, "a"));
      g_assert_false (json_object_has_member (obj, "c"));
    }
}

/* Everything json-glib reads beyond RFC 8259 is refused, with where. */
static void
test_not_strict (void)
{
  assert_refused ("{'a':1}", -1, "byte 1");
  assert_refused ("{\"a\":'x'}", -1, "byte 5");
  assert_refused ("{\"a\":1 /* c */}", -1, NULL);
  assert_refused ("{\"a\":1 // c\n}", -1, NULL);
  assert_refused ("# c\n{\"a\":1}", -1, NULL);
  assert_refused ("{a:1}", -1, NULL);
  assert_refused ("{\"a\":1,}", -1, NULL);
  assert_refused ("[1,]", -1, NULL);
  assert_refused ("[,1]", -1, NULL);
  assert_refused ("{\"a\" 1}", -1, NULL);
  assert_refused ("{\"a\":1 \"b\":2}", -1, NULL);
  assert_refused ("{\"a\":01}", -1, NULL);
  assert_refused ("{\"a\":+1}", -1, NULL);
  assert_refused ("{\"a\":.5}", -1, NULL);
  assert_refused ("{\"a\":1.}", -1, NULL);
  assert_refused ("{\"a\":1e}", -1, NULL);
  assert_refused ("{\"a\":0x10}", -1, NULL);
  assert_refused ("{\"a\":NaN}", -1, NULL);
  assert_refused ("{\"a\":Infinity}", -1, NULL);
  assert_refused ("{\"a\":-}", -1, NULL);
  assert_refused ("{\"a\":tru}", -1, NULL);
  assert_refused ("{\"a\":truex}", -1, NULL);
  assert_refused ("{\"a\":\"\\x41\"}", -1, NULL);
  assert_refused ("{\"a\":\"\\u12G4\"}", -1, NULL);
  assert_refused ("{\"a\":\"open}", -1, NULL);
  assert_refused ("{\"a\":1}}", -1, NULL);
  assert_refused ("{\"a\":1} x", -1, "trailing");
  assert_refused ("{\"a\":[1}", -1, NULL);
  assert_refused ("{\"a\":1", -1, NULL);
  assert_refused ("", 0, "empty");
  assert_refused ("   ", -1, NULL);
  assert_refused ("{\"a\":1}\0", 8, "NUL");
}

static void
test_depth_limit (void)
{
  g_autofree char *at_limit = nest ("", "", HF_MAX_JSON_DEPTH);
  g_autofree char *over = nest ("", "", HF_MAX_JSON_DEPTH + 1);

  assert_parses (at_limit);
  assert_refused (over, -1, "nested deeper");
}

/* What miners send stays readable. */
static void
test_strict_accepted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  const char *text = " {\"s\":\"a \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\uD83D\\uDE00 [{'/*\","
                     "\"n\":[0,-0,1.5,-2e3,3E+2,4e-2,1234567890123],\"t\":true,\"f\":false,"
                     "\"z\":null,\"o\":{},\"e\":[],\"x\":{\"y\":[{\"z\":[]}]}}\r\n\t";

  obj = hf_json_parse_object (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (obj, "s"), ==,
                   "a \"q\" \\ / \b\f\n\r\t \xc3\xa9\xf0\x9f\x98\x80 [{'/*");
  g_assert_cmpfloat (json_array_get_double_element (json_object_get_array_member (obj, "n"), 3),
                     ==, -2000.0);
  assert_parses ("\"just a string\"");
  assert_parses ("42");
  assert_parses ("[]");
  /* A raw control byte inside a string cannot change the structure;
   * firmware writes raw tabs into hostnames. */
  assert_parses ("{\"h\":\"a\tb\"}");
  /* Latin-1 bytes are repaired, not refused. */
  assert_parses ("{\"h\":\"caf\xe9\"}");
}

/* A device's words lose what would act on a terminal or forge a line:
 * escape sequences, CR/LF, BEL, C1 controls and bidi overrides become
 * spaces; the cap counts characters; the rest stays as it was. */
static void
test_dup_string_clean (void)
{
  g_autofree char *many = g_strnfill (300, 'a');
  g_autofree char *json = g_strconcat ("{\"m\":\"M60S\\u001b[31mRED\\u0007\\r\\nFAKE LOG,"
                                       "\\u0085x\\u202eevil\\u202c caf\\u00e9\","
                                       "\"h\":\"\\u001b]0;pwned\\u0007\",\"long\":\"", many,
                                       "\"}", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = hf_json_parse_object (json, strlen (json), &error);
  g_autofree char *m = NULL, *h = NULL, *l = NULL;

  g_assert_no_error (error);
  m = hf_json_dup_string (obj, "m");
  g_assert_cmpstr (m, ==, "M60S [31mRED   FAKE LOG, x evil  caf\xc3\xa9");
  h = hf_json_dup_string (obj, "h");
  g_assert_cmpstr (h, ==, "]0;pwned");
  l = hf_json_dup_string (obj, "long");
  g_assert_cmpint (strlen (l), ==, HF_MAX_FIELD_CHARS);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/json/hidden-by-comment", test_hidden_by_comment);
  g_test_add_func ("/json/hidden-by-single-quotes", test_hidden_by_single_quotes);
  g_test_add_func ("/json/hidden-in-cgminer-reply", test_hidden_in_cgminer_reply);
  g_test_add_func ("/json/not-strict", test_not_strict);
  g_test_add_func ("/json/depth-limit", test_depth_limit);
  g_test_add_func ("/json/strict-accepted", test_strict_accepted);
  g_test_add_func ("/json/dup-string-clean", test_dup_string_clean);

  return g_test_run ();
}

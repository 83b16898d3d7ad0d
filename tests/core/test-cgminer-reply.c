/* test-cgminer-reply.c — every firmware quirk of the port-4028 API
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-json.h"
#include "hf-test-utils.h"

static JsonObject *
parse_ok (const char *text,
          gsize       len)
{
  g_autoptr(GError) error = NULL;
  JsonObject *obj = hf_cgminer_parse_reply (text, len, &error);

  g_assert_no_error (error);
  g_assert_nonnull (obj);
  return obj;
}

static void
parse_fails (const char *text,
             gsize       len,
             int         code)
{
  g_autoptr(GError) error = NULL;
  JsonObject *obj = hf_cgminer_parse_reply (text, len, &error);

  g_assert_null (obj);
  g_assert_error (error, HF_ERROR, code);
  g_assert_nonnull (error->message);
}

/* §1.1: the standard NUL terminator, a trailing newline, both, neither. */
static void
test_terminators (void)
{
  static const char with_nul[] = "{\"STATUS\":[{\"STATUS\":\"S\"}],\"id\":1}";
  const char *variants[] = { "{\"a\":1}", "{\"a\":1}\n", "{\"a\":1}\r\n\n" };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(JsonObject) o = parse_ok (variants[i], strlen (variants[i]));
      g_assert_cmpfloat (hf_json_number (o, "a"), ==, 1);
    }
  {
    /* sizeof includes the NUL, as cgminer sends it (strlen + 1). */
    g_autoptr(JsonObject) o = parse_ok (with_nul, sizeof with_nul);
    g_assert_true (hf_cgminer_check_status (o, NULL));
  }
  {
    static const char nul_newline[] = "{\"a\":2}\n";
    g_autoptr(JsonObject) o = parse_ok (nul_newline, sizeof nul_newline);
    g_assert_cmpfloat (hf_json_number (o, "a"), ==, 2);
  }
}

/* §1.2: bmminer STATS "}{" without a comma. */
static void
test_missing_comma_between_objects (void)
{
  const char *text = "{\"STATS\":[{\"Type\":\"Antminer S9i\"}{\"STATS\":0,\"GHS 5s\":\"13.5\"}],"
                     "\"id\":1}";
  g_autoptr(JsonObject) o = parse_ok (text, strlen (text));
  JsonArray *stats = hf_json_array (o, "STATS");

  g_assert_cmpuint (json_array_get_length (stats), ==, 2);
  g_assert_cmpfloat (hf_json_number (hf_cgminer_section (o, "STATS", 1), "GHS 5s"), ==, 13.5);
}

/* §1.3: bmminer "[,{". */
static void
test_leading_comma_in_array (void)
{
  const char *text = "{\"STATUS\":[,{\"STATUS\":\"S\",\"Code\":70}],\"id\":1}";
  g_autoptr(JsonObject) o = parse_ok (text, strlen (text));

  g_assert_true (hf_cgminer_check_status (o, NULL));
  g_assert_cmpfloat (hf_json_number (hf_cgminer_section (o, "STATUS", 0), "Code"), ==, 70);
}

/* §1.4: btminer ",}", raw newlines, and `""temp0` (missing comma). */
static void
test_btminer_quirks (void)
{
  const char *text = "{\"SUMMARY\":[{\"Elapsed\":10154,\n\"MHS av\":1.5,\"Msg\":\"a\nb\","
                     "\"Firmware\":\"x\"\"temp0\":61,}],\"id\":1,}";
  g_autoptr(JsonObject) o = parse_ok (text, strlen (text));
  JsonObject *s = hf_cgminer_section (o, "SUMMARY", 0);

  g_assert_cmpfloat (hf_json_number (s, "Elapsed"), ==, 10154);
  g_assert_cmpfloat (hf_json_number (s, "temp0"), ==, 61);
  g_assert_cmpstr (hf_json_string (s, "Firmware"), ==, "x");
  /* The raw newline inside a string is kept as a space. */
  g_assert_cmpstr (hf_json_string (s, "Msg"), ==, "a b");
}

/* §1.5: Avalon inf/nan, 0E-8 floats, and a reply that starts with ','. */
static void
test_avalon_quirks (void)
{
  const char *text = ",\"STATUS\":[{\"STATUS\":\"S\"}],\"SUMMARY\":[{\"Utility\":inf,"
                     "\"Work Utility\":-inf,\"DH\":nan,\"Difficulty Stale\":0E-8,"
                     "\"Total\":0.000000,\"Hum\":\"inf\"}],\"id\":1}";
  g_autoptr(JsonObject) o = parse_ok (text, strlen (text));
  JsonObject *s = hf_cgminer_section (o, "SUMMARY", 0);

  g_assert_true (hf_cgminer_check_status (o, NULL));
  g_assert_true (isnan (hf_json_number (s, "Utility")));
  g_assert_true (isnan (hf_json_number (s, "Work Utility")));
  g_assert_true (isnan (hf_json_number (s, "DH")));
  g_assert_true (isnan (hf_json_number (s, "Hum")));   /* a quoted "inf" is no reading */
  g_assert_cmpfloat (hf_json_number (s, "Difficulty Stale"), ==, 0.0);
  g_assert_cmpfloat (hf_json_number (s, "Total"), ==, 0.0);
}

/* §1.6: a truncated reply keeps every complete element. */
static void
test_truncated (void)
{
  const char *text = "{\"STATUS\":[{\"STATUS\":\"S\"}],\"SUMMARY\":[{\"Elapsed\":5,"
                     "\"Error Code 1\":\"111\",\"Error Code 2\":\"1";
  g_autoptr(JsonObject) o = parse_ok (text, strlen (text));
  JsonObject *s = hf_cgminer_section (o, "SUMMARY", 0);

  g_assert_cmpfloat (hf_json_number (s, "Elapsed"), ==, 5);
  g_assert_cmpstr (hf_json_string (s, "Error Code 1"), ==, "111");
  g_assert_false (json_object_has_member (s, "Error Code 2"));

  /* Nothing complete at all: an error, not an empty object. */
  parse_fails ("{\"STATUS\":[{\"STA", 16, HF_ERROR_PARSE);
}

/* §1.7: btminer 2.0.4 writes a dict inside list brackets. */
static void
test_dict_in_list (void)
{
  const char *text = "{\"STATUS\":\"S\",\"Msg\":{\"error_code\":[\"111\":\"2023-01-01\","
                     "\"2010\":\"2023-01-02\"]},\"id\":1}";
  g_autoptr(JsonObject) o = parse_ok (text, strlen (text));
  JsonObject *codes = hf_json_object (hf_json_object (o, "Msg"), "error_code");

  g_assert_nonnull (codes);
  g_assert_cmpstr (hf_json_string (codes, "111"), ==, "2023-01-01");
  g_assert_cmpstr (hf_json_string (codes, "2010"), ==, "2023-01-02");
}

/* §1.8: the daemon-down text. */
static void
test_daemon_down (void)
{
  const char *text = "Socket connect failed: Connection refused\n";

  parse_fails (text, strlen (text), HF_ERROR_DAEMON_DOWN);
}

/* §1.9: Bitmain's literal key typos are just keys; they must survive. */
static void
test_bitmain_typos (void)
{
  const char *text = "{\"DEVS\":[{\"Tenperature\":61.5}],\"POOLS\":[{\"Pool Stale%%\":0.0}]}";
  g_autoptr(JsonObject) o = parse_ok (text, strlen (text));

  g_assert_cmpfloat (hf_json_number (hf_cgminer_section (o, "DEVS", 0), "Tenperature"), ==, 61.5);
  g_assert_cmpfloat (hf_json_number (hf_cgminer_section (o, "POOLS", 0), "Pool Stale%%"), ==, 0.0);
}

/* Fixes never touch text inside strings. */
static void
test_strings_untouched (void)
{
  const char *text = "{\"User\":\"a}{b[,{c,}d\\\"inf\",\"Pass\":\"x:y\"}";
  g_autoptr(JsonObject) o = parse_ok (text, strlen (text));

  g_assert_cmpstr (hf_json_string (o, "User"), ==, "a}{b[,{c,}d\"inf");
  g_assert_cmpstr (hf_json_string (o, "Pass"), ==, "x:y");
}

static void
test_status (void)
{
  g_autoptr(GError) error = NULL;
  const char *e = "{\"STATUS\":[{\"STATUS\":\"E\",\"Code\":14,\"Msg\":\"Invalid command\"}],\"id\":1}";
  const char *i = "{\"STATUS\":[{\"STATUS\":\"I\",\"Code\":118}],\"id\":1}";
  const char *msg = "{\"STATUS\":\"E\",\"Code\":135,\"Msg\":\"check token err\"}";
  const char *restart = "{\"STATUS\":\"RESTART\"}";
  g_autoptr(JsonObject) oe = parse_ok (e, strlen (e));
  g_autoptr(JsonObject) oi = parse_ok (i, strlen (i));
  g_autoptr(JsonObject) om = parse_ok (msg, strlen (msg));
  g_autoptr(JsonObject) orestart = parse_ok (restart, strlen (restart));

  g_assert_false (hf_cgminer_check_status (oe, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "Invalid command"));
  g_assert_nonnull (strstr (error->message, "14"));
  g_clear_error (&error);

  g_assert_true (hf_cgminer_check_status (oi, NULL));
  g_assert_true (hf_cgminer_check_status (orestart, NULL));

  g_assert_false (hf_cgminer_check_status (om, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "check token err"));
}

/* Multi-command replies: the documented plain object and the one-element
 * array some firmwares send. */
static void
test_multi_shapes (void)
{
  const char *plain = "{\"summary\":{\"STATUS\":[{\"STATUS\":\"S\"}],\"SUMMARY\":[{\"Elapsed\":7}]},"
                      "\"pools\":{\"STATUS\":[{\"STATUS\":\"S\"}],\"POOLS\":[]},\"id\":1}";
  const char *arrays = "{\"summary\":[{\"STATUS\":[{\"STATUS\":\"S\"}],\"SUMMARY\":[{\"Elapsed\":9}],"
                       "\"id\":1}],\"pools\":[{\"STATUS\":[{\"STATUS\":\"E\"}],\"id\":1}],\"id\":1}";
  g_autoptr(JsonObject) a = parse_ok (plain, strlen (plain));
  g_autoptr(JsonObject) b = parse_ok (arrays, strlen (arrays));

  g_assert_cmpfloat (hf_json_number (hf_cgminer_section (hf_cgminer_multi_part (a, "summary"),
                                                         "SUMMARY", 0), "Elapsed"), ==, 7);
  g_assert_cmpfloat (hf_json_number (hf_cgminer_section (hf_cgminer_multi_part (b, "summary"),
                                                         "SUMMARY", 0), "Elapsed"), ==, 9);
  g_assert_false (hf_cgminer_check_status (hf_cgminer_multi_part (b, "pools"), NULL));
  g_assert_null (hf_cgminer_multi_part (a, "devs"));
}

static void
test_garbage (void)
{
  const char binary[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, (char) 0xff, 0x7b };
  g_autofree char *deep = NULL;
  GString *nest = g_string_new (NULL);

  parse_fails (binary, sizeof binary, HF_ERROR_PARSE);
  parse_fails ("", 0, HF_ERROR_PARSE);
  parse_fails ("\0\0\0", 3, HF_ERROR_PARSE);
  parse_fails ("HTTP/1.1 400 Bad Request\r\n\r\n", 28, HF_ERROR_PARSE);
  /* cgminer's text form is not JSON. */
  parse_fails ("STATUS=S,When=1,Code=11,Msg=Summary|", 37, HF_ERROR_PARSE);
  parse_fails ("{\"a\":1}}", 8, HF_ERROR_PARSE);
  parse_fails ("{\"a\":1} trailing", 16, HF_ERROR_PARSE);
  parse_fails ("{\"a\":tru}", 9, HF_ERROR_PARSE);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nest, '[');
  deep = g_string_free (nest, FALSE);
  parse_fails (deep, strlen (deep), HF_ERROR_PARSE);
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/cgminer-reply/terminators", test_terminators);
  g_test_add_func ("/cgminer-reply/missing-comma-between-objects", test_missing_comma_between_objects);
  g_test_add_func ("/cgminer-reply/leading-comma-in-array", test_leading_comma_in_array);
  g_test_add_func ("/cgminer-reply/btminer-quirks", test_btminer_quirks);
  g_test_add_func ("/cgminer-reply/avalon-quirks", test_avalon_quirks);
  g_test_add_func ("/cgminer-reply/truncated", test_truncated);
  g_test_add_func ("/cgminer-reply/dict-in-list", test_dict_in_list);
  g_test_add_func ("/cgminer-reply/daemon-down", test_daemon_down);
  g_test_add_func ("/cgminer-reply/bitmain-typos", test_bitmain_typos);
  g_test_add_func ("/cgminer-reply/strings-untouched", test_strings_untouched);
  g_test_add_func ("/cgminer-reply/status", test_status);
  g_test_add_func ("/cgminer-reply/multi-shapes", test_multi_shapes);
  g_test_add_func ("/cgminer-reply/garbage", test_garbage);

  return g_test_run ();
}

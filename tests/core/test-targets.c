/* test-targets.c — target parsing and the default subnets (never scanned)
 * SPDX-License-Identifier: MIT
 *
 * Addresses here are documentation ranges (RFC 5737) parsed as strings;
 * nothing is contacted.
 */
#include <string.h>

#include "hf-error.h"
#include "hf-targets.h"
#include "hf-test-utils.h"

static GArray *
parse (const char *spec,
       gboolean    force,
       GError    **error)
{
  const char *specs[] = { spec, NULL };
  return hf_targets_parse (specs, force, error);
}

static void
assert_range (GArray     *ranges,
              guint       index,
              const char *first,
              const char *last)
{
  HfRange *r = &g_array_index (ranges, HfRange, index);
  g_autofree char *a = hf_ipv4_to_string (r->first);
  g_autofree char *b = hf_ipv4_to_string (r->last);

  g_assert_cmpstr (a, ==, first);
  g_assert_cmpstr (b, ==, last);
}

static void
test_forms (void)
{
  g_autoptr(GArray) cidr = parse ("192.0.2.0/24", FALSE, NULL);
  g_autoptr(GArray) range = parse ("198.51.100.10-198.51.100.50", FALSE, NULL);
  g_autoptr(GArray) octet = parse ("198.51.100.10-50", FALSE, NULL);
  g_autoptr(GArray) single = parse ("203.0.113.7", FALSE, NULL);
  g_autoptr(GArray) slash32 = parse ("203.0.113.9/32", FALSE, NULL);
  g_autoptr(GArray) slash31 = parse ("203.0.113.8/31", FALSE, NULL);

  g_assert_cmpuint (cidr->len, ==, 1);
  assert_range (cidr, 0, "192.0.2.1", "192.0.2.254");   /* no network, no broadcast */
  g_assert_cmpuint (hf_targets_count (cidr), ==, 254);
  assert_range (range, 0, "198.51.100.10", "198.51.100.50");
  assert_range (octet, 0, "198.51.100.10", "198.51.100.50");
  assert_range (single, 0, "203.0.113.7", "203.0.113.7");
  assert_range (slash32, 0, "203.0.113.9", "203.0.113.9");
  assert_range (slash31, 0, "203.0.113.8", "203.0.113.9");
}

static void
test_lists_merge (void)
{
  const char *specs[] = { "192.0.2.10-20, 192.0.2.15-30", "192.0.2.31 192.0.2.100",
                          "198.51.100.0/30", NULL };
  g_autoptr(GArray) r = hf_targets_parse (specs, FALSE, NULL);
  g_autofree char *text = NULL;

  g_assert_cmpuint (r->len, ==, 3);
  assert_range (r, 0, "192.0.2.10", "192.0.2.31");       /* overlap and adjacency merged */
  assert_range (r, 1, "192.0.2.100", "192.0.2.100");
  assert_range (r, 2, "198.51.100.1", "198.51.100.2");
  g_assert_cmpuint (hf_targets_count (r), ==, 22 + 1 + 2);
  text = hf_targets_describe (r);
  g_assert_cmpstr (text, ==, "192.0.2.10-192.0.2.31, 192.0.2.100, 198.51.100.0/30");
}

static void
test_errors (void)
{
  const char *bad[] = { "192.0.2", "192.0.2.300", "192.0.2.1/33", "192.0.2.20-10",
                        "192.0.2.1-192.0.1.1", "miner.local", "0x7f.0.0.1",
                        "192.0.2.1/", "-", "2001:db8::/64", "192.0.2.1-256" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) r = parse (bad[i], FALSE, &error);

      g_assert_null (r);
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
      /* The message names the target. */
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

static void
test_size_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) big = parse ("198.18.0.0/15", FALSE, &error);
  g_autoptr(GArray) forced = NULL;
  g_autoptr(GArray) slash16 = parse ("198.18.0.0/16", FALSE, NULL);

  g_assert_null (big);
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "larger than a /16"));
  forced = parse ("198.18.0.0/15", TRUE, NULL);
  g_assert_cmpuint (hf_targets_count (forced), ==, 131070);
  g_assert_cmpuint (hf_targets_count (slash16), ==, 65534);
}

/* The default target is computed from the interfaces; here the computation
 * alone, on made-up interfaces. */
static void
test_default_computation (void)
{
  g_autoptr(GArray) r = g_array_new (FALSE, FALSE, sizeof (HfRange));
  guint32 a;

  hf_ipv4_parse ("192.0.2.77", &a);
  hf_targets_add_interface (r, a, 24);
  /* A /16 shrinks to the /22 around the host. */
  hf_ipv4_parse ("198.18.37.200", &a);
  hf_targets_add_interface (r, a, 16);
  /* A /28 stays a /28. */
  hf_ipv4_parse ("203.0.113.70", &a);
  hf_targets_add_interface (r, a, 28);
  hf_targets_normalize (r);

  g_assert_cmpuint (r->len, ==, 3);
  assert_range (r, 0, "192.0.2.1", "192.0.2.254");
  assert_range (r, 1, "198.18.36.1", "198.18.39.254");
  assert_range (r, 2, "203.0.113.65", "203.0.113.78");
}

static void
test_default_has_no_loopback (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) r = hf_targets_default (&error);

  /* Only computed, never scanned.  A machine may have no interface up. */
  if (r == NULL)
    {
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID);
      return;
    }
  for (guint i = 0; i < r->len; i++)
    {
      HfRange *range = &g_array_index (r, HfRange, i);
      g_assert_cmpuint (range->first >> 24, !=, 127);
      g_assert_cmpuint ((guint64) range->last - range->first + 1, <=, 1024);
    }
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/targets/forms", test_forms);
  g_test_add_func ("/targets/lists-merge", test_lists_merge);
  g_test_add_func ("/targets/errors", test_errors);
  g_test_add_func ("/targets/size-limit", test_size_limit);
  g_test_add_func ("/targets/default-computation", test_default_computation);
  g_test_add_func ("/targets/default-has-no-loopback", test_default_has_no_loopback);

  return g_test_run ();
}

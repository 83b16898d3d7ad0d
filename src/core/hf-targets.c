/* hf-targets.c
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "hf-error.h"
#include "hf-targets.h"

gboolean
hf_ipv4_parse (const char *text,
               guint32    *address)
{
  guint32 value = 0;
  guint parts = 0;
  const char *p = text;

  /* Strict dotted quad: inet_aton would take "10", "0x7f.1" and "1.2.3". */
  while (parts < 4)
    {
      guint64 octet;
      char *end;

      if (!g_ascii_isdigit (*p))
        return FALSE;
      octet = g_ascii_strtoull (p, &end, 10);
      if (octet > 255 || end - p > 3)
        return FALSE;
      value = value << 8 | (guint32) octet;
      parts++;
      p = end;
      if (parts < 4)
        {
          if (*p != '.')
            return FALSE;
          p++;
        }
    }
  if (*p != '\0')
    return FALSE;
  *address = value;
  return TRUE;
}

char *
hf_ipv4_to_string (guint32 a)
{
  return g_strdup_printf ("%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static gint
range_compare (gconstpointer a,
               gconstpointer b)
{
  const HfRange *x = a, *y = b;

  return x->first < y->first ? -1 : x->first > y->first;
}

void
hf_targets_normalize (GArray *ranges)
{
  guint out = 0;

  if (ranges->len == 0)
    return;
  g_array_sort (ranges, range_compare);
  for (guint i = 1; i < ranges->len; i++)
    {
      HfRange *cur = &g_array_index (ranges, HfRange, out);
      HfRange *next = &g_array_index (ranges, HfRange, i);

      if ((guint64) next->first <= (guint64) cur->last + 1)
        cur->last = MAX (cur->last, next->last);
      else
        g_array_index (ranges, HfRange, ++out) = *next;
    }
  g_array_set_size (ranges, out + 1);
}

guint64
hf_targets_count (GArray *ranges)
{
  guint64 n = 0;

  for (guint i = 0; i < ranges->len; i++)
    {
      HfRange *r = &g_array_index (ranges, HfRange, i);
      n += (guint64) r->last - r->first + 1;
    }
  return n;
}

static void
add_cidr (GArray  *ranges,
          guint32  address,
          guint    prefix)
{
  guint32 mask = prefix == 0 ? 0 : G_MAXUINT32 << (32 - prefix);
  HfRange r = { address & mask, (address & mask) | ~mask };

  /* Leave out the network and broadcast addresses where they exist. */
  if (prefix < 31)
    {
      r.first++;
      r.last--;
    }
  g_array_append_val (ranges, r);
}

static gboolean
parse_one (const char  *spec,
           GArray      *ranges,
           gboolean     force,
           GError     **error)
{
  const char *slash = strchr (spec, '/');
  const char *dash = strchr (spec, '-');
  guint32 first, last;
  HfRange r;

  if (strchr (spec, ':') != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "bad target '%s': IPv6 is not supported (miners speak IPv4)", spec);
      return FALSE;
    }

  if (slash != NULL)
    {
      g_autofree char *addr = g_strndup (spec, (gsize) (slash - spec));
      guint64 prefix;

      if (!hf_ipv4_parse (addr, &first)
          || !g_ascii_string_to_unsigned (slash + 1, 10, 0, 32, &prefix, NULL))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                       "bad target '%s': want a network like 192.0.2.0/24", spec);
          return FALSE;
        }
      if (prefix < 16 && !force)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                       "target '%s' is larger than a /16 (%" G_GUINT64_FORMAT
                       " addresses); narrow it, or force it", spec,
                       (guint64) 1 << (32 - prefix));
          return FALSE;
        }
      add_cidr (ranges, first, (guint) prefix);
      return TRUE;
    }

  if (dash != NULL)
    {
      g_autofree char *from = g_strndup (spec, (gsize) (dash - spec));
      const char *to = dash + 1;
      guint64 octet;

      if (!hf_ipv4_parse (from, &first))
        goto bad_range;
      if (hf_ipv4_parse (to, &last))
        ;
      else if (g_ascii_string_to_unsigned (to, 10, 0, 255, &octet, NULL))
        last = (first & 0xffffff00) | (guint32) octet;    /* 192.0.2.10-50 */
      else
        goto bad_range;
      if (last < first)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                       "bad target '%s': the range ends before it starts", spec);
          return FALSE;
        }
      if ((guint64) last - first + 1 > HF_TARGET_MAX_ADDRESSES && !force)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                       "target '%s' is larger than a /16 (%" G_GUINT64_FORMAT
                       " addresses); narrow it, or force it", spec,
                       (guint64) last - first + 1);
          return FALSE;
        }
      r.first = first;
      r.last = last;
      g_array_append_val (ranges, r);
      return TRUE;

    bad_range:
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "bad target '%s': want a range like 192.0.2.10-192.0.2.50 or "
                   "192.0.2.10-50", spec);
      return FALSE;
    }

  if (!hf_ipv4_parse (spec, &first))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "bad target '%s': want an address, a range or a network", spec);
      return FALSE;
    }
  r.first = r.last = first;
  g_array_append_val (ranges, r);
  return TRUE;
}

GArray *
hf_targets_parse (const char * const  *specs,
                  gboolean             force,
                  GError             **error)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (HfRange));

  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit_set (specs[i], ", \t\n", -1);

      for (guint k = 0; parts[k] != NULL; k++)
        if (parts[k][0] != '\0' && !parse_one (parts[k], ranges, force, error))
          return NULL;
    }
  if (ranges->len == 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID, "no targets given");
      return NULL;
    }
  hf_targets_normalize (ranges);
  if (!force && hf_targets_count (ranges) > 4 * (guint64) HF_TARGET_MAX_ADDRESSES)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID,
                   "the targets add up to %" G_GUINT64_FORMAT " addresses; narrow them, "
                   "or force it", hf_targets_count (ranges));
      return NULL;
    }
  return g_steal_pointer (&ranges);
}

void
hf_targets_add_interface (GArray  *ranges,
                          guint32  address,
                          guint    prefix)
{
  /* A home LAN is a /24; a /16 on a laptop at work is not ours to sweep.
   * Anything wider than a /22 shrinks to the /22 around our own address. */
  add_cidr (ranges, address, MAX (prefix, 22u));
}

GArray *
hf_targets_default (GError **error)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (HfRange));
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "cannot list the network interfaces");
      return NULL;
    }
  for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
    {
      guint32 address, mask;
      guint prefix = 0;

      if (i->ifa_addr == NULL || i->ifa_netmask == NULL || i->ifa_addr->sa_family != AF_INET
          || !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
        continue;
      address = ntohl (((struct sockaddr_in *) i->ifa_addr)->sin_addr.s_addr);
      mask = ntohl (((struct sockaddr_in *) i->ifa_netmask)->sin_addr.s_addr);
      while (prefix < 32 && (mask & (1u << (31 - prefix))))
        prefix++;
      hf_targets_add_interface (ranges, address, prefix);
    }
  freeifaddrs (list);

  if (ranges->len == 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID,
                           "no network interface with an IPv4 address is up");
      return NULL;
    }
  hf_targets_normalize (ranges);
  return g_steal_pointer (&ranges);
}

char *
hf_targets_describe (GArray *ranges)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ranges->len; i++)
    {
      HfRange *r = &g_array_index (ranges, HfRange, i);
      g_autofree char *a = hf_ipv4_to_string (r->first);
      g_autofree char *b = hf_ipv4_to_string (r->last);
      guint64 n = (guint64) r->last - r->first + 1;
      guint prefix = 32;

      if (s->len > 0)
        g_string_append (s, ", ");
      /* Show a CIDR block the way it was probably typed. */
      while (prefix > 0 && ((guint64) 1 << (32 - prefix)) < n + 2)
        prefix--;
      if (n >= 2 && ((guint64) 1 << (32 - prefix)) == n + 2
          && ((r->first - 1) & ((guint32) ((guint64) 1 << (32 - prefix)) - 1)) == 0)
        {
          g_autofree char *net = hf_ipv4_to_string (r->first - 1);
          g_string_append_printf (s, "%s/%u", net, prefix);
        }
      else if (n == 1)
        g_string_append (s, a);
      else
        g_string_append_printf (s, "%s-%s", a, b);
    }
  return g_string_free (s, FALSE);
}

/* hf-error.c
 * SPDX-License-Identifier: MIT
 */
#include <gio/gio.h>

#include "hf-error.h"

G_DEFINE_QUARK (hf-error-quark, hf_error)

gboolean
hf_error_is_connect (const GError *error)
{
  return g_error_matches (error, HF_ERROR, HF_ERROR_CONNECT)
         || g_error_matches (error, HF_ERROR, HF_ERROR_REFUSED)
         || g_error_matches (error, HF_ERROR, HF_ERROR_UNREACHABLE);
}

GError *
hf_error_new_connect (const char   *peer,
                      const GError *cause)
{
  HfError code = HF_ERROR_CONNECT;

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    code = HF_ERROR_REFUSED;
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
           || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE)
           || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND)
           || g_error_matches (cause, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
    code = HF_ERROR_UNREACHABLE;
  return g_error_new (HF_ERROR, code, "%s: %s", peer, cause->message);
}

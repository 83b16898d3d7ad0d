/* hf-identify.c
 * SPDX-License-Identifier: MIT
 *
 * The probes (HTTP, the cgminer port, the Whatsminer API v3 port) run at
 * once so that a silent address costs one deadline, not three.  A
 * Whatsminer that answers both v2 (4028) and v3 (4433) is one miner,
 * reached by v3: its old v2 writes no longer work.  Only a Whatsminer: when
 * the cgminer port names another family, that family wins whatever answers
 * on 4433.  The cgminer side sends `version` first and lets the reply pick the
 * driver; that driver then asks what it needs (one more short request,
 * which keeps every driver's identify usable on its own).
 */

#include "hf-antminer-parse.h"
#include "hf-avalon-parse.h"
#include "hf-braiins-parse.h"
#include "hf-cgminer-client.h"
#include "hf-cgminer-reply.h"
#include "hf-error.h"
#include "hf-identify.h"
#include "hf-luxos-parse.h"
#include "hf-vnish-parse.h"
#include "hf-whatsminer-parse.h"
#include "hf-whatsminer-v3.h"

typedef struct
{
  char     *address;
  HfConfig *config;
  gint64    deadline;
  guint     pending;
  HfMiner  *http_miner;
  HfMiner  *cg_miner;
  HfMiner  *v3_miner;
  GError   *http_error;
  GError   *cg_error;
  GError   *v3_error;
  /* The v3 probe's own: cancelled once the other side settles the answer. */
  GCancellable *v3_cancellable;
  GCancellable *parent;
  gulong        parent_handler;
  gboolean      v3_pending;
  GSource      *v3_grace;
} Probe;

/* How long a Whatsminer found on v2 waits for its v3 port. */
#define V3_GRACE_MS 1000

static void
probe_free (gpointer data)
{
  Probe *p = data;

  g_free (p->address);
  hf_config_unref (p->config);
  g_clear_object (&p->http_miner);
  g_clear_object (&p->cg_miner);
  g_clear_object (&p->v3_miner);
  g_clear_error (&p->http_error);
  g_clear_error (&p->cg_error);
  g_clear_error (&p->v3_error);
  if (p->v3_grace != NULL)
    {
      g_source_destroy (p->v3_grace);
      g_source_unref (p->v3_grace);
    }
  if (p->parent_handler != 0)
    g_cancellable_disconnect (p->parent, p->parent_handler);
  g_clear_object (&p->parent);
  g_clear_object (&p->v3_cancellable);
  g_free (p);
}

/* The config for a step that starts now: whatever time is left. */
static HfConfig *
remaining_config (Probe *p)
{
  HfConfig *config = hf_config_copy (p->config);
  gint64 left = (p->deadline - g_get_monotonic_time ()) / 1000;

  config->timeout_ms = (guint) CLAMP (left, 1, G_MAXUINT);
  return config;
}

static gboolean
answered (GError *error)
{
  return error != NULL && (g_error_matches (error, HF_ERROR, HF_ERROR_NOT_A_MINER)
                           || g_error_matches (error, HF_ERROR, HF_ERROR_PARSE)
                           || g_error_matches (error, HF_ERROR, HF_ERROR_PROTOCOL)
                           || g_error_matches (error, HF_ERROR, HF_ERROR_TOO_LARGE)
                           || g_error_matches (error, HF_ERROR, HF_ERROR_REJECTED)
                           || g_error_matches (error, HF_ERROR, HF_ERROR_DAEMON_DOWN));
}

static gboolean
probes_v3 (const HfConfig *config)
{
  return config->whatsminer_v3_port != 0 && config->whatsminer_v3_port != config->cgminer_port
         && config->whatsminer_v3_port != config->http_port;
}

/* The v3 port answered, and not as the Whatsminer API v3. */
static gboolean
not_v3 (GError *error)
{
  return error != NULL && (g_error_matches (error, HF_ERROR, HF_ERROR_NOT_A_MINER)
                           || g_error_matches (error, HF_ERROR, HF_ERROR_PARSE)
                           || g_error_matches (error, HF_ERROR, HF_ERROR_PROTOCOL)
                           || g_error_matches (error, HF_ERROR, HF_ERROR_TOO_LARGE));
}

/* The v3 port answered as a Whatsminer: that is the miner when the cgminer
 * port found none, or found a Whatsminer (the same one, when both name a
 * MAC).  Whatever else the cgminer port named (an Antminer with some
 * service on 4433) wins. */
static gboolean
v3_is_the_miner (Probe *p)
{
  const char *cg_mac, *v3_mac;

  if (p->cg_miner == NULL)
    return TRUE;
  if (hf_miner_get_family (p->cg_miner) != HF_FAMILY_WHATSMINER)
    return FALSE;
  cg_mac = hf_miner_get_mac (p->cg_miner);
  v3_mac = hf_miner_get_mac (p->v3_miner);
  return cg_mac == NULL || v3_mac == NULL || g_strcmp0 (cg_mac, v3_mac) == 0;
}

static void
parent_cancelled_cb (GCancellable *parent,
                     GCancellable *child)
{
  g_cancellable_cancel (child);
}

static gboolean
v3_grace_cb (gpointer user_data)
{
  Probe *p = user_data;

  g_clear_pointer (&p->v3_grace, g_source_unref);
  g_debug ("%s: a Whatsminer on v2; its v3 port has not answered within the grace, "
           "taking v2", p->address);
  g_cancellable_cancel (p->v3_cancellable);
  return G_SOURCE_REMOVE;
}

/* The v3 probe waits only while its answer can still matter: not once the
 * HTTP or cgminer side found a miner that is not a Whatsminer (that one
 * wins), and for a short grace once the cgminer side found a Whatsminer on
 * v2.  A silent address still costs one deadline: nothing was found. */
static void
maybe_stop_v3 (GTask *task)
{
  Probe *p = g_task_get_task_data (task);
  gint64 left_ms;

  if (!p->v3_pending || g_cancellable_is_cancelled (p->v3_cancellable))
    return;
  if (p->http_miner != NULL
      || (p->cg_miner != NULL && hf_miner_get_family (p->cg_miner) != HF_FAMILY_WHATSMINER))
    {
      g_cancellable_cancel (p->v3_cancellable);
      return;
    }
  if (p->cg_miner == NULL || p->v3_grace != NULL)
    return;
  left_ms = MAX (0, (p->deadline - g_get_monotonic_time ()) / 1000);
  p->v3_grace = g_timeout_source_new ((guint) MIN (left_ms, V3_GRACE_MS));
  g_source_set_callback (p->v3_grace, v3_grace_cb, p, NULL);
  g_source_attach (p->v3_grace, g_task_get_context (task));
}

static void
probe_step_done (GTask *task)
{
  Probe *p = g_task_get_task_data (task);

  maybe_stop_v3 (task);
  if (--p->pending > 0)
    {
      g_object_unref (task);
      return;
    }

  /* It just answered: online. */
  if (p->http_miner != NULL)
    {
      hf_miner_set_online (p->http_miner, TRUE);
      g_task_return_pointer (task, g_steal_pointer (&p->http_miner), g_object_unref);
    }
  else if (p->v3_miner != NULL && v3_is_the_miner (p))
    {
      hf_miner_set_online (p->v3_miner, TRUE);
      g_task_return_pointer (task, g_steal_pointer (&p->v3_miner), g_object_unref);
    }
  else if (p->cg_miner != NULL)
    {
      /* Not on v3 — for good only when the v3 port answered something
       * else or was not asked; a busy, slow or closed one says nothing
       * (hf_miner_update_identity() keeps a known v3 miner on v3). */
      hf_miner_set_api_version_confirmed (p->cg_miner, !probes_v3 (p->config)
                                                       || not_v3 (p->v3_error));
      hf_miner_set_online (p->cg_miner, TRUE);
      g_task_return_pointer (task, g_steal_pointer (&p->cg_miner), g_object_unref);
    }
  else if (g_task_return_error_if_cancelled (task))
    ;
  else if (answered (p->cg_error))
    g_task_return_new_error (task, HF_ERROR, HF_ERROR_NOT_A_MINER,
                             "unidentified at %s: %s", p->address, p->cg_error->message);
  else if (answered (p->http_error))
    g_task_return_error (task, g_steal_pointer (&p->http_error));
  else if (answered (p->v3_error))
    g_task_return_new_error (task, HF_ERROR, HF_ERROR_NOT_A_MINER,
                             "unidentified at %s: %s", p->address, p->v3_error->message);
  else if (g_error_matches (p->http_error, HF_ERROR, HF_ERROR_TIMEOUT)
           || g_error_matches (p->cg_error, HF_ERROR, HF_ERROR_TIMEOUT)
           || g_error_matches (p->v3_error, HF_ERROR, HF_ERROR_TIMEOUT))
    g_task_return_new_error (task, HF_ERROR, HF_ERROR_TIMEOUT,
                             "no miner answered at %s in time (%s)", p->address,
                             (g_error_matches (p->cg_error, HF_ERROR, HF_ERROR_TIMEOUT)
                              ? p->cg_error
                              : g_error_matches (p->http_error, HF_ERROR, HF_ERROR_TIMEOUT)
                              ? p->http_error : p->v3_error)->message);
  else
    g_task_return_new_error (task, HF_ERROR,
                             /* Both ports refused (or unreachable): so is the address. */
                             p->http_error != NULL && p->cg_error != NULL
                             && hf_error_is_connect (p->http_error)
                             && p->http_error->code == p->cg_error->code
                             && p->cg_error->domain == HF_ERROR
                             ? p->http_error->code : HF_ERROR_CONNECT,
                             "no miner answered at %s (%s; %s)", p->address,
                             p->http_error ? p->http_error->message : "HTTP not tried",
                             p->cg_error ? p->cg_error->message : "cgminer not tried");
  g_object_unref (task);
}

static void
http_identified_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Probe *p = g_task_get_task_data (task);

  p->http_miner = hf_driver_identify_finish (HF_DRIVER (source), result, &p->http_error);
  probe_step_done (task);
}

static void
v3_identified_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Probe *p = g_task_get_task_data (task);

  p->v3_miner = hf_driver_identify_finish (HF_DRIVER (source), result, &p->v3_error);
  p->v3_pending = FALSE;
  if (p->v3_grace != NULL)
    {
      g_source_destroy (p->v3_grace);
      g_clear_pointer (&p->v3_grace, g_source_unref);
    }
  probe_step_done (task);
}

static void
cg_identified_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Probe *p = g_task_get_task_data (task);
  HfDriver *driver = HF_DRIVER (source);

  p->cg_miner = hf_driver_identify_finish (driver, result, &p->cg_error);

  /* A cgminer API that is not btminer after all: take it as generic. */
  if (p->cg_miner == NULL && hf_driver_get_family (driver) == HF_FAMILY_WHATSMINER
      && g_error_matches (p->cg_error, HF_ERROR, HF_ERROR_NOT_A_MINER))
    {
      g_autoptr(HfConfig) config = remaining_config (p);

      g_clear_error (&p->cg_error);
      hf_driver_identify_async (hf_driver_for_family (HF_FAMILY_CGMINER), p->address, config,
                                g_task_get_cancellable (task), cg_identified_cb, task);
      return;
    }
  probe_step_done (task);
}

HfFamily
hf_identify_classify_version (JsonObject *reply)
{
  g_autofree char *upper = NULL;

  if (reply == NULL || !json_object_has_member (reply, "STATUS"))
    return HF_FAMILY_UNKNOWN;
  if (hf_avalon_reply_is_avalon (reply))
    return HF_FAMILY_AVALON;
  /* Third-party firmware on Antminers names itself (and the Antminer). */
  if (hf_braiins_daemon_of (reply) != HF_BRAIINS_NONE)
    return HF_FAMILY_BRAIINS;
  if (hf_luxos_reply_is_luxos (reply))
    return HF_FAMILY_LUXOS;
  /* VNish keeps "Antminer" in its replies and names itself beside it; its
   * driver reads the rest from the web API. */
  if (hf_vnish_reply_is_vnish (reply))
    return HF_FAMILY_VNISH;
  if (hf_antminer_reply_is_stock (reply))
    return HF_FAMILY_ANTMINER;
  if (hf_whatsminer_reply_is_btminer (reply))
    return HF_FAMILY_WHATSMINER;
  return HF_FAMILY_CGMINER;
}

static void
version_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Probe *p = g_task_get_task_data (task);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(HfConfig) config = NULL;
  HfFamily family;

  reply = hf_cgminer_request_finish (result, &p->cg_error);
  if (reply == NULL)
    {
      probe_step_done (task);
      return;
    }

  family = hf_identify_classify_version (reply);
  if (family == HF_FAMILY_UNKNOWN)
    {
      p->cg_error = g_error_new_literal (HF_ERROR, HF_ERROR_NOT_A_MINER,
                                         "the service on the cgminer port does not speak "
                                         "the cgminer API");
      probe_step_done (task);
      return;
    }
  /* btminer may not name itself in `version`: ask devdetails first. */
  if (family == HF_FAMILY_CGMINER)
    family = HF_FAMILY_WHATSMINER;

  config = remaining_config (p);
  hf_driver_identify_async (hf_driver_for_family (family), p->address, config,
                            g_task_get_cancellable (task), cg_identified_cb, task);
}

void
hf_identify_async (const char          *address,
                   const HfConfig      *config,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task;
  Probe *p;

  g_return_if_fail (address != NULL);
  g_return_if_fail (config != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_identify_async);
  g_task_set_name (task, "hf_identify");
  p = g_new0 (Probe, 1);
  p->address = g_strdup (address);
  p->config = hf_config_copy (config);
  p->deadline = hf_config_deadline (config);
  p->pending = 2;
  g_task_set_task_data (task, p, probe_free);

  if (probes_v3 (config))
    {
      p->pending++;
      p->v3_pending = TRUE;
      p->v3_cancellable = g_cancellable_new ();
      if (cancellable != NULL)
        {
          p->parent = g_object_ref (cancellable);
          p->parent_handler = g_cancellable_connect (cancellable, G_CALLBACK (parent_cancelled_cb),
                                                     g_object_ref (p->v3_cancellable),
                                                     g_object_unref);
        }
      hf_whatsminer_v3_identify_async (hf_driver_for_family (HF_FAMILY_WHATSMINER), address,
                                       config, p->v3_cancellable, v3_identified_cb,
                                       g_object_ref (task));
    }

  hf_driver_identify_async (hf_driver_for_family (HF_FAMILY_AXEOS), address, config,
                            cancellable, http_identified_cb, g_object_ref (task));
  hf_cgminer_command_async (address, config->cgminer_port, "version", NULL,
                            HF_CGMINER_NO_STATUS_CHECK, config, p->deadline, cancellable,
                            version_cb, task);
}

HfMiner *
hf_identify_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* hf-scanner.c
 * SPDX-License-Identifier: MIT
 *
 * Stage 1 opens a TCP connection to the HTTP and cgminer ports of every
 * address, a bounded number at a time, each with a short deadline: on a
 * real LAN most addresses are empty and silent, so the scan costs about
 * one connect deadline per (concurrency / 2) addresses, not one per
 * address.  The probes are bare non-blocking GSockets whose one GSource
 * watches the fd and carries the deadline as its ready time.
 *
 * The Whatsminer API v3 port (4433) gets no stage-1 probe of its own: a
 * third socket per address would cut the addresses in flight by a third
 * (a silent /24 then needs two connect deadlines instead of one), and a
 * Whatsminer on v3 firmware still answers on port 80 (its web UI
 * redirects); hf_identify_async() probes 4433 for every address that
 * answered.
 *
 * Stage 2 identifies only the addresses where a port accepted, with its own
 * lower concurrency and the longer identify deadline, while stage 1 goes
 * on.  Nothing blocks; cancelling closes every socket at once.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "hf-error.h"
#include "hf-identify.h"
#include "hf-scanner.h"
#include "hf-targets.h"

G_DEFINE_BOXED_TYPE (HfScanSummary, hf_scan_summary, hf_scan_summary_copy, hf_scan_summary_free)

HfScanSummary *
hf_scan_summary_copy (const HfScanSummary *self)
{
  return g_memdup2 (self, sizeof *self);
}

void
hf_scan_summary_free (HfScanSummary *self)
{
  g_free (self);
}

struct _HfScanner
{
  GObject    parent_instance;

  HfConfig  *config;
  guint      connect_ms;
  guint      concurrency;
  guint      identify_concurrency;

  /* The scan in progress (one at a time). */
  GTask     *task;
  GArray    *ranges;
  guint      range_index;
  guint64    next_address;     /* next address of the current range */
  gboolean   exhausted;
  GHashTable *probes;          /* PortProbe* set: every open socket */
  GQueue     finished;         /* PortProbe* whose result is in, still to close */
  GQueue     identify_queue;   /* char* addresses waiting for stage 2 */
  guint      identifying;
  gulong     cancel_handler;
  guint      pump_idle;
  gint64     started;
  HfScanSummary summary;
};

enum {
  SIGNAL_MINER_FOUND,
  SIGNAL_UNIDENTIFIED,
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HfScanner, hf_scanner, G_TYPE_OBJECT)

typedef struct
{
  guint32  address;
  guint    pending;     /* ports still being probed */
  gboolean answered;
} AddressProbe;

typedef struct
{
  HfScanner    *scanner;
  AddressProbe *owner;
  GSocket      *socket;
  GSource      *source;
  gint64        deadline;
  gboolean      open;
} PortProbe;

static void pump (HfScanner *self);
static void queue_pump (HfScanner *self);

static void
port_probe_free (PortProbe *probe)
{
  if (probe->source != NULL)
    {
      g_source_destroy (probe->source);
      g_source_unref (probe->source);
    }
  if (probe->socket != NULL)
    {
      g_socket_close (probe->socket, NULL);
      g_object_unref (probe->socket);
    }
  g_free (probe);
}

static void
address_done (HfScanner    *self,
              AddressProbe *owner)
{
  self->summary.scanned++;
  if (owner->answered)
    {
      self->summary.answered++;
      g_queue_push_tail (&self->identify_queue, hf_ipv4_to_string (owner->address));
    }
  g_free (owner);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, self->summary.scanned, self->summary.total);
}

/* One port's probe ended: @open if the connection was accepted. */
static void
port_done (PortProbe *probe,
           gboolean   open)
{
  HfScanner *self = probe->scanner;
  AddressProbe *owner = probe->owner;

  if (open)
    owner->answered = TRUE;
  g_hash_table_remove (self->probes, probe);
  if (--owner->pending == 0)
    address_done (self, owner);
}

static gboolean
socket_ready_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  PortProbe *probe = user_data;
  HfScanner *self = probe->scanner;
  gboolean open = FALSE;

  /* When the ready time (the deadline) passes, GLib reports the socket
   * readable and writable, and a connect still pending has no error yet:
   * decide on the clock, or a silent host would count as open. */
  if (g_get_monotonic_time () < probe->deadline)
    open = g_socket_check_connect_result (socket, NULL);

  /* The source is returning G_SOURCE_REMOVE; don't destroy it twice. */
  g_clear_pointer (&probe->source, g_source_unref);
  /* Hundreds of silent probes expire together, and closing a socket is the
   * costly part: note the result here, close and refill from the idle, a
   * bounded number per dispatch. */
  probe->open = open;
  g_queue_push_tail (&self->finished, probe);
  queue_pump (self);
  return G_SOURCE_REMOVE;
}

/* Start probing @port of @owner; FALSE when it ended at once. */
static void
start_port (HfScanner    *self,
            AddressProbe *owner,
            guint16       port)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GError) error = NULL;
  PortProbe *probe = g_new0 (PortProbe, 1);
  guint8 bytes[4] = {
    owner->address >> 24, (owner->address >> 16) & 0xff,
    (owner->address >> 8) & 0xff, owner->address & 0xff,
  };

  probe->scanner = self;
  probe->owner = owner;
  owner->pending++;
  g_hash_table_add (self->probes, probe);
  self->summary.sockets_peak = MAX (self->summary.sockets_peak, g_hash_table_size (self->probes));

  probe->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, &error);
  if (probe->socket == NULL)
    {
      /* Out of file descriptors, most likely: count it as not answering. */
      g_debug ("cannot create a socket: %s", error->message);
      port_done (probe, FALSE);
      return;
    }
  g_socket_set_blocking (probe->socket, FALSE);
  inet = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (inet, port);

  if (g_socket_connect (probe->socket, address, NULL, &error))
    {
      port_done (probe, TRUE);
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      /* Refused or unreachable at once: nothing there. */
      port_done (probe, FALSE);
      return;
    }

  probe->source = g_socket_create_source (probe->socket, G_IO_OUT, NULL);
  probe->deadline = g_get_monotonic_time () + (gint64) self->connect_ms * 1000;
  g_source_set_ready_time (probe->source, probe->deadline);
  g_source_set_callback (probe->source, (GSourceFunc) (void (*) (void)) socket_ready_cb,
                         probe, NULL);
  g_source_attach (probe->source, g_task_get_context (self->task));
}

static gboolean
next_address (HfScanner *self,
              guint32   *address)
{
  while (self->range_index < self->ranges->len)
    {
      HfRange *r = &g_array_index (self->ranges, HfRange, self->range_index);

      if (self->next_address <= r->last)
        {
          *address = (guint32) self->next_address++;
          return TRUE;
        }
      if (++self->range_index < self->ranges->len)
        self->next_address = g_array_index (self->ranges, HfRange, self->range_index).first;
    }
  return FALSE;
}

static void identified_cb (GObject *source, GAsyncResult *result, gpointer user_data);

typedef struct
{
  HfScanner *scanner;
  char      *ip;
} Identify;

static void
finish_if_done (HfScanner *self)
{
  GTask *task;

  /* Already finished: the last identification ended it before the idle
   * queued by a cancel ran. */
  if (self->task == NULL)
    return;
  if (!self->exhausted || g_hash_table_size (self->probes) > 0 || self->identifying > 0
      || !g_queue_is_empty (&self->identify_queue))
    return;

  task = g_steal_pointer (&self->task);
  g_cancellable_disconnect (g_task_get_cancellable (task), self->cancel_handler);
  self->cancel_handler = 0;
  self->summary.elapsed_ms = (guint) ((g_get_monotonic_time () - self->started) / 1000);
  g_clear_pointer (&self->ranges, g_array_unref);

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, hf_scan_summary_copy (&self->summary),
                           (GDestroyNotify) hf_scan_summary_free);
  g_object_unref (task);
}

/* Opening a socket and starting its connect costs tens of microseconds:
 * 512 at once would hold the main loop for ~40 ms.  Start at most this
 * many addresses per dispatch and go on from an idle. */
#define ADDRESSES_PER_DISPATCH 24
#define IDENTIFIES_PER_DISPATCH 8
#define CLOSES_PER_DISPATCH 64

static gboolean pump_idle_cb (gpointer user_data);

static void
pump (HfScanner *self)
{
  guint32 address;
  guint started = 0;
  gboolean more = FALSE;

  if (self->task == NULL)
    return;

  /* Close what finished, a bounded number at a time. */
  for (guint closed = 0; !g_queue_is_empty (&self->finished); closed++)
    {
      PortProbe *probe;

      if (closed == CLOSES_PER_DISPATCH)
        {
          more = TRUE;
          break;
        }
      probe = g_queue_pop_head (&self->finished);
      port_done (probe, probe->open);     /* frees the probe */
    }

  /* Stage 1: two sockets per address, up to the bound. */
  while (!self->exhausted && g_hash_table_size (self->probes) + 2 <= self->concurrency)
    {
      if (started++ == ADDRESSES_PER_DISPATCH)
        {
          more = TRUE;
          break;
        }
      AddressProbe *owner;

      if (!next_address (self, &address))
        {
          self->exhausted = TRUE;
          break;
        }
      owner = g_new0 (AddressProbe, 1);
      owner->address = address;
      owner->pending = 1;          /* held until both ports have started */
      start_port (self, owner, self->config->http_port);
      if (self->config->cgminer_port != self->config->http_port)
        start_port (self, owner, self->config->cgminer_port);
      if (--owner->pending == 0)
        address_done (self, owner);
    }

  /* Stage 2: identify what answered. */
  started = 0;
  while (self->identifying < self->identify_concurrency
         && !g_queue_is_empty (&self->identify_queue))
    {
      Identify *id;

      if (started++ == IDENTIFIES_PER_DISPATCH)
        {
          more = TRUE;
          break;
        }
      id = g_new0 (Identify, 1);
      id->scanner = g_object_ref (self);
      id->ip = g_queue_pop_head (&self->identify_queue);
      self->identifying++;
      hf_identify_async (id->ip, self->config, g_task_get_cancellable (self->task),
                         identified_cb, id);
    }

  if (more)
    queue_pump (self);
  finish_if_done (self);
}

static void
queue_pump (HfScanner *self)
{
  if (self->pump_idle == 0 && self->task != NULL)
    self->pump_idle = g_idle_add_full (G_PRIORITY_DEFAULT, pump_idle_cb, g_object_ref (self),
                                       g_object_unref);
}

static gboolean
pump_idle_cb (gpointer user_data)
{
  HfScanner *self = user_data;

  self->pump_idle = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
identified_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Identify *id = user_data;
  g_autoptr(HfScanner) self = id->scanner;
  g_autofree char *ip = id->ip;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfMiner) miner = hf_identify_finish (result, &error);

  g_free (id);
  self->identifying--;
  if (self->task == NULL)
    return;

  if (miner != NULL)
    {
      self->summary.found++;
      g_signal_emit (self, signals[SIGNAL_MINER_FOUND], 0, miner);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (g_error_matches (error, HF_ERROR, HF_ERROR_NOT_A_MINER)
           || hf_error_is_connect (error)
           || g_error_matches (error, HF_ERROR, HF_ERROR_AUTH))
    /* Something else on the LAN (a router page, a NAS, a printer): not a
     * miner, and not worth a word. */
    g_debug ("not a miner: %s", error->message);
  else
    {
      /* A miner port answered, but identification failed (too slow, a
       * broken reply): say so rather than drop it. */
      self->summary.unidentified++;
      g_signal_emit (self, signals[SIGNAL_UNIDENTIFIED], 0, ip, error->message);
    }
  queue_pump (self);
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  HfScanner *self = user_data;

  finish_if_done (self);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  HfScanner *self = user_data;
  GHashTableIter iter;
  PortProbe *probe;

  /* Close every probe socket now; identifications see the same
   * cancellable and end on their own. */
  g_queue_clear (&self->finished);
  g_hash_table_iter_init (&iter, self->probes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &probe, NULL))
    {
      AddressProbe *owner = probe->owner;

      g_hash_table_iter_steal (&iter);
      port_probe_free (probe);
      if (--owner->pending == 0)
        g_free (owner);
    }
  g_queue_clear_full (&self->identify_queue, g_free);
  self->exhausted = TRUE;
  /* Finish from the main loop, not inside the caller's cancel(). */
  g_idle_add_full (G_PRIORITY_HIGH, cancelled_idle_cb, g_object_ref (self), g_object_unref);
}

static void
hf_scanner_finalize (GObject *object)
{
  HfScanner *self = HF_SCANNER (object);

  g_queue_clear (&self->finished);
  g_clear_pointer (&self->probes, g_hash_table_unref);
  g_queue_clear_full (&self->identify_queue, g_free);
  g_clear_pointer (&self->config, hf_config_unref);
  g_clear_pointer (&self->ranges, g_array_unref);

  G_OBJECT_CLASS (hf_scanner_parent_class)->finalize (object);
}

static void
hf_scanner_class_init (HfScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hf_scanner_finalize;

  /**
   * HfScanner::miner-found:
   * @miner: a new #HfMiner with its identity (and, for AxeOS, a reading)
   */
  signals[SIGNAL_MINER_FOUND] =
    g_signal_new ("miner-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HF_TYPE_MINER);
  /**
   * HfScanner::unidentified:
   * @address: where a miner port answered
   * @reason: why it could not be identified
   */
  signals[SIGNAL_UNIDENTIFIED] =
    g_signal_new ("unidentified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * HfScanner::progress:
   * @done: addresses probed so far
   * @total: addresses in the scan
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
hf_scanner_init (HfScanner *self)
{
  self->connect_ms = HF_SCANNER_DEFAULT_CONNECT_MS;
  self->identify_concurrency = HF_SCANNER_DEFAULT_IDENTIFY;
  self->probes = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) port_probe_free, NULL);
  g_queue_init (&self->identify_queue);
  g_queue_init (&self->finished);
  hf_scanner_set_concurrency (self, HF_SCANNER_DEFAULT_CONCURRENCY);
}

HfScanner *
hf_scanner_new (const HfConfig *config)
{
  HfScanner *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (HF_TYPE_SCANNER, NULL);
  self->config = hf_config_copy (config);
  return self;
}

void
hf_scanner_set_connect_timeout (HfScanner *self,
                                guint      ms)
{
  g_return_if_fail (HF_IS_SCANNER (self));
  self->connect_ms = MAX (ms, 1u);
}

guint
hf_scanner_clamp_concurrency (guint sockets)
{
  struct rlimit limit;

  /* Leave room for everything else the process has open (the app's own
   * files, the identify stage's connections, SQLite). */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    {
      rlim_t room = limit.rlim_cur > 160 ? limit.rlim_cur - 128 : 32;
      sockets = (guint) MIN ((rlim_t) sockets, room);
    }
  return MAX (sockets, 2u);
}

guint
hf_scanner_set_concurrency (HfScanner *self,
                            guint      sockets)
{
  g_return_val_if_fail (HF_IS_SCANNER (self), 0);

  self->concurrency = hf_scanner_clamp_concurrency (sockets);
  return self->concurrency;
}

void
hf_scanner_set_identify_concurrency (HfScanner *self,
                                     guint      n)
{
  g_return_if_fail (HF_IS_SCANNER (self));
  self->identify_concurrency = MAX (n, 1u);
}

void
hf_scanner_scan_async (HfScanner           *self,
                       GArray              *ranges,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GCancellable) own = NULL;

  g_return_if_fail (HF_IS_SCANNER (self));
  g_return_if_fail (ranges != NULL);

  if (cancellable == NULL)
    cancellable = own = g_cancellable_new ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hf_scanner_scan_async);
  g_task_set_name (task, "hf_scanner_scan");

  if (self->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "a scan is already running");
      return;
    }

  memset (&self->summary, 0, sizeof self->summary);
  self->ranges = g_array_copy (ranges);
  self->range_index = 0;
  self->next_address = ranges->len > 0 ? g_array_index (ranges, HfRange, 0).first : 1;
  self->exhausted = ranges->len == 0;
  self->summary.total = hf_targets_count (ranges);
  self->started = g_get_monotonic_time ();
  self->task = g_steal_pointer (&task);
  self->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                self, NULL);
  if (!g_cancellable_is_cancelled (cancellable))
    pump (self);
}

HfScanSummary *
hf_scanner_scan_finish (HfScanner     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (HF_IS_SCANNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

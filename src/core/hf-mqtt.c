/* hf-mqtt.c — the fleet in Home Assistant, over MQTT
 * SPDX-License-Identifier: MIT
 *
 * libmosquitto is used without its thread: its socket sits in a GSource on
 * our main context (read when readable, written while it wants to write),
 * and a one-second timer runs its keepalive.  A host name is resolved with
 * GResolver first, so that connecting never blocks the main loop on DNS;
 * the TCP connect itself is non-blocking (mosquitto_connect_async).
 *
 * What goes out, per reading: one retained JSON state for the miner that
 * was read, and one for the fleet at the end of each cycle.  Discovery
 * configs go out when a miner joins (or on each connect) and are cleared
 * with an empty retained payload when it leaves.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <mosquitto.h>
#include <json-glib/json-glib.h>

#include "hf-json.h"
#include "hf-error.h"
#include "hf-mqtt.h"

#define BASE_TOPIC      "hashfleet"
#define STATUS_TOPIC    BASE_TOPIC "/status"
/* The power budget: its state (retained JSON) and its command (watts). */
#define BUDGET_STATE_TOPIC BASE_TOPIC "/power_budget/state"
#define BUDGET_SET_TOPIC   BASE_TOPIC "/power_budget/set"
/* "1234.5": a number of watts, not a document. */
#define BUDGET_MAX_PAYLOAD 32
#define KEEPALIVE_S     30
#define MAX_BACKOFF_S   60

struct _HfMqtt
{
  GObject       parent_instance;

  /* Borrowed References */
  HfSession    *session;        /* weak: the session may keep us (hf_session_set_mqtt) */

  /* Owned References */
  HfFleet      *fleet;
  HfPowerBudget *budget;        /* the session's */
  gboolean      budget_refusal_said;  /* power_budget/set without control: said once */
  gboolean      budget_ignored_said;  /* not a number of watts: said once */
  gboolean      command_refusal_said; /* a command without control: said once */
  struct mosquitto *mosq;
  GCancellable *cancellable;
  char         *host;
  char         *user;
  char         *password;
  char         *prefix;
  char         *problem;        /* why the last attempt failed; NULL while connected */
  GHashTable   *devices;        /* HfMiner* → device id (char*), as published */
  GSource      *io_source;
  gpointer      io_tag;
  int           io_fd;

  guint16       port;
  gboolean      tls;
  gboolean      connecting;      /* a worker is starting the connect (TLS by name) */
  gboolean      allow_control;
  gboolean      started;
  gboolean      connected;
  gboolean      attempt_failed; /* this attempt's failure is said: it stands */
  guint         backoff_s;
  guint         reconnect_id;
  guint         misc_id;
  guint64       published;
};

G_DEFINE_FINAL_TYPE (HfMqtt, hf_mqtt, G_TYPE_OBJECT)

enum { PROP_0, PROP_CONNECTED, PROP_PROBLEM, N_PROPS };

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GSource  source;
  HfMqtt  *self;                /* borrowed: the source dies first */
} IoSource;

static void connect_now (HfMqtt *self);

/* ---- what the connection is ------------------------------------------------ */

static void
set_connected (HfMqtt   *self,
               gboolean  connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  if (connected && self->problem != NULL)
    {
      g_clear_pointer (&self->problem, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

/* The first reason an attempt gives stands (a refused CONNACK, then the
 * socket closing, says "refused"); the next attempt may say another. */
static void
fail_attempt (HfMqtt     *self,
              const char *why)
{
  if (self->attempt_failed)
    return;
  self->attempt_failed = TRUE;
  if (g_strcmp0 (self->problem, why) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (why);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

/* ---- the socket on the main loop ---------------------------------------- */

static void
update_io (HfMqtt *self)
{
  GIOCondition cond = G_IO_IN | G_IO_HUP | G_IO_ERR;

  if (self->io_source == NULL || self->mosq == NULL)
    return;
  if (mosquitto_want_write (self->mosq))
    cond |= G_IO_OUT;
  g_source_modify_unix_fd (self->io_source, self->io_tag, cond);
}

static void
drop_io (HfMqtt *self)
{
  if (self->io_source != NULL)
    {
      g_source_destroy (self->io_source);
      g_clear_pointer (&self->io_source, g_source_unref);
      self->io_tag = NULL;
    }
}

static gboolean
reconnect_cb (gpointer user_data)
{
  HfMqtt *self = user_data;

  self->reconnect_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

/* The connection is gone (or never came): try again later, each time
 * waiting twice as long, up to a minute. */
static void
schedule_reconnect (HfMqtt *self)
{
  drop_io (self);
  set_connected (self, FALSE);
  if (!self->started || self->reconnect_id != 0)
    return;
  self->backoff_s = self->backoff_s == 0 ? 1 : MIN (self->backoff_s * 2, MAX_BACKOFF_S);
  g_debug ("reconnecting to %s:%u in %u s", self->host, self->port, self->backoff_s);
  self->reconnect_id = g_timeout_add_seconds (self->backoff_s, reconnect_cb, self);
}

static gboolean
io_dispatch (GSource     *source,
             GSourceFunc  callback,
             gpointer     user_data)
{
  IoSource *io = (IoSource *) source;
  HfMqtt *self = io->self;
  GIOCondition revents = g_source_query_unix_fd (source, self->io_tag);
  int rc = MOSQ_ERR_SUCCESS;

  /* A connect that failed (refused, unreachable) leaves an error on the
   * socket (some kernels say only "writable"); libmosquitto, still in its
   * TLS handshake, would not see it and the socket would stay ready: the
   * main loop would spin.  One getsockopt() a wake-up. */
  {
    int err = 0;
    socklen_t len = sizeof err;

    if ((revents & G_IO_NVAL)
        || getsockopt (self->io_fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
      {
        const char *why = err != 0 ? g_strerror (err) : mosquitto_strerror (MOSQ_ERR_CONN_LOST);

        g_debug ("connection to %s:%u failed: %s", self->host, self->port, why);
        fail_attempt (self, why);
        schedule_reconnect (self);
        return G_SOURCE_REMOVE;
      }
  }
  if (revents & G_IO_OUT)
    rc = mosquitto_loop_write (self->mosq, 1);
  if (rc == MOSQ_ERR_SUCCESS && (revents & (G_IO_IN | G_IO_HUP | G_IO_ERR | G_IO_NVAL)))
    rc = mosquitto_loop_read (self->mosq, 1);
  /* Hung up: read what is left, then it is over, whatever libmosquitto
   * says (in a TLS handshake whose first write was refused it says
   * nothing, and the hung-up socket would wake us for ever). */
  if (rc == MOSQ_ERR_SUCCESS && (revents & G_IO_HUP))
    {
      for (guint i = 0; i < 64 && rc == MOSQ_ERR_SUCCESS; i++)
        rc = mosquitto_loop_read (self->mosq, 1);
      if (rc == MOSQ_ERR_SUCCESS)
        rc = MOSQ_ERR_CONN_LOST;
    }
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_debug ("connection to %s:%u lost: %s", self->host, self->port, mosquitto_strerror (rc));
      fail_attempt (self, mosquitto_strerror (rc));
      schedule_reconnect (self);
      return G_SOURCE_REMOVE;
    }
  update_io (self);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs io_funcs = { NULL, NULL, io_dispatch, NULL, NULL, NULL };

static void
watch_socket (HfMqtt *self)
{
  int fd = mosquitto_socket (self->mosq);

  drop_io (self);
  /* No socket after a connect that said yes: it failed at once (refused
   * on this machine) and libmosquitto closed it.  Nothing would wake us:
   * try again later. */
  if (fd < 0)
    {
      g_debug ("connect to %s:%u: no socket", self->host, self->port);
      fail_attempt (self, mosquitto_strerror (MOSQ_ERR_NO_CONN));
      schedule_reconnect (self);
      return;
    }
  self->io_source = g_source_new (&io_funcs, sizeof (IoSource));
  ((IoSource *) self->io_source)->self = self;
  g_source_set_name (self->io_source, "[hashfleet] mqtt socket");
  self->io_tag = g_source_add_unix_fd (self->io_source, fd, G_IO_IN | G_IO_OUT);
  self->io_fd = fd;
  g_source_attach (self->io_source, g_main_context_get_thread_default ());
  update_io (self);
}

static gboolean
misc_cb (gpointer user_data)
{
  HfMqtt *self = user_data;

  if (self->io_source != NULL)
    {
      int rc = mosquitto_loop_misc (self->mosq);

      /* A keepalive that went unanswered closes the socket in there. */
      if ((rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)
          || mosquitto_socket (self->mosq) != self->io_fd)
        {
          fail_attempt (self, mosquitto_strerror (rc != MOSQ_ERR_SUCCESS ? rc
                                                                      : MOSQ_ERR_CONN_LOST));
          schedule_reconnect (self);
        }
      else
        update_io (self);
    }
  return G_SOURCE_CONTINUE;
}

/* ---- publishing ----------------------------------------------------------- */

static void
publish (HfMqtt     *self,
         const char *topic,
         const char *payload,
         gboolean    retain)
{
  int rc;

  if (!self->connected)
    return;
  rc = mosquitto_publish (self->mosq, NULL, topic, payload ? (int) strlen (payload) : 0,
                          payload, 0, retain);
  if (rc != MOSQ_ERR_SUCCESS)
    g_debug ("publish %s: %s", topic, mosquitto_strerror (rc));
  else
    self->published++;
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL || *value == '\0')
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

/* "aa:bb:cc:dd:ee:ff" → "aabbccddeeff"; without a MAC, the address. */
static char *
device_id_for (HfMiner *miner)
{
  const char *mac = hf_miner_get_mac (miner);
  const char *src = (mac != NULL && *mac != '\0') ? mac : hf_miner_get_address (miner);
  GString *id = g_string_new (NULL);

  for (const char *p = src; *p; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (id, g_ascii_tolower (*p));
      else if (mac == NULL || *mac == '\0')
        g_string_append_c (id, '_');
    }
  return g_string_free (id, FALSE);
}

/* One entity of a device, as Home Assistant documents its keys. */
typedef struct
{
  const char *component;
  const char *object;
  const char *name;
  const char *field;            /* in the state JSON; NULL for commands */
  const char *unit;
  const char *device_class;
  const char *state_class;
  const char *icon;
  gboolean    control;          /* only offered when control is allowed */
} Entity;

static const Entity miner_entities[] = {
  { "sensor", "hashrate", "Hashrate", "hashrate", "GH/s", NULL, "measurement", "mdi:pickaxe" },
  { "sensor", "expected_hashrate", "Expected hashrate", "expected_hashrate", "GH/s", NULL,
    "measurement", "mdi:pickaxe" },
  { "sensor", "temperature", "Temperature", "temperature", "°C", "temperature", "measurement" },
  { "sensor", "chip_temperature", "Chip temperature", "chip_temperature", "°C", "temperature",
    "measurement" },
  { "sensor", "board_temperature", "Board temperature", "board_temperature", "°C",
    "temperature", "measurement" },
  { "sensor", "power", "Power", "power", "W", "power", "measurement" },
  { "sensor", "fan", "Fan", "fan", "RPM", NULL, "measurement", "mdi:fan" },
  { "sensor", "efficiency", "Efficiency", "efficiency", "J/TH", NULL, "measurement",
    "mdi:flash" },
  { "sensor", "uptime", "Uptime", "uptime", "s", "duration", "measurement" },
  { "sensor", "accepted", "Accepted shares", "accepted", NULL, NULL, "total_increasing",
    "mdi:check" },
  { "sensor", "rejected", "Rejected shares", "rejected", NULL, NULL, "total_increasing",
    "mdi:close" },
  { "sensor", "best_difficulty", "Best difficulty", "best_difficulty", NULL, NULL,
    "measurement", "mdi:trophy" },
  { "binary_sensor", "online", "Online", "online", NULL, "connectivity", NULL },
  { "button", "restart", "Restart", NULL, NULL, "restart", NULL, NULL, TRUE },
  { "button", "identify", "Identify", NULL, NULL, "identify", NULL, NULL, TRUE },
  { "switch", "mining", "Mining", "paused", NULL, "switch", NULL, "mdi:pause", TRUE },
};

static const Entity fleet_entities[] = {
  { "sensor", "hashrate", "Hashrate", "hashrate", "GH/s", NULL, "measurement", "mdi:pickaxe" },
  { "sensor", "power", "Power", "power", "W", "power", "measurement" },
  { "sensor", "efficiency", "Efficiency", "efficiency", "J/TH", NULL, "measurement",
    "mdi:flash" },
  { "sensor", "online", "Miners online", "online", NULL, NULL, "measurement", "mdi:server" },
  { "sensor", "offline", "Miners offline", "offline", NULL, NULL, "measurement",
    "mdi:server-off" },
  { "sensor", "hottest", "Hottest", "hottest", "°C", "temperature", "measurement" },
  { "sensor", "best_difficulty", "Best difficulty", "best_difficulty", NULL, NULL,
    "measurement", "mdi:trophy" },
  { "number", "power_budget", "Power budget", "watts", "W", "power", NULL,
    "mdi:transmission-tower", TRUE },
};

static char *
config_topic (HfMqtt       *self,
              const char   *id,
              const Entity *e)
{
  return g_strdup_printf ("%s/%s/hashfleet_%s/%s/config", self->prefix, e->component, id,
                          e->object);
}

static void
add_device (JsonBuilder *b,
            const char  *id,
            HfMiner     *miner)
{
  g_autofree char *identifier = g_strdup_printf ("hashfleet_%s", id);

  json_builder_set_member_name (b, "device");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "identifiers");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, identifier);
  json_builder_end_array (b);
  if (miner == NULL)
    {
      add_string (b, "name", "Hashfleet");
      add_string (b, "model", "Fleet totals");
      add_string (b, "manufacturer", "Hashfleet");
      add_string (b, "sw_version", PACKAGE_VERSION);
    }
  else
    {
      const char *mac = hf_miner_get_mac (miner);
      guint16 port = hf_miner_get_http_port (miner);
      g_autofree char *url = NULL;

      if (mac != NULL && *mac != '\0')
        {
          json_builder_set_member_name (b, "connections");
          json_builder_begin_array (b);
          json_builder_begin_array (b);
          json_builder_add_string_value (b, "mac");
          json_builder_add_string_value (b, mac);
          json_builder_end_array (b);
          json_builder_end_array (b);
        }
      add_string (b, "name", hf_miner_get_display_name (miner));
      add_string (b, "model", hf_miner_get_model (miner));
      add_string (b, "manufacturer", hf_family_display_name (hf_miner_get_family (miner)));
      add_string (b, "sw_version", hf_miner_get_firmware (miner));
      if (port != 0 && port != 80)
        url = g_strdup_printf ("http://%s:%u/", hf_miner_get_address (miner), port);
      else
        url = g_strdup_printf ("http://%s/", hf_miner_get_address (miner));
      add_string (b, "configuration_url", url);
      add_string (b, "via_device", "hashfleet_fleet");
    }
  json_builder_end_object (b);
}

static char *
entity_config (HfMqtt       *self,
               const char   *id,
               HfMiner      *miner,
               const Entity *e)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *unique = g_strdup_printf ("hashfleet_%s_%s", id, e->object);
  g_autofree char *state = g_strdup_printf (BASE_TOPIC "/%s/state", id);
  g_autofree char *command = g_strdup_printf (BASE_TOPIC "/%s/command", id);

  json_builder_begin_object (b);
  add_string (b, "name", e->name);
  add_string (b, "unique_id", unique);
  add_string (b, "object_id", unique);
  add_string (b, "availability_topic", STATUS_TOPIC);
  add_string (b, "device_class", e->device_class);
  add_string (b, "state_class", e->state_class);
  add_string (b, "unit_of_measurement", e->unit);
  add_string (b, "icon", e->icon);
  if (g_str_equal (e->component, "button"))
    {
      add_string (b, "command_topic", command);
      add_string (b, "payload_press", e->object);
    }
  else if (g_str_equal (e->component, "switch"))
    {
      add_string (b, "state_topic", state);
      add_string (b, "command_topic", command);
      add_string (b, "value_template", "{{ 'OFF' if value_json.paused else 'ON' }}");
      add_string (b, "payload_on", "resume");
      add_string (b, "payload_off", "pause");
      add_string (b, "state_on", "ON");
      add_string (b, "state_off", "OFF");
    }
  else if (g_str_equal (e->component, "number"))
    {
      /* The fleet's power budget: 0 is none. */
      add_string (b, "state_topic", BUDGET_STATE_TOPIC);
      add_string (b, "command_topic", BUDGET_SET_TOPIC);
      add_string (b, "value_template", "{{ value_json.watts }}");
      json_builder_set_member_name (b, "min");
      json_builder_add_int_value (b, 0);
      json_builder_set_member_name (b, "max");
      json_builder_add_int_value (b, 100000);
      json_builder_set_member_name (b, "step");
      json_builder_add_int_value (b, 1);
      add_string (b, "mode", "box");
    }
  else if (g_str_equal (e->component, "binary_sensor"))
    {
      add_string (b, "state_topic", state);
      add_string (b, "value_template", "{{ 'ON' if value_json.online else 'OFF' }}");
      add_string (b, "payload_on", "ON");
      add_string (b, "payload_off", "OFF");
    }
  else
    {
      g_autofree char *tmpl = g_strdup_printf ("{{ value_json.%s }}", e->field);

      add_string (b, "state_topic", state);
      add_string (b, "value_template", tmpl);
      if (g_str_equal (e->object, "power"))
        {
          /* Whether the watts are the miner's own or from a model table. */
          add_string (b, "json_attributes_topic", state);
          add_string (b, "json_attributes_template",
                      "{{ {'estimated': value_json.power_estimated} | tojson }}");
        }
    }
  add_device (b, id, miner);
  json_builder_end_object (b);
  return builder_to_string (b);
}

static void
publish_configs (HfMqtt        *self,
                 const char    *id,
                 HfMiner       *miner,
                 const Entity  *entities,
                 guint          n_entities,
                 gboolean       clear)
{
  for (guint i = 0; i < n_entities; i++)
    {
      const Entity *e = &entities[i];
      g_autofree char *topic = config_topic (self, id, e);
      g_autofree char *payload = NULL;

      /* Control entities from an earlier run that allowed it are cleared. */
      if (!clear && (!e->control || self->allow_control))
        payload = entity_config (self, id, miner, e);
      publish (self, topic, payload, TRUE);
    }
}

static void
publish_miner_state (HfMqtt  *self,
                     HfMiner *miner)
{
  const char *id = g_hash_table_lookup (self->devices, miner);
  const HfReading *r = hf_miner_get_reading (miner);
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *topic = NULL;
  g_autofree char *payload = NULL;
  gboolean online = hf_miner_get_online (miner);

  if (id == NULL || !self->connected)
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "online");
  json_builder_add_boolean_value (b, online);
  if (online && r != NULL)
    {
      double th = r->hashrate_ghs / 1000.0;

      hf_json_builder_add_number (b, "hashrate", r->hashrate_ghs);
      hf_json_builder_add_number (b, "expected_hashrate", r->expected_hashrate_ghs);
      hf_json_builder_add_number (b, "temperature", r->temperature_c);
      hf_json_builder_add_number (b, "chip_temperature", r->chip_temp_c);
      hf_json_builder_add_number (b, "board_temperature", r->board_temp_c);
      hf_json_builder_add_number (b, "power", r->power_w);
      json_builder_set_member_name (b, "power_estimated");
      json_builder_add_boolean_value (b, r->power_estimated);
      hf_json_builder_add_number (b, "fan", r->fan_rpm);
      hf_json_builder_add_number (b, "efficiency", th > 0 ? r->power_w / th : NAN);
      hf_json_builder_add_number (b, "uptime", r->uptime_s);
      hf_json_builder_add_number (b, "accepted", r->accepted);
      hf_json_builder_add_number (b, "rejected", r->rejected);
      hf_json_builder_add_number (b, "best_difficulty", r->best_difficulty);
      json_builder_set_member_name (b, "paused");
      json_builder_add_boolean_value (b, r->paused);
    }
  add_string (b, "state", hf_state_to_string (hf_miner_get_state (miner)));
  json_builder_end_object (b);
  topic = g_strdup_printf (BASE_TOPIC "/%s/state", id);
  payload = builder_to_string (b);
  publish (self, topic, payload, TRUE);
}

static void
publish_fleet_state (HfMqtt *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *payload = NULL;

  json_builder_begin_object (b);
  hf_json_builder_add_number (b, "hashrate", hf_fleet_get_hashrate_ghs (self->fleet));
  hf_json_builder_add_number (b, "power", hf_fleet_get_power_w (self->fleet));
  hf_json_builder_add_number (b, "efficiency", hf_fleet_get_efficiency_j_th (self->fleet));
  hf_json_builder_add_number (b, "online", hf_fleet_get_online_count (self->fleet));
  hf_json_builder_add_number (b, "offline", hf_fleet_get_offline_count (self->fleet));
  hf_json_builder_add_number (b, "hottest", hf_fleet_get_hottest_c (self->fleet));
  hf_json_builder_add_number (b, "best_difficulty", hf_fleet_get_best_difficulty (self->fleet));
  json_builder_end_object (b);
  payload = builder_to_string (b);
  publish (self, BASE_TOPIC "/fleet/state", payload, TRUE);
}

static void
publish_budget_state (HfMqtt *self)
{
  g_autofree char *payload = NULL;

  if (!self->connected || self->budget == NULL)
    return;
  payload = hf_power_budget_to_json (self->budget);
  publish (self, BUDGET_STATE_TOPIC, payload, TRUE);
}

/* Bring the published devices in line with the fleet: configs for the
 * miners that joined, empty configs for those that left. */
static void
sync_devices (HfMqtt *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->fleet));
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfMiner) miner = g_list_model_get_item (G_LIST_MODEL (self->fleet), i);

      g_hash_table_add (present, miner);
      if (!g_hash_table_contains (self->devices, miner))
        {
          char *id = device_id_for (miner);

          g_hash_table_insert (self->devices, g_object_ref (miner), id);
          publish_configs (self, id, miner, miner_entities, G_N_ELEMENTS (miner_entities),
                           FALSE);
          publish_miner_state (self, miner);
        }
    }
  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *state = NULL;

      if (g_hash_table_contains (present, key))
        continue;
      g_debug ("miner %s left: clearing its configs", (const char *) value);
      publish_configs (self, value, NULL, miner_entities, G_N_ELEMENTS (miner_entities), TRUE);
      state = g_strdup_printf (BASE_TOPIC "/%s/state", (const char *) value);
      publish (self, state, NULL, TRUE);
      g_hash_table_iter_remove (&iter);
    }
}

/* ---- commands -------------------------------------------------------------- */

static void
command_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree char *what = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_str_has_prefix (what, "restart"))
    ok = hf_session_restart_finish (HF_SESSION (object), result, &error);
  else
    ok = hf_session_act_finish (HF_SESSION (object), result, &error);
  if (!ok)
    g_message ("MQTT command %s failed: %s", what, error->message);
  else
    g_debug ("MQTT command %s done", what);
}

static void
run_command (HfMqtt     *self,
             const char *id,
             const char *command)
{
  GHashTableIter iter;
  gpointer key, value;
  HfMiner *miner = NULL;
  HfMinerAction action;

  if (self->session == NULL)
    return;
  if (!self->allow_control)
    {
      /* Said once: any client of the broker may publish commands. */
      if (!self->command_refusal_said)
        g_message ("MQTT command \"%s\" for %s refused: control from MQTT is not allowed "
                   "(--mqtt-allow-control); further ones are refused without a word",
                   command, id);
      else
        g_debug ("MQTT command \"%s\" for %s refused", command, id);
      self->command_refusal_said = TRUE;
      return;
    }
  g_hash_table_iter_init (&iter, self->devices);
  while (miner == NULL && g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_equal (value, id))
      miner = key;
  if (miner == NULL)
    {
      g_debug ("MQTT command for unknown miner %s ignored", id);
      return;
    }

  g_debug ("MQTT command %s for %s", command, id);
  if (g_str_equal (command, "restart"))
    {
      hf_session_restart_async (self->session, miner, self->cancellable, command_done_cb,
                                g_strdup_printf ("restart %s", id));
      return;
    }
  if (g_str_equal (command, "identify"))
    action = HF_ACTION_IDENTIFY;
  else if (g_str_equal (command, "pause"))
    action = HF_ACTION_PAUSE;
  else if (g_str_equal (command, "resume"))
    action = HF_ACTION_RESUME;
  else
    {
      g_debug ("unknown MQTT command \"%s\" ignored", command);
      return;
    }
  hf_session_act_async (self->session, miner, action, self->cancellable, command_done_cb,
                        g_strdup_printf ("%s %s", command, id));
}

/* hashfleet/power_budget/set: a number of watts (0: no budget). */
static void
set_budget (HfMqtt                         *self,
            const struct mosquitto_message *msg)
{
  g_autofree char *text = NULL;
  char *end = NULL;
  double watts;

  if (self->session == NULL)
    return;
  /* Any client of the broker may publish here: each refusal is said once
   * (then in the debug log), so that nobody can flood the log. */
  if (!self->allow_control)
    {
      if (!self->budget_refusal_said)
        g_message ("MQTT power budget refused: control from MQTT is not allowed "
                   "(--mqtt-allow-control)");
      else
        g_debug ("MQTT power budget refused (control not allowed)");
      self->budget_refusal_said = TRUE;
      return;
    }
  if (msg->payloadlen > 0 && msg->payloadlen <= BUDGET_MAX_PAYLOAD)
    text = g_strstrip (g_strndup (msg->payload, msg->payloadlen));
  /* Decimal digits with at most one point: no hex, exponents or signs. */
  if (text != NULL && text[0] != '\0' && strspn (text, "0123456789.") == strlen (text)
      && strchr (text, '.') == strrchr (text, '.') && text[0] != '.')
    watts = g_ascii_strtod (text, &end);
  else
    watts = NAN;
  if (isnan (watts) || end == NULL || *end != '\0' || (watts != 0 && watts < 1)
      || watts > HF_POWER_BUDGET_MAX_W)
    {
      if (!self->budget_ignored_said)
        g_message ("MQTT power budget ignored: send 0 (no budget) or 1 to 10000000 watts, "
                   "in decimal digits");
      else
        g_debug ("MQTT power budget ignored: not a number of watts");
      self->budget_ignored_said = TRUE;
      return;
    }
  g_debug ("MQTT power budget: %g W", watts);
  hf_session_set_power_budget (self->session, watts);
  /* Said even when it did not change, so a command always gets its state. */
  publish_budget_state (self);
}

/* ---- libmosquitto callbacks (run inside mosquitto_loop_read) ---------------- */

static void
on_connect (struct mosquitto *mosq,
            void             *obj,
            int               rc)
{
  HfMqtt *self = obj;

  if (rc != 0)
    {
      g_autofree char *why = g_strdup_printf ("the broker refused the connection: %s",
                                              mosquitto_connack_string (rc));

      g_message ("MQTT broker %s:%u refused the connection: %s", self->host, self->port,
                 mosquitto_connack_string (rc));
      fail_attempt (self, why);
      return;
    }
  g_debug ("connected to %s:%u", self->host, self->port);
  set_connected (self, TRUE);
  self->backoff_s = 0;
  publish (self, STATUS_TOPIC, "online", TRUE);
  mosquitto_subscribe (mosq, NULL, BASE_TOPIC "/+/command", 1);
  mosquitto_subscribe (mosq, NULL, BUDGET_SET_TOPIC, 1);
  /* Everything again: the broker may have lost its retained messages. */
  g_hash_table_remove_all (self->devices);
  publish_configs (self, "fleet", NULL, fleet_entities, G_N_ELEMENTS (fleet_entities), FALSE);
  sync_devices (self);
  publish_fleet_state (self);
  publish_budget_state (self);
}

static void
on_message (struct mosquitto               *mosq,
            void                           *obj,
            const struct mosquitto_message *msg)
{
  HfMqtt *self = obj;
  g_auto(GStrv) parts = g_strsplit (msg->topic, "/", -1);
  g_autofree char *command = NULL;

  if (g_str_equal (msg->topic, BUDGET_SET_TOPIC))
    {
      if (msg->retain)
        g_debug ("retained MQTT power budget ignored");
      else
        set_budget (self, msg);
      return;
    }
  if (g_strv_length (parts) != 3 || !g_str_equal (parts[2], "command"))
    return;
  if (msg->retain)
    {
      /* A command left on the broker is not someone pressing a button now. */
      g_debug ("retained MQTT command on %s ignored", msg->topic);
      return;
    }
  command = g_strndup (msg->payload, msg->payloadlen);
  run_command (self, parts[1], g_strstrip (command));
}

/* ---- connecting --------------------------------------------------------------- */

/* libmosquitto began connecting (@rc): watch the socket, or try later. */
static void
connect_started (HfMqtt *self,
                 int     rc)
{
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_debug ("connect to %s:%u: %s", self->host, self->port, mosquitto_strerror (rc));
      fail_attempt (self, mosquitto_strerror (rc));
      schedule_reconnect (self);
      return;
    }
  watch_socket (self);
}

static void
connect_to (HfMqtt     *self,
            const char *address)
{
  int rc;

  g_debug ("connecting to %s (%s) port %u", self->host, address, self->port);
  rc = mosquitto_connect_async (self->mosq, address, self->port, KEEPALIVE_S);
  connect_started (self, rc);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HfMqtt *self;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  g_autofree char *address = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HF_MQTT (user_data);
  if (addresses == NULL)
    {
      g_message ("MQTT broker %s: %s", self->host, error->message);
      fail_attempt (self, error->message);
      schedule_reconnect (self);
      return;
    }
  address = g_inet_address_to_string (addresses->data);
  g_resolver_free_addresses (addresses);
  connect_to (self, address);
}

/* TLS by name: libmosquitto checks the certificate against the name it
 * was given, and looks that name up itself, blocking; so the connect
 * starts on a worker (the TCP connect and the handshake go on without
 * blocking, on the main loop).  Nothing on the main thread touches the
 * client meanwhile: it is neither connected nor watched, and the task
 * holds the object. */
static void
connect_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  HfMqtt *self = source;

  g_task_return_int (task, mosquitto_connect_async (self->mosq, self->host, self->port,
                                                    KEEPALIVE_S));
}

static void
connected_by_name_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  HfMqtt *self = HF_MQTT (source);
  int rc = (int) g_task_propagate_int (G_TASK (result), NULL);

  self->connecting = FALSE;
  if (self->started)
    connect_started (self, rc);
}

static void
connect_now (HfMqtt *self)
{
  g_autoptr(GResolver) resolver = NULL;

  if (self->connecting)
    return;
  self->attempt_failed = FALSE;
  if (g_hostname_is_ip_address (self->host))
    {
      connect_to (self, self->host);
      return;
    }
  if (self->tls)
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, connected_by_name_cb, NULL);

      g_debug ("connecting to %s port %u (TLS, looked up on a worker)", self->host, self->port);
      self->connecting = TRUE;
      g_task_run_in_thread (task, connect_thread);
      return;
    }
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, self->host, self->cancellable, resolved_cb, self);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
hf_mqtt_dispose (GObject *object)
{
  HfMqtt *self = HF_MQTT (object);

  hf_mqtt_stop (self);
  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  g_clear_object (&self->fleet);
  if (self->budget != NULL)
    g_signal_handlers_disconnect_by_data (self->budget, self);
  g_clear_object (&self->budget);
  g_clear_weak_pointer (&self->session);
  G_OBJECT_CLASS (hf_mqtt_parent_class)->dispose (object);
}

static void
hf_mqtt_finalize (GObject *object)
{
  HfMqtt *self = HF_MQTT (object);

  g_clear_pointer (&self->mosq, mosquitto_destroy);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_free (self->host);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->prefix);
  g_free (self->problem);
  G_OBJECT_CLASS (hf_mqtt_parent_class)->finalize (object);
}

static void
hf_mqtt_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  HfMqtt *self = HF_MQTT (object);

  switch (prop_id)
    {
    case PROP_CONNECTED: g_value_set_boolean (value, self->connected); break;
    case PROP_PROBLEM: g_value_set_string (value, self->problem); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_mqtt_class_init (HfMqttClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hf_mqtt_dispose;
  object_class->finalize = hf_mqtt_finalize;
  object_class->get_property = hf_mqtt_get_property;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hf_mqtt_init (HfMqtt *self)
{
  self->cancellable = g_cancellable_new ();
  self->prefix = g_strdup (HF_MQTT_DEFAULT_DISCOVERY_PREFIX);
  self->devices = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
}

/* ---- fleet signals -------------------------------------------------------------- */

static void
reading_cb (HfFleet         *fleet,
            HfMiner         *miner,
            const HfReading *reading,
            HfMqtt          *self)
{
  publish_miner_state (self, miner);
  update_io (self);
}

static void
miner_offline_cb (HfFleet *fleet,
                  HfMiner *miner,
                  HfMqtt  *self)
{
  publish_miner_state (self, miner);
  update_io (self);
}

static void
cycle_finished_cb (HfFleet *fleet,
                   guint    polled,
                   guint    answered,
                   guint    elapsed_ms,
                   HfMqtt  *self)
{
  publish_fleet_state (self);
  update_io (self);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  HfMqtt     *self)
{
  if (!self->connected)
    return;
  sync_devices (self);
  update_io (self);
}

/* ---- public API ---------------------------------------------------------------- */

static gpointer
init_library (gpointer data)
{
  mosquitto_lib_init ();
  return NULL;
}

static GUri *
parse_url (const char  *url,
           GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "mqtt") != 0 && g_strcmp0 (scheme, "mqtts") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "not an MQTT broker URL (mqtt://[user@]host[:port] or mqtts://…): %s", url);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

gboolean
hf_mqtt_check_url (const char  *url,
                   GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = parse_url (url, error);
  return uri != NULL;
}

HfMqtt *
hf_mqtt_new (HfSession   *session,
             const char  *url,
             GError     **error)
{
  static GOnce once = G_ONCE_INIT;
  g_autoptr(HfMqtt) self = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  int port;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  uri = parse_url (url, error);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  g_once (&once, init_library, NULL);

  self = g_object_new (HF_TYPE_MQTT, NULL);
  g_set_weak_pointer (&self->session, session);
  self->fleet = g_object_ref (hf_session_get_fleet (session));
  self->budget = g_object_ref (hf_session_get_power_budget (session));
  self->tls = g_str_equal (scheme, "mqtts");
  self->host = g_strdup (g_uri_get_host (uri));
  port = g_uri_get_port (uri);
  self->port = port > 0 ? port : (self->tls ? 8883 : 1883);
  self->user = g_strdup (g_uri_get_user (uri));
  return g_steal_pointer (&self);
}

void
hf_mqtt_set_password (HfMqtt     *self,
                      const char *password)
{
  g_return_if_fail (HF_IS_MQTT (self));

  g_free (self->password);
  self->password = g_strdup (password);
}

void
hf_mqtt_set_allow_control (HfMqtt   *self,
                           gboolean  allow)
{
  g_return_if_fail (HF_IS_MQTT (self));

  self->allow_control = !!allow;
}

void
hf_mqtt_set_discovery_prefix (HfMqtt     *self,
                              const char *prefix)
{
  g_return_if_fail (HF_IS_MQTT (self));
  g_return_if_fail (prefix != NULL && *prefix != '\0');

  g_free (self->prefix);
  self->prefix = g_strdup (prefix);
}

gboolean
hf_mqtt_start (HfMqtt  *self,
               GError **error)
{
  g_autofree char *client_id = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_MQTT (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  client_id = g_strdup_printf ("hashfleet-%s-%d", g_get_host_name (), (int) getpid ());
  self->mosq = mosquitto_new (client_id, TRUE, self);
  if (self->mosq == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create an MQTT client");
      return FALSE;
    }
  mosquitto_int_option (self->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  rc = mosquitto_will_set (self->mosq, STATUS_TOPIC, strlen ("offline"), "offline", 1, TRUE);
  if (rc == MOSQ_ERR_SUCCESS && self->user != NULL)
    rc = mosquitto_username_pw_set (self->mosq, self->user, self->password);
  /* The system's trusted CAs (the directory, and OpenSSL's own defaults
   * so that SSL_CERT_FILE and SSL_CERT_DIR add to them), the certificate
   * checked against the broker's name.  The directory is what lets
   * libmosquitto 2.0.11 connect again after a failure: with only its
   * "OS certs" option it refuses to reuse its TLS context (EINVAL). */
  if (rc == MOSQ_ERR_SUCCESS && self->tls)
    rc = mosquitto_tls_set (self->mosq, NULL, "/etc/ssl/certs", NULL, NULL, NULL);
  if (rc == MOSQ_ERR_SUCCESS && self->tls)
    rc = mosquitto_int_option (self->mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "MQTT client: %s",
                   mosquitto_strerror (rc));
      return FALSE;
    }
  mosquitto_connect_callback_set (self->mosq, on_connect);
  mosquitto_message_callback_set (self->mosq, on_message);

  g_signal_connect (self->fleet, "reading", G_CALLBACK (reading_cb), self);
  g_signal_connect (self->fleet, "miner-offline", G_CALLBACK (miner_offline_cb), self);
  g_signal_connect (self->fleet, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
  g_signal_connect (self->fleet, "items-changed", G_CALLBACK (items_changed_cb), self);
  if (self->budget != NULL)
    g_signal_connect_swapped (self->budget, "changed", G_CALLBACK (publish_budget_state), self);

  self->started = TRUE;
  self->misc_id = g_timeout_add_seconds (1, misc_cb, self);
  connect_now (self);
  return TRUE;
}

void
hf_mqtt_stop (HfMqtt *self)
{
  g_return_if_fail (HF_IS_MQTT (self));

  if (!self->started)
    return;
  self->started = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->misc_id, g_source_remove);
  if (self->connected)
    {
      /* A clean disconnect does not trigger the will: say it ourselves, and
       * flush what is queued (the socket is briefly made blocking). */
      publish (self, STATUS_TOPIC, "offline", TRUE);
      mosquitto_disconnect (self->mosq);
      for (int i = 0; i < 50 && mosquitto_want_write (self->mosq); i++)
        if (mosquitto_loop_write (self->mosq, 1) != MOSQ_ERR_SUCCESS)
          break;
    }
  set_connected (self, FALSE);
  drop_io (self);
  if (self->fleet != NULL)
    g_signal_handlers_disconnect_by_data (self->fleet, self);
  if (self->budget != NULL)
    g_signal_handlers_disconnect_by_data (self->budget, self);
}

gboolean
hf_mqtt_get_connected (HfMqtt *self)
{
  g_return_val_if_fail (HF_IS_MQTT (self), FALSE);

  return self->connected;
}

guint64
hf_mqtt_get_published (HfMqtt *self)
{
  g_return_val_if_fail (HF_IS_MQTT (self), 0);

  return self->published;
}

const char *
hf_mqtt_get_problem (HfMqtt *self)
{
  g_return_val_if_fail (HF_IS_MQTT (self), NULL);

  return self->problem;
}

HfMqtt *
hf_mqtt_start_for_session (HfSession   *session,
                           const char  *url,
                           const char  *password,
                           gboolean     allow_control,
                           const char  *prefix,
                           GError     **error)
{
  g_autoptr(HfMqtt) mqtt = NULL;

  g_return_val_if_fail (HF_IS_SESSION (session), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  mqtt = hf_mqtt_new (session, url, error);
  if (mqtt == NULL)
    return NULL;
  hf_mqtt_set_password (mqtt, password);
  hf_mqtt_set_allow_control (mqtt, allow_control);
  if (prefix != NULL && *prefix != '\0')
    hf_mqtt_set_discovery_prefix (mqtt, prefix);
  if (!hf_mqtt_start (mqtt, error))
    return NULL;
  hf_session_set_mqtt (session, mqtt);
  return mqtt;
}

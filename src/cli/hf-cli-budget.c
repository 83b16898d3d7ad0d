/* hf-cli-budget.c — hashfleet-cli budget: the power budget of a running serve
 * SPDX-License-Identifier: MIT
 *
 * A client of the HTTP API (GET and PUT /api/power-budget): the serve that
 * polls the fleet owns the budget; this command only asks it.  The answer
 * is capped and every phase has a deadline.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libsoup/soup.h>

#include "hf-cli.h"
#include "hf-json.h"

/* The API's answer is a small object: more is not its answer. */
#define MAX_ANSWER_BYTES (256 * 1024)
#define TIMEOUT_S        10
/* The whole exchange, however slowly a server trickles its answer. */
#define DEADLINE_S       15

typedef struct
{
  HfCli        *cli;
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *body;
  GError       *error;
  GCancellable *cancellable;    /* the command's, or the deadline's */
  gboolean      timed_out;
  gboolean      done;
  guint8        buffer[8192];
} Call;

static void
finish (Call   *call,
        GError *error)
{
  if (error != NULL && call->timed_out)
    {
      g_error_free (error);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no whole answer within %u s",
                           DEADLINE_S);
    }
  if (error != NULL && call->error == NULL)
    call->error = error;
  else if (error != NULL)
    g_error_free (error);
  call->done = TRUE;
  g_main_loop_quit (call->cli->loop);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    return finish (call, error);
  if (n == 0)
    return finish (call, NULL);
  if (call->body->len + (gsize) n > MAX_ANSWER_BYTES)
    return finish (call, g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                      "the answer is larger than %u bytes", MAX_ANSWER_BYTES));
  g_byte_array_append (call->body, call->buffer, (guint) n);
  g_input_stream_read_async (call->stream, call->buffer, sizeof call->buffer, G_PRIORITY_DEFAULT,
                             call->cancellable, read_cb, call);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  call->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (call->stream == NULL)
    return finish (call, error);
  g_input_stream_read_async (call->stream, call->buffer, sizeof call->buffer, G_PRIORITY_DEFAULT,
                             call->cancellable, read_cb, call);
}

/* The "error" of an API answer, else its status. */
static char *
api_error (SoupMessage *msg,
           JsonObject  *answer)
{
  const char *text = answer != NULL ? hf_json_string (answer, "error") : NULL;

  if (text != NULL)
    return g_strdup_printf ("%u: %s", soup_message_get_status (msg), text);
  return g_strdup_printf ("%u %s", soup_message_get_status (msg),
                          soup_message_get_reason_phrase (msg));
}

static gboolean
deadline_cb (gpointer user_data)
{
  Call *call = user_data;

  call->timed_out = TRUE;
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

/* @o's array member @name, or NULL when it is something else. */
static JsonArray *
array_member (JsonObject *o,
              const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
object_element (JsonArray *a,
                guint      i)
{
  JsonNode *node = json_array_get_element (a, i);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* @o's string @name fit for a terminal: control characters (escape
 * sequences a hostile server could send) shown as '?'; "?" when missing. */
static char *
text (JsonObject *o,
      const char *name)
{
  const char *value = hf_json_string (o, name);
  char *copy;

  if (value == NULL)
    return g_strdup ("?");
  copy = g_utf8_make_valid (value, -1);
  for (char *p = copy; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        memset (p, '?', g_utf8_next_char (p) - p);
    }
  return copy;
}

static void
print_table (JsonObject *o)
{
  double watts = hf_json_number (o, "watts");
  double power = hf_json_number (o, "power_w");
  JsonArray *curtailed = array_member (o, "curtailed");
  JsonArray *alone = array_member (o, "left_alone");
  gboolean estimated = json_object_get_boolean_member_with_default (o, "power_estimated", FALSE);

  if (isnan (watts) || watts <= 0)
    printf ("Power budget: none\n");
  else
    printf ("Power budget: %.0f W\n", watts);
  if (isnan (power))
    printf ("Fleet power:  unknown\n");
  else
    printf ("Fleet power:  %.0f W%s\n", power, estimated ? " (partly estimated)" : " (measured)");
  for (guint i = 0; curtailed != NULL && i < json_array_get_length (curtailed); i++)
    {
      JsonObject *c = object_element (curtailed, i);
      g_autofree char *name = NULL, *address = NULL, *how = NULL, *why = NULL;

      if (c == NULL)
        continue;
      name = text (c, "name");
      address = text (c, "address");
      how = text (c, "how");
      why = text (c, "why");
      printf ("Curtailed:    %s (%s) — %s, %.0f W before: %s\n", name, address, how,
              hf_json_number (c, "power_w"), why);
    }
  for (guint i = 0; alone != NULL && i < json_array_get_length (alone); i++)
    {
      JsonObject *c = object_element (alone, i);
      g_autofree char *name = NULL, *address = NULL, *why = NULL;

      if (c == NULL)
        continue;
      name = text (c, "name");
      address = text (c, "address");
      why = text (c, "why");
      printf ("Left alone:   %s (%s): %s\n", name, address, why);
    }
}

int
hf_cli_budget (HfCli  *cli,
               char  **args)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *path = NULL;
  gboolean set = cli->budget_watts >= 0;
  Call call = { cli, };
  guint status;

  if (args != NULL && args[0] != NULL)
    {
      g_printerr ("hashfleet-cli budget: takes no arguments (--watts W sets the budget)\n");
      return 2;
    }
  base = g_uri_parse (cli->api_url, G_URI_FLAGS_NONE, &error);
  if (base == NULL || (g_strcmp0 (g_uri_get_scheme (base), "http") != 0
                       && g_strcmp0 (g_uri_get_scheme (base), "https") != 0))
    {
      g_printerr ("hashfleet-cli budget: --api must be an http:// or https:// URL, not \"%s\"\n",
                  cli->api_url);
      return 2;
    }
  if (set && (cli->token == NULL || *cli->token == '\0'))
    {
      g_printerr ("hashfleet-cli budget: setting the budget needs the API's token "
                  "(--token-file, --token or HASHFLEET_API_TOKEN)\n");
      return 2;
    }
  {
    g_autofree char *prefix = g_strdup (g_uri_get_path (base));
    gsize len = strlen (prefix);

    while (len > 0 && prefix[len - 1] == '/')
      prefix[--len] = '\0';
    path = g_strconcat (prefix, "/api/power-budget", NULL);
  }
  uri = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (base), NULL, g_uri_get_host (base),
                     g_uri_get_port (base), path, NULL, NULL);

  if (cli->loop == NULL)
    cli->loop = g_main_loop_new (NULL, FALSE);
  /* No proxy: the API is served on this machine or the local network. */
  session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", TIMEOUT_S,
                                           "idle-timeout", TIMEOUT_S, NULL);
  call.msg = soup_message_new_from_uri (set ? "PUT" : "GET", uri);
  /* The token is for the API asked, and so is the answer: not another
   * host's that a redirect names. */
  soup_message_add_flags (call.msg, SOUP_MESSAGE_NO_REDIRECT);
  call.body = g_byte_array_new ();
  call.cancellable = g_cancellable_new ();
  if (cli->token != NULL && *cli->token != '\0')
    {
      g_autofree char *header = g_strdup_printf ("Bearer %s", cli->token);

      soup_message_headers_replace (soup_message_get_request_headers (call.msg), "Authorization",
                                    header);
    }
  if (set)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *body = g_strdup_printf ("{\"watts\": %s}",
                                               g_ascii_dtostr (number, sizeof number,
                                                               cli->budget_watts));
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (call.msg, "application/json", bytes);
    }
  {
    gulong interrupted = cli->cancellable != NULL
                         ? g_cancellable_connect (cli->cancellable, G_CALLBACK (g_cancellable_cancel),
                                                  g_object_ref (call.cancellable), g_object_unref)
                         : 0;
    guint deadline = g_timeout_add_seconds (DEADLINE_S, deadline_cb, &call);

    soup_session_send_async (session, call.msg, G_PRIORITY_DEFAULT, call.cancellable, sent_cb,
                             &call);
    if (!call.done)
      g_main_loop_run (cli->loop);
    if (!call.timed_out)
      g_source_remove (deadline);
    g_cancellable_disconnect (cli->cancellable, interrupted);
  }
  g_clear_object (&call.stream);
  g_clear_object (&call.cancellable);

  status = soup_message_get_status (call.msg);
  if (call.error == NULL)
    answer = hf_json_parse_object ((const char *) call.body->data, call.body->len, NULL);
  if (call.error != NULL || !SOUP_STATUS_IS_SUCCESSFUL (status) || answer == NULL)
    {
      g_autofree char *why = call.error != NULL ? g_strdup (call.error->message)
                                                : api_error (call.msg, answer);

      g_printerr ("hashfleet-cli budget: %s: %s\n", cli->api_url, why);
      g_clear_error (&call.error);
      g_byte_array_unref (call.body);
      g_object_unref (call.msg);
      return 1;
    }
  if (cli->json)
    {
      /* Written again from what was parsed: strings escaped, nothing raw. */
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), answer);
      g_autofree char *out = json_to_string (node, FALSE);

      printf ("%s\n", out);
    }
  else
    print_table (answer);
  g_byte_array_unref (call.body);
  g_object_unref (call.msg);
  return 0;
}

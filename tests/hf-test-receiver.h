/* hf-test-receiver.h — an HTTP receiver on 127.0.0.1 for notification tests
 * SPDX-License-Identifier: MIT
 *
 * A SoupServer on the test's main context, on a free loopback port, that
 * records every request (method, path, query, headers, body) and answers
 * as told: a status, 500 for the first N requests, or never (hang).
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  char       *method;
  char       *path;
  char       *query;      /* NULL when none */
  GHashTable *headers;    /* lower-case name → value */
  char       *body;       /* NUL-terminated */
  gint64      when;       /* monotonic µs */
} HfTestRequest;

typedef struct
{
  SoupServer *server;
  guint16     port;
  guint       status;     /* the answer (200 unless set) */
  guint       fail_first; /* this many 500s first */
  gboolean    hang;       /* never answer */
  GPtrArray  *requests;   /* HfTestRequest* */
  GPtrArray  *hung;       /* SoupServerMessage*, paused */
} HfTestReceiver;

HfTestReceiver *hf_test_receiver_new   (void);
void            hf_test_receiver_free  (HfTestReceiver *self);
/* Iterate the default context until @n requests came (FALSE after @ms). */
gboolean        hf_test_receiver_wait  (HfTestReceiver *self,
                                        guint           n,
                                        guint           ms);
HfTestRequest  *hf_test_receiver_get   (HfTestReceiver *self,
                                        guint           i);
/* Answer every request held so far (hang) with @status. */
void            hf_test_receiver_release (HfTestReceiver *self,
                                          guint           status);
const char     *hf_test_request_header (HfTestRequest  *request,
                                        const char     *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfTestReceiver, hf_test_receiver_free)

G_END_DECLS

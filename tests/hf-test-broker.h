/* hf-test-broker.h — a real mosquitto broker on loopback, and a subscriber
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HfTestBroker     HfTestBroker;
typedef struct _HfTestSubscriber HfTestSubscriber;

/* mosquitto on a free 127.0.0.1 port (anonymous, no persistence), up and
 * accepting connections; a missing mosquitto fails the test (CI installs
 * it). */
HfTestBroker     *hf_test_broker_start       (void);
guint16           hf_test_broker_get_port    (HfTestBroker     *broker);
void              hf_test_broker_stop        (HfTestBroker     *broker);

/* A client subscribed to "#" on @port, collecting every message on its
 * own thread (libmosquitto's). */
HfTestSubscriber *hf_test_subscriber_new     (guint16           port);
void              hf_test_subscriber_free    (HfTestSubscriber *sub);
/* Messages seen so far (a mark for the functions below). */
guint             hf_test_subscriber_count   (HfTestSubscriber *sub);
/* Messages from @since on whose topic starts with @prefix and whose
 * payload is @payload ("" for the empty one that clears a retained
 * message), or with @payload NULL, any payload but the empty one. */
guint             hf_test_subscriber_matches (HfTestSubscriber *sub,
                                              guint             since,
                                              const char       *prefix,
                                              const char       *payload);
/* Iterate the default main context until that count reaches @at_least;
 * FALSE after @timeout_ms. */
gboolean          hf_test_subscriber_wait    (HfTestSubscriber *sub,
                                              guint             since,
                                              const char       *prefix,
                                              const char       *payload,
                                              guint             at_least,
                                              guint             timeout_ms);

G_END_DECLS

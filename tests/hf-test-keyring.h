/* hf-test-keyring.h — a Secret Service of the test's own on the session bus
 * SPDX-License-Identifier: MIT
 *
 * Enough of org.freedesktop.Secret.Service for libsecret's password
 * lookup, store and clear ("plain" sessions, one unlocked collection), on
 * a bus name of its own that libsecret is pointed at through
 * SECRET_SERVICE_BUS_NAME (set before anything uses libsecret): no other
 * test, and no real keyring, sees it.  It can hold its answers to
 * searches, as a keyring waiting for the user to unlock it does.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HfTestKeyring HfTestKeyring;

/* Own @bus_name on its own connection to the session bus. */
HfTestKeyring *hf_test_keyring_new           (const char    *bus_name);
void           hf_test_keyring_free          (HfTestKeyring *self);

/* An item whose attributes are @attributes (key, value, …, NULL). */
void           hf_test_keyring_set           (HfTestKeyring *self,
                                              const char    *secret,
                                              ...) G_GNUC_NULL_TERMINATED;
/* The secret of the item with the attribute @key = @value, or NULL. */
const char    *hf_test_keyring_get           (HfTestKeyring *self,
                                              const char    *key,
                                              const char    *value);
/* Locked, every item is found among the locked ones and an unlock
 * unlocks nothing (its prompt dismissed), as a keyring whose user did not
 * type the password. */
void           hf_test_keyring_set_locked    (HfTestKeyring *self,
                                              gboolean       locked);
/* Empty again: no item, unlocked, no write counted. */
void           hf_test_keyring_clear         (HfTestKeyring *self);
/* Items created or replaced, and deleted, so far. */
guint          hf_test_keyring_get_n_writes  (HfTestKeyring *self);

/* While held, searches (every lookup starts with one) get no answer;
 * releasing answers them, in order. */
void           hf_test_keyring_hold          (HfTestKeyring *self);
void           hf_test_keyring_release       (HfTestKeyring *self);
guint          hf_test_keyring_get_n_held    (HfTestKeyring *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfTestKeyring, hf_test_keyring_free)

G_END_DECLS

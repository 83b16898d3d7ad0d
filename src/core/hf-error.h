/* hf-error.h — the one error domain of Hashfleet's core
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HF_ERROR (hf_error_quark ())

/**
 * HfError:
 * @HF_ERROR_CONNECT: nothing answered (closed unanswered, or a connect
 *   failure other than the two below); see hf_error_is_connect()
 * @HF_ERROR_TIMEOUT: a phase (connect, write, read) ran past its deadline
 * @HF_ERROR_TOO_LARGE: the reply passed the size cap
 * @HF_ERROR_PARSE: the reply is not valid JSON, even after the known clean-ups
 * @HF_ERROR_PROTOCOL: valid JSON of the wrong shape, or an HTTP error status
 * @HF_ERROR_NOT_A_MINER: something answered, but it is not a miner we know
 * @HF_ERROR_REJECTED: the miner answered with an error status (STATUS E/F)
 * @HF_ERROR_AUTH: the miner refused the credentials
 * @HF_ERROR_DAEMON_DOWN: the miner's API answered that its mining daemon is down
 * @HF_ERROR_UNSUPPORTED: the miner's family cannot do this
 * @HF_ERROR_INVALID: a bad argument from the user (address, option)
 * @HF_ERROR_STORE: the database could not be read or written
 * @HF_ERROR_STORE_TOO_NEW: the database was written by a newer Hashfleet
 * @HF_ERROR_STORE_BUSY: another program holds the database locked past the
 *   wait (a second Hashfleet, a backup tool); the file is left as it is
 * @HF_ERROR_STORE_CORRUPT: SQLite says the file is not a database or is
 *   damaged (only an open that may repair it moves it aside)
 * @HF_ERROR_REFUSED: nothing answered: the address refused the connection
 *   (a host that is up, with nothing on that port)
 * @HF_ERROR_UNREACHABLE: nothing answered: no route to the address, or no
 *   host there
 *
 * Expected failures of talking to miners.  They are states on the model, not
 * warnings: a dead miner is not a bug.
 */
typedef enum
{
  HF_ERROR_CONNECT,
  HF_ERROR_TIMEOUT,
  HF_ERROR_TOO_LARGE,
  HF_ERROR_PARSE,
  HF_ERROR_PROTOCOL,
  HF_ERROR_NOT_A_MINER,
  HF_ERROR_REJECTED,
  HF_ERROR_AUTH,
  HF_ERROR_DAEMON_DOWN,
  HF_ERROR_UNSUPPORTED,
  HF_ERROR_INVALID,
  HF_ERROR_STORE,
  HF_ERROR_STORE_TOO_NEW,
  HF_ERROR_STORE_BUSY,
  HF_ERROR_STORE_CORRUPT,
  HF_ERROR_REFUSED,
  HF_ERROR_UNREACHABLE,
} HfError;

GQuark hf_error_quark (void);

/* Nothing answered at all: HF_ERROR_CONNECT, _REFUSED or _UNREACHABLE. */
gboolean hf_error_is_connect  (const GError *error);

/* @peer could not be reached: @cause (a GIO error, its message in the
 * user's language) wrapped with the code that says why, so that what is
 * shown of it never depends on reading that message. */
GError  *hf_error_new_connect (const char   *peer,
                               const GError *cause);

G_END_DECLS

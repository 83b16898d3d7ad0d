/* hf-deadline.h — per-phase deadlines for one network operation
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HfDeadline:
 *
 * One operation's clock.  It owns a GCancellable that the operation's I/O
 * calls use; that cancellable fires when the caller's cancellable fires, or
 * when the current phase (connect, write, read…) runs past its time.  A
 * phase gets min(its own cap, time left before the operation's deadline).
 * hf_deadline_propagate() turns the resulting G_IO_ERROR_CANCELLED into
 * HF_ERROR_TIMEOUT naming the phase, when the timer — not the caller — fired.
 * The phase timers are timers of the default main context's socket mux
 * (hf-socket-mux.h): use a deadline on the thread that runs that context.
 */
typedef struct _HfDeadline HfDeadline;

HfDeadline   *hf_deadline_new             (GCancellable  *caller,
                                           gint64         deadline_us);
void          hf_deadline_free            (HfDeadline    *self);
GCancellable *hf_deadline_get_cancellable (HfDeadline    *self);
void          hf_deadline_begin           (HfDeadline    *self,
                                           const char    *phase,
                                           const char    *peer,
                                           guint          cap_ms);
void          hf_deadline_end             (HfDeadline    *self);
gboolean      hf_deadline_expired         (HfDeadline    *self);
/* Takes ownership of @error; returns the error to report. */
GError       *hf_deadline_propagate       (HfDeadline    *self,
                                           GError        *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfDeadline, hf_deadline_free)

G_END_DECLS

/* main.c — hashfleet, the desktop app
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "hf-application.h"
#include "hf-process.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HfApplication) app = NULL;

  hf_process_limit_arenas ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = hf_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

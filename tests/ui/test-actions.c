/* test-actions.c — the miner.* actions: enabled while the selection holds
 * a miner that can, acting on the selection a target belongs to (or the
 * target alone), only on the miners that can; one menu targeted per miner
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include <adwaita.h>

#include "hf-application.h"
#include "hf-miner-actions.h"
#include "hf-test-utils.h"

static const char *all_actions[] = {
  "details", "open-web", "copy-address", "settings", "identify", "pause", "resume", "restart",
  "remove", NULL
};

static HfMiner *
miner_with (const char     *address,
            const char     *hostname,
            HfFamily        family,
            HfCapabilities  capabilities)
{
  HfMiner *miner = hf_miner_new (address, family);

  hf_miner_set_hostname (miner, hostname);
  hf_miner_set_capabilities (miner, capabilities);
  return miner;
}

/* @miner answers, paused or hashing. */
static void
set_paused (HfMiner  *miner,
            gboolean  paused)
{
  g_autoptr(HfReading) r = hf_reading_new ();

  r->hashrate_ghs = paused ? 0 : 1000;
  r->paused = paused;
  hf_miner_set_reading (miner, r);
  hf_miner_set_online (miner, TRUE);
}

/* "restart,remove,…": the enabled actions, in all_actions' order. */
static char *
enabled (GActionGroup *group)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; all_actions[i] != NULL; i++)
    if (g_action_group_get_action_enabled (group, all_actions[i]))
      g_string_append_printf (out, "%s%s", out->len > 0 ? "," : "", all_actions[i]);
  return g_string_free (out, FALSE);
}

static void
assert_enabled (GActionGroup *group,
                const char   *expected)
{
  g_autofree char *got = enabled (group);

  g_assert_cmpstr (got, ==, expected);
}

typedef struct
{
  GListStore        *store;
  GtkMultiSelection *selection;
  HfApplication     *app;
  HfMinerActions    *actions;
  HfMiner           *generic;    /* can only restart */
  HfMiner           *axeos;
  HfMiner           *other;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->store = g_list_store_new (HF_TYPE_MINER);
  f->generic = miner_with ("127.0.0.21", "generic", HF_FAMILY_CGMINER, HF_CAP_RESTART);
  f->axeos = miner_with ("127.0.0.22", "axe", HF_FAMILY_AXEOS,
                         HF_CAP_RESTART | HF_CAP_IDENTIFY | HF_CAP_PAUSE | HF_CAP_FREQUENCY);
  f->other = miner_with ("127.0.0.23", "other", HF_FAMILY_AXEOS, HF_CAP_RESTART);
  /* Answering and hashing: it can be paused. */
  set_paused (f->axeos, FALSE);
  g_list_store_append (f->store, f->generic);
  g_list_store_append (f->store, f->axeos);
  g_list_store_append (f->store, f->other);
  f->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (f->store)));
  /* Not run: the actions only reach its session when they act. */
  f->app = hf_application_new ();
  f->actions = hf_miner_actions_new (NULL, f->app, GTK_SELECTION_MODEL (f->selection));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->actions);
  g_clear_object (&f->selection);
  g_clear_object (&f->store);
  g_clear_object (&f->app);
  /* Nothing follows the miners any more. */
  g_assert_false (g_signal_has_handler_pending (f->axeos, g_signal_lookup ("notify", G_TYPE_OBJECT),
                                                0, FALSE));
  g_assert_finalize_object (f->generic);
  g_assert_finalize_object (f->axeos);
  g_assert_finalize_object (f->other);
}

/* Enabled states follow the selected miners' capabilities, and change
 * with them. */
static void
test_enabled (Fixture       *f,
              gconstpointer  data)
{
  GActionGroup *group = G_ACTION_GROUP (f->actions);
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (f->selection);

  for (guint i = 0; all_actions[i] != NULL; i++)
    {
      const GVariantType *type = g_action_group_get_action_parameter_type (group, all_actions[i]);

      g_assert_nonnull (type);
      g_assert_true (g_variant_type_equal (type, G_VARIANT_TYPE_STRING));
    }

  /* Nothing selected: nothing to act on. */
  assert_enabled (group, "");

  /* A miner that can only restart. */
  gtk_selection_model_select_item (selection, 0, TRUE);
  assert_enabled (group, "details,open-web,copy-address,restart,remove");

  /* With an AxeOS miner: what either can; it hashes, so Pause, not Resume. */
  gtk_selection_model_select_item (selection, 1, FALSE);
  assert_enabled (group, "details,open-web,copy-address,settings,identify,pause,restart,remove");

  /* Paused: Resume, not Pause. */
  set_paused (f->axeos, TRUE);
  hf_miner_set_state (f->axeos, HF_STATE_PAUSED, g_get_real_time ());
  assert_enabled (group, "details,open-web,copy-address,settings,identify,resume,restart,remove");
  /* Not answering: neither (nothing says what it does). */
  hf_miner_set_online (f->axeos, FALSE);
  hf_miner_set_state (f->axeos, HF_STATE_OFFLINE, g_get_real_time ());
  assert_enabled (group, "details,open-web,copy-address,settings,identify,restart,remove");
  set_paused (f->axeos, FALSE);
  hf_miner_set_state (f->axeos, HF_STATE_HASHING, g_get_real_time ());
  assert_enabled (group, "details,open-web,copy-address,settings,identify,pause,restart,remove");

  /* Its firmware turns out to take no settings and no pausing. */
  hf_miner_set_capabilities (f->axeos, HF_CAP_RESTART | HF_CAP_IDENTIFY);
  assert_enabled (group, "details,open-web,copy-address,identify,restart,remove");

  /* It leaves the list (removed, or hidden by a search). */
  g_list_store_remove (f->store, 1);
  assert_enabled (group, "details,open-web,copy-address,restart,remove");
  /* What it can do no longer counts. */
  hf_miner_set_capabilities (f->axeos, HF_CAP_RESTART | HF_CAP_PAUSE);
  assert_enabled (group, "details,open-web,copy-address,restart,remove");

  /* A miner that can do nothing but be watched: not even restart. */
  hf_miner_set_capabilities (f->other, 0);
  gtk_selection_model_select_item (selection, 1, TRUE);
  assert_enabled (group, "details,open-web,copy-address,remove");

  gtk_selection_model_unselect_all (selection);
  assert_enabled (group, "");
}

/* A card showing its quick actions names its miner: the actions are then
 * enabled for what an action targeted at it acts on. */
static void
test_point (Fixture       *f,
            gconstpointer  data)
{
  GActionGroup *group = G_ACTION_GROUP (f->actions);
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (f->selection);

  g_assert_true (g_action_group_get_action_enabled (group, "point"));
  assert_enabled (group, "");

  /* Nothing selected, the pointer on the AxeOS miner's card. */
  g_action_group_activate_action (group, "point", g_variant_new_string ("127.0.0.22"));
  assert_enabled (group, "details,open-web,copy-address,settings,identify,pause,restart,remove");
  /* On the one that can only restart, while the AxeOS miner is selected:
   * the card's miner alone, as its buttons would act. */
  gtk_selection_model_select_item (selection, 1, TRUE);
  g_action_group_activate_action (group, "point", g_variant_new_string ("127.0.0.21"));
  assert_enabled (group, "details,open-web,copy-address,restart,remove");
  /* Both selected: the selection, as the menu does. */
  gtk_selection_model_select_item (selection, 0, FALSE);
  assert_enabled (group, "details,open-web,copy-address,settings,identify,pause,restart,remove");
  /* It pauses meanwhile: the buttons follow. */
  set_paused (f->axeos, TRUE);
  hf_miner_set_state (f->axeos, HF_STATE_PAUSED, g_get_real_time ());
  assert_enabled (group, "details,open-web,copy-address,settings,identify,resume,restart,remove");

  /* The pointer leaves: the selection again. */
  gtk_selection_model_unselect_all (selection);
  g_action_group_activate_action (group, "point", g_variant_new_string (""));
  assert_enabled (group, "");
}

static char *
addresses (GPtrArray *miners)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < miners->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "",
                            hf_miner_get_address (g_ptr_array_index (miners, i)));
  return g_string_free (out, FALSE);
}

static void
assert_miners (HfMinerActions *actions,
               const char     *target,
               const char     *expected)
{
  g_autoptr(GPtrArray) miners = hf_miner_actions_get_miners (actions, target);
  g_autofree char *got = addresses (miners);

  g_assert_cmpstr (got, ==, expected);
}

/* A target in the selection: the selection, that miner first.  Outside
 * it: that miner alone.  Unknown: nothing. */
static void
test_targets (Fixture       *f,
              gconstpointer  data)
{
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (f->selection);

  gtk_selection_model_select_item (selection, 0, TRUE);
  gtk_selection_model_select_item (selection, 1, FALSE);
  assert_miners (f->actions, "127.0.0.22", "127.0.0.22 127.0.0.21");
  assert_miners (f->actions, "127.0.0.21", "127.0.0.21 127.0.0.22");
  assert_miners (f->actions, "127.0.0.23", "127.0.0.23");
  assert_miners (f->actions, "127.0.0.99", "");
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w))
        return w;
    }
  return NULL;
}

/* An action acts only on the selected miners that can do it: Restart… on
 * a selection of two, one of which cannot restart, asks about one. */
static void
test_only_those_that_can (Fixture       *f,
                          gconstpointer  data)
{
  GtkSelectionModel *selection = GTK_SELECTION_MODEL (f->selection);
  GtkWindow *dialog;

  hf_miner_set_capabilities (f->generic, HF_CAP_IDENTIFY);
  gtk_selection_model_select_item (selection, 0, TRUE);
  gtk_selection_model_select_item (selection, 1, FALSE);
  g_action_group_activate_action (G_ACTION_GROUP (f->actions), "restart",
                                  g_variant_new_string ("127.0.0.21"));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Restart axe?");
  gtk_window_destroy (dialog);

  /* Both can remove. */
  g_action_group_activate_action (G_ACTION_GROUP (f->actions), "remove",
                                  g_variant_new_string ("127.0.0.22"));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Remove axe and generic?");
  gtk_window_destroy (dialog);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The window's one menu, every item (in every section) targeted at the
 * miner it opens on; labels and sections kept. */
static void
test_menu_for (void)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) first = g_menu_new ();
  g_autoptr(GMenu) second = g_menu_new ();
  g_autoptr(GMenuModel) targeted = NULL;
  g_autoptr(GMenuModel) section = NULL;
  g_autofree char *label = NULL;
  g_autofree char *action = NULL;
  g_autofree char *target = NULL;

  g_menu_append (first, "_Details", "miner.details");
  g_menu_append (second, "_Restart…", "miner.restart");
  g_menu_append (second, "Re_move…", "miner.remove");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (second));

  targeted = hf_miner_actions_menu_for (G_MENU_MODEL (menu), "127.0.0.22");
  g_assert_cmpint (g_menu_model_get_n_items (targeted), ==, 2);
  section = g_menu_model_get_item_link (targeted, 1, G_MENU_LINK_SECTION);
  g_assert_nonnull (section);
  g_assert_cmpint (g_menu_model_get_n_items (section), ==, 2);
  g_assert_true (g_menu_model_get_item_attribute (section, 1, G_MENU_ATTRIBUTE_LABEL, "s",
                                                  &label));
  g_assert_cmpstr (label, ==, "Re_move…");
  g_assert_true (g_menu_model_get_item_attribute (section, 1, G_MENU_ATTRIBUTE_ACTION, "s",
                                                  &action));
  g_assert_cmpstr (action, ==, "miner.remove");
  g_assert_true (g_menu_model_get_item_attribute (section, 1, G_MENU_ATTRIBUTE_TARGET, "s",
                                                  &target));
  g_assert_cmpstr (target, ==, "127.0.0.22");
  /* The menu it was made from is left as it is. */
  g_assert_false (g_menu_model_get_item_attribute (G_MENU_MODEL (second), 1,
                                                   G_MENU_ATTRIBUTE_TARGET, "s", NULL));
}

int
main (int   argc,
      char *argv[])
{
  hf_test_init_ui (&argc, &argv);
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

  g_test_add ("/ui/actions/enabled", Fixture, NULL, fixture_set_up, test_enabled,
              fixture_tear_down);
  g_test_add ("/ui/actions/point", Fixture, NULL, fixture_set_up, test_point,
              fixture_tear_down);
  g_test_add ("/ui/actions/targets", Fixture, NULL, fixture_set_up, test_targets,
              fixture_tear_down);
  g_test_add ("/ui/actions/only-those-that-can", Fixture, NULL, fixture_set_up,
              test_only_those_that_can, fixture_tear_down);
  g_test_add_func ("/ui/actions/menu-for", test_menu_for);
  return g_test_run ();
}

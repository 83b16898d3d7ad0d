/* test-process.c — what the process says of itself, and the memory it gives back
 * SPDX-License-Identifier: MIT
 */
#include "hf-process.h"
#include "hf-test-utils.h"

#if defined(__SANITIZE_ADDRESS__)
#define HF_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HF_OWN_ALLOCATOR 1
#endif
#endif

#define BLOCKS     40000
#define BLOCK_SIZE 1000

/* 40 MB in small blocks, then all but every hundredth freed: the ones
 * kept pin the heap's pages, so free() alone gives little back; the
 * release must return the free pages between them. */
static void
test_release_memory (void)
{
#ifdef HF_OWN_ALLOCATOR
  g_test_skip ("the sanitizer's allocator is not malloc's");
#else
  g_autofree char **blocks = g_new0 (char *, BLOCKS);
  gsize before, freed, released;

  hf_process_release_memory ();
  before = hf_process_rss_kib ();
  if (before == 0)
    {
      g_test_skip ("no /proc here");
      return;
    }
  for (guint i = 0; i < BLOCKS; i++)
    {
      blocks[i] = g_malloc (BLOCK_SIZE);
      memset (blocks[i], (int) (i & 0xff), BLOCK_SIZE);
    }
  for (guint i = 0; i < BLOCKS; i++)
    if (i % 100 != 99)
      g_clear_pointer (&blocks[i], g_free);
  freed = hf_process_rss_kib ();
  hf_process_release_memory ();
  released = hf_process_rss_kib ();
  g_test_message ("RSS %zu KiB before, %zu KiB after free(), %zu KiB after the release",
                  before, freed, released);

  /* free() kept most of the 40 MB; the release gave back at least 30 MB. */
  g_assert_cmpuint (freed, >, before + 30 * 1024);
  g_assert_cmpuint (released + 30 * 1024, <, freed);

  for (guint i = 0; i < BLOCKS; i++)
    g_free (blocks[i]);
#endif
}

static void
test_counts (void)
{
  g_autofree char *big = NULL;
  gsize heap = hf_process_heap_kib ();

#ifndef HF_OWN_ALLOCATOR
  /* malloc's count of the heap in use sees an 8 MB block (mmap'd). */
  big = g_malloc (8 * 1024 * 1024);
  memset (big, 1, 8 * 1024 * 1024);
  g_assert_cmpuint (hf_process_heap_kib (), >=, heap + 8 * 1024);
#else
  (void) heap;
#endif
  g_assert_cmpuint (hf_process_open_fds (), >=, 3);
  g_assert_cmpuint (hf_process_rss_kib (), >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/process/release-memory", test_release_memory);
  g_test_add_func ("/process/counts", test_counts);
  return g_test_run ();
}

#include "hf-test-utils.h"
int main (int argc, char *argv[]) { hf_test_init (&argc, &argv); return g_test_run (); }

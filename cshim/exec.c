/* `mydocker exec`: enter a running container's namespaces and run a command there.
 * (Filled in by the exec issue; the monitor is the foundation's part.) */
#include "shim.h"

int exec_main(int argc, char **argv) {
  (void)argc; (void)argv;
  die("exec is not implemented yet");
}

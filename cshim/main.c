/* mydocker-shim entry point: `mydocker-shim monitor|exec|init|rmtree …`. */
#include <string.h>
#include "shim.h"

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "monitor") == 0) return monitor_main(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "exec") == 0) return exec_main(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "init") == 0) return tini_main(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "rmtree") == 0) return rmtree_main(argc - 2, argv + 2);
  die("usage: mydocker-shim monitor|exec|init|rmtree ARGS (started by mydocker, not by hand)");
}

/* `--init`: a tiny init as the container's PID 1 (like tini / docker-init). A PID 1 that is an
 * ordinary program ignores signals it has no handler for and never reaps orphans; this one
 * forwards every signal to the command, reaps all zombies, and exits with the command's status.
 *
 *   mydocker-init -- COMMAND [ARG...]     (exec'd by `mydocker _init` from the sealed memfd) */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "shim.h"

int tini_main(int argc, char **argv) {
  if (argc >= 1 && strcmp(argv[0], "--") == 0) { argc--; argv++; }
  if (argc < 1) die("init: no command given");
  /* named before the fork: the command may read /proc/1/comm before this process runs again */
  prctl(PR_SET_NAME, "mydocker-init");
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t child = fork();
  if (child < 0) die("init: fork: %s", strerror(errno));
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    setpgid(0, 0);
    /* the command gets the terminal's foreground group when there is one */
    if (isatty(0)) { signal(SIGTTOU, SIG_IGN); tcsetpgrp(0, getpid()); signal(SIGTTOU, SIG_DFL); }
    execvp(argv[0], argv);
    int e = errno;
    dprintf(2, "mydocker-init: exec %s failed: %s\n", argv[0], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
  }
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&all, &si);
    if (sig < 0) { if (errno == EINTR) continue; die("init: sigwaitinfo: %s", strerror(errno)); }
    if (sig != SIGCHLD) {
      /* forward to the command's process group, as tini -g would: a shell's children hear it too */
      if (kill(-child, sig) < 0) kill(child, sig);
      continue;
    }
    int status;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
      if (p != child) continue;
      if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
      if (WIFSIGNALED(status)) _exit(128 + WTERMSIG(status));
    }
  }
}

/* `mydocker exec`: run a command inside a running container. The CLI (src/container/exec.ts)
 * decides everything — namespaces, cgroups, user, env, cwd, privileges — and hands it over on
 * argv and as open fds; this file only applies it, in the one order the kernel allows.
 *
 *   mydocker exec (Bun)            shim exec (this file)              child
 *   ───────────────────            ─────────────────────              ─────
 *   opens /proc/PID/ns/X, checks
 *   the pid is still the container
 *   spawn ───────────────────────▶ setsid; setns(pid ns) (children only)
 *                                  fork ────────────────────────────▶ write "0" to each cgroup.procs
 *                                                                     setns(each --ns, mnt last)
 *                                                                     -t: open /dev/pts/ptmx of the
 *                                                                     container, slave = ctty+stdio,
 *                                    ◀─────────── master (SCM_RIGHTS)
 *                                                                     chdir, bounding set, user,
 *                                                                     caps, no_new_privs, seccomp
 *                                    ◀─────────── errpipe: EOF = execve worked, or "STEP ERRNO DETAIL"
 *   ◀──── "pid HOSTPID"  |  "error STEP ERRNO DETAIL" (then exit 125)
 *   "resize ROWS COLS" (-t) ──────▶ TIOCSWINSZ on the master
 *                                  relays stdin → master → stdout (-t: typed input the master
 *                                  does not take at once waits while its output is still read);
 *                                  forwards INT TERM HUP QUIT USR1 USR2 to the child; exits with
 *                                  its status (128+N after signal N). -d: the CLI leaves after
 *                                  "pid"; the shim stays to hold the pty and reap the command.
 *
 * argv:  --pidns FD  --ns FD...  --cgroup PATH...  --cwd DIR  [--user UID GID GID,GID…|-]
 *        [--tty [--tty-size ROWS COLS] [--stdin]]  [--detach]  --control-fd N  [--env K=V]...
 *        [security, below]  -- COMMAND [ARG...]
 * COMMAND without a '/' is looked up in the PATH of the given env, inside the container.
 *
 * Security contract (filled by the security module through config.Runtime.security):
 *   --cap-bounding HEX --cap-effective HEX --cap-permitted HEX --cap-inheritable HEX
 *   --cap-ambient HEX   64-bit capability masks, all five or none. The bounding set is dropped
 *                       before the uid switch (dropping needs CAP_SETPCAP, which a non-root user
 *                       no longer has), the others are set after it (PR_SET_KEEPCAPS keeps
 *                       the permitted set across setresuid); ambient ones are raised last.
 *   --no-new-privs      PR_SET_NO_NEW_PRIVS after the capabilities.
 *   --seccomp-fd N      fd holding a raw struct sock_filter[] BPF program. With --no-new-privs it
 *                       is installed last before execve; without it the kernel demands
 *                       CAP_SYS_ADMIN to install a filter, so (like runc) it is installed before
 *                       the uid switch and the profile must allow setgroups, setresgid,
 *                       setresuid, capset, prctl and execve (Docker's default profile does).
 *   --seccomp-flags N   SECCOMP_FILTER_FLAG_* from the profile, passed to seccomp(2).
 *   --rlimit R:SOFT:HARD  the container's --ulimit values (-1 = unlimited), set while still root.
 * Without any of them the command keeps the privileges of the shim (root, every capability the
 * caller holds), minus what a uid switch drops by itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "shim.h"

#define MAX_NS 8
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC 4
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#define MAX_CGROUPS 16
#define MAX_GROUPS 256

/* kernel ABI, declared here: musl-gcc ships no linux/ headers */
struct cap_header { uint32_t version; int pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };
#define CAP_VERSION_3 0x20080522
struct sock_filter_insn { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sock_fprog_prog { unsigned short len; struct sock_filter_insn *filter; };
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_MODE_FILTER 2
#define BPF_MAXINSNS 4096

static struct {
  int pidns;
  int ns[MAX_NS], n_ns;
  const char *cgroups[MAX_CGROUPS];
  int n_cgroups;
  const char *cwd;
  int set_user;
  uid_t uid;
  gid_t gid, groups[MAX_GROUPS];
  int n_groups;
  int tty, want_stdin, detach;
  unsigned rows, cols;
  int control_fd;
  char **env;
  int n_env;
  char **argv;
  int have_caps;
  uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
  int no_new_privs;
  struct sock_fprog_prog seccomp;
  unsigned seccomp_flags;
  struct { int resource; struct rlimit lim; } rlimits[16];
  int n_rlimits;
} x;

static const int FORWARDED[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static uint64_t hex64(const char *v) {
  char *end;
  errno = 0;
  unsigned long n = strtoul(v, &end, 16); /* 64-bit on every target */
  if (errno || *end || end == v) die("exec: bad capability mask %s", v);
  return (uint64_t)n;
}

static int fd_arg(const char *v) {
  char *end;
  long n = strtol(v, &end, 10);
  if (*end || end == v || n < 0 || n > 65535) die("exec: bad fd %s", v);
  return (int)n;
}

/* The BPF program is read before fork, so a bad profile fails before anything happens. */
static void read_seccomp(int fd) {
  static struct sock_filter_insn prog[BPF_MAXINSNS + 1];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, (char *)prog + len, sizeof prog - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("exec: read seccomp program: %s", strerror(errno));
    if (n == 0) break;
    len += (size_t)n;
    if (len == sizeof prog) break;
  }
  close(fd);
  if (len == 0 || len % sizeof *prog || len / sizeof *prog > BPF_MAXINSNS)
    die("exec: a seccomp program of %d bytes is not a BPF program the kernel takes", (int)len);
  x.seccomp.len = (unsigned short)(len / sizeof *prog);
  x.seccomp.filter = prog;
}

/* env points into room for argc + 1 pointers (the caller's stack: no malloc in the shim). */
static void parse_args(int argc, char **argv, char **env) {
  x.pidns = x.control_fd = -1;
  x.env = env;
  int i = 0;
  for (; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (strcmp(a, name) == 0 && v && (++i, 1))
    if (strcmp(a, "--") == 0) { i++; break; }
    else if (OPT("--pidns")) x.pidns = fd_arg(v);
    else if (OPT("--ns")) { if (x.n_ns == MAX_NS) die("exec: too many --ns"); x.ns[x.n_ns++] = fd_arg(v); }
    else if (OPT("--cgroup")) { if (x.n_cgroups == MAX_CGROUPS) die("exec: too many --cgroup"); x.cgroups[x.n_cgroups++] = v; }
    else if (OPT("--cwd")) x.cwd = v;
    else if (OPT("--env")) x.env[x.n_env++] = (char *)v;
    else if (OPT("--control-fd")) x.control_fd = fd_arg(v);
    else if (strcmp(a, "--user") == 0 && i + 3 < argc) {
      x.set_user = 1;
      x.uid = (uid_t)strtoul(argv[i + 1], NULL, 10);
      x.gid = (gid_t)strtoul(argv[i + 2], NULL, 10);
      for (char *s = argv[i + 3], *end; *s && *s != '-' && x.n_groups < MAX_GROUPS; s = *end ? end + 1 : end) {
        x.groups[x.n_groups++] = (gid_t)strtoul(s, &end, 10);
        if (end == s) die("exec: bad group list %s", argv[i + 3]);
      }
      i += 3;
    }
    else if (strcmp(a, "--tty-size") == 0 && i + 2 < argc) {
      x.rows = (unsigned)strtoul(argv[i + 1], NULL, 10);
      x.cols = (unsigned)strtoul(argv[i + 2], NULL, 10);
      i += 2;
    }
    else if (strcmp(a, "--tty") == 0) x.tty = 1;
    else if (strcmp(a, "--stdin") == 0) x.want_stdin = 1;
    else if (strcmp(a, "--detach") == 0) x.detach = 1;
    else if (OPT("--cap-bounding")) { x.cap_bounding = hex64(v); x.have_caps |= 1; }
    else if (OPT("--cap-effective")) { x.cap_effective = hex64(v); x.have_caps |= 2; }
    else if (OPT("--cap-permitted")) { x.cap_permitted = hex64(v); x.have_caps |= 4; }
    else if (OPT("--cap-inheritable")) { x.cap_inheritable = hex64(v); x.have_caps |= 8; }
    else if (OPT("--cap-ambient")) { x.cap_ambient = hex64(v); x.have_caps |= 16; }
    else if (strcmp(a, "--no-new-privs") == 0) x.no_new_privs = 1;
    else if (OPT("--seccomp-fd")) read_seccomp(fd_arg(v));
    else if (OPT("--seccomp-flags")) x.seccomp_flags = (unsigned)strtoul(v, NULL, 10);
    else if (OPT("--rlimit")) {
      /* RESOURCE:SOFT:HARD, -1 = unlimited (the container's --ulimit values) */
      long long r, soft, hard;
      if (x.n_rlimits == 16 || sscanf(v, "%lld:%lld:%lld", &r, &soft, &hard) != 3) die("exec: bad --rlimit %s", v);
      x.rlimits[x.n_rlimits].resource = (int)r;
      x.rlimits[x.n_rlimits].lim.rlim_cur = soft < 0 ? RLIM_INFINITY : (rlim_t)soft;
      x.rlimits[x.n_rlimits].lim.rlim_max = hard < 0 ? RLIM_INFINITY : (rlim_t)hard;
      x.n_rlimits++;
    }
    else die("exec: unknown argument %s", a);
#undef OPT
  }
  if (x.have_caps && x.have_caps != 31) die("exec: give all five --cap-* masks or none");
  if (x.pidns < 0 || x.control_fd < 0 || !x.cwd || i >= argc) die("exec: --pidns, --control-fd, --cwd and a command are required");
  x.argv = argv + i;
  x.env[x.n_env] = NULL;
}

/* ---- in the child ---- */

static int errpipe = -1;

/* Tells the parent which step failed and exits; the CLI turns it into Docker's wording. */
static void __attribute__((noreturn)) fail(const char *step, int err, const char *detail) {
  char buf[4400];
  int n = snprintf(buf, sizeof buf, "%s %d %s", step, err, detail ? detail : "");
  if (n > (int)sizeof buf - 1) n = (int)sizeof buf - 1;
  for (int i = 0; i < n; i++) if (buf[i] == '\n') buf[i] = ' ';
  write_all(errpipe, buf, (size_t)n);
  _exit(125);
}

/* The pty comes from the container's own devpts (mounted by init with newinstance), like a
 * `run -t`: the process sees /dev/pts/N of its container, never a host pty. */
static void setup_tty(int console) {
  int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
  if (master < 0) fail("pty", errno, "/dev/pts/ptmx");
  struct stat st;
  if (fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
    fail("pty", ENODEV, "/dev/pts/ptmx is not the pty multiplexer");
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail("pty", errno, "unlock");
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) fail("pty", errno, "open slave");
  set_winsize(slave, x.rows, x.cols);
  if (send_fds(console, &master, 1, "m", 1) < 0) fail("pty", errno, "send master");
  close(master);
  close(console);
  if (ioctl(slave, TIOCSCTTY, 0) < 0) fail("pty", errno, "set controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) fail("pty", errno, "dup2");
  if (slave > 2) close(slave);
}

static void drop_bounding_set(void) {
  for (int cap = 0; cap < 64; cap++) {
    if (x.cap_bounding & (1ULL << cap)) continue;
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) break; /* past the kernel's last capability */
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) fail("capabilities", errno, "drop from bounding set");
  }
}

static void set_capabilities(void) {
  struct cap_header h = {CAP_VERSION_3, 0};
  struct cap_data d[2] = {
    {(uint32_t)x.cap_effective, (uint32_t)x.cap_permitted, (uint32_t)x.cap_inheritable},
    {(uint32_t)(x.cap_effective >> 32), (uint32_t)(x.cap_permitted >> 32), (uint32_t)(x.cap_inheritable >> 32)},
  };
  if (syscall(SYS_capset, &h, d) < 0) fail("capabilities", errno, "capset");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    fail("capabilities", errno, "clear ambient");
  for (int cap = 0; cap < 64; cap++)
    if ((x.cap_ambient & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      fail("capabilities", errno, "raise ambient");
}

static void install_seccomp(void) {
  if (!x.seccomp.filter) return;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, x.seccomp_flags, &x.seccomp) < 0 &&
      (x.seccomp_flags || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &x.seccomp, 0, 0) < 0))
    fail("seccomp", errno, "install filter");
}

/* execvpe over the given env's PATH, which lives in the container's filesystem. */
static void __attribute__((noreturn)) exec_command(void) {
  const char *cmd = x.argv[0];
  if (strchr(cmd, '/')) {
    execve(cmd, x.argv, x.env);
    int e = errno;
    struct stat st;
    if (e == EACCES && stat(cmd, &st) == 0 && S_ISDIR(st.st_mode)) fail("exec", EISDIR, cmd);
    fail("exec", e, cmd);
  }
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (int i = 0; i < x.n_env; i++) if (strncmp(x.env[i], "PATH=", 5) == 0) path = x.env[i] + 5;
  int denied = 0;
  char full[4096];
  for (const char *p = path;; p++) {
    const char *end = strchrnul(p, ':');
    int len = (int)(end - p);
    snprintf(full, sizeof full, "%.*s/%s", len, len ? p : ".", cmd);
    execve(full, x.argv, x.env);
    if (errno == EACCES) denied = 1;
    else if (errno != ENOENT && errno != ENOTDIR) fail("exec", errno, cmd);
    if (!*end) break;
    p = end;
  }
  fail(denied ? "exec" : "lookup", denied ? EACCES : ENOENT, cmd);
}

static void __attribute__((noreturn)) child_main(int console) {
  sigset_t none;
  sigemptyset(&none);
  for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
  sigprocmask(SIG_SETMASK, &none, NULL);

  for (int i = 0; i < x.n_cgroups; i++) {
    int fd = open(x.cgroups[i], O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) fail("cgroup", errno, x.cgroups[i]);
    close(fd);
  }
  for (int i = 0; i < x.n_ns; i++)
    if (setns(x.ns[i], 0) < 0) fail("setns", errno, "");
  /* nothing the CLI handed the shim (namespace fds, the shim's own memfd) reaches the command */
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (int fd = 3; fd < 1024; fd++) if (fd != console && fd != errpipe) set_cloexec(fd, 1);
  /* its own session, as the container's first process has: a terminal's signals reach it only
   * through its own pty (-t) or the CLI's signal forwarding */
  setsid();
  if (x.tty) setup_tty(console);
  if (chdir(x.cwd) < 0) fail("chdir", errno, x.cwd);

  /* the container's --ulimit values, while still root (lowering a hard limit is for good) */
  for (int i = 0; i < x.n_rlimits; i++)
    if (setrlimit(x.rlimits[i].resource, &x.rlimits[i].lim) < 0) fail("rlimit", errno, "");
  if (x.have_caps) drop_bounding_set();
  if (!x.no_new_privs) install_seccomp();
  if (x.set_user) {
    /* a tty the user cannot write would be useless (runc's fixStdioPermissions) */
    if (x.tty) fchown(0, x.uid, x.gid);
    if (setgroups((size_t)x.n_groups, x.groups) < 0) fail("user", errno, "setgroups");
    if (x.have_caps) prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    if (setresgid(x.gid, x.gid, x.gid) < 0) fail("user", errno, "setresgid");
    if (setresuid(x.uid, x.uid, x.uid) < 0) fail("user", errno, "setresuid");
    if (x.have_caps) prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  }
  if (x.have_caps) set_capabilities();
  if (x.no_new_privs) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("no_new_privs", errno, "");
    install_seccomp();
  }
  exec_command();
}

/* ---- in the parent ---- */

static void on_control(const char *line, void *master) {
  resize_line(*(int *)master, line);
}

/* Waits for the child, relaying the pty (-t) and forwarding signals; returns its status.
 * Typed input the master does not take at once waits in a queue (stdin is not read meanwhile)
 * while the master's output is still read: a container that writes before it reads more input
 * (`cat` fed a paste) never blocks the relay. */
static int supervise(pid_t child, int sigfd, int master) {
  static struct outq typed;
  static struct line_reader ctl_lines;
  char buf[OUTQ_SIZE];
  int in = x.tty && x.want_stdin ? 0 : -1;
  int status = 0, exited = 0;
  long long drain_until = 0;
  if (master >= 0) set_nonblock(master);
  while (!exited || master >= 0) {
    struct pollfd p[4];
    int np = 0, i_ctl = -1, i_in = -1, i_m = -1;
    p[np++] = (struct pollfd){sigfd, POLLIN, 0};
    if (master >= 0) { i_m = np; p[np++] = (struct pollfd){master, POLLIN | (typed.len ? POLLOUT : 0), 0}; }
    if (!exited && x.control_fd >= 0) { i_ctl = np; p[np++] = (struct pollfd){x.control_fd, POLLIN, 0}; }
    if (!exited && in >= 0 && master >= 0 && !typed.len) { i_in = np; p[np++] = (struct pollfd){in, POLLIN, 0}; }
    int timeout = -1;
    if (exited) {
      /* output still buffered in the pty is copied out; a background job that keeps the slave
       * open does not hold the exec */
      long long left = drain_until - now_ms();
      if (left <= 0) break;
      timeout = left > 100 ? 100 : (int)left;
    }
    int n = poll(p, (nfds_t)np, timeout);
    if (n < 0 && errno != EINTR) die("exec: poll: %s", strerror(errno));
    if (n == 0 && exited) break;
    if (n <= 0) continue;
    if (p[0].revents) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) == sizeof si)
        if (si.ssi_signo != SIGCHLD) kill(child, (int)si.ssi_signo);
      int st;
      if (!exited && waitpid(child, &st, WNOHANG) == child) {
        exited = 1;
        status = st;
        drain_until = now_ms() + 2000;
      }
    }
    if (i_m >= 0 && (p[i_m].revents & POLLOUT)) outq_flush(&typed, master); /* failed: dropped */
    if (i_m >= 0 && (p[i_m].revents & ~POLLOUT)) {
      ssize_t r = read(master, buf, sizeof buf);
      if (r > 0) { if (write_all(1, buf, (size_t)r) < 0) { /* the user's terminal is gone */ } }
      else if (r == 0 || (errno != EINTR && errno != EAGAIN)) { close(master); master = -1; }
    }
    if (i_in >= 0 && p[i_in].revents) {
      ssize_t r = read(in, buf, sizeof buf);
      if (r > 0 && master >= 0) {
        outq_push(&typed, buf, (size_t)r); /* fits: the queue is empty, buf its size */
        outq_flush(&typed, master);
      } else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) in = -1;
    }
    if (i_ctl >= 0 && p[i_ctl].revents && !read_lines(x.control_fd, &ctl_lines, on_control, &master)) {
      close(x.control_fd);
      x.control_fd = -1;
    }
  }
  if (master >= 0) close(master);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int exec_main(int argc, char **argv) {
  char *env[argc + 1];
  parse_args(argc, argv, env);
  signal(SIGPIPE, SIG_IGN);
  setsid(); /* out of the CLI's process group: Ctrl-C reaches the command once, via the CLI */
  set_cloexec(x.control_fd, 1);

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  for (size_t i = 0; i < sizeof FORWARDED / sizeof *FORWARDED; i++) sigaddset(&mask, FORWARDED[i]);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) die("exec: signalfd: %s", strerror(errno));

  int err_p[2], console[2] = {-1, -1};
  if (pipe2(err_p, O_CLOEXEC) < 0) die("exec: pipe: %s", strerror(errno));
  if (x.tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0) die("exec: socketpair: %s", strerror(errno));
  /* pid namespaces apply to children: the shim itself stays in the host's */
  if (setns(x.pidns, CLONE_NEWPID) < 0) {
    char line[128];
    snprintf(line, sizeof line, "error setns %d pid\n", errno);
    send_line(&x.control_fd, line);
    return 125;
  }
  pid_t child = fork();
  if (child < 0) die("exec: fork: %s", strerror(errno));
  if (child == 0) {
    errpipe = err_p[1];
    close(err_p[0]);
    if (console[0] >= 0) close(console[0]);
    child_main(console[1]);
  }
  close(err_p[1]);
  if (console[1] >= 0) close(console[1]);
  for (int i = 0; i < x.n_ns; i++) close(x.ns[i]);
  close(x.pidns);

  int master = -1;
  if (console[0] >= 0) {
    int nfds = 1;
    char b[4];
    if (recv_fds(console[0], &master, &nfds, b, sizeof b) <= 0 || nfds != 1) master = -1;
    close(console[0]);
  }
  char msg[4400], line[4500];
  size_t got = 0;
  ssize_t n;
  while ((n = read(err_p[0], msg + got, sizeof msg - 1 - got)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) got += (size_t)n;
  close(err_p[0]);
  if (got > 0) {
    msg[got] = 0;
    snprintf(line, sizeof line, "error %s\n", msg);
    send_line(&x.control_fd, line);
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
    return 125;
  }
  snprintf(line, sizeof line, "pid %d\n", (int)child);
  send_line(&x.control_fd, line);
  if (x.detach) {
    /* -d: the CLI returns now; the shim stays (in its own session, stdio on /dev/null) to hold
     * a pty master open and to reap the command, so it never lingers as a zombie */
    if (x.control_fd >= 0) close(x.control_fd);
    x.control_fd = -1;
  }
  return supervise(child, sigfd, master);
}

/* The per-container monitor (one per running container, like conmon).
 *
 *   mydocker run (Bun)                 monitor (this file)                container
 *   ─────────────────                  ───────────────────                ─────────
 *   spawn shim (own session) ─────────▶ no fork: already detached
 *                                      listen on DIR/attach.sock (attach.c)
 *                                      clone(CLONE_NEW*) ───────────────▶ exec `mydocker _init ID`
 *   (run: spawned before the record is written, see early-start.ts)
 *   "config" on the sync fd once the record is complete ─────────────────▶ (Bun boots, then waits)
 *   cgroups made (while init boots); "cgroups" on the sync fd ───────────▶ (Bun: mounts, pivot_root…)
 *   ◀──────────── "pid PID MONITORPID" (control fd)
 *                                      -t: ◀──── pty master (console socket, fd 4 of init) ──
 *   early cgroups, network into /proc/PID/ns/net
 *   "go [ROWS COLS]" on the sync fd ──────────────────────────────────────▶ execve(user command)
 *   ◀───────────────────────────────────────────── sync fd EOF = started, or {"message":…} = failed
 *                                      relays stdout/stderr, or the pty master (-t), → json log
 *                                      and attached clients; client input → master / stdin pipe
 *                                      (attach.c: a slow `attach` client is let go; while this
 *                                      CLI is slow to take its output, the container waits)
 *   "resize ROWS COLS" (-t) ──────────▶ TIOCSWINSZ on the master
 *   ◀──────────── "detached" (-it: the user typed the detach keys; the container runs on)
 *                                      waitpid → exit.json (code, signal, OOM, time)
 *   ◀──────────── "exit CODE SIG OOM RESTARTING"  (also to every `attach` client)
 *   cleanup in-process, "done" ───────▶ (no "done": runs `mydocker _cleanup ID` itself)
 *   (--rm: "done trash" ──────────────▶ removes the renamed directory, then exits)
 *
 * stdin of the container: the CLI's own (run -i, passed through untouched), a pipe the monitor
 * holds for `attach` (run -d -i: --stdin-pipe), or the pty slave (-t, set up by init).
 * On a restart policy the monitor starts the container again itself, running
 * `mydocker _prestart ID PID` (cgroup/network/state for the new pid; the cgroups are still
 * there) in place of the CLI, saying "config", "cgroups" and "go" itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "shim.h"

#define MAX_JOIN 8
#define MAX_HOLD 1024

struct monitor_opts {
  const char *exe, *root, *id, *dir, *oom_file, *restart, *detach_keys;
  long clone_flags;
  int restart_max;
  int attach;
  int tty;          /* the container gets a pty; init sends its master over the console socket */
  int stdin_pipe;   /* a detached -i container: stdin is a pipe that attach clients write to */
  int control_fd, sync_fd;
  int join_fds[MAX_JOIN];
  int join_count;
  int hold_fds[MAX_HOLD]; /* published-port sockets: held while the container runs */
  int hold_count;
  struct log_writer log;
};

static struct monitor_opts o;
static struct hub hub;
static int sigfd = -1;
static int stop_requested; /* SIGTERM to the monitor: do not restart again */

static void parse_args(int argc, char **argv) {
  memset(&o, 0, sizeof o);
  o.control_fd = o.sync_fd = -1;
  o.restart = "no";
  o.log.fd = -1;
  o.log.max_files = 1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (strcmp(a, name) == 0 && v && (++i, 1))
    if (OPT("--exe")) o.exe = v;
    else if (OPT("--root")) o.root = v;
    else if (OPT("--id")) o.id = v;
    else if (OPT("--dir")) o.dir = v;
    else if (OPT("--clone-flags")) o.clone_flags = strtol(v, NULL, 0);
    else if (OPT("--join-ns")) {
      if (o.join_count == MAX_JOIN) die("too many --join-ns");
      int fd = open(v, O_RDONLY | O_CLOEXEC);
      if (fd < 0) die("open namespace %s: %s", v, strerror(errno));
      o.join_fds[o.join_count++] = fd;
    }
    else if (OPT("--hold-fd")) {
      if (o.hold_count == MAX_HOLD) die("too many --hold-fd");
      o.hold_fds[o.hold_count++] = atoi(v);
    }
    else if (OPT("--log")) snprintf(o.log.path, sizeof o.log.path, "%s", v);
    else if (OPT("--log-max-size")) o.log.max_size = atoll(v);
    else if (OPT("--log-max-files")) o.log.max_files = atoi(v);
    else if (OPT("--restart")) o.restart = v;
    else if (OPT("--restart-max")) o.restart_max = atoi(v);
    else if (OPT("--control-fd")) o.control_fd = atoi(v);
    else if (OPT("--sync-fd")) o.sync_fd = atoi(v);
    else if (OPT("--detach-keys")) o.detach_keys = v;
    else if (strcmp(a, "--attach") == 0) o.attach = 1;
    else if (strcmp(a, "--tty") == 0) o.tty = 1;
    else if (strcmp(a, "--stdin-pipe") == 0) o.stdin_pipe = 1;
    else die("monitor: unknown argument %s", a);
#undef OPT
  }
  if (!o.exe || !o.root || !o.id || !o.dir) die("monitor: --exe, --root, --id and --dir are required");
}

/* The container is gone for good: its published ports become free before anyone is told. */
static void release_held(void) {
  for (int i = 0; i < o.hold_count; i++) close(o.hold_fds[i]);
  o.hold_count = 0;
}

/* CVE-2019-5736 class: the container's first process runs the mydocker binary until it execs
 * the user's command, and a command that is /proc/self/exe runs it again inside the container,
 * where another container process could reopen /proc/PID/exe for writing and overwrite the
 * host's binary. So mydocker is exec'd through a read-only bind mount of itself, private to the
 * container's new mount namespace: every open for writing through /proc/PID/exe fails with
 * EROFS, also after pivot_root detaches the mount (a detached mount cannot be remounted). */
static void protect_exe(void) {
  if (!(o.clone_flags & CLONE_NEWNS)) return;
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount(o.exe, o.exe, NULL, MS_BIND, NULL) < 0 ||
      mount(NULL, o.exe, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) {
    dprintf(3, "{\"message\":\"read-only bind mount of %s: %s\",\"exitCode\":125}", o.exe, strerror(errno));
    _exit(125);
  }
}

/* In the cloned child: become the container's first process and exec `mydocker _init ID`. */
static void __attribute__((noreturn)) child_exec_init(int sync_child, int in_r, int out_w, int err_w, int console) {
  /* In a new pid namespace getppid() is 0, so a parent that died before this line cannot be
   * detected here; the monitor kills the child itself if it fails before "go". */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  for (int i = 0; i < o.join_count; i++) {
    if (setns(o.join_fds[i], 0) < 0) {
      dprintf(sync_child, "{\"message\":\"setns: %s\",\"exitCode\":125}", strerror(errno));
      _exit(125);
    }
  }
  setsid();
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  /* fd layout of init: 0 stdin (the monitor's own, a stdin pipe, or /dev/null under a tty), 1/2
   * the log pipes, 3 the sync socket, 4 the console socket (-t: init sends the pty master on it).
   * Lift the sources above 100 first so no dup2 clobbers a source that sits on a target. */
  int s = fcntl(sync_child, F_DUPFD, 100), ow = fcntl(out_w, F_DUPFD, 100), ew = fcntl(err_w, F_DUPFD, 100);
  int ir = in_r >= 0 ? fcntl(in_r, F_DUPFD, 100) : 0, cs = console >= 0 ? fcntl(console, F_DUPFD, 100) : 0;
  if (s < 0 || ow < 0 || ew < 0 || ir < 0 || cs < 0) _exit(125);
  if (in_r >= 0) dup2(ir, 0);
  dup2(ow, 1);
  dup2(ew, 2);
  dup2(s, 3);
  if (console >= 0) dup2(cs, 4);
  close_fds_from(console >= 0 ? 5 : 4);
  protect_exe();
  char *argv[] = {(char *)o.exe, "--root", (char *)o.root, "_init", (char *)o.id, NULL};
  /* init needs nothing from the host's environment (the container's comes from its config), but
   * Bun's allocator reads one option: with it, mimalloc advises its arena for transparent huge
   * pages, and init starts with ~1100 fewer page faults (~8 ms on a VM; see src/sys/memory.ts). */
  char *envp[] = {"MIMALLOC_ALLOW_THP=1", NULL};
  execve(o.exe, argv, envp);
  dprintf(3, "{\"message\":\"exec %s: %s\",\"exitCode\":125}", o.exe, strerror(errno));
  _exit(125);
}

/* The file the kernel counts the container's OOM kills in, as the CLI wrote it to DIR/oom-file
 * (cgroup-module.ts's prepare). Read when needed, not passed at the spawn: `run` starts this
 * monitor before it works the cgroup out (src/container/early-start.ts). NULL while unknown,
 * or without one (no memory controller); cached once read. */
static const char *oom_file(void) {
  static char from_dir[4096];
  if (o.oom_file) return o.oom_file;
  char path[4200];
  snprintf(path, sizeof path, "%s/oom-file", o.dir);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  ssize_t n = read(fd, from_dir, sizeof from_dir - 1);
  close(fd);
  if (n <= 0) return NULL;
  from_dir[n] = 0;
  return o.oom_file = from_dir;
}

struct run_result {
  int exit_code, signal, oom;
  char error[1024];
  long long ran_ms;
};

/* One output of the container: a log pipe, or the pty master (which is also its input). */
struct stream { int fd; int number; struct line_buffer lb; };

/* The streams live in static storage and are set up field by field: zero-filling a 16 kB line
 * buffer would make all of its pages resident in every monitor (RSS is a product figure). */
static struct stream s_out, s_err, s_tty;

static struct stream *stream_init(struct stream *s, int fd, int number, const char *name) {
  s->fd = fd;
  s->number = number;
  s->lb.stream = name;
  s->lb.len = 0;
  return s;
}

/* noinline: its 16 kB buffer gets one stack frame, not one per inlined call site (RSS) */
static void __attribute__((noinline)) stream_read(struct stream *s) {
  char buf[16384];
  ssize_t n = read(s->fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) { /* EOF, or EIO from a master whose slave side is all closed */
    log_flush(&o.log, &s->lb);
    if (s->fd == hub.master) hub.master = hub.input = -1;
    close(s->fd);
    s->fd = -1;
    return;
  }
  log_feed(&o.log, &s->lb, buf, (size_t)n);
  hub_output(&hub, s->number, buf, (size_t)n);
}

/* The CLI that started the container went away or detached: stop writing to its terminal,
 * keep logging. */
static void detach_cli(void) {
  if (o.control_fd >= 0) close(o.control_fd);
  o.control_fd = -1;
  hub_drop(&hub, 0);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0) {
    if (o.tty) dup2(devnull, 0); /* a tty container's monitor kept the user's terminal as stdin */
    dup2(devnull, 1);
    dup2(devnull, 2);
    close(devnull);
  }
}

static void on_control(const char *line, void *done) {
  if (strcmp(line, "done") == 0) *(int *)done = 1;
  else if (strcmp(line, "done trash") == 0) *(int *)done = 2;
  else resize_line(hub.master, line);
}

/* `run --rm`: the CLI renamed the container's directory to ROOT/containers/.trash-ID (so it is
 * gone for every other command) and left its removal to us: on these disks unlinking a dozen
 * freshly written files costs ~5 ms, which the CLI's exit no longer waits for. Depth first,
 * never following a symlink nor crossing into another mount. */
static void remove_trash(void) {
  const char *slash = strrchr(o.dir, '/');
  if (!slash) return;
  char trash[4200];
  snprintf(trash, sizeof trash, "%.*s/.trash-%s", (int)(slash - o.dir), o.dir, o.id);
  remove_tree(trash);
}

/* Reads control lines from the CLI ("resize ROWS COLS", "done", "done trash"); returns 1 after
 * "done", 2 after "done trash". */
static int control_read(void) {
  static struct line_reader lines;
  int done = 0;
  if (!read_lines(o.control_fd, &lines, on_control, &done)) detach_cli();
  return done;
}

/* Starts the container once and relays its output until it exits. */
static void run_once(int first, struct run_result *r) {
  memset(r, 0, sizeof *r);
  pid_t self = getpid();
  int out_p[2], err_p[2], sync_p[2] = {-1, -1};
  if (pipe2(out_p, O_CLOEXEC) < 0 || pipe2(err_p, O_CLOEXEC) < 0) die("pipe: %s", strerror(errno));
  int sync_child, sync_parent = -1;
  if (first && o.sync_fd >= 0) {
    sync_child = o.sync_fd;  /* the CLI holds the other end and says "go" itself */
  } else {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync_p) < 0) die("socketpair: %s", strerror(errno));
    sync_parent = sync_p[0];
    sync_child = sync_p[1];
  }
  /* stdin of the container: the monitor's own (attached -i), a pipe that attach clients write
   * to (detached -i), or /dev/null under a tty (init puts the pty slave there) */
  int in_p[2] = {-1, -1}, console[2] = {-1, -1};
  if (o.tty) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0) die("socketpair: %s", strerror(errno));
    in_p[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  } else if (o.stdin_pipe) {
    if (pipe2(in_p, O_CLOEXEC) < 0) die("pipe: %s", strerror(errno));
  }
  /* the first start's cgroup is made by the CLI while init boots: not there yet (an early start
   * does not even know its path yet), and new */
  const char *oomf = oom_file();
  long long oom_before = oomf ? read_counter(oomf, "oom_kill") : -1;
  if (oom_before < 0 && first) oom_before = 0;

  pid_t child = (pid_t)syscall(SYS_clone, o.clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (child < 0) {
    snprintf(r->error, sizeof r->error, "clone: %s", strerror(errno));
    char line[1200];
    snprintf(line, sizeof line, "error %s\n", r->error);
    send_line(&o.control_fd, line);
    r->exit_code = 125;
    close(out_p[0]); close(out_p[1]); close(err_p[0]); close(err_p[1]);
    if (sync_parent >= 0) { close(sync_parent); close(sync_child); }
    for (int i = 0; i < 2; i++) {
      if (in_p[i] >= 0) close(in_p[i]);
      if (console[i] >= 0) close(console[i]);
    }
    return;
  }
  if (child == 0) child_exec_init(sync_child, in_p[0], out_p[1], err_p[1], console[1]);

  long long started = now_ms();
  close(out_p[1]);
  close(err_p[1]);
  close(sync_child);
  if (in_p[0] >= 0) close(in_p[0]);
  if (console[1] >= 0) close(console[1]);
  if (first && o.sync_fd >= 0) o.sync_fd = -1;
  if (!o.tty && !o.stdin_pipe) {
    /* the container holds stdin now; the monitor must not keep a pipe's read end alive */
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull >= 0) { dup2(devnull, 0); close(devnull); }
  }
  if (in_p[1] >= 0) {
    set_nonblock(in_p[1]);
    hub.input = in_p[1];
  }

  char line[128];
  snprintf(line, sizeof line, "pid %d %d\n", (int)child, (int)self);
  send_line(&o.control_fd, line);

  struct stream *tty = stream_init(&s_tty, -1, 1, "stdout");
  if (console[0] >= 0) {
    /* init opens the pty in the container's own devpts and sends the master back; EOF means it
     * failed before that and reports why on the sync socket */
    int fds[1], nfds = 1;
    char b[8];
    if (recv_fds(console[0], fds, &nfds, b, sizeof b) > 0 && nfds == 1) {
      tty->fd = hub.master = hub.input = fds[0];
      hub.tty = 1;
      set_nonblock(tty->fd);
    }
    close(console[0]);
  }

  if (sync_parent >= 0) {
    /* a restart: the record and the cgroups are there; init builds the container while the helper
     * places the new pid (network, state), then we say go */
    write_all(sync_parent, "config\n", 7);
    char pidstr[16];
    snprintf(pidstr, sizeof pidstr, "%d", (int)child);
    char *argv[] = {(char *)o.exe, "--root", (char *)o.root, "_prestart", (char *)o.id, pidstr, NULL};
    int rc = wait_helper(run_helper(argv));
    if (rc != 0) {
      snprintf(r->error, sizeof r->error, "prestart helper exited %d", rc);
      kill(child, SIGKILL);
    } else {
      write_all(sync_parent, "cgroups\ngo\n", 11);
      char buf[1024];
      ssize_t n;
      size_t got = 0;
      while ((n = read(sync_parent, buf + got, sizeof buf - 1 - got)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) got += (size_t)n;
      buf[got] = 0;
      if (got > 0) snprintf(r->error, sizeof r->error, "%s", buf);
    }
    close(sync_parent);
  }

  struct stream *out = stream_init(&s_out, out_p[0], 1, "stdout");
  struct stream *err = stream_init(&s_err, err_p[0], 2, "stderr");
  set_nonblock(out->fd);
  set_nonblock(err->fd);

  int exited = 0, status = 0;
  long long drain_deadline = 0;
  struct stream *streams[] = {out, err, tty};
  while (!exited || out->fd >= 0 || err->fd >= 0 || tty->fd >= 0 || hub_backlog(&hub)) {
    enum { T_OUT, T_ERR, T_TTY, T_SIG, T_CTL };
    struct pollfd p[5 + HUB_POLLFDS];
    int tag[5 + HUB_POLLFDS], np = 0;
    /* client 0 has not taken the last output yet: the container's next output waits in its pipe */
    int held = hub_backlog(&hub) == 2;
    for (int s = T_OUT; s <= T_TTY; s++)
      if (streams[s]->fd >= 0 && !held) { tag[np] = s; p[np++] = (struct pollfd){streams[s]->fd, POLLIN, 0}; }
    tag[np] = T_SIG; p[np++] = (struct pollfd){sigfd, POLLIN, 0};
    if (o.control_fd >= 0) { tag[np] = T_CTL; p[np++] = (struct pollfd){o.control_fd, POLLIN, 0}; }
    np = hub_pollfds(&hub, p, tag, np, !exited);
    int timeout = -1;
    if (exited) {
      if (held) drain_deadline = now_ms() + 2000; /* its reader is slow, not gone */
      long long left = drain_deadline - now_ms();
      if (left <= 0) break; /* something outside the container holds the pipe: stop waiting */
      timeout = (int)left;
    }
    int n = poll(p, (nfds_t)np, timeout);
    if (n < 0 && errno != EINTR) die("poll: %s", strerror(errno));
    if (n <= 0) continue;
    for (int i = 0; i < np; i++) {
      if (!p[i].revents || tag[i] == T_SIG) continue;
      if (tag[i] <= T_TTY) {
        if (streams[tag[i]]->fd >= 0 && hub_backlog(&hub) != 2) stream_read(streams[tag[i]]);
      }
      else if (tag[i] == T_CTL) { if (o.control_fd >= 0) control_read(); }
      else if (hub_handle(&hub, tag[i]) == 0) detach_cli(); /* client 0 typed the detach keys */
    }
    for (int i = 0; i < np; i++) if (tag[i] == T_SIG && p[i].revents) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGTERM) stop_requested = 1;
      }
      pid_t w;
      int st;
      while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
        if (w == child) { exited = 1; status = st; drain_deadline = now_ms() + 2000; }
      }
    }
  }
  if (out->fd >= 0) { log_flush(&o.log, &out->lb); close(out->fd); }
  if (err->fd >= 0) { log_flush(&o.log, &err->lb); close(err->fd); }
  if (tty->fd >= 0) { log_flush(&o.log, &tty->lb); close(tty->fd); }
  if (in_p[1] >= 0) close(in_p[1]);
  hub.input = hub.master = -1;
  hub.tty = 0;
  hub.pend.off = hub.pend.len = 0;

  r->ran_ms = now_ms() - started;
  if (WIFEXITED(status)) {
    r->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r->signal = WTERMSIG(status);
    r->exit_code = 128 + r->signal;
  }
  if (oom_before >= 0 && (oomf = oom_file())) r->oom = read_counter(oomf, "oom_kill") > oom_before;
}

static void write_exit_file(const struct run_result *r, int restarting) {
  char path[4200], ts[64], body[2048], esc[1100];
  size_t e = 0;
  for (const char *s = r->error; *s && e < sizeof esc - 8; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') { esc[e++] = '\\'; esc[e++] = (char)c; }
    else if (c >= 0x20) esc[e++] = (char)c;
  }
  esc[e] = 0;
  rfc3339_now(ts, sizeof ts);
  int n = snprintf(body, sizeof body,
                   "{\"exitCode\":%d,\"signal\":%d,\"oomKilled\":%s,\"finishedAt\":\"%s\",\"error\":\"%s\",\"restarting\":%s}\n",
                   r->exit_code, r->signal, r->oom ? "true" : "false", ts, esc, restarting ? "true" : "false");
  snprintf(path, sizeof path, "%s/exit.json", o.dir);
  write_file_atomic(path, body, (size_t)n);
}

static int manual_stop(void) {
  char path[4200];
  struct stat st;
  snprintf(path, sizeof path, "%s/manual-stop", o.dir);
  return stop_requested || stat(path, &st) == 0;
}

/* No record in the directory: `run` started this monitor before writing it (early-start.ts) and
 * its CLI died first, or the record was deleted (then the directory is gone already). */
static int record_missing(void) {
  char path[4200];
  struct stat st;
  snprintf(path, sizeof path, "%s/config.json", o.dir);
  return stat(path, &st) != 0;
}

/* A CLI (stop, rm -f) that announced it releases the container itself, or a record already
 * gone: the monitor has nothing to clean. */
static int cleanup_claimed(void) {
  char path[4200];
  struct stat st;
  snprintf(path, sizeof path, "%s/cleanup-claimed", o.dir);
  return stat(path, &st) == 0 || record_missing();
}

static int should_restart(const struct run_result *r, int restarts) {
  if (manual_stop() || r->error[0]) return 0;
  if (strcmp(o.restart, "always") == 0 || strcmp(o.restart, "unless-stopped") == 0) return 1;
  if (strcmp(o.restart, "on-failure") == 0)
    return r->exit_code != 0 && (o.restart_max <= 0 || restarts < o.restart_max);
  return 0;
}

/* Sleeps ms, waking early (and returning 0) on SIGTERM to the monitor. */
static int backoff_sleep(long long ms) {
  long long until = now_ms() + ms;
  for (;;) {
    long long left = until - now_ms();
    if (left <= 0) return 1;
    struct pollfd p = {sigfd, POLLIN, 0};
    if (poll(&p, 1, (int)left) > 0) {
      struct signalfd_siginfo si;
      while (read(sigfd, &si, sizeof si) == sizeof si)
        if (si.ssi_signo == SIGTERM) { stop_requested = 1; return 0; }
      while (waitpid(-1, NULL, WNOHANG) > 0) {}
    }
  }
}

int monitor_main(int argc, char **argv) {
  parse_args(argc, argv);

  /* Detached by the CLI's spawn itself (a new session; setsid here covers any other caller): no
   * double fork, whose two fork+exit pairs cost ~3 ms of every start on these VMs. Leading a
   * session, the monitor must never open a terminal without O_NOCTTY: it opens none (the pty
   * master comes over a socket; attach.c opens client ttys O_NOCTTY). When the CLI exits, the
   * monitor is re-parented like any orphan. */
  setsid();

  prctl(PR_SET_CHILD_SUBREAPER, 1);
  prctl(PR_SET_NAME, "mydocker-mon");
  if (chdir("/") < 0) die("chdir /: %s", strerror(errno));
  umask(022);
  signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  sigaddset(&mask, SIGQUIT);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) die("signalfd: %s", strerror(errno));
  if (o.control_fd >= 0) set_cloexec(o.control_fd, 1);
  if (o.sync_fd >= 0) set_cloexec(o.sync_fd, 1);
  for (int i = 0; i < o.hold_count; i++) set_cloexec(o.hold_fds[i], 1);
  if (o.log.path[0] && log_open(&o.log) < 0) die("open log %s: %s", o.log.path, strerror(errno));
  hub_init(&hub);
  hub_listen(&hub, o.dir); /* without it only `attach` is missing: not worth failing the start */
  if (o.attach && o.control_fd >= 0)
    hub_add(&hub, o.control_fd, 0, o.tty ? fcntl(0, F_DUPFD_CLOEXEC, 3) : -1,
            fcntl(1, F_DUPFD_CLOEXEC, 3), fcntl(2, F_DUPFD_CLOEXEC, 3), o.detach_keys);

  struct run_result r;
  int restarts = 0;
  long long delay = 100;
  for (int first = 1;; first = 0) {
    run_once(first, &r);
    int again = should_restart(&r, restarts);
    if (!again) release_held();
    write_exit_file(&r, again);
    char line[128];
    snprintf(line, sizeof line, "exit %d %d %d %d\n", r.exit_code, r.signal, r.oom, again);
    hub_exit(&hub, line); /* attach clients leave at every exit, as with Docker */
    /* the socket goes before the CLI hears of the exit: an attached `run --rm` deletes the
     * container's directory as soon as it does */
    if (!again) hub_close(&hub, o.dir);
    if (first || o.control_fd >= 0) send_line(&o.control_fd, line);
    if (!again) break;
    if (o.control_fd >= 0) {
      /* the attached CLI leaves at the first exit; restarts happen unattended */
      detach_cli();
      o.attach = 0;
    }
    if (r.ran_ms > 10000) delay = 100; /* Docker's rule: a container that ran 10 s is healthy */
    if (!backoff_sleep(delay) || manual_stop()) break;
    delay = delay * 2 > 60000 ? 60000 : delay * 2;
    restarts++;
  }

  /* If the CLI is still attached it cleans up in-process and says "done"; otherwise we call
   * the mydocker binary's hidden cleanup verb. */
  hub_close(&hub, o.dir); /* a no-op unless a restart was cut short */
  int done = 0;
  while (o.control_fd >= 0 && !done) {
    struct pollfd pc = {o.control_fd, POLLIN, 0};
    if (poll(&pc, 1, -1) < 0 && errno != EINTR) break;
    done = control_read();
  }
  if (!done && !cleanup_claimed()) {
    char *cargv[] = {(char *)o.exe, "--root", (char *)o.root, "_cleanup", (char *)o.id, NULL};
    wait_helper(run_helper(cargv));
  }
  if (done == 2) remove_trash();
  /* a CLI killed before it wrote the record leaves no directory behind: what init and this
   * monitor put there (the log) goes, since no command could ever name this container */
  else if (!done && record_missing()) remove_tree(o.dir);
  return 0;
}

/* Small helpers shared by the monitor and exec paths. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "shim.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
        continue;
      }
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* RFC 3339 with nanoseconds in UTC, as Docker's json-file driver writes "time". */
void rfc3339_now(char *out, size_t outlen) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, outlen - n, ".%09ldZ", ts.tv_nsec);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st; (void)flag; (void)ftw;
  remove(path); /* best effort: what stays of a trash directory is swept later (store.ts) */
  return 0;
}

/* rm -rf: depth first, never following a symlink nor crossing into another mount. */
void remove_tree(const char *path) {
  nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* `mydocker-shim rmtree PATH`: a deleted container's directory, renamed to containers/.trash-ID,
 * removed after the command that deleted it has returned (spawned detached by cleanup.ts). */
int rmtree_main(int argc, char **argv) {
  if (argc != 1 || !strstr(argv[0], "/.trash-")) die("usage: mydocker-shim rmtree ROOT/containers/.trash-ID");
  remove_tree(argv[0]);
  return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (write_all(fd, data, len) < 0) { close(fd); unlink(tmp); return -1; }
  close(fd);
  if (rename(tmp, path) < 0) { unlink(tmp); return -1; }
  return 0;
}

void die(const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 2, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if ((size_t)n > sizeof buf - 2) n = sizeof buf - 2;
  buf[n++] = '\n';
  write_all(2, "mydocker-shim: ", 15);
  write_all(2, buf, (size_t)n);
  _exit(125);
}

int set_cloexec(int fd, int on) {
  int fl = fcntl(fd, F_GETFD);
  if (fl < 0) return -1;
  return fcntl(fd, F_SETFD, on ? (fl | FD_CLOEXEC) : (fl & ~FD_CLOEXEC));
}

int set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0) return -1;
  return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Closes every fd >= lowfd, so nothing of the caller's leaks into a container. */
void close_fds_from(int lowfd) {
  if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0) return;
  for (int fd = lowfd; fd < 65536; fd++) close(fd);
}

/* Starts argv[0] with stdio on /dev/null (the helper writes its own diagnostics to the log). */
pid_t run_helper(char *const argv[]) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); }
  close_fds_from(3);
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
  execve(argv[0], argv, envp);
  _exit(127);
}

int wait_helper(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reads "key N" from a cgroup flat-keyed file (memory.events, memory.oom_control). */
long long read_counter(const char *path, const char *key) {
  char buf[4096];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  size_t klen = strlen(key);
  for (char *line = buf; line && *line; ) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ' ') return atoll(line + klen + 1);
    line = strchr(line, '\n');
    if (line) line++;
  }
  return -1;
}

/* Sends data with fds attached (SCM_RIGHTS) on a unix socket. */
int send_fds(int sock, const int *fds, int nfds, const void *data, size_t len) {
  char control[CMSG_SPACE(sizeof(int) * MAX_PASSED_FDS)];
  if (nfds > MAX_PASSED_FDS) { errno = EINVAL; return -1; }
  struct iovec iov = {(void *)data, len};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (nfds > 0) {
    memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
  }
  ssize_t n;
  do n = sendmsg(sock, &msg, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  return n < 0 ? -1 : 0;
}

/* Receives one message and the fds attached to it (close-on-exec); *nfds is in: room, out: got.
 * Returns the bytes read (0 at EOF) or -1. */
ssize_t recv_fds(int sock, int *fds, int *nfds, void *buf, size_t len) {
  char control[CMSG_SPACE(sizeof(int) * MAX_PASSED_FDS)];
  struct iovec iov = {buf, len};
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
  int room = *nfds, got = 0;
  if (n >= 0) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
      int in[MAX_PASSED_FDS];
      memcpy(in, CMSG_DATA(c), sizeof(int) * (size_t)count);
      for (int i = 0; i < count; i++) {
        if (got < room) fds[got++] = in[i];
        else close(in[i]); /* more than asked for: never keep an fd nobody will close */
      }
    }
  }
  *nfds = got;
  return n;
}

/* TIOCSWINSZ; rows/cols of 0 leave the size alone. */
int set_winsize(int fd, unsigned rows, unsigned cols) {
  if (rows == 0 || cols == 0) return 0;
  struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
  return ioctl(fd, TIOCSWINSZ, &ws);
}

/* Applies a control line "resize ROWS COLS" to a pty master; any other line is not for it. */
void resize_line(int master, const char *line) {
  if (master < 0 || strncmp(line, "resize ", 7) != 0) return;
  char *end;
  unsigned long rows = strtoul(line + 7, &end, 10);
  unsigned long cols = strtoul(end, NULL, 10);
  if (rows < 65536 && cols < 65536) set_winsize(master, (unsigned)rows, (unsigned)cols);
}

long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends a line on a control channel; a channel that fails is closed and becomes -1. */
void send_line(int *fd, const char *line) {
  if (*fd >= 0 && write_all(*fd, line, strlen(line)) < 0) {
    close(*fd);
    *fd = -1;
  }
}

/* Reads what fd has and calls on_line for each complete line (cut at 127 bytes, no '\n');
 * returns 0 when fd is at EOF or failed. */
int read_lines(int fd, struct line_reader *r, void (*on_line)(const char *line, void *arg), void *arg) {
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  for (ssize_t i = 0; i < n; i++) {
    if (buf[i] != '\n') {
      if (r->len < sizeof r->line - 1) r->line[r->len++] = buf[i];
      continue;
    }
    r->line[r->len] = 0;
    r->len = 0;
    on_line(r->line, arg);
  }
  return n > 0;
}

/* Appends buf to what is waiting; -1 (and nothing appended) when it does not fit. */
int outq_push(struct outq *q, const void *buf, size_t n) {
  if (q->off > 0) { /* move what is left to the front */
    memmove(q->data, q->data + q->off, q->len - q->off);
    q->len -= q->off;
    q->off = 0;
  }
  if (n > sizeof q->data - q->len) return -1;
  memcpy(q->data + q->len, buf, n);
  q->len += n;
  return 0;
}

/* Writes what fd takes without blocking: 1 when all is written, 0 when the rest waits for
 * POLLOUT, -1 when fd failed (the rest is dropped). fd is non-blocking, a regular file, or a
 * socket, which MSG_DONTWAIT keeps from blocking even when its O_NONBLOCK is off. */
int outq_flush(struct outq *q, int fd) {
  while (q->off < q->len) {
    ssize_t n = send(fd, q->data + q->off, q->len - q->off, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = write(fd, q->data + q->off, q->len - q->off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    if (n < 0) break;
    q->off += (size_t)n;
  }
  int all = q->off == q->len;
  q->off = q->len = 0;
  return all ? 1 : -1;
}

/* Who is attached to a running container's streams, for the monitor (monitor.c).
 *
 * The container's output (its stdout/stderr pipes, or the pty master of a -t container) goes to
 * the json log and to every attached client; what clients type goes to the container's input:
 * the pty master, or the stdin pipe of a detached -i container. Bytes never pass through a Bun
 * process: a client hands the monitor its own stdio fds and the monitor writes to them.
 *
 *   client 0: the CLI that started the container attached (run, run -it). Its fds are dups of
 *             the monitor's inherited 0/1/2; its line channel is the control fd (monitor.c
 *             reads it: "resize ROWS COLS", "done").
 *   others:   `mydocker attach`, over ROOT/containers/ID/attach.sock:
 *
 *   mydocker attach (Bun)                              monitor
 *   connect attach.sock ─────────────────────────────▶ accept (the poll loop reads the hello; a
 *                                                      connection silent for 1 s is dropped when
 *                                                      the next one comes)
 *   "attach STDIN KEYS\n" + SCM_RIGHTS [in,out,err] ─▶ client added (STDIN 0|1: read its in;
 *                                                      KEYS: detach keys as "16,17", or "-")
 *   "resize ROWS COLS\n" ────────────────────────────▶ TIOCSWINSZ on the pty master
 *   ◀──── "detached\n" (it typed the detach keys)  |  "exit CODE SIG OOM RESTARTING\n"
 *   ◀──── "error output not read, detached\n" (its queue overflowed; the container runs on)
 *
 * Nothing a client does blocks the monitor. Its stdout/stderr are written without blocking (a
 * terminal or pipe is reopened through /proc/self/fd with O_NONBLOCK, a new open file
 * description, so the client's shell never sees that flag) and what it does not take at once
 * waits in a 16 kB queue per stream; a client whose queue overflows is let go. Client 0 is never
 * let go: while it has output waiting the monitor reads no more of the container's output
 * (hub_backlog), so `run … | slow-reader` loses nothing and the container waits, as a program
 * writing to a slow pipe does. Typed input waits in one queue for the container to read it.
 *
 * Detach keys are honoured on tty containers only, as Docker does. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "shim.h"

/* h is static (zeroed); only what must be -1 is written, so unused clients and the queues cost
 * the monitor no resident pages. */
void hub_init(struct hub *h) {
  h->listen_fd = h->input = h->master = -1;
}

/* "16,17" → bytes; "-" or "" → none. */
static int parse_keys(const char *s, unsigned char *keys) {
  int n = 0;
  if (!s || !*s || strcmp(s, "-") == 0) return 0;
  for (char *end; *s && n < MAX_KEYS; s = *end ? end + 1 : end) {
    long v = strtol(s, &end, 10);
    if (end == s || v < 0 || v > 255) return 0;
    keys[n++] = (unsigned char)v;
  }
  return n;
}

/* A client's stdout or stderr, made non-blocking for the monitor alone (see the top). A regular
 * file never blocks and a socket is written with MSG_DONTWAIT: both are kept as they are. */
static int nonblocking(int fd) {
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode)) return fd;
  char path[32];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  int nfd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (nfd < 0) { set_nonblock(fd); return fd; } /* it cannot be reopened (/dev/tty): share the flag */
  close(fd);
  return nfd;
}

/* Field by field, never memset: a client's 32 kB of queues stay untouched until used. */
static void client_stdio(struct client *c, int in, int out, int err, const char *keys) {
  c->in = in;
  c->out = nonblocking(out);
  c->err = nonblocking(err);
  c->qout.off = c->qout.len = c->qerr.off = c->qerr.len = 0;
  c->nkeys = parse_keys(keys, c->keys);
  c->matched = 0;
}

int hub_add(struct hub *h, int ctl, int own_ctl, int in, int out, int err, const char *keys) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &h->c[i];
    if (c->used) continue;
    c->used = 1;
    c->hello = 0;
    c->ctl = ctl;
    c->own_ctl = own_ctl;
    c->lines.len = 0;
    client_stdio(c, in, out, err, keys);
    return i;
  }
  return -1;
}

void hub_drop(struct hub *h, int i) {
  struct client *c = &h->c[i];
  if (!c->used) return;
  if (c->own_ctl && c->ctl >= 0) close(c->ctl);
  if (c->in >= 0) close(c->in);
  if (c->out >= 0) close(c->out);
  if (c->err >= 0) close(c->err);
  c->used = 0;
}

/* The socket `mydocker attach` connects to. Bound through /proc/self/fd/DIR so a long --root
 * cannot overflow sun_path. */
int hub_listen(struct hub *h, const char *dir) {
  int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return -1;
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/attach.sock", dfd);
  unlink(sa.sun_path); /* a previous monitor's */
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 8) < 0) {
    if (fd >= 0) close(fd);
    close(dfd);
    return -1;
  }
  fchmodat(dfd, "attach.sock", 0600, 0);
  close(dfd);
  h->listen_fd = fd;
  return 0;
}

/* A new connection waits in a slot for its hello, which the poll loop reads (client_hello). */
static void hub_accept(struct hub *h) {
  int conn = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (conn < 0) return;
  long long now = now_ms();
  for (int i = 0; i < MAX_CLIENTS; i++)
    if (h->c[i].used && h->c[i].hello && now - h->c[i].since > 1000) hub_drop(h, i); /* never said hello */
  int i = hub_add(h, conn, 1, -1, -1, -1, NULL);
  if (i < 0) {
    write_all(conn, "error too many clients attached\n", 32);
    close(conn);
    return;
  }
  h->c[i].hello = 1;
  h->c[i].since = now;
}

/* "attach STDIN KEYS\n" with [in,out,err] attached; returns 0 when the client must go. */
static int client_hello(struct client *c) {
  char buf[128];
  int fds[3], nfds = 3;
  ssize_t n = recv_fds(c->ctl, fds, &nfds, buf, sizeof buf - 1);
  if (n < 0 && errno == EAGAIN) return 1;
  int ok = n > 0 && nfds == 3;
  if (ok) {
    buf[n] = 0;
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
    ok = strncmp(buf, "attach ", 7) == 0 && (buf[7] == '0' || buf[7] == '1') && (buf[8] == ' ' || buf[8] == 0);
    if (!ok) write_all(c->ctl, "error bad attach request\n", 25);
  }
  if (!ok) {
    for (int i = 0; i < nfds; i++) close(fds[i]);
    return 0;
  }
  if (buf[7] == '0') { close(fds[0]); fds[0] = -1; }
  c->hello = 0;
  client_stdio(c, fds[0], fds[1], fds[2], buf[8] ? buf + 9 : "-");
  return 1;
}

/* Writes a client's queued output; an output whose reader is gone is closed (it stays attached). */
static void client_flush(int *fd, struct outq *q) {
  if (*fd >= 0 && outq_flush(q, *fd) < 0) {
    close(*fd);
    *fd = -1;
  }
}

void hub_output(struct hub *h, int stream, const char *buf, size_t n) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &h->c[i];
    int *fd = stream == 2 ? &c->err : &c->out;
    struct outq *q = stream == 2 ? &c->qerr : &c->qout;
    if (!c->used || c->hello || *fd < 0) continue;
    if (outq_push(q, buf, n) < 0) {
      /* it does not read its output (never client 0: its queue is empty at every read) */
      if (c->ctl >= 0) send(c->ctl, "error output not read, detached\n", 32, MSG_DONTWAIT | MSG_NOSIGNAL);
      hub_drop(h, i);
      continue;
    }
    client_flush(fd, q);
  }
}

/* 2: client 0 has output waiting (read no more of the container's until it took it);
 * 1: only other clients have; 0: none. */
int hub_backlog(const struct hub *h) {
  int any = 0;
  for (int i = 0; i < MAX_CLIENTS; i++) {
    const struct client *c = &h->c[i];
    if (!c->used || (!c->qout.len && !c->qerr.len)) continue;
    if (!c->own_ctl) return 2;
    any = 1;
  }
  return any;
}

static void pend_push(struct hub *h, unsigned char b) {
  outq_push(&h->pend, &b, 1); /* cannot overflow: input is read only into an empty queue */
}

/* Queues what client c typed, holding back a partial detach sequence as Docker does; returns 1
 * when the whole sequence was typed (the rest of buf is dropped). */
static int queue_input(struct hub *h, struct client *c, const unsigned char *buf, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char b = buf[i];
    if (h->tty && c->nkeys) {
      if (b == c->keys[c->matched]) {
        if (++c->matched == c->nkeys) return 1;
        continue;
      }
      for (int k = 0; k < c->matched; k++) pend_push(h, c->keys[k]);
      c->matched = 0;
      if (b == c->keys[0]) {
        if (++c->matched == c->nkeys) return 1;
        continue;
      }
    }
    pend_push(h, b);
  }
  return 0;
}

static void on_client_line(const char *line, void *h) {
  resize_line(((struct hub *)h)->master, line);
}

int hub_pollfds(struct hub *h, struct pollfd *p, int *tag, int np, int running) {
  if (running && h->listen_fd >= 0) { tag[np] = HUB_LISTEN; p[np++] = (struct pollfd){h->listen_fd, POLLIN, 0}; }
  if (running && h->input >= 0 && h->pend.len > 0) { tag[np] = HUB_INPUT; p[np++] = (struct pollfd){h->input, POLLOUT, 0}; }
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &h->c[i];
    if (!c->used) continue;
    if (c->out >= 0 && c->qout.len) { tag[np] = HUB_OUT + i; p[np++] = (struct pollfd){c->out, POLLOUT, 0}; }
    if (c->err >= 0 && c->qerr.len) { tag[np] = HUB_ERR + i; p[np++] = (struct pollfd){c->err, POLLOUT, 0}; }
    if (!running) continue; /* the container is gone: only its last output goes out */
    if (c->in >= 0 && h->input >= 0 && h->pend.len == 0) { tag[np] = HUB_IN + i; p[np++] = (struct pollfd){c->in, POLLIN, 0}; }
    if (c->own_ctl && c->ctl >= 0) { tag[np] = HUB_CTL + i; p[np++] = (struct pollfd){c->ctl, POLLIN, 0}; }
  }
  return np;
}

/* Handles one ready fd of hub_pollfds; returns 0 when client 0 typed the detach keys. A slot
 * dropped and refilled earlier in the same round may get a stale tag: every step is a no-op
 * then (all fds are non-blocking or polled). */
int hub_handle(struct hub *h, int tag) {
  if (tag == HUB_LISTEN) { hub_accept(h); return -1; }
  if (tag == HUB_INPUT) { outq_flush(&h->pend, h->input); return -1; } /* failed: input closed, dropped */
  int i = tag % 100, kind = tag - i;
  struct client *c = &h->c[i];
  if (!c->used) return -1;
  if (kind == HUB_OUT) { client_flush(&c->out, &c->qout); return -1; }
  if (kind == HUB_ERR) { client_flush(&c->err, &c->qerr); return -1; }
  if (kind == HUB_CTL) {
    if (!(c->hello ? client_hello(c) : read_lines(c->ctl, &c->lines, on_client_line, h))) hub_drop(h, i);
    return -1;
  }
  if (c->in < 0 || h->pend.len > 0) return -1;
  unsigned char buf[4096 - MAX_KEYS];
  ssize_t n = read(c->in, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return -1;
  if (n <= 0) {
    close(c->in); /* its stdin ended: it stays attached to the output */
    c->in = -1;
    return -1;
  }
  int detach = queue_input(h, c, buf, (size_t)n);
  outq_flush(&h->pend, h->input);
  if (!detach) return -1;
  if (c->ctl >= 0) write_all(c->ctl, "detached\n", 9);
  if (i == 0) return 0; /* client 0's channel is the monitor's: it lets go of that CLI itself */
  hub_drop(h, i);
  return -1;
}

/* The container's process ended: tell every attach client and let it go (client 0 stays). */
void hub_exit(struct hub *h, const char *line) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    if (!h->c[i].used || !h->c[i].own_ctl) continue;
    if (h->c[i].ctl >= 0) write_all(h->c[i].ctl, line, strlen(line));
    hub_drop(h, i);
  }
}

void hub_close(struct hub *h, const char *dir) {
  if (h->listen_fd < 0) return;
  close(h->listen_fd);
  h->listen_fd = -1;
  char path[4200];
  snprintf(path, sizeof path, "%s/attach.sock", dir);
  unlink(path);
}

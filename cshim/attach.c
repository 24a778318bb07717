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
 *   connect attach.sock ─────────────────────────────▶ accept
 *   "attach STDIN KEYS\n" + SCM_RIGHTS [in,out,err] ─▶ client added (STDIN 0|1: read its in;
 *                                                      KEYS: detach keys as "16,17", or "-")
 *   "resize ROWS COLS\n" ────────────────────────────▶ TIOCSWINSZ on the pty master
 *   ◀──── "detached\n" (it typed the detach keys)  |  "exit CODE SIG OOM RESTARTING\n"
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

/* h is static (zeroed); only what must be -1 is written, so unused clients and the input
 * buffer cost the monitor no resident pages. A client's fds are set when it is added. */
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

int hub_add(struct hub *h, int ctl, int own_ctl, int in, int out, int err, const char *keys) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &h->c[i];
    if (c->used) continue;
    memset(c, 0, sizeof *c);
    c->used = 1;
    c->ctl = ctl;
    c->own_ctl = own_ctl;
    c->in = in;
    c->out = out;
    c->err = err;
    c->nkeys = parse_keys(keys, c->keys);
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
  if (c->err >= 0 && c->err != c->out) close(c->err);
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

static void hub_accept(struct hub *h) {
  int conn = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) return;
  /* the client sends its hello at once; one that does not is dropped, never waited for */
  struct pollfd p = {conn, POLLIN, 0};
  char buf[128];
  int fds[3], nfds = 3;
  ssize_t n = poll(&p, 1, 1000) == 1 ? recv_fds(conn, fds, &nfds, buf, sizeof buf - 1) : -1;
  if (n <= 0 || nfds != 3) {
    for (int i = 0; n > 0 && i < nfds; i++) close(fds[i]);
    close(conn);
    return;
  }
  buf[n] = 0;
  char *nl = strchr(buf, '\n');
  if (nl) *nl = 0;
  /* "attach STDIN KEYS" */
  char *keys = buf + 9;
  if (strncmp(buf, "attach ", 7) != 0 || (buf[7] != '0' && buf[7] != '1') || (buf[8] != ' ' && buf[8] != 0)) {
    write_all(conn, "error bad attach request\n", 25);
    for (int i = 0; i < 3; i++) close(fds[i]);
    close(conn);
    return;
  }
  if (buf[8] == 0) keys = "-";
  if (buf[7] == '0') { close(fds[0]); fds[0] = -1; }
  if (hub_add(h, conn, 1, fds[0], fds[1], fds[2], keys) < 0) {
    write_all(conn, "error too many clients attached\n", 32);
    for (int i = 0; i < 3; i++) if (fds[i] >= 0) close(fds[i]);
    close(conn);
  }
}

void hub_output(struct hub *h, int stream, const char *buf, size_t n) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &h->c[i];
    if (!c->used) continue;
    int *fd = stream == 2 ? &c->err : &c->out;
    if (*fd >= 0 && write_all(*fd, buf, n) < 0) {
      if (c->err == c->out) c->err = -1;
      close(*fd);
      *fd = -1;
    }
  }
}

void hub_resize(struct hub *h, const char *line) {
  if (h->master < 0 || strncmp(line, "resize ", 7) != 0) return;
  char *end;
  unsigned long rows = strtoul(line + 7, &end, 10);
  unsigned long cols = strtoul(end, NULL, 10);
  if (rows < 65536 && cols < 65536) set_winsize(h->master, (unsigned)rows, (unsigned)cols);
}

static void pend_push(struct hub *h, unsigned char b) {
  if (h->plen < sizeof h->pend) h->pend[h->plen++] = b;
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

static void flush_input(struct hub *h) {
  while (h->poff < h->plen) {
    ssize_t n = write(h->input, h->pend + h->poff, h->plen - h->poff);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return; /* the container reads slowly: wait for POLLOUT */
    if (n < 0) { h->plen = h->poff = 0; return; } /* input closed: drop it */
    h->poff += (size_t)n;
  }
  h->plen = h->poff = 0;
}

/* Reads a client's line channel; returns 0 when it hung up. */
static int client_ctl_read(struct hub *h, struct client *c) {
  char buf[256];
  ssize_t n = read(c->ctl, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n <= 0) return 0;
  for (ssize_t i = 0; i < n; i++) {
    if (buf[i] != '\n') {
      if (c->linelen < sizeof c->line - 1) c->line[c->linelen++] = buf[i];
      continue;
    }
    c->line[c->linelen] = 0;
    hub_resize(h, c->line);
    c->linelen = 0;
  }
  return 1;
}

int hub_pollfds(struct hub *h, struct pollfd *p, int *tag, int np) {
  if (h->listen_fd >= 0) { tag[np] = HUB_LISTEN; p[np++] = (struct pollfd){h->listen_fd, POLLIN, 0}; }
  if (h->input >= 0 && h->plen > 0) { tag[np] = HUB_INPUT; p[np++] = (struct pollfd){h->input, POLLOUT, 0}; }
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &h->c[i];
    if (!c->used) continue;
    if (c->in >= 0 && h->input >= 0 && h->plen == 0) { tag[np] = HUB_IN + i; p[np++] = (struct pollfd){c->in, POLLIN, 0}; }
    if (c->own_ctl && c->ctl >= 0) { tag[np] = HUB_CTL + i; p[np++] = (struct pollfd){c->ctl, POLLIN, 0}; }
  }
  return np;
}

int hub_handle(struct hub *h, int tag, short revents) {
  if (tag == HUB_LISTEN) { hub_accept(h); return -1; }
  if (tag == HUB_INPUT) { flush_input(h); return -1; }
  int i = tag >= HUB_CTL ? tag - HUB_CTL : tag - HUB_IN;
  struct client *c = &h->c[i];
  if (!c->used) return -1;
  if (tag >= HUB_CTL) {
    if (!client_ctl_read(h, c)) hub_drop(h, i);
    return -1;
  }
  unsigned char buf[sizeof h->pend - MAX_KEYS];
  ssize_t n = read(c->in, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return -1;
  (void)revents;
  if (n <= 0) {
    close(c->in); /* its stdin ended: it stays attached to the output */
    c->in = -1;
    return -1;
  }
  int detach = queue_input(h, c, buf, (size_t)n);
  flush_input(h);
  if (!detach) return -1;
  if (c->ctl >= 0) write_all(c->ctl, "detached\n", 9);
  if (i == 0) return 0; /* client 0's channel is the monitor's: it lets go of that CLI itself */
  hub_drop(h, i);
  return -1;
}

/* The container's process ended: tell every attach client and let it go. */
void hub_exit(struct hub *h, const char *line) {
  for (int i = 1; i < MAX_CLIENTS; i++) {
    if (!h->c[i].used) continue;
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

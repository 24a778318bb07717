/* mydocker-shim: the small static C program behind every container (see DESIGN.md "Processes").
 * It does only what a multithreaded Bun process cannot: clone into new namespaces and stay
 * behind as the per-container monitor, and setns() into a container for exec.
 * Everything it is told comes on argv from the mydocker CLI; it parses no JSON. */
#ifndef MYDOCKER_SHIM_H
#define MYDOCKER_SHIM_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* util.c */
int write_all(int fd, const void *buf, size_t len);
void rfc3339_now(char *out, size_t outlen);
int write_file_atomic(const char *path, const char *data, size_t len);
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
int set_cloexec(int fd, int on);
int set_nonblock(int fd);
void close_fds_from(int lowfd);
pid_t run_helper(char *const argv[]);
int wait_helper(pid_t pid);
long long read_counter(const char *path, const char *key);
#define MAX_PASSED_FDS 4
int send_fds(int sock, const int *fds, int nfds, const void *data, size_t len);
ssize_t recv_fds(int sock, int *fds, int *nfds, void *buf, size_t len);
int set_winsize(int fd, unsigned rows, unsigned cols);
void resize_line(int master, const char *line);
long long now_ms(void);
void send_line(int *fd, const char *line);
struct line_reader { char line[128]; size_t len; };
int read_lines(int fd, struct line_reader *r, void (*on_line)(const char *line, void *arg), void *arg);
/* bytes on their way to a non-blocking fd that did not take them all at once */
#define OUTQ_SIZE 16384
struct outq { size_t off, len; unsigned char data[OUTQ_SIZE]; };
int outq_push(struct outq *q, const void *buf, size_t n);
int outq_flush(struct outq *q, int fd);

/* log_writer.c: Docker's json-file format with size-based rotation */
struct log_writer {
  char path[4096];
  int fd;
  long long size;
  long long max_size;   /* bytes; 0 = unlimited */
  int max_files;        /* files kept including the live one */
};
struct line_buffer {
  const char *stream;   /* "stdout" or "stderr" */
  char data[16384];
  size_t len;
};
int log_open(struct log_writer *w);
void log_write_line(struct log_writer *w, const char *stream, const char *data, size_t len);
void log_feed(struct log_writer *w, struct line_buffer *lb, const char *data, size_t len);
void log_flush(struct log_writer *w, struct line_buffer *lb);

/* attach.c: clients attached to a container's streams (see the diagram there) */
#define MAX_CLIENTS 8
#define MAX_KEYS 16
struct client {
  int used;
  int hello;            /* connected, its "attach" line not read yet; since = when it connected */
  long long since;
  int ctl, own_ctl;     /* line channel; client 0's is the monitor's control fd (not owned) */
  struct line_reader lines;
  int in, out, err;     /* its stdio; out/err non-blocking for the monitor; -1 when absent */
  unsigned char keys[MAX_KEYS];
  int nkeys, matched;   /* detach keys and how many of them were just typed */
  struct outq qout, qerr; /* its output that it has not read yet */
};
struct hub {
  struct client c[MAX_CLIENTS];
  int listen_fd;
  int input;            /* where typed input goes: the pty master or a stdin pipe; -1 none */
  int master;           /* the pty master of a -t container; -1 none */
  int tty;              /* detach keys apply */
  struct outq pend;     /* typed input the container has not read yet */
};
enum { HUB_LISTEN = 1000, HUB_INPUT = 1001, HUB_IN = 1100, HUB_CTL = 1200, HUB_OUT = 1300, HUB_ERR = 1400 };
#define HUB_POLLFDS (2 + 4 * MAX_CLIENTS)
void hub_init(struct hub *h);
int hub_listen(struct hub *h, const char *dir);
int hub_add(struct hub *h, int ctl, int own_ctl, int in, int out, int err, const char *keys);
void hub_drop(struct hub *h, int i);
int hub_pollfds(struct hub *h, struct pollfd *p, int *tag, int np, int running);
int hub_handle(struct hub *h, int tag);
void hub_output(struct hub *h, int stream, const char *buf, size_t n);
int hub_backlog(const struct hub *h);
void hub_exit(struct hub *h, const char *line);
void hub_close(struct hub *h, const char *dir);

/* monitor.c / exec.c / tini.c */
int monitor_main(int argc, char **argv);
int exec_main(int argc, char **argv);
int tini_main(int argc, char **argv);
int rmtree_main(int argc, char **argv);
void remove_tree(const char *path);

#endif

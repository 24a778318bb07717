/* mydocker-shim: the small static C program behind every container (see DESIGN.md "Processes").
 * It does only what a multithreaded Bun process cannot: clone into new namespaces and stay
 * behind as the per-container monitor, and setns() into a container for exec.
 * Everything it is told comes on argv from the mydocker CLI; it parses no JSON. */
#ifndef MYDOCKER_SHIM_H
#define MYDOCKER_SHIM_H

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

/* monitor.c / exec.c / tini.c */
int monitor_main(int argc, char **argv);
int exec_main(int argc, char **argv);
int tini_main(int argc, char **argv);

#endif

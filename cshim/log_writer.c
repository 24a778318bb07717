/* The container log in Docker's json-file format: one JSON object per line,
 *   {"log":"hello\n","stream":"stdout","time":"2026-11-28T04:12:28.123456789Z"}
 * Lines are split at '\n' like Docker; a line longer than 16 KiB is written in pieces.
 * When the file would pass max_size it is rotated: log -> log.1 -> ... -> log.(max_files-1). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "shim.h"

int log_open(struct log_writer *w) {
  w->fd = open(w->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (w->fd < 0) return -1;
  struct stat st;
  w->size = fstat(w->fd, &st) == 0 ? st.st_size : 0;
  return 0;
}

static void log_rotate(struct log_writer *w) {
  char from[4200], to[4200];
  close(w->fd);
  w->fd = -1;
  if (w->max_files <= 1) {
    truncate(w->path, 0);
  } else {
    for (int i = w->max_files - 1; i >= 1; i--) {
      if (i == 1) snprintf(from, sizeof from, "%s", w->path);
      else snprintf(from, sizeof from, "%s.%d", w->path, i - 1);
      snprintf(to, sizeof to, "%s.%d", w->path, i);
      rename(from, to); /* a missing older file is fine */
    }
  }
  log_open(w);
}

/* JSON-escapes src into dst (dst must hold 6*len+1); returns bytes written. */
static size_t json_escape(char *dst, const char *src, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)src[i];
    switch (c) {
      case '"': dst[o++] = '\\'; dst[o++] = '"'; break;
      case '\\': dst[o++] = '\\'; dst[o++] = '\\'; break;
      case '\n': dst[o++] = '\\'; dst[o++] = 'n'; break;
      case '\r': dst[o++] = '\\'; dst[o++] = 'r'; break;
      case '\t': dst[o++] = '\\'; dst[o++] = 't'; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          dst[o++] = '\\'; dst[o++] = 'u'; dst[o++] = '0'; dst[o++] = '0';
          dst[o++] = hex[c >> 4]; dst[o++] = hex[c & 15];
        } else {
          dst[o++] = (char)c;
        }
    }
  }
  return o;
}

void log_write_line(struct log_writer *w, const char *stream, const char *data, size_t len) {
  static char out[16384 * 6 + 256];
  char ts[64];
  if (w->fd < 0) return;
  rfc3339_now(ts, sizeof ts);
  size_t o = 0;
  memcpy(out + o, "{\"log\":\"", 8); o += 8;
  o += json_escape(out + o, data, len);
  o += (size_t)snprintf(out + o, sizeof out - o, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, ts);
  if (w->max_size > 0 && w->size > 0 && w->size + (long long)o > w->max_size) log_rotate(w);
  if (w->fd >= 0 && write_all(w->fd, out, o) == 0) w->size += (long long)o;
}

void log_feed(struct log_writer *w, struct line_buffer *lb, const char *data, size_t len) {
  while (len > 0) {
    const char *nl = memchr(data, '\n', len);
    size_t take = nl ? (size_t)(nl - data) + 1 : len;
    size_t room = sizeof lb->data - lb->len;
    if (take > room) take = room;
    memcpy(lb->data + lb->len, data, take);
    lb->len += take;
    data += take;
    len -= take;
    if (lb->data[lb->len - 1] == '\n' || lb->len == sizeof lb->data) log_flush(w, lb);
  }
}

void log_flush(struct log_writer *w, struct line_buffer *lb) {
  if (lb->len == 0) return;
  log_write_line(w, lb->stream, lb->data, lb->len);
  lb->len = 0;
}

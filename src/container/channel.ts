// Line-oriented talk with the monitor over a unix socket: blocking reads for the short start-up
// exchange (no event loop needed), an async read for the long wait on a foreground container
// (so signal handlers keep running while we wait).

import { closeSync, readSync, writeSync } from "node:fs";
import { HostError } from "../errors";
import { waitReadable } from "../sys/process";

export class LineChannel {
  private buf = "";
  private eof = false;
  private reader?: ReadableStreamDefaultReader<Uint8Array>;
  private decoder = new TextDecoder();

  constructor(readonly fd: number, private what: string) {}

  private takeLine(): string | null {
    const nl = this.buf.indexOf("\n");
    if (nl < 0) return null;
    const line = this.buf.slice(0, nl);
    this.buf = this.buf.slice(nl + 1);
    return line;
  }

  /** Next line, or null at EOF. Throws HostError after timeoutMs without a line. */
  readLineSync(timeoutMs: number): string | null {
    const chunk = Buffer.alloc(4096);
    for (;;) {
      const line = this.takeLine();
      if (line !== null) return line;
      if (this.eof) return null;
      if (!waitReadable(this.fd, timeoutMs)) throw new HostError(`timed out waiting for the ${this.what}`);
      let n: number;
      try { n = readSync(this.fd, chunk, 0, chunk.length, null); } catch (e: any) {
        if (e?.code === "EAGAIN" || e?.code === "EINTR") continue;
        if (e?.code === "ECONNRESET") n = 0; else throw e;
      }
      if (n === 0) { this.eof = true; continue; }
      this.buf += chunk.toString("utf8", 0, n);
    }
  }

  /** Everything until EOF (the sync socket: empty means the exec succeeded). */
  readAllSync(timeoutMs: number): string {
    let out = "";
    for (;;) {
      const line = this.readLineSync(timeoutMs);
      if (line === null) return out + this.buf;
      out += line + "\n";
    }
  }

  async readLine(): Promise<string | null> {
    for (;;) {
      const line = this.takeLine();
      if (line !== null) return line;
      if (this.eof) return null;
      this.reader ??= Bun.file(this.fd).stream().getReader();
      const { done, value } = await this.reader.read();
      if (done) { this.eof = true; continue; }
      this.buf += this.decoder.decode(value, { stream: true });
    }
  }

  write(line: string): boolean {
    try {
      writeSync(this.fd, line);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    try { this.reader?.cancel(); } catch { /* already done */ }
    try { closeSync(this.fd); } catch { /* already closed */ }
  }
}

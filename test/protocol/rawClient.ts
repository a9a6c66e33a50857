// A raw JSON-RPC client for abuse tests: frames messages by hand so it can also send bytes
// no well-behaved client would (garbage bodies, invalid JSON, wrong types), answers every
// server-to-client request with null, and reads the server's memory from /proc.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SERVER } from './lspClient';

export interface Message {
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export class RawServer {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly notifications: Message[] = [];
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number | string, (m: Message) => void>();
  private nextId = 1;
  stderr = '';
  exited: number | null = null;

  constructor() {
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    this.proc.on('exit', (code) => (this.exited = code ?? -1));
    this.proc.stdout.on('data', (d: Buffer) => this.read(d));
    // A write racing the server's own exit (after a framing error it ends by design) fails
    // with EPIPE: the tests observe the exit itself, so the failed write is not an error.
    this.proc.stdin.on('error', () => undefined);
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      const m = JSON.parse(body) as Message;
      if (m.method && m.id !== undefined) this.send({ jsonrpc: '2.0', id: m.id, result: null });
      else if (m.method) this.notifications.push(m);
      else if (m.id !== undefined && m.id !== null) {
        this.pending.get(m.id)?.(m);
        this.pending.delete(m.id);
      }
    }
  }

  sendRaw(body: Buffer | string): void {
    const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`, 'ascii'), b]));
  }

  send(message: object): void {
    this.sendRaw(JSON.stringify(message));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Sends a request; resolves with the response, or rejects after `timeoutMs`. */
  request(method: string, params: unknown, timeoutMs = 15_000): Promise<Message> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return this.await(id, method, timeoutMs);
  }

  /** Sends a request without waiting; `await(id)` later. */
  requestId(method: string, params: unknown): number {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return id;
  }

  await(id: number, what: string, timeoutMs = 15_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no answer to ${what} (#${id}) within ${timeoutMs} ms; exited=${this.exited}; stderr: ${this.stderr.slice(-2000)}`,
            ),
          ),
        timeoutMs,
      );
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  /** Resident memory of the server process in KiB (Linux /proc). */
  rssKiB(): number {
    const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  }

  async stop(): Promise<void> {
    if (this.exited === null) {
      try {
        await this.request('shutdown', null, 5_000);
        this.notify('exit', null);
      } catch {
        /* already gone */
      }
    }
    this.proc.kill();
  }
}

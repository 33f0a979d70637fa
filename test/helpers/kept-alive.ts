/**
 * One HTTP/1.1 connection kept alive by hand (node:net), so a test knows exactly which connection a request
 * travels on — as a load balancer's connection pool does — and sees a reset for what it is.
 */
import net from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

export class KeptAlive {
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: RawResponse) => void; reject: (e: Error) => void } | null = null;
  private closedWith: Error | null = null;
  /** Resolves when the server (or the network) closes the connection. */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    private readonly host: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.deliver();
    });
    socket.on('error', (error) => this.fail(error));
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.fail(new Error('connection closed before an answer'));
        resolve();
      }),
    );
  }

  static open(baseUrl: string): Promise<KeptAlive> {
    const url = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => resolve(new KeptAlive(socket, url.host)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.socket.destroyed || this.closedWith !== null;
  }

  request(
    method: string,
    path: string,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<RawResponse> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const body = options.json === undefined ? '' : JSON.stringify(options.json);
    const headers: Record<string, string> = { host: this.host, ...options.headers };
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const head = [`${method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(`${head}\r\n\r\n${body}`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.closedWith ??= error;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }

  /** Answers carry Content-Length (Fastify always sets it for the routes used here). */
  private deliver(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const [statusLine = '', ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    const waiting = this.waiting;
    this.waiting = null;
    waiting.resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
  }
}

/**
 * A real HTTP receiver for webhook tests: records every request (headers and raw body), answers with the
 * status the test sets, and verifies signatures with the reference Standard Webhooks implementation (the
 * `standardwebhooks` package), independent of twofold's own signing code.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Status codes to answer, in order; the last one repeats. */
  answers: number[];
  /** Waits until `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    answers: [200],
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      received.push({ headers, body });
      const status = receiver.answers.length > 1 ? receiver.answers.shift()! : receiver.answers[0]!;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/**
 * Checks a delivery's signature with the reference implementation at the delivery's own timestamp (for
 * attempts made after the test clock moved on, which `verify` would refuse as too new).
 */
export function signedBy(secret: string, delivery: Received): boolean {
  const at = new Date(Number(delivery.headers['webhook-timestamp']) * 1000);
  const expected = new Webhook(secret).sign(delivery.headers['webhook-id']!, at, delivery.body);
  return delivery.headers['webhook-signature']!.split(' ').includes(expected);
}

/** Verifies a delivery with the reference implementation; returns the parsed payload or throws. */
export function verifyDelivery(
  secret: string,
  delivery: Received,
): { type: string; timestamp: string; data: Record<string, any> } {
  return new Webhook(secret).verify(delivery.body, delivery.headers) as {
    type: string;
    timestamp: string;
    data: Record<string, any>;
  };
}

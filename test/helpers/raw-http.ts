import { connect } from 'node:net';

/** What came back on one raw connection: every status line's code, in order, and the bytes as text. */
export interface RawExchange {
  statuses: number[];
  text: string;
}

export interface RawRequestOptions {
  /** `close`: the client closes its side right after writing (a short body, then a closed socket); `reset`: it destroys the connection. */
  thenClient?: 'wait' | 'close' | 'reset';
  /** Fails the exchange if the server neither answers nor closes by then (a hang is a defect too). */
  timeoutMs?: number;
}

/**
 * Writes raw bytes to an HTTP server over a fresh TCP connection and resolves
 * once the server has closed it (requests should say `Connection: close`, or be
 * malformed enough that the server closes), with the status codes it answered.
 */
export function rawRequest(url: string, parts: ReadonlyArray<string | Buffer>, options: RawRequestOptions = {}): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close within ${timeoutMs} ms for ${JSON.stringify(Buffer.concat(parts.map((p) => Buffer.from(p))).toString('latin1').slice(0, 200))}`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    // A reset after a refused request is an answer too; only the status lines matter.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
      resolve({ statuses, text });
    });
    socket.on('connect', () => {
      for (const part of parts) socket.write(part);
      if (options.thenClient === 'close') socket.end();
      if (options.thenClient === 'reset') socket.resetAndDestroy();
    });
  });
}

/** The JSON body of the last answer in an exchange (de-chunked when sent chunked). */
export function lastJsonBody(exchange: RawExchange): any {
  const start = exchange.text.lastIndexOf('HTTP/1.');
  const split = exchange.text.indexOf('\r\n\r\n', start);
  const head = exchange.text.slice(start, split).toLowerCase();
  let body = exchange.text.slice(split + 4);
  if (/\r\ntransfer-encoding: *chunked/.test(head)) {
    let decoded = '';
    for (;;) {
      const lineEnd = body.indexOf('\r\n');
      const size = parseInt(body.slice(0, lineEnd), 16);
      if (!(size > 0)) break;
      decoded += body.slice(lineEnd + 2, lineEnd + 2 + size);
      body = body.slice(lineEnd + 2 + size + 2);
    }
    body = decoded;
  }
  return JSON.parse(Buffer.from(body, 'latin1').toString('utf8'));
}

/** Whether something accepts TCP connections on a loopback port (a stopped server must not). */
export function portOpen(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ApiResponse } from '../../../lib/api/api-types.js';

/** Debian's `prometheus-alertmanager` package (0.25) installs both; the side-by-side tests skip without them. */
export const alertmanagerBinary = [process.env.ALERTMANAGER_BIN, '/usr/bin/prometheus-alertmanager', '/usr/bin/alertmanager'].find(
  (path): path is string => path !== undefined && existsSync(path),
);
export const amtoolBinary = [process.env.AMTOOL_BIN, '/usr/bin/amtool'].find((path): path is string => path !== undefined && existsSync(path));
export const missingAlertmanager =
  alertmanagerBinary === undefined || amtoolBinary === undefined
    ? 'Alertmanager or amtool not installed (apt-get install prometheus-alertmanager): side-by-side tests skipped'
    : undefined;

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real Alertmanager on a free loopback port with its own storage and no
 * cluster, ready once it logs that it listens. stop() ends it and removes its
 * files.
 */
export async function startAlertmanager(configYaml = 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n'): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tidings-am-'));
  const config = join(dir, 'alertmanager.yml');
  await writeFile(config, configYaml);
  const port = await freePort();
  const child: ChildProcess = spawn(
    alertmanagerBinary!,
    [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=info'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (/msg="Listening on"/.test(log)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`alertmanager exited (${code}) before listening:\n${log}`)));
      child.once('error', reject);
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** tidings' Alertmanager API use case behind a loopback HTTP server, so amtool can talk to it. */
export async function serveOverHttp(call: (method: string, path: string, body?: unknown) => Promise<ApiResponse>): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      call(req.method!, req.url!, text === '' ? undefined : JSON.parse(text)).then(
        (response) => {
          res.writeHead(response.status, { 'content-type': 'application/json' });
          res.end(response.body === undefined ? '' : JSON.stringify(response.body));
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(error.message));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs amtool against one server; resolves with its output, or rejects with what it printed. */
export async function amtool(url: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(amtoolBinary!, [`--alertmanager.url=${url}`, ...args], { timeout: 20_000, env: { ...process.env, TZ: 'UTC' } });
  return stdout;
}

/** An amtool HTTP client configuration that sends `key` as a bearer token (a tenant's Alertmanager needs its key): its flag, and how to remove it. */
export async function amtoolBearer(key: string): Promise<{ flag: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tidings-amtool-'));
  const file = join(dir, 'http.yml');
  await writeFile(file, `authorization:\n  type: Bearer\n  credentials: ${JSON.stringify(key)}\n`);
  return { flag: `--http.config.file=${file}`, remove: () => rm(dir, { recursive: true, force: true }) };
}

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { HttpResponse } from '../shared/http.js';

/**
 * The console's files, built by infra/build-console.ts into the package beside
 * the function (`<root>/functions/api/…` -> `<root>/console/`). This code may
 * sit in the handler file or in a chunk below it, so the root is found from
 * this module's own path. The files are read on first request, never
 * imported, so the api function's init cost does not grow with the console.
 */
export function consoleDirectory(moduleUrl: string): string {
  const path = fileURLToPath(moduleUrl);
  const at = path.lastIndexOf('/functions/api/');
  if (at < 0) throw new Error(`the api function's code is not under functions/api/: ${path}`);
  return `${path.slice(0, at)}/console/`;
}

const CONSOLE_DIR = consoleDirectory(import.meta.url);

/**
 * The console's only sources are its own script and stylesheet, and it talks
 * only to this origin's API; nothing inline runs, and it cannot be framed.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  svg: 'image/svg+xml',
};

let assetNames: Promise<ReadonlySet<string>> | undefined;
const files = new Map<string, Promise<string>>();

function read(relativePath: string): Promise<string> {
  let file = files.get(relativePath);
  if (file === undefined) {
    file = readFile(`${CONSOLE_DIR}${relativePath}`, 'utf8');
    // A failed read (a package without the console) is not remembered: the next request tries again.
    file.catch(() => files.delete(relativePath));
    files.set(relativePath, file);
  }
  return file;
}

function notFound(message: string): HttpResponse {
  return { statusCode: 404, headers: { 'content-type': 'application/json', ...SECURITY_HEADERS }, body: JSON.stringify({ error: message }) };
}

/**
 * Answers a GET of the console: `/console` (or `/console/`, as a browser or
 * a typed address may end it) is the page, `/console/assets/<name>`
 * a file the build's manifest lists (content-hashed names, cached for a year).
 * Every other path under /console is a 404, so nothing else in the package can be read.
 */
export async function serveConsole(method: string, path: string): Promise<HttpResponse> {
  if (method !== 'GET' && method !== 'HEAD') {
    return { statusCode: 405, headers: { 'content-type': 'application/json', allow: 'GET, HEAD' }, body: JSON.stringify({ error: 'the console is read with GET' }) };
  }
  try {
    if (path === '/console' || path === '/console/') {
      const html = await read('index.html');
      return { statusCode: 200, headers: { 'content-type': CONTENT_TYPES.html!, 'cache-control': 'no-cache', ...SECURITY_HEADERS }, body: html };
    }
    const name = path.slice('/console/assets/'.length);
    if (!path.startsWith('/console/assets/')) return notFound(`no console page at ${path}: open /console`);
    assetNames ??= read('manifest.json').then((text) => new Set((JSON.parse(text) as { assets: string[] }).assets));
    if (!(await assetNames).has(name)) return notFound(`no console asset ${name}`);
    const contentType = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
    return {
      statusCode: 200,
      headers: { 'content-type': contentType, 'cache-control': 'public, max-age=31536000, immutable', ...SECURITY_HEADERS },
      body: await read(`assets/${name}`),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      assetNames = undefined;
      return notFound('the console is not built into this package (npm run build builds it)');
    }
    throw error;
  }
}

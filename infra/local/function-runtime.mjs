// @ts-check
/**
 * One local Lambda sandbox: a worker thread that loads one function's bundle
 * (the file `npm run package` deploys) with only that function's environment,
 * then runs one invocation at a time for local-function.ts. Plain JavaScript so
 * that a worker needs no TypeScript loader: it starts as fast as Lambda's runtime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const { bundle, exportName } = /** @type {{ bundle: string; exportName: string }} */ (workerData);

/** Errors cross the thread boundary as plain data; the name is what says what failed. */
const describe = (/** @type {unknown} */ error) =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'Error', message: String(error), stack: undefined };

// Lambda honours NODE_OPTIONS=--enable-source-maps from the function's environment; a worker cannot take it as a flag.
if ((process.env.NODE_OPTIONS ?? '').includes('--enable-source-maps')) process.setSourceMapsEnabled(true);

/** @type {(event: unknown, context: unknown) => Promise<unknown>} */
let handler;
try {
  const module = await import(pathToFileURL(bundle).href);
  if (typeof module[exportName] !== 'function') throw new Error(`${bundle} does not export a function named ${exportName}`);
  handler = module[exportName];
  port.postMessage({ type: 'ready' });
} catch (error) {
  // No invocation may run in a sandbox whose init failed: with no listener, the worker ends once this is sent.
  port.postMessage({ type: 'init-error', error: describe(error) });
}

if (handler !== undefined) {
  const run = handler;
  port.on('message', async (/** @type {{ id: number; event: unknown; context: Record<string, unknown> & { deadline: number } }} */ message) => {
    const { deadline, ...fields } = message.context;
    const context = {
      ...fields,
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      const value = await run(message.event, context);
      port.postMessage({ type: 'result', id: message.id, value });
    } catch (error) {
      port.postMessage({ type: 'error', id: message.id, error: describe(error) });
    }
  });
}

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FunctionError, FunctionInitError, FunctionTimeoutError, LocalFunction } from '../../infra/local/local-function.js';

const dir = mkdtempSync(join(tmpdir(), 'tidings-local-function-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const started: LocalFunction[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((fn) => fn.stop()));
});

/** Writes a bundle as esbuild would emit one: plain ESM with a `handler` export. */
function bundle(name: string, source: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, source);
  return path;
}

function localFunction(path: string, overrides: Partial<ConstructorParameters<typeof LocalFunction>[0]> = {}): LocalFunction {
  const fn = new LocalFunction({
    functionName: 'tidings-test-fixture',
    bundle: path,
    exportName: 'handler',
    environment: { ONLY_MINE: 'yes' },
    timeoutSeconds: 5,
    memorySizeMb: 128,
    region: 'us-east-1',
    maxConcurrency: 2,
    ...overrides,
  });
  started.push(fn);
  return fn;
}

describe('a local function', () => {
  it('sees exactly the environment it is given, not the process that runs it', async () => {
    // Prepare
    process.env.TIDINGS_TEST_HOST_ONLY = 'leaks if seen';
    const fn = localFunction(bundle('env', 'export const handler = async () => ({ ...process.env });'));
    await fn.start();

    // Act
    const seen = await fn.invoke({});

    // Assess
    expect(seen).toEqual({ ONLY_MINE: 'yes' });
    delete process.env.TIDINGS_TEST_HOST_ONLY;
  });

  it('gets a Lambda context whose remaining time counts down from its timeout', async () => {
    const fn = localFunction(
      bundle('context', 'export const handler = async (_event, context) => ({ name: context.functionName, remaining: context.getRemainingTimeInMillis() });'),
      { timeoutSeconds: 3 },
    );
    await fn.start();

    const seen = (await fn.invoke({})) as { name: string; remaining: number };

    expect(seen.name).toBe('tidings-test-fixture');
    expect(seen.remaining).toBeGreaterThan(2000);
    expect(seen.remaining).toBeLessThanOrEqual(3000);
  });

  it('stops an invocation past its timeout, and the next one runs in a fresh sandbox', async () => {
    // Prepare: a handler that never finishes and leaves a trace every 20 ms while it runs.
    const trace = join(dir, 'trace.log');
    writeFileSync(trace, '');
    const fn = localFunction(
      bundle(
        'hang',
        `import { appendFileSync } from 'node:fs';
let invocations = 0;
export const handler = async (event) => {
  invocations++;
  if (event.hang) {
    setInterval(() => appendFileSync(${JSON.stringify(trace)}, '.'), 20);
    return new Promise(() => undefined);
  }
  return { invocations };
};`,
      ),
      { timeoutSeconds: 1 },
    );
    await fn.start();

    // Act
    const started = Date.now();
    const hung = await fn.invoke({ hang: true }).catch((error: unknown) => error);
    const elapsed = Date.now() - started;

    // Assess: failed at the timeout, once its thread had stopped: the trace it left no longer grows.
    expect(hung).toBeInstanceOf(FunctionTimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    const sizeAfterStop = statSync(trace).size;
    expect(sizeAfterStop).toBeGreaterThan(0);
    // Module state starts over, as in a new Lambda sandbox (a new thread takes longer to start than the trace's 20 ms).
    expect(await fn.invoke({})).toEqual({ invocations: 1 });
    expect(statSync(trace).size).toBe(sizeAfterStop);
  });

  it('runs one invocation per sandbox, so a timeout does not fail its neighbour', async () => {
    const fn = localFunction(bundle('mixed', `export const handler = async (event) => (event.hang ? new Promise(() => undefined) : 'done');`), {
      timeoutSeconds: 1,
      maxConcurrency: 2,
    });
    await fn.start();

    const [hung, neighbour] = await Promise.allSettled([
      fn.invoke({ hang: true }),
      // Started together: the hung invocation takes the idle sandbox at once, so this one gets a sandbox of its own.
      fn.invoke({}),
    ]);

    expect(hung.status === 'rejected' && hung.reason).toBeInstanceOf(FunctionTimeoutError);
    expect(neighbour).toEqual({ status: 'fulfilled', value: 'done' });
  });

  it('reports what the handler threw, by its error type', async () => {
    const fn = localFunction(
      bundle(
        'throws',
        `class MissingConfigurationError extends Error { constructor(n) { super('environment variable ' + n + ' is required'); this.name = 'MissingConfigurationError'; } }
export const handler = async () => { throw new MissingConfigurationError('CONFIG_TABLE'); };`,
      ),
    );
    await fn.start();

    const error = await fn.invoke({}).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ errorType: 'MissingConfigurationError' });
    expect((error as Error).message).toContain('environment variable CONFIG_TABLE is required');
  });

  it.each([
    ['throws while loading', `throw new Error('no CONFIG_TABLE at init');\nexport const handler = async () => 1;`, 'no CONFIG_TABLE at init'],
    ['is not valid JavaScript', 'export const handler = async () => {', 'SyntaxError'],
    ['has no handler export', 'export const other = async () => 1;', 'does not export a function named handler'],
  ])('fails to start, naming the function and the cause, when its bundle %s', async (how, source, cause) => {
    const fn = localFunction(bundle(how.replace(/\W+/g, '-'), source));

    const error = await fn.start().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FunctionInitError);
    expect((error as Error).message).toContain('tidings-test-fixture');
    expect((error as Error).message).toContain(cause);
  });

  it('fails to start when its bundle file is missing', async () => {
    const error = await localFunction(join(dir, 'never-built.mjs')).start().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FunctionInitError);
    expect((error as Error).message).toContain('never-built.mjs');
  });
});

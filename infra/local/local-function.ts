import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const RUNTIME = new URL('./function-runtime.mjs', import.meta.url);

/** The function's bundle did not load (syntax error, a throw at module init, no such export): Lambda's Runtime.ImportModuleError. */
export class FunctionInitError extends Error {
  constructor(
    readonly functionName: string,
    cause: { name: string; message: string },
  ) {
    super(`${functionName}: its bundle failed to load: ${cause.name}: ${cause.message}`, { cause });
    this.name = 'FunctionInitError';
  }
}

/** An invocation ran past the function's timeout; its sandbox was discarded, as Lambda does. */
export class FunctionTimeoutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutSeconds: number,
  ) {
    super(`${functionName}: task timed out after ${timeoutSeconds} s; its sandbox was stopped`);
    this.name = 'FunctionTimeoutError';
  }
}

/** The handler threw (`errorType` is the error's own name), or its sandbox died mid-invocation. */
export class FunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly errorType: string,
    message: string,
    stack?: string,
  ) {
    super(`${functionName}: ${errorType}: ${message}`);
    this.name = 'FunctionError';
    if (stack !== undefined) this.stack = `${this.name}: ${this.message}\n  in the function: ${stack}`;
  }
}

export interface LocalFunctionOptions {
  /** Deployed name, e.g. `tidings-local-ingest`. */
  functionName: string;
  /** The bundle file and the export Lambda calls. */
  bundle: string;
  exportName: string;
  /** The whole environment the function sees: nothing of this process's is inherited. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySizeMb: number;
  region: string;
  /** Sandboxes that may run at once (each runs one invocation at a time, as in Lambda). */
  maxConcurrency: number;
  /** Where the function's stdout and stderr go (its logs, as CloudWatch would get them); this process's own by default. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

interface Sandbox {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  /** The invocation in flight, settled by the worker's answer, its death or the timeout. */
  settle?: (outcome: { value: unknown } | { error: Error }) => void;
}

/**
 * A Lambda function, locally: worker threads ("sandboxes") that each load the
 * function's bundle with only its own environment and run one invocation at a
 * time. A sandbox past the timeout is terminated (the invocation fails, the
 * next one gets a fresh sandbox); so is one whose thread dies.
 */
export class LocalFunction {
  private readonly sandboxes: Sandbox[] = [];
  private readonly waiting: Array<() => void> = [];
  private nextId = 0;
  private stopped = false;

  constructor(private readonly options: LocalFunctionOptions) {}

  /** Starts one sandbox and waits for its init, so a bundle that does not load fails the start, loudly. */
  async start(): Promise<void> {
    this.release(await this.spawnReady());
  }

  async invoke(event: unknown, awsRequestId: string = randomUUID()): Promise<unknown> {
    const { functionName, timeoutSeconds, memorySizeMb, region } = this.options;
    const sandbox = await this.acquire();
    const outcome = await new Promise<{ value: unknown } | { error: Error }>((resolve) => {
      // Lambda's clock starts when a sandbox takes the invocation, not while it waits for one.
      const deadline = Date.now() + timeoutSeconds * 1000;
      const timer = setTimeout(() => {
        sandbox.settle = undefined;
        // The invocation fails once its thread has stopped: nothing of it runs after the caller hears of the timeout.
        void this.discard(sandbox).then(() => resolve({ error: new FunctionTimeoutError(functionName, timeoutSeconds) }));
      }, timeoutSeconds * 1000);
      sandbox.settle = (result) => {
        clearTimeout(timer);
        sandbox.settle = undefined;
        resolve(result);
      };
      sandbox.worker.postMessage({
        id: this.nextId++,
        event,
        context: {
          functionName,
          functionVersion: '$LATEST',
          invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
          memoryLimitInMB: String(memorySizeMb),
          awsRequestId,
          logGroupName: `/aws/lambda/${functionName}`,
          logStreamName: 'local',
          deadline,
        },
      });
    });
    if (this.sandboxes.includes(sandbox)) this.release(sandbox);
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /** Terminates every sandbox. Callers stop sending invocations first (the stack stops HTTP and pollers before). */
  async stop(): Promise<void> {
    this.stopped = true;
    const workers = this.sandboxes.splice(0).map((sandbox) => sandbox.worker);
    this.waiting.splice(0).forEach((wake) => wake());
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  /** A new sandbox, busy, once its init has run; one whose init fails is discarded and the error thrown. */
  private async spawnReady(): Promise<Sandbox> {
    const sandbox = this.spawn();
    sandbox.busy = true;
    try {
      await sandbox.ready;
    } catch (error) {
      void this.discard(sandbox);
      throw error;
    }
    return sandbox;
  }

  private async acquire(): Promise<Sandbox> {
    for (;;) {
      if (this.stopped) throw new FunctionError(this.options.functionName, 'Runtime.Stopped', 'the local stack is stopping');
      const idle = this.sandboxes.find((sandbox) => !sandbox.busy);
      if (idle !== undefined) {
        idle.busy = true;
        return idle;
      }
      // A sandbox that cannot init fails the invocation that wanted it, as Lambda's Runtime.ImportModuleError does.
      if (this.sandboxes.length < this.options.maxConcurrency) return this.spawnReady();
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private release(sandbox: Sandbox): void {
    sandbox.busy = false;
    this.waiting.shift()?.();
  }

  /** Drops a sandbox for good: its thread is terminated, whatever it was doing; resolves once it has stopped. */
  private async discard(sandbox: Sandbox): Promise<void> {
    const index = this.sandboxes.indexOf(sandbox);
    if (index === -1) return;
    this.sandboxes.splice(index, 1);
    // Room for a fresh sandbox: someone waiting may now start one.
    this.waiting.shift()?.();
    await sandbox.worker.terminate();
  }

  private spawn(): Sandbox {
    const { functionName, bundle, exportName, environment, memorySizeMb } = this.options;
    const worker = new Worker(RUNTIME, {
      workerData: { bundle, exportName },
      // A copy of exactly this function's variables: the worker cannot see or change this process's.
      env: { ...environment },
      // Not this process's flags (e.g. tsx's loader): the bundle is plain JavaScript, as in Lambda.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: memorySizeMb },
      stdout: this.options.onOutput !== undefined,
      stderr: this.options.onOutput !== undefined,
    });
    const onOutput = this.options.onOutput;
    if (onOutput !== undefined) {
      worker.stdout.setEncoding('utf8').on('data', (text: string) => onOutput(text, 'stdout'));
      worker.stderr.setEncoding('utf8').on('data', (text: string) => onOutput(text, 'stderr'));
    }
    // A sandbox never keeps the local stack's process alive.
    worker.unref();
    const sandbox: Sandbox = { worker, busy: false, ready: undefined as unknown as Promise<void> };
    sandbox.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: { type: string; error?: { name: string; message: string; stack?: string }; value?: unknown }) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error') reject(new FunctionInitError(functionName, message.error!));
        else if (message.type === 'result') sandbox.settle?.({ value: message.value });
        else if (message.type === 'error') {
          const { name, message: text, stack } = message.error!;
          sandbox.settle?.({ error: new FunctionError(functionName, name, text, stack) });
        }
      });
      // An uncaught exception or unhandled rejection, or out of memory: Lambda resets such a sandbox too.
      worker.on('error', (error) => {
        reject(new FunctionInitError(functionName, error));
        sandbox.settle?.({ error: new FunctionError(functionName, 'Runtime.ExitError', error.message, error.stack) });
        void this.discard(sandbox);
      });
      worker.on('exit', (code) => {
        reject(new FunctionInitError(functionName, { name: 'Runtime.ExitError', message: `exited with code ${code} during init` }));
        sandbox.settle?.({ error: new FunctionError(functionName, 'Runtime.ExitError', `the sandbox exited with code ${code}`) });
        void this.discard(sandbox);
      });
    });
    // Handled by whoever awaits it; never an unhandled rejection when nobody does.
    sandbox.ready.catch(() => undefined);
    this.sandboxes.push(sandbox);
    return sandbox;
  }
}

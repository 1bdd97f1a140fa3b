/**
 * Modules that only some paths need (the RE2 engine, cron schedules), loaded
 * on first need instead of at cold start. Code that needs one synchronously
 * calls `get()`: once loaded it answers at once; before that it throws
 * ModuleNotLoadedError, which `withLazyModules` answers by loading the module
 * and running its function again.
 */
export class LazyModule<M> {
  #loaded: M | undefined;
  #loading: Promise<M> | undefined;

  constructor(
    readonly name: string,
    private readonly importer: () => Promise<M>,
  ) {}

  /** Imports the module once; concurrent callers share the import. A failed import surfaces here and is tried again by the next call. */
  load(): Promise<M> {
    if (this.#loaded !== undefined) return Promise.resolve(this.#loaded);
    this.#loading ??= this.importer().then(
      (module) => (this.#loaded = module),
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /** Hands over the module imported statically by a function that needs it on every path, so it is part of that function's cold start. */
  provide(module: M): void {
    this.#loaded = module;
  }

  /** The module, if loaded; else ModuleNotLoadedError. */
  get(): M {
    if (this.#loaded === undefined) throw new ModuleNotLoadedError(this);
    return this.#loaded;
  }
}

/** A lazily loaded module was needed before it was loaded. Never caught as a domain error: only `withLazyModules` handles it. */
export class ModuleNotLoadedError extends Error {
  constructor(readonly module: LazyModule<unknown>) {
    super(`${module.name} is needed but not loaded yet: run the caller through withLazyModules`);
    this.name = 'ModuleNotLoadedError';
  }
}

/**
 * Runs `run`, and if it needed a module not loaded yet, loads that module
 * and runs it again (once per module). Only for functions without effects
 * before their last lazily loaded need, such as compiling matchers, rules or
 * templates before anything is written: running them twice must be the same
 * as running them once.
 */
export async function withLazyModules<T>(run: () => T | Promise<T>): Promise<T> {
  const loaded = new Set<LazyModule<unknown>>();
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof ModuleNotLoadedError) || loaded.has(error.module)) throw error;
      loaded.add(error.module);
      await error.module.load();
    }
  }
}

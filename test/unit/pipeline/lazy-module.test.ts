import { describe, expect, it } from 'vitest';
import { LazyModule, ModuleNotLoadedError, withLazyModules } from '../../../lib/pipeline/lazy-module.js';

/** A module whose import is counted, and fails while `failing` is set. */
function aCountedModule(name = 'counted') {
  const state = { imports: 0, failing: false };
  const module = new LazyModule(name, async () => {
    state.imports++;
    if (state.failing) throw new Error(`cannot load ${name}`);
    return { answer: 42 };
  });
  return { module, state };
}

describe('LazyModule', () => {
  it('is not loaded until asked for, and refuses synchronous use before that', () => {
    const { module, state } = aCountedModule();

    expect(() => module.get()).toThrow(ModuleNotLoadedError);
    expect(state.imports).toBe(0);
  });

  it('imports once, however many callers ask at once or later', async () => {
    const { module, state } = aCountedModule();

    await Promise.all([module.load(), module.load(), module.load()]);
    await module.load();

    expect(state.imports).toBe(1);
    expect(module.get()).toEqual({ answer: 42 });
  });

  it('surfaces a failed import to its caller and tries again on the next call', async () => {
    const { module, state } = aCountedModule('broken');
    state.failing = true;

    await expect(module.load()).rejects.toThrow('cannot load broken');
    expect(() => module.get()).toThrow(ModuleNotLoadedError);
    state.failing = false;
    await module.load();

    expect(state.imports).toBe(2);
    expect(module.get()).toEqual({ answer: 42 });
  });
});

describe('withLazyModules', () => {
  it('loads a module the function needed and runs it again, once', async () => {
    const { module, state } = aCountedModule();
    let runs = 0;

    const result = await withLazyModules(() => {
      runs++;
      return module.get().answer;
    });

    expect(result).toBe(42);
    expect(runs).toBe(2);
    expect(state.imports).toBe(1);
  });

  it('loads each module a function needs in turn', async () => {
    const first = aCountedModule('first');
    const second = aCountedModule('second');
    let runs = 0;

    const result = await withLazyModules(async () => {
      runs++;
      return first.module.get().answer + second.module.get().answer;
    });

    expect(result).toBe(84);
    expect(runs).toBe(3);
  });

  it('runs once when what it needs is loaded already', async () => {
    const { module } = aCountedModule();
    await module.load();
    let runs = 0;

    await withLazyModules(() => {
      runs++;
      return module.get();
    });

    expect(runs).toBe(1);
  });

  it("passes the function's own errors through, and a failed import as the import's error", async () => {
    const { module, state } = aCountedModule('broken');
    state.failing = true;

    await expect(withLazyModules(() => Promise.reject(new RangeError('own error')))).rejects.toThrow(RangeError);
    await expect(withLazyModules(() => module.get())).rejects.toThrow('cannot load broken');
  });
});

import { describe, expect, it } from 'vitest';
import { consoleDirectory } from '../../../functions/api/console-assets.js';

describe('consoleDirectory', () => {
  it('finds the console beside functions/ whether the code is in the handler or in a chunk below it', () => {
    expect(consoleDirectory('file:///var/task/dist/functions/api/handler.mjs')).toBe('/var/task/dist/console/');
    expect(consoleDirectory('file:///var/task/dist/functions/api/chunks/chunk-XH2KM7P6.mjs')).toBe('/var/task/dist/console/');
    expect(consoleDirectory('file:///cache/0a1b/functions/api/chunks/chunk-1.mjs')).toBe('/cache/0a1b/console/');
  });
});

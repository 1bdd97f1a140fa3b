import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localAdminKey } from '../../infra/local/admin-key.js';

describe('localAdminKey', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-admin-key-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('keeps a generated key in the data directory, the same across restarts, and says how to read it', () => {
    const dir = dataDir();

    const first = localAdminKey(undefined, dir);
    const again = localAdminKey(undefined, dir);

    expect(first.key).toMatch(/^tdga_/);
    expect(again.key).toBe(first.key);
    expect(readFileSync(join(dir, 'admin-key'), 'utf8').trim()).toBe(first.key);
    expect(first.where).toContain(`cat ${join(dir, 'admin-key')}`);
  });

  it('in memory writes the key nowhere and says so, with how to choose one, instead of pointing at a file that is not there', () => {
    const dir = dataDir();
    const cwdBefore = readdirSync(process.cwd());

    const inMemory = localAdminKey(undefined, undefined);

    expect(inMemory.key).toMatch(/^tdga_/);
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(process.cwd())).toEqual(cwdBefore);
    expect(inMemory.where).not.toContain('admin-key');
    expect(inMemory.where).toContain('TIDINGS_ADMIN_KEY=');
  });

  it('takes TIDINGS_ADMIN_KEY over any kept key and writes no file', () => {
    const dir = dataDir();

    const chosen = localAdminKey('my-local-key', dir);

    expect(chosen).toEqual({ key: 'my-local-key', where: 'from TIDINGS_ADMIN_KEY' });
    expect(existsSync(join(dir, 'admin-key'))).toBe(false);
  });
});

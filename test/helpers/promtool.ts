import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Debian's `prometheus` package (2.42) installs promtool; the tests that need it skip without it. */
export const promtoolBinary = [process.env.PROMTOOL_BIN, '/usr/bin/promtool'].find((path): path is string => path !== undefined && existsSync(path));
export const missingPromtool = promtoolBinary === undefined ? 'promtool not installed (apt-get install prometheus): rule file checks skipped' : undefined;

/** Runs promtool with files written to a temporary directory; resolves with what it printed, exit code included. */
export async function promtool(files: Record<string, string>, ...args: string[]): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tidings-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    try {
      const { stdout, stderr } = await promisify(execFile)(promtoolBinary!, args, { cwd: dir, timeout: 60_000 });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

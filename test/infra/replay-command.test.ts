import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `npm run replay -- <args>` as a user's shell would: without the variable vitest sets for its own workers. */
function replay(args: string[]): Promise<{ code: number | null; output: string }> {
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _set, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/replay.ts', ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('npm run replay', () => {
  it("prints no AWS SDK Node-version notice, as npm start does not, and says plainly when SQS cannot be reached", async () => {
    // Prepare: a port nothing listens on.
    const port = await freePort();

    // Act
    const { code, output } = await replay(['--queue', 'delivery', '--endpoint', `http://127.0.0.1:${port}`]);

    // Assess
    expect(code).toBe(1);
    expect(output).not.toContain('NodeVersionSupportWarning');
    expect(output).toContain(`replay: could not reach SQS at http://127.0.0.1:${port}`);
    expect(output).not.toMatch(/\n\s+at /);
  }, 30_000);
});

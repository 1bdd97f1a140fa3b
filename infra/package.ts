import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { buildFunctions } from './build.js';

/**
 * `npm run package`: bundles the functions and runs the Serverless Framework's
 * `package`, which writes the CloudFormation template to .serverless/. Needs no
 * AWS account: dummy credentials satisfy the framework, nothing is called.
 */
const stage = process.argv[2] ?? 'dev';
await buildFunctions();
const serverlessBin = createRequire(import.meta.url).resolve('osls/bin/serverless.js');
const result = spawnSync(process.execPath, [serverlessBin, 'package', '--stage', stage], {
  stdio: 'inherit',
  env: {
    ...process.env,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'packaging-only',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'packaging-only',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  },
});
process.exit(result.status ?? 1);

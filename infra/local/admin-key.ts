import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The operator key of a local stack, and a line telling the user where to find it again. */
export interface LocalAdminKey {
  key: string;
  /** Where the key lives, with what to type to use it; `npm start` prints it under the key. */
  where: string;
}

/**
 * `TIDINGS_ADMIN_KEY` if set; else the key kept in the data directory
 * (generated on first start, so it survives restarts); else, in memory, a new
 * key each start that is written nowhere, which `where` says, since
 * `cat .tidings/admin-key` cannot find it.
 */
export function localAdminKey(fromEnv: string | undefined, dataDir: string | undefined): LocalAdminKey {
  if (fromEnv !== undefined && fromEnv !== '') return { key: fromEnv, where: 'from TIDINGS_ADMIN_KEY' };
  if (dataDir === undefined) {
    return { key: newAdminKey(), where: 'in memory only, new at each start; TIDINGS_ADMIN_KEY=<key> npm start -- --in-memory chooses it' };
  }
  const path = join(dataDir, 'admin-key');
  if (!existsSync(path)) writeFileSync(path, newAdminKey() + '\n', { mode: 0o600 });
  return { key: readFileSync(path, 'utf8').trim(), where: `kept in ${path}: KEY=$(cat ${path})` };
}

function newAdminKey(): string {
  return 'tdga_' + randomBytes(24).toString('base64url');
}

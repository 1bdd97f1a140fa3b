import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A stored credential: only the SHA-256 of the token is kept. */
export interface ClusterTokenHash {
  hash: string;
  createdAt: string;
  /** Set when the token was rotated out or revoked; it stops working at this time. */
  expiresAt?: string;
}

/** A source of signals with its own ingest URL and credential. */
export interface Cluster {
  id: string;
  accountId: string;
  /** Stamped on every alert as the `cluster` label. */
  name: string;
  tokens: ClusterTokenHash[];
  createdAt: string;
}

/** Loads clusters by id; ingest resolves identity through it on every request. */
export interface ClusterStore {
  get(clusterId: string): Promise<Cluster | undefined>;
  create(cluster: Cluster): Promise<void>;
  listByAccount(accountId: string): Promise<Cluster[]>;
}

const TOKEN_PREFIX = 'tdg_';

/**
 * Issues a new cluster token. Tokens carry 256 random bits, so a plain SHA-256
 * is a sufficient one-way hash (no salt or slow KDF is needed for secrets that
 * cannot be guessed), and ingest can verify one with a single hash per request.
 */
export function issueClusterToken(now: Date): { token: string; stored: ClusterTokenHash } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, stored: { hash: hashToken(token), createdAt: now.toISOString() } };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether a presented token matches one of the cluster's live tokens; constant-time per comparison. */
export function verifyClusterToken(cluster: Cluster, presented: string, now: Date): boolean {
  const presentedHash = Buffer.from(hashToken(presented), 'hex');
  let matched = false;
  for (const stored of cluster.tokens) {
    if (stored.expiresAt !== undefined && Date.parse(stored.expiresAt) <= now.getTime()) continue;
    if (timingSafeEqual(presentedHash, Buffer.from(stored.hash, 'hex'))) matched = true;
  }
  return matched;
}

/** Cluster ids appear in ingest URLs: short, URL-safe, unguessable enough not to enumerate. */
export function newClusterId(): string {
  return 'c-' + randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').toLowerCase();
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A stored credential: only the SHA-256 of the token is kept. */
export interface ClusterTokenHash {
  /** Names the token in the API (rotation, revocation); tokens from before ids existed have none. */
  id?: string;
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
  /** When set, every request must carry a valid X-Tidings-Signature made with one of these (sealed) secrets. */
  signingSecrets?: string[];
  createdAt: string;
}

/** Loads clusters by id; ingest resolves identity through it on every request. */
export interface ClusterStore {
  get(clusterId: string): Promise<Cluster | undefined>;
  create(cluster: Cluster): Promise<void>;
  /** Replaces an existing cluster (tokens, signing). */
  replace(cluster: Cluster): Promise<void>;
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
  return { token, stored: { id: randomBytes(4).toString('hex'), hash: hashToken(token), createdAt: now.toISOString() } };
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

/**
 * Rotation: a new token, and every older live token kept working for the
 * overlap (so senders can be switched over), then refused.
 */
export function rotateTokens(cluster: Cluster, now: Date, overlapMs: number): { token: string; cluster: Cluster } {
  const { token, stored } = issueClusterToken(now);
  const until = new Date(now.getTime() + overlapMs).toISOString();
  const tokens = cluster.tokens.map((t) =>
    t.expiresAt !== undefined && Date.parse(t.expiresAt) <= now.getTime() + overlapMs ? t : { ...t, expiresAt: until },
  );
  return { token, cluster: { ...cluster, tokens: [...tokens, stored] } };
}

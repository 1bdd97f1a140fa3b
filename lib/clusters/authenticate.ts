import { verifyClusterToken, type Cluster, type ClusterStore } from './cluster.js';

/** The credential is missing, unknown or expired; answered with 401 and no detail about which. */
export class UnauthorizedError extends Error {
  constructor() {
    super('missing or invalid credentials');
    this.name = 'UnauthorizedError';
  }
}

/** Resolves the sender's identity from its credential: the only source of the cluster and account an alert carries. */
export async function authenticateCluster(
  clusters: ClusterStore,
  clusterId: string,
  token: string | undefined,
  now: Date,
): Promise<Cluster> {
  if (token === undefined) throw new UnauthorizedError();
  const cluster = await clusters.get(clusterId);
  if (cluster === undefined || !verifyClusterToken(cluster, token, now)) throw new UnauthorizedError();
  return cluster;
}

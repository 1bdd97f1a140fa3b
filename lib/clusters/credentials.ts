/**
 * Extracts the token a sender presented: `Authorization: Bearer <token>` (Prometheus
 * `authorization.credentials`, the API server's audit webhook kubeconfig) or Basic
 * auth with the token as the password (Alertmanager `http_config.basic_auth`).
 */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
  const value = rest.join(' ');
  if (value === '') return undefined;
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return value;
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon === -1 ? undefined : decoded.slice(colon + 1) || undefined;
    }
    default:
      return undefined;
  }
}

const KNOWN_SCHEMES = new Set(['bearer', 'basic']);

/**
 * Extracts the token a sender presented: `Authorization: Bearer <token>` (Prometheus
 * `authorization.credentials`, the API server's audit webhook kubeconfig), Basic
 * auth with the token as the password (Alertmanager `http_config.basic_auth`), or
 * the bare token with no scheme, as notification-manager's webhook before v1.4.0
 * sends its `bearerToken`.
 */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
  const value = rest.join(' ');
  // One word is the token itself, unless it is a scheme sent without its credentials.
  if (value === '') return scheme === '' || KNOWN_SCHEMES.has(scheme.toLowerCase()) ? undefined : scheme;
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

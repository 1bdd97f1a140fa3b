/** Loads the Kubernetes fixtures and builds evaluation contexts for the rules tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EvaluationContext, NamespaceAccess } from '../../../lib/rules/index.js';

type Json = Record<string, unknown>;

function load(name: string): Record<string, Json> {
  const url = new URL(`../../fixtures/kubernetes/${name}`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as Record<string, Json>;
}

function pick(all: Record<string, Json>, file: string): (name: string) => Json {
  return (name) => {
    const found = all[name];
    if (found === undefined) throw new Error(`No fixture "${name}" in ${file}`);
    return structuredClone(found);
  };
}

export const coreEvent = pick(load('core-v1-events.json'), 'core-v1-events.json');
export const eventsV1Event = pick(load('events-k8s-io-v1-events.json'), 'events-k8s-io-v1-events.json');
export const enhancedEvent = pick(load('exporter-enhanced-events.json'), 'exporter-enhanced-events.json');
export const auditEvent = pick(load('audit-events.json'), 'audit-events.json');
export const auditEventList = (): { items: Json[] } => load('audit-event-list.json') as unknown as { items: Json[] };

/** Namespace ownership used across the tests: shop belongs to team-shop, payments to team-pay. */
export const NAMESPACES: Record<string, NamespaceAccess> = {
  shop: { workspace: 'storefront', tenants: new Set(['team-shop']) },
  payments: { workspace: 'finance', tenants: new Set(['team-pay']) },
  'kube-system': { tenants: new Set() },
  'cert-manager': { tenants: new Set() },
  default: { tenants: new Set(['team-shop']) },
};

/** A context for cluster "prod-eu" at a fixed time, with optional access overrides. */
export function context(overrides: Partial<EvaluationContext> = {}): EvaluationContext & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    cluster: 'prod-eu',
    now: new Date('2024-05-14T08:15:00Z'),
    namespaceAccess: (namespace) => {
      lookups.push(namespace);
      return NAMESPACES[namespace] ?? { tenants: new Set() };
    },
    ...overrides,
    lookups,
  };
}

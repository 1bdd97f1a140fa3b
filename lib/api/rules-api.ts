import * as z from 'zod';
import type { ConfigStores, RuleStores } from '../configs/config-stores.js';
import { ruleSetInputs } from '../filter/filter-signals.js';
import type { StoredDefinitions, StoredRule } from '../filter/rule-config.js';
import { mergeDefinitions, validateDefinitions, type Definitions } from '../rules/definitions.js';
import { compileRule, type RuleOwner, type RuleSpec } from '../rules/rule.js';
import { assertNoUnknownBareWords } from '../rules/bare-words.js';
import { defaultDefinitions } from '../rules/default-rules.js';
import { compileRuleSet, dryRun } from '../rules/rule-set.js';
import { GLOBAL_OWNER, ownerOf } from '../tenancy/owner.js';
import { parseWith } from './api-types.js';
import { alertSchema } from '../alert/alert-schema.js';

/** The body of PUT .../rules/:name. */
export const ruleBodySchema = z.strictObject({
  signal: z.enum(['event', 'audit']),
  condition: z.string().min(1),
  enabled: z.boolean().default(true),
  kind: z.enum(['alert', 'drop']).default('alert'),
  severity: z.enum(['critical', 'error', 'warning', 'info']).default('warning'),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  scope: z
    .discriminatedUnion('level', [
      z.strictObject({ level: z.literal('cluster'), cluster: z.string().optional() }),
      z.strictObject({ level: z.literal('workspace'), workspace: z.string().min(1), cluster: z.string().optional() }),
      z.strictObject({ level: z.literal('namespace'), namespace: z.string().min(1), cluster: z.string().optional() }),
    ])
    .default({ level: 'cluster' }),
  resolveAfterSeconds: z.number().int().optional(),
});

/** The body of PUT .../rule-definitions. */
export const definitionsBodySchema = z.strictObject({
  lists: z.record(z.string(), z.array(z.union([z.string(), z.number()]))).optional(),
  macros: z.record(z.string(), z.string()).optional(),
  aliases: z.record(z.string(), z.string()).optional(),
});

const ruleOwnerSchema = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('global') }), z.strictObject({ type: z.literal('tenant'), tenantId: z.string() })]);

/** A rule as written, with its name and owner (the shipped default rules are shown so). */
export const ruleSpecSchema = ruleBodySchema.extend({ name: z.string(), owner: ruleOwnerSchema });

/** A rule as stored and shown. */
export const storedRuleSchema = ruleSpecSchema.extend({
  accountId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});

const ownerSchema = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('global') }), z.strictObject({ kind: z.literal('tenant'), tenantId: z.string() })]);

/** An owner's lists, macros and aliases; `version` 0 and no owner while none were written. */
export const storedDefinitionsSchema = definitionsBodySchema.extend({ accountId: z.string().optional(), owner: ownerSchema.optional(), version: z.number().int() });

/** The body of POST .../rules-dry-run: a sample Kubernetes event or audit event. */
export const dryRunBodySchema = z.strictObject({ event: z.record(z.string(), z.unknown()), cluster: z.string().default('') });

/** What a sample signal would do (see {@link dryRunRules}). */
export const dryRunReportSchema = z.strictObject({
  signal: z.enum(['event', 'audit']),
  namespace: z.string(),
  dropped: z.boolean(),
  matches: z.array(
    z.strictObject({ rule: z.string(), owner: ruleOwnerSchema, kind: z.enum(['alert', 'drop']), outcome: z.enum(['alert', 'drop', 'dropped-by-rule']), alert: alertSchema.optional() }),
  ),
  outOfScope: z.array(z.string()),
  alerts: z.array(alertSchema),
  rejectedRules: z.array(z.strictObject({ name: z.string(), error: z.string() })),
});

function ruleOwnerOf(tenantId: string | undefined): RuleOwner {
  return tenantId === undefined ? { type: 'global' } : { type: 'tenant', tenantId };
}

/** The definitions a rule of this owner can use: the operator's, and the tenant's layered over them. */
async function definitionsFor(accountId: string, tenantId: string | undefined, stores: RuleStores): Promise<Definitions> {
  const global = mergeDefinitions(defaultDefinitions, await stores.definitions.get(accountId, GLOBAL_OWNER));
  if (tenantId === undefined) return global;
  return mergeDefinitions(global, await stores.definitions.get(accountId, ownerOf(tenantId)));
}

/**
 * Creates or replaces a rule. The condition is compiled now, with the
 * owner's lists, macros and aliases, so a syntax error answers 400 with its
 * position and what was expected, and no broken rule reaches the filter.
 */
export async function putRule(
  accountId: string,
  tenantId: string | undefined,
  name: string,
  body: unknown,
  expectedVersion: number | undefined,
  deps: { rules: RuleStores; now: () => Date },
): Promise<StoredRule> {
  const request = parseWith(ruleBodySchema, body);
  const spec = { name, owner: ruleOwnerOf(tenantId), ...request } as RuleSpec;
  const definitions = await definitionsFor(accountId, tenantId, deps.rules);
  compileRule(spec, definitions);
  assertNoUnknownBareWords(spec.condition, definitions);
  const current = await deps.rules.rules.get(accountId, ownerOf(tenantId), name);
  const version = expectedVersion ?? current?.version ?? 0;
  const now = deps.now().toISOString();
  const rule: StoredRule = { ...spec, accountId, createdAt: current?.createdAt ?? now, updatedAt: now, version: version + 1 };
  await deps.rules.rules.put(accountId, ownerOf(tenantId), name, rule, version);
  return rule;
}

export async function listRules(accountId: string, tenantId: string | undefined, stores: RuleStores): Promise<StoredRule[]> {
  return stores.rules.all(accountId, ownerOf(tenantId));
}

/** Replaces an owner's lists, macros and aliases after checking them for cycles and undefined names. */
export async function putDefinitions(
  accountId: string,
  tenantId: string | undefined,
  body: unknown,
  expectedVersion: number | undefined,
  deps: { rules: RuleStores },
): Promise<StoredDefinitions> {
  const request = parseWith(definitionsBodySchema, body) as Definitions;
  const available = tenantId === undefined ? undefined : await definitionsFor(accountId, undefined, deps.rules);
  validateDefinitions(request, available);
  const visible = mergeDefinitions(available, request);
  for (const [name, text] of Object.entries(request.macros ?? {})) assertNoUnknownBareWords(text, visible, name);
  const owner = ownerOf(tenantId);
  const current = await deps.rules.definitions.get(accountId, owner);
  const version = expectedVersion ?? current?.version ?? 0;
  const stored: StoredDefinitions = { ...request, accountId, owner, version: version + 1 };
  await deps.rules.definitions.put(stored, version);
  return stored;
}

/**
 * Which rules match a sample event or audit event, and what alert each would
 * produce. A tenant's dry run uses only that tenant's rules, so it reveals
 * nothing about the operator's or other tenants' rules.
 */
export async function dryRunRules(
  accountId: string,
  tenantId: string | undefined,
  body: unknown,
  deps: { rules: RuleStores; stores: ConfigStores; now: () => Date },
): Promise<z.infer<typeof dryRunReportSchema>> {
  const request = parseWith(dryRunBodySchema, body);
  const [stored, definitions, settings] = await Promise.all([
    deps.rules.rules.all(accountId),
    deps.rules.definitions.all(accountId),
    deps.stores.settings.get(accountId, 'ACCOUNT'),
  ]);
  const own = tenantId === undefined ? stored : stored.filter((r) => r.owner.type === 'tenant' && r.owner.tenantId === tenantId);
  const inputs = ruleSetInputs(own, definitions, tenantId === undefined && settings?.defaultRules !== false);
  const ruleSet = compileRuleSet(inputs.specs, inputs.definitions);
  const namespace = String(
    (request.event.involvedObject as Record<string, unknown> | undefined)?.namespace ??
      (request.event.objectRef as Record<string, unknown> | undefined)?.namespace ??
      '',
  );
  const entries = namespace === '' ? [] : await deps.stores.access.tenantsOf(accountId, request.cluster, namespace);
  const report = dryRun(ruleSet, request.event, {
    cluster: request.cluster,
    now: deps.now(),
    namespaceAccess: () => ({ tenants: new Set(entries.map((e) => e.tenantId)) }),
  });
  return { ...report, rejectedRules: ruleSet.rejected.map((r) => ({ name: r.spec.name, error: r.error.message })) };
}

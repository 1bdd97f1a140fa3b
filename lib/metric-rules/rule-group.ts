import * as z from 'zod';
import { LABEL_NAME } from '../alert/labels.js';
import { nodeBuilderSchema, workloadBuilderSchema } from './expr-builder.js';

/** Where a rule group applies: a tenant's namespace, one cluster, or several clusters (KubeSphere's RuleGroup, ClusterRuleGroup, GlobalRuleGroup). */
export type RuleGroupLevel = 'namespace' | 'cluster' | 'global';

/** Which rule group: a tenant's namespace groups are named per tenant, the others per account. */
export type RuleGroupRef = { level: 'namespace'; tenantId: string; name: string } | { level: 'cluster' | 'global'; name: string };

/** Prometheus' duration syntax, units in its order (`1h30m`, `5m`, `0s`), as rulefmt accepts it. */
export const prometheusDurationSchema = z
  .string()
  .regex(/^(0|(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?)$/, 'must be a Prometheus duration such as 30s, 5m or 1h30m (units from y to ms, in that order)');

const labelNameSchema = z.string().regex(LABEL_NAME, 'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)');
const severitySchema = z.enum(['critical', 'error', 'warning', 'info']);
export type Severity = z.infer<typeof severitySchema>;

/** From the highest to the lowest: a firing level mutes the levels after it. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'error', 'warning', 'info'];

export const comparatorSchema = z.enum(['<', '<=', '>', '>=', '==', '!=']);
export type Comparator = z.infer<typeof comparatorSchema>;

/** Labels tidings sets on every metric alert; a rule may not write them. */
export const RESERVED_LABELS = ['alertname', 'alerttype', 'rule_group', 'rule_level', 'severity', 'cluster', 'namespace'] as const;

const levelSchema = z.strictObject({
  comparator: comparatorSchema,
  threshold: z.number().refine(Number.isFinite, 'must be a finite number'),
  severity: severitySchema,
});
export type RuleLevel = z.infer<typeof levelSchema>;

const selectorSchema = z.union([
  z.strictObject({ inValues: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ matcher: z.strictObject({ type: z.enum(['=', '!=', '=~', '!~']), value: z.string() }) }),
]);
/** A KubeSphere selector over cluster or namespace names: a list of values, or one matcher. */
export type NameSelector = z.infer<typeof selectorSchema>;

function ruleSchema<B extends z.ZodType>(builder: B) {
  return z
    .strictObject({
      alert: z.string().min(1).max(200),
      expr: z.string().min(1).max(16_384).optional(),
      exprBuilder: builder.optional(),
      for: prometheusDurationSchema.optional(),
      keep_firing_for: prometheusDurationSchema.optional(),
      severity: severitySchema.default('warning'),
      levels: z.array(levelSchema).min(1).max(SEVERITY_ORDER.length).optional(),
      inhibitLabels: z.array(labelNameSchema).optional(),
      labels: z.record(labelNameSchema, z.string()).default({}),
      annotations: z.record(labelNameSchema, z.string()).default({}),
      disable: z.boolean().default(false),
    })
    .superRefine((rule, context) => {
      const issue = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
      if ((rule.expr === undefined) === (rule.exprBuilder === undefined)) issue('expr', 'give either expr or exprBuilder');
      if (rule.levels !== undefined) {
        if (rule.expr === undefined) issue('levels', 'levels need an expr without a comparison (exprBuilder has its own threshold)');
        const severities = rule.levels.map((l) => l.severity);
        if (new Set(severities).size !== severities.length) issue('levels', 'each level needs a severity of its own');
        if (rule.levels.length > 1 && (rule.inhibitLabels ?? []).length === 0) {
          issue('inhibitLabels', 'several levels need inhibitLabels: the labels that say two levels fired for the same thing');
        }
      }
      for (const name of Object.keys(rule.labels)) {
        if ((RESERVED_LABELS as readonly string[]).includes(name)) {
          context.addIssue({ code: 'custom', path: ['labels', name], message: 'is set by tidings (use the rule field of that name, or the group)' });
        }
      }
    });
}

const groupFields = {
  enabled: z.boolean().default(true),
  interval: prometheusDurationSchema.optional(),
};

/** `PUT {tenant}/rule-groups/{name}`: one namespace the tenant is bound to, in one cluster or in each where it is. */
export const namespaceGroupBodySchema = z.strictObject({
  ...groupFields,
  namespace: z.string().min(1).max(253),
  cluster: z.string().min(1).optional(),
  rules: z.array(ruleSchema(z.strictObject({ workload: workloadBuilderSchema }))).min(1).max(40),
});

/** `PUT /v1/accounts/{a}/cluster-rule-groups/{name}`: one cluster, no matcher injected. */
export const clusterGroupBodySchema = z.strictObject({
  ...groupFields,
  cluster: z.string().min(1),
  rules: z.array(ruleSchema(z.strictObject({ node: nodeBuilderSchema }))).min(1).max(40),
});

/** `PUT /v1/accounts/{a}/global-rule-groups/{name}`: the clusters and namespaces its selectors name (all clusters by default). */
export const globalGroupBodySchema = z.strictObject({
  ...groupFields,
  clusterSelector: selectorSchema.optional(),
  namespaceSelector: selectorSchema.optional(),
  rules: z.array(ruleSchema(z.never())).min(1).max(40),
});

export type MetricRule = z.infer<typeof namespaceGroupBodySchema>['rules'][number] | z.infer<typeof clusterGroupBodySchema>['rules'][number];

const storedFields = {
  accountId: z.string(),
  name: z.string(),
  /** Ids of the inhibit rules made for this group's levels, deleted with it. */
  inhibitRuleIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
};

/** A tenant's namespace group as stored and answered: the body as validated (defaults filled in), with its tenant. */
export const storedNamespaceGroupSchema = namespaceGroupBodySchema.extend({ ...storedFields, level: z.literal('namespace'), tenantId: z.string() });
export const storedClusterGroupSchema = clusterGroupBodySchema.extend({ ...storedFields, level: z.literal('cluster') });
export const storedGlobalGroupSchema = globalGroupBodySchema.extend({ ...storedFields, level: z.literal('global') });
export const storedRuleGroupSchema = z.discriminatedUnion('level', [storedNamespaceGroupSchema, storedClusterGroupSchema, storedGlobalGroupSchema]);

/** A stored rule group of any level. */
export type StoredRuleGroup = z.output<typeof storedRuleGroupSchema>;

/** What a dry run answers: each rule as run (matchers injected) and the alerts it would produce now, or why its query failed. */
export const ruleGroupDryRunReportSchema = z.strictObject({
  cluster: z.string(),
  evaluatedAt: z.string(),
  /** The group's `enabled` as written: a disabled group is run as if enabled, and says so. */
  enabled: z.boolean(),
  /** Why what is shown is not what clusters evaluate: the group, or some of its rules, disabled. */
  notice: z.string().optional(),
  rules: z.array(
    z.strictObject({
      alert: z.string(),
      expr: z.string(),
      severity: severitySchema,
      /** The rule is disabled: shown as it would run if enabled. */
      disabled: z.literal(true).optional(),
      alerts: z.array(
        z.strictObject({
          labels: z.record(z.string(), z.string()),
          annotations: z.record(z.string(), z.string()),
          // JSON has no NaN or infinities: such a sample value is answered as null.
          value: z.number().nullable(),
          /** `pending` while the rule's `for` holds it back. */
          state: z.enum(['pending', 'firing']),
        }),
      ),
      error: z.string().optional(),
    }),
  ),
});
export type RuleGroupDryRunReport = z.infer<typeof ruleGroupDryRunReportSchema>;

/** Rule groups by reference, with optimistic concurrency on `version` like every config object. */
export interface RuleGroupStore {
  get(accountId: string, ref: RuleGroupRef): Promise<StoredRuleGroup | undefined>;
  /** Every group of the account, or of one level (and, for namespace groups, one tenant). */
  list(accountId: string, filter?: { level: RuleGroupLevel; tenantId?: string }): Promise<StoredRuleGroup[]>;
  put(accountId: string, group: StoredRuleGroup, expectedVersion: number): Promise<void>;
  delete(accountId: string, ref: RuleGroupRef, expectedVersion?: number): Promise<boolean>;
}

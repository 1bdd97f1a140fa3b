/**
 * The shapes of the API answers the console reads, taken from the API's own
 * schemas and views: a change of the API breaks the console's type check.
 * Type-only imports: nothing of lib/ or zod is bundled (the build test checks).
 */
import type { z } from 'zod';
import type {
  alertPathEntrySchema,
  clusterViewSchema,
  clusterWithTokenSchema,
  configViewSchema,
  explainSchema,
  inhibitRuleSchema,
  languagePackViewSchema,
  notificationRecordSchema,
  routerSchema,
  settingsViewSchema,
  signingSecretSchema,
  templateSetSchema,
  tenantExplainSchema,
  testSendResultSchema,
} from '../../lib/api/admin-schemas.js';
import type { gettableAlertSchema } from '../../lib/api/alertmanager-v2.js';
import type { GroupingView, ReceiverView as ApiReceiverView } from '../../lib/api/receivers-api.js';
import type { dryRunReportSchema, storedDefinitionsSchema, storedRuleSchema } from '../../lib/api/rules-api.js';
import type { matcherViewSchema, SilenceView } from '../../lib/api/silences-api.js';
import type { tenantKeySchema, TenantView as ApiTenantView, workspaceSchema } from '../../lib/api/tenants-api.js';
import type { NodeBuilder as ApiNodeBuilder, WorkloadBuilder as ApiWorkloadBuilder } from '../../lib/metric-rules/expr-builder.js';
import type { ruleGroupDryRunReportSchema, StoredRuleGroup } from '../../lib/metric-rules/rule-group.js';
import type { metricsEndpointViewSchema } from '../../lib/metric-rules/metrics-endpoint.js';

export type LabelSet = Record<string, string>;

/** Alertmanager v2's GettableAlert, as tidings answers it. */
export type AmAlert = z.output<typeof gettableAlertSchema>;
export type Matcher = z.output<typeof matcherViewSchema>;
export type Silence = SilenceView;
/** POST {base}/explain: the operator's answer has tenants and routers; a tenant's, whether it may see the alert. */
export type Explanation = z.output<typeof explainSchema> | z.output<typeof tenantExplainSchema>;
export type ReceiverDecision = Explanation['receivers'][number];
export type PathEntry = z.output<typeof alertPathEntrySchema>;
export type NotificationRecord = z.output<typeof notificationRecordSchema>;
export type Grouping = GroupingView;
export type ReceiverView = ApiReceiverView;
/** POST {base}/receivers/{name}/test */
export type TestSendResult = z.output<typeof testSendResultSchema>;
export type TenantView = ApiTenantView;
/** A workspace: a named group of namespaces, possibly across clusters, that tenants are bound to. */
export type Workspace = z.output<typeof workspaceSchema>;
/** POST {base}/tenants/{t}/keys: the key itself, shown this once. */
export type TenantKey = z.output<typeof tenantKeySchema>;
export type ClusterView = z.output<typeof clusterViewSchema>;
/** A cluster as a create or rotate answers it: with the new token, shown this once. */
export type ClusterWithToken = z.output<typeof clusterWithTokenSchema>;
export type RuleView = z.output<typeof storedRuleSchema>;
/** GET/PUT {base}/rule-definitions: the scope's lists, macros and aliases (version 0 while none were written). */
export type RuleDefinitions = z.output<typeof storedDefinitionsSchema>;
/** POST {base}/rules-dry-run */
export type DryRunReport = z.output<typeof dryRunReportSchema>;
/** A channel config: its settings' names only, values never shown. */
export type ConfigView = z.output<typeof configViewSchema>;
export type TemplateSet = z.output<typeof templateSetSchema>;
export type LanguagePack = z.output<typeof languagePackViewSchema>;
export type InhibitRule = z.output<typeof inhibitRuleSchema>;
/** An operator's router: a selector over alert labels and the receivers it sends to. */
export type RouterView = z.output<typeof routerSchema>;
/** GET/PUT /v1/accounts/{a}/settings: `grouping` as receivers inherit it, `ownGrouping` as the account writes it. */
export type AccountSettings = z.output<typeof settingsViewSchema>;
/** A cluster's metrics endpoint for central evaluation: its credentials only as `authorization: "<secret>"`. */
export type MetricsEndpoint = z.output<typeof metricsEndpointViewSchema>;
/** POST …/clusters/{c}/signing-secrets: the secret itself, shown this once. */
export type SigningSecret = z.output<typeof signingSecretSchema>;
export type RuleGroup = StoredRuleGroup;
export type RuleGroupDryRun = z.output<typeof ruleGroupDryRunReportSchema>;
/** The `exprBuilder` of a namespace group's rule (`workload`) and of a cluster group's (`node`). */
export type WorkloadBuilder = ApiWorkloadBuilder;
export type NodeBuilder = ApiNodeBuilder;

/** A list answer; `cursor` names the next page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

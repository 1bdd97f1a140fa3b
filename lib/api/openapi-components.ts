import type * as z from 'zod';
import { alertPathEntrySchema, clusterBodySchema, clusterViewSchema, clusterWithTokenSchema, configBodySchema, configViewSchema, explainBodySchema, explainSchema, inhibitRuleBodySchema, inhibitRuleSchema, languagePackBodySchema, languagePackViewSchema, notificationRecordSchema, replayBodySchema, replayResultSchema, routerBodySchema, routerSchema, settingsBodySchema, settingsViewSchema, signingSecretSchema, templateSetBodySchema, templateSetSchema, tenantExplainSchema, testSendResultSchema, tokenRotationBodySchema } from './admin-schemas.js';
import { groupingSchema, groupingViewSchema, ownGroupingViewSchema, putReceiverSchema, receiverViewSchema, selectorSchema, templatesSchema } from './receivers-api.js';
import { gettableSilenceSchema, matcherViewSchema, muteScopeSchema, postableSilenceSchema, silenceBodySchema, silenceViewSchema } from './silences-api.js';
import { tenantBodySchema, tenantKeySchema, tenantViewSchema, workspaceBodySchema, workspaceSchema } from './tenants-api.js';
import { definitionsBodySchema, dryRunBodySchema, dryRunReportSchema, ruleBodySchema, ruleSpecSchema, storedDefinitionsSchema, storedRuleSchema } from './rules-api.js';
import { alertGroupSchema, alertmanagerStatusSchema, gettableAlertSchema, receiverSchema } from './alertmanager-v2.js';
import { nameSchema } from './api-types.js';
import { clusterGroupBodySchema, globalGroupBodySchema, namespaceGroupBodySchema, prometheusDurationSchema, ruleGroupDryRunReportSchema, storedClusterGroupSchema, storedGlobalGroupSchema, storedNamespaceGroupSchema } from '../metric-rules/rule-group.js';
import { metricsEndpointBodySchema, metricsEndpointViewSchema } from '../metric-rules/metrics-endpoint.js';

/**
 * The schemas the OpenAPI document names, under `components/schemas`: each
 * is emitted once there and referred to by `$ref` wherever it occurs (see
 * lib/api/openapi.ts). The names are part of the published document (client
 * generators name their types after them), so they are chosen here rather
 * than derived from variable names. A schema not listed is inlined, which is
 * valid but repeats it; name the ones that recur.
 */
export const schemaComponents: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>(
  Object.entries({
    AlertPathEntry: alertPathEntrySchema,
    ClusterBody: clusterBodySchema,
    ClusterView: clusterViewSchema,
    ClusterWithToken: clusterWithTokenSchema,
    ConfigBody: configBodySchema,
    ConfigView: configViewSchema,
    ExplainBody: explainBodySchema,
    Explain: explainSchema,
    InhibitRuleBody: inhibitRuleBodySchema,
    InhibitRule: inhibitRuleSchema,
    LanguagePackBody: languagePackBodySchema,
    LanguagePackView: languagePackViewSchema,
    NotificationRecord: notificationRecordSchema,
    ReplayBody: replayBodySchema,
    ReplayResult: replayResultSchema,
    RouterBody: routerBodySchema,
    Router: routerSchema,
    SettingsBody: settingsBodySchema,
    SettingsView: settingsViewSchema,
    SigningSecret: signingSecretSchema,
    TemplateSetBody: templateSetBodySchema,
    TemplateSet: templateSetSchema,
    TenantExplain: tenantExplainSchema,
    TestSendResult: testSendResultSchema,
    TokenRotationBody: tokenRotationBodySchema,
    Grouping: groupingSchema,
    GroupingView: groupingViewSchema,
    OwnGroupingView: ownGroupingViewSchema,
    PutReceiver: putReceiverSchema,
    ReceiverView: receiverViewSchema,
    Selector: selectorSchema,
    Templates: templatesSchema,
    GettableSilence: gettableSilenceSchema,
    MatcherView: matcherViewSchema,
    MuteScope: muteScopeSchema,
    PostableSilence: postableSilenceSchema,
    SilenceBody: silenceBodySchema,
    SilenceView: silenceViewSchema,
    TenantBody: tenantBodySchema,
    TenantKey: tenantKeySchema,
    TenantView: tenantViewSchema,
    WorkspaceBody: workspaceBodySchema,
    Workspace: workspaceSchema,
    DefinitionsBody: definitionsBodySchema,
    DryRunBody: dryRunBodySchema,
    DryRunReport: dryRunReportSchema,
    RuleBody: ruleBodySchema,
    RuleSpec: ruleSpecSchema,
    StoredDefinitions: storedDefinitionsSchema,
    StoredRule: storedRuleSchema,
    AlertGroup: alertGroupSchema,
    AlertmanagerStatus: alertmanagerStatusSchema,
    GettableAlert: gettableAlertSchema,
    AlertmanagerReceiver: receiverSchema,
    Name: nameSchema,
    ClusterGroupBody: clusterGroupBodySchema,
    GlobalGroupBody: globalGroupBodySchema,
    NamespaceGroupBody: namespaceGroupBodySchema,
    PrometheusDuration: prometheusDurationSchema,
    RuleGroupDryRunReport: ruleGroupDryRunReportSchema,
    StoredClusterGroup: storedClusterGroupSchema,
    StoredGlobalGroup: storedGlobalGroupSchema,
    StoredNamespaceGroup: storedNamespaceGroupSchema,
    MetricsEndpointBody: metricsEndpointBodySchema,
    MetricsEndpointView: metricsEndpointViewSchema,
  }),
);

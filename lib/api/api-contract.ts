import * as z from 'zod';
import {
  alertPathEntrySchema,
  clusterBodySchema,
  clusterViewSchema,
  clusterWithTokenSchema,
  configBodySchema,
  configViewSchema,
  explainBodySchema,
  explainSchema,
  historyQuerySchema,
  inhibitRuleBodySchema,
  inhibitRuleSchema,
  languagePackBodySchema,
  languagePackViewSchema,
  notificationRecordSchema,
  replayBodySchema,
  replayResultSchema,
  routerBodySchema,
  routerSchema,
  settingsBodySchema,
  settingsViewSchema,
  signingSecretSchema,
  templateSetBodySchema,
  templateSetSchema,
  tenantExplainSchema,
  testSendResultSchema,
  tokenRotationBodySchema,
} from './admin-schemas.js';
import { alertmanagerOperations, type AlertmanagerOperation } from './alertmanager-v2.js';
import { metricsEndpointBodySchema, metricsEndpointViewSchema } from '../metric-rules/metrics-endpoint.js';
import {
  clusterGroupBodySchema,
  globalGroupBodySchema,
  namespaceGroupBodySchema,
  ruleGroupDryRunReportSchema,
  storedClusterGroupSchema,
  storedGlobalGroupSchema,
  storedNamespaceGroupSchema,
} from '../metric-rules/rule-group.js';
import { pageOf, pageQuerySchema, type OperationContract } from './api-types.js';
import { putReceiverSchema, receiverViewSchema } from './receivers-api.js';
import { definitionsBodySchema, dryRunBodySchema, dryRunReportSchema, ruleBodySchema, ruleSpecSchema, storedDefinitionsSchema, storedRuleSchema } from './rules-api.js';
import { silenceBodySchema, silenceViewSchema } from './silences-api.js';
import { tenantBodySchema, tenantKeySchema, tenantViewSchema, workspaceBodySchema, workspaceSchema } from './tenants-api.js';

/**
 * A route's contract: what it takes and answers, or, for a route that serves
 * a whole API under a greedy parameter (`:rest+`), the operations of that API.
 */
export type RouteContract = OperationContract | { operations: readonly AlertmanagerOperation[] };

const A = '/v1/accounts/:account';
const T = `${A}/tenants/:tenant`;

const noBody = { 204: null };
/** PUT of a named object: 201 when it was created, 200 when replaced. */
const put = (request: z.ZodType, answer: z.ZodType): OperationContract => ({ request, responses: { 200: answer, 201: answer } });
const get = (answer: z.ZodType, query?: z.ZodObject): OperationContract => ({ responses: { 200: answer }, ...(query === undefined ? {} : { query }) });

/** Routes served for the operator (global objects) and for each tenant alike. */
function scopedContracts(base: string): Array<[string, RouteContract]> {
  return [
    [`GET ${base}/receivers`, get(pageOf(receiverViewSchema))],
    [`PUT ${base}/receivers/:name`, put(putReceiverSchema, receiverViewSchema)],
    [`GET ${base}/receivers/:name`, get(receiverViewSchema)],
    [`DELETE ${base}/receivers/:name`, { responses: noBody }],
    [`POST ${base}/receivers/:name/test`, { responses: { 200: testSendResultSchema } }],
    [`GET ${base}/configs`, get(pageOf(configViewSchema))],
    [`PUT ${base}/configs/:name`, put(configBodySchema, configViewSchema)],
    [`DELETE ${base}/configs/:name`, { responses: noBody }],
    [`PUT ${base}/template-sets/:name`, put(templateSetBodySchema, templateSetSchema)],
    [`GET ${base}/template-sets`, get(pageOf(templateSetSchema))],
    [`DELETE ${base}/template-sets/:name`, { responses: noBody }],
    [`PUT ${base}/language-packs/:code`, put(languagePackBodySchema, languagePackViewSchema)],
    [`GET ${base}/language-packs`, get(pageOf(languagePackViewSchema))],
    [`GET ${base}/silences`, get(pageOf(silenceViewSchema), pageQuerySchema.pick({ limit: true }))],
    [`POST ${base}/silences`, { request: silenceBodySchema, responses: { 201: silenceViewSchema } }],
    [`GET ${base}/silences/:id`, get(silenceViewSchema)],
    [`PUT ${base}/silences/:id`, { request: silenceBodySchema, responses: { 200: silenceViewSchema } }],
    [`DELETE ${base}/silences/:id`, { responses: { 200: silenceViewSchema } }],
    [`GET ${base}/inhibit-rules`, get(pageOf(inhibitRuleSchema))],
    [`PUT ${base}/inhibit-rules/:id`, put(inhibitRuleBodySchema, inhibitRuleSchema)],
    [`DELETE ${base}/inhibit-rules/:id`, { responses: noBody }],
    [`GET ${base}/history`, get(pageOf(notificationRecordSchema), historyQuerySchema.extend(pageQuerySchema.shape))],
    [`GET ${base}/alerts/:fingerprint/history`, get(pageOf(alertPathEntrySchema), pageQuerySchema)],
    [`POST ${base}/explain`, { request: explainBodySchema, responses: { 200: base === A ? explainSchema : tenantExplainSchema } }],
    [`GET ${base}/rules`, get(pageOf(storedRuleSchema))],
    [`PUT ${base}/rules/:name`, put(ruleBodySchema, storedRuleSchema)],
    [`GET ${base}/rules/:name`, get(storedRuleSchema)],
    [`DELETE ${base}/rules/:name`, { responses: noBody }],
    [`POST ${base}/rules-dry-run`, { request: dryRunBodySchema, responses: { 200: dryRunReportSchema } }],
    [`GET ${base}/rule-definitions`, get(storedDefinitionsSchema)],
    [`PUT ${base}/rule-definitions`, { request: definitionsBodySchema, responses: { 200: storedDefinitionsSchema } }],
    ...(['GET', 'POST', 'DELETE'] as const).map((method): [string, RouteContract] => [
      `${method} ${base}/alertmanager/:rest+`,
      { operations: alertmanagerOperations.filter((operation) => operation.method === method) },
    ]),
  ];
}

/** A level's metric rule groups: a group as `PUT` takes it and as stored, and a dry run of a group sent as `PUT` takes it. */
function ruleGroupContracts(collection: string, body: z.ZodType, stored: z.ZodType): Array<[string, RouteContract]> {
  return [
    [`GET ${collection}`, get(pageOf(stored))],
    [`PUT ${collection}/:name`, put(body, stored)],
    [`GET ${collection}/:name`, get(stored)],
    [`DELETE ${collection}/:name`, { responses: noBody }],
    [`POST ${collection}-dry-run`, { request: body, query: z.object({ cluster: z.string().optional() }), responses: { 200: ruleGroupDryRunReportSchema } }],
  ];
}

/**
 * Every route's contract, keyed `METHOD pattern` as in lib/api/api-routes.ts.
 * The OpenAPI document is generated from it; test/unit/api/openapi.test.ts
 * fails for a route without an entry (and an entry without a route), and
 * test/integration/api-contract.test.ts holds real answers to it.
 */
export const routeContracts: ReadonlyMap<string, RouteContract> = new Map<string, RouteContract>([
  [`POST ${A}/clusters`, { request: clusterBodySchema, responses: { 201: clusterWithTokenSchema } }],
  [`GET ${A}/clusters`, get(pageOf(clusterViewSchema))],
  [`POST ${A}/clusters/:cluster/tokens`, { request: tokenRotationBodySchema, responses: { 201: clusterWithTokenSchema } }],
  [`DELETE ${A}/clusters/:cluster/tokens/:token`, { responses: noBody }],
  [`POST ${A}/clusters/:cluster/signing-secrets`, { responses: { 201: signingSecretSchema } }],
  [`DELETE ${A}/clusters/:cluster/signing-secrets`, { responses: noBody }],
  [`PUT ${A}/clusters/:cluster/metrics-endpoint`, put(metricsEndpointBodySchema, metricsEndpointViewSchema)],
  [`GET ${A}/clusters/:cluster/metrics-endpoint`, get(metricsEndpointViewSchema)],
  [`DELETE ${A}/clusters/:cluster/metrics-endpoint`, { responses: noBody }],
  [`GET ${A}/settings`, get(settingsViewSchema)],
  [`PUT ${A}/settings`, { request: settingsBodySchema, responses: { 200: settingsViewSchema } }],
  [`GET ${A}/tenants`, get(pageOf(tenantViewSchema), pageQuerySchema)],
  [`PUT ${T}`, put(tenantBodySchema, tenantViewSchema)],
  [`GET ${T}`, get(tenantViewSchema)],
  [`DELETE ${T}`, { responses: noBody }],
  [`POST ${T}/keys`, { responses: { 201: tenantKeySchema } }],
  [`DELETE ${T}/keys/:key`, { responses: noBody }],
  [`GET ${A}/workspaces`, get(pageOf(workspaceSchema), pageQuerySchema)],
  [`PUT ${A}/workspaces/:workspace`, put(workspaceBodySchema, workspaceSchema)],
  [`GET ${A}/workspaces/:workspace`, get(workspaceSchema)],
  [`DELETE ${A}/workspaces/:workspace`, { responses: noBody }],
  ...scopedContracts(A),
  ...scopedContracts(T),
  [`GET ${A}/routers`, get(pageOf(routerSchema))],
  [`PUT ${A}/routers/:name`, put(routerBodySchema, routerSchema)],
  [`GET ${A}/routers/:name`, get(routerSchema)],
  [`DELETE ${A}/routers/:name`, { responses: noBody }],
  ...ruleGroupContracts(`${T}/rule-groups`, namespaceGroupBodySchema, storedNamespaceGroupSchema),
  ...ruleGroupContracts(`${A}/cluster-rule-groups`, clusterGroupBodySchema, storedClusterGroupSchema),
  ...ruleGroupContracts(`${A}/global-rule-groups`, globalGroupBodySchema, storedGlobalGroupSchema),
  [`POST ${A}/dead-letters/replay`, { request: replayBodySchema, responses: { 200: replayResultSchema } }],
  [`GET ${A}/default-rules`, get(z.strictObject({ items: z.array(ruleSpecSchema), definitions: definitionsBodySchema }))],
  ['GET /v1/openapi.json', get(z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) }))],
]);

/** The key of a route in {@link routeContracts}. */
export const contractKey = (route: { method: string; pattern: string }) => `${route.method} ${route.pattern}`;

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

/**
 * Reads serverless.yml the way the framework would for the parts the local
 * stack needs (functions, their events and environment, and the CloudFormation
 * resources), resolving the variable forms this project uses:
 * `${self:...}`, `${sls:stage}`, `${opt:stage|region, default}`,
 * `${env:NAME, default}` and `${file(path)}`. Anything else is an error, so the
 * two never silently disagree.
 */

export interface SqsTrigger {
  queueLogicalId: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportsBatchItemFailures: boolean;
}

export interface HttpTrigger {
  method: string;
  path: string;
}

export interface FunctionDefinition {
  name: string;
  /** e.g. `dist/functions/ingest/handler.handler` */
  handler: string;
  timeoutSeconds: number;
  memorySizeMb: number;
  environment: Record<string, unknown>;
  http: HttpTrigger[];
  sqs: SqsTrigger[];
  /** EventBridge `schedule: rate(...)` events, as intervals. */
  schedules: Array<{ everySeconds: number }>;
}

export interface ServiceDefinition {
  service: string;
  stage: string;
  region: string;
  providerEnvironment: Record<string, unknown>;
  functions: FunctionDefinition[];
  /** CloudFormation resources by logical id. */
  resources: Record<string, ResourceDefinition>;
}

/** A CloudFormation resource as serverless.yml declares it; typed as far as the local stack reads it. */
export interface ResourceDefinition {
  Type: string;
  Properties: ResourceProperties;
}

/** The table and queue properties the local stack creates resources from; others pass through untyped. */
export interface ResourceProperties extends Record<string, unknown> {
  TableName?: string;
  BillingMode?: CreateTableCommandInput['BillingMode'];
  AttributeDefinitions?: CreateTableCommandInput['AttributeDefinitions'];
  KeySchema?: CreateTableCommandInput['KeySchema'];
  GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  QueueName?: string;
  RedrivePolicy?: { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] }; maxReceiveCount: number | string };
}

/** The parts of serverless.yml read here, after variables are resolved. */
interface RawService {
  service: string;
  provider?: { timeout?: number; memorySize?: number; environment?: Record<string, unknown> };
  functions: Record<string, RawFunction>;
  resources: { Resources?: Record<string, ResourceDefinition> } | Array<{ Resources?: Record<string, ResourceDefinition> }>;
}

interface RawFunction {
  handler: string;
  timeout?: number;
  memorySize?: number;
  environment?: Record<string, unknown>;
  events?: Array<{
    httpApi?: { method: string; path: string };
    schedule?: string | { rate: string | string[] };
    sqs?: {
      arn: { 'Fn::GetAtt': [string, string] };
      batchSize?: number;
      maximumBatchingWindow?: number;
      functionResponseType?: string;
    };
  }>;
}

export function loadServiceDefinition(
  path: string,
  options: { stage: string; region?: string; env?: NodeJS.ProcessEnv },
): ServiceDefinition {
  const root = dirname(path);
  const env = options.env ?? process.env;
  const raw = parse(readFileSync(path, 'utf8')) as RawService;
  const region = options.region ?? 'us-east-1';

  const lookupSelf = (address: string): unknown => {
    let node: unknown = raw;
    for (const part of address.split('.')) node = node === null || typeof node !== 'object' ? undefined : (node as Record<string, unknown>)[part];
    if (node === undefined) throw new Error(`serverless.yml: \${self:${address}} is not defined`);
    return resolve(node);
  };

  const resolveVariable = (expression: string): unknown => {
    const [head = '', ...fallbackParts] = splitTopLevel(expression);
    const fallback = fallbackParts.length > 0 ? unquote(fallbackParts.join(',').trim()) : undefined;
    const fileMatch = /^file\((.+)\)$/.exec(head.trim());
    if (fileMatch) return resolve(parse(readFileSync(join(root, fileMatch[1]!.trim()), 'utf8')));
    const [source, address = ''] = head.trim().split(/:(.*)/s);
    switch (source) {
      case 'self':
        return lookupSelf(address);
      case 'sls':
        if (address === 'stage') return options.stage;
        break;
      case 'opt':
        if (address === 'stage') return options.stage;
        if (address === 'region') return region;
        break;
      case 'env':
        return env[address] ?? fallback ?? failUnresolved(expression);
    }
    if (fallback !== undefined) return fallback;
    return failUnresolved(expression);
  };

  const resolve = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = /^\$\{(.+)\}$/s.exec(node);
      if (whole && !whole[1]!.includes('${')) return resolveVariable(whole[1]!);
      return node.replace(/\$\{([^{}]+)\}/g, (_m, expression: string) => {
        if (/^AWS::/.test(expression)) return `\${${expression}}`;
        return String(resolveVariable(expression));
      });
    }
    if (Array.isArray(node)) return node.map((item) => resolve(item));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value)]));
    }
    return node;
  };

  const service = resolve(raw.service) as string;
  const functions = Object.entries(resolve(raw.functions) as RawService['functions']).map(([name, fn]) => ({
    name,
    handler: fn.handler,
    timeoutSeconds: Number(fn.timeout ?? raw.provider?.timeout ?? 6),
    memorySizeMb: Number(fn.memorySize ?? raw.provider?.memorySize ?? 1024),
    environment: fn.environment ?? {},
    http: (fn.events ?? []).flatMap(({ httpApi }) => (httpApi ? [{ method: httpApi.method, path: httpApi.path }] : [])),
    schedules: (fn.events ?? []).flatMap(({ schedule }) => {
      if (schedule === undefined) return [];
      const rates = typeof schedule === 'string' ? [schedule] : [schedule.rate].flat();
      return rates.map((rate) => ({ everySeconds: rateSeconds(rate, name) }));
    }),
    sqs: (fn.events ?? []).flatMap(({ sqs }) =>
      sqs === undefined
        ? []
        : [
            {
              queueLogicalId: sqs.arn['Fn::GetAtt'][0],
              batchSize: Number(sqs.batchSize ?? 10),
              maximumBatchingWindowSeconds: Number(sqs.maximumBatchingWindow ?? 0),
              reportsBatchItemFailures: sqs.functionResponseType === 'ReportBatchItemFailures',
            },
          ],
    ),
  }));
  const resourceBlocks = resolve(raw.resources) as RawService['resources'];
  const resources = Object.assign(
    {},
    ...(Array.isArray(resourceBlocks) ? resourceBlocks : [resourceBlocks]).map((b) => b.Resources ?? {}),
  ) as Record<string, ResourceDefinition>;
  return {
    service,
    stage: options.stage,
    region,
    providerEnvironment: resolve(raw.provider?.environment ?? {}) as Record<string, unknown>,
    functions,
    resources,
  };
}

function failUnresolved(expression: string): never {
  throw new Error(`serverless.yml: cannot resolve \${${expression}} locally`);
}

/** Splits `a, 'b, c'` on top-level commas only. */
function splitTopLevel(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const char of expression) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  return value.replace(/^(['"])(.*)\1$/s, '$2');
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)` in seconds; the local stack runs no cron schedules. */
function rateSeconds(rate: string, functionName: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(rate.trim());
  if (match === null) throw new Error(`${functionName}: only rate(...) schedules run locally, not ${rate}`);
  const unit = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86_400, days: 86_400 }[match[2] as 'minute'];
  return Number(match[1]) * unit;
}

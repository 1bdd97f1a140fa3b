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
}

export interface ServiceDefinition {
  service: string;
  stage: string;
  region: string;
  providerEnvironment: Record<string, unknown>;
  functions: FunctionDefinition[];
  /** CloudFormation resources by logical id. */
  resources: Record<string, { Type: string; Properties: Record<string, any> }>;
}

export function loadServiceDefinition(
  path: string,
  options: { stage: string; region?: string; env?: NodeJS.ProcessEnv },
): ServiceDefinition {
  const root = dirname(path);
  const env = options.env ?? process.env;
  const raw = parse(readFileSync(path, 'utf8')) as Record<string, any>;
  const region = options.region ?? 'us-east-1';

  const lookupSelf = (address: string): unknown => {
    let node: any = raw;
    for (const part of address.split('.')) node = node?.[part];
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

  const resolve = (node: unknown): any => {
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
  const functions = Object.entries(resolve(raw.functions) as Record<string, any>).map(([name, fn]) => ({
    name,
    handler: fn.handler as string,
    timeoutSeconds: Number(fn.timeout ?? raw.provider?.timeout ?? 6),
    memorySizeMb: Number(fn.memorySize ?? raw.provider?.memorySize ?? 1024),
    environment: fn.environment ?? {},
    http: (fn.events ?? []).filter((e: any) => e.httpApi).map((e: any) => ({ method: e.httpApi.method, path: e.httpApi.path })),
    sqs: (fn.events ?? [])
      .filter((e: any) => e.sqs)
      .map((e: any) => ({
        queueLogicalId: e.sqs.arn['Fn::GetAtt'][0],
        batchSize: Number(e.sqs.batchSize ?? 10),
        maximumBatchingWindowSeconds: Number(e.sqs.maximumBatchingWindow ?? 0),
        reportsBatchItemFailures: e.sqs.functionResponseType === 'ReportBatchItemFailures',
      })),
  }));
  const resourceBlocks = resolve(raw.resources) as Array<Record<string, any>>;
  const resources = Object.assign({}, ...(Array.isArray(resourceBlocks) ? resourceBlocks : [resourceBlocks]).map((b) => b.Resources ?? {}));
  return {
    service,
    stage: options.stage,
    region,
    providerEnvironment: resolve(raw.provider?.environment ?? {}),
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

import type { FunctionDefinition, ServiceDefinition } from './serverless-config.js';

/** What the local stack adds to every function's environment, in place of what Lambda's runtime and IAM role provide. */
export interface LocalRuntimeValues {
  region: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** Base64 key that seals config secrets where KMS would (given only to functions that name a KMS key). */
  secretsLocalKey: string;
  /** Overrides POWERTOOLS_LOG_LEVEL from serverless.yml. */
  logLevel?: string;
}

/**
 * The variables the local stack adds. Lambda's runtime sets the first group
 * itself; the credentials and endpoints stand in for the function's role and
 * AWS; SECRETS_LOCAL_KEY stands in for KMS.
 */
export const LOCAL_RUNTIME_VARIABLES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'TZ',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'SECRETS_LOCAL_KEY',
] as const;

/**
 * One function's environment as Lambda would give it: the provider's
 * variables, then the function's own (both already resolved by the caller,
 * e.g. Ref -> a queue URL), then the local runtime's. Nothing else: a
 * variable serverless.yml does not give this function is absent here too.
 */
export function functionEnvironment(
  definition: Pick<ServiceDefinition, 'service' | 'stage' | 'providerEnvironment'>,
  fn: Pick<FunctionDefinition, 'name' | 'environment' | 'memorySizeMb'>,
  resolveValue: (value: unknown) => string,
  local: LocalRuntimeValues,
): Record<string, string> {
  const declared: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...definition.providerEnvironment, ...fn.environment })) declared[name] = resolveValue(value);
  const environment: Record<string, string> = {
    ...declared,
    AWS_REGION: local.region,
    AWS_DEFAULT_REGION: local.region,
    AWS_LAMBDA_FUNCTION_NAME: `${definition.service}-${definition.stage}-${fn.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    TZ: ':UTC',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: local.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: local.sqsEndpoint,
    // Lambda runs nodejs22.x; locally Node 20 runs the same bundle, so the SDK's notice about 2027 is noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  // Only where serverless.yml names a KMS key: a function that has no key cannot open secrets in AWS either.
  if ('SECRETS_KMS_KEY_ID' in declared) environment.SECRETS_LOCAL_KEY = local.secretsLocalKey;
  if (local.logLevel !== undefined) environment.POWERTOOLS_LOG_LEVEL = local.logLevel;
  return environment;
}

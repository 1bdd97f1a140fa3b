import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionEnvironment, LOCAL_RUNTIME_VARIABLES } from '../../infra/local/function-environment.js';
import { loadServiceDefinition } from '../../infra/local/serverless-config.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const definition = loadServiceDefinition(join(PROJECT_ROOT, 'serverless.yml'), { stage: 'local', env: { TIDINGS_ADMIN_KEY_SHA256: 'ab' } });
const local = { region: 'us-east-1', dynamodbEndpoint: 'http://127.0.0.1:1', sqsEndpoint: 'http://127.0.0.1:2', secretsLocalKey: 'a2V5' };
// Stands in for Ref/Fn::GetAtt resolution, which needs running stand-ins.
const resolveValue = (value: unknown) => (typeof value === 'object' ? `resolved ${JSON.stringify(value)}` : String(value));
const environmentOf = (name: string) => functionEnvironment(definition, definition.functions.find((fn) => fn.name === name)!, resolveValue, local);

describe('functionEnvironment', () => {
  it.each(definition.functions.map((fn) => [fn.name, fn] as const))('gives %s its own serverless.yml variables and the local runtime ones, nothing else', (_name, fn) => {
    const environment = functionEnvironment(definition, fn, resolveValue, local);

    const declared = Object.keys({ ...definition.providerEnvironment, ...fn.environment });
    const added = LOCAL_RUNTIME_VARIABLES.filter((name) => name !== 'SECRETS_LOCAL_KEY' || declared.includes('SECRETS_KMS_KEY_ID'));
    expect(Object.keys(environment).sort()).toEqual([...new Set([...declared, ...added])].sort());
  });

  it('leaves out every variable that only other functions declare', () => {
    const declaredBy = (name: string) => Object.keys(definition.functions.find((fn) => fn.name === name)!.environment);
    let checked = 0;
    for (const fn of definition.functions) {
      const own = environmentOf(fn.name);
      for (const other of definition.functions) {
        for (const variable of declaredBy(other.name).filter((name) => !declaredBy(fn.name).includes(name))) {
          expect(own, `${fn.name} must not see ${variable} (declared for ${other.name})`).not.toHaveProperty(variable);
          checked++;
        }
      }
    }
    // serverless.yml does give functions different variables, so this checked something.
    expect(checked).toBeGreaterThan(0);
  });

  it('inherits nothing from the process that runs the stack', () => {
    process.env.TIDINGS_TEST_HOST_ONLY = 'host';
    try {
      expect(environmentOf('ingest')).not.toHaveProperty('TIDINGS_TEST_HOST_ONLY');
      expect(environmentOf('ingest')).not.toHaveProperty('PATH');
    } finally {
      delete process.env.TIDINGS_TEST_HOST_ONLY;
    }
  });

  it('points the SDK at the stand-ins and names the function as Lambda does', () => {
    expect(environmentOf('deliver')).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:2',
      AWS_LAMBDA_FUNCTION_NAME: 'tidings-local-deliver',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      SECRETS_LOCAL_KEY: 'a2V5',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });
});

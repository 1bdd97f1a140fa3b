import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs, one logger per function. Never log receiver settings,
 * tokens or request headers: they carry secrets.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName: `tidings-${serviceName}` });
}

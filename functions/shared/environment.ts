import type { QueueName } from '../../lib/pipeline/queue.js';

/** A required setting is missing: fail at cold start, loudly, rather than on the first message. */
export class MissingConfigurationError extends Error {
  constructor(name: string) {
    super(`environment variable ${name} is required`);
    this.name = 'MissingConfigurationError';
  }
}

/** Reads a required environment variable. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new MissingConfigurationError(name);
  return value;
}

/** Reads an optional positive integer setting with a default. */
export function integerEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`environment variable ${name} must be a positive integer`);
  return parsed;
}

/** Reads a comma-separated list. */
export function listEnv(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

const QUEUE_URL_VARIABLES: Record<QueueName, string> = {
  signals: 'SIGNALS_QUEUE_URL',
  alerts: 'ALERTS_QUEUE_URL',
  groups: 'GROUPS_QUEUE_URL',
  delivery: 'DELIVERY_QUEUE_URL',
};

/** The URLs of the queues a function may send to, each required. */
export function queueUrls(queues: readonly QueueName[]): Record<QueueName, string> {
  return Object.fromEntries(queues.map((queue) => [queue, requireEnv(QUEUE_URL_VARIABLES[queue])])) as Record<QueueName, string>;
}

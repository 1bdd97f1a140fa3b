import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';
import { apiMatchType, toApiMatcher, type ApiMatcher } from '../matchers/api-matcher.js';
import { MatcherParseError, parseMatchers } from '../matchers/parse.js';
import { parseDuration } from '../receivers/duration.js';
import type { MuteScope } from '../silence/muter.js';
import { silenceStatus, SilenceValidationError, validateSilence, type Silence } from '../silence/silence.js';
import { parseTimestamp } from '../silence/timestamp.js';
import type { StoredSilence } from '../configs/config-stores.js';
import { parseWith } from './api-types.js';

const apiMatcherSchema = z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean().optional() });

/** A matcher object in tidings' own API, where a misspelt field is refused rather than read as absent. */
export const strictMatcherSchema = apiMatcherSchema.strict();

/** A silence as tidings' REST API takes it: matchers as strings (`alertname="X"`) or API v2 objects. */
export const silenceBodySchema = z.strictObject({
  matchers: z.array(z.union([z.string(), strictMatcherSchema])).min(1),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  permanent: z.boolean().optional(),
  schedule: z.strictObject({ cron: z.string(), duration: z.string(), timeZone: z.string().default('UTC') }).optional(),
  createdBy: z.string().min(1),
  comment: z.string().min(1),
});

/**
 * Alertmanager API v2's PostableSilence, as amtool and Grafana send it. Not
 * strict: Alertmanager ignores fields it does not know, and clients rely on it.
 */
export const postableSilenceSchema = z.object({
  id: z.string().optional(),
  matchers: z.array(apiMatcherSchema).min(1),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
});

/** Turns matcher strings and objects into the stored API v2 form. */
export function normalizeMatchers(input: ReadonlyArray<string | ApiMatcher>, field = 'matchers'): ApiMatcher[] {
  const result: ApiMatcher[] = [];
  input.forEach((item, index) => {
    if (typeof item !== 'string') {
      result.push({ ...item, isEqual: item.isEqual ?? true });
      return;
    }
    try {
      result.push(...parseMatchers(item).map((matcher) => toApiMatcher(matcher)));
    } catch (error) {
      if (error instanceof MatcherParseError) throw new InvalidPayloadError('invalid matcher', [{ field: `${field}[${index}]`, message: error.message }]);
      throw error;
    }
  });
  return result;
}

/** Builds and validates a silence; every problem becomes a 400 naming its field. */
export function buildSilence(
  fields: Omit<Silence, 'id' | 'scope'> & { id?: string },
  scope: MuteScope,
  accountId: string,
  now: Date,
  previous?: StoredSilence,
): StoredSilence {
  const silence: StoredSilence = {
    ...fields,
    id: fields.id ?? previous?.id ?? randomUUID(),
    scope,
    accountId,
    createdAt: previous?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
    version: (previous?.version ?? 0) + 1,
  };
  try {
    validateSilence(silence);
  } catch (error) {
    if (error instanceof SilenceValidationError) {
      throw new InvalidPayloadError('invalid silence', error.issues.map((issue) => ({ field: issue.path, message: issue.message })));
    }
    throw error;
  }
  return silence;
}

/** From the REST body to the silence fields. */
export function silenceFieldsFromBody(body: unknown, now: Date): Omit<Silence, 'id' | 'scope'> {
  const request = parseWith(silenceBodySchema, body);
  const fields: Omit<Silence, 'id' | 'scope'> = {
    matchers: normalizeMatchers(request.matchers),
    startsAt: request.startsAt ?? now.toISOString(),
    createdBy: request.createdBy,
    comment: request.comment,
  };
  if (request.endsAt !== undefined) fields.endsAt = request.endsAt;
  if (request.permanent !== undefined) fields.permanent = request.permanent;
  if (request.schedule !== undefined) {
    let durationMs: number;
    try {
      durationMs = parseDuration(request.schedule.duration);
    } catch (error) {
      throw new InvalidPayloadError('invalid silence', [{ field: 'schedule.duration', message: (error as Error).message }]);
    }
    fields.schedule = { cron: request.schedule.cron, durationSeconds: Math.round(durationMs / 1000), timeZone: request.schedule.timeZone };
  }
  return fields;
}

/** A matcher as answers show it: Alertmanager API v2's form. */
export const matcherViewSchema = z.strictObject({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean().optional() });

/** Where a silence or inhibit rule applies: to every receiver, or to one tenant's. */
export const muteScopeSchema = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('global') }), z.strictObject({ kind: z.literal('tenant'), tenantId: z.string() })]);

/** A silence as tidings' REST API shows it (see {@link silenceView}). */
export const silenceViewSchema = z.strictObject({
  id: z.string(),
  matchers: z.array(matcherViewSchema),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  permanent: z.boolean().optional(),
  schedule: z.strictObject({ cron: z.string(), durationSeconds: z.number().int(), timeZone: z.string() }).optional(),
  createdBy: z.string(),
  comment: z.string(),
  scope: muteScopeSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  status: z.strictObject({ state: z.enum(['pending', 'active', 'expired']), activeUntil: z.string().optional(), nextActiveAt: z.string().optional() }),
});
export type SilenceView = z.infer<typeof silenceViewSchema>;

/** A silence as tidings' REST API shows it: with its state now. */
export function silenceView(silence: StoredSilence, now: Date): SilenceView {
  const status = silenceStatus(silence, now);
  return {
    ...stripStorage(silence),
    status: {
      state: status.state,
      ...(status.activeUntil ? { activeUntil: status.activeUntil.toISOString() } : {}),
      ...(status.nextActiveAt ? { nextActiveAt: status.nextActiveAt.toISOString() } : {}),
    },
  };
}

/**
 * Alertmanager has no silences without an end (permanent, or a schedule
 * alone); its API shows them ending at this time, and an update that sends it
 * back means "unchanged".
 */
export const NEVER_ENDS = '9999-12-31T23:59:59Z';

/** Alertmanager's GettableSilence: what amtool and Grafana parse (id, status.state, endsAt, createdBy, comment all required). */
export const gettableSilenceSchema = z.strictObject({
  id: z.string(),
  status: z.strictObject({ state: z.enum(['pending', 'active', 'expired']) }),
  updatedAt: z.string(),
  comment: z.string(),
  createdBy: z.string(),
  endsAt: z.string(),
  startsAt: z.string(),
  matchers: z.array(z.strictObject({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean() })),
});
export type GettableSilence = z.infer<typeof gettableSilenceSchema>;

export function gettableSilence(silence: StoredSilence, now: Date): GettableSilence {
  return {
    id: silence.id,
    status: { state: silenceStatus(silence, now).state },
    updatedAt: silence.updatedAt,
    comment: silence.comment,
    createdBy: silence.createdBy,
    endsAt: silence.endsAt ?? NEVER_ENDS,
    startsAt: silence.startsAt,
    matchers: silence.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual ?? true })),
  };
}

/**
 * amtool's `silence query alertname=X` sends `filter=` matchers. As in
 * Alertmanager (api.go `CheckSilenceMatchesFilterLabels`), a filter is not
 * applied to labels: each filter matcher must equal one of the silence's
 * matchers, name, operator and value, so `severity!=info` finds the silence
 * with that very matcher.
 */
export function silenceMatchesFilter(silence: Silence, filters: readonly ApiMatcher[]): boolean {
  return filters.every((filter) =>
    silence.matchers.some((m) => m.name === filter.name && m.value === filter.value && apiMatchType(m) === apiMatchType(filter)),
  );
}

const stateOrder = { active: 0, pending: 1, expired: 2 } as const;

/** Alertmanager's order (api.go `SortSilences`): active by end, pending by start, then expired, the latest first. */
export function sortGettableSilences<T extends { status: { state: keyof typeof stateOrder }; startsAt: string; endsAt: string }>(silences: T[]): T[] {
  const at = (time: string) => parseTimestamp(time) ?? 0;
  return silences.sort((a, b) => {
    if (a.status.state !== b.status.state) return stateOrder[a.status.state] - stateOrder[b.status.state];
    if (a.status.state === 'pending') return at(a.startsAt) - at(b.startsAt);
    if (a.status.state === 'expired') return at(b.endsAt) - at(a.endsAt);
    return at(a.endsAt) - at(b.endsAt);
  });
}

function stripStorage(silence: StoredSilence) {
  const { accountId: _a, ...rest } = silence;
  return rest;
}

import { describe, expect, it } from 'vitest';
import { buildSilence, silenceFieldsFromBody } from '../../../lib/api/silences-api.js';
import { memoryAlertmanager } from './alertmanager-v2-memory.js';

const now = new Date('2026-03-10T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
const hour = 3600_000;

const m = (name: string, op: '=' | '!=' | '=~' | '!~', value: string) => ({ name, value, isRegex: op.includes('~'), isEqual: !op.startsWith('!') });

/** A PostableSilence as amtool sends it. */
function postable(overrides: Record<string, unknown> = {}) {
  return { matchers: [m('alertname', '=', 'Test')], startsAt: at(0), endsAt: at(hour), createdBy: 'amtool', comment: 'x', ...overrides };
}

async function add(am: ReturnType<typeof memoryAlertmanager>, body: Record<string, unknown>): Promise<string> {
  const response = await am.call('POST', '/api/v2/silences', postable(body));
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as { silenceID: string }).silenceID;
}

async function query(am: ReturnType<typeof memoryAlertmanager>, ...filters: string[]): Promise<string[]> {
  const search = filters.map((f) => `filter=${encodeURIComponent(f)}`).join('&');
  const response = await am.call('GET', `/api/v2/silences${search === '' ? '' : `?${search}`}`);
  expect(response.status).toBe(200);
  return (response.body as Array<{ comment: string }>).map((s) => s.comment).sort();
}

describe('GET /api/v2/silences?filter=', () => {
  // Prepare: one silence per operator on the same names.
  async function fourSilences() {
    const am = memoryAlertmanager(() => now);
    await add(am, { comment: 'net-regex', matchers: [m('alertname', '=~', 'Net.*')] });
    await add(am, { comment: 'not-info', matchers: [m('alertname', '=', 'Disk'), m('severity', '!=', 'info')] });
    await add(am, { comment: 'info', matchers: [m('alertname', '=', 'Disk'), m('severity', '=', 'info')] });
    await add(am, { comment: 'not-team', matchers: [m('alertname', '=', 'Net'), m('team', '!~', 'db|infra')] });
    return am;
  }

  it('selects a silence whose matcher has the same name, operator and value, regex included', async () => {
    const am = await fourSilences();
    expect(await query(am, 'alertname=~Net.*')).toEqual(['net-regex']);
    expect(await query(am, 'severity!=info')).toEqual(['not-info']);
    expect(await query(am, 'team!~db|infra')).toEqual(['not-team']);
  });

  it('does not evaluate a filter against labels: an equal filter never selects a regex or negative matcher', async () => {
    const am = await fourSilences();
    expect(await query(am, 'alertname=Net')).toEqual(['not-team']);
    expect(await query(am, 'alertname=NetworkDown')).toEqual([]);
    expect(await query(am, 'severity=warning')).toEqual([]);
  });

  it('requires every filter to find its matcher', async () => {
    const am = await fourSilences();
    expect(await query(am, 'alertname=Disk')).toEqual(['info', 'not-info']);
    expect(await query(am, 'alertname=Disk', 'severity=info')).toEqual(['info']);
    expect(await query(am, 'alertname=Disk', 'severity!=info')).toEqual(['not-info']);
    expect(await query(am, 'alertname=Disk', 'team!~db|infra')).toEqual([]);
  });
});

describe('POST /api/v2/silences with an id (amtool silence update)', () => {
  it('changes only the comment in place, keeping the id', async () => {
    const am = memoryAlertmanager(() => now);
    const id = await add(am, {});
    const response = await am.call('POST', '/api/v2/silences', postable({ id, comment: 'longer' }));
    expect(response.body).toEqual({ silenceID: id });
    expect(am.silences.get(id)).toMatchObject({ comment: 'longer', version: 2 });
  });

  it('replaces an active silence whose matchers change: new id, the old one expired now', async () => {
    const am = memoryAlertmanager(() => now);
    const id = await add(am, {});
    const response = await am.call('POST', '/api/v2/silences', postable({ id, matchers: [m('alertname', '=', 'Other')] }));
    const { silenceID } = response.body as { silenceID: string };
    expect(silenceID).not.toBe(id);
    expect(am.silences.get(id)).toMatchObject({ endsAt: now.toISOString() });
    expect(am.silences.get(silenceID)).toMatchObject({ matchers: [m('alertname', '=', 'Other')], endsAt: at(hour) });
  });

  it('replaces an active silence whose start moves, and extends one in place', async () => {
    const am = memoryAlertmanager(() => now);
    const id = await add(am, {});
    expect((await am.call('POST', '/api/v2/silences', postable({ id, endsAt: at(2 * hour) }))).body).toEqual({ silenceID: id });
    const moved = await am.call('POST', '/api/v2/silences', postable({ id, startsAt: at(30 * 60_000), endsAt: at(2 * hour) }));
    expect((moved.body as { silenceID: string }).silenceID).not.toBe(id);
  });

  it('starts a new silence no earlier than now, as Alertmanager does', async () => {
    const am = memoryAlertmanager(() => now);
    const id = await add(am, { startsAt: at(-hour) });
    expect(am.silences.get(id)!.startsAt).toBe(now.toISOString());
  });

  it('refuses an end in the past or not after the start, with the reason as a string', async () => {
    const am = memoryAlertmanager(() => now);
    const past = await am.call('POST', '/api/v2/silences', postable({ startsAt: at(-2 * hour), endsAt: at(-hour) }));
    expect(past).toEqual({ status: 400, body: "Failed to create silence: end time can't be in the past" });
    const backwards = await am.call('POST', '/api/v2/silences', postable({ endsAt: at(0) }));
    expect(backwards).toEqual({ status: 400, body: 'Failed to create silence: start time must be before end time' });
  });

  it('answers 404 for an id it does not know', async () => {
    const am = memoryAlertmanager(() => now);
    const response = await am.call('POST', '/api/v2/silences', postable({ id: '0b4e5b3a-5c1e-4a59-9a4b-3a4a9d3c7e11' }));
    expect(response.status).toBe(404);
  });
});

describe('silences with what the Alertmanager API cannot express', () => {
  /** A daily 1 h window created through the tidings API, shown and sent back by amtool with a new comment. */
  async function aDailyWindow(body: Record<string, unknown>) {
    const am = memoryAlertmanager(() => now);
    const fields = silenceFieldsFromBody(
      { matchers: ['alertname="Backup"'], startsAt: at(0), createdBy: 'ops', comment: 'nightly backup', ...body },
      now,
    );
    const silence = buildSilence(fields, { kind: 'tenant', tenantId: 'team-a' }, 'acme', now);
    await am.stores.silences.put('acme', silence.id, silence, 0);
    const shown = (await am.call('GET', `/api/v2/silence/${silence.id}`)).body as Record<string, unknown>;
    return { am, silence, shown };
  }

  it('accepts a silence with only a schedule through the tidings API (recurring until expired)', () => {
    const fields = silenceFieldsFromBody(
      { matchers: ['alertname="Backup"'], schedule: { cron: '0 2 * * *', duration: '1h', timeZone: 'Europe/Berlin' }, createdBy: 'ops', comment: 'nightly' },
      now,
    );
    const silence = buildSilence(fields, { kind: 'global' }, 'acme', now);
    expect(silence).toMatchObject({ schedule: { cron: '0 2 * * *', durationSeconds: 3600, timeZone: 'Europe/Berlin' } });
    expect(silence.endsAt).toBeUndefined();
  });

  it('keeps the schedule when amtool changes only the comment', async () => {
    const { am, silence, shown } = await aDailyWindow({ schedule: { cron: '0 2 * * *', duration: '1h' } });
    const { id: _id, status: _status, updatedAt: _updatedAt, ...body } = shown;
    const response = await am.call('POST', '/api/v2/silences', { ...body, id: silence.id, comment: 'nightly backup, ticket 42' });
    expect(response).toEqual({ status: 200, body: { silenceID: silence.id } });
    const stored = am.silences.get(silence.id)!;
    expect(stored).toMatchObject({ comment: 'nightly backup, ticket 42', schedule: silence.schedule, version: 2 });
    expect(stored.endsAt).toBeUndefined();
  });

  it('keeps a bounded schedule and a permanent silence on a comment change', async () => {
    const bounded = await aDailyWindow({ endsAt: at(30 * 24 * hour), schedule: { cron: '0 2 * * *', duration: '1h' } });
    await bounded.am.call('POST', '/api/v2/silences', { ...bounded.shown, id: bounded.silence.id, comment: 'c' });
    expect(bounded.am.silences.get(bounded.silence.id)).toMatchObject({ comment: 'c', schedule: bounded.silence.schedule, endsAt: at(30 * 24 * hour) });

    const permanent = await aDailyWindow({ permanent: true });
    await permanent.am.call('POST', '/api/v2/silences', { ...permanent.shown, id: permanent.silence.id, comment: 'c' });
    expect(permanent.am.silences.get(permanent.silence.id)).toMatchObject({ comment: 'c', permanent: true });
  });

  it('refuses, naming why and where, a change of times or matchers, and leaves the silence as it was', async () => {
    const { am, silence, shown } = await aDailyWindow({ schedule: { cron: '0 2 * * *', duration: '1h' } });
    const response = await am.call('POST', '/api/v2/silences', { ...shown, id: silence.id, endsAt: at(hour) });
    expect(response.status).toBe(400);
    expect(response.body).toContain('has a schedule (cron "0 2 * * *" for 3600s, UTC)');
    expect(response.body).toContain('not endsAt');
    expect(response.body).toContain(`PUT /v1/accounts/acme/tenants/team-a/silences/${silence.id}`);

    const matchers = await am.call('POST', '/api/v2/silences', { ...shown, id: silence.id, matchers: [m('alertname', '=', 'Other')] });
    expect(matchers.status).toBe(400);
    expect(am.silences.size).toBe(1);
    expect(am.silences.get(silence.id)).toEqual(silence);
  });

  it('refuses to give a permanent silence an end through amtool', async () => {
    const { am, silence, shown } = await aDailyWindow({ permanent: true });
    const response = await am.call('POST', '/api/v2/silences', { ...shown, id: silence.id, endsAt: at(2 * hour) });
    expect(response.status).toBe(400);
    expect(response.body).toContain('no end (permanent)');
    expect(am.silences.get(silence.id)).toEqual(silence);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSilence, silenceFieldsFromBody } from '../../../lib/api/silences-api.js';
import { memoryAlertmanager } from '../../unit/api/alertmanager-v2-memory.js';
import { amtool, missingAlertmanager, serveOverHttp, startAlertmanager, type RunningServer } from './real-alertmanager.js';

/**
 * The same calls against a real Alertmanager (Debian's 0.25) and tidings'
 * Alertmanager API, asserting the same outcome. Ids differ, so silences are
 * compared by comment (each test's comments are unique). Alerts, alert
 * groups, status and receivers: alerts-side-by-side.test.ts.
 */
if (missingAlertmanager !== undefined) console.warn(missingAlertmanager);

const hour = 3600_000;
const m = (name: string, op: '=' | '!=' | '=~' | '!~', value: string) => ({ name, value, isRegex: op.includes('~'), isEqual: !op.startsWith('!') });

let am: ReturnType<typeof memoryAlertmanager>;
let real: RunningServer;
let tidings: RunningServer;
/** The same call on both, Alertmanager's answer first. */
function onBoth<T>(f: (server: RunningServer, index: 0 | 1) => Promise<T>): Promise<[T, T]> {
  return Promise.all([f(real, 0), f(tidings, 1)]);
}

async function call(server: RunningServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Posts the same silence to both; answers the two ids. */
async function addToBoth(body: Record<string, unknown>): Promise<[string, string]> {
  const now = Date.now();
  const full = { startsAt: new Date(now).toISOString(), endsAt: new Date(now + hour).toISOString(), createdBy: 'side-by-side', ...body };
  const ids = await onBoth(async (server) => {
    const response = await call(server, 'POST', '/api/v2/silences', full);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.silenceID as string;
  });
  return ids as [string, string];
}

/** The comments of the silences a filter selects, in the order the server lists them, restricted to `prefix`. */
async function selected(server: RunningServer, prefix: string, filters: string[]): Promise<string[]> {
  const query = filters.map((f) => `filter=${encodeURIComponent(f)}`).join('&');
  const response = await call(server, 'GET', `/api/v2/silences${query === '' ? '' : `?${query}`}`);
  expect(response.status).toBe(200);
  return (response.body as Array<{ comment: string }>).map((s) => s.comment).filter((c) => c.startsWith(prefix));
}

describe.skipIf(missingAlertmanager !== undefined)('tidings and Alertmanager 0.25 side by side', () => {
  beforeAll(async () => {
    am = memoryAlertmanager();
    [real, tidings] = await Promise.all([startAlertmanager(), serveOverHttp(am.call)]);
  });
  afterAll(async () => {
    await Promise.all([real?.stop(), tidings?.stop()]);
  });

  describe('silence filters', () => {
    beforeAll(async () => {
      // Ends an hour apart, so both list them in one order (active: soonest end first).
      const silences = [
        { comment: 'f-net-regex', matchers: [m('alertname', '=~', 'Net.*')] },
        { comment: 'f-not-info', matchers: [m('alertname', '=', 'Disk'), m('severity', '!=', 'info')] },
        { comment: 'f-info', matchers: [m('alertname', '=', 'Disk'), m('severity', '=', 'info')] },
        { comment: 'f-not-team', matchers: [m('alertname', '=', 'Net'), m('team', '!~', 'db|infra')] },
        { comment: 'f-net-eq', matchers: [m('alertname', '=', 'NetworkDown'), m('severity', '=~', 'warning|critical')] },
      ];
      for (const [index, silence] of silences.entries()) {
        await addToBoth({ ...silence, endsAt: new Date(Date.now() + (silences.length - index) * hour).toISOString() });
      }
    });

    const queries = [
      [],
      ['alertname=~Net.*'],
      ['severity!=info'],
      ['team!~db|infra'],
      ['alertname=Net'],
      ['alertname="Disk"'],
      ['alertname=Disk', 'severity=info'],
      ['alertname=Disk', 'severity!=info'],
      ['alertname=~Net.*', 'severity!=info'],
      ['alertname=NetworkDown', 'severity=~warning|critical'],
      ['severity=~warning'],
      ['alertname!=Disk'],
    ];
    it.each(queries.map((q) => [q.join(' ') || '(none)', q] as const))('GET /api/v2/silences?filter= %s selects the same silences, in the same order', async (_name, filters) => {
      const [expected, actual] = await onBoth((server) => selected(server, 'f-', filters));
      expect(actual).toEqual(expected);
    });

    it('amtool silence query prints the same silences from both', async () => {
      for (const args of [['alertname=~Net.*'], ['severity!=info'], ['alertname=Disk', 'severity=info']]) {
        const [expected, actual] = await onBoth(async (server) => (JSON.parse(await amtool(server.url, 'silence', 'query', '-o', 'json', ...args)) as Array<{ comment: string }>).map((s) => s.comment));
        expect(actual, args.join(' ')).toEqual(expected);
      }
    });
  });

  describe('silence update', () => {
    /** `amtool silence update`; its -q prints a pointer in 0.25, so the new id is read from its JSON output. */
    async function amtoolUpdate(server: RunningServer, id: string, ...flags: string[]): Promise<string> {
      const printed = JSON.parse(await amtool(server.url, 'silence', 'update', '-o', 'json', ...flags, id)) as Array<{ id: string }>;
      return printed[0]!.id;
    }

    /** After an update on both: whether each kept the id, whether a replaced one was ended now, and what the current one holds. */
    async function outcome(ids: [string, string], newIds: [string, string]) {
      return onBoth(async (server, i) => {
        const old = (await call(server, 'GET', `/api/v2/silence/${ids[i]}`)).body;
        const current = (await call(server, 'GET', `/api/v2/silence/${newIds[i]}`)).body;
        return {
          keptId: newIds[i] === ids[i],
          oldEndsAtMovedToNow: newIds[i] !== ids[i] && Date.parse(old.endsAt) <= Date.now(),
          comment: current.comment,
          matchers: current.matchers,
        };
      });
    }

    it('amtool silence update --comment keeps the id on both', async () => {
      const ids = await addToBoth({ comment: 'u-comment', matchers: [m('alertname', '=', 'UpdateComment')] });
      const newIds = (await onBoth((server, i) => amtoolUpdate(server, ids[i]!, '--comment=u-comment-2'))) as [string, string];
      const [expected, actual] = await outcome(ids, newIds);
      expect(expected).toMatchObject({ keptId: true, comment: 'u-comment-2' });
      expect(actual).toEqual(expected);
    });

    it('amtool silence update --duration of an active silence keeps the id on both', async () => {
      const ids = await addToBoth({ comment: 'u-duration', matchers: [m('alertname', '=', 'UpdateDuration')] });
      const newIds = (await onBoth((server, i) => amtoolUpdate(server, ids[i]!, '--duration=3h'))) as [string, string];
      const [expected, actual] = await outcome(ids, newIds);
      expect(expected).toMatchObject({ keptId: true, comment: 'u-duration' });
      expect(actual).toEqual(expected);
    });

    it.each([
      ['changed matchers', { matchers: [m('alertname', '=', 'UpdateOther')] }],
      ['a moved start', { startsAt: new Date(Date.now() + 10 * 60_000).toISOString() }],
      ['reordered matchers', { matchers: [m('b', '=', '2'), m('a', '=', '1')] }],
    ])('a POST with the id and %s replaces the silence on both (new id, old one expired)', async (name, change) => {
      const comment = `u-${name.replace(/ /g, '-')}`;
      const ids = await addToBoth({ comment, matchers: [m('a', '=', '1'), m('b', '=', '2')] });
      const newIds = (await onBoth(async (server, i) => {
        const shown = (await call(server, 'GET', `/api/v2/silence/${ids[i]}`)).body;
        const response = await call(server, 'POST', '/api/v2/silences', { id: ids[i], matchers: shown.matchers, startsAt: shown.startsAt, endsAt: shown.endsAt, createdBy: shown.createdBy, comment: shown.comment, ...change });
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        return response.body.silenceID as string;
      })) as [string, string];
      const [expected, actual] = await outcome(ids, newIds);
      expect(expected).toMatchObject({ keptId: false, oldEndsAtMovedToNow: true });
      expect(actual).toEqual(expected);
    });
  });

  describe('refusals', () => {
    it.each([
      ['an end in the past', { startsAt: new Date(Date.now() - 2 * hour).toISOString(), endsAt: new Date(Date.now() - hour).toISOString() }],
      ['an end before the start', { startsAt: new Date(Date.now() + 2 * hour).toISOString(), endsAt: new Date(Date.now() + hour).toISOString() }],
    ])('refuses %s with the same status and message', async (_name, times) => {
      const body = { matchers: [m('alertname', '=', 'Refused')], createdBy: 'side-by-side', comment: 'r', ...times };
      const [expected, actual] = await onBoth((server) => call(server, 'POST', '/api/v2/silences', body));
      expect(actual).toEqual(expected);
    });

    it('answers 404 to an update of an unknown id on both', async () => {
      const body = { id: '0b4e5b3a-5c1e-4a59-9a4b-3a4a9d3c7e11', matchers: [m('alertname', '=', 'X')], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + hour).toISOString(), createdBy: 'c', comment: 'c' };
      const [expected, actual] = await onBoth((server) => call(server, 'POST', '/api/v2/silences', body));
      expect(actual.status).toBe(expected.status);
    });
  });

  describe('a recurring silence, which Alertmanager has no counterpart for, through amtool', () => {
    /** A daily 1 h window with no end, created through the tidings API as the README shows. */
    async function aDailyWindow() {
      const fields = silenceFieldsFromBody(
        { matchers: ['alertname="Backup"'], schedule: { cron: '0 2 * * *', duration: '1h', timeZone: 'Europe/Berlin' }, createdBy: 'ops', comment: 'nightly backup' },
        new Date(),
      );
      const silence = buildSilence(fields, { kind: 'tenant', tenantId: am.scope.tenantId! }, am.scope.accountId, new Date());
      await am.stores.silences.put(am.scope.accountId, silence.id, silence, 0);
      return silence;
    }

    it('amtool silence update --comment keeps its schedule and id', async () => {
      const silence = await aDailyWindow();
      const printed = JSON.parse(await amtool(tidings.url, 'silence', 'update', '-o', 'json', '--comment=ticket 42', silence.id)) as Array<{ id: string }>;
      expect(printed[0]!.id).toBe(silence.id);
      expect(am.silences.get(silence.id)).toMatchObject({ comment: 'ticket 42', schedule: silence.schedule });
      expect(am.silences.get(silence.id)!.endsAt).toBeUndefined();
    });

    it('amtool silence update --duration is refused, and amtool prints why', async () => {
      const silence = await aDailyWindow();
      const failure = await amtool(tidings.url, 'silence', 'update', '--duration=2h', silence.id).then(
        () => undefined,
        (error: { stderr: string }) => error.stderr,
      );
      expect(failure).toContain('which the Alertmanager API cannot express');
      expect(am.silences.get(silence.id)).toEqual(silence);
    });
  });
});

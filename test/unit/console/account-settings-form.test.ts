import { describe, expect, it } from 'vitest';
import { accountSettingsBodyOf, accountSettingsFormOf } from '../../../console/src/account-settings-form.js';
import { settingsBodySchema, settingsView } from '../../../lib/api/admin-schemas.js';
import { toReceiverGrouping } from '../../../lib/api/receivers-api.js';

/** What the API would store and show for a body: parsed, converted, viewed. */
function storedAndShown(body: Record<string, unknown>) {
  const parsed = settingsBodySchema.parse(body);
  const grouping = toReceiverGrouping(parsed.grouping);
  return settingsView({
    accountId: 'acme',
    routePolicy: parsed.routePolicy,
    defaultRules: parsed.defaultRules,
    ...(grouping === undefined ? {} : { grouping }),
    ...(parsed.historyRetentionDays === undefined ? {} : { historyRetentionDays: parsed.historyRetentionDays }),
    version: 2,
  });
}

describe("account settings as the console's form holds them", () => {
  it('writes a body the API takes and reads back what was typed', () => {
    const form = { routePolicy: 'RouterFirst', defaultRules: false, groupBy: 'alertname, cluster', groupWait: '10s', groupInterval: '', repeatInterval: '1h', sendResolved: 'false' as const, maxAlerts: '20', historyRetentionDays: '30' };

    const shown = storedAndShown(accountSettingsBodyOf(form));

    expect(accountSettingsFormOf(shown)).toEqual(form);
    // the field left empty is inherited
    expect(shown.grouping.groupInterval).toBe('5m');
  });

  it('leaves every grouping field to the defaults when none is typed', () => {
    const body = accountSettingsBodyOf(accountSettingsFormOf(settingsView(undefined)));

    expect(body).toEqual({ routePolicy: 'All', defaultRules: true });
  });

  it('sends a number it cannot read as typed, so the API names the field', () => {
    const form = { ...accountSettingsFormOf(settingsView(undefined)), maxAlerts: 'many', historyRetentionDays: '0' };

    const parsed = settingsBodySchema.safeParse(accountSettingsBodyOf(form));

    expect(parsed.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['grouping.maxAlerts', 'historyRetentionDays']);
  });
});

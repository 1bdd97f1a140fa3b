import type { AccountSettings } from './types.js';

/**
 * Account settings as their form holds them (text as typed) and as the API
 * takes them. A grouping field left empty is inherited (Alertmanager's
 * default); a number the form cannot read is sent as typed, so the API's
 * message says what is wrong next to the field.
 */
export const ROUTE_POLICIES = ['All', 'RouterFirst', 'RouterOnly'] as const;

export interface AccountSettingsForm {
  routePolicy: string;
  defaultRules: boolean;
  /** Comma-separated label names. */
  groupBy: string;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  /** `''` inherits. */
  sendResolved: '' | 'true' | 'false';
  maxAlerts: string;
  historyRetentionDays: string;
}

export function accountSettingsFormOf(settings: AccountSettings): AccountSettingsForm {
  const own = settings.ownGrouping;
  return {
    routePolicy: settings.routePolicy,
    defaultRules: settings.defaultRules,
    groupBy: own.groupBy?.join(', ') ?? '',
    groupWait: own.groupWait ?? '',
    groupInterval: own.groupInterval ?? '',
    repeatInterval: own.repeatInterval ?? '',
    sendResolved: own.sendResolved === undefined ? '' : own.sendResolved ? 'true' : 'false',
    maxAlerts: own.maxAlerts === undefined ? '' : String(own.maxAlerts),
    historyRetentionDays: settings.historyRetentionDays === undefined ? '' : String(settings.historyRetentionDays),
  };
}

const numberOrText = (text: string): number | string => (Number.isFinite(Number(text)) ? Number(text) : text);

/** The body of PUT /v1/accounts/{a}/settings. */
export function accountSettingsBodyOf(form: AccountSettingsForm): Record<string, unknown> {
  const grouping: Record<string, unknown> = {};
  const groupBy = form.groupBy
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (groupBy.length > 0) grouping.groupBy = groupBy;
  for (const field of ['groupWait', 'groupInterval', 'repeatInterval'] as const) if (form[field].trim() !== '') grouping[field] = form[field].trim();
  if (form.sendResolved !== '') grouping.sendResolved = form.sendResolved === 'true';
  if (form.maxAlerts.trim() !== '') grouping.maxAlerts = numberOrText(form.maxAlerts.trim());
  return {
    routePolicy: form.routePolicy,
    defaultRules: form.defaultRules,
    ...(Object.keys(grouping).length > 0 ? { grouping } : {}),
    ...(form.historyRetentionDays.trim() === '' ? {} : { historyRetentionDays: numberOrText(form.historyRetentionDays.trim()) }),
  };
}

import * as z from 'zod';

/** A translation dictionary: lower-cased keys to text; `{0}`, `{1}` are replaced by the helper's arguments. */
export type LanguagePack = Readonly<Record<string, string>>;

/** The language every lookup falls back to, so a partial pack still renders. */
export const FALLBACK_LANGUAGE = 'en';

const en: LanguagePack = {
  firing: 'FIRING',
  resolved: 'RESOLVED',
  alerts: 'Alerts',
  alert: 'Alert',
  summary: 'Summary',
  description: 'Description',
  message: 'Message',
  labels: 'Labels',
  severity: 'Severity',
  cluster: 'Cluster',
  namespace: 'Namespace',
  'starts at': 'Started',
  'ends at': 'Ended',
  duration: 'For',
  event: 'Event',
  reason: 'Reason',
  object: 'Object',
  audit: 'Audit',
  user: 'User',
  verb: 'Verb',
  resource: 'Resource',
  source: 'Source',
  runbook: 'Runbook',
  'firing count': '{0} firing',
  'resolved count': '{0} resolved',
  'more alerts': '…and {0} more alerts not shown',
  'view in tidings': 'View in tidings',
  'notification': 'Notification',
};

const zhCn: LanguagePack = {
  firing: '告警中',
  resolved: '已恢复',
  alerts: '告警',
  alert: '告警',
  summary: '概要',
  description: '详情',
  message: '消息',
  labels: '标签',
  severity: '级别',
  cluster: '集群',
  namespace: '项目',
  'starts at': '开始时间',
  'ends at': '结束时间',
  duration: '持续',
  event: '事件',
  reason: '原因',
  object: '对象',
  audit: '审计',
  user: '用户',
  verb: '操作',
  resource: '资源',
  source: '来源',
  runbook: '处理手册',
  'firing count': '{0} 条告警中',
  'resolved count': '{0} 条已恢复',
  'more alerts': '……另有 {0} 条告警未显示',
  'view in tidings': '在 tidings 中查看',
  'notification': '通知',
};

/** Limits an uploaded pack must respect, so a tenant's pack cannot bloat every render. */
export const languagePackSchema = z
  .record(z.string().min(1).max(200), z.string().max(2000))
  .refine((pack) => Object.keys(pack).length <= 1000, { message: 'a language pack holds at most 1000 entries' });

/** A language code such as `en`, `zh-cn`, `pt-br`; 35 characters is the longest BCP 47 asks implementations to support. */
export const languageCodeSchema = z
  .string()
  .max(35)
  .regex(/^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i, { message: 'must be a language code such as en or zh-cn' })
  .transform((code) => code.toLowerCase());

// Null-prototype maps: a key such as `constructor` or `__proto__` must be an ordinary entry, never an inherited member.
const packs = new Map<string, Record<string, string>>();

/**
 * Adds or replaces a language pack for this process (operator-supplied data,
 * e.g. loaded at cold start). Keys are lower-cased as notification-manager does.
 */
export function registerLanguagePack(code: string, dictionary: Record<string, string>): void {
  const language = languageCodeSchema.parse(code);
  packs.set(language, normalizePack(languagePackSchema.parse(dictionary)));
}

/** The pack registered for a language, if any. */
export function languagePack(code: string): LanguagePack | undefined {
  return packs.get(code.toLowerCase());
}

/** Copies a dictionary into a null-prototype map with lower-cased keys. */
export function normalizePack(dictionary: Record<string, string>): Record<string, string> {
  const normalized = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(dictionary)) normalized[key.toLowerCase()] = value;
  return normalized;
}

/**
 * Looks a key up in the given dictionaries in order, then English, then returns
 * the key itself, so a missing translation degrades to readable text rather
 * than an empty string.
 */
export function translate(dictionaries: ReadonlyArray<LanguagePack | undefined>, key: string, args: readonly unknown[] = []): string {
  const wanted = key.toLowerCase();
  let text: string | undefined;
  for (const dictionary of [...dictionaries, packs.get(FALLBACK_LANGUAGE)]) {
    if (dictionary !== undefined && Object.hasOwn(dictionary, wanted)) {
      text = dictionary[wanted];
      break;
    }
  }
  return (text ?? key).replace(/\{(\d)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined || value === null ? whole : String(value);
  });
}

registerLanguagePack('en', en);
registerLanguagePack('zh-cn', zhCn);

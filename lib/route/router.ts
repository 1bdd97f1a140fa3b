import type { SelectorSpec } from '../matchers/selector.js';
import type { ReceiverGrouping } from '../receivers/receiver.js';

/**
 * How routers combine with tenant matching, as notification-manager defines it:
 * `All` uses both; `RouterFirst` uses routers and falls back to tenant
 * matching for alerts no router took; `RouterOnly` uses routers alone.
 */
export type RoutePolicy = 'All' | 'RouterFirst' | 'RouterOnly';

/**
 * Which receivers a router sends to. Named receivers are `name` (global) or
 * `tenant/name`; `receiverPattern` (anchored regular expression over those
 * names) and `channels` pick among the global receivers and the receivers of
 * the tenants in `tenants` (or, when none are named, of the tenants with
 * access to the alert), so no router ever scans every receiver of an account.
 */
export interface RouterTarget {
  receivers?: string[];
  receiverPattern?: string;
  channels?: string[];
  /** All receivers of these tenants (still only for alerts of namespaces they may see). */
  tenants?: string[];
}

/** An operator's rule sending the alerts it selects to chosen receivers. */
export interface Router {
  accountId: string;
  name: string;
  enabled: boolean;
  selector: SelectorSpec;
  target: RouterTarget;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Account-wide routing settings. */
export interface AccountSettings {
  accountId: string;
  routePolicy: RoutePolicy;
  /** Whether the shipped default event and audit rules apply (default true). */
  defaultRules?: boolean;
  /** Account-wide grouping defaults under each receiver's own (durations in ms). */
  grouping?: ReceiverGrouping;
  /** How long notification history is kept; the deployment's default when unset. */
  historyRetentionDays?: number;
  version: number;
}

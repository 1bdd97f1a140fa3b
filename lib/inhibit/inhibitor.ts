import type { Alert, LabelSet } from '../alert/alert.js';
import { ZERO_TIME } from '../alert/alert.js';
import { labelValue, matchesAll } from '../matchers/matcher.js';
import { scopeCovers } from '../silence/muter.js';
import type { MuteReason, MuteSubject, Muter, ReceiverOwner } from '../silence/muter.js';
import { parseTimestamp } from '../silence/timestamp.js';
import { compileInhibitRule } from './rule.js';
import type { CompiledInhibitRule, InhibitRule } from './rule.js';

/** The parts of a stored firing alert that inhibition needs, with the tenants that may see it (for tenants' inhibit rules). */
export type InhibitionSource = Pick<Alert, 'labels' | 'fingerprint' | 'status' | 'endsAt'> & { tenants?: readonly string[] };

/** Which rule muted an alert, and which firing alert it was. */
export interface Inhibition {
  rule: InhibitRule;
  sourceFingerprint: string;
}

interface SourceEntry {
  fingerprint: string;
  /** Infinity while no end is known. */
  endsAtMs: number;
}

interface Bucket {
  /** Every source with these `equal` values. */
  all: SourceEntry[];
  /** Those that do not also match the target side, for targets that match both sides. */
  sourceOnly: SourceEntry[];
}

interface IndexedRule {
  compiled: CompiledInhibitRule;
  buckets: Map<string, Bucket>;
}

function endsAtMs(alert: InhibitionSource): number {
  if (alert.endsAt === '' || alert.endsAt === ZERO_TIME) return Number.POSITIVE_INFINITY;
  return parseTimestamp(alert.endsAt) ?? Number.POSITIVE_INFINITY;
}

/** An alert inhibits only while firing: status firing and no end time in the past, as Alertmanager's Resolved(). */
export function isFiring(alert: InhibitionSource, now: Date): boolean {
  return alert.status === 'firing' && endsAtMs(alert) > now.getTime();
}

function equalKey(equal: readonly string[], labels: LabelSet): string {
  // A missing label counts as '', so an alert lacking the label on both sides is equal.
  return JSON.stringify(equal.map((name) => labelValue(labels, name)));
}

function firstLive(entries: readonly SourceEntry[], self: string, at: number): SourceEntry | undefined {
  return entries.find((entry) => entry.fingerprint !== self && entry.endsAtMs > at);
}

const compiledRules = new WeakMap<InhibitRule, CompiledInhibitRule>();

function compileCached(rule: InhibitRule): CompiledInhibitRule {
  let compiled = compiledRules.get(rule);
  if (compiled === undefined) {
    compiled = compileInhibitRule(rule);
    compiledRules.set(rule, compiled);
  }
  return compiled;
}

export interface InhibitorOptions {
  /** Use only rules whose scope covers these receivers' owner; omit to use every rule. */
  audience?: ReceiverOwner;
}

/**
 * Inhibition over a snapshot of firing alerts. Building it indexes, per
 * rule, the alerts that match the source side by their `equal` label values,
 * so deciding an alert is one key lookup per rule whatever the number of
 * firing alerts.
 */
export class Inhibitor implements Muter {
  readonly #rules: IndexedRule[];

  constructor(
    rules: readonly InhibitRule[],
    firingAlerts: readonly InhibitionSource[],
    options: InhibitorOptions = {},
  ) {
    const { audience } = options;
    this.#rules = rules
      .filter((rule) => audience === undefined || scopeCovers(rule.scope, audience))
      .map((rule) => ({ compiled: compileCached(rule), buckets: new Map<string, Bucket>() }));
    for (const alert of firingAlerts) {
      if (alert.status !== 'firing') continue;
      const entry: SourceEntry = { fingerprint: alert.fingerprint, endsAtMs: endsAtMs(alert) };
      for (const { compiled, buckets } of this.#rules) {
        if (!matchesAll(compiled.sourceMatchers, alert.labels)) continue;
        const key = equalKey(compiled.rule.equal, alert.labels);
        let bucket = buckets.get(key);
        if (bucket === undefined) {
          bucket = { all: [], sourceOnly: [] };
          buckets.set(key, bucket);
        }
        bucket.all.push(entry);
        if (!matchesAll(compiled.targetMatchers, alert.labels)) bucket.sourceOnly.push(entry);
      }
    }
  }

  /**
   * The first rule (in the order given) that inhibits the alert at `now`, with
   * the inhibiting alert. When the alert matches both sides of a rule, sources
   * that also match both sides are ignored, as in Alertmanager, so alerts of
   * one kind never inhibit each other; an alert never inhibits itself.
   */
  inhibitedBy(alert: MuteSubject, now: Date): Inhibition | undefined {
    const at = now.getTime();
    for (const { compiled, buckets } of this.#rules) {
      if (!matchesAll(compiled.targetMatchers, alert.labels)) continue;
      const bucket = buckets.get(equalKey(compiled.rule.equal, alert.labels));
      if (bucket === undefined) continue;
      const twoSided = matchesAll(compiled.sourceMatchers, alert.labels);
      const source = firstLive(twoSided ? bucket.sourceOnly : bucket.all, alert.fingerprint, at);
      if (source !== undefined) return { rule: compiled.rule, sourceFingerprint: source.fingerprint };
    }
    return undefined;
  }

  mutes(alert: MuteSubject, now: Date): MuteReason | undefined {
    const inhibition = this.inhibitedBy(alert, now);
    return inhibition === undefined
      ? undefined
      : { kind: 'inhibition', ruleId: inhibition.rule.id, sourceFingerprint: inhibition.sourceFingerprint };
  }
}

/**
 * One-off check of an alert against rules and firing alerts. Builds the index
 * each call: keep an Inhibitor when deciding many alerts.
 */
export function inhibitedBy(
  alert: MuteSubject,
  firingAlerts: readonly InhibitionSource[],
  rules: readonly InhibitRule[],
  now: Date,
): Inhibition | undefined {
  return new Inhibitor(rules, firingAlerts).inhibitedBy(alert, now);
}

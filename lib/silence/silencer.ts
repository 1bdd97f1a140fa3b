import type { LabelSet } from '../alert/alert.js';
import { scopeCovers } from './muter.js';
import type { Muter, ReceiverOwner } from './muter.js';
import { compileSilence, SilenceValidationError } from './silence.js';
import type { Silence } from './silence.js';

/**
 * The ids of the silences that are active at `now` and match the labels, in
 * the order given. Scope is not looked at: pass the silences that apply to
 * the receivers in question (see createSilenceMuter).
 */
export function silencedBy(labels: LabelSet, silences: readonly Silence[], now: Date): string[] {
  const ids: string[] = [];
  for (const silence of silences) {
    if (compileSilence(silence).mutes(labels, now)) ids.push(silence.id);
  }
  return ids;
}

export interface SilenceMuterOptions {
  /**
   * Whose receivers are being decided: only silences whose scope covers this
   * owner are used (global silences always are). Omit to use every silence.
   */
  audience?: ReceiverOwner;
}

/**
 * A Muter over a set of silences, compiled here once. A stored silence that
 * does not compile (written by an older version, or damaged) is left out: it
 * must not stop every notification of the account by failing each flush.
 */
export function createSilenceMuter(silences: readonly Silence[], options: SilenceMuterOptions = {}): Muter {
  const { audience } = options;
  const applicable = silences.filter((silence) => (audience === undefined || scopeCovers(silence.scope, audience)) && compiles(silence));
  return {
    mutes(alert, now) {
      const silenceIds = silencedBy(alert.labels, applicable, now);
      return silenceIds.length > 0 ? { kind: 'silence', silenceIds } : undefined;
    },
  };
}

function compiles(silence: Silence): boolean {
  try {
    compileSilence(silence);
    return true;
  } catch (error) {
    if (error instanceof SilenceValidationError) return false;
    throw error;
  }
}

import type { Alert } from '../alert/alert.js';

/**
 * Who a silence or an inhibit rule applies to: a global one mutes an alert
 * for every receiver, a tenant one only for that tenant's receivers.
 */
export type MuteScope = { kind: 'global' } | { kind: 'tenant'; tenantId: string };

/** The owner of a receiver, in the same terms as MuteScope. */
export type ReceiverOwner = MuteScope;

/** A global scope covers every receiver; a tenant scope covers only that tenant's receivers. */
export function scopeCovers(scope: MuteScope, owner: ReceiverOwner): boolean {
  return scope.kind === 'global' || (owner.kind === 'tenant' && owner.tenantId === scope.tenantId);
}

/** The parts of an alert muting looks at. */
export type MuteSubject = Pick<Alert, 'labels' | 'fingerprint'>;

/** Why an alert was stopped, for the history and the explain endpoint. */
export type MuteReason =
  | {
      kind: 'silence';
      /** Every active silence that matches, in the order they were given. */
      silenceIds: string[];
    }
  | {
      kind: 'inhibition';
      ruleId: string;
      /** Fingerprint of the firing alert that inhibits this one. */
      sourceFingerprint: string;
    };

/** A mute in words, for the alert trail and the explain endpoint. */
export function describeMute(reason: MuteReason): string {
  return reason.kind === 'silence' ? `silence ${reason.silenceIds.join(', ')}` : `inhibit rule ${reason.ruleId} by alert ${reason.sourceFingerprint}`;
}

/**
 * Silences and inhibition share this shape, as in Alertmanager, so the route
 * stage can run any list of them and report the first reason.
 */
export interface Muter {
  mutes(alert: MuteSubject, now: Date): MuteReason | undefined;
}

/** Runs muters in order and returns the first reason, so cheap checks can go first. */
export function combineMuters(muters: readonly Muter[]): Muter {
  return {
    mutes(alert, now) {
      for (const muter of muters) {
        const reason = muter.mutes(alert, now);
        if (reason !== undefined) return reason;
      }
      return undefined;
    },
  };
}

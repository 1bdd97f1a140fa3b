/**
 * What decides mutes when a group flushes: the account's silences, inhibit
 * rules and firing alerts as stored at that moment (not a cached copy), so a
 * silence written through the API applies from the next flush.
 */
import { Inhibitor, type InhibitionSource } from '../inhibit/inhibitor.js';
import type { InhibitRule } from '../inhibit/rule.js';
import type { ReceiverRef } from '../pipeline/messages.js';
import { combineMuters, type Muter, type ReceiverOwner } from '../silence/muter.js';
import type { Silence } from '../silence/silence.js';
import { createSilenceMuter } from '../silence/silencer.js';

export interface MuteState {
  silences: readonly Silence[];
  inhibitRules: readonly InhibitRule[];
  firingAlerts: readonly InhibitionSource[];
}

/** Where the mute state is read from; each read is one query of one partition. */
export interface MuteSource {
  silences(accountId: string): Promise<Silence[]>;
  inhibitRules(accountId: string): Promise<InhibitRule[]>;
  firingAlerts(accountId: string): Promise<InhibitionSource[]>;
}

/** Reads an account's mute state; the firing set only when the account has inhibit rules, as only they use it. */
export async function loadMuteState(accountId: string, source: MuteSource): Promise<MuteState> {
  const [silences, inhibitRules] = await Promise.all([source.silences(accountId), source.inhibitRules(accountId)]);
  const firingAlerts = inhibitRules.length === 0 ? [] : await source.firingAlerts(accountId);
  return { silences, inhibitRules, firingAlerts };
}

/** The owner of a receiver, as silences and inhibit rules scope themselves. */
export function receiverOwner(receiver: ReceiverRef): ReceiverOwner {
  return receiver.tenantId === undefined ? { kind: 'global' } : { kind: 'tenant', tenantId: receiver.tenantId };
}

/**
 * The muter for one receiver owner: inhibition, then silences (Alertmanager's
 * order), of the rules and silences whose scope covers the owner. A tenant's
 * inhibit rules only see the alerts that tenant may see.
 */
export function ownerMuter(state: MuteState, owner: ReceiverOwner): Muter {
  const sources =
    owner.kind === 'global' ? state.firingAlerts : state.firingAlerts.filter((alert) => alert.tenants?.includes(owner.tenantId) === true);
  return combineMuters([
    new Inhibitor(state.inhibitRules, sources, { audience: owner }),
    createSilenceMuter(state.silences, { audience: owner }),
  ]);
}

/**
 * Muters for the flushes of one queue batch: each account's mute state is read
 * once per batch, when a flush first needs it, and never kept longer.
 */
export function batchMuters(source: MuteSource): (receiver: ReceiverRef) => Promise<Muter> {
  const states = new Map<string, Promise<MuteState>>();
  return async (receiver) => {
    let state = states.get(receiver.accountId);
    if (state === undefined) {
      state = loadMuteState(receiver.accountId, source);
      states.set(receiver.accountId, state);
    }
    return ownerMuter(await state, receiverOwner(receiver));
  };
}

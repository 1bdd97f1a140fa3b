export { combineMuters, scopeCovers } from './muter.js';
export type { MuteReason, MuteScope, MuteSubject, Muter, ReceiverOwner } from './muter.js';
export { CompiledSchedule, ScheduleError, isValidTimeZone } from './schedule.js';
export type { SilenceSchedule, TimeWindow } from './schedule.js';
export {
  CompiledSilence,
  SilenceValidationError,
  compileSilence,
  expireSilence,
  silenceStatus,
  validateSilence,
} from './silence.js';
export type { Silence, SilenceIssue, SilenceState, SilenceStatus } from './silence.js';
export { createSilenceMuter, silencedBy } from './silencer.js';
export type { SilenceMuterOptions } from './silencer.js';
export { alertSilenceMatchers, ruleSilenceMatchers } from './patterns.js';
export type { RuleTarget } from './patterns.js';
export { parseTimestamp } from './timestamp.js';

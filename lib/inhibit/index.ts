export { InhibitRuleValidationError, compileInhibitRule, validateInhibitRule } from './rule.js';
export type { CompiledInhibitRule, InhibitRule, InhibitRuleIssue } from './rule.js';
export { Inhibitor, inhibitedBy, isFiring } from './inhibitor.js';
export type { Inhibition, InhibitionSource, InhibitorOptions } from './inhibitor.js';

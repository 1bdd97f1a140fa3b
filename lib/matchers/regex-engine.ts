import { LazyModule } from '../pipeline/lazy-module.js';

/**
 * RE2 (re2js, about 150 KB minified, a third of a function's bundle): loaded
 * when the first regular expression is compiled, so functions and accounts
 * without regex matchers or regex rules never load it.
 */
export const re2 = new LazyModule('re2js', () => import('re2js'));

import { LazyModule } from '../pipeline/lazy-module.js';

/**
 * The template renderer with its default templates and template data (about
 * 15 KB minified). The api function needs it only to check the templates a
 * request carries, and loads it then (withLazyModules); deliver imports it.
 */
export const templateRenderer = new LazyModule('the template renderer', () => import('./renderer.js'));

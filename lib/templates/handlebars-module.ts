import type Handlebars from 'handlebars';
import { LazyModule } from '../pipeline/lazy-module.js';

/**
 * Handlebars (about 80 KB minified). deliver and filter render on their main
 * path and hand it over at cold start (`provide`); the api function needs it
 * only to check templates and for test sends, and loads it then.
 */
export const handlebars = new LazyModule<typeof Handlebars>('handlebars', async () => (await import('handlebars')).default);

import { re2 } from '../lib/matchers/regex-engine.js';
import { croner } from '../lib/silence/schedule.js';
import { handlebars } from '../lib/templates/handlebars-module.js';
import { templateRenderer } from '../lib/templates/renderer-module.js';

// The functions load RE2, croner and (api) Handlebars and the template renderer on first need (withLazyModules, lib/pipeline/lazy-module.ts); unit tests call the
// compilers directly, so they load them first. test/unit/pipeline/lazy-module.test.ts covers the loading itself.
await Promise.all([re2.load(), croner.load(), handlebars.load(), templateRenderer.load()]);

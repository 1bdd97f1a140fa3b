/**
 * Handlebars templates for rule labels and annotations, over the event's
 * fields (`{{involvedObject.name}}`, `{{lookup involvedObject.labels "app.kubernetes.io/name"}}`).
 * Tenants write these, so rendering is fenced: a private Handlebars
 * environment with only the built-in helpers (no `log`, no partials), no
 * prototype access, bounded nesting of loops, and bounded output.
 */
import type Handlebars from 'handlebars';
import { handlebars } from '../templates/handlebars-module.js';
import { RuleValidationError } from './errors.js';

/** Longest template source accepted. */
export const MAX_TEMPLATE_LENGTH = 4096;
/** Default cap on one rendered value. */
export const DEFAULT_MAX_OUTPUT = 4096;
/** Deepest nesting of block helpers; `each` may not be nested at all (quadratic output). */
const MAX_BLOCK_DEPTH = 4;
const MAX_EACH_DEPTH = 1;

let sandbox: typeof Handlebars | undefined;

/** The rules' own Handlebars environment, built once Handlebars is loaded. */
function environment(): typeof Handlebars {
  if (sandbox === undefined) {
    sandbox = handlebars.get().create();
    sandbox.unregisterHelper('log');
  }
  return sandbox;
}

const COMPILE_OPTIONS = {
  noEscape: true,
  strict: false,
  knownHelpersOnly: true,
  knownHelpers: { log: false },
} as const;

const RUNTIME_OPTIONS = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
} as const;

/** A compiled template; rendering never throws. */
export interface CompiledTemplate {
  readonly source: string;
  /** Renders with `data` available as `@name` variables (e.g. `{{@cluster}}`); '' if rendering fails. */
  render(context: unknown, data?: Record<string, unknown>): string;
}

interface HbNode {
  type: string;
  path?: { original?: unknown };
  program?: { body: HbNode[] } | null;
  inverse?: { body: HbNode[] } | null;
  body?: HbNode[];
}

function checkShape(nodes: readonly HbNode[], blockDepth: number, eachDepth: number, field: string): void {
  for (const node of nodes) {
    if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement' || node.type.startsWith('Decorator')) {
      throw new RuleValidationError('Templates may not use partials or decorators', { field });
    }
    if (node.type !== 'BlockStatement') continue;
    const isEach = node.path?.original === 'each';
    const depth = blockDepth + 1;
    const each = eachDepth + (isEach ? 1 : 0);
    if (depth > MAX_BLOCK_DEPTH) throw new RuleValidationError(`Templates may nest blocks at most ${MAX_BLOCK_DEPTH} deep`, { field });
    if (each > MAX_EACH_DEPTH) throw new RuleValidationError('Templates may not nest {{#each}} inside {{#each}}', { field });
    checkShape(node.program?.body ?? [], depth, each, field);
    checkShape(node.inverse?.body ?? [], depth, each, field);
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Compiles a template, throwing RuleValidationError (naming `field`) when it
 * does not parse or uses what the sandbox forbids.
 */
export function compileTemplate(source: string, field: string, maxOutput = DEFAULT_MAX_OUTPUT): CompiledTemplate {
  if (source.length > MAX_TEMPLATE_LENGTH) {
    throw new RuleValidationError(`Template is longer than ${MAX_TEMPLATE_LENGTH} characters`, { field });
  }
  // Outside the try: a Handlebars not loaded yet is no template error (withLazyModules loads it and runs the caller again).
  const hb = environment();
  let delegate: Handlebars.TemplateDelegate;
  try {
    const program = hb.parse(source) as unknown as { body: HbNode[] };
    checkShape(program.body, 0, 0, field);
    delegate = hb.compile(source, COMPILE_OPTIONS);
    // Handlebars compiles lazily; render once now so compile errors surface on write.
    delegate({}, RUNTIME_OPTIONS);
  } catch (error) {
    if (error instanceof RuleValidationError) throw error;
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RuleValidationError(`Invalid template: ${detail}`, { field, cause: error });
  }
  return {
    source,
    render(context, data) {
      try {
        return truncate(delegate(context, { ...RUNTIME_OPTIONS, data: data ?? {} }), maxOutput);
      } catch {
        // A template that fails on one event's data must not lose the alert.
        return '';
      }
    },
  };
}

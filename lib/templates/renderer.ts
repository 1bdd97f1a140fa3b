import type Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';
import type { NotificationRenderer, TemplateKind } from '../notify/channel.js';
import type { NotificationMessage } from '../pipeline/messages.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import { handlebars } from './handlebars-module.js';
import { FALLBACK_LANGUAGE, languagePack, normalizePack, translate, type LanguagePack } from './language-packs.js';
import { plainSummary } from './plain-summary.js';
import { notificationView, type NotificationView } from './template-data.js';

/** Every template kind, in the order the API lists them. */
export const TEMPLATE_KINDS: readonly TemplateKind[] = ['title', 'text', 'markdown', 'html'];

/** A template that does not compile: the API answers 400 when one is written. */
export class TemplateCompileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateCompileError';
  }
}

/** A render that ran past its time or work budget; it is stopped and the default is used instead. */
export class TemplateBudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateBudgetError';
  }
}

/**
 * Bounds on one render. Handlebars runs synchronously and cannot be pre-empted,
 * so the bound is enforced where a template can spend time: every helper call
 * and every block iteration (each, with, if, sections over lists) counts as a
 * step and checks the CPU time used. Between two steps a template does at most work
 * proportional to its own (size-limited) source, so steps and time together
 * bound the render.
 */
export interface RenderLimits {
  /** CPU-time budget of one render (process CPU time while the synchronous render runs). */
  maxRenderMs: number;
  /** Helper calls plus block iterations in one render. */
  maxSteps: number;
  /** Output longer than this (in UTF-16 code units) is cut and marked. */
  maxOutputChars: number;
  /** Templates longer than this are refused at validation. */
  maxTemplateChars: number;
}

/** Defaults sized for chat messages and emails: generous for real templates, far below what hurts a Lambda. */
export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  maxRenderMs: 250,
  maxSteps: 20_000,
  maxOutputChars: 64 * 1024,
  maxTemplateChars: 64 * 1024,
};

/** Appended when output is cut, so a reader knows the message is incomplete. */
export const TRUNCATION_MARKER = '\n…[truncated]';

/** Why a custom template was not used for a render; delivery notes it in history. */
export interface TemplateRenderFailure {
  kind: TemplateKind;
  reason: string;
  error: unknown;
}

/** The result of a render, with any fallback spelled out. */
export interface RenderResult {
  output: string;
  /**
   * Set when a template failed: the custom one (the built-in default was rendered instead), or the
   * built-in one (a plain summary was). The reason names each failure.
   */
  failure?: TemplateRenderFailure;
  truncated: boolean;
}

export interface RendererOptions {
  /** Language code of the receiver, e.g. `en` or `zh-cn`; unknown codes render in English. */
  language?: string;
  /** Custom templates by kind; kinds left out use the built-in defaults. */
  templates?: Partial<Record<TemplateKind, string>>;
  /** A tenant's own dictionary, consulted before the process-wide pack of the language. */
  dictionary?: Record<string, string>;
  /** Link target for "view in tidings". */
  externalURL?: string;
  /** IANA time zone the `date` helper uses when a template names none. */
  timeZone?: string;
  now?: () => Date;
  limits?: Partial<RenderLimits>;
  /** Called whenever a custom template fails and the default is used. */
  onFallback?: (failure: TemplateRenderFailure) => void;
}

/** A renderer that can also say whether it fell back. */
export interface TidingsRenderer extends NotificationRenderer {
  renderDetailed(kind: TemplateKind, notification: NotificationMessage, maxChars?: number): RenderResult;
}

/** The state of the render in progress; helpers read it because Handlebars gives them no per-call context of ours. */
interface ActiveRender {
  cpuStart: NodeJS.CpuUsage;
  cpuBudgetMicros: number;
  steps: number;
  maxSteps: number;
  maxOutputChars: number;
  dictionaries: Array<LanguagePack | undefined>;
  timeZone: string;
  now: Date;
}

let active: ActiveRender | undefined;

function step(): ActiveRender {
  const render = active;
  if (render === undefined) throw new TemplateBudgetError('helper called outside a render');
  render.steps += 1;
  if (render.steps > render.maxSteps) throw new TemplateBudgetError(`template exceeded ${render.maxSteps} steps`);
  // CPU time, not wall-clock: a render is synchronous, so only its own work counts, and a busy
  // machine that deschedules the process does not fail a template that is within its budget.
  // Read at the first step and every 32nd after: the clock is a system call, and reading it at every step was a
  // tenth of the pipeline's CPU; 31 bounded steps past the budget do not matter.
  if (render.steps % 32 !== 1) return render;
  const used = process.cpuUsage(render.cpuStart);
  if (used.user + used.system > render.cpuBudgetMicros) throw new TemplateBudgetError('template exceeded its time budget');
  return render;
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(asText).join(',');
  return '';
}

/** Items for `join`: strings of a list, `name=value` of label pairs, or of a label map's own entries. */
function listItems(value: unknown): string[] {
  const entry = (item: unknown): string => {
    if (typeof item === 'object' && item !== null && Object.hasOwn(item, 'name') && Object.hasOwn(item, 'value')) {
      const pair = item as { name: unknown; value: unknown };
      return `${asText(pair.name)}=${asText(pair.value)}`;
    }
    return asText(item);
  };
  if (Array.isArray(value)) return value.slice(0, 1000).map(entry);
  if (typeof value === 'object' && value !== null) {
    return Object.keys(value)
      .slice(0, 1000)
      .map((name) => `${name}=${asText((value as Record<string, unknown>)[name])}`);
  }
  return value === undefined || value === null || value === '' ? [] : [asText(value)];
}

/** Handlebars passes its options object last; helpers take only the arguments before it. */
function argsOf(args: unknown[]): unknown[] {
  return args.slice(0, -1);
}

const DATE_TOKENS = /YYYY|MM|DD|HH|mm|ss|Z/g;

const MAX_CACHED_FORMATS = 100;
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Building a DateTimeFormat costs far more than using one, and the default templates format two dates per alert. */
function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (dateFormats.size >= MAX_CACHED_FORMATS) dateFormats.delete(dateFormats.keys().next().value!);
    dateFormats.set(timeZone, format);
  }
  return format;
}

/** The parts `formatToParts` gives for UTC, read off the ISO form: the default templates format two dates per alert. */
function utcParts(millis: number): Record<string, string> {
  const iso = new Date(millis).toISOString();
  return { year: iso.slice(0, 4), month: iso.slice(5, 7), day: iso.slice(8, 10), hour: iso.slice(11, 13), minute: iso.slice(14, 16), second: iso.slice(17, 19) };
}

function formatDate(value: unknown, format: string, timeZone: string): string {
  const text = asText(value);
  const millis = Date.parse(text);
  // Alertmanager's zero time and unparsable values mean "not known": show nothing rather than year 1.
  if (Number.isNaN(millis) || text.startsWith('0001-')) return '';
  const parts = timeZone === 'UTC' ? utcParts(millis) : Object.fromEntries(dateFormat(timeZone).formatToParts(new Date(millis)).map((part) => [part.type, part.value]));
  const tokens: Record<string, string> = {
    YYYY: parts.year ?? '',
    MM: parts.month ?? '',
    DD: parts.day ?? '',
    HH: parts.hour ?? '',
    mm: parts.minute ?? '',
    ss: parts.second ?? '',
    Z: timeZone,
  };
  return format.slice(0, 100).replace(DATE_TOKENS, (token) => tokens[token] ?? token);
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const parts = [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes ? `${minutes}m` : ''].filter(Boolean);
  if (parts.length === 0) parts.push(`${seconds}s`);
  return parts.join(' ');
}

type AnyHelper = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps a helper so each call counts as a step. */
function counting(helper: Handlebars.HelperDelegate): AnyHelper {
  const invoke = helper as unknown as AnyHelper;
  return function (this: unknown, ...args: unknown[]) {
    step();
    return invoke.apply(this, args);
  };
}

/**
 * Wraps a block helper so the call and each block body it runs count as steps.
 * Our block helpers concatenate their bodies' output unchanged, so once a
 * block has produced more than the output bound, whatever it would add lies
 * past the cut: its remaining bodies are skipped rather than built and thrown
 * away (a nested loop cannot build hundreds of megabytes before its budget stops it).
 */
function countingBlocks(helper: Handlebars.HelperDelegate): AnyHelper {
  const invoke = helper as unknown as AnyHelper;
  return function (this: unknown, ...args: unknown[]) {
    const render = step();
    const options = args[args.length - 1] as HelperOptions | undefined;
    if (options === undefined || typeof options.fn !== 'function') return invoke.apply(this, args);
    let produced = 0;
    const body =
      (run: (context: unknown, runtime?: never) => string) =>
      (context: unknown, runtime?: unknown): string => {
        if (produced > render.maxOutputChars) return '';
        step();
        const output = run(context, runtime as never);
        produced += output.length;
        return output;
      };
    const counted: HelperOptions = { ...options, fn: body(options.fn), inverse: body(options.inverse) };
    return invoke.apply(this, [...args.slice(0, -1), counted]);
  };
}

/**
 * The isolated Handlebars environment tenant templates run in: its own helper
 * table (nothing registered on the global instance leaks in), no `log` (tenants
 * must not write to our logs), and only the helpers below.
 */
function createEnvironment(): typeof Handlebars {
  const env = handlebars.get().create();
  env.unregisterHelper('log');
  for (const name of ['each', 'with', 'if', 'unless']) {
    const builtin = env.helpers[name];
    if (builtin !== undefined) env.registerHelper(name, countingBlocks(builtin));
  }
  // A section over a list (`{{#alerts}}`) goes through blockHelperMissing to `each`, which counts its iterations.
  for (const name of ['blockHelperMissing', 'lookup']) {
    const builtin = env.helpers[name];
    if (builtin !== undefined) env.registerHelper(name, counting(builtin));
  }
  const helpers: Record<string, (...args: unknown[]) => unknown> = {
    t: (...args) => {
      const [key, ...rest] = argsOf(args);
      return translate(step().dictionaries, asText(key), rest);
    },
    toUpper: (...args) => (step(), asText(argsOf(args)[0]).toUpperCase()),
    toLower: (...args) => (step(), asText(argsOf(args)[0]).toLowerCase()),
    join: (...args) => {
      step();
      const [list, separator] = argsOf(args);
      return listItems(list).join(separator === undefined ? ', ' : asText(separator));
    },
    date: (...args) => {
      const render = step();
      const [value, format, zone] = argsOf(args);
      return formatDate(value, typeof format === 'string' ? format : 'YYYY-MM-DD HH:mm:ss Z', typeof zone === 'string' ? zone : render.timeZone);
    },
    since: (...args) => {
      const render = step();
      const millis = Date.parse(asText(argsOf(args)[0]));
      return Number.isNaN(millis) ? '' : formatDuration(render.now.getTime() - millis);
    },
    default: (...args) => {
      step();
      return argsOf(args).find((value) => value !== undefined && value !== null && value !== '' && value !== false) ?? '';
    },
    eq: (...args) => {
      step();
      const [a, b] = argsOf(args);
      return a === b;
    },
  };
  helpers.translate = helpers.t!;
  for (const [name, helper] of Object.entries(helpers)) env.registerHelper(name, helper);
  return env;
}

/** The environment and the helper names templates may use (anything else is a compile error: knownHelpersOnly), built once Handlebars is loaded. */
let sandbox: { env: typeof Handlebars; helpers: readonly string[] } | undefined;

function templateEnvironment(): typeof Handlebars {
  if (sandbox === undefined) {
    const env = createEnvironment();
    // Refused prototype lookups are logged once per name by Handlebars; tenant templates probing for them must not flood our logs.
    // Level 4 is above 'error' (3), the highest Handlebars logs at.
    env.logger.level = 4;
    sandbox = { env, helpers: Object.keys(env.helpers).filter((name) => name !== 'helperMissing') };
  }
  return sandbox.env;
}

function compileOptions(kind: TemplateKind): CompileOptions {
  templateEnvironment();
  return {
    // Only our helpers exist: a typo in a helper name fails at write time (a 400), not at 3 a.m. at render time.
    // `log` is known to the compiler by default; unregistered here, so it must be unknown too.
    knownHelpers: { ...Object.fromEntries(sandbox!.helpers.map((name) => [name, true])), log: false },
    knownHelpersOnly: true,
    // Not strict: alerts differ in which labels and annotations they carry, and a missing one should render as empty.
    strict: false,
    // HTML-escape only where the output is HTML; chat markups have their own escaping, done by each channel.
    noEscape: kind !== 'html',
    preventIndent: true,
  };
}
type CompileOptions = Parameters<typeof Handlebars.compile>[1];

const runtimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
  allowedProtoProperties: {},
  allowedProtoMethods: {},
} as const;

type CompiledTemplate = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

const MAX_CACHED_TEMPLATES = 500;
const cache = new Map<string, CompiledTemplate>();

/** Partials and decorators would let a template recurse or reach code paths we do not bound; tenant templates are self-contained. */
function refuseUnsafeNodes(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(refuseUnsafeNodes);
  const type = (node as { type?: unknown }).type;
  if (type === 'PartialStatement' || type === 'PartialBlockStatement') throw new TemplateCompileError('partials are not supported');
  if (type === 'Decorator' || type === 'DecoratorBlock') throw new TemplateCompileError('decorators are not supported');
  for (const [key, value] of Object.entries(node)) if (key !== 'loc') refuseUnsafeNodes(value);
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 4).join(' ').slice(0, 300);
}

/** The two compiler passes Handlebars runs inside `compile`; its typings do not declare them. */
interface CompilerPasses {
  Compiler: new () => { compile(program: hbs.AST.Program, options: CompileOptions): unknown };
  JavaScriptCompiler: new () => {
    compile(environment: unknown, options: CompileOptions, context: undefined, asObject: true): TemplateSpecification;
  };
}
type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

/**
 * Runs the whole compiler now. `Handlebars.compile` defers it to the first
 * render, which would then pay for it out of its time budget: on a cold or
 * busy process the first render of a template could run out and fall back.
 * Unknown helpers also surface here (a 400 at write time), not at render time.
 */
function compileNow(ast: hbs.AST.Program, options: CompileOptions): CompiledTemplate {
  const env = templateEnvironment();
  const passes = env as unknown as CompilerPasses;
  // compile() adds `data: true` the same way before running these passes.
  const withData = { data: true, ...options };
  const environment = new passes.Compiler().compile(ast, withData);
  const spec = new passes.JavaScriptCompiler().compile(environment, withData, undefined, true);
  return env.template(spec) as CompiledTemplate;
}

/** Compiles (or fetches from the cache) a template; throws TemplateCompileError with a readable reason. */
function compiled(source: string, kind: TemplateKind, limits: RenderLimits): CompiledTemplate {
  const key = `${kind === 'html' ? 'h' : 't'}:${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (source.length > limits.maxTemplateChars) {
    throw new TemplateCompileError(`template is longer than ${limits.maxTemplateChars} characters`);
  }
  // Outside the try: a Handlebars not loaded yet is no compile error (withLazyModules loads it and runs the caller again).
  const env = templateEnvironment();
  let template: CompiledTemplate;
  try {
    const ast = env.parse(source);
    refuseUnsafeNodes(ast);
    template = compileNow(ast, compileOptions(kind));
  } catch (error) {
    if (error instanceof TemplateCompileError) throw error;
    throw new TemplateCompileError(`template does not compile: ${describe(error)}`, { cause: error });
  }
  if (cache.size >= MAX_CACHED_TEMPLATES) cache.delete(cache.keys().next().value!);
  cache.set(key, template);
  return template;
}

/** How many distinct templates are compiled and cached (for tests and metrics). */
export function compiledTemplateCount(): number {
  return cache.size;
}

/**
 * Checks a template before it is stored: syntax, known helpers only, no
 * partials or decorators, size. Throws TemplateCompileError (answer 400).
 */
export function validateTemplate(source: string, kind: TemplateKind = 'text', limits: Partial<RenderLimits> = {}): void {
  compiled(source, kind, { ...DEFAULT_RENDER_LIMITS, ...limits });
}

/** Cuts output to the limit without splitting a surrogate pair, and marks the cut. */
export function truncateOutput(output: string, maxChars: number, marker = TRUNCATION_MARKER): { text: string; truncated: boolean } {
  if (output.length <= maxChars) return { text: output, truncated: false };
  let end = Math.max(0, maxChars - marker.length);
  const code = output.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { text: output.slice(0, end) + marker, truncated: true };
}

/**
 * Builds the renderer for one receiver. Custom templates are compiled once
 * (cached by source across renderers); a custom template that fails at render
 * time, or runs past its budget, is replaced by the built-in default for that
 * render (and a failing built-in one by a plain summary); each failure is
 * reported through `onFallback` and `renderDetailed`.
 */
export function createRenderer(options: RendererOptions = {}): TidingsRenderer {
  // Rendering never throws and falls back on any error, so Handlebars must be there before a renderer exists.
  templateEnvironment();
  const language = (options.language ?? FALLBACK_LANGUAGE).toLowerCase();
  const limits: RenderLimits = { ...DEFAULT_RENDER_LIMITS, ...options.limits };
  const timeZone = options.timeZone ?? 'UTC';
  // Fail now on a bad zone rather than on every render (the format is cached per zone).
  dateFormat(timeZone);
  const tenantDictionary = options.dictionary === undefined ? undefined : normalizePack(options.dictionary);
  const now = options.now ?? (() => new Date());
  const externalURL = options.externalURL ?? '';
  const custom = options.templates ?? {};

  // The built-in templates are ours and linear in the data they are given (at most MAX_TEMPLATE_ALERTS alerts,
  // with their labels): the step bound, there to stop tenant loops that nest, does not apply to them; the time
  // bound does, and past it the plain summary is sent.
  const trusted: RenderLimits = {
    ...limits,
    maxRenderMs: Math.max(limits.maxRenderMs, DEFAULT_RENDER_LIMITS.maxRenderMs),
    maxSteps: Number.POSITIVE_INFINITY,
  };
  const dictionaries = [tenantDictionary, languagePack(language)];

  // Compiling and building the view happen before the budget starts: only the template's own work is charged.
  function run(source: string, kind: TemplateKind, view: NotificationView, budget: RenderLimits): string {
    const template = compiled(source, kind, budget);
    const previous = active;
    active = {
      cpuStart: process.cpuUsage(),
      cpuBudgetMicros: budget.maxRenderMs * 1000,
      steps: 0,
      maxSteps: budget.maxSteps,
      maxOutputChars: budget.maxOutputChars,
      dictionaries,
      timeZone,
      now: now(),
    };
    try {
      return template(view, runtimeOptions);
    } finally {
      active = previous;
    }
  }

  /** Never throws: a delivery must not fail because of what a template or its data did. */
  function renderDetailed(kind: TemplateKind, notification: NotificationMessage, maxChars?: number): RenderResult {
    const source = custom[kind];
    const bound = (budget: RenderLimits): RenderLimits => (maxChars === undefined ? budget : { ...budget, maxOutputChars: Math.min(maxChars, budget.maxOutputChars) });
    const reasons: string[] = [];
    let firstError: unknown;
    let output: string | undefined;
    const fail = (reason: string, error: unknown) => {
      reasons.push(reason);
      firstError ??= error;
    };
    try {
      const view = notificationView(notification, externalURL, language);
      if (source !== undefined) {
        try {
          output = run(source, kind, view, bound(limits));
        } catch (error) {
          fail(`custom ${kind} template failed: ${describe(error)}`, error);
        }
        // Nothing to show (a title over labels this alert lacks) is as useless as an error: DingTalk would send an empty title.
        if (output !== undefined && output.trim() === '') {
          output = undefined;
          fail(`custom ${kind} template rendered nothing; used the built-in one`, undefined);
        }
      }
      if (output === undefined) {
        try {
          output = run(DEFAULT_TEMPLATES[kind], kind, view, bound(trusted));
        } catch (error) {
          fail(`built-in ${kind} template failed: ${describe(error)}; sent a plain summary`, error);
        }
      }
    } catch (error) {
      fail(`notification could not be prepared for templates: ${describe(error)}; sent a plain summary`, error);
    }
    output ??= plainSummary(kind, notification, dictionaries);
    const { text, truncated } = truncateOutput(output, bound(limits).maxOutputChars);
    if (reasons.length === 0) return { output: text, truncated };
    const failure: TemplateRenderFailure = { kind, reason: reasons.join('; '), error: firstError };
    options.onFallback?.(failure);
    return { output: text, truncated, failure };
  }

  return {
    renderDetailed,
    render: (kind, notification, maxChars) => renderDetailed(kind, notification, maxChars).output,
  };
}

import Handlebars from 'handlebars';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TemplateKind } from '../../../lib/notify/channel.js';
import { createRenderer, DEFAULT_RENDER_LIMITS, TEMPLATE_KINDS, TRUNCATION_MARKER } from '../../../lib/templates/index.js';
import { aLargeKubernetesGroup, aMetricNotification } from './sample-notifications.js';

const now = () => new Date('2026-11-25T10:05:00Z');
const kinds = TEMPLATE_KINDS.map((kind) => [kind as TemplateKind]);

/**
 * Replaces the process CPU clock the render budget reads with one that only
 * moves when a test says so (and by `perRead` on every reading), so budgets
 * are exercised without timing anything.
 */
function fakeCpuClock(perRead = 0): { advance(micros: number): void } {
  let micros = 0;
  vi.spyOn(process, 'cpuUsage').mockImplementation((previous?: NodeJS.CpuUsage) => {
    micros += perRead;
    return previous === undefined ? { user: micros, system: 0 } : { user: micros - previous.user, system: 0 };
  });
  return { advance: (by) => (micros += by) };
}

/** Makes every Handlebars code generation cost a full second of (fake) CPU time, as on a cold, starved process. */
function slowCompiles(clock: { advance(micros: number): void }): void {
  const passes = Handlebars as unknown as { JavaScriptCompiler: { prototype: { compile: (...args: unknown[]) => unknown } } };
  const original = passes.JavaScriptCompiler.prototype.compile;
  vi.spyOn(passes.JavaScriptCompiler.prototype, 'compile').mockImplementation(function (this: unknown, ...args: unknown[]) {
    clock.advance(1_000_000);
    return original.apply(this, args);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the render budget', () => {
  it('does not charge a custom template its compile on the first render', () => {
    // Prepare
    slowCompiles(fakeCpuClock());
    const source = `{{toLower name}} on {{commonLabels.cluster}} #${Math.random()}`;

    // Act
    const result = createRenderer({ now, templates: { text: source } }).renderDetailed('text', aMetricNotification());

    // Assess
    expect(result.failure).toBeUndefined();
    expect(result.output).toMatch(/^kubepodcrashlooping on prod-eu #/);
  });

  it.each(kinds)('renders the built-in %s template in a fresh process without falling back, however slow its compile', async (kind) => {
    // Prepare: a fresh module, so nothing is compiled yet.
    vi.resetModules();
    const fresh = await import('../../../lib/templates/renderer.js');
    // A fresh module registry has Handlebars still to load, as a fresh api process has (its functions load it before rendering).
    await (await import('../../../lib/templates/handlebars-module.js')).handlebars.load();
    slowCompiles(fakeCpuClock());

    // Act
    const result = fresh.createRenderer({ now }).renderDetailed(kind, aMetricNotification());

    // Assess
    expect(result.failure).toBeUndefined();
    expect(result.output).toContain('[FIRING:2] KubePodCrashLooping');
  });
});

describe('rendering groups of thousands of alerts', () => {
  // Time is not what these check: a generous time budget keeps them independent of the machine's speed.
  const limits = { maxRenderMs: 60_000 };

  describe.each([1000, 5000])('of %i alerts', (count) => {
    const group = aLargeKubernetesGroup(count);

    it.each(kinds)('renders the %s with the built-in template, whatever the number of labels listed', (kind) => {
      const result = createRenderer({ now, limits }).renderDetailed(kind, group);

      expect(result.failure).toBeUndefined();
      expect(result.output).toContain(`[FIRING:${count - count / 10}] KubeContainerWaiting`);
      if (kind !== 'title') expect(result.output).toContain('pod=checkout-0');
    });

    it.each(kinds)('falls back to the built-in %s, with a note, when a tenant template nests loops without end', (kind) => {
      const onFallback = vi.fn();
      const loop = '{{#each alerts}}{{#each ../alerts}}{{#each ../../alerts}}{{#each ../../../alerts}}{{toUpper status}}{{/each}}{{/each}}{{/each}}{{/each}}';

      const result = createRenderer({ now, limits, templates: { [kind]: loop }, onFallback }).renderDetailed(kind, group);

      expect(result.failure?.reason).toMatch(new RegExp(`^custom ${kind} template failed: template exceeded ${DEFAULT_RENDER_LIMITS.maxSteps} steps$`));
      expect(result.output).toContain('KubeContainerWaiting');
      expect(onFallback).toHaveBeenCalledTimes(1);
    });

    it.each(kinds)('falls back to the built-in %s, with a note, when a tenant template throws', (kind) => {
      const throwing = '{{#each alerts}}{{date startsAt "YYYY" "Not/AZone"}}{{/each}}';

      const result = createRenderer({ now, limits, templates: { [kind]: throwing } }).renderDetailed(kind, group);

      expect(result.failure?.reason).toMatch(new RegExp(`^custom ${kind} template failed: .*time zone`, 'i'));
      expect(result.output).toContain('KubeContainerWaiting');
    });

    it('keeps a tenant template that builds a huge string, cut at the output bound', () => {
      const huge = `{{#each alerts}}{{#each ../alerts}}{{#each ../../alerts}}${'{{description}}'.repeat(50)}{{/each}}{{/each}}{{/each}}`;

      const result = createRenderer({ now, limits, templates: { text: huge } }).renderDetailed('text', group);

      expect(result.failure).toBeUndefined();
      expect(result.truncated).toBe(true);
      expect(result.output).toHaveLength(DEFAULT_RENDER_LIMITS.maxOutputChars);
      expect(result.output.startsWith('pod/checkout-0 in namespace shop')).toBe(true);
      expect(result.output.endsWith(TRUNCATION_MARKER)).toBe(true);
    });
  });
});

describe('when the built-in template fails too', () => {
  /** A process so starved that every step finds the budget spent. */
  const starvedProcess = () => fakeCpuClock(1_000_000);

  it.each(kinds)('sends a plain %s summary and says why', (kind) => {
    starvedProcess();
    const onFallback = vi.fn();

    const result = createRenderer({ now, onFallback }).renderDetailed(kind, aMetricNotification());

    expect(result.failure?.reason).toBe(`built-in ${kind} template failed: template exceeded its time budget; sent a plain summary`);
    expect(onFallback).toHaveBeenCalledWith(result.failure);
    expect(result.output).toContain('[FIRING:2] KubePodCrashLooping');
    if (kind !== 'title') expect(result.output).toContain('[FIRING] KubePodCrashLooping: Pod shop/web-1 is crash looping');
    if (kind !== 'title') expect(result.output).toContain('[RESOLVED] KubePodCrashLooping: Pod shop/web-3 is crash looping');
  });

  it('names both failures when a custom template failed first', () => {
    starvedProcess();

    const result = createRenderer({ now, templates: { text: '{{toUpper name}}' } }).renderDetailed('text', aMetricNotification());

    expect(result.failure?.reason).toBe(
      'custom text template failed: template exceeded its time budget; built-in text template failed: template exceeded its time budget; sent a plain summary',
    );
    expect(result.output).toContain('[FIRING:2] KubePodCrashLooping');
  });

  it('counts the alerts the plain summary leaves out, in the receiver language', () => {
    starvedProcess();

    const output = createRenderer({ now, language: 'zh-cn' }).render('markdown', aLargeKubernetesGroup(1000));

    expect(output.startsWith('**[告警中:900] KubeContainerWaiting**')).toBe(true);
    expect(output).toContain('另有 800 条告警未显示');
  });

  it('escapes alert text in the plain HTML summary', () => {
    starvedProcess();
    const notification = aMetricNotification();
    notification.alerts[0]!.annotations = { summary: '<img src=x onerror=alert(1)>' };

    const output = createRenderer({ now }).render('html', notification);

    expect(output).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(output).not.toContain('<img');
  });
});

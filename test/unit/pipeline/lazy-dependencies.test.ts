import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * RE2, croner and Handlebars as a fresh function process meets them: not
 * loaded until the first compile that needs one, which withLazyModules turns
 * into a load and a second run. Each test imports fresh modules, since the
 * test setup has loaded the shared ones already.
 */
async function freshModules() {
  vi.resetModules();
  const lazy = await import('../../../lib/pipeline/lazy-module.js');
  const { parseMatchers, MatcherParseError } = await import('../../../lib/matchers/parse.js');
  const { CompiledSchedule, ScheduleError } = await import('../../../lib/silence/schedule.js');
  const { compileTemplate } = await import('../../../lib/rules/template.js');
  const { validateTemplate, TemplateCompileError } = await import('../../../lib/templates/renderer.js');
  const { RuleValidationError } = await import('../../../lib/rules/errors.js');
  return { ...lazy, parseMatchers, MatcherParseError, CompiledSchedule, ScheduleError, compileTemplate, RuleValidationError, validateTemplate, TemplateCompileError };
}

let fresh: Awaited<ReturnType<typeof freshModules>>;

beforeEach(async () => {
  fresh = await freshModules();
});

describe('compiling before the lazily loaded engines are there', () => {
  it('needs nothing for equality matchers, and asks for RE2 for a regex one', () => {
    expect(fresh.parseMatchers('{alertname="Down"}').map((m) => m.name)).toEqual(['alertname']);
    expect(() => fresh.parseMatchers('{alertname=~"Down|Up"}')).toThrow(fresh.ModuleNotLoadedError);
  });

  it('compiles a regex matcher through withLazyModules, and it matches as RE2 does', async () => {
    const [matcher] = await fresh.withLazyModules(() => fresh.parseMatchers('{alertname=~"Down|Up"}'));

    expect(matcher!.matches({ alertname: 'Up' })).toBe(true);
    expect(matcher!.matches({ alertname: 'Upper' })).toBe(false);
  });

  it('reports an invalid regex as the same parse error it always was, not as a loading problem', async () => {
    await expect(fresh.withLazyModules(() => fresh.parseMatchers('{alertname=~"(unclosed"}'))).rejects.toThrow(fresh.MatcherParseError);
  });

  it('checks a schedule the same way: its own errors first, croner loaded for the cron expression', async () => {
    expect(() => new fresh.CompiledSchedule({ cron: '0 9 * * *', durationSeconds: 0, timeZone: 'UTC' })).toThrow(fresh.ScheduleError);
    await expect(fresh.withLazyModules(() => new fresh.CompiledSchedule({ cron: 'not a cron', durationSeconds: 60, timeZone: 'UTC' }))).rejects.toThrow(
      fresh.ScheduleError,
    );

    const schedule = await fresh.withLazyModules(() => new fresh.CompiledSchedule({ cron: '0 9 * * *', durationSeconds: 3600, timeZone: 'UTC' }));

    expect(schedule.windowAt(Date.parse('2026-12-02T09:30:00Z'))).toEqual({ start: Date.parse('2026-12-02T09:00:00Z'), end: Date.parse('2026-12-02T10:00:00Z') });
  });

  it('loads Handlebars for a rule template or a notification template, and reports a bad one as before', async () => {
    expect(() => fresh.compileTemplate('{{name}}', 'annotations.summary')).toThrow(fresh.ModuleNotLoadedError);

    const template = await fresh.withLazyModules(() => fresh.compileTemplate('{{name}} restarted', 'annotations.summary'));

    expect(template.render({ name: 'web-1' })).toBe('web-1 restarted');
    await expect(fresh.withLazyModules(() => fresh.compileTemplate('{{#if}}', 'annotations.summary'))).rejects.toThrow(fresh.RuleValidationError);
    await expect(fresh.withLazyModules(() => fresh.validateTemplate('{{unknownHelper x}}'))).rejects.toThrow(fresh.TemplateCompileError);
  });
});

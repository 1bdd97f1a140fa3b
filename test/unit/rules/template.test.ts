import { describe, expect, it } from 'vitest';
import { compileTemplate, RuleValidationError } from '../../../lib/rules/index.js';

const event = {
  reason: 'BackOff',
  message: 'a < b & "c"',
  involvedObject: { kind: 'Pod', name: 'web-1', labels: { 'app.kubernetes.io/name': 'web' } },
  items: ['a', 'b'],
};

describe('compileTemplate', () => {
  it('renders event fields without HTML escaping', () => {
    expect(compileTemplate('{{involvedObject.kind}}/{{involvedObject.name}}: {{message}}', 'annotations.x').render(event)).toBe(
      'Pod/web-1: a < b & "c"',
    );
  });

  it('reaches keys with dots and slashes through lookup or segment literals', () => {
    expect(compileTemplate('{{lookup involvedObject.labels "app.kubernetes.io/name"}}', 'labels.app').render(event)).toBe('web');
    expect(compileTemplate('{{involvedObject.labels.[app.kubernetes.io/name]}}', 'labels.app').render(event)).toBe('web');
  });

  it('renders a missing field as an empty string', () => {
    expect(compileTemplate('[{{nothing.here}}]', 'annotations.x').render(event)).toBe('[]');
  });

  it('exposes the cluster and rule as @data variables', () => {
    expect(compileTemplate('{{@cluster}}/{{@rule}}', 'annotations.x').render(event, { cluster: 'prod', rule: 'R' })).toBe('prod/R');
  });

  it('allows the built-in block helpers', () => {
    expect(compileTemplate('{{#if reason}}{{reason}}{{/if}}{{#each items}}-{{this}}{{/each}}', 'annotations.x').render(event)).toBe('BackOff-a-b');
  });

  it('gives no access to prototypes', () => {
    const template = compileTemplate('{{constructor}}|{{__proto__}}|{{lookup this "constructor"}}|{{message.constructor.name}}', 'annotations.x');
    expect(template.render(event)).toBe('|||');
  });

  it('rejects unknown helpers, partials, log, nested each and syntax errors on write', () => {
    expect(() => compileTemplate('{{shout reason}}', 'labels.x')).toThrow(RuleValidationError);
    expect(() => compileTemplate('{{log reason}}', 'labels.x')).toThrow(RuleValidationError);
    expect(() => compileTemplate('{{> partial}}', 'labels.x')).toThrow(/partials/);
    expect(() => compileTemplate('{{#each items}}{{#each ../items}}x{{/each}}{{/each}}', 'labels.x')).toThrow(/each/);
    expect(() => compileTemplate('{{#if reason}}', 'labels.x')).toThrow(RuleValidationError);
    try {
      compileTemplate('{{#if}', 'annotations.summary');
    } catch (error) {
      expect((error as RuleValidationError).field).toBe('annotations.summary');
    }
  });

  it('caps the rendered size', () => {
    const big = { text: 'x'.repeat(10_000) };
    const rendered = compileTemplate('{{text}}{{text}}', 'annotations.x', 100).render(big);
    expect(rendered).toHaveLength(100);
    expect(rendered.endsWith('…')).toBe(true);
  });
});

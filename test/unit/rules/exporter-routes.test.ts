import { describe, expect, it } from 'vitest';
import {
  chooseIndex,
  compileCondition,
  compileConditionAst,
  compileRuleSet,
  evaluateSignal,
  exporterDropsToRules,
  exporterRouteToCondition,
  exporterRouteToRule,
  exporterRuleToCondition,
  formatCondition,
  normalizeSignal,
  RuleValidationError,
} from '../../../lib/rules/index.js';
import { context, coreEvent, enhancedEvent } from './fixtures.js';

const doc = (raw: Record<string, unknown>) => normalizeSignal(raw).doc;
const base = { name: 'Route', enabled: true, severity: 'warning', scope: { level: 'cluster' }, owner: { type: 'global' } } as const;

describe('exporterRuleToCondition', () => {
  it('ANDs fields as unanchored regex searches, as the exporter does', () => {
    const condition = compileConditionAst(exporterRuleToCondition({ kind: 'Pod|Deployment|ReplicaSet', reason: 'Back', message: 'restart(ing)?', labels: { version: 'dev' } }));
    expect(condition.test(doc(enhancedEvent('crashLoopBackOffDev')))).toBe(true);
    expect(condition.test(doc(enhancedEvent('pulledNormal')))).toBe(false);
  });

  it('compares namespace with the Event object\'s own namespace', () => {
    const condition = compileConditionAst(exporterRuleToCondition({ namespace: 'kube-' }));
    expect(formatCondition(condition.ast)).toBe('metadata.namespace contains "kube-"');
    expect(condition.test(doc(coreEvent('kubeSystemBackOff')))).toBe(true);
  });

  it('requires label and annotation keys to exist', () => {
    const condition = compileConditionAst(exporterRuleToCondition({ annotations: { team: '' } }));
    expect(condition.test(doc(enhancedEvent('crashLoopBackOffDev')))).toBe(true);
    expect(condition.test(doc(enhancedEvent('pulledNormal')))).toBe(false);
  });

  it('turns minCount into count >=', () => {
    const condition = compileConditionAst(exporterRuleToCondition({ type: 'Warning', minCount: 5 }));
    expect(condition.test(doc(coreEvent('crashLoopBackOff')))).toBe(true);
    expect(condition.test(doc(coreEvent('imagePullFailed')))).toBe(false);
  });

  it('matches everything when empty', () => {
    expect(exporterRuleToCondition({})).toEqual({ type: 'const', value: true });
  });

  it('produces indexable equalities when anchored', () => {
    const ast = exporterRuleToCondition({ type: 'Warning', reason: 'BackOff|Failed', message: 'Back-off.*' }, { anchored: true });
    expect(formatCondition(ast)).toBe('type = "Warning" and reason in ("BackOff", "Failed") and message regex "Back-off.*"');
    expect(chooseIndex(compileConditionAst(ast).ast)).toEqual({ field: 'reason', keys: ['s:BackOff', 's:Failed'] });
  });

  it('rejects the invalid regex and unknown keys the exporter silently accepts', () => {
    expect(() => exporterRuleToCondition({ namespace: '*test*' })).toThrow(RuleValidationError);
    expect(() => exporterRuleToCondition({ name: 'web' } as never)).toThrow(/unknown key "name"/);
  });
});

describe('exporterRouteToRule', () => {
  it('raises an alert when every match holds and no drop does', () => {
    const spec = exporterRouteToRule(
      { drop: [{ namespace: 'kube-system' }, { type: 'Normal' }], match: [{ kind: 'Pod' }, { reason: 'BackOff' }] },
      base,
    );
    expect(spec.condition).toBe(
      'involvedObject.kind contains "Pod" and reason contains "BackOff" and not (metadata.namespace contains "kube-system" or type contains "Normal")',
    );
    const set = compileRuleSet([spec]);
    expect(evaluateSignal(set, coreEvent('crashLoopBackOff'), context())).toHaveLength(1);
    expect(evaluateSignal(set, coreEvent('kubeSystemBackOff'), context())).toHaveLength(0);
    expect(evaluateSignal(set, coreEvent('imagePullBackOff'), context())).toHaveLength(0);
  });

  it('produces text that compiles to the same condition', () => {
    const route = { match: [{ message: 'a"b\\d' }], drop: [{ minCount: 2 }] };
    const generated = compileConditionAst(exporterRouteToCondition(route));
    const reparsed = compileCondition(exporterRouteToRule(route, base).condition);
    expect(formatCondition(reparsed.ast)).toBe(formatCondition(generated.ast));
    expect(reparsed.test({ message: 'xa"b7x', count: 1 })).toBe(true);
    expect(reparsed.test({ message: 'xa"b7x', count: 2 })).toBe(false);
  });
});

describe('exporterDropsToRules', () => {
  it('turns a drop list into drop rules evaluated before alerts', () => {
    const drops = exporterDropsToRules([{ type: 'Normal' }, { namespace: 'kube-system' }], { ...base, name: 'ExporterDrop' });
    expect(drops.map((d) => [d.name, d.kind])).toEqual([
      ['ExporterDrop-1', 'drop'],
      ['ExporterDrop-2', 'drop'],
    ]);
    const set = compileRuleSet([{ ...base, name: 'All', signal: 'event', kind: 'alert', condition: 'true' }, ...drops]);
    expect(evaluateSignal(set, coreEvent('kubeSystemBackOff'), context())).toEqual([]);
    expect(evaluateSignal(set, coreEvent('normalPulled'), context())).toEqual([]);
    expect(evaluateSignal(set, coreEvent('crashLoopBackOff'), context())).toHaveLength(1);
  });
});

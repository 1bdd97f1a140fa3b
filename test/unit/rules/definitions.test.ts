import { describe, expect, it } from 'vitest';
import {
  compileCondition,
  mergeDefinitions,
  normalizeSignal,
  RuleReferenceError,
  RuleSyntaxError,
  RuleValidationError,
  validateDefinitions,
  type Definitions,
} from '../../../lib/rules/index.js';
import { auditEvent } from './fixtures.js';

// kube-auditing's shipped definitions, as data.
const kubeAuditing: Definitions = {
  lists: { 'ignore-action': ['get', 'list', 'watch'] },
  macros: { pod: 'ObjectRef.Resource="pods"', create: 'Verb = "create"', service: 'ObjectRef.Resource="services"' },
  aliases: { user: 'User.username', name: 'ObjectRef.Name', namespace: 'ObjectRef.Namespace' },
};

describe('compileCondition with definitions', () => {
  it('accepts kube-auditing\'s shipped rules with their meaning', () => {
    const created = normalizeSignal(auditEvent('createHostNetworkPod')).doc;
    const exec = normalizeSignal(auditEvent('execPost')).doc;
    const hostNetwork = compileCondition('${pod} and ${create} and RequestObject.spec.hostNetwork = true', kubeAuditing);
    const hostPort = compileCondition(
      '${pod} and ${create} and (RequestObject.spec.containers[*].ports[*].hostPort > 0 or RequestObject.spec.initContainers[*].ports[*].hostPort > 0)',
      kubeAuditing,
    );
    const attachOrExec = compileCondition('${pod} and ${create} and ObjectRef.Subresource in ("exec", "attach")', kubeAuditing);
    const archiving = compileCondition('Verb not in ${ignore-action}', kubeAuditing);

    expect(hostNetwork.test(created)).toBe(true);
    expect(hostNetwork.test(exec)).toBe(false);
    expect(hostPort.test(created)).toBe(true);
    expect(attachOrExec.test(exec)).toBe(true);
    expect(attachOrExec.test(created)).toBe(false);
    expect(archiving.test(created)).toBe(true);
    expect(archiving.test(normalizeSignal(auditEvent('configMapGet')).doc)).toBe(false);
  });

  it('uses an alias as a field on either side of an operator', () => {
    const doc = normalizeSignal(auditEvent('execPost')).doc;
    expect(compileCondition('${user} = "bob@example.com"', kubeAuditing).test(doc)).toBe(true);
    expect(compileCondition('${namespace} not in ("kube-system") and ${name} exists', kubeAuditing).test(doc)).toBe(true);
  });

  it('uses an alias alone as a bare boolean field', () => {
    const defs: Definitions = { aliases: { hostNet: 'requestObject.spec.hostNetwork' } };
    const doc = normalizeSignal(auditEvent('createHostNetworkPod')).doc;
    expect(compileCondition('${hostNet}', defs).test(doc)).toBe(true);
    expect(compileCondition('not ${hostNet}', defs).test(doc)).toBe(false);
  });

  it('expands a macro as if parenthesized, unlike the reference\'s text substitution', () => {
    const defs: Definitions = { macros: { either: 'a = 1 or b = 1' } };
    // Textually, "${either} and c = 1" would read "a = 1 or (b = 1 and c = 1)" and match.
    expect(compileCondition('${either} and c = 1', defs).test({ a: 1, b: 0, c: 0 })).toBe(false);
    expect(compileCondition('not ${either}', defs).test({ a: 0, b: 0 })).toBe(true);
  });

  it('expands macros that use other macros, lists and aliases', () => {
    const defs: Definitions = {
      lists: { verbs: ['create', 'delete'] },
      macros: { writes: 'verb in ${verbs}', podWrites: '${pods} and ${writes}', pods: '${res} = "pods"' },
      aliases: { res: 'ObjectRef.Resource' },
    };
    const doc = normalizeSignal(auditEvent('createHostNetworkPod')).doc;
    expect(compileCondition('${podWrites}', defs).test(doc)).toBe(true);
    expect(compileCondition('${podWrites}', defs).test(normalizeSignal(auditEvent('configMapGet')).doc)).toBe(false);
  });

  it('splices a list among literals', () => {
    const defs: Definitions = { lists: { reads: ['get', 'list'] } };
    expect(compileCondition('verb in ("watch", ${reads})', defs).test({ verb: 'list' })).toBe(true);
    expect(compileCondition('verb in ("watch", ${reads})', defs).test({ verb: 'create' })).toBe(false);
  });

  it('resolves kube-auditing\'s ${rule-cr.name} form to the name', () => {
    expect(compileCondition('${alerting-rule.pod}', kubeAuditing).test({ objectRef: { resource: 'pods' } })).toBe(true);
  });

  it('reports an undefined name with its position', () => {
    const error = (() => {
      try {
        compileCondition('verb = "x" and\n  ${missing}', kubeAuditing);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RuleReferenceError);
    expect((error as RuleReferenceError).name).toBe('RuleReferenceError');
    expect((error as RuleReferenceError).reference).toBe('missing');
    expect((error as Error).message).toMatch(/line 2, column 3/);
  });

  it('reports a name used as the wrong kind', () => {
    expect(() => compileCondition('verb in ${pod}', kubeAuditing)).toThrow(/is a macro but is used as a list/);
    expect(() => compileCondition('${ignore-action}', kubeAuditing)).toThrow(/is a list but is used as a condition/);
    expect(() => compileCondition('${pod} = "x"', kubeAuditing)).toThrow(/is a macro but is used as a field/);
  });

  it('detects a macro cycle and names it', () => {
    const defs: Definitions = { macros: { a: 'x = 1 and ${b}', b: '${c} or y = 1', c: 'not ${a}' } };
    try {
      compileCondition('${a}', defs);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RuleReferenceError);
      expect((error as RuleReferenceError).chain).toEqual(['a', 'b', 'c', 'a']);
      expect((error as Error).message).toBe('Macros form a cycle: a -> b -> c -> a');
    }
  });

  it('detects a macro that uses itself', () => {
    expect(() => compileCondition('${self}', { macros: { self: 'a = 1 or ${self}' } })).toThrow(RuleReferenceError);
  });

  it('reports a syntax error inside a macro with the macro\'s name and position', () => {
    try {
      compileCondition('${broken}', { macros: { broken: 'a = 1 and\nb =' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RuleSyntaxError);
      expect((error as RuleSyntaxError).definition).toBe('broken');
      expect((error as RuleSyntaxError).position).toEqual({ offset: 13, line: 2, column: 4 });
    }
  });

  it('refuses macros that expand exponentially', () => {
    const macros: Record<string, string> = { m0: 'a = 1' };
    for (let i = 1; i <= 20; i++) macros[`m${i}`] = `\${m${i - 1}} and \${m${i - 1}}`;
    expect(() => compileCondition('${m20}', { macros })).toThrow(RuleValidationError);
  });

  it('treats a definition named __proto__ as an ordinary name', () => {
    const defs = mergeDefinitions(JSON.parse('{"lists":{"__proto__":["x"]}}') as Definitions);
    expect(compileCondition('v in ${__proto__}', defs).test({ v: 'x' })).toBe(true);
    expect(() => compileCondition('${toString}', {})).toThrow(RuleReferenceError);
  });
});

describe('mergeDefinitions', () => {
  it('lets later layers shadow earlier ones', () => {
    const merged = mergeDefinitions({ macros: { m: 'a = 1' }, lists: { l: ['x'] } }, { macros: { m: 'a = 2' } });
    expect(compileCondition('${m}', merged).test({ a: 2 })).toBe(true);
    expect(compileCondition('v in ${l}', merged).test({ v: 'x' })).toBe(true);
  });
});

describe('validateDefinitions', () => {
  it('accepts kube-auditing\'s definitions', () => {
    expect(() => validateDefinitions(kubeAuditing)).not.toThrow();
  });

  it('accepts a tenant macro that uses the operator\'s definitions', () => {
    expect(() => validateDefinitions({ macros: { mine: '${pod} and verb = "delete"' } }, kubeAuditing)).not.toThrow();
    expect(() => validateDefinitions({ macros: { mine: '${pod} and verb = "delete"' } })).toThrow(RuleReferenceError);
  });

  it('rejects cycles, bad names, duplicate names, bad aliases and bad lists', () => {
    expect(() => validateDefinitions({ macros: { a: '${b}', b: '${a}' } })).toThrow(/cycle/);
    expect(() => validateDefinitions({ macros: { 'bad name': 'a = 1' } })).toThrow(RuleValidationError);
    expect(() => validateDefinitions({ macros: { x: 'a = 1' }, aliases: { x: 'a' } })).toThrow(/both/);
    expect(() => validateDefinitions({ aliases: { two: 'a = 1' } })).toThrow(RuleSyntaxError);
    expect(() => validateDefinitions({ lists: { l: [{}] as unknown as string[] } })).toThrow(RuleValidationError);
  });

  it('names the definition at fault as the field, so an API answer can point at it', () => {
    const fieldOf = (definitions: Parameters<typeof validateDefinitions>[0]) => {
      try {
        validateDefinitions(definitions);
      } catch (error) {
        return (error as RuleReferenceError).field;
      }
      return undefined;
    };
    expect(fieldOf({ macros: { ok: 'reason = "BackOff"', probe: 'reason in ${reasons}' } })).toBe('macros.probe');
    expect(fieldOf({ macros: { broken: 'reason =' } })).toBe('macros.broken');
    expect(fieldOf({ aliases: { two: 'a = 1' } })).toBe('aliases.two');
    expect(fieldOf({ macros: { a: '${b}', b: '${a}' } })).toBe('macros.a');
  });
});

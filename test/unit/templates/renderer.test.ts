import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TemplateKind } from '../../../lib/notify/channel.js';
import {
  compiledTemplateCount,
  createRenderer,
  DEFAULT_TEMPLATES,
  registerLanguagePack,
  TEMPLATE_KINDS,
  TemplateCompileError,
  validateTemplate,
} from '../../../lib/templates/index.js';
import { anAlert, aNotification } from '../../helpers/builders.js';
import { aLargeNotification, anAuditNotification, anEventNotification, aMetricNotification } from './sample-notifications.js';

const now = () => new Date('2026-11-25T10:05:00Z');
const externalURL = 'https://tidings.example/alerts';

function renderer(options: Parameters<typeof createRenderer>[0] = {}) {
  return createRenderer({ externalURL, now, ...options });
}

describe('default templates', () => {
  const samples = { metric: aMetricNotification, event: anEventNotification, audit: anAuditNotification };
  const words = {
    en: { firing: 'FIRING', resolved: 'RESOLVED', event: 'Event', audit: 'Audit', summary: 'Summary', view: 'View in tidings' },
    'zh-cn': { firing: '告警中', resolved: '已恢复', event: '事件', audit: '审计', summary: '概要', view: '在 tidings 中查看' },
  } as const;

  describe.each(Object.keys(words) as Array<keyof typeof words>)('in %s', (language) => {
    const w = words[language];

    it.each(TEMPLATE_KINDS.map((kind) => [kind]))('renders the %s of a metric group with counts, each summary, labels and time', (kind) => {
      const output = renderer({ language }).render(kind, aMetricNotification());
      expect(output).toContain('KubePodCrashLooping');
      expect(output).toContain(`${w.firing}:2`);
      if (kind === 'title') {
        expect(output).toBe(`[${w.firing}:2] KubePodCrashLooping · prod-eu`);
        return;
      }
      expect(output).toContain(language === 'en' ? '2 firing · 1 resolved' : '2 条告警中 · 1 条已恢复');
      for (const pod of ['web-1', 'web-2', 'web-3']) expect(output).toContain(`Pod shop/${pod} is crash looping`);
      expect(output).toContain('Restarted 5 times in 10 minutes');
      expect(output).toContain('pod=web-1');
      expect(output).toContain(`[${w.resolved}] KubePodCrashLooping`);
      expect(output).toContain('2026-11-25 10:00:00 UTC');
      expect(output).toContain('2026-11-25 10:04:00 UTC');
      expect(output).toContain(externalURL);
      expect(output).toContain(w.view);
    });

    it.each(TEMPLATE_KINDS.filter((kind) => kind !== 'title').map((kind) => [kind]))(
      'renders the %s of a Kubernetes event alert with its reason, involved object and message',
      (kind) => {
        const output = renderer({ language }).render(kind, anEventNotification());
        expect(output).toContain(`${w.event} BackOff · Pod payments/api-5d9f-x2`);
        expect(output).toContain('Back-off restarting failed container api in pod api-5d9f-x2');
        expect(output).toContain('edge-7');
        expect(output).toContain('container=api');
        expect(output).not.toContain('alerttype');
      },
    );

    it.each(TEMPLATE_KINDS.filter((kind) => kind !== 'title').map((kind) => [kind]))(
      'renders the %s of an audit alert with who did what to which resource',
      (kind) => {
        const output = renderer({ language }).render(kind, anAuditNotification());
        const who = kind === 'html' ? 'alice@example.com get secrets payments/db-password' : 'alice@example.com get secrets payments/db-password';
        expect(output).toContain(`${w.audit} · ${who}`);
        expect(output).toContain(kind === 'html' ? 'in namespace payments (200)' : "get secrets 'db-password' in namespace payments (200)");
      },
    );

    it.each(Object.entries(samples))('titles a %s notification in one line', (name, sample) => {
      const title = renderer({ language }).render('title', sample());
      expect(title).not.toContain('\n');
      expect(title).toMatch(new RegExp(`^\\[${w.firing}:${name === 'metric' ? 2 : 1}\\] `));
    });
  });

  it('counts alerts the notification left out, in the language of the receiver', () => {
    const notification = { ...aMetricNotification(), truncatedAlerts: 7 };
    expect(renderer().render('text', notification)).toContain('…and 7 more alerts not shown');
    expect(renderer({ language: 'zh-cn' }).render('markdown', notification)).toContain('另有 7 条告警未显示');
  });

  it('escapes label values in HTML but not in the chat forms', () => {
    const alert = anAlert({ annotations: { summary: '<script>alert(1)</script> & more' } });
    const notification = aNotification({ alerts: [alert] });
    expect(renderer().render('html', notification)).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(renderer().render('text', notification)).toContain('<script>alert(1)</script> & more');
  });

  it('compiles every built-in template under the sandbox rules', () => {
    for (const kind of TEMPLATE_KINDS) expect(() => validateTemplate(DEFAULT_TEMPLATES[kind], kind)).not.toThrow();
  });
});

describe('helpers', () => {
  const one = aNotification();
  const render = (source: string, options: Parameters<typeof createRenderer>[0] = {}) =>
    renderer({ templates: { text: source }, ...options }).renderDetailed('text', one);

  it('translates with t and translate, falling back to English and then to the key', () => {
    registerLanguagePack('fr', { firing: 'EN COURS' });
    expect(render('{{t "firing"}}|{{translate "Resolved"}}|{{t "no such key"}}', { language: 'fr' }).output).toBe('EN COURS|RESOLVED|no such key');
  });

  it('uses a tenant dictionary before the language pack', () => {
    expect(render('{{t "firing"}}', { language: 'zh-cn', dictionary: { Firing: '着火了' } }).output).toBe('着火了');
  });

  it('changes case, joins lists and picks a default', () => {
    const output = render('{{toUpper status}} {{toLower "ABC"}} {{join alerts.0.allLabelPairs "; "}} | {{join commonLabels}} | {{default missing "" "n/a"}}').output;
    expect(output).toBe('FIRING abc alertname=HighErrorRate; cluster=prod-eu; severity=critical | alertname=HighErrorRate, severity=critical, cluster=prod-eu | n/a');
  });

  it('formats dates in the receiver time zone or a named one, and durations since a time', () => {
    const output = render('{{date alerts.0.startsAt}}|{{date alerts.0.startsAt "DD/MM/YYYY HH:mm" "Asia/Shanghai"}}|{{since alerts.0.startsAt}}', {
      timeZone: 'America/New_York',
    }).output;
    expect(output).toBe('2026-11-25 05:00:00 America/New_York|25/11/2026 18:00|5m');
  });

  it('shows nothing for Alertmanager zero time', () => {
    expect(render('[{{date alerts.0.endsAt}}]').output).toBe('[]');
  });

  it('compares with eq', () => {
    expect(render('{{#if (eq status "firing")}}yes{{else}}no{{/if}}').output).toBe('yes');
  });
});

describe('sandbox', () => {
  const notification = aNotification();

  it.each([
    '{{constructor}}',
    '{{constructor.name}}',
    '{{alerts.constructor}}',
    '{{__proto__}}',
    '{{labels.__proto__.polluted}}',
    '{{lookup this "constructor"}}',
    '{{#with (lookup this "constructor")}}[{{name}}]{{/with}}',
    '{{#with alerts}}{{lookup this "__proto__"}}{{/with}}',
    '{{#each alerts}}{{labels.constructor}}{{toString}}{{valueOf}}{{hasOwnProperty}}{{/each}}',
  ])('cannot reach prototypes: %s', (source) => {
    const result = renderer({ templates: { text: source } }).renderDetailed('text', notification);
    expect(result.output).not.toMatch(/function|Object|\[native code\]/);
  });

  it('refuses helpers it does not know, at validation time', () => {
    expect(() => validateTemplate('{{constructor.constructor "return process"}}')).toThrow(TemplateCompileError);
    expect(() => validateTemplate('{{log "hello"}}')).toThrow(TemplateCompileError);
    expect(() => validateTemplate('{{#blockOf this}}x{{/blockOf}}')).toThrow(TemplateCompileError);
  });

  it('refuses partials and decorators, which could recurse', () => {
    expect(() => validateTemplate('{{> header}}')).toThrow(/partials/);
    expect(() => validateTemplate('{{#*inline "p"}}{{> p}}{{/inline}}{{> p}}')).toThrow(TemplateCompileError);
  });

  it('does not let a label named __proto__ pollute prototypes', () => {
    const alert = anAlert({ labels: JSON.parse('{"alertname":"X","__proto__":"yes"}') });
    const output = renderer({ templates: { text: '{{alerts.0.labels.__proto__.polluted}}|{{#each alerts.0.allLabelPairs}}{{name}};{{/each}}' } }).render(
      'text',
      aNotification({ alerts: [alert] }),
    );
    expect(output).toBe('|alertname;__proto__;');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stops a template that loops too long and falls back to the default', () => {
    const many = aLargeNotification(60, 10);
    const onFallback = vi.fn();
    const loop = '{{#each alerts}}{{#each ../alerts}}{{#each ../../alerts}}{{toUpper status}}{{/each}}{{/each}}{{/each}}';
    const started = Date.now();
    const result = renderer({ templates: { text: loop }, onFallback }).renderDetailed('text', many);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.failure?.reason).toMatch(/steps|time budget/);
    expect(result.output).toContain('HighLatency');
    expect(onFallback).toHaveBeenCalledWith(expect.objectContaining({ kind: 'text' }));
  });

  it('stops a template that runs past its time budget even within the step budget', () => {
    const many = aLargeNotification(60, 10);
    const loop = '{{#each alerts}}{{#each ../alerts}}{{#each ../../alerts}}{{join ../../../alerts}}{{/each}}{{/each}}{{/each}}';
    // A size bound out of reach: the output limit stops loops that have already filled it, and this test is about time.
    const result = renderer({ templates: { text: loop }, limits: { maxRenderMs: 5, maxSteps: 10_000_000, maxOutputChars: 1_000_000_000 } }).renderDetailed(
      'text',
      many,
    );
    expect(result.failure?.reason).toMatch(/time budget/);
  });

  it('cuts output over the size bound with a visible marker', () => {
    const result = renderer({ templates: { text: '{{#each alerts}}{{summary}}{{/each}}' }, limits: { maxOutputChars: 500 } }).renderDetailed(
      'text',
      aLargeNotification(10),
    );
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThanOrEqual(500);
    expect(result.output.endsWith('…[truncated]')).toBe(true);
  });

  it('refuses templates over the size limit', () => {
    expect(() => validateTemplate('x'.repeat(70_000))).toThrow(/longer than/);
  });
});

describe('compile errors and fallback', () => {
  it.each(['{{#if status}}unclosed', '{{#each alerts}}{{/if}}', '{{ }}', '{{t "a" }'])('reports %s as a TemplateCompileError', (source) => {
    expect(() => validateTemplate(source)).toThrow(TemplateCompileError);
  });

  it('names the problem in the compile error', () => {
    const error = (() => {
      try {
        validateTemplate('{{shout status}}');
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toMatch(/unknown helper shout/);
  });

  it('renders the default and reports the failure when a stored template no longer compiles', () => {
    const result = renderer({ templates: { title: '{{#if}}' } }).renderDetailed('title', aMetricNotification());
    expect(result.output).toBe('[FIRING:2] KubePodCrashLooping · prod-eu');
    expect(result.failure).toMatchObject({ kind: 'title' });
  });

  it('renders the default and reports the failure when a helper throws at render time', () => {
    const onFallback = vi.fn();
    const custom = renderer({ templates: { markdown: '{{date alerts.0.startsAt "YYYY" "Not/AZone"}}' }, onFallback });
    const output = custom.render('markdown', aMetricNotification());
    expect(output).toContain('**[FIRING:2] KubePodCrashLooping**');
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(onFallback.mock.calls[0]![0].reason).toMatch(/custom markdown template failed/);
  });

  it('uses custom templates for the kinds given and defaults for the rest', () => {
    const custom = renderer({ templates: { title: 'ALERT {{name}}' } });
    expect(custom.render('title', aMetricNotification())).toBe('ALERT KubePodCrashLooping');
    expect(custom.render('text', aMetricNotification())).toContain('[FIRING:2] KubePodCrashLooping');
  });

  it('compiles a template once and reuses it across renderers', () => {
    const source = `{{name}} ${Math.random()}`;
    const before = compiledTemplateCount();
    renderer({ templates: { text: source } }).render('text', aMetricNotification());
    const afterFirst = compiledTemplateCount();
    renderer({ templates: { text: source } }).render('text', aMetricNotification());
    validateTemplate(source);
    expect(afterFirst).toBe(before + 1);
    expect(compiledTemplateCount()).toBe(afterFirst);
  });
});

describe('language packs', () => {
  afterEach(() => registerLanguagePack('fr', {}));

  it('loads a new pack as data and renders the default templates with it', () => {
    registerLanguagePack('fr', { firing: 'EN COURS', summary: 'Résumé' });
    const output = renderer({ language: 'FR' }).render('text', aMetricNotification());
    expect(output).toContain('[EN COURS:2]');
    expect(output).toContain('Résumé: Pod shop/web-1 is crash looping');
    // Missing keys fall back to English.
    expect(output).toContain('Description: Restarted');
  });

  it('renders unknown languages in English', () => {
    expect(renderer({ language: 'xx' }).render('title', aMetricNotification())).toBe('[FIRING:2] KubePodCrashLooping · prod-eu');
  });

  it('rejects a pack that is not a dictionary of strings', () => {
    expect(() => registerLanguagePack('de', { firing: 42 } as never)).toThrow();
    expect(() => registerLanguagePack('not a code!', {})).toThrow();
  });

  it('treats keys such as constructor as ordinary entries', () => {
    expect(renderer({ templates: { text: '{{t "constructor"}}|{{t "__proto__"}}' } }).render('text', aNotification())).toBe('constructor|__proto__');
  });
});

describe('createRenderer', () => {
  it('refuses an unknown time zone up front', () => {
    expect(() => createRenderer({ timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });

  it.each(TEMPLATE_KINDS.map((kind) => [kind as TemplateKind]))('renders %s without options', (kind) => {
    expect(createRenderer().render(kind, aNotification()).length).toBeGreaterThan(0);
  });
});

describe('rendering very large notifications', () => {
  it('renders a group of 1,500 alerts within its budget, saying how many it stands for', async () => {
    const { createRenderer } = await import('../../../lib/templates/renderer.js');
    const { aNotification, anAlert } = await import('../../helpers/builders.js');
    const alerts = Array.from({ length: 1500 }, (_, i) => anAlert({ labels: { alertname: 'Big', instance: `i-${i}` }, annotations: { summary: 's'.repeat(200) } }));
    const renderer = createRenderer({ language: 'en' });
    for (const kind of ['title', 'text', 'markdown', 'html'] as const) {
      const result = renderer.renderDetailed(kind, aNotification({ alerts }));
      expect(result.failure).toBeUndefined();
      expect(result.output.length).toBeGreaterThan(0);
    }
    expect(renderer.render('text', aNotification({ alerts }))).toMatch(/1,?300 more|1300/);
  });

  it('renders only the start of a message when asked for at most so many characters, the same start as the whole message', async () => {
    const { createRenderer, TRUNCATION_MARKER } = await import('../../../lib/templates/renderer.js');
    const renderer = createRenderer({ language: 'en' });
    const notification = aLargeNotification(100);

    const whole = renderer.render('text', notification);
    const start = renderer.render('text', notification, 4096);

    expect(whole.length).toBeGreaterThan(8192);
    expect(start.length).toBeLessThanOrEqual(4096);
    expect(start.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(whole.startsWith(start.slice(0, -TRUNCATION_MARKER.length))).toBe(true);
  });
});

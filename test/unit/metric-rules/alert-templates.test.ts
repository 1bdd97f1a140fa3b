import { beforeAll, describe, expect, it } from 'vitest';
import { re2 } from '../../../lib/matchers/regex-engine.js';
import { expandTemplate, parseRuleTemplate } from '../../../lib/metric-rules/alert-templates.js';
import { formatGoFixed, formatGoGeneral } from '../../../lib/metric-rules/go-format.js';
import { goSprintf } from '../../../lib/metric-rules/go-printf.js';
import { ModuleNotLoadedError } from '../../../lib/pipeline/lazy-module.js';
import { missingPromtool, promtool } from '../../helpers/promtool.js';

const labels = { instance: 'web-1.example.com:9090', job: 'node exporter', pod: 'web-1', note: "it's a foo.bar-baz_qux ßtraße", path: 'aaa-b' };
const data = (value: number) => ({ labels, externalLabels: { cluster: 'eu' }, externalURL: 'https://tidings.example', value });

describe('expandTemplate before RE2 is loaded', () => {
  it('asks for it (callers run through withLazyModules), and needs it only for regex functions', () => {
    expect(expandTemplate('{{ $value | humanize }}', data(1500))).toBe('1.5k');
    if (re2.get === undefined) return;
    let thrown: unknown;
    try {
      expandTemplate('{{ match "a" "a" }}', data(1));
    } catch (error) {
      thrown = error;
    }
    // Another test file may have loaded RE2 in this worker already; then the call simply works.
    if (thrown !== undefined) expect(thrown).toBeInstanceOf(ModuleNotLoadedError);
  });
});

describe('expandTemplate', () => {
  beforeAll(async () => {
    await re2.load();
  });

  it.each([
    ['{{ $value | humanize }}', 1234567.891, '1.235M'],
    ['{{ humanize $value }}', 0.000123, '123u'],
    ['{{ humanize1024 $value }}', 1073741824, '1Gi'],
    ['{{ humanizeDuration $value }}', 3725.5, '1h 2m 5s'],
    ['{{ humanizeDuration $value }}', 0.0125, '12.5ms'],
    ['{{ humanizePercentage $value }}', 0.12345, '12.35%'],
    ['{{ humanizeTimestamp $value }}', 1700000000.5, '2023-11-14 22:13:20.5 +0000 UTC'],
    ['{{ title $labels.job }}', 0, 'Node Exporter'],
    ['{{ $labels.pod | toUpper }} {{ toLower "ABC" }}', 0, 'WEB-1 abc'],
    ['{{ printf "%.2f %s" $value $labels.pod }}', 2.345, '2.35 web-1'],
    ['{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}', 0, 'web-1.example.com'],
    ['{{ if match "^web" $labels.pod }}yes{{ else }}no{{ end }}', 0, 'yes'],
    ['{{ if gt $value 80.0 }}high{{ else if gt $value 50.0 }}mid{{ else }}low{{ end }}', 60, 'mid'],
    ['{{ range $k, $v := $labels }}{{ if eq $k "pod" "job" }}{{ $k }}={{ $v }};{{ end }}{{ end }}', 0, 'job=node exporter;pod=web-1;'],
    ['{{ with $labels.missing }}x{{ else }}none{{ end }} {{ .Labels.missing }}|{{ $externalLabels.cluster }}', 0, 'none |eu'],
    ['a {{- /* a comment */ -}} b {{- $value -}} c', 1e6, 'ab1e+06c'],
    ['{{ $x := "a" }}{{ $x = print $x "b" 1 2 }}{{ $x }}', 0, 'ab1 2'],
  ])('expands %s (value %d) as Prometheus does', (template, value, expected) => {
    expect(expandTemplate(template, data(value))).toBe(expected);
  });

  it.each([
    ['{{ gt $value 80 }}', 'incompatible types for comparison'],
    ['{{ query "up" }}', 'query is not supported'],
    ['{{ $value | first | value }}', 'first is not supported'],
    ['{{ nosuch }}', 'function "nosuch" not defined'],
    ['{{ if $value }}', 'missing {{end}}'],
    ['{{ template "x" }}', 'not supported in rule templates'],
    ['{{ .Nope }}', "can't evaluate field Nope"],
    ['{{ humanize "abc" }}', 'invalid syntax'],
    ['{{ reReplaceAll "(" "" "x" }}', 'error parsing regexp'],
  ])('fails %s as a failed Prometheus template does', (template, reason) => {
    const expanded = expandTemplate(template, data(1));
    expect(expanded).toMatch(/^<error expanding template: /);
    expect(expanded).toContain(reason);
  });

  it('is bounded in steps and output, and reaches nothing but its data and functions', () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`l${i}`, 'x'.repeat(100)]));
    const big = { ...data(1), labels: many };
    expect(expandTemplate('{{ range $labels }}{{ range $labels }}{{ . }}{{ end }}{{ end }}', big)).toMatch(/^<error expanding template: template (took more than \d+ steps|output is longer)/);
    expect(expandTemplate('{{ printf "%09999d" 1 }}{{ printf "%09999d" 1 }}', data(1))).toMatch(/output is longer than/);
    expect(expandTemplate('{{ .constructor }}{{ $labels.__proto__ }}', data(1))).toMatch(/can't evaluate field constructor/);
    expect(expandTemplate('{{ $labels.constructor }}|{{ index $labels "toString" }}', data(1))).toBe('|');
  });

  it('parses once what it expands many times', () => {
    expect(parseRuleTemplate('{{ $value }}')).toBe(parseRuleTemplate('{{ $value }}'));
  });
});

describe("Go's number formatting", () => {
  it.each([
    [1234.5, '1234'],
    [12345, '1.234e+04'],
    [100000, '1e+05'],
    [999.95, '1000'],
    [0.000123456, '0.0001235'],
    [-42.125, '-42.12'],
  ])('%.4g of %d is %s (exact ties to even)', (value, text) => {
    expect(formatGoGeneral(value, 4)).toBe(text);
  });

  it('prints %f with ties to even and printf with Go’s flags and its complaints', () => {
    expect([formatGoFixed(0.125, 2), formatGoFixed(2.5, 0), formatGoFixed(1e22, 1)]).toEqual(['0.12', '2', '10000000000000000000000.0']);
    expect(goSprintf('%5.1f|%-4s|%04d|%x|%q|%v|%d|%s', [3.14159, 'ab', 7n, 'hi', 'a"b', 1e6, 1.5])).toBe('  3.1|ab  |0007|6869|"a\\"b"|1e+06|%!d(float64=1.5)|%!s(MISSING)');
    expect(goSprintf('%d', [1n, 2n])).toBe('1%!(EXTRA int=2)');
  });
});

/** Prometheus' labels.String(): sorted by name, values quoted. */
const labelString = (set: Record<string, string>) =>
  `{${Object.keys(set)
    .sort()
    .map((name) => `${name}=${JSON.stringify(set[name])}`)
    .join(', ')}}`;

/** Failures compare by being failures: the messages are Go's and tidings' own. */
const failedAlike = (text: string) => text.replace(/<error expanding template: .*?>"/g, '<error expanding template>"');

describe.skipIf(missingPromtool !== undefined)("templates against Prometheus 2.42's own expansion (promtool test rules)", () => {
  beforeAll(async () => {
    await re2.load();
  });

  it('expands every function the same over awkward values', async () => {
    // Arrange: each template as an annotation of its own rule, over series with these values.
    const values = ['0', '1', '-1', '0.5', '1234567.891', '0.000123', '1e21', '-42.125', '86400', '259205.25', '1023', '1024', '1e-9', '100', '12345', '1700000000.5', 'NaN', '+Inf', '-Inf'];
    const templates = [
      '{{ $value }}',
      '{{ $value | humanize }}',
      '{{ humanize1024 $value }}',
      '{{ humanizeDuration $value }}',
      '{{ humanizePercentage $value }}',
      '{{ $value | humanizeTimestamp }}',
      '{{ printf "%.2f|%.3e|%g|%.3g|%8.2f|%-8.1f|%+.1f" $value $value $value $value $value $value $value }}',
      '{{ printf "%v %s %d %q %x %5s|%-5s|" $value $labels.pod 42 $labels.job $labels.pod "ab" "cd" }}',
      '{{ title $labels.job }}|{{ title $labels.note }}|{{ title $labels.instance }}|{{ title $labels.path }}',
      '{{ toUpper $labels.note }}|{{ toLower "ÀB-C" }}',
      '{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}|{{ reReplaceAll "a*" "x" $labels.path }}|{{ reReplaceAll "(?P<host>[^.]+)\\\\..*" "${host}!$1x$$" $labels.instance }}',
      '{{ if match "^web-[0-9]" $labels.pod }}y{{ else }}n{{ end }}{{ match "exporter$" $labels.job }}{{ match "^$" "" }}',
      '{{ if gt $value 100.0 }}big{{ else if lt $value 0.0 }}negative{{ else }}small{{ end }} {{ eq $labels.pod "web-1" }} {{ ne $value 1.0 }}',
      '{{ range $name, $v := $labels }}{{ $name }}:{{ len $v }};{{ end }}{{ len $labels }} {{ index $labels "job" }}',
      '{{ with $labels.nope }}x{{ else }}{{ and $labels.pod $labels.job }} {{ or $labels.nope "dflt" }} {{ not $value }}{{ end }}',
      '{{- $h := humanize $value -}} [{{ $h }}] {{ print $value 1 "a" 2 3 }} {{ println "x" 1 }}',
      '{{ $externalLabels.region }}/{{ .ExternalURL }}/{{ .Labels.pod }}/{{ .Value }}',
    ];
    const base = 'instance="web-1.example.com:9090",job="node exporter",pod="web-1",note="it\'s a foo.bar-baz_qux ßtraße",path="aaa-b"';
    const series = values.map((value, i) => `      - series: 'x{case="${i}",${base.replace(/'/g, "''")}}'\n        values: '${value}'`);
    const rules = templates.map((template, j) => `      - ${JSON.stringify({ alert: `T${j}`, expr: 'x', annotations: { s: template } })}`);
    const checks = templates.map((_, j) => `      - { eval_time: 0m, alertname: T${j}, exp_alerts: [] }`);
    const tests = ['rule_files: [rules.yml]', 'evaluation_interval: 1m', 'tests:', '  - interval: 1m', '    external_labels: { region: eu }', '    external_url: https://prom.example', '    input_series:', ...series, '    alert_rule_test:', ...checks].join('\n');
    const rulesFile = `groups:\n  - name: templates\n    rules:\n${rules.join('\n')}\n`;

    // Act
    const result = await promtool({ 'rules.yml': rulesFile, 'tests.yml': tests }, 'test', 'rules', 'tests.yml');
    const prometheus = new Map<string, string[]>();
    for (const block of result.output.split(/\n(?=\s+alertname: )/)) {
      const head = /alertname: (T\d+), time:/.exec(block);
      if (head === null) continue;
      const got = block.slice(block.indexOf('got:'));
      prometheus.set(head[1]!, [...got.matchAll(/Labels:(\{.*\})\n\s+Annotations:(\{.*\})/g)].map((m) => failedAlike(`${m[1]} ${m[2]}`)).sort());
    }
    const parse = (text: string) => (text === 'NaN' ? NaN : text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text));
    const tidings = new Map<string, string[]>();
    templates.forEach((template, j) => {
      const alerts = values.map((value, i) => {
        const alertLabels = { ...labels, case: String(i), alertname: `T${j}` };
        const annotation = expandTemplate(template, { labels: { ...labels, case: String(i), __name__: 'x' }, externalLabels: { region: 'eu' }, externalURL: 'https://prom.example', value: parse(value) });
        return failedAlike(`${labelString(alertLabels)} ${labelString({ s: annotation })}`);
      });
      tidings.set(`T${j}`, alerts.sort());
    });

    // Assert: every annotation is the same, or failed on both sides (the one failure: humanizeTimestamp of 1e21).
    expect(result.output.match(/error expanding template/g)).toHaveLength(1);
    expect(prometheus.size).toBe(templates.length);
    const differences = [...prometheus].flatMap(([alert, expected]) => expected.filter((line, i) => tidings.get(alert)![i] !== line).map((line) => ({ prometheus: line, tidings: tidings.get(alert)![expected.indexOf(line)] })));
    expect(differences).toEqual([]);
  });
});

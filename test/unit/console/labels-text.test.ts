import { describe, expect, it } from 'vitest';
import { parseLabels } from '../../../console/src/labels-text.js';

describe('parseLabels', () => {
  it('reads one name="value" per line, quoted values unescaped, bare values as written', () => {
    expect(parseLabels('alertname="Disk \\"full\\""\nnamespace = shop,\n\n')).toEqual({ labels: { alertname: 'Disk "full"', namespace: 'shop' } });
  });

  it('reads a JSON object of strings', () => {
    expect(parseLabels('{"alertname": "X", "severity": "critical"}')).toEqual({ labels: { alertname: 'X', severity: 'critical' } });
  });

  it('names the first line that is not a label', () => {
    expect(parseLabels('alertname="X"\n1bad=y')).toEqual({ badLine: '1bad=y' });
    expect(parseLabels('a="unterminated')).toEqual({ badLine: 'a="unterminated' });
    expect(parseLabels('{"a": 1}')).toEqual({ badLine: '{"a": 1}' });
  });
});

import { describe, expect, it } from 'vitest';
import { fallbackText, oneLine, renderText, truncateChars } from '../../../../lib/notify/channels/message-text.js';
import { anAlert, aNotification } from '../../../helpers/builders.js';

const context = { http: async () => ({ status: 200, headers: {}, body: '' }), now: () => new Date(), externalURL: 'https://tidings.example' };

describe('renderText', () => {
  it('uses the receiver renderer when there is one', () => {
    expect(renderText('title', aNotification(), { ...context, renderer: { render: (kind) => `custom ${kind}` } })).toBe('custom title');
  });

  it('falls back to an Alertmanager-style summary without one', () => {
    const notification = aNotification({
      groupLabels: { alertname: 'HighErrorRate' },
      alerts: [anAlert(), anAlert({ labels: { alertname: 'HighErrorRate', pod: 'api-1', namespace: 'shop' }, status: 'resolved' })],
    });
    expect(renderText('title', notification, context)).toBe('[FIRING:1] HighErrorRate');
    expect(renderText('text', notification, context).split('\n')).toEqual([
      '[FIRING:1] HighErrorRate',
      '- [firing] HighErrorRate: error rate above 5%',
      '- [resolved] HighErrorRate (shop/api-1): error rate above 5%',
    ]);
  });

  it('escapes label and annotation values in the HTML fallback', () => {
    const notification = aNotification({ alerts: [anAlert({ annotations: { summary: '<script>x</script>' } })] });
    expect(fallbackText('html', notification)).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});

describe('truncateChars and oneLine', () => {
  it('keeps short text, and cuts long text to the limit including the marker', () => {
    expect(truncateChars('short', 10)).toBe('short');
    expect(truncateChars('abcdefghijk', 5)).toBe('abcd…');
  });

  it('never splits a character outside the basic plane', () => {
    expect(truncateChars('🔥🔥🔥🔥', 3)).toBe('🔥🔥…');
  });

  it('folds line breaks into single spaces', () => {
    expect(oneLine(' a \r\n  b\nc ')).toBe('a b c');
  });
});

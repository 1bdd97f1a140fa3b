import { describe, expect, it } from 'vitest';
import { namespaceRefsText, parseNamespaceRefs } from '../../../console/src/namespace-refs.js';

describe('namespaces as cluster/namespace lines', () => {
  it('reads the lines back as written, skipping blank ones', () => {
    const refs = [
      { cluster: 'prod-eu', namespace: 'shop' },
      { cluster: 'prod-us', namespace: 'pay' },
    ];

    expect(parseNamespaceRefs(`${namespaceRefsText(refs)}\n\n  `)).toEqual(refs);
    expect(parseNamespaceRefs(' prod-eu / shop ')).toEqual([{ cluster: 'prod-eu', namespace: 'shop' }]);
  });

  it('names the first line that is not cluster/namespace', () => {
    expect(parseNamespaceRefs('prod-eu/shop\nshop\nprod-eu/')).toEqual({ badLine: 'shop' });
    expect(parseNamespaceRefs('/shop')).toEqual({ badLine: '/shop' });
  });
});

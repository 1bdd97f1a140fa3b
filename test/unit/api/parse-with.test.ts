import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseWith } from '../../../lib/api/api-types.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';

const receiverLike = z.object({ settings: z.object({ headers: z.record(z.string(), z.string()) }), labels: z.array(z.record(z.string(), z.string())) });

describe('parseWith', () => {
  it('refuses a __proto__ key anywhere in a body, naming its path, instead of letting the schema drop it', () => {
    const body = JSON.parse('{"settings":{"headers":{"__proto__":"x","ok":"y"}},"labels":[{"a":"1"},{"__proto__":"2"}]}');

    const error = (() => {
      try {
        parseWith(receiverLike, body);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as InvalidPayloadError).issues.map((issue) => issue.field)).toEqual(['settings.headers.__proto__', 'labels.1.__proto__']);
  });

  it('keeps keys named like other Object.prototype members', () => {
    const body = JSON.parse('{"settings":{"headers":{"constructor":"x","toString":"y"}},"labels":[]}');

    expect(parseWith(receiverLike, body).settings.headers).toEqual({ constructor: 'x', toString: 'y' });
  });
});

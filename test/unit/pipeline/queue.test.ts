import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkBySize, queueBytes, sqsSafe } from '../../../lib/pipeline/queue.js';

describe('sqsSafe', () => {
  it('turns any JSON into pure ASCII that parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        for (const json of [JSON.stringify(value), JSON.stringify({ text })]) {
          const safe = sqsSafe(json);
          expect(safe).toMatch(/^[\x20-\x7e]*$/);
          expect(JSON.parse(safe)).toEqual(JSON.parse(json));
        }
      }),
    );
  });

  it('escapes the characters SQS refuses', () => {
    expect(sqsSafe(JSON.stringify('\uffff\ufffe'))).toBe('"\\uffff\\ufffe"');
  });
});

describe('chunkBySize', () => {
  it('keeps every item, in order, and each chunk within the limit as the queue measures it', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 50 }), { maxLength: 200 }), (items) => {
        const bodies = chunkBySize(items, (chunk) => JSON.stringify({ items: chunk }), 500);
        expect(bodies.flatMap((body) => JSON.parse(body).items)).toEqual(items);
        for (const body of bodies) if (JSON.parse(body).items.length > 1) expect(queueBytes(body)).toBeLessThanOrEqual(500);
      }),
    );
  });
});

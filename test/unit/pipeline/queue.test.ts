import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkBySize, packBody, queueBytes, sqsSafe, unpackBody } from '../../../lib/pipeline/queue.js';

describe('sqsSafe', () => {
  it('turns any JSON into pure ASCII that parses back to the same value', () => {
    fc.assert(
      // Depth bounded: deep values add run time (a long synchronous test stalls its worker on a busy machine), not cases.
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string({ unit: 'binary' }), (value, text) => {
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

describe('packBody', () => {
  it('gives back exactly the JSON it was given, compressed or not, and compresses only when smaller', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ alertname: fc.constantFrom('HighLatency', 'PodCrashLooping'), pod: fc.string({ unit: 'grapheme', maxLength: 30 }) }), { maxLength: 150 }), (alerts) => {
        const json = JSON.stringify({ alerts });
        const packed = packBody(json);
        expect(unpackBody(packed)).toBe(json);
        expect(packed.length).toBeLessThanOrEqual(json.length);
        expect(packBody(packed)).toBe(packed);
      }),
    );
  });

  it('leaves a body that only looks packed as it is', () => {
    expect(unpackBody('{"gzip":"not base64 gzip"}')).toBe('{"gzip":"not base64 gzip"}');
  });
});

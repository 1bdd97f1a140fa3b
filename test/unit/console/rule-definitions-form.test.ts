import { describe, expect, it } from 'vitest';
import { listBodyOf, listRowsOf } from '../../../console/src/rule-definitions-form.js';
import { definitionsBodySchema } from '../../../lib/api/rules-api.js';

describe("rule lists as the console's form holds them", () => {
  it('writes lists the API takes, keeping as numbers the values it held as numbers', () => {
    const loaded = { codes: [404, 'x'], reasons: ['BackOff'] };
    const rows = listRowsOf(loaded);

    const body = definitionsBodySchema.parse({ lists: listBodyOf([...rows.map(([name, text]) => [name, `${text}, 503`] as [string, string]), ['', '']], loaded) });

    expect(rows).toEqual([
      ['codes', '404, x'],
      ['reasons', 'BackOff'],
    ]);
    expect(body.lists).toEqual({ codes: [404, 'x', '503'], reasons: ['BackOff', '503'] });
  });

  it('drops empty values and blank rows', () => {
    expect(listBodyOf([['reasons', ' Unhealthy, ,ProbeWarning,'], ['', '']], undefined)).toEqual({ reasons: ['Unhealthy', 'ProbeWarning'] });
  });
});

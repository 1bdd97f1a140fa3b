/** A duration string is not in Prometheus' format. */
export class InvalidDurationError extends Error {
  constructor(readonly input: string) {
    super(`"${input}" is not a duration like 30s, 5m, 4h or 1h30m`);
    this.name = 'InvalidDurationError';
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** Parses Prometheus/Alertmanager durations (`30s`, `5m`, `1h30m`, `500ms`, `0s`) into milliseconds. */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (text === '0') return 0;
  const pattern = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let matched = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    matched += match[0].length;
  }
  if (matched === 0 || matched !== text.length || !Number.isSafeInteger(total)) throw new InvalidDurationError(input);
  return total;
}

/** Formats milliseconds the way Alertmanager prints durations: `1h30m`, `30s`, `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}

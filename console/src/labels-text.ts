import type { LabelSet } from './types.js';

/**
 * Labels typed into a box: a JSON object of strings, or one `name="value"`
 * (or `name=value`) per line; else the first line that is neither, so the
 * page can say which.
 */
export function parseLabels(text: string): { labels: LabelSet } | { badLine: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string')) {
        return { labels: parsed as LabelSet };
      }
      return { badLine: trimmed.split('\n')[0]! };
    } catch {
      return { badLine: trimmed.split('\n')[0]! };
    }
  }
  const labels: LabelSet = {};
  for (const line of trimmed.split('\n').map((l) => l.trim().replace(/,$/, ''))) {
    if (line === '') continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) return { badLine: line };
    const raw = match[2]!;
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        return { badLine: line };
      }
    }
    labels[match[1]!] = value;
  }
  return { labels };
}


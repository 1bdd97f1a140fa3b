import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { channelRegistry } from '../../../lib/notify/channel-registry.js';

const README = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

/** The README's channel table row for a channel: its settings and provider URL columns. */
function documentedRow(type: string): string | undefined {
  const channels = README.slice(README.indexOf('### Channels'), README.indexOf('### Templates'));
  return channels.split('\n').find((line) => line.startsWith(`| \`${type}\` |`));
}

describe('the README channel table', () => {
  it.each([...channelRegistry.keys()])('names every setting %s takes, provider URL overrides included', (type) => {
    const shape = (channelRegistry.get(type)!.settingsSchema as unknown as z.ZodObject).shape;
    const row = documentedRow(type);

    expect(row, `no row for ${type}`).toBeDefined();
    // Lists are written `to[]`; timeoutMs is common to every channel and documented once above the table.
    const missing = Object.keys(shape).filter((name) => name !== 'timeoutMs' && !row!.includes(`\`${name}\``) && !row!.includes(`\`${name}[]\``));
    expect(missing).toEqual([]);
  });
});

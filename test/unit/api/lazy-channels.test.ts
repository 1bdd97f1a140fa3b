import { describe, expect, it } from 'vitest';
import { lazyChannelRegistry } from '../../../functions/api/lazy-channels.js';
import { channelRegistry } from '../../../lib/notify/channel-registry.js';
import { ModuleNotLoadedError, withLazyModules } from '../../../lib/pipeline/lazy-module.js';

describe('lazyChannelRegistry', () => {
  it('asks for the registry to be loaded when first read, then answers as the registry does', async () => {
    // Prepare: nothing has read it in this process yet.
    // Act / Assess
    expect(() => lazyChannelRegistry.get('slack')).toThrow(ModuleNotLoadedError);
    const slack = await withLazyModules(() => lazyChannelRegistry.get('slack'));
    expect(slack).toBe(channelRegistry.get('slack'));
    expect([...lazyChannelRegistry.keys()]).toEqual([...channelRegistry.keys()]);
    expect(lazyChannelRegistry.size).toBe(channelRegistry.size);
    expect(new Map(lazyChannelRegistry)).toEqual(new Map(channelRegistry));
    expect(lazyChannelRegistry.has('no-such-channel')).toBe(false);
  });
});

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's chromium (or TIDINGS_CHROMIUM): browsers are never downloaded here.
 * Undefined when none is installed, so browser tests can skip and say why.
 */
export function chromiumExecutable(): string | undefined {
  const candidates = [process.env.TIDINGS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

/** A headless Chromium; one per test file keeps browser tests cheap on two cores. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ['--disable-gpu', '--disable-dev-shm-usage'] });
}

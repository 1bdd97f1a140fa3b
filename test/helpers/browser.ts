import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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

/**
 * Pages of the console in one browser: each in a fresh context (its own
 * sessionStorage, so each test signs in anew), recording Content-Security-Policy
 * violations and uncaught errors in `problems` (a test asserts there are none).
 */
export function consolePages(browser: () => Browser, consoleUrl: () => string) {
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    problems,
    async open(): Promise<Page> {
      const context = await browser().newContext();
      // Below the test's own timeout, so a wait that fails says what it waited for.
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(String(error)));
      return page;
    },
    /** Signs in with a key (and, for the operator, the account to open) and waits for the navigation. */
    async signIn(page: Page, key: string, accountId?: string): Promise<void> {
      await page.goto(consoleUrl());
      await page.getByLabel('API key').fill(key);
      if (accountId !== undefined) await page.getByLabel('Account', { exact: true }).fill(accountId);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Silences' }).waitFor();
    },
    closeAll: () => Promise.all(contexts.map((context) => context.close())),
  };
}

/** Loads the ingest fixtures (test/fixtures/ingest) for the ingest tests. */
import { readFileSync } from 'node:fs';

/** The parsed JSON of one fixture file. */
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/ingest/${name}`, import.meta.url), 'utf8')) as T;
}

/** The raw text of one fixture file, for tests that sign or encode bytes. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../../fixtures/ingest/${name}`, import.meta.url), 'utf8');
}

/** The clock every ingest test reads: 5 minutes after the fixtures' 10:00. */
export const NOW = new Date('2026-11-25T10:05:00Z');

export const source = { clusterName: 'prod-eu' };

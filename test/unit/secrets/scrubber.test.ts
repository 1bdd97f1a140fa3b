import { describe, expect, it } from 'vitest';
import { REDACTED, scrubbedSnippet, scrubSecrets, secretParts } from '../../../lib/secrets/scrubber.js';

/** A secret with every character that escaping changes: a quote, a backslash, runs of spaces, `%`, `+`, `&`. */
const TRICKY = 'tri"cky\\Sec  ret+Val%ue&009';
const TOKEN = 'xoxb-1234567890-abcdefghijklmnop';

/** No part of the secret that would still help an attacker: not the secret, nor its first 8 characters, in any form. */
function expectNoTrace(text: string, secret: string): void {
  for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), secret.replace(/\s+/g, ' ')]) {
    expect(text).not.toContain(form.slice(0, 8));
  }
}

describe('scrubbedSnippet', () => {
  it('removes a secret echoed after more than 200 characters of padding, before cutting', () => {
    const text = `${'x'.repeat(250)} ${TOKEN}`;
    // The cut keeps 200 characters; the secret was past them, and it must not reach the output whatever the limit.
    expect(scrubbedSnippet(text, [TOKEN], 1000)).toBe(`${'x'.repeat(250)} ${REDACTED}`);
    expectNoTrace(scrubbedSnippet(text, [TOKEN]), TOKEN);
  });

  it('leaves no prefix of a secret that straddles the cut, at any offset', () => {
    for (let offset = 150; offset <= 205; offset += 1) {
      const snippet = scrubbedSnippet(`${'p'.repeat(offset)}${TOKEN} tail`, [TOKEN]);
      expect(snippet.length).toBeLessThanOrEqual(200);
      expectNoTrace(snippet, TOKEN);
    }
  });

  it('removes a JSON-escaped secret, escaped once, twice and three times', () => {
    let escaped = TRICKY;
    for (let level = 1; level <= 3; level += 1) {
      escaped = JSON.stringify(escaped).slice(1, -1);
      expect(escaped).not.toBe(TRICKY);
      const text = `{"error":"bad token ${escaped} given"}`;
      expect(scrubSecrets(text, [TRICKY])).toBe(`{"error":"bad token ${REDACTED} given"}`);
    }
  });

  it('removes a secret whose runs of spaces the provider collapsed, and one collapsed by the snippet itself', () => {
    expect(scrubSecrets(`echo: ${TRICKY.replace(/\s+/g, ' ')}`, [TRICKY])).toBe(`echo: ${REDACTED}`);
    const snippet = scrubbedSnippet(`echo:\n${TRICKY}\n\nend`, [TRICKY]);
    expect(snippet).toBe(`echo: ${REDACTED} end`);
  });

  it('removes URL-, form- and strictly percent-encoded secrets, whatever the case of the hex digits', () => {
    const encoded = encodeURIComponent(TRICKY);
    for (const form of [encoded, encoded.toLowerCase(), new URLSearchParams({ k: TRICKY }).toString().slice(2), encodeURI(TRICKY)]) {
      expectNoTrace(scrubSecrets(`GET /send?key=${form}&x=1`, [TRICKY]), TRICKY);
    }
  });

  it('removes the HTML-escaped and base64 forms of a secret', () => {
    const html = TRICKY.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    expect(scrubSecrets(`<p>${html}</p>`, [TRICKY])).toBe(`<p>${REDACTED}</p>`);
    expect(scrubSecrets(`auth ${Buffer.from(TOKEN).toString('base64')}`, [TOKEN])).toBe(`auth ${REDACTED}`);
  });

  it('removes a secret cut short by the provider, from its 8th character on', () => {
    expect(scrubSecrets(`token ${TOKEN.slice(0, 12)}… is invalid`, [TOKEN])).toBe(`token ${REDACTED}… is invalid`);
    expect(scrubSecrets(`token ${TOKEN.slice(0, 7)}`, [TOKEN])).toBe(`token ${TOKEN.slice(0, 7)}`);
  });

  it('leaves ordinary text alone', () => {
    expect(scrubbedSnippet('  channel_not_found \n', [TOKEN, TRICKY])).toBe('channel_not_found');
  });
});

describe('secretParts', () => {
  it('splits a webhook URL into its key-bearing path segments and query values, never its scheme and host', () => {
    const parts = secretParts('https://hooks.example.com/services/T0/B0/AbCdEfGhIjKlMnOpQrSt?key=Q1w2E3r4T5&v=1');
    expect(parts).toContain('AbCdEfGhIjKlMnOpQrSt');
    expect(parts).toContain('Q1w2E3r4T5');
    expect(scrubSecrets('see https://hooks.example.com/other', parts)).toBe('see https://hooks.example.com/other');
  });

  it("finds an auth header's token, and a Basic header's decoded login and password", () => {
    const basic = `Basic ${Buffer.from('alice:pa55word-xyz').toString('base64')}`;
    expect(secretParts({ authorization: basic, 'x-api-key': `Bearer ${TOKEN}` })).toEqual(
      expect.arrayContaining([basic, 'alice:pa55word-xyz', 'pa55word-xyz', TOKEN]),
    );
    expect(scrubSecrets('login alice:pa55word-xyz refused', [{ authorization: basic }])).toBe(`login ${REDACTED} refused`);
  });

  it('adds the SASL PLAIN and user:password forms of a login, so their base64 is scrubbed too', () => {
    const login = { user: 'alerts@example.com', password: 'hunter2-smtp' };
    const plain = Buffer.from('\0alerts@example.com\0hunter2-smtp').toString('base64');
    expect(scrubSecrets(`535 auth ${plain} rejected`, [login])).toBe(`535 auth ${REDACTED} rejected`);
  });
});

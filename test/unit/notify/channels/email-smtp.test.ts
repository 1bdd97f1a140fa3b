import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import { ChannelError, type ChannelContext } from '../../../../lib/notify/channel.js';
import { resolvePermittedAddress, smtpEmailChannel } from '../../../../lib/notify/channels/email-smtp.js';
import { aNotification } from '../../../helpers/builders.js';

// A self-signed key and certificate (CN=localhost, SAN localhost and 127.0.0.1), made with openssl
// for these tests only: see test/fixtures/tls/README.md.
const TLS_KEY = readFileSync(new URL('../../../fixtures/tls/smtp-test-key.pem', import.meta.url), 'utf8');
const TLS_CERT = readFileSync(new URL('../../../fixtures/tls/smtp-test-cert.pem', import.meta.url), 'utf8');

const USER = 'alerts@example.com';
const PASSWORD = 'smtp-p4ssw0rd-secret';

const policy = new AddressPolicy(['127.0.0.1/32']);
const context: ChannelContext = {
  http: createOutboundHttp({ policy }),
  addressPolicy: policy,
  now: () => new Date('2026-11-25T10:01:00Z'),
  externalURL: 'https://tidings.example',
  renderer: {
    render: (kind) =>
      ({
        title: '[FIRING:1] HighErrorRate prod-eu',
        text: 'Plain part: error rate above 5%',
        markdown: 'unused',
        html: '<p>HTML part: <b>error rate</b></p>',
      })[kind],
  },
};

interface ReceivedMail {
  from: string | undefined;
  to: string[];
  user: unknown;
  secure: boolean;
  raw: string;
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/**
 * A local SMTP server that checks what a real submission server checks:
 * AUTH credentials (535 otherwise), TLS when asked, and recipients.
 */
async function startSmtp(options: { mode: 'starttls' | 'implicit-tls' | 'plain'; rcptReply?: number; authOptional?: boolean }) {
  const mails: ReceivedMail[] = [];
  let connections = 0;
  const serverOptions: SMTPServerOptions = {
    secure: options.mode === 'implicit-tls',
    key: TLS_KEY,
    cert: TLS_CERT,
    disabledCommands: options.mode === 'plain' ? ['STARTTLS', 'AUTH'] : [],
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: options.mode === 'plain' || options.authOptional === true,
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (options.rcptReply === undefined) return callback();
      const error = Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: options.rcptReply });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        mails.push({
          from: mailFrom === false ? undefined : mailFrom.address,
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          user: session.user,
          secure: session.secure,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, mails, connections: () => connections };
}

function settings(port: number, extra: Record<string, unknown> = {}) {
  return smtpEmailChannel.settingsSchema.parse({
    host: '127.0.0.1',
    port,
    auth: { user: USER, password: PASSWORD },
    tlsCa: TLS_CERT,
    from: 'Tidings <alerts@example.com>',
    to: ['ops@example.com', 'dba@example.com'],
    timeoutMs: 5_000,
    ...extra,
  });
}

/** The body of the MIME part with this content type, undoing quoted-printable soft breaks and escapes. */
function mimePart(raw: string, contentType: string): string | undefined {
  const match = new RegExp(`Content-Type: ${contentType}[^\\r\\n]*\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n([\\s\\S]*?)\\r\\n--`, 'i').exec(raw);
  return match?.[1]?.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe('smtpEmailChannel', () => {
  it('upgrades with STARTTLS, authenticates, and delivers both MIME parts to every recipient', async () => {
    const server = await startSmtp({ mode: 'starttls' });

    const outcome = await smtpEmailChannel.send(settings(server.port), aNotification(), context);

    expect(outcome.statusCode).toBe(250);
    const mail = server.mails[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe(USER);
    expect(mail.from).toBe('alerts@example.com');
    expect(mail.to).toEqual(['ops@example.com', 'dba@example.com']);
    expect(mail.raw).toMatch(/^Subject: \[FIRING:1\] HighErrorRate prod-eu\r$/m);
    expect(mail.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(mimePart(mail.raw, 'text/plain')).toBe('Plain part: error rate above 5%');
    expect(mimePart(mail.raw, 'text/html')).toBe('<p>HTML part: <b>error rate</b></p>');
  });

  it('speaks implicit TLS when secure is set', async () => {
    const server = await startSmtp({ mode: 'implicit-tls' });
    await smtpEmailChannel.send(settings(server.port, { secure: true }), aNotification(), context);
    expect(server.mails[0]!.secure).toBe(true);
  });

  it('sends without TLS or login only when told to', async () => {
    const server = await startSmtp({ mode: 'plain' });
    await smtpEmailChannel.send(settings(server.port, { auth: undefined, requireTLS: false }), aNotification(), context);
    expect(server.mails[0]!.secure).toBe(false);
    expect(server.mails[0]!.user).toBeUndefined();
  });

  it('with requireTLS false, still encrypts with STARTTLS when offered, over a certificate it cannot verify', async () => {
    // Prepare: the server's self-signed certificate, and no tlsCa to trust it with.
    const server = await startSmtp({ mode: 'starttls', authOptional: true });

    // Act
    const outcome = await smtpEmailChannel.send(settings(server.port, { auth: undefined, requireTLS: false, tlsCa: undefined }), aNotification(), context);

    // Assess: opportunistic TLS, as between mail servers: better than plain text, never a reason to fail.
    expect(outcome.statusCode).toBe(250);
    expect(server.mails[0]!.secure).toBe(true);
  });

  it('refuses to send when STARTTLS is required but not offered', async () => {
    const server = await startSmtp({ mode: 'plain' });
    const error = await smtpEmailChannel.send(settings(server.port), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
    expect(server.mails).toHaveLength(0);
  });

  it('does not trust a certificate outside the public and configured CAs', async () => {
    const server = await startSmtp({ mode: 'starttls' });
    const error = await smtpEmailChannel.send(settings(server.port, { tlsCa: undefined }), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
    expect(server.mails).toHaveLength(0);
  });

  it('treats a rejected login (535) as permanent and never shows the password', async () => {
    const server = await startSmtp({ mode: 'starttls' });
    const error = await smtpEmailChannel.send(settings(server.port, { auth: { user: USER, password: 'wrong-password-123' } }), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
    expect(error.details.statusCode).toBe(535);
    expect(error.message).not.toMatch(/wrong-password-123|smtp-p4ssw0rd-secret/);
  });

  it.each([
    [450, true],
    [452, true],
    [550, false],
    [553, false],
  ])('maps a %i reply to the recipients to retryable=%s', async (code, retryable) => {
    const server = await startSmtp({ mode: 'starttls', rcptReply: code });
    const error = await smtpEmailChannel.send(settings(server.port), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(retryable);
    expect(error.details.statusCode).toBe(code);
  });

  it('retries when the server cannot be reached', async () => {
    const server = await startSmtp({ mode: 'starttls' });
    await stop?.();
    stop = undefined;
    const error = await smtpEmailChannel.send(settings(server.port), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(true);
  });

  it('checks the address policy before connecting', async () => {
    const server = await startSmtp({ mode: 'starttls' });
    const { addressPolicy: _omitted, ...strict } = context;
    const error = await smtpEmailChannel.send(settings(server.port), aNotification(), strict).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
    expect(server.connections()).toBe(0);
  });

  it('refuses a password without TLS, and redacts it for display', () => {
    const result = smtpEmailChannel.settingsSchema.safeParse({ host: 'smtp.example.com', requireTLS: false, auth: { user: 'u', password: 'p' }, from: 'a@example.com', to: ['b@example.com'] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(smtpEmailChannel.redact(settings(587)))).not.toContain(PASSWORD);
  });
});

describe('resolvePermittedAddress', () => {
  it('rejects host names that resolve to forbidden addresses', async () => {
    await expect(resolvePermittedAddress('localhost', new AddressPolicy())).rejects.toMatchObject({ retryable: false });
    await expect(resolvePermittedAddress('169.254.169.254', new AddressPolicy())).rejects.toMatchObject({ retryable: false });
  });

  it('returns the checked address to connect to', async () => {
    await expect(resolvePermittedAddress('127.0.0.1', new AddressPolicy(['127.0.0.1/32']))).resolves.toBe('127.0.0.1');
  });
});

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import * as z from 'zod';
import { AddressPolicy } from '../../net/address-policy.js';
import { ChannelError, type Channel } from '../channel.js';
import { oneLine, renderText, truncateChars } from './message-text.js';
import { channelSecrets, scrubbedSnippet } from './provider-error.js';

const settingsSchema = z
  .object({
    /** SMTP server host name or IP address (no scheme, no port). */
    host: z.string().regex(/^[A-Za-z0-9.:-]+$/, 'must be a host name or IP address').max(253),
    port: z.number().int().min(1).max(65_535).default(587),
    /** Implicit TLS from the first byte (usually port 465). */
    secure: z.boolean().default(false),
    /**
     * Without `secure`: insist on STARTTLS with a verified certificate, so credentials and
     * alerts never cross in clear text. `false` is opportunistic TLS, as between mail
     * servers: STARTTLS when offered, the certificate not checked, plain text otherwise.
     */
    requireTLS: z.boolean().default(true),
    /** PEM certificate(s) to trust besides the public CAs, for servers with a private CA. */
    tlsCa: z.string().includes('-----BEGIN CERTIFICATE-----').optional(),
    auth: z.object({ user: z.string().min(1), password: z.string().min(1) }).optional(),
    /** Sender, optionally with a display name: `Alerts <alerts@example.com>`. */
    from: z.string().min(3).max(320),
    to: z.array(z.email()).min(1).max(100),
    timeoutMs: z.number().int().min(1_000).max(60_000).default(15_000),
  })
  .refine((settings) => settings.auth === undefined || settings.secure || settings.requireTLS, {
    message: 'a password may only be sent over TLS: set secure or requireTLS',
    path: ['requireTLS'],
  });
export type SmtpSettings = z.infer<typeof settingsSchema>;

/** The login, user and password: servers echo either in replies, plain or base64 (AUTH PLAIN/LOGIN). */
const secretSettings = ['auth'];

const MAX_SUBJECT_CHARS = 900;

/**
 * Email over SMTP with nodemailer: one message to every recipient with a
 * plain-text and an HTML part. The server's address is resolved and checked
 * against the outbound address policy before connecting, and the connection
 * goes to that checked address (the host name is kept for TLS verification),
 * so DNS cannot point it at internal services. Lambda blocks port 25; use 587
 * or 465, or the SES channel.
 */
export const smtpEmailChannel: Channel<SmtpSettings> = {
  type: 'email-smtp',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return settings.auth === undefined ? { ...settings } : { ...settings, auth: { user: settings.auth.user, password: '<secret>' } };
  },
  async send(settings, notification, context) {
    const address = await resolvePermittedAddress(settings.host, context.addressPolicy ?? new AddressPolicy());
    const servername = isIP(settings.host) === 0 ? settings.host : undefined;
    // Loaded with the first SMTP send: nodemailer is the largest module of the functions that carry channels.
    const { default: nodemailer } = await import('nodemailer');
    // Opportunistic: TLS was not required, so encryption the certificate cannot vouch for still beats plain text,
    // and no password can be at stake (the schema refuses auth without secure or requireTLS).
    const opportunistic = !settings.secure && !settings.requireTLS;
    const transport = nodemailer.createTransport({
      host: address,
      port: settings.port,
      secure: settings.secure,
      requireTLS: !settings.secure && settings.requireTLS,
      opportunisticTLS: opportunistic,
      ...(servername === undefined ? {} : { servername }),
      tls: {
        ...(servername === undefined ? {} : { servername }),
        ...(settings.tlsCa === undefined ? {} : { ca: settings.tlsCa }),
        minVersion: 'TLSv1.2',
        ...(opportunistic ? { rejectUnauthorized: false } : {}),
      },
      ...(settings.auth === undefined ? {} : { auth: { user: settings.auth.user, pass: settings.auth.password } }),
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    try {
      await transport.sendMail({
        from: settings.from,
        to: settings.to,
        subject: truncateChars(oneLine(renderText('title', notification, context)), MAX_SUBJECT_CHARS),
        text: renderText('text', notification, context),
        html: renderText('html', notification, context),
      });
      return { statusCode: 250 };
    } catch (error) {
      throw smtpChannelError(error, channelSecrets({ secretSettings }, settings));
    } finally {
      transport.close();
    }
  },
};

/** Failures that end with the connection, not with the server's answer: worth another try. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROTOCOL']);
const CERTIFICATE_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/**
 * Maps a nodemailer error: an SMTP 4xx reply or a broken connection retries,
 * a 5xx reply (bad login, rejected recipient) and TLS or configuration
 * problems do not. The password is scrubbed from the server's reply text.
 */
export function smtpChannelError(error: unknown, secrets: ReadonlyArray<unknown>): ChannelError {
  if (error instanceof ChannelError) return error;
  const failure = (error ?? {}) as { code?: unknown; originalCode?: unknown; responseCode?: unknown; command?: unknown; response?: unknown };
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  // A certificate that does not verify will not verify on the next attempt either.
  const untrusted = typeof failure.originalCode === 'string' && CERTIFICATE_FAILURE.test(failure.originalCode);
  const responseCode = typeof failure.responseCode === 'number' ? failure.responseCode : undefined;
  const step = typeof failure.command === 'string' ? ` at ${failure.command}` : '';
  const reply = typeof failure.response === 'string' ? `: ${scrubbedSnippet(failure.response, secrets)}` : '';
  const retryable = responseCode !== undefined ? responseCode < 500 : !untrusted && (code === undefined || TRANSIENT_CODES.has(code));
  const details = responseCode === undefined ? { cause: error } : { statusCode: responseCode, cause: error };
  const reason = untrusted ? `${code ?? 'error'} ${String(failure.originalCode)}` : (code ?? 'error');
  return new ChannelError(`SMTP send failed${step} (${reason}${responseCode === undefined ? '' : ` ${responseCode}`})${reply}`, retryable, details);
}

/**
 * Resolves a host and returns an address to connect to, provided every
 * address it resolves to is permitted by the policy (as `createOutboundHttp`
 * does for HTTP). A DNS failure is retryable; a forbidden address is not.
 */
export async function resolvePermittedAddress(host: string, policy: AddressPolicy): Promise<string> {
  const literal = host.replace(/^\[|\]$/g, '');
  if (isIP(literal) !== 0) {
    if (!policy.permits(literal)) throw new ChannelError(`destination ${literal} is an address outbound calls may not reach`, false);
    return literal;
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true });
  } catch (error) {
    throw new ChannelError(`could not resolve ${host}`, true, { cause: error });
  }
  const first = addresses[0];
  if (first === undefined || !addresses.every((entry) => policy.permits(entry.address))) {
    throw new ChannelError(`destination ${host} resolves to an address outbound calls may not reach`, false);
  }
  return first.address;
}

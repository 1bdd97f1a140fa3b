import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ChannelError, type Channel, type ChannelContext } from '../channel.js';
import { baseUrl, byteLength, DEFAULT_TIMEOUT_MS, jsonObject, postJson, renderWithin } from './chat-message.js';
import { channelSecrets, outcomeOfResponse, toScrubbedChannelError } from './provider-error.js';
import { outcomeOfWeCom } from './wecom.js';

const recipients = z.array(z.string().min(1)).max(1000).default([]);

const settingsSchema = z
  .object({
    corpId: z.string().min(1),
    /** The application's secret; exchanged for an access token, never sent with messages. */
    corpSecret: z.string().min(1),
    agentId: z.number().int().positive(),
    /** User IDs; `@all` for everyone in the app's visible range. */
    toUser: recipients,
    toParty: recipients,
    toTag: recipients,
    /** `markdown` renders in the WeCom client only; `text` also reaches WeChat. */
    msgType: z.enum(['markdown', 'text']).default('markdown'),
    apiBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://qyapi.weixin.qq.com'),
    timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
  })
  .refine((settings) => settings.toUser.length + settings.toParty.length + settings.toTag.length > 0, {
    path: ['toUser'],
    message: 'name at least one recipient in toUser, toParty or toTag',
  });
export type WeComAppSettings = z.infer<typeof settingsSchema>;

/** Only the app secret: the corp id and agent id identify, they do not authenticate. */
const secretSettings = ['corpSecret'];

/** App message content limit (text and markdown), in UTF-8 bytes. */
const CONTENT_MAX_BYTES = 2048;
/** The token is invalid (40014) or expired (42001): fetch a new one and send again. */
const STALE_TOKEN_CODES = new Set([40014, 42001]);
/** Refresh a little before WeCom's expiry so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Access tokens by corp, app and secret. WeCom limits how often `gettoken` may
 * be called and a token lasts about two hours, so a warm Lambda reuses it.
 * In-memory: each cold start fetches once, which WeCom's limits allow.
 */
export class WeComTokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  get(key: string, now: number): string | undefined {
    const cached = this.tokens.get(key);
    return cached !== undefined && cached.expiresAt > now ? cached.token : undefined;
  }

  set(key: string, token: string, expiresAt: number): void {
    this.tokens.set(key, { token, expiresAt });
  }

  invalidate(key: string): void {
    this.tokens.delete(key);
  }
}

function cacheKey(settings: WeComAppSettings): string {
  // A hash of the secret, so a rotated secret never reuses the old secret's token.
  const secret = createHash('sha256').update(settings.corpSecret).digest('hex').slice(0, 16);
  return `${baseUrl(settings.apiBaseUrl)}|${settings.corpId}|${settings.agentId}|${secret}`;
}

async function fetchToken(settings: WeComAppSettings, context: ChannelContext, cache: WeComTokenCache, secrets: unknown[]): Promise<string> {
  const url = `${baseUrl(settings.apiBaseUrl)}/cgi-bin/gettoken?corpid=${encodeURIComponent(settings.corpId)}&corpsecret=${encodeURIComponent(settings.corpSecret)}`;
  const response = await context.http({ method: 'GET', url, timeoutMs: settings.timeoutMs });
  outcomeOfWeCom(response, 'access token request', secrets);
  const answer = jsonObject(response.body);
  const token = answer?.access_token;
  if (typeof token !== 'string' || token === '') throw new ChannelError('WeCom returned no access token', true, { statusCode: response.status });
  // The access token is a credential too: an echo of it is scrubbed like the secret.
  secrets.push(token);
  const lifetimeMs = typeof answer?.expires_in === 'number' ? answer.expires_in * 1000 : 7200_000;
  cache.set(cacheKey(settings), token, context.now().getTime() + Math.max(60_000, lifetimeMs - EXPIRY_MARGIN_MS));
  return token;
}

/** Builds the WeCom application-message channel over a token cache (tests pass their own). */
export function createWeComAppChannel(cache = new WeComTokenCache()): Channel<WeComAppSettings> {
  return {
    type: 'wecom-app',
    settingsSchema,
    secretSettings,
    redact(settings) {
      return {
        corpId: settings.corpId,
        corpSecret: '<secret>',
        agentId: settings.agentId,
        toUser: settings.toUser,
        toParty: settings.toParty,
        toTag: settings.toTag,
        msgType: settings.msgType,
        apiBaseUrl: settings.apiBaseUrl,
        timeoutMs: settings.timeoutMs,
      };
    },
    async send(settings, notification, context) {
      const secrets = channelSecrets({ secretSettings }, settings);
      try {
        const content = renderWithin(context, settings.msgType === 'markdown' ? 'markdown' : 'text', notification, CONTENT_MAX_BYTES, byteLength);
        const message = {
          touser: settings.toUser.join('|'),
          toparty: settings.toParty.join('|'),
          totag: settings.toTag.join('|'),
          agentid: settings.agentId,
          msgtype: settings.msgType,
          [settings.msgType]: { content },
        };
        const post = async (token: string) => {
          secrets.push(token);
          return postJson(context, {
            url: `${baseUrl(settings.apiBaseUrl)}/cgi-bin/message/send?access_token=${encodeURIComponent(token)}`,
            body: message,
            timeoutMs: settings.timeoutMs,
            secrets,
          });
        };
        const key = cacheKey(settings);
        let response = await post(cache.get(key, context.now().getTime()) ?? (await fetchToken(settings, context, cache, secrets)));
        if (response.status === 200 && STALE_TOKEN_CODES.has(jsonObject(response.body)?.errcode as number)) {
          cache.invalidate(key);
          response = await post(await fetchToken(settings, context, cache, secrets));
        }
        if (response.status !== 200) return outcomeOfResponse(response, secrets);
        return outcomeOfWeCom(response, 'application message', secrets);
      } catch (error) {
        throw toScrubbedChannelError(error, secrets);
      }
    },
  };
}

/**
 * WeCom application message: corp id and app secret exchanged for an access
 * token (cached until shortly before it expires, refreshed when WeCom says it
 * is stale), then `message/send` to users, departments or tags. Newer apps
 * only accept calls from trusted IPs (errcode 60020): send from a fixed egress IP.
 */
export const weComAppChannel = createWeComAppChannel();

import * as z from 'zod';
import type { ChannelFields, SettingField } from '../console/src/channel-fields.js';
import type { Channel } from '../lib/notify/channel.js';

type JsonSchema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

// zod writes the full safe-integer range for `.int()`; only a bound someone chose is worth showing.
const chosenBound = (value: number | undefined) => (value === undefined || Math.abs(value) >= Number.MAX_SAFE_INTEGER ? undefined : value);

function fieldOf(name: string, schema: JsonSchema, required: boolean, secret: boolean): SettingField {
  const common = { name, required, secret, ...(schema.default === undefined ? {} : { default: schema.default }) };
  if (schema.type === 'object' && schema.properties !== undefined) {
    const inner = new Set(schema.required ?? []);
    return { ...common, kind: 'group', fields: Object.entries(schema.properties).map(([n, s]) => fieldOf(n, s, inner.has(n), secret)) };
  }
  if (schema.type === 'object') return { ...common, kind: 'pairs' };
  if (schema.type === 'array') return { ...common, kind: 'list' };
  if (schema.type === 'boolean') return { ...common, kind: 'boolean' };
  if (schema.type === 'integer' || schema.type === 'number') {
    const min = chosenBound(schema.minimum);
    const max = chosenBound(schema.maximum);
    return { ...common, kind: 'number', ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  }
  if (schema.type === 'string' && schema.enum !== undefined) return { ...common, kind: 'choice', choices: schema.enum.map(String) };
  // Strings, and unions of a string with something else (a Telegram chat ID: a name or a number), are typed as text.
  return { ...common, kind: schema.format === 'uri' ? 'url' : 'text' };
}

/**
 * The console's settings form of every channel, from the schema the API
 * validates the settings with (as JSON Schema, what a client may send) and
 * the channel's secret settings.
 */
export function channelFieldsOf(channels: ReadonlyMap<string, Pick<Channel<unknown>, 'settingsSchema' | 'secretSettings'>>): ChannelFields[] {
  return [...channels].map(([channel, { settingsSchema, secretSettings }]) => {
    const schema = z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties ?? {}).map(([name, property]) => fieldOf(name, property, required.has(name), secretSettings.includes(name)));
    return { channel, fields };
  });
}

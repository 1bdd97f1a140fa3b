import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { UnauthorizedError } from '../../lib/clusters/authenticate.js';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../lib/http/request-body.js';
import { InvalidPayloadError } from '../../lib/ingest/ingest-errors.js';
import { VersionConflictError } from '../../lib/receivers/receiver.js';
import { InvalidCursorError } from '../../lib/aws/dynamo-history-store.js';
import { HttpError } from '../../lib/api/api-types.js';
import { header } from '../../lib/http/headers.js';
import { TooManyAccessChangesError } from '../../lib/aws/dynamo-access-index.js';
import { RuleError, RuleSyntaxError } from '../../lib/rules/errors.js';

export type HttpResponse = APIGatewayProxyStructuredResultV2;

export { HttpError };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Maps the errors use cases raise to HTTP answers with a JSON body that says
 * what was wrong; anything unexpected is logged and answered 500 without detail.
 */
export function errorResponse(error: unknown, logger: Logger): HttpResponse {
  if (error instanceof HttpError) return json(error.statusCode, { error: error.message, ...error.extra }, error.headers);
  if (error instanceof UnauthorizedError) {
    return json(401, { error: error.message }, { 'www-authenticate': 'Bearer realm="tidings", Basic realm="tidings"' });
  }
  if (error instanceof InvalidPayloadError) return json(400, { error: error.message, issues: error.issues });
  if (error instanceof MalformedBodyError) return json(400, { error: error.message, issues: [{ field: '(body)', message: error.message }] });
  if (error instanceof PayloadTooLargeError) return json(413, { error: error.message });
  if (error instanceof UnsupportedMediaTypeError) return json(415, { error: error.message });
  if (error instanceof VersionConflictError) return json(409, { error: error.message });
  if (error instanceof RuleSyntaxError) {
    return json(400, {
      error: error.message,
      issues: [{ field: error.field !== undefined && error.field !== 'condition' ? error.field : error.definition === undefined ? 'condition' : `macros.${error.definition}`, message: error.message }],
      position: error.position,
      expected: error.expected,
      found: error.found,
    });
  }
  if (error instanceof RuleError) return json(400, { error: error.message, issues: [{ field: error.field ?? '(rule)', message: error.message }] });
  if (error instanceof TooManyAccessChangesError) return json(400, { error: error.message, issues: [{ field: 'bindings', message: error.message }] });
  if (error instanceof InvalidCursorError) return json(400, { error: error.message, issues: [{ field: 'cursor', message: error.message }] });
  logger.error('request failed', error as Error);
  return json(500, { error: 'internal error' });
}

/** The raw body parts of an API Gateway v2 event, as `readJsonBody` wants them. */
export function rawBody(event: APIGatewayProxyEventV2) {
  return {
    body: event.body,
    isBase64Encoded: event.isBase64Encoded,
    contentType: header(event.headers, 'content-type'),
    contentEncoding: header(event.headers, 'content-encoding'),
  };
}

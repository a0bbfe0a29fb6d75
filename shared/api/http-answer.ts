import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/**
 * A JSON answer. It lets any origin read it: the ops console calls from its CloudFront origin, and a
 * Lambda proxy answer's CORS headers can only come from the function, which deploys before the
 * distribution exists. What restricts the origin is API Gateway's preflight, which admits the
 * console's origin alone (infra/constructs/fabric-api.ts); every route needs SigV4 or a channel
 * signature, never a cookie, so a page elsewhere has nothing to send.
 */
export function jsonAnswer(status: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' },
    body: JSON.stringify(body),
  };
}

/** API Gateway keeps header case as sent; channels differ, so adapters see lower-case names only. */
export function lowerCaseHeaders(event: APIGatewayProxyEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** The request body exactly as the sender's bytes, which is what signatures are computed over. */
export function rawBody(event: APIGatewayProxyEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/**
 * The request body read as JSON (an empty body as `{}`), or the 400 that names the body when it is
 * not JSON: every JSON route answers malformed input the same way.
 */
export function jsonBody(event: APIGatewayProxyEvent): { body: unknown } | { refusal: APIGatewayProxyResult } {
  try {
    return { body: JSON.parse(rawBody(event).toString('utf8') || '{}') };
  } catch {
    return {
      refusal: jsonAnswer(400, {
        message: 'the body is not valid JSON',
        errors: [{ path: '(body)', message: 'is not valid JSON' }],
      }),
    };
  }
}

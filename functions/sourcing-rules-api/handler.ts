import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as z from '#domain/kernel/schema';
import { updateSourcingRules } from '#domain/fulfilment';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import { formatIssues } from '#domain/kernel/validation';
import { sourcingRuleStoreFromEnv } from '#shared/adapters/sourcing-rule-store';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger } from '#shared/adapters/observability';
import { auditedCaller } from '#shared/api/caller';
import { jsonAnswer, jsonBody } from '#shared/api/http-answer';

const rules = sourcingRuleStoreFromEnv();
const { locations } = loadInventoryPolicy();

const Version = z.coerce.number().check(z.int(), z.positive());
const ExpectedVersion = z.optional(z.number().check(z.int(), z.gte(0)));

/**
 * GET /sourcing-rules: the rules in force (404 while none is stored: every channel's ranking applies).
 * GET /sourcing-rules/versions/{version}: one stored version, kept for the orders it decided.
 * POST /sourcing-rules: the rules without a version, optionally `expectedVersion`: 201 the new version;
 * 400 naming each failing path; 409 when the rules are no longer at `expectedVersion`.
 */
async function answerSourcingRules(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (event.httpMethod === 'GET') {
    if (event.pathParameters?.version === undefined) {
      const current = await rules.loadSourcingRules();
      return current
        ? jsonAnswer(200, current)
        : jsonAnswer(404, { message: "no sourcing rules are stored: each channel's ranking of locations applies" });
    }
    const version = Version.safeParse(event.pathParameters.version);
    if (!version.success)
      return jsonAnswer(400, {
        message: 'invalid version',
        errors: [{ path: 'version', message: 'must be 1 or more' }],
      });
    const found = await rules.readSourcingRuleVersion(version.data);
    return found ? jsonAnswer(200, found) : jsonAnswer(404, { message: `no sourcing rules version ${version.data}` });
  }
  const read = jsonBody(event);
  if ('refusal' in read) return read.refusal;
  if (typeof read.body !== 'object' || read.body === null || Array.isArray(read.body))
    return jsonAnswer(400, {
      message: 'the sourcing rules are not valid',
      errors: [{ path: '(body)', message: 'must be an object with rules (and optionally zones, categories)' }],
    });
  const { expectedVersion, ...input } = read.body as Record<string, unknown>;
  const expected = ExpectedVersion.safeParse(expectedVersion);
  if (!expected.success)
    return jsonAnswer(400, {
      message: 'the sourcing rules are not valid',
      errors: formatIssues(expected.error).map((issue) => ({ ...issue, path: 'expectedVersion' })),
    });
  const updatedBy = auditedCaller(event);
  const outcome = await updateSourcingRules(input, { updatedBy, expectedVersion: expected.data }, { rules, locations });
  if (outcome.outcome === 'invalid')
    return jsonAnswer(400, { message: 'the sourcing rules are not valid', errors: outcome.issues });
  if (outcome.outcome === 'conflict')
    return jsonAnswer(409, { message: outcome.message, currentVersion: outcome.currentVersion });
  logger.info('sourcing rules stored', { version: outcome.ruleSet.version, updatedBy });
  return jsonAnswer(201, outcome.ruleSet);
}

export const handler = withObservability(answerSourcingRules);

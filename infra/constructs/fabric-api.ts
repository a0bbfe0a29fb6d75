import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WEBHOOK_SIGNATURE_HEADERS } from '#shared/channels/webhook-signature-headers';
import type { ApiRoute } from '#shared/config/topology';
import type { FabricFunction } from './fabric-function';

export interface FabricApiProps {
  /** The functions deployed in this region, whatever their stack; each one's `routes` are served here. */
  functions: readonly FabricFunction[];
}

/**
 * The fabric's regional REST API: every route in the topology, proxied to its function. Lambda proxy
 * integration hands the body over byte for byte (no mapping templates, no binary media types), which
 * the webhook functions rely on to check channel HMAC signatures over the raw body.
 *
 * Who may call a route follows from its function: a function that holds channel secrets verifies
 * each request's signature itself, so its routes are public; every other route (order lookups) is
 * for back-office callers and requires SigV4-signed IAM credentials.
 *
 * Each routed function is imported by ARN, so API Gateway's permissions to invoke it are created
 * here, beside the API: created on the function, they would make the function's stack name this API
 * while this API names the function, a circular dependency between the two stacks.
 */
export class FabricApi extends Construct {
  readonly restApi: apigateway.RestApi;
  /** Every route served, as deployed in this region. */
  readonly routes: readonly ApiRoute[];

  constructor(scope: Construct, id: string, props: FabricApiProps) {
    super(scope, id);
    const routes = props.functions
      .filter((fn) => fn.definition.routes?.length)
      .flatMap((fn) => {
        const handler = lambda.Function.fromFunctionAttributes(this, fn.node.id, {
          functionArn: fn.functionArn,
          sameEnvironment: true,
        });
        return (fn.definition.routes ?? []).map((route) => ({ route, definition: fn.definition, fn: handler }));
      });
    this.routes = routes.map(({ route }) => route);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      description: 'Retail fabric: channel webhooks in, order lookups out.',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Execution logging needs API Gateway's account-level CloudWatch role in this region.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        metricsEnabled: true,
        // ERROR, never INFO with data tracing: execution logs must not copy order bodies (PII).
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: apigateway.AccessLogField.contextRequestId(),
            requestTime: apigateway.AccessLogField.contextRequestTime(),
            sourceIp: apigateway.AccessLogField.contextIdentitySourceIp(),
            caller: apigateway.AccessLogField.contextIdentityCaller(),
            // A console user's calls are signed with their group role's credentials: this names the user behind them.
            cognitoUser: apigateway.AccessLogField.contextIdentityCognitoAuthenticationProvider(),
            httpMethod: apigateway.AccessLogField.contextHttpMethod(),
            resourcePath: apigateway.AccessLogField.contextResourcePath(),
            status: apigateway.AccessLogField.contextStatus(),
            responseLength: apigateway.AccessLogField.contextResponseLength(),
            responseLatency: apigateway.AccessLogField.contextResponseLatency(),
            integrationStatus: apigateway.AccessLogField.contextIntegrationStatus(),
            integrationError: apigateway.AccessLogField.contextIntegrationErrorMessage(),
            error: apigateway.AccessLogField.contextErrorMessage(),
            xrayTraceId: apigateway.AccessLogField.contextXrayTraceId(),
          }),
        ),
        // Stage-wide ceiling; routes with their own throttle get it below, so a storm on one
        // channel exhausts that channel's budget, not everyone's.
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
        methodOptions: Object.fromEntries(
          routes.flatMap(({ route: { path, method, throttle } }) =>
            throttle
              ? [
                  [
                    `${path}/${method}`,
                    { throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit },
                  ] as const,
                ]
              : [],
          ),
        ),
      },
    });

    // Bodies are validated by the functions (a webhook must see the raw bytes to check its HMAC), so
    // no method declares a request model and body validation never applies; parameters are checked here.
    const requestValidator = this.restApi.addRequestValidator('RequestValidator', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    for (const { route, definition, fn } of routes) {
      const verifiesSignatures = (definition.channelSecrets?.length ?? 0) > 0;
      const method = this.restApi.root
        .resourceForPath(route.path)
        .addMethod(route.method, new apigateway.LambdaIntegration(fn), {
          authorizationType: verifiesSignatures ? apigateway.AuthorizationType.NONE : apigateway.AuthorizationType.IAM,
          requestValidator,
          requestParameters: pathParameters(route),
        });
      if (verifiesSignatures) {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Channels cannot present AWS credentials or tokens; the function rejects any delivery whose HMAC signature does not match the channel secret before doing any work.',
        });
      }
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: verifiesSignatures
          ? 'Webhook senders are channels, not users: they authenticate by HMAC signature, which the function verifies.'
          : route.console
            ? "Console routes are called with SigV4: by the ops CLI with IAM credentials, and by signed-in console users with their group role's credentials from the console's identity pool; a user pool authorizer would shut out the CLI."
            : 'Order lookups, availability checks, stock adjustments and shipment confirmations come from back-office systems (ERP, WMS, 3PL) with IAM credentials (SigV4); there are no end users to hold Cognito identities.',
      });
    }

    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level logging role; this AWS-managed policy is the documented, minimal one for pushing execution logs.",
    });
    this.blockUnsignedWebhooks(this.routes);
  }

  /**
   * Lets the ops console's page, served from `origin`, call the console routes from a browser: API
   * Gateway answers their CORS preflight itself (a browser sends it without credentials), and its own
   * refusals (403 for a route the user's role lacks, 429, 5xx) carry the origin so the page can read
   * them. The functions' answers carry `*` (shared/api/http-answer.ts): the functions deploy before
   * this API and the console, so they cannot name the distribution, and with SigV4 nothing is sent
   * that a foreign page could use, since its preflight is refused here.
   */
  admitConsoleOrigin(origin: string): void {
    const methodsByPath = new Map<string, Set<string>>();
    for (const route of this.routes.filter((candidate) => candidate.console)) {
      methodsByPath.set(route.path, (methodsByPath.get(route.path) ?? new Set()).add(route.method));
    }
    for (const [path, methods] of methodsByPath) {
      // No authorization on OPTIONS (a browser sends the preflight without credentials): a mock integration, no function.
      this.restApi.root.resourceForPath(path).addCorsPreflight({
        allowOrigins: [origin],
        allowMethods: [...methods],
        allowHeaders: ['authorization', 'content-type', 'x-amz-date', 'x-amz-security-token'],
        maxAge: Duration.hours(1),
      });
    }
    for (const [id, type] of [
      ['Refusals', apigateway.ResponseType.DEFAULT_4XX],
      ['Failures', apigateway.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.restApi.addGatewayResponse(`Console${id}`, {
        type,
        responseHeaders: { 'Access-Control-Allow-Origin': `'${origin}'`, Vary: "'Origin'" },
      });
    }
  }

  /**
   * A web ACL in front of the stage that drops a webhook POST without its channel's signature header
   * before API Gateway counts it: otherwise anyone could spend the route throttle the channel shares
   * and get its real deliveries answered 429. A request with the header, forged or not, still reaches
   * the function, which checks the signature. Not the managed rule sets: their 8 KB body limit would
   * block legitimate order webhooks.
   */
  private blockUnsignedWebhooks(routes: readonly ApiRoute[]): void {
    const signed = Object.entries(WEBHOOK_SIGNATURE_HEADERS).filter(([channel]) =>
      routes.some((route) => route.method === 'POST' && route.path === `/webhooks/${channel}`),
    );
    const visibility = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: name,
      sampledRequestsEnabled: true,
    });
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('fabric-api'),
      rules: signed.map(([channel, header], priority) => ({
        name: `unsigned-${channel}-webhook`,
        priority,
        action: { block: {} },
        visibilityConfig: visibility(`unsigned-${channel}-webhook`),
        statement: {
          andStatement: {
            statements: [
              {
                byteMatchStatement: {
                  fieldToMatch: { method: {} },
                  positionalConstraint: 'EXACTLY',
                  searchString: 'POST',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
              // The stage name leads the path WAF sees (/prod/webhooks/shopify).
              {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'ENDS_WITH',
                  searchString: `/webhooks/${channel}`,
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
              {
                notStatement: {
                  statement: {
                    sizeConstraintStatement: {
                      fieldToMatch: { singleHeader: { Name: header } },
                      comparisonOperator: 'GT',
                      size: 0,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
            ],
          },
        },
      })),
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
  }
}

/** Marks each `{parameter}` of a route's path as required, for the request validator. */
function pathParameters(route: ApiRoute): Record<string, boolean> {
  return Object.fromEntries(
    [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [`method.request.path.${name}`, true]),
  );
}

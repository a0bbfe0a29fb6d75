import * as path from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
// cdk-nag's own rendering of a CloudFormation reference, so an acknowledgement names a finding exactly as the check does.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { Construct } from 'constructs';
import { consoleRoutesFor } from '#shared/config/console-access';
import { CONSOLE_GROUPS, type ApiRoute, type ConsoleGroup } from '#shared/config/topology';
import { buildConsoleSync } from '../../scripts/console/build-console';
import { constructId } from './construct-id';
import type { AwsConsoleConfig } from '../../console/src/config';

const CONSOLE_SOURCE = path.resolve(__dirname, '..', '..', 'console');
/** CDK makes one bucket deployment handler per stack, named from this prefix and a fixed id. */
const DEPLOYMENT_HANDLER_ID = 'Custom::CDKBucketDeployment';

/** A user in both groups signs in as an operator: the identity pool takes the role of the group with the lowest precedence. */
const PRECEDENCE: Record<ConsoleGroup, number> = { operator: 0, viewer: 1 };

export interface OpsConsoleProps {
  /** The region's name prefix: the user pool is `<prefix>-console`, the sign-in domain starts with it. */
  namePrefix: string;
  /** The region's API; the page calls it, and each group's role may invoke its console routes. */
  api: apigateway.RestApi;
  /** Every route the API serves; a group's role is granted those whose `console` field admits the group. */
  routes: readonly ApiRoute[];
}

/**
 * The ops console in a region: the built page in a private bucket behind CloudFront (origin access
 * control, HTTPS only, security headers), a Cognito user pool where an administrator creates every
 * user and puts them in the `viewer` or `operator` group, and an identity pool that swaps a signed-in
 * user's token for credentials of their group's role. Each role may invoke exactly the API routes the
 * topology opens to its group, so the API's IAM authorization is the only gate: the page shows or
 * hides buttons, it grants nothing.
 */
export class OpsConsole extends Construct {
  /** Where the page is served, `https://<distribution>.cloudfront.net`: the one browser origin the API admits. */
  readonly origin: string;
  /** Where an administrator adds each user, in the `viewer` or `operator` group (docs/console-aws.md). */
  readonly userPool: cognito.UserPool;
  private readonly bucket: s3.Bucket;
  private readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: OpsConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.userPool = this.createUserPool(props.namePrefix);
    const signIn = this.userPool.addDomain('SignIn', {
      // Sign-in domains are unique across all accounts of a region: the account number keeps ours ours.
      cognitoDomain: { domainPrefix: `${props.namePrefix}-console-${stack.account}` },
    });
    const signInDomain = signIn.baseUrl();

    this.bucket = new s3.Bucket(this, 'Page', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${props.namePrefix} ops console`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.securityHeaders(props.api, signInDomain),
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;

    const client = this.userPool.addClient('Page', {
      generateSecret: false,
      // SRP only: no flow sends the password itself, none runs a custom challenge.
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        // The page sends its own address (origin and path) as the redirect, and it is served at the root.
        callbackUrls: [`${this.origin}/`],
        logoutUrls: [`${this.origin}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
    });
    const identityPool = new cognito.CfnIdentityPool(this, 'Identities', {
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [
        {
          providerName: this.userPool.userPoolProviderName,
          clientId: client.userPoolClientId,
          // A token revoked by a sign-out or an administrator no longer buys credentials.
          serverSideTokenCheck: true,
        },
      ],
    });

    for (const group of CONSOLE_GROUPS) this.createGroup(group, identityPool, props.api, props.routes);
    new cognito.CfnIdentityPoolRoleAttachment(this, 'GroupRoles', {
      identityPoolId: identityPool.ref,
      roleMappings: {
        userPool: {
          identityProvider: `${this.userPool.userPoolProviderName}:${client.userPoolClientId}`,
          // The role comes from the token (cognito:preferred_role, the user's group); a user in no group gets none.
          type: 'Token',
          ambiguousRoleResolution: 'Deny',
        },
      },
    });

    this.deployPage({
      mode: 'aws',
      region: stack.region,
      apiUrl: props.api.url,
      userPoolId: this.userPool.userPoolId,
      userPoolClientId: client.userPoolClientId,
      identityPoolId: identityPool.ref,
      signInDomain,
    });
    this.acknowledgeHosting();
  }

  private createUserPool(namePrefix: string): cognito.UserPool {
    return new cognito.UserPool(this, 'Users', {
      userPoolName: `${namePrefix}-console`,
      // Ops staff are invited by an administrator (docs/console-aws.md); nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // An operator can retry and redrive money-moving work: a password alone is not enough. TOTP, not SMS.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Threat protection (compromised credentials, risky sign-ins blocked) comes with the Plus plan.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * A sign-in group and the role its members' calls are signed with: trusted only by this identity
   * pool, for authenticated identities, and allowed to invoke the group's console routes of the API.
   */
  private createGroup(
    group: ConsoleGroup,
    identityPool: cognito.CfnIdentityPool,
    api: apigateway.RestApi,
    routes: readonly ApiRoute[],
  ): void {
    const granted = consoleRoutesFor(group, routes);
    const resource = (route: ApiRoute) =>
      api.arnForExecuteApi(route.method, executeApiPath(route), api.deploymentStage.stageName);
    const beyond = routesAdmittedBeyond(granted, routes);
    const role = new iam.Role(this, `${constructId(group)}Role`, {
      description: `Ops console ${group}s: the API routes the console opens to a ${group}.`,
      assumedBy: new iam.FederatedPrincipal(
        'cognito-identity.amazonaws.com',
        {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPool.ref },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
      inlinePolicies: {
        ConsoleRoutes: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources: granted.map(resource) }),
            ...(beyond.length
              ? [
                  new iam.PolicyStatement({
                    effect: iam.Effect.DENY,
                    actions: ['execute-api:Invoke'],
                    resources: beyond.map(resource),
                  }),
                ]
              : []),
          ],
        }),
      },
    });
    new cognito.UserPoolGroup(this, `${constructId(group)}Group`, {
      userPool: this.userPool,
      groupName: group,
      description:
        group === 'operator'
          ? 'Reads every console page and fixes: retries, redrives, maps SKUs, dismisses.'
          : 'Reads every console page; no action.',
      precedence: PRECEDENCE[group],
      role,
    });
    for (const route of granted.filter((candidate) => candidate.path.includes('{'))) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(resource(route)))}]`,
        reason: `The ${route.method} ${route.path} route: the * stands for its path parameters.`,
      });
    }
  }

  /**
   * Only what the page needs: scripts, styles and its config from its own origin, calls to the API,
   * the identity pool and the sign-in domain, and no framing (clickjacking an operator's retry button).
   */
  private securityHeaders(api: apigateway.RestApi, signInDomain: string): cloudfront.ResponseHeadersPolicy {
    const { region, urlSuffix } = Stack.of(this);
    // The API's origin, not its URL: the URL names the stage, whose deployment holds the CORS preflights that name this distribution.
    const apiOrigin = `https://${api.restApiId}.execute-api.${region}.${urlSuffix}`;
    const connect = ["'self'", apiOrigin, `https://cognito-identity.${region}.amazonaws.com`, signInDomain];
    return new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Ops console: same-origin page, calls only to the fabric API and Cognito.',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            // Pico CSS draws its checkboxes and select arrows as inline SVG data URIs.
            "img-src 'self' data:",
            "font-src 'self'",
            `connect-src ${connect.join(' ')}`,
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        // The sign-in code arrives in the page's query string: no referrer carries it anywhere.
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });
  }

  /**
   * Uploads the built page and its config.json. Every file is served `no-cache`: the page's file names
   * carry no content hash, so browsers and CloudFront revalidate instead of mixing two deployments.
   */
  private deployPage(config: AwsConsoleConfig): void {
    const logGroup = new logs.LogGroup(this, 'PageDeploymentLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role: CDK's default brings AWSLambdaBasicExecutionRole, whose logs:CreateLogGroup on * is not needed.
    const role = new iam.Role(this, 'PageDeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: "Copies the ops console's built page into its bucket during a deployment.",
    });
    logGroup.grantWrite(role);
    const deployment = new s3deploy.BucketDeployment(this, 'PageDeployment', {
      sources: [builtPage(), s3deploy.Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      cacheControl: [s3deploy.CacheControl.noCache()],
      role,
      logGroup,
    });
    this.acknowledgeDeployment(deployment, role);
  }

  /** CDK's bucket deployment is its own code: its runtime and the grants it makes on the two buckets it copies between. */
  private acknowledgeDeployment(deployment: s3deploy.BucketDeployment, role: iam.Role): void {
    const stack = Stack.of(this);
    for (const handler of stack.node.children.filter((child) => child.node.id.startsWith(DEPLOYMENT_HANDLER_ID))) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "CDK's bucket deployment handler runs on the Python runtime CDK pins and tests it with; it runs only during deployments.",
      });
    }
    const source = deployment.node.findAll().find((child) => child instanceof s3assets.Asset) as s3assets.Asset;
    const underBucket = (bucket: s3.IBucket) => `Resource::${flattenCfnReference(stack.resolve(bucket.bucketArn))}/*`;
    const findings = [
      ...['GetObject*', 'GetBucket*', 'List*', 'DeleteObject*', 'Abort*'].map((action) => `Action::s3:${action}`),
      underBucket(source.bucket),
      underBucket(this.bucket),
    ];
    for (const finding of findings) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "CDK's bucket deployment reads the built page from the CDK assets bucket and replaces whatever the console's page bucket holds, and only in those two buckets.",
      });
    }
  }

  private acknowledgeHosting(): void {
    const staticOnly =
      'The bucket and distribution serve only the built page, the same for everyone and holding no data; every read and action goes to the API, whose access log names the signed-in user.';
    Validations.of(this.bucket).acknowledge({ id: 'AwsSolutions-S1', reason: staticOnly });
    Validations.of(this.distribution).acknowledge({ id: 'AwsSolutions-CFR3', reason: staticOnly });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Ops staff sign in from wherever they work; access is decided by Cognito sign-in and IAM, not geography.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        "A CloudFront web ACL must be created in us-east-1, apart from this regional stack; the distribution serves static files only, and the API the page calls sits behind the API's own web ACL and IAM.",
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The console is served at its cloudfront.net name, whose default certificate CloudFront serves under its own TLS policy; a custom domain with TLSv1.2_2021 needs a certificate in us-east-1 (docs/console-aws.md).',
    });
  }
}

/**
 * The console built by the project's esbuild when CDK stages the asset (`cdk synth`, a deployment),
 * never from a stale console/dist. Stacks synthesized without bundling (most infra tests) skip it.
 */
function builtPage(): s3deploy.ISource {
  return s3deploy.Source.asset(CONSOLE_SOURCE, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: the local build either writes the page or throws.
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle(outputDir: string) {
          buildConsoleSync(outputDir);
          return true;
        },
      },
    },
  });
}

/** A route as an execute-api resource path: each `{parameter}` becomes `*`. */
export function executeApiPath(route: Pick<ApiRoute, 'path'>): string {
  return route.path.replace(/\{\w+\}/g, '*');
}

/**
 * The routes outside `granted` that a granted route's resource would still admit: IAM's `*` also
 * matches slashes, so `GET /orders/*` covers a `GET /orders/{orderId}/trace` the group was not given.
 * Their resources are denied explicitly, which keeps each role to exactly its routes.
 */
export function routesAdmittedBeyond<R extends Pick<ApiRoute, 'method' | 'path'>>(
  granted: readonly R[],
  routes: readonly R[],
): R[] {
  const matchers = granted.map((route) => ({
    method: route.method,
    pattern: new RegExp(`^${executeApiPath(route).split('*').map(escapeRegExp).join('.*')}$`),
  }));
  return routes.filter(
    (route) =>
      !granted.some((given) => given.method === route.method && given.path === route.path) &&
      matchers.some(
        ({ method, pattern }) => method === route.method && pattern.test(route.path.replace(/\{\w+\}/g, 'x')),
      ),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

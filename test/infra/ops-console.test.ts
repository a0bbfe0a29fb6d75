import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { executeApiPath, routesAdmittedBeyond } from '../../infra/constructs/ops-console';
import type { RegionalFabric } from '../../infra/fabric-app';
import { jsonAnswer } from '#shared/api/http-answer';
import { consoleRoutesFor } from '#shared/config/console-access';
import { functions, type ApiRoute, type ConsoleGroup, type FunctionDefinition } from '#shared/config/topology';
import { buildFabric } from './fabric-synth';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

const routes = Object.values(functions as Record<string, FunctionDefinition>).flatMap(
  (definition) => definition.routes ?? [],
);
const consoleRoutes = routes.filter((route) => route.console);

let fabric: RegionalFabric;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  [fabric] = buildFabric({ regions: 'eu-west-1' });
  template = Template.fromStack(fabric.api);
  resources = template.toJSON().Resources;
});

function only(type: string): [string, Resource] {
  const found = Object.entries(resources).filter(([, resource]) => resource.Type === type);
  expect(found).toHaveLength(1);
  return found[0];
}

function logicalIdOf(type: string): string {
  return only(type)[0];
}

/** What a role's inline policy allows (or denies) on the API's stage, as `METHOD/path`: `GET/orders/*`. */
function routesOf(role: Resource, effect: 'Allow' | 'Deny'): string[] {
  return role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement)
    .filter((statement: any) => statement.Effect === effect)
    .flatMap((statement: any) => {
      expect(statement.Action).toBe('execute-api:Invoke');
      return [statement.Resource].flat();
    })
    .map((arn: any) => {
      const parts = arn['Fn::Join'][1] as unknown[];
      // ...:<api id>/<stage>/GET/orders/*
      expect(parts.slice(-4, -1)).toEqual([
        { Ref: logicalIdOf('AWS::ApiGateway::RestApi') },
        '/',
        { Ref: logicalIdOf('AWS::ApiGateway::Stage') },
      ]);
      return (parts.at(-1) as string).slice(1);
    })
    .sort();
}

function roleOfGroup(group: ConsoleGroup): Resource {
  const [, userPoolGroup] = Object.entries(resources).find(
    ([, resource]) => resource.Type === 'AWS::Cognito::UserPoolGroup' && resource.Properties.GroupName === group,
  )!;
  return resources[userPoolGroup.Properties.RoleArn['Fn::GetAtt'][0]];
}

function expectedRoutes(group: ConsoleGroup): string[] {
  return consoleRoutesFor(group, routes)
    .map((route) => `${route.method}${executeApiPath(route)}`)
    .sort();
}

describe('hosting', () => {
  test('keeps the page in a private bucket: all public access blocked, TLS only, no website hosting', () => {
    const [, bucket] = only('AWS::S3::Bucket');

    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
  });

  test("lets only the console's distribution read the bucket, through its AWS:SourceArn", () => {
    const [, policy] = only('AWS::S3::BucketPolicy');
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const allowed = statements.filter((statement) => statement.Effect === 'Allow');

    expect(allowed).toHaveLength(1);
    expect(allowed[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(JSON.stringify(allowed[0].Condition.StringEquals['AWS:SourceArn'])).toContain(
      JSON.stringify({ Ref: logicalIdOf('AWS::CloudFront::Distribution') }),
    );
    expect(statements.filter((statement) => statement.Effect === 'Deny')).toEqual([
      expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  test('serves the page over HTTPS only, from the bucket through origin access control, at the root', () => {
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;

    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toEqual({
      'Fn::GetAtt': [logicalIdOf('AWS::CloudFront::OriginAccessControl'), 'Id'],
    });
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: logicalIdOf('AWS::CloudFront::ResponseHeadersPolicy'),
    });
  });

  test('sends security headers: a content security policy limited to the API and Cognito, no framing, HSTS', () => {
    const [, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);

    expect(csp).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'/);
    expect(csp).toContain(JSON.stringify({ Ref: logicalIdOf('AWS::ApiGateway::RestApi') }));
    expect(csp).toContain('https://cognito-identity.eu-west-1.amazonaws.com');
    expect(csp).toContain(
      `.auth.eu-west-1.amazoncognito.com; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(headers).toMatchObject({
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true },
    });
  });

  test("deploys the page's config.json: the region, the API, the pools and the sign-in domain, and no credential", () => {
    const [, deployment] = only('Custom::CDKBucketDeployment');
    const index = deployment.Properties.SourceMarkersConfig.findIndex((config: object) => 'jsonEscape' in config);
    const key = deployment.Properties.SourceObjectKeys[index] as string;
    const assetDir = path.join(Stage.of(fabric.api)!.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    const config = JSON.parse(readFileSync(path.join(assetDir, 'config.json'), 'utf8'));
    const markers = deployment.Properties.SourceMarkers[index] as Record<string, unknown>;
    const resolved = (value: string) =>
      value.replace(/<<marker:0xbaba:\d+>>/g, (marker) => JSON.stringify(markers[marker]));

    expect(Object.keys(config).sort()).toEqual(
      ['apiUrl', 'identityPoolId', 'mode', 'region', 'signInDomain', 'userPoolClientId', 'userPoolId'].sort(),
    );
    expect(config).toMatchObject({ mode: 'aws', region: 'eu-west-1' });
    expect(resolved(config.apiUrl)).toContain(JSON.stringify({ Ref: logicalIdOf('AWS::ApiGateway::RestApi') }));
    expect(resolved(config.userPoolId)).toBe(JSON.stringify({ Ref: logicalIdOf('AWS::Cognito::UserPool') }));
    expect(resolved(config.userPoolClientId)).toBe(
      JSON.stringify({ Ref: logicalIdOf('AWS::Cognito::UserPoolClient') }),
    );
    expect(resolved(config.identityPoolId)).toBe(JSON.stringify({ Ref: logicalIdOf('AWS::Cognito::IdentityPool') }));
    expect(resolved(config.signInDomain)).toMatch(/^https:\/\/.*\.auth\.eu-west-1\.amazoncognito\.com$/);
  });
});

describe('sign-in', () => {
  test('lets only an administrator create users, with a strong password and an authenticator app', () => {
    const [, userPool] = only('AWS::Cognito::UserPool');

    expect(userPool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(userPool.Properties).toMatchObject({
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    expect(userPool.DeletionPolicy).toBe('Retain');
  });

  test('signs the page in with the authorization code and PKCE, no secret, back to the distribution', () => {
    const [, client] = only('AWS::Cognito::UserPoolClient');
    const home = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalIdOf('AWS::CloudFront::Distribution'), 'DomainName'] }, '/'],
      ],
    };

    expect(client.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      CallbackURLs: [home],
      LogoutURLs: [home],
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(client.Properties.GenerateSecret).toBeFalsy();
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  test('has a viewer and an operator group, the operator taking precedence for a user in both', () => {
    const groups = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::Cognito::UserPoolGroup')
      .map((group) => [group.Properties.GroupName, group.Properties.Precedence]);

    expect(groups.sort()).toEqual([
      ['operator', 0],
      ['viewer', 1],
    ]);
  });

  test("gives signed-in users their group's role from the token, no role to a user in no group, none to guests", () => {
    const [identityPoolId, identityPool] = only('AWS::Cognito::IdentityPool');
    const [, attachment] = only('AWS::Cognito::IdentityPoolRoleAttachment');

    expect(identityPool.Properties.AllowUnauthenticatedIdentities).toBe(false);
    expect(identityPool.Properties.CognitoIdentityProviders).toEqual([
      expect.objectContaining({ ServerSideTokenCheck: true }),
    ]);
    expect(attachment.Properties.IdentityPoolId).toEqual({ Ref: identityPoolId });
    expect(attachment.Properties.Roles).toBeUndefined();
    expect(Object.values(attachment.Properties.RoleMappings)).toEqual([
      expect.objectContaining({ Type: 'Token', AmbiguousRoleResolution: 'Deny' }),
    ]);
  });

  test.each(['viewer', 'operator'] as const)(
    "lets only this identity pool's authenticated identities assume the %s role",
    (group) => {
      const role = roleOfGroup(group);

      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: logicalIdOf('AWS::Cognito::IdentityPool') } },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
        },
      ]);
    },
  );
});

describe('group roles', () => {
  test('lets a viewer invoke exactly the console routes open to viewers, every one a GET', () => {
    const viewer = roleOfGroup('viewer');

    expect(routesOf(viewer, 'Allow')).toEqual(expectedRoutes('viewer'));
    expect(routesOf(viewer, 'Allow').length).toBeGreaterThan(0);
    expect(routesOf(viewer, 'Allow').filter((route) => !route.startsWith('GET/'))).toEqual([]);
    expect(routesOf(viewer, 'Deny')).toEqual([]);
  });

  test("lets an operator invoke the viewer's routes and the console's actions, and nothing else", () => {
    const operator = routesOf(roleOfGroup('operator'), 'Allow');

    expect(operator).toEqual(expectedRoutes('operator'));
    expect(operator).toEqual(expect.arrayContaining(expectedRoutes('viewer')));
    expect(operator.filter((route) => route.startsWith('POST/')).length).toBeGreaterThan(0);
  });

  test("grants no route that is not the console's: no webhook, no back-office write", () => {
    const granted = new Set([...routesOf(roleOfGroup('operator'), 'Allow')]);
    const notConsole = routes.filter((route) => !route.console);

    expect(notConsole.length).toBeGreaterThan(0);
    for (const route of notConsole) expect(granted).not.toContain(`${route.method}${executeApiPath(route)}`);
  });

  test("denies a route that a granted route's wildcard would also cover, since IAM's * matches slashes", () => {
    const order = { method: 'GET', path: '/orders/{orderId}' } as const;
    const payload = { method: 'GET', path: '/orders/{orderId}/payload' } as const;
    const refund = { method: 'POST', path: '/orders/{orderId}/refund' } as const;
    const list = { method: 'GET', path: '/orders' } as const;

    expect(routesAdmittedBeyond<Pick<ApiRoute, 'method' | 'path'>>([order], [order, payload, refund, list])).toEqual([
      payload,
    ]);
    expect(routesAdmittedBeyond<Pick<ApiRoute, 'method' | 'path'>>([list], [order, list])).toEqual([]);
  });
});

describe('API for the console', () => {
  function methods(): { path: string; method: Resource }[] {
    const pathOf = (resourceId: { Ref?: string }): string => {
      if (!resourceId.Ref) return '';
      const resource = resources[resourceId.Ref].Properties;
      return `${pathOf(resource.ParentId)}/${resource.PathPart}`;
    };
    return Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::ApiGateway::Method')
      .map((method) => ({ path: pathOf(method.Properties.ResourceId), method }));
  }

  test("answers the preflight of each console route itself, admitting the distribution's origin alone", () => {
    const origin = {
      'Fn::Join': [
        '',
        ["'https://", { 'Fn::GetAtt': [logicalIdOf('AWS::CloudFront::Distribution'), 'DomainName'] }, "'"],
      ],
    };
    const preflights = methods().filter(({ method }) => method.Properties.HttpMethod === 'OPTIONS');

    expect(preflights.map(({ path }) => path).sort()).toEqual(
      [...new Set(consoleRoutes.map((route) => route.path))].sort(),
    );
    for (const { path, method } of preflights) {
      const headers = method.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      expect(method.Properties.AuthorizationType).toBe('NONE');
      expect(method.Properties.Integration.Type).toBe('MOCK');
      expect(headers['method.response.header.Access-Control-Allow-Origin']).toEqual(origin);
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toBe(
        "'authorization,content-type,x-amz-date,x-amz-security-token'",
      );
      const allowed = (headers['method.response.header.Access-Control-Allow-Methods'] as string).replace(/'/g, '');
      expect(allowed.split(',').sort()).toEqual(
        consoleRoutes
          .filter((route) => route.path === path)
          .map((route) => route.method)
          .sort(),
      );
    }
  });

  test("names the console's origin on API Gateway's own refusals and failures, so the page can read them", () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': {
            'Fn::Join': Match.arrayWith([
              Match.arrayWith([{ 'Fn::GetAtt': [logicalIdOf('AWS::CloudFront::Distribution'), 'DomainName'] }]),
            ]),
          },
        },
      });
    }
  });

  test("lets the page read the functions' JSON answers", () => {
    expect(jsonAnswer(200, {}).headers).toMatchObject({ 'access-control-allow-origin': '*' });
  });

  test('keeps IAM authorization on every console route', () => {
    for (const route of consoleRoutes) {
      const served = methods().find(
        ({ path, method }) => path === route.path && method.Properties.HttpMethod === route.method,
      );
      expect(served?.method.Properties.AuthorizationType).toBe('AWS_IAM');
    }
  });

  test("names the signed-in console user behind each call in the API's access log", () => {
    const [, stage] = only('AWS::ApiGateway::Stage');

    expect(JSON.parse(stage.Properties.AccessLogSetting.Format)).toMatchObject({
      caller: '$context.identity.caller',
      cognitoUser: '$context.identity.cognitoAuthenticationProvider',
    });
  });
});

import { WEBHOOK_SIGNATURE_HEADERS } from '#shared/channels/webhook-signature-headers';
import { buildFabric, regionTemplate } from './fabric-synth';

const REGION = 'us-east-1';

type Resource = { Type: string; Properties: Record<string, any> };

function regionResources(context: Record<string, unknown> = {}): Resource[] {
  const [fabric] = buildFabric({ regions: REGION, ...context });
  return Object.values(regionTemplate(fabric).toJSON().Resources as Record<string, Resource>);
}

/** Each blocking rule as the channel path it guards and the header whose absence it blocks. */
function unsignedRules(resources: Resource[]): { path: string; header: string }[] {
  const acl = resources.find((resource) => resource.Type === 'AWS::WAFv2::WebACL')!;
  return (acl.Properties.Rules as Record<string, any>[]).map((rule) => {
    const [method, path, absent] = rule.Statement.AndStatement.Statements;
    expect(rule.Action).toEqual({ Block: {} });
    expect(method.ByteMatchStatement).toMatchObject({ FieldToMatch: { Method: {} }, SearchString: 'POST' });
    return {
      path: path.ByteMatchStatement.SearchString,
      header: absent.NotStatement.Statement.SizeConstraintStatement.FieldToMatch.SingleHeader.Name,
    };
  });
}

describe('webhook edge', () => {
  test("drops a webhook POST without its channel's signature header before the route throttle counts it", () => {
    const resources = regionResources();

    expect(unsignedRules(resources)).toEqual(
      Object.entries(WEBHOOK_SIGNATURE_HEADERS).map(([channel, header]) => ({ path: `/webhooks/${channel}`, header })),
    );
    const association = resources.find((resource) => resource.Type === 'AWS::WAFv2::WebACLAssociation')!;
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain('Stage');
  });

  test("lets WooCommerce's unsigned creation ping through, and guards only the channels a region deploys", () => {
    const resources = regionResources({ regionSettings: { [REGION]: { channels: ['shopify', 'woocommerce'] } } });

    expect(unsignedRules(resources)).toEqual([{ path: '/webhooks/shopify', header: 'x-shopify-hmac-sha256' }]);
  });
});

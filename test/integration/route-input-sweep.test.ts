import type { LocalFabric } from '../../scripts/local-fabric/local-fabric';
import { functions, type ApiRoute } from '#shared/config/topology';
import { startTestFabric } from './support/test-fabric';

/*
 * No input makes a route answer 500. Every route in the topology gets each hostile id: in its path
 * parameters where it has them (already percent-encoded as a client sends it), otherwise in the query
 * and as a JSON body's id. Whatever a handler makes of it, the answer is a 4xx (or a 2xx for a route
 * that ignores it), never a 5xx.
 */

let fabric: LocalFabric;

beforeAll(async () => {
  fabric = await startTestFabric('route-sweep');
});

afterAll(async () => {
  await fabric?.stop();
});

/** Each input as it appears on the wire, in a path segment or a query value. */
const hostileIds: readonly { name: string; encoded: string; decoded: string }[] = [
  { name: 'a 3,000-character id', encoded: 'x'.repeat(3000), decoded: 'x'.repeat(3000) },
  { name: 'a malformed percent-escape', encoded: 'ord-%E0%A4%A', decoded: 'ord-%E0%A4%A' },
  { name: 'a bare percent sign', encoded: '100%', decoded: '100%' },
  { name: 'an escaped slash and NUL', encoded: 'a%2Fb%00c', decoded: 'a/b\u0000c' },
  { name: 'unicode', encoded: encodeURIComponent('注文-🛒-ÿ'), decoded: '注文-🛒-ÿ' },
  { name: 'a 3,000-character unicode id', encoded: encodeURIComponent('🛒'.repeat(3000)), decoded: '🛒'.repeat(3000) },
];

const routes: readonly ApiRoute[] = Object.values(functions).flatMap((definition) =>
  'routes' in definition ? [...(definition.routes ?? [])] : [],
);

/** Path parameters get the id; `channel` keeps a real channel once, so the id reaches the lookup behind it. */
function requestPaths(route: ApiRoute, encoded: string): string[] {
  if (!route.path.includes('{')) return [`${route.path}?id=${encoded}`];
  const everywhere = route.path.replace(/\{[^}]+\}/g, encoded);
  const realChannel = route.path.replace('{channel}', 'shopify').replace(/\{[^}]+\}/g, encoded);
  return [...new Set([everywhere, realChannel])];
}

const cases = routes.flatMap((route) =>
  hostileIds.flatMap((input) =>
    requestPaths(route, input.encoded).map((path) => ({
      label: `${route.method} ${route.path} with ${input.name}${path.includes('/shopify/') ? ' (channel shopify)' : ''}`,
      route,
      path,
      input,
    })),
  ),
);

describe('no route answers 5xx to a hostile id', () => {
  test('the sweep covers every route of the topology', () => {
    expect(routes.length).toBeGreaterThanOrEqual(14);
  });

  test.each(cases)('$label', async ({ route, path, input }) => {
    const response = await fetch(`${fabric.apiUrl}${path}`, {
      method: route.method,
      ...(route.method === 'POST'
        ? {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id: input.decoded, sku: input.decoded }),
          }
        : {}),
    });
    const body = await response.text();

    // On failure, the status and the body say which handler let what through.
    expect(response.status < 500 ? 'below 500' : `${response.status} ${body.slice(0, 300)}`).toBe('below 500');
  });
});

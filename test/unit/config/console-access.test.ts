import { consoleGroupMayCall, consoleRoutesFor } from '#shared/config/console-access';
import { functions, type ApiRoute } from '#shared/config/topology';

const routes: ApiRoute[] = Object.values(functions).flatMap((definition) =>
  'routes' in definition ? [...(definition.routes ?? [])] : [],
);

describe('who may call what from the console', () => {
  it('lets a viewer read and an operator also act, and neither call a route that is not the console’s', () => {
    expect(consoleGroupMayCall('viewer', { console: 'viewer' })).toBe(true);
    expect(consoleGroupMayCall('viewer', { console: 'operator' })).toBe(false);
    expect(consoleGroupMayCall('operator', { console: 'operator' })).toBe(true);
    expect(consoleGroupMayCall('operator', {})).toBe(false);
  });

  it('grants a viewer no route that changes anything, and never a webhook', () => {
    const viewer = consoleRoutesFor('viewer', routes);
    expect(viewer.length).toBeGreaterThan(0);
    expect(viewer.filter((route) => route.method !== 'GET')).toEqual([]);
    const operator = consoleRoutesFor('operator', routes);
    expect(operator.filter((route) => route.path.startsWith('/webhooks'))).toEqual([]);
    expect(operator).toEqual(expect.arrayContaining(viewer));
    expect(operator.some((route) => route.method === 'POST')).toBe(true);
  });
});

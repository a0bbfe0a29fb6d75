import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { routingRules, type RoutingRule } from '#events/routing-rules';
import { functions, type DeployedFunctions } from '#shared/config/topology';

const ROOT = path.join(__dirname, '..', '..', '..');
const TOPOLOGY_DIR = path.join(ROOT, 'shared', 'config', 'topology');
const RULES_DIR = path.join(ROOT, 'events', 'routing-rules');

/** Each capability's file in a folder, by capability, with the one value it exports. */
function capabilityFiles<T>(dir: string, shared: readonly string[]): [string, T][] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && !shared.includes(file))
    .map((file) => {
      const exported = Object.values(require(path.join(dir, file)) as Record<string, T>);
      if (exported.length !== 1)
        throw new Error(`${file} exports ${exported.length} values; a capability's file exports its part alone`);
      return [file.replace(/\.ts$/, ''), exported[0]];
    });
}

const topologyFiles = capabilityFiles<DeployedFunctions>(TOPOLOGY_DIR, ['index.ts', 'resources.ts']);
const ruleFiles = capabilityFiles<readonly RoutingRule[]>(RULES_DIR, ['index.ts', 'rule.ts']);

describe("the topology's capability files", () => {
  test.each(topologyFiles.map(([capability]) => capability))(
    '%s is named for a capability of the domain',
    (capability) => {
      expect(existsSync(path.join(ROOT, 'shared', 'domain', capability))).toBe(true);
    },
  );

  test.each(topologyFiles)("%s's functions all deploy in one stack", (_, deployed) => {
    const stacks = new Set(Object.values(deployed).map((definition) => definition.capability));

    expect(stacks.size).toBe(1);
  });

  test('no function is declared by two capabilities', () => {
    const names = topologyFiles.flatMap(([, deployed]) => Object.keys(deployed));

    expect(new Set(names).size).toBe(names.length);
  });

  test("the topology's functions are exactly those of the capability files", () => {
    const declared = Object.fromEntries(topologyFiles.flatMap(([, deployed]) => Object.entries(deployed)));

    expect(functions).toEqual(declared);
  });
});

describe("the routing rules' capability files", () => {
  test.each(ruleFiles.map(([capability]) => capability))('%s is named for a capability of the domain', (capability) => {
    expect(existsSync(path.join(ROOT, 'shared', 'domain', capability))).toBe(true);
  });

  test.each(ruleFiles)("%s's rules feed functions of the same capability's topology file", (capability, rules) => {
    const own = Object.keys(topologyFiles.find(([name]) => name === capability)?.[1] ?? {});

    expect(rules.map((rule) => rule.consumer).filter((consumer) => !own.includes(consumer))).toEqual([]);
  });

  test('no two rules share a name, so none shares a queue', () => {
    const names = ruleFiles.flatMap(([, rules]) => rules.map((rule) => rule.name));

    expect(new Set(names).size).toBe(names.length);
  });

  test('the routing rules are exactly those of the capability files', () => {
    const declared = ruleFiles.flatMap(([, rules]) => rules);

    expect(routingRules).toHaveLength(declared.length);
    expect(new Set(routingRules)).toEqual(new Set(declared));
  });
});

import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { updateSourcingRules, type SourcingRule, type SourcingRuleSet } from '#domain/fulfilment';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import { DynamoSourcingRuleStore } from '#shared/adapters/sourcing-rule-store';
import type { OpsResources } from './aws-fabric';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

const storeOf = (resources: OpsResources) => new DynamoSourcingRuleStore(resources.tables.inventory);

/** `sourcing show [--json]`: the rules in force, one line per rule in the order they are tried (or the JSON `set` takes). */
export async function showRules(resources: OpsResources, argv: string[]): Promise<void> {
  const { flags } = parseCommand(opsCommands.sourcingShow, argv);
  const current = await storeOf(resources).loadSourcingRules();
  if (!current) {
    console.log('no sourcing rules stored: each channel reserves by its ranking in the inventory policy');
    return;
  }
  if (flags.json) {
    const { version: _version, updatedAt: _at, updatedBy: _by, ...rules } = current;
    console.log(JSON.stringify(rules, null, 2));
    return;
  }
  console.log(headline(current));
  for (const [i, rule] of current.rules.entries()) console.log(`  ${String(i + 1).padStart(2)}. ${describeRule(rule)}`);
  for (const [name, zone] of Object.entries(current.zones))
    console.log(
      `  zone ${name}: ${zone.countries.join(', ')}${zone.postalPrefixes ? ` postal ${zone.postalPrefixes.join(', ')}` : ''}${zone.centre ? ` centre ${zone.centre.lat},${zone.centre.lon}` : ''}`,
    );
  for (const [name, category] of Object.entries(current.categories))
    console.log(`  category ${name}: ${category.skus.join(', ')}`);
}

/**
 * `sourcing set <file.json> [--expected-version n]`: validates the file against the inventory policy's
 * locations and stores it as the next version, which the next reservation reads. Throws listing every
 * failing path, or when the rules moved past `--expected-version`.
 */
export async function setRules(resources: OpsResources, argv: string[]): Promise<void> {
  const {
    args: [file],
    flags,
  } = parseCommand(opsCommands.sourcingSet, argv);
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  const outcome = await updateSourcingRules(
    input,
    { updatedBy: `ops:${userInfo().username}`, expectedVersion: flags['expected-version'] },
    { rules: storeOf(resources), locations: loadInventoryPolicy().locations },
  );
  if (outcome.outcome === 'invalid')
    throw new Error(
      `${file}: the sourcing rules are not valid\n${outcome.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`,
    );
  if (outcome.outcome === 'conflict') throw new Error(outcome.message);
  console.log(`sourcing rules version ${outcome.ruleSet.version} stored; the next order is sourced by it`);
}

/** `sourcing history`: every version, newest first, with who stored it and its rules. */
export async function history(resources: OpsResources): Promise<void> {
  const versions = await storeOf(resources).listSourcingRuleVersions();
  if (versions.length === 0) console.log('no sourcing rules stored');
  for (const version of versions)
    console.log(`${headline(version)}: ${version.rules.map((rule) => rule.id).join(', ') || 'no rules'}`);
}

function headline(ruleSet: SourcingRuleSet): string {
  return `version ${ruleSet.version}  ${ruleSet.updatedAt}  by ${ruleSet.updatedBy}  ${ruleSet.rules.length} rule(s)`;
}

function describeRule(rule: SourcingRule): string {
  const when = Object.entries(rule.when)
    .map(([criterion, values]) => `${criterion} ${(values as string[]).join('|')}`)
    .join(', ');
  const split =
    rule.split.mode === 'ship_complete'
      ? 'ship complete'
      : `split${rule.split.maxParts ? ` (at most ${rule.split.maxParts})` : ''}`;
  const safety = rule.storeSafetyStock ? `, ${rule.storeSafetyStock} held back per store` : '';
  return `${rule.id}  when ${when || 'any order'} -> ${rule.locations.join(', ')}  by ${rule.rankBy.join(', ')}, ${split}${safety}`;
}

import * as z from '#domain/kernel/schema';
import { ConfigError, PermanentError } from './errors';

/**
 * Which system is the source of truth for each kind of master data. The fabric distributes what an
 * owner says and refuses (and records) a change from anyone else, so a marketplace edit or a stray
 * spreadsheet cannot quietly overwrite the ERP's price. Defaults below; a deployment replaces any of
 * them with the JSON in FABRIC_DATA_OWNERSHIP (e.g. `{"itemMaster":"pim"}`).
 */
export const DataDomain = z.enum(['itemMaster', 'basePrice', 'webContent', 'promotions']);
export type DataDomain = z.infer<typeof DataDomain>;

/** A system that sends master data: the ERP, a PIM, the commerce platform, the merchandising tool. */
export const SourceSystem = z
  .string()
  .check(
    z.regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a lower-case system name such as erp, pim, shopify or merchandising'),
  );
export type SourceSystem = z.infer<typeof SourceSystem>;

export const DataOwnershipOverride = z.partialRecord(DataDomain, SourceSystem);
export type DataOwnership = Record<DataDomain, SourceSystem>;

export const DEFAULT_DATA_OWNERSHIP: DataOwnership = {
  itemMaster: 'erp',
  basePrice: 'erp',
  webContent: 'shopify',
  promotions: 'merchandising',
};

/** Read once at cold start; throws ConfigError naming the bad domain or value. */
export function loadDataOwnership(env: NodeJS.ProcessEnv = process.env): DataOwnership {
  if (!env.FABRIC_DATA_OWNERSHIP) return DEFAULT_DATA_OWNERSHIP;
  let override: unknown;
  try {
    override = JSON.parse(env.FABRIC_DATA_OWNERSHIP);
  } catch {
    throw new ConfigError('invalid configuration: FABRIC_DATA_OWNERSHIP is not valid JSON');
  }
  const result = DataOwnershipOverride.safeParse(override);
  if (!result.success) {
    throw new ConfigError(
      `invalid configuration: FABRIC_DATA_OWNERSHIP ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return { ...DEFAULT_DATA_OWNERSHIP, ...result.data };
}

/** A change sent by a system that does not own the domain it touches. */
export class NotDataOwnerError extends PermanentError {
  override name = 'NotDataOwnerError';
  constructor(
    readonly domain: DataDomain,
    readonly owner: SourceSystem,
    readonly sourceSystem: string,
  ) {
    super(`${domain} is owned by ${owner}; a change from ${sourceSystem} is refused`);
  }
}

/** Throws NotDataOwnerError unless `sourceSystem` owns `domain`. */
export function assertDataOwner(ownership: DataOwnership, domain: DataDomain, sourceSystem: string): void {
  if (ownership[domain] !== sourceSystem) throw new NotDataOwnerError(domain, ownership[domain], sourceSystem);
}

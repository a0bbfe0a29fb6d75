import { createEvent } from '#domain/kernel/event';
import { ProductChanged } from '#domain/pricing';
import type { DataOwnership } from '#domain/kernel/data-ownership';
import type { EventPublisher } from '#domain/kernel/ports';
import type { Product } from '#domain/kernel/product';
import { refuseUnlessOwner } from '#domain/pricing';

export interface ProductCatalog {
  /** Writes products into the cross-reference (item, GTIN, channel SKU and variant mappings); safe to repeat. */
  recordProducts(products: readonly Product[]): Promise<void>;
}

export interface ProductChangePorts {
  catalog: ProductCatalog;
  publisher: EventPublisher;
  ownership: DataOwnership;
}

/**
 * Applies item master changes from `sourceSystem`: refused whole (and ChangeRefused published) unless
 * it owns the item master; otherwise the products are written first and ProductChanged published for
 * each after, so a consumer never hears of a product the cross-reference does not have yet.
 */
export async function recordProductChanges(
  products: readonly Product[],
  sourceSystem: string,
  via: 'api' | `import:${string}`,
  ports: ProductChangePorts,
  now: Date,
): Promise<{ outcome: 'recorded'; count: number } | { outcome: 'refused'; message: string }> {
  const subject =
    via === 'api'
      ? `product#${products
          .map((product) => product.sku)
          .join(',')
          .slice(0, 200)}`
      : `import#${via.slice('import:'.length)}`;
  const refused = await refuseUnlessOwner(
    ports,
    'itemMaster',
    sourceSystem,
    subject,
    now,
    via === 'api' ? 'api' : 'catalog-import',
  );
  if (refused) return refused;
  if (!products.length) return { outcome: 'recorded', count: 0 };
  await ports.catalog.recordProducts(products);
  await ports.publisher.publish(
    products.map((product) =>
      createEvent(ProductChanged, { product, sourceSystem, via }, { correlationId: `product#${product.sku}` }),
    ),
  );
  return { outcome: 'recorded', count: products.length };
}

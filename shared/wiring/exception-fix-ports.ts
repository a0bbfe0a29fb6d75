import type { ErpPostingRetry, FixPorts } from '#domain/exceptions';
import { webhookAdapters } from '#shared/channels/registry';
import { channelApisFromEnv, orderSources } from '#shared/channels/channel-apis';
import {
  ArchivedDeliveryReprocessor,
  HeldPosTransactionRemapper,
  ReservedOrderRepost,
} from '#shared/adapters/exception-fixes';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { DynamoSkuCrossReference } from '#shared/adapters/cross-reference';
import { DynamoExceptionStore } from '#shared/adapters/exception-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';

/** The fixes' ports as the API and the CLI build them: the exceptions table, the raw archive, the cross-reference and the bus. */
export function exceptionFixPortsFromEnv(names: {
  exceptionsTable: string;
  crossReferenceTable: string;
  rawArchiveBucket: string;
  ordersTable?: string;
}): FixPorts {
  const publisher = eventPublisherFromEnv();
  const apis = channelApisFromEnv();
  const reprocessor = new ArchivedDeliveryReprocessor(
    new S3DeliveryArchive(names.rawArchiveBucket),
    webhookAdapters(apis),
    {
      publisher,
      skus: new DynamoSkuCrossReference(names.crossReferenceTable),
    },
    orderSources(apis),
  );
  const erp: ErpPostingRetry = names.ordersTable
    ? new ReservedOrderRepost(new DynamoLifecycleStore(names.ordersTable), publisher)
    : {
        retrySalesOrder: async (orderId) => {
          throw new Error(`retrying ${orderId}'s ERP posting needs the orders table`);
        },
      };
  const posTransactions = new HeldPosTransactionRemapper(
    new DynamoSkuCrossReference(names.crossReferenceTable),
    publisher,
  );
  return { store: new DynamoExceptionStore(names.exceptionsTable), reprocessor, posTransactions, erp };
}

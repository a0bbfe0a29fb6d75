import type { FunctionComponent } from 'preact';
import type { PageProps } from '../components';
import { ChannelsPage } from './channels';
import { DeadLetterQueuesPage } from './dead-letter-queues';
import { ErpPage } from './erp';
import { ExceptionsPage } from './exceptions';
import { InventoryPage } from './inventory';
import { OrdersPage } from './orders';
import { OverviewPage } from './overview';
import { SettlementsPage } from './settlements';
import { StoreTasksPage } from './store-tasks';
import { StoresPage } from './stores';

/** The console's pages in the order the navigation lists them; the first is where it opens. */
export const pages: readonly { id: string; title: string; Page: FunctionComponent<PageProps> }[] = [
  { id: 'overview', title: 'Overview', Page: OverviewPage },
  { id: 'exceptions', title: 'Exceptions', Page: ExceptionsPage },
  { id: 'orders', title: 'Orders', Page: OrdersPage },
  { id: 'dead-letter-queues', title: 'Dead-letter queues', Page: DeadLetterQueuesPage },
  { id: 'inventory', title: 'Inventory', Page: InventoryPage },
  { id: 'channels', title: 'Channels', Page: ChannelsPage },
  { id: 'stores', title: 'Stores', Page: StoresPage },
  { id: 'store-tasks', title: 'Store tasks', Page: StoreTasksPage },
  { id: 'settlements', title: 'Settlements', Page: SettlementsPage },
  { id: 'erp', title: 'ERP', Page: ErpPage },
];

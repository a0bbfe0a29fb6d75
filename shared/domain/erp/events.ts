import { ErpPostingRejectedData, ErpSalesOrderCancelledData, ErpSalesOrderPostedData } from './model';
import { EventSource, defineEvent } from '#domain/kernel/event';

export const ErpSalesOrderPosted = defineEvent('ErpSalesOrderPosted', {
  source: EventSource.erp,
  description:
    'The order is in the ERP as a sales order (posted now, or found there under our order id after an unanswered post).',
  versions: { 1: ErpSalesOrderPostedData },
  current: 1,
});

export const ErpSalesOrderCancelled = defineEvent('ErpSalesOrderCancelled', {
  source: EventSource.erp,
  description:
    'The channel cancelled an order after it was posted, and its ERP sales order was deleted (nothing had shipped).',
  versions: { 1: ErpSalesOrderCancelledData },
  current: 1,
});

export const ErpPostingRejected = defineEvent('ErpPostingRejected', {
  source: EventSource.erp,
  description:
    'The ERP refused a sales order or journal entry for a business reason (closed posting period, unknown item), with its own message; a person must act.',
  versions: { 1: ErpPostingRejectedData },
  current: 1,
});

import type { ChannelReturn } from '#domain/channel-sync/return-sync';
import { formatDecimalMoney } from '#domain/kernel/money';

/**
 * What a channel's staff read on a return recorded there: where and when the goods came back, each
 * line with whether it went back on sale, and that the customer was already paid back.
 */
export function returnNote(channelReturn: ChannelReturn): string {
  const lines = channelReturn.lines
    .map(
      (line) =>
        `${line.quantity} x ${line.sku} (${line.reasonCode}, ${line.restocked ? 'restocked' : 'to damaged stock'})`,
    )
    .join(', ');
  return (
    `Returned through ${channelReturn.receivedThrough} on ${channelReturn.receivedAt} (return ${channelReturn.returnId}): ${lines}. ` +
    `Refunded ${formatDecimalMoney(channelReturn.refunded)} ${channelReturn.refunded.currency} there; nothing to pay back here.`
  );
}

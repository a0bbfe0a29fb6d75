/** An answer to a delivery as a person reads it: the status, then what it means for the order. */
export function describeAnswer(status: number, body: Record<string, unknown>): string {
  if (body.duplicate) return `${status} duplicate of ${String(body.orderId)}, nothing done twice`;
  if (body.needsAttention) return `${status} kept, held for a person: ${String(body.orderId)}`;
  if (body.orderId) return `${status} accepted: ${String(body.orderId)}`;
  return `${status} ${String(body.message ?? JSON.stringify(body))}`;
}

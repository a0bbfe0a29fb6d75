import { GetQueueAttributesCommand, ReceiveMessageCommand, ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import type { LocalClients, LocalResources } from '../local-fabric/provision';

/** Depth and age of the oldest message of every DLQ: the first thing to look at when something is stuck. */
export async function listDeadLetterQueues(resources: LocalResources, clients: LocalClients): Promise<void> {
  for (const [rule, queues] of Object.entries(resources.queues)) {
    const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queues.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    const depth = Number(Attributes.ApproximateNumberOfMessages ?? 0);
    console.log(`${`${rule}-dlq`.padEnd(30)} ${String(depth).padStart(6)} message(s)${depth ? `  oldest ${await oldestAge(clients, queues.dlqUrl)}` : ''}`);
  }
}

/** SQS reports the oldest age only through CloudWatch, so peek and put straight back. */
async function oldestAge(clients: LocalClients, queueUrl: string): Promise<string> {
  const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 5, MessageSystemAttributeNames: ['SentTimestamp'] }));
  if (Messages.length === 0) return 'unknown';
  await clients.sqs.send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: queueUrl,
    Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
  }));
  const oldest = Math.min(...Messages.map((message) => Number(message.Attributes?.SentTimestamp ?? Date.now())));
  return `${Math.round((Date.now() - oldest) / 1000)} s`;
}

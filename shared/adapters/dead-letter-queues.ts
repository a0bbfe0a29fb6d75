import type { SQSClient, Message } from '@aws-sdk/client-sqs';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  sqsClient,
  StartMessageMoveTaskCommand,
} from './aws-clients';

/** A queue a consumer works through and the DLQ beside it; their ARNs when the locator already knows them. */
export interface WorkQueueUrls {
  url: string;
  dlqUrl: string;
  arn?: string;
  dlqArn?: string;
}

/** What a DLQ belongs to: the routing rule or inbound queue it serves (`name`), and its queue's logical name. */
export interface DeadLetterSourceName {
  name: string;
  queueName: string;
}

/** Finds a work queue and its DLQ; undefined when this fabric has none (a channel it does not deploy). */
export type WorkQueueLocator = (source: DeadLetterSourceName) => Promise<WorkQueueUrls | undefined>;

/** A message received from a DLQ: hidden from everyone else until released, sent back or its minute runs out. */
export interface ReceivedMessage {
  message: Message;
  /** When the message was first sent, epoch milliseconds. */
  sentAt: number;
  receiveCount: number;
}

/** How long a received DLQ message stays hidden if nobody releases it: long enough to look at a few hundred. */
const INSPECTION_VISIBILITY_SECONDS = 60;

/**
 * The SQS side of dead-letter handling: depth, receiving what a DLQ holds to look at it, putting it
 * back untouched, moving messages back to their work queue, and SQS's own message move task. Every
 * receive here hides messages only for a while: a caller that stops half-way loses nothing.
 */
export class SqsDeadLetterQueues {
  constructor(
    private readonly locate: WorkQueueLocator,
    private readonly client: SQSClient = sqsClient(),
  ) {}

  /** The work queue and DLQ of a source, undefined when this fabric has none. */
  urlsOf(source: DeadLetterSourceName): Promise<WorkQueueUrls | undefined> {
    return this.locate(source);
  }

  /**
   * Approximate number of messages the DLQ holds and nobody is looking at; undefined when the DLQ does
   * not exist (a locator that names every queue of the topology, in a region that deploys fewer).
   */
  async depth(queues: WorkQueueUrls): Promise<number | undefined> {
    try {
      const { Attributes = {} } = await this.client.send(
        new GetQueueAttributesCommand({ QueueUrl: queues.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(Attributes.ApproximateNumberOfMessages ?? 0);
    } catch (error) {
      if (isMissingQueue(error)) return undefined;
      throw error;
    }
  }

  /** Receives up to `limit` held messages, ten at a time, hiding each for a minute. */
  async receive(queues: WorkQueueUrls, limit = Number.POSITIVE_INFINITY): Promise<ReceivedMessage[]> {
    const held: ReceivedMessage[] = [];
    while (held.length < limit) {
      const { Messages = [] } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.dlqUrl,
          MaxNumberOfMessages: Math.min(10, limit - held.length),
          VisibilityTimeout: INSPECTION_VISIBILITY_SECONDS,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      held.push(
        ...Messages.map((message) => ({
          message,
          sentAt: Number(message.Attributes?.SentTimestamp ?? Date.now()),
          receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
        })),
      );
    }
    return held;
  }

  /** Makes received messages visible again at once, as if nobody had looked. */
  async release(queues: WorkQueueUrls, held: readonly ReceivedMessage[]): Promise<void> {
    const handles = held.flatMap(({ message }) => (message.ReceiptHandle ? [message.ReceiptHandle] : []));
    for (let i = 0; i < handles.length; i += 10) {
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queues.dlqUrl,
          Entries: handles
            .slice(i, i + 10)
            .map((handle, j) => ({ Id: String(j), ReceiptHandle: handle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  /**
   * Sends a received message back to its work queue, body and attributes as held, then deletes it
   * from the DLQ. Sent first: a failure in between leaves a copy in both, which idempotent consumers
   * absorb, rather than none.
   */
  async sendBack(queues: WorkQueueUrls, { message }: ReceivedMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: queues.url,
        MessageBody: message.Body ?? '',
        MessageAttributes: message.MessageAttributes,
      }),
    );
    if (message.ReceiptHandle)
      await this.client.send(
        new DeleteMessageCommand({ QueueUrl: queues.dlqUrl, ReceiptHandle: message.ReceiptHandle }),
      );
  }

  /**
   * Starts SQS's message move task from the DLQ back to the queue its messages came from: the AWS
   * console's "Start DLQ redrive", which SQS runs to completion however many messages are held.
   * Returns the task's handle. Only a deployed region has it; the local emulator does not.
   */
  async startMoveTask(queues: WorkQueueUrls): Promise<string> {
    const [sourceArn, destinationArn] = await Promise.all([
      queues.dlqArn ?? this.arnOf(queues.dlqUrl),
      queues.arn ?? this.arnOf(queues.url),
    ]);
    const { TaskHandle } = await this.client.send(
      new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
    );
    if (!TaskHandle) throw new Error(`SQS started no move task for ${queues.dlqUrl}`);
    return TaskHandle;
  }

  private async arnOf(queueUrl: string): Promise<string> {
    const { Attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    if (!Attributes.QueueArn) throw new Error(`SQS named no ARN for ${queueUrl}`);
    return Attributes.QueueArn;
  }
}

/**
 * Work queues named `<prefix>-<queue name>` with their DLQs `<prefix>-<queue name>-dlq`, as the stacks
 * and the local runtime name them, found through SQS once per name and remembered.
 */
export function queuesNamedWithPrefix(prefix: string, client: SQSClient = sqsClient()): WorkQueueLocator {
  const found = new Map<string, Promise<WorkQueueUrls | undefined>>();
  const urlOf = async (name: string) => {
    try {
      return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch (error) {
      if (isMissingQueue(error)) return undefined;
      throw error;
    }
  };
  return ({ queueName }) => {
    let urls = found.get(queueName);
    if (!urls) {
      urls = Promise.all([urlOf(`${prefix}-${queueName}`), urlOf(`${prefix}-${queueName}-dlq`)]).then(
        ([url, dlqUrl]) => (url && dlqUrl ? { url, dlqUrl } : undefined),
      );
      // A failed lookup is not remembered: the next request asks again.
      urls.catch(() => found.delete(queueName));
      found.set(queueName, urls);
    }
    return urls;
  };
}

function isMissingQueue(error: unknown): boolean {
  return (error as Error)?.name === 'QueueDoesNotExist';
}

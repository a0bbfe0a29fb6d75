import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueTarget } from '#events/routing-rules';
import type { LocalLambda } from './lambda-invoker';
import { LOCAL_REGION } from './provision';

export type EventSourceLog = (message: string, details: Record<string, unknown>) => void;

/**
 * Plays a Lambda SQS event-source mapping with ReportBatchItemFailures: receive up to the batch size
 * within the batching window, invoke the handler with a real SQSEvent, delete what succeeded, and
 * leave failed records to reappear after the visibility timeout, so the queue's maxReceiveCount and
 * DLQ do their job exactly as in AWS. A thrown invocation fails the whole batch, as in AWS.
 */
export class QueueEventSource {
  private running = false;
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly queue: { url: string; arn: string },
    private readonly target: QueueTarget,
    private readonly consumer: LocalLambda,
    private readonly log: EventSourceLog,
    private readonly waitsOutBatchingWindow = false,
  ) {}

  /** The queue's name and maxReceiveCount, as its consumer reads them from MAX_RECEIVE_COUNTS_ENV. */
  get receiveLimit(): [queueName: string, maxReceiveCount: number] {
    return [this.queue.arn.split(':').at(-1)!, this.target.maxReceiveCount];
  }

  start(): void {
    this.running = true;
    void this.poll();
  }

  /**
   * Messages that the last run of a durable fabric had received and not settled stay invisible for
   * the rest of their visibility timeout (up to 90 minutes), though nobody works on them any more.
   * They come back once whatever that run still had under way has timed out, as Lambda would retry
   * a crashed invocation: not sooner, or the retry would find the idempotency record of the dead
   * invocation still in progress. Answers how many were brought forward.
   */
  async reclaimUnfinished(messagingEndpoint: string): Promise<number> {
    const queueName = this.queue.url.split('/').pop()!;
    const inspected = (await (
      await fetch(`${messagingEndpoint}/_fauxqs/queues/${encodeURIComponent(queueName)}`)
    ).json()) as {
      messages: { inflight: { receiptHandle: string; visibilityDeadline: number }[] };
    };
    const timeoutSeconds = this.consumer.timeoutSeconds;
    const heldTooLong = inspected.messages.inflight.filter(
      (entry) => entry.visibilityDeadline > Date.now() + timeoutSeconds * 1000,
    );
    for (let start = 0; start < heldTooLong.length; start += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queue.url,
          Entries: heldTooLong.slice(start, start + 10).map((entry, i) => ({
            Id: String(i),
            ReceiptHandle: entry.receiptHandle,
            VisibilityTimeout: timeoutSeconds,
          })),
        }),
      );
    }
    return heldTooLong.length;
  }

  /**
   * Waits for the invocations under way, not for the long poll: that ends on its own within 20 s
   * and hands back whatever it still receives. (Aborting a long poll would not stop the emulator
   * from taking the next message off the queue for it, and that message would then stay invisible
   * for the whole visibility timeout.)
   */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.deliveries);
  }

  /**
   * One receiver per queue hands batches to up to `concurrency` invocations at once. Lambda starts
   * five concurrent batches on an SQS event source, more as the backlog grows, up to the rule's
   * maxConcurrency. One long poll rather than one per concurrent batch: the emulator wakes every
   * waiting poll for each message that arrives and all but one come back empty, so five idle pollers
   * cost five receives per message on a quiet queue.
   */
  private async poll(): Promise<void> {
    const concurrency = this.target.maxConcurrency ?? 5;
    while (this.running) {
      try {
        // A full house leaves the messages on the queue, visible, rather than received and waiting.
        if (this.deliveries.size >= concurrency) {
          await Promise.race(this.deliveries);
          continue;
        }
        const messages = await this.receiveBatch();
        if (!this.running) return await this.handBack(messages);
        if (messages.length === 0) continue;
        const delivery: Promise<void> = this.deliver(messages)
          .catch((error: unknown) =>
            this.log('event source mapping could not delete handled records', {
              queue: this.queue.url,
              error: (error as Error).message,
            }),
          )
          .finally(() => this.deliveries.delete(delivery));
        this.deliveries.add(delivery);
      } catch (error) {
        if (this.running) {
          this.log('event source mapping could not poll', { queue: this.queue.url, error: (error as Error).message });
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    }
  }

  /**
   * Up to the batch size, within the rule's batching window from the first message on. Lambda waits
   * the window out before it invokes with less than a full batch; locally the batch goes as soon as
   * the queue is empty for now, so a developer sees an order move in milliseconds, unless the fabric
   * was started to wait windows out as Lambda does (the bench, which counts requests as AWS bills them).
   */
  private async receiveBatch(): Promise<Message[]> {
    const batch: Message[] = [];
    let windowEnds = Infinity;
    let waited = false;
    while (this.running) {
      const wanted = Math.min(10, this.target.batchSize - batch.length);
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queue.url,
          MaxNumberOfMessages: wanted,
          // Lambda's pollers long-poll for 20 s: an idle queue costs one request per poller every 20 s.
          WaitTimeSeconds: batch.length === 0 ? 20 : 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (batch.length === 0 && Messages.length > 0)
        windowEnds = Date.now() + this.target.maxBatchingWindowSeconds * 1000;
      batch.push(...Messages);
      if (batch.length === 0 || batch.length >= this.target.batchSize || Date.now() >= windowEnds) break;
      // The emulator hands over every visible message up to the number asked for: fewer means the
      // queue is empty for now, and asking again at once would cost a request per batch for nothing.
      if (Messages.length < wanted) {
        if (!this.waitsOutBatchingWindow || waited) break;
        await new Promise((resolve) => setTimeout(resolve, windowEnds - Date.now()));
        waited = true;
      }
    }
    return batch;
  }

  private async deliver(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((message) => this.toRecord(message)) };
    let failed: Set<string>;
    try {
      const response = (await this.consumer.invoke(event)) as SQSBatchResponse | undefined;
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.log('consumer invocation failed; the whole batch will be retried', {
        function: this.consumer.name,
        error: (error as Error).message,
      });
      return;
    }
    const done = messages.filter((message) => !failed.has(message.MessageId!));
    if (failed.size > 0)
      this.log('records failed and will be retried', { function: this.consumer.name, failed: failed.size });
    // SQS deletes at most ten entries a request; a batch of a hundred (availability sync) takes ten.
    for (let start = 0; start < done.length; start += 10) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queue.url,
          Entries: done
            .slice(start, start + 10)
            .map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
  }

  /** Makes messages received after stop visible again at once, for whoever consumes the queue next. */
  private async handBack(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      await this.sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queue.url,
            Entries: messages
              .slice(start, start + 10)
              .map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
          }),
        )
        .catch(() => undefined); // the emulator may be gone already: its messages go with it
    }
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            dataType: value.DataType ?? 'String',
            ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.queue.arn,
      awsRegion: LOCAL_REGION,
    };
  }
}

import { ListObjectsV2Command, type S3Client, type _Object } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import type { LocalLambda } from './lambda-invoker';
import { LOCAL_REGION } from './provision';

/** S3 invokes asynchronously and retries a failed invocation twice before giving up. */
const ASYNC_ATTEMPTS = 3;

/**
 * Plays an S3 ObjectCreated notification to a function: fauxqs has no bucket notifications, so the
 * runtime lists the prefix and invokes the handler with a real S3Event for each new or overwritten
 * object, byte-identical re-uploads included (S3 notifies every PUT: an object is told apart by its
 * ETag and last-modified time). Objects already present at start count as delivered, as they would in AWS.
 */
export class ObjectCreatedTrigger {
  private readonly seen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> = Promise.resolve();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly target: LocalLambda,
    private readonly log: (message: string, details: Record<string, unknown>) => void,
    private readonly intervalMs = 500,
  ) {}

  async start(): Promise<void> {
    for (const object of await this.list()) this.seen.set(object.Key!, version(object));
    this.timer = setInterval(() => {
      this.scanning = this.scanning
        .then(() => this.scan())
        .catch((error) =>
          this.log('object trigger scan failed', { bucket: this.bucket, error: (error as Error).message }),
        );
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning;
  }

  private async scan(): Promise<void> {
    for (const object of await this.list()) {
      if (this.seen.get(object.Key!) === version(object)) continue;
      this.seen.set(object.Key!, version(object));
      await this.notify(object);
    }
  }

  private async notify(object: _Object): Promise<void> {
    const event = objectCreatedEvent(this.bucket, object);
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt += 1) {
      try {
        await this.target.invoke(event);
        return;
      } catch (error) {
        this.log('object-created invocation failed', {
          function: this.target.name,
          key: object.Key,
          attempt,
          error: (error as Error).message,
        });
      }
    }
  }

  private async list(): Promise<_Object[]> {
    const objects: _Object[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      objects.push(...(page.Contents ?? []));
      token = page.NextContinuationToken;
    } while (token);
    return objects;
  }
}

function version(object: _Object): string {
  return `${object.ETag}|${object.LastModified?.toISOString() ?? ''}`;
}

/**
 * The S3 ObjectCreated notification Lambda receives for one object. S3 URL-encodes keys in
 * notifications (spaces as '+'), so handlers must decode them; this encodes the same way.
 */
export function objectCreatedEvent(
  bucket: string,
  object: Pick<_Object, 'Key' | 'Size' | 'ETag' | 'LastModified'>,
  sequencer = Date.now().toString(16).toUpperCase(),
): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: LOCAL_REGION,
        eventTime: (object.LastModified ?? new Date()).toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local-object-trigger',
          bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeURIComponent(object.Key!).replace(/%20/g, '+').replace(/%2F/g, '/'),
            size: object.Size ?? 0,
            eTag: (object.ETag ?? '').replace(/"/g, ''),
            sequencer,
          },
        },
      },
    ],
  };
}

import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { ChannelWebhookAdapter } from '#domain/intake/channel-ports';
import { formatIssues } from '#domain/kernel/validation';
import { EBAY_SIGNATURE_HEADER } from '../webhook-signature-headers';
import { EbayNotification, EbaySignatureHeader, type EbayPublicKey } from './ebay-order.schema';

const DIGESTS: Record<string, string> = { SHA1: 'sha1', SHA256: 'sha256' };

export interface EbayKeySource {
  /** Undefined when eBay has no key by that id. */
  get(kid: string): Promise<EbayPublicKey | undefined>;
}

/**
 * eBay Notification API pushes. X-EBAY-SIGNATURE is base64 of `{ alg, kid, signature, digest }`: an
 * ECDSA signature (DER, base64) over the JSON body, checked here over the exact bytes received with
 * the public key eBay serves for `kid` (cached by the key source, unknown kids too). A notification
 * whose data names an order (`orderId`) becomes a notification, and the order is fetched with getOrder
 * behind the queue; other topics are acknowledged and archived. The dedupe key is notificationId.
 * Endpoint validation: eBay's GET with `challenge_code` is answered with
 * SHA-256(challengeCode + verificationToken + endpoint), hex; the verification token is the channel secret.
 * `verify` throws when the key cannot be fetched, so eBay retries rather than having a valid push refused;
 * a kid eBay does not know fails verification.
 */
export function createEbayWebhookAdapter(keys: EbayKeySource): ChannelWebhookAdapter<never> {
  return {
    channel: 'ebay',

    async verify(request) {
      const header = request.headers[EBAY_SIGNATURE_HEADER];
      if (!header) return false;
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
      } catch {
        return false;
      }
      const signature = EbaySignatureHeader.safeParse(decoded);
      if (!signature.success || signature.data.alg.toUpperCase() !== 'ECDSA') return false;
      const digest = DIGESTS[signature.data.digest.toUpperCase()];
      if (!digest) return false;
      // An unknown kid is a forgery (401), not an outage: only a failed look-up throws, for eBay to retry.
      const served = await keys.get(signature.data.kid);
      const publicKey = served && publicKeyObject(served.key);
      if (!publicKey) return false;
      try {
        return verifySignature(digest, request.rawBody, publicKey, Buffer.from(signature.data.signature, 'base64'));
      } catch {
        return false;
      }
    },

    deliveryId(request, json) {
      const id = (json as { notification?: { notificationId?: unknown } } | undefined)?.notification?.notificationId;
      return typeof id === 'string' && id ? id : `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`;
    },

    parse(_request, json) {
      const parsed = EbayNotification.safeParse(json);
      if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
      const topic = parsed.data.metadata.topic;
      const orderId = parsed.data.notification.data.orderId;
      if (typeof orderId !== 'string' || !orderId) return { ok: true, value: { kind: 'ignored', topic } };
      return { ok: true, value: { kind: 'notification', topic, notice: { channelOrderId: orderId } } };
    },

    challenge(query, verificationToken, url) {
      const code = query.challenge_code;
      if (!code || !url) return undefined;
      const challengeResponse = createHash('sha256').update(code).update(verificationToken).update(url).digest('hex');
      return { status: 200, body: { challengeResponse } };
    },
  };
}

/** eBay serves keys as PEM without line breaks (or bare base64 DER); both are accepted. */
function publicKeyObject(key: string): KeyObject | undefined {
  const body = key.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  try {
    return createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

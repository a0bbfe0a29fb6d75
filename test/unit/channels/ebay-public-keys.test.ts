import { EbayApi, EbayPublicKeys } from '#shared/channels/ebay/ebay-api.client';
import type { EbayPublicKey } from '#shared/channels/ebay/ebay-order.schema';
import { ChannelApiError } from '#shared/channels/channel-http';

const served: EbayPublicKey = { algorithm: 'ECDSA', digest: 'SHA1', key: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' };

/** A key source that knows only `known` and counts what it was asked. */
function keySource(known: readonly string[]) {
  const asked: string[] = [];
  let clock = 0;
  const fetchKey = async (kid: string) => {
    asked.push(kid);
    return known.includes(kid) ? served : undefined;
  };
  return {
    asked,
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
    fetchKey,
  };
}

describe('EbayPublicKeys: eBay key look-ups cached, "no such key" included', () => {
  test('a kid eBay does not know answers undefined, and repeating it asks eBay no more until the short expiry', async () => {
    const source = keySource([]);
    const keys = new EbayPublicKeys(source.fetchKey, { unknownTtlMs: 300_000 }, source.now);

    expect(await keys.get('forged-1')).toBeUndefined();
    expect(await keys.get('forged-1')).toBeUndefined();
    source.advance(300_001);
    await keys.get('forged-1');

    expect(source.asked).toEqual(['forged-1', 'forged-1']);
  });

  test('a served key is kept for the hour, longer than an unknown kid', async () => {
    const source = keySource(['real']);
    const keys = new EbayPublicKeys(source.fetchKey, { ttlMs: 3_600_000, unknownTtlMs: 300_000 }, source.now);

    await keys.get('real');
    source.advance(3_599_000);
    expect(await keys.get('real')).toEqual(served);
    source.advance(2_000);
    await keys.get('real');

    expect(source.asked).toEqual(['real', 'real']);
  });

  test('keeps at most maxEntries kids, dropping the oldest, so invented kids cannot grow it without end', async () => {
    const source = keySource(['real']);
    const keys = new EbayPublicKeys(source.fetchKey, { maxEntries: 2 }, source.now);

    await keys.get('real');
    await keys.get('forged-1');
    await keys.get('forged-2');
    await keys.get('forged-2');
    await keys.get('real');

    expect(source.asked).toEqual(['real', 'forged-1', 'forged-2', 'real']);
  });

  test('a failed look-up is not kept: the next notification asks eBay again', async () => {
    let calls = 0;
    const keys = new EbayPublicKeys(async () => {
      calls += 1;
      if (calls === 1) throw new ChannelApiError('ebay', 503, 'eBay API answered 503');
      return served;
    });

    await expect(keys.get('real')).rejects.toThrow('503');
    expect(await keys.get('real')).toEqual(served);
  });
});

describe('EbayApi.getPublicKey', () => {
  const credentials = {
    credentialsFor: async () => ({ clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' }),
  } as never;

  function apiAnswering(keyStatus: number) {
    const fetch = async (url: string | URL | Request) => {
      const path = new URL(String(url)).pathname;
      if (path === '/identity/v1/oauth2/token') return Response.json({ access_token: 'token', expires_in: 7200 });
      return keyStatus === 200
        ? Response.json(served)
        : Response.json(
            { errors: [{ errorId: 195001, message: 'The specified key id is invalid.' }] },
            { status: keyStatus },
          );
    };
    return new EbayApi('https://api.ebay.test', credentials, { fetch: fetch as typeof globalThis.fetch });
  }

  test.each([404, 400])('answers undefined when eBay answers %i for the kid', async (status) => {
    expect(await apiAnswering(status).getPublicKey('forged-1')).toBeUndefined();
  });

  test('throws when eBay fails, so the notification is retried rather than refused', async () => {
    await expect(apiAnswering(503).getPublicKey('real')).rejects.toBeInstanceOf(ChannelApiError);
  });

  test('returns the key eBay serves', async () => {
    expect(await apiAnswering(200).getPublicKey('real')).toEqual(served);
  });
});

import {
  CachedAccessToken,
  ChannelApiError,
  ChannelRateLimitedError,
  TokenBucket,
  channelRequest,
  retryAfterMs,
} from '#shared/channels/channel-http';

function clock(start = 0) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('TokenBucket', () => {
  test('lets a burst through at once, then paces requests at the rate', async () => {
    const time = clock();
    const bucket = new TokenBucket(0.5, 3, time.now, time.sleep);

    for (let i = 0; i < 5; i += 1) await bucket.take();

    // Three from the burst, then one every two seconds at 0.5 requests/s.
    expect(time.slept).toEqual([2000, 2000]);
    expect(time.now()).toBe(4000);
  });

  test('refills over time, never beyond the burst', async () => {
    const time = clock();
    const bucket = new TokenBucket(1, 2, time.now, time.sleep);
    await bucket.take();
    await bucket.take();
    time.advance(60_000);

    await bucket.take();
    await bucket.take();
    await bucket.take();

    expect(time.slept).toEqual([1000]);
  });
});

describe('retryAfterMs', () => {
  test.each([
    ['3', 3000],
    ['0', 0],
    ['Thu, 01 Jan 1970 00:00:05 GMT', 5000],
  ])('reads Retry-After %s as %d ms', (header, ms) => {
    expect(retryAfterMs(header, 0)).toBe(ms);
  });

  test('is undefined without a header', () => {
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('channelRequest', () => {
  const responses = (...answers: [number, Record<string, string>?, unknown?][]) => {
    const calls: string[] = [];
    const fake = (async (url: string) => {
      calls.push(url);
      const [status, headers = {}, body = {}] = answers.shift() ?? [200];
      return new Response(JSON.stringify(body), { status, headers });
    }) as unknown as typeof fetch;
    return { calls, fake };
  };

  test('waits the Retry-After of a 429 and retries', async () => {
    const time = clock();
    const { calls, fake } = responses(
      [429, { 'retry-after': '2' }, { errors: [{ code: 'QuotaExceeded' }] }],
      [200, {}, { payload: { ok: true } }],
    );

    const body = await channelRequest(
      'https://api.example.com/orders/1',
      {},
      { channel: 'amazon', fetch: fake, sleep: time.sleep },
    );

    expect(body).toEqual({ payload: { ok: true } });
    expect(calls).toHaveLength(2);
    expect(time.slept).toEqual([2000]);
  });

  test('gives up with ChannelRateLimitedError when the channel asks for a longer wait than one call may spend', async () => {
    const time = clock();
    const { fake } = responses([429, { 'retry-after': '60' }]);

    await expect(
      channelRequest('https://api.example.com/orders/1', {}, { channel: 'square', fetch: fake, sleep: time.sleep }),
    ).rejects.toBeInstanceOf(ChannelRateLimitedError);
    expect(time.slept).toEqual([]);
  });

  test('gives up after the retry bound when 429s keep coming', async () => {
    const time = clock();
    const { calls, fake } = responses([429], [429], [429]);

    await expect(
      channelRequest(
        'https://api.example.com/x',
        {},
        { channel: 'ebay', fetch: fake, sleep: time.sleep, maxRateLimitRetries: 2 },
      ),
    ).rejects.toMatchObject({ status: 429 });
    expect(calls).toHaveLength(3);
    expect(time.slept).toEqual([1000, 2000]);
  });

  test('throws ChannelApiError with the status and body for any other failure', async () => {
    const { fake } = responses([404, {}, { errors: [{ code: 'NOT_FOUND' }] }]);

    await expect(
      channelRequest('https://api.example.com/v2/orders/x', {}, { channel: 'square', fetch: fake }),
    ).rejects.toEqual(
      expect.objectContaining({ name: 'ChannelApiError', status: 404, body: { errors: [{ code: 'NOT_FOUND' }] } }),
    );
    await expect(
      channelRequest('https://api.example.com/v2/orders/x', {}, { channel: 'square', fetch: responses([500]).fake }),
    ).rejects.toBeInstanceOf(ChannelApiError);
  });
});

describe('CachedAccessToken', () => {
  test('asks for a token once, and again only a minute before it expires', async () => {
    const time = clock();
    let issued = 0;
    const token = new CachedAccessToken(async () => {
      issued += 1;
      return { accessToken: `t${issued}`, expiresInSeconds: 3600 };
    }, time.now);

    expect(await token.get()).toBe('t1');
    time.advance(3500_000);
    expect(await token.get()).toBe('t1');
    time.advance(50_000);
    expect(await token.get()).toBe('t2');
  });
});

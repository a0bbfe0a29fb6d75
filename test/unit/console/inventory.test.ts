import {
  type ChannelShown,
  channelNote,
  channelState,
  type Movement,
  movementChange,
  skuProblem,
  type Verification,
  verificationFindings,
  verificationSummary,
} from '../../../console/src/view/inventory';

const movement = (overrides: Partial<Movement>): Movement => ({
  movementId: 'mv-1',
  sku: 'SKU-1',
  locationId: 'wh-east',
  shard: 0,
  kind: 'fulfilment',
  quantity: 2,
  reasonCode: 'SHIPPED',
  reference: { kind: 'order_line', id: 'ord_1#1' },
  occurredAt: '2026-12-06T10:00:00.000Z',
  deltas: { onHand: -2, reserved: -2 },
  ...overrides,
});

const channel = (overrides: Partial<ChannelShown>): ChannelShown => ({
  channel: 'shopify',
  availableToSell: 5,
  listed: 5,
  ...overrides,
});

const told = (value: number, version: number) => ({
  value,
  version,
  eventTime: '2026-12-06T10:00:00.000Z',
  publishedAt: '2026-12-06T10:00:01.000Z',
  acknowledgedAt: '2026-12-06T10:00:02.000Z',
});

const clean: Verification = {
  positions: 4,
  movements: 10,
  reservationParts: 2,
  clean: true,
  ledgerDrift: [],
  reservedDrift: [],
  orphans: [],
};

describe('a ledger movement', () => {
  it('says what it changed, signed, in the named quantities', () => {
    expect(movementChange(movement({}))).toBe('on hand −2, reserved −2');
    expect(movementChange(movement({ kind: 'receipt', deltas: { onHand: 7 } }))).toBe('on hand +7');
    expect(movementChange(movement({ deltas: {} }))).toBe('no change');
  });
});

describe('what a channel was told', () => {
  it('is in step when it acknowledged the figure it may list now', () => {
    expect(channelState(channel({ published: told(5, 3) }))).toBe('in step');
  });

  it('waits while a newer figure is not acknowledged yet', () => {
    const waiting = channel({ published: told(4, 2), pending: { value: 5, version: 3, eventTime: '' } });

    expect(channelState(waiting)).toBe('waiting');
    expect(channelNote(waiting)).toBe('5 sent, not acknowledged yet (version 3)');
  });

  it('says when the channel was never told, and when its figure is behind', () => {
    expect(channelState(channel({}))).toBe('not told');
    expect(channelState(channel({ published: told(4, 2) }))).toBe('differs');
  });
});

describe('the SKU search', () => {
  it('refuses what the API would refuse, before asking it', () => {
    expect(skuProblem('  ')).toBe('Type a SKU');
    expect(skuProblem('SKU 1')).toBe('A SKU has no spaces or #');
    expect(skuProblem('SKU#1')).toBe('A SKU has no spaces or #');
    expect(skuProblem('x'.repeat(121))).toBe('A SKU is at most 120 characters');
    expect(skuProblem(' SKU-TEE-RED-M ')).toBeUndefined();
  });
});

describe('the inventory verification', () => {
  it('says positions, ledger and reservations agree when they do', () => {
    expect(verificationSummary(clean)).toBe(
      'Positions, ledger and reservations agree (4 positions, 10 movements and 2 reservation parts checked).',
    );
    expect(verificationSummary({ ...clean, positions: 1, movements: 1, reservationParts: 0 })).toBe(
      'Positions, ledger and reservations agree (1 position, 1 movement and 0 reservation parts checked).',
    );
    expect(verificationFindings(clean)).toEqual([]);
  });

  it('lists every disagreement, as the CLI prints them', () => {
    const bucket = { bucket: 'SKU-1@wh-east#0', sku: 'SKU-1', locationId: 'wh-east', shard: 0 };
    const drifted: Verification = {
      ...clean,
      clean: false,
      ledgerDrift: [{ ...bucket, drift: [{ figure: 'onHand', stored: 5, rebuilt: 4 }] }],
      reservedDrift: [{ ...bucket, reserved: 2, heldByReservations: 1 }],
      orphans: [{ ...bucket, bucket: 'SKU-2@store-042#0', sku: 'SKU-2', locationId: 'store-042' }],
    };

    expect(verificationSummary(drifted)).toMatch(
      /^Drift found: 1 drifted from the ledger; 1 with reserved unlike open reservations; 1 orphaned ledger or reservation entries/,
    );
    expect(verificationFindings(drifted)).toEqual([
      { bucket: 'SKU-1@wh-east#0', finding: 'on hand stored 5, ledger says 4' },
      { bucket: 'SKU-1@wh-east#0', finding: 'reserved 2, open reservations hold 1' },
      { bucket: 'SKU-2@store-042#0', finding: 'ledger lines or reservations without a position' },
    ]);
  });
});

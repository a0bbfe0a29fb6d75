import {
  byAttention,
  gapsLabel,
  quietCount,
  type StoreStatus,
  type StoreUpload,
  storeHealth,
  uploadOutcome,
} from '../../../console/src/view/stores';

const upload = (overrides: Partial<StoreUpload> = {}): StoreUpload => ({
  batchId: 'b-1',
  businessDate: '2026-12-05',
  uploadId: 'u1',
  status: 'completed',
  manifest: 'absent',
  format: 'csv',
  finishedAt: '2026-12-05T22:00:00Z',
  counts: { lines: 10, accepted: 3, duplicates: 0, conflicts: 0, rejected: 0, quarantinedLines: 0, unknownSkuLines: 0 },
  missing: 0,
  registers: [],
  ...overrides,
});

const store = (storeId: string, overrides: Partial<StoreStatus> = {}): StoreStatus => ({
  storeId,
  lastUpload: upload(),
  quiet: false,
  sinceLastUploadMs: 3_600_000,
  ...overrides,
});

describe('the Stores page', () => {
  it('writes missing sequence numbers as ranges', () => {
    expect(
      gapsLabel([
        { from: 2, to: 2 },
        { from: 5, to: 7 },
      ]),
    ).toBe('2, 5–7');
    expect(gapsLabel([])).toBe('');
  });

  it('says how long a quiet store has been silent, and when a live one last uploaded', () => {
    expect(storeHealth({ quiet: true, sinceLastUploadMs: 30 * 3_600_000 })).toEqual({
      label: 'Quiet: no upload for 1 d 6 h',
      quiet: true,
    });
    expect(storeHealth({ quiet: false, sinceLastUploadMs: 45 * 60_000 })).toEqual({
      label: 'Uploaded 45 min ago',
      quiet: false,
    });
  });

  it("words an upload's outcome by what needs doing about it", () => {
    expect(uploadOutcome(upload())).toBe('completed');
    expect(
      uploadOutcome(
        upload({ missing: 1, counts: { ...upload().counts, rejected: 2, unknownSkuLines: 1 }, manifest: 'mismatched' }),
      ),
    ).toBe('completed; rejected: 2, lines with an unknown SKU: 1, sequence numbers missing: 1, manifest mismatched');
    expect(uploadOutcome(upload({ status: 'quarantined', reason: 'not gzip' }))).toBe('quarantined whole: not gzip');
    expect(uploadOutcome(upload({ status: 'superseded' }))).toBe('superseded by a newer upload of the same batch');
  });

  it('lists quiet stores first, then stores whose last upload needs a look, then the rest, each by id', () => {
    const stores = [
      store('store-003'),
      store('store-002', { lastUpload: upload({ missing: 3 }) }),
      store('store-004', { quiet: true }),
      store('store-001'),
    ];

    expect(byAttention(stores).map((each) => each.storeId)).toEqual([
      'store-004',
      'store-002',
      'store-001',
      'store-003',
    ]);
    expect(quietCount(stores)).toBe(1);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ResultsFile, summaryTable, type BenchFigure } from '../../../bench/harness';

const figure = (name: string, value: number, extra: Partial<BenchFigure> = {}): BenchFigure => ({
  name,
  unit: 'ms',
  value,
  ceilingName: 'baseline',
  ceiling: 100,
  ...extra,
});

describe('bench results', () => {
  let dir: string;
  let file: ResultsFile;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bench-results-'));
    file = new ResultsFile(path.join(dir, 'results.json'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a new run drops every figure an earlier run wrote, renamed ones included', () => {
    file.begin(new Date('2026-12-01T10:00:00Z'));
    file.record(figure('cost per 1,000 orders (webhook to stored order)', 5));
    file.begin(new Date('2026-12-02T10:00:00Z'));

    file.record(figure('cost per 1,000 orders (webhook to ERP)', 9));

    const { run, figures } = file.read();
    expect(Object.keys(figures)).toEqual(['cost per 1,000 orders (webhook to ERP)']);
    expect(run.startedAt).toBe('2026-12-02T10:00:00.000Z');
  });

  test('a figure reported twice in one run keeps the later value and its ratio', () => {
    file.begin();
    file.record(figure('cold module load', 300));

    file.record(figure('cold module load', 250));

    expect(file.read().figures['cold module load']).toMatchObject({ value: 250, ratio: 2.5 });
  });

  test('a file written before runs were recorded whole reads as an empty run', () => {
    writeFileSync(file.file, JSON.stringify({ 'bundle size: order-query': figure('bundle size: order-query', 1) }));

    expect(file.read().figures).toEqual({});
  });

  test('the summary table lists the headline figures with ceiling and ratio, not the per-function details', () => {
    file.begin(new Date('2026-12-02T10:00:00Z'));
    file.record(figure('cold module load: order-query', 150, { detail: true }));
    file.record(figure('slowest cold module load', 180));

    const table = summaryTable(file.read());

    expect(table.slice(2)).toEqual([
      '| figure | value | ceiling | ratio |',
      '| --- | --- | --- | --- |',
      '| slowest cold module load | 180 ms | baseline: 100 ms | 1.800 |',
    ]);
  });
});

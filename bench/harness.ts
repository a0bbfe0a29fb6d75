import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every figure is printed next to a ceiling measured in the same run on the same machine, so the
 * ratio survives a noisy or slow laptop where the absolute numbers do not.
 */
export interface BenchFigure {
  name: string;
  unit: string;
  value: number;
  ceilingName: string;
  ceiling: number;
  notes?: string;
}

const RESULTS = path.resolve(__dirname, 'results.json');
const TABLE = path.resolve(__dirname, 'README.md');

export function report(figure: BenchFigure): void {
  const ratio = figure.ceiling ? figure.value / figure.ceiling : 0;
  console.log(`${figure.name}: ${format(figure.value)} ${figure.unit}  | ceiling (${figure.ceilingName}): ${format(figure.ceiling)} ${figure.unit}  | ratio ${ratio.toFixed(3)}${figure.notes ? `  | ${figure.notes}` : ''}`);
  const results = readResults();
  results[figure.name] = { ...figure, ratio: Number(ratio.toFixed(4)), measuredAt: new Date().toISOString() };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  writeTable(results);
}

/** Runs `work` repeatedly for about `millis` and returns operations per second. */
export function opsPerSecond(work: () => void, millis = 2000): number {
  for (let i = 0; i < 200; i += 1) work(); // warm the JIT before measuring
  let count = 0;
  const started = process.hrtime.bigint();
  const limit = BigInt(millis) * 1_000_000n;
  while (process.hrtime.bigint() - started < limit) {
    work();
    count += 1;
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

function readResults(): Record<string, BenchFigure & { ratio: number; measuredAt: string }> {
  try {
    return JSON.parse(readFileSync(RESULTS, 'utf8'));
  } catch {
    return {};
  }
}

function writeTable(results: ReturnType<typeof readResults>): void {
  const rows = Object.values(results).map((r) => `| ${r.name} | ${format(r.value)} ${r.unit} | ${r.ceilingName}: ${format(r.ceiling)} ${r.unit} | ${r.ratio.toFixed(3)} | ${r.measuredAt.slice(0, 10)} |`);
  writeFileSync(TABLE, [
    '# Benchmarks',
    '',
    'Written by `npm run bench`. Each figure stands next to a ceiling measured in the same run, so compare',
    'ratios across machines, not absolute numbers. Raw figures are in `results.json`.',
    '',
    '| figure | value | ceiling | ratio | measured |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'));
}

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

import { cpus } from 'node:os';
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
  /**
   * One item among many (one function's bundle): kept in results.json, left out of the summary
   * table, where a figure over all the items (the largest bundle) speaks for them.
   */
  detail?: boolean;
}

export interface RecordedFigure extends BenchFigure {
  ratio: number;
  measuredAt: string;
}

/** What results.json holds: the figures of one run of `npm run bench`, and nothing older. */
export interface BenchResults {
  run: { startedAt: string; machine: string; finishedAt?: string };
  figures: Record<string, RecordedFigure>;
}

/**
 * A partial run (`npm run bench -- --only …`) records into a scratch file of its own, named here for
 * the benchmarks it runs in child processes too, so that the last whole run's results stay as they were.
 */
export const RESULTS_FILE_ENV = 'FABRIC_BENCH_RESULTS';

const MACHINE = `${cpus().length} cores, Node ${process.version}`;
const TABLE = path.resolve(__dirname, 'README.md');

/**
 * The results file of a run. The run's parent process begins it and finishes it; benchmarks that
 * run in child processes of their own record into the same file, so every write re-reads it.
 */
export class ResultsFile {
  constructor(readonly file: string) {}

  /** Starts a run: whatever an earlier run wrote (figures since renamed included) is dropped. */
  begin(startedAt = new Date()): void {
    this.write({ run: { startedAt: startedAt.toISOString(), machine: MACHINE }, figures: {} });
  }

  /** Adds a figure to the run under way; one reported again under the same name replaces it. */
  record(figure: BenchFigure, at = new Date()): RecordedFigure {
    const results = this.read();
    const recorded = {
      ...figure,
      ratio: figure.ceiling ? Number((figure.value / figure.ceiling).toFixed(4)) : 0,
      measuredAt: at.toISOString(),
    };
    results.figures[figure.name] = recorded;
    this.write(results);
    return recorded;
  }

  /** Marks the run finished and returns what it recorded. */
  finish(at = new Date()): BenchResults {
    const results = this.read();
    results.run.finishedAt = at.toISOString();
    this.write(results);
    return results;
  }

  /** The run under way; a file from before runs were recorded whole reads as an empty run. */
  read(): BenchResults {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<BenchResults>;
      if (parsed.run && parsed.figures) return parsed as BenchResults;
    } catch {
      // No file yet: an empty run.
    }
    return { run: { startedAt: new Date().toISOString(), machine: MACHINE }, figures: {} };
  }

  private write(results: BenchResults): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(results, null, 2)}\n`);
  }
}

/** The run's results file, named when first written: `npm run bench` chooses it after its modules load. */
const results = () => new ResultsFile(process.env[RESULTS_FILE_ENV] ?? path.resolve(__dirname, 'results.json'));

/** Starts `npm run bench`'s run: results.json then holds this run's figures only. */
export function beginRun(): void {
  results().begin();
}

/** Records a figure in the run's results without printing it (a caller printing its own rows); returns its ratio. */
export function record(figure: BenchFigure): number {
  return results().record(figure).ratio;
}

/** Prints a figure beside its ceiling and ratio, and records it in the run's results. */
export function report(figure: BenchFigure): void {
  const ratio = record(figure);
  console.log(
    `${figure.name}: ${format(figure.value)} ${figure.unit}  | ceiling (${figure.ceilingName}): ${format(figure.ceiling)} ${figure.unit}  | ratio ${ratio.toFixed(3)}${figure.notes ? `  | ${figure.notes}` : ''}`,
  );
}

/**
 * Ends the run and returns its summary table, to be printed; a whole run also writes it to
 * bench/README.md, a partial one only to its scratch results.
 */
export function finishRun({ partial }: { partial: boolean }): string[] {
  const lines = summaryTable(results().finish());
  if (partial) return lines;
  writeFileSync(
    TABLE,
    [
      '# Benchmarks',
      '',
      'Written by `npm run bench`. Each figure stands next to a ceiling measured in the same run, so compare',
      'ratios across machines, not absolute numbers. Every figure of the run, one row per function included,',
      'is in `results.json`; each run replaces it whole.',
      '',
      ...lines,
      '',
    ].join('\n'),
  );
  return lines;
}

/** The run's headline figures (not the per-item details) as a Markdown table, with when and where they were measured. */
export function summaryTable(run: BenchResults): string[] {
  const rows = Object.values(run.figures)
    .filter((figure) => !figure.detail)
    .map(
      (figure) =>
        `| ${figure.name} | ${format(figure.value)} ${figure.unit} | ${figure.ceilingName}: ${format(figure.ceiling)} ${figure.unit} | ${figure.ratio.toFixed(3)} |`,
    );
  return [
    `One run, started ${run.run.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${run.run.machine}.`,
    '',
    '| figure | value | ceiling | ratio |',
    '| --- | --- | --- | --- |',
    ...rows,
  ];
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

export function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

/**
 * Run by `npm run test:mutation` after Stryker: the mutation score per capability (the folder under
 * shared/domain/), read from Stryker's JSON report. Score = mutants detected (killed or timed out) over
 * detected + undetected (survived, or covered by no test); compile and runtime errors and ignored mutants
 * count in neither, as in Stryker's own score. "covered" leaves out mutants no test reaches, to tell a
 * weak test from a missing one. Prints only: the aim (80%) is a target, not a gate.
 */
import { readFileSync } from 'node:fs';

const REPORT = process.argv[2] ?? 'reports/mutation/mutation.json';
const AIM = 80;

interface MutationReport {
  files: Record<string, { mutants: { status: string }[] }>;
}

interface Tally {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  other: number;
}

const empty = (): Tally => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, other: 0 });
const KEY: Record<string, keyof Tally> = {
  Killed: 'killed',
  Timeout: 'timeout',
  Survived: 'survived',
  NoCoverage: 'noCoverage',
};

/** The capability a mutated file belongs to: its folder under shared/domain/. */
function capabilityOf(file: string): string {
  return /shared\/domain\/([^/]+)\//.exec(file.replaceAll('\\', '/'))?.[1] ?? '(other)';
}

const report = JSON.parse(readFileSync(REPORT, 'utf8')) as MutationReport;
const tallies = new Map<string, Tally>();
const total = empty();
for (const [file, { mutants }] of Object.entries(report.files)) {
  const tally = tallies.get(capabilityOf(file)) ?? empty();
  tallies.set(capabilityOf(file), tally);
  for (const { status } of mutants) {
    const key = KEY[status] ?? 'other';
    tally[key] += 1;
    total[key] += 1;
  }
}

const percent = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`);
const row = (name: string, t: Tally) => {
  const detected = t.killed + t.timeout;
  const score = percent(detected, detected + t.survived + t.noCoverage);
  const mark =
    detected + t.survived + t.noCoverage > 0 && (100 * detected) / (detected + t.survived + t.noCoverage) < AIM
      ? '  below aim'
      : '';
  return (
    [
      name.padEnd(12),
      String(detected + t.survived + t.noCoverage).padStart(7),
      String(detected).padStart(8),
      String(t.survived).padStart(8),
      String(t.noCoverage).padStart(11),
      score.padStart(7),
      percent(detected, detected + t.survived).padStart(8),
    ].join(' ') + mark
  );
};

console.log(`\nMutation score per capability (aim ${AIM}%), from ${REPORT}`);
console.log(
  ['capability'.padEnd(12), 'mutants', 'detected', 'survived', 'no coverage', '  score', ' covered'].join(' '),
);
for (const name of [...tallies.keys()].sort()) console.log(row(name, tallies.get(name)!));
console.log(row('all', total));

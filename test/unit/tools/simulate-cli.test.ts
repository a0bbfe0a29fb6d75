import { tsx } from '../support/command-line-process';

// Child processes load tsx and the simulation's modules: a few seconds each on a busy machine.
jest.setTimeout(60_000);

const USAGE =
  'usage: npm run simulate -- [--orders <n>] [--stores <n>] [--skus <n>] [--seed <n>] [--faults <fault,...|all>] [--concurrency <n>] [--report <file.json>]\n';

// Each of these is refused before the simulation starts its fabric, so none takes longer than loading the script.
describe('npm run simulate', () => {
  test('answers a count that is not a number with the usage, exit status 2 and no stack trace', async () => {
    const run = await tsx(['scripts/simulate.ts', '--orders', 'abc']);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`--orders must be a positive whole number; got "abc"\n${USAGE}`);
  });

  test('answers an unknown flag with the usage and exit status 2', async () => {
    const run = await tsx(['scripts/simulate.ts', '--bogus']);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`unknown flag --bogus\n${USAGE}`);
  });

  test('answers an unknown fault in its own words, naming the flag, with exit status 2', async () => {
    const run = await tsx(['scripts/simulate.ts', '--faults', 'storm,meteor']);

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^--faults: unknown fault "meteor"; use [a-z,-]+ or all\nusage: npm run simulate -- /);
  });

  test('prints the usage and the defaults for --help without starting a fabric', async () => {
    const run = await tsx(['scripts/simulate.ts', '--help']);

    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^usage: npm run simulate -- [^\n]+\n\n[^\n]+\ndefaults: --orders 200, --stores 3, --skus 20, --seed 7, --concurrency 8\n$/,
    );
  });
});

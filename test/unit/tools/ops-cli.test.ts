import {
  HelpRequested,
  UsageError,
  argument,
  defineCommand,
  oneOf,
  option,
  optionalArgument,
  parseCommand,
  positiveWholeNumber,
  switchFlag,
} from '../../../scripts/ops/command-line';
import { opsCommands } from '../../../scripts/ops/commands';
import { tsx } from '../support/command-line-process';

// Child processes load tsx and the command grammar: a few seconds each on a busy machine.
jest.setTimeout(60_000);

const restock = defineCommand({
  program: 'npm run ops --',
  name: 'stock receive',
  summary: 'receive units of a SKU',
  args: [
    argument('sku'),
    argument('quantity', positiveWholeNumber),
    optionalArgument('location', oneOf(['wh-east', 'store-042'])),
  ],
  flags: { channel: option('channel'), 'dry-run': switchFlag(), cases: option('n', positiveWholeNumber, 1) },
});

function thrownBy(argv: string[]): unknown {
  try {
    parseCommand(restock, argv);
  } catch (error) {
    return error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

function refusal(argv: string[]): UsageError {
  const error = thrownBy(argv);
  if (error instanceof UsageError) return error;
  throw error;
}

describe('the command-line grammar', () => {
  test('reads positional arguments and flags into the values their readers make', () => {
    const parsed = parseCommand(restock, [
      'TEE-RED-M',
      '12',
      '--dry-run',
      '--channel=shopify',
      'store-042',
      '--cases',
      '3',
    ]);

    expect(parsed).toEqual({
      args: ['TEE-RED-M', 12, 'store-042'],
      flags: { channel: 'shopify', 'dry-run': true, cases: 3 },
    });
  });

  test('leaves an absent optional argument undefined and an absent flag at its fallback', () => {
    expect(parseCommand(restock, ['TEE-RED-M', '12'])).toEqual({
      args: ['TEE-RED-M', 12, undefined],
      flags: { channel: undefined, 'dry-run': false, cases: 1 },
    });
  });

  test('refuses an unknown flag by name, with the usage of the command', () => {
    const error = refusal(['TEE-RED-M', '12', '--bogus']);

    expect(error.message).toBe('unknown flag --bogus');
    expect(error.usage).toBe(
      'npm run ops -- stock receive <sku> <quantity> [location] [--channel <channel>] [--dry-run] [--cases <n>]',
    );
  });

  test('refuses a missing positional argument and an extra one', () => {
    expect(refusal(['TEE-RED-M']).message).toBe('missing <quantity>');
    expect(refusal(['TEE-RED-M', '12', 'wh-east', 'spare']).message).toBe('unexpected argument "spare"');
  });

  test('refuses a value its reader does not accept, naming the argument', () => {
    expect(refusal(['TEE-RED-M', 'abc']).message).toBe('<quantity> must be a positive whole number; got "abc"');
    expect(refusal(['TEE-RED-M', '12', '--cases', '0']).message).toBe(
      '--cases must be a positive whole number; got "0"',
    );
    expect(refusal(['TEE-RED-M', '12', 'wh-west']).message).toBe(
      '<location> must be one of wh-east, store-042; got "wh-west"',
    );
  });

  test('refuses a flag without its value rather than take the next flag as the value', () => {
    expect(refusal(['TEE-RED-M', '12', '--channel', '--dry-run']).message).toBe(
      '--channel needs a value: --channel <channel>',
    );
    expect(refusal(['TEE-RED-M', '12', '--dry-run=yes']).message).toBe('--dry-run takes no value');
  });

  test('answers --help with the usage, the summary and the defaults instead of reading the line', () => {
    const asked = thrownBy(['TEE-RED-M', '--bogus', '--help']);

    expect(asked).toBeInstanceOf(HelpRequested);
    expect((asked as HelpRequested).help).toBe(
      'usage: npm run ops -- stock receive <sku> <quantity> [location] [--channel <channel>] [--dry-run] [--cases <n>]\n\nreceive units of a SKU\ndefaults: --cases 1',
    );
  });

  test('refuses a replay window that ends before it starts', () => {
    expect(() =>
      parseCommand(opsCommands.replay, ['--from', '2026-11-23T10:00:00Z', '--to', '2026-11-23T09:00:00Z']),
    ).toThrow('--to (now, when left off) must be after --from');
  });

  test('refuses a POS upload whose file is missing or whose path breaks the upload contract', () => {
    expect(() =>
      parseCommand(opsCommands.posUpload, ['test/fixtures/pos/missing.csv', 'store-042', '2026-11-23', 'B1']),
    ).toThrow('<file> must name a file; there is none at "test/fixtures/pos/missing.csv"');
    expect(() =>
      parseCommand(opsCommands.posUpload, ['test/fixtures/pos/store-042-batch.csv', 'store-042', '23.11.2026', 'B1']),
    ).toThrow('<businessDate> as YYYY-MM-DD');
  });
});

describe('npm run ops', () => {
  test('answers an unknown flag with the usage of the command and exit status 2, before looking for a fabric', async () => {
    const run = await tsx(['scripts/ops.ts', 'dlq', 'list', '--bogus']);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe('unknown flag --bogus\nusage: npm run ops -- dlq list\n');
  });

  test('answers a bad value with exit status 2 and a reason naming the flag, not a stack trace', async () => {
    const run = await tsx(['scripts/ops.ts', 'replay', '--from', 'yesterday']);

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^--from must be an ISO time, e\.g\. [^\n]+; got "yesterday"\nusage: npm run ops -- replay --from <time> /,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test("answers an unknown command with the usage of its group's commands and exit status 2", async () => {
    const run = await tsx(['scripts/ops.ts', 'dlq', 'purge']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'unknown command "dlq purge"\nusage: npm run ops -- dlq list\n       npm run ops -- dlq peek <rule>',
    );
  });

  test("prints one command's usage for --help and exits 0", async () => {
    const run = await tsx(['scripts/ops.ts', 'inventory', 'show', '--help']);

    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toBe(
      'usage: npm run ops -- inventory show <sku>\n\nstock per location and what each channel is shown\n',
    );
  });

  test("prints the usage of a group's commands for `dlq --help` and exits 0", async () => {
    const run = await tsx(['scripts/ops.ts', 'dlq', '--help']);

    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^usage: npm run ops -- dlq list\n {7}npm run ops -- dlq peek <rule> .*\n {7}npm run ops -- dlq redrive <rule> /,
    );
  });
});

describe('a reader that stops early', () => {
  test('ends the command quietly: no EPIPE trace, exit status 0', async () => {
    // What `dlq list | head -1` does to a command that prints a line per queue, with calls between the lines.
    const lister = `
      import { runCommandLine } from './scripts/ops/command-line';
      runCommandLine(async () => {
        for (let queue = 0; queue < 40; queue += 1) {
          console.log(\`queue-\${queue}-dlq      0 message(s)\`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });`;

    const run = await tsx(['-e', lister], { readOneChunk: true });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^queue-0-dlq/);
  });
});

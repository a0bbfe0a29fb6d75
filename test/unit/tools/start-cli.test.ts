import { tsx } from '../support/command-line-process';

// A child process loads tsx and the start script: a few seconds on a busy machine.
jest.setTimeout(60_000);

describe('npm start', () => {
  test('answers an unknown flag with the usage and exit status 2, and starts nothing', async () => {
    const run = await tsx(['scripts/start.ts', '--rest']);

    expect(run.status).toBe(2);
    expect(run.stderr).toBe('unknown flag --rest\nusage: npm start -- [--reset] [--sample] [--verbose]\n');
    expect(run.stdout).toBe('');
  });
});

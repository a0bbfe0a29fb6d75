import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** The ops console's page loads (bench/console-load.fabric.ts), in a process of its own: it starts a local fabric. */
export function benchConsoleLoad(): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'console-load.fabric.ts')], {
    stdio: 'inherit',
    timeout: 5 * 60_000,
  });
}

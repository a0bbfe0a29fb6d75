import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export interface FinishedRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry point of this repository in a process of its own, as `npm run` does (this
 * node, tsx, the repository root as working directory): `tsx(['scripts/ops.ts', 'dlq', 'list'])`.
 * With `readOneChunk`, the reader goes away after the first chunk of stdout, as `| head -1` does.
 */
export function tsx(args: readonly string[], { readOneChunk = false } = {}): Promise<FinishedRun> {
  const child = spawn(process.execPath, [TSX, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (readOneChunk) child.stdout.destroy();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build, buildSync, type BuildOptions } from 'esbuild';
import { CONSOLE_DIST } from '../local-fabric/console-site';

export { CONSOLE_DIST };

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Bundles the ops console (Preact, Pico CSS, Chart.js) with the project's own esbuild into
 * console/dist: index.html and assets/console.{js,css}. Takes well under a second, so `npm start`
 * and the e2e tests build it every time rather than trusting an old copy.
 */
export async function buildConsole(outDir = CONSOLE_DIST): Promise<string> {
  await build(prepareBuild(outDir));
  return withPage(outDir);
}

/** The same build, blocking: CDK's local bundling of the console asset (infra/constructs/ops-console.ts) cannot await. */
export function buildConsoleSync(outDir = CONSOLE_DIST): string {
  buildSync(prepareBuild(outDir));
  return withPage(outDir);
}

/** Makes the output folder and returns esbuild's options for the bundle in it. */
function prepareBuild(outDir: string): BuildOptions {
  mkdirSync(path.join(outDir, 'assets'), { recursive: true });
  return {
    entryPoints: { console: path.join(ROOT, 'console', 'src', 'main.tsx') },
    outdir: path.join(outDir, 'assets'),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(ROOT, 'console', 'tsconfig.json'),
    logLevel: 'warning',
  };
}

function withPage(outDir: string): string {
  copyFileSync(path.join(ROOT, 'console', 'index.html'), path.join(outDir, 'index.html'));
  return outDir;
}

if (require.main === module) {
  buildConsole().then(
    (dir) => console.log(`ops console built in ${path.relative(process.cwd(), dir)}`),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}

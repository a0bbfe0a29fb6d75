// Usage: node tethered.cjs <command> [args...]
//
// Runs an emulator so that it never outlives the runtime that started it, whatever ended the
// runtime: SIGKILL and a closed terminal run no exit handler, but they do close the pipe the runtime
// holds on this process's stdin. (Linux's parent-death signal would do it for Java alone, and not on
// a Mac.) SIGTERM from the runtime is a clean stop, passed on.
'use strict';
const { spawn } = require('node:child_process');

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (error) => {
  process.stderr.write(`${command}: ${error.message}\n`);
  process.exit(127);
});
// Waiting for the child before exiting leaves no zombie behind for a container's init to reap.
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 0)));

let ending = false;
function end() {
  if (ending) return;
  ending = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 3000).unref();
}
process.on('SIGTERM', end);
process.on('SIGINT', end);
process.stdin.on('end', end);
process.stdin.on('error', end);
process.stdin.resume();

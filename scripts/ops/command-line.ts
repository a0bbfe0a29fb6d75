import { parseArgs } from 'node:util';

/**
 * The command-line grammar the operator CLIs (ops, simulate) share. A command declares its
 * positional arguments and flags, each with a reader that turns text into a typed value;
 * parseCommand gives those values or throws a UsageError naming the argument at fault, and
 * runCommandLine turns that into exit status 2 with the command's usage.
 */

/** A command line that cannot run as given (unknown flag, missing argument, bad value): exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    readonly usage: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** `--help` on a command line: the command's usage and summary go to stdout, and nothing runs. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  constructor(readonly help: string) {
    super('usage asked for');
  }
}

/** Turns an argument's text into its value; throws an Error saying what was expected ("must be ..."). */
export type Reader<T> = (text: string) => T;

export interface Positional<T> {
  name: string;
  optional: boolean;
  read: Reader<T>;
}

export interface Flag<T> {
  /** What the usage line calls the flag's value; a switch (present or not) has none. */
  placeholder?: string;
  required: boolean;
  /** The value of an absent flag, for `--help` to show. */
  fallback?: T;
  /** The value from the flag's text, `true` for a switch that is present, `undefined` for an absent flag. */
  take(given: string | true | undefined): T;
}

type Flags = Record<string, Flag<unknown>>;

export interface Parsed<P extends readonly Positional<unknown>[], F extends Flags> {
  args: { -readonly [I in keyof P]: P[I] extends Positional<infer T> ? T : never };
  flags: { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };
}

export interface Command<
  P extends readonly Positional<unknown>[] = readonly Positional<unknown>[],
  F extends Flags = Flags,
> {
  /** How the CLI is run: `npm run ops --`. */
  program: string;
  /** The command's words after the program (`dlq peek`); empty for a CLI of one command. */
  name: string;
  summary: string;
  args: P;
  flags: F;
  /** A rule across arguments (`--to` after `--from`): why the line breaks it, or undefined. */
  check?(parsed: Parsed<P, F>): string | undefined;
}

/** Declares a command; the argument and flag types flow from the readers to what parseCommand returns. */
export function defineCommand<
  const P extends readonly Positional<unknown>[] = [],
  F extends Flags = Record<never, Flag<unknown>>,
>(command: {
  program: string;
  name: string;
  summary: string;
  args?: P;
  flags?: F;
  check?: (parsed: Parsed<P, F>) => string | undefined;
}): Command<P, F> {
  return { ...command, args: command.args ?? ([] as unknown as P), flags: command.flags ?? ({} as F) };
}

/** A positional argument that must be there: `<name>` in the usage line. */
export function argument(name: string): Positional<string>;
export function argument<T>(name: string, read: Reader<T>): Positional<T>;
export function argument<T>(name: string, read: Reader<T> = (text) => text as T): Positional<T> {
  return { name, optional: false, read };
}

/** A positional argument that may be left off; only the last ones of a command can be. */
export function optionalArgument(name: string): Positional<string | undefined>;
export function optionalArgument<T>(name: string, read: Reader<T>): Positional<T | undefined>;
export function optionalArgument<T>(name: string, read: Reader<T> = (text) => text as T): Positional<T | undefined> {
  return { name, optional: true, read };
}

/** A flag with a value: `--channel shopify`, `--channel=shopify`; absent, it is `fallback`. */
export function option(placeholder: string): Flag<string | undefined>;
export function option<T>(placeholder: string, read: Reader<T>): Flag<T | undefined>;
export function option<T>(placeholder: string, read: Reader<T>, fallback: T): Flag<T>;
export function option<T>(
  placeholder: string,
  read: Reader<T> = (text) => text as T,
  fallback?: T,
): Flag<T | undefined> {
  return {
    placeholder,
    required: false,
    fallback,
    take: (given) => (typeof given === 'string' ? read(given) : fallback),
  };
}

/** A flag with a value that must be given: `--from <time>` in the usage line. */
export function requiredOption<T>(placeholder: string, read: Reader<T>): Flag<T> {
  return { placeholder, required: true, take: (given) => read(String(given)) };
}

/** A flag without a value, such as `--dry-run`. */
export function switchFlag(): Flag<boolean> {
  return { required: false, take: (given) => given === true };
}

/** Accepts exactly one of the choices, such as a channel's name; the refusal lists them. */
export function oneOf<T extends string>(choices: readonly T[]): Reader<T> {
  return (text) => {
    if (!(choices as readonly string[]).includes(text))
      throw new Error(`must be one of ${choices.join(', ')}; got "${text}"`);
    return text as T;
  };
}

/** A count: 1, 2, ...; not 0, not 1.5, not "abc". */
export const positiveWholeNumber: Reader<number> = (text) => {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`must be a positive whole number; got "${text}"`);
  return Number(text);
};

/** A time as `new Date` reads it; ISO 8601 is what the refusal asks for. */
export const isoTime: Reader<Date> = (text) => {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new Error(`must be an ISO time, e.g. 2026-11-23T09:00:00Z; got "${text}"`);
  return time;
};

/** `npm run ops -- dlq peek <rule> [--channel <c>]`: the program, the name, then each argument and flag. */
export function usageOf(command: Command): string {
  return [command.program, synopsisOf(command)].filter(Boolean).join(' ');
}

/** The usage line without the program, as an overview of many commands lists them. */
export function synopsisOf(command: Command): string {
  const args = command.args.map((arg) => (arg.optional ? `[${arg.name}]` : `<${arg.name}>`));
  const flags = Object.entries(command.flags).map(([name, flag]) => {
    const written = flag.placeholder ? `--${name} <${flag.placeholder}>` : `--${name}`;
    return flag.required ? written : `[${written}]`;
  });
  return [command.name, ...args, ...flags].filter(Boolean).join(' ');
}

/**
 * Reads a command line against its command. Throws HelpRequested for `--help` (or `-h`), and a
 * UsageError naming the argument for an unknown flag, a flag without its value (or a switch given
 * one), a missing or extra positional argument, a value its reader refuses or a broken `check`.
 */
export function parseCommand<P extends readonly Positional<unknown>[], F extends Flags>(
  command: Command<P, F>,
  argv: readonly string[],
): Parsed<P, F> {
  const usage = usageOf(command);
  const refuse = (reason: string) => new UsageError(usage, reason);
  // Not strict: node's own errors would name the flag in a sentence of their own; the tokens let every refusal read alike.
  const { tokens } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(
      Object.entries(command.flags).map(
        ([name, flag]) => [name, { type: flag.placeholder ? 'string' : 'boolean' }] as const,
      ),
    ),
  });
  // Wherever it stands, and whatever else the line gets wrong.
  if (tokens.some((token) => token.kind === 'option' && (token.name === 'help' || token.name === 'h')))
    throw new HelpRequested(helpOf(command));
  const given = new Map<string, string | true>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const flag = command.flags[token.name];
    if (!flag) throw refuse(`unknown flag ${token.rawName}`);
    // `--report --seed 3` would otherwise take "--seed" as the report's file name.
    if (flag.placeholder && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))))
      throw refuse(`${token.rawName} needs a value: ${token.rawName} <${flag.placeholder}>`);
    if (!flag.placeholder && token.value !== undefined) throw refuse(`${token.rawName} takes no value`);
    given.set(token.name, token.value ?? true);
  }
  const missing = command.args.find((arg, i) => !arg.optional && positionals[i] === undefined);
  if (missing) throw refuse(`missing <${missing.name}>`);
  if (positionals.length > command.args.length)
    throw refuse(`unexpected argument "${positionals[command.args.length]}"`);

  const args = command.args.map((arg, i) =>
    positionals[i] === undefined ? undefined : readOrRefuse(usage, `<${arg.name}>`, () => arg.read(positionals[i])),
  );
  const flags = Object.fromEntries(
    Object.entries(command.flags).map(([name, flag]) => {
      if (flag.required && !given.has(name)) throw refuse(`--${name} is required`);
      return [name, readOrRefuse(usage, `--${name}`, () => flag.take(given.get(name)))];
    }),
  );
  const parsed = { args, flags } as Parsed<P, F>;
  const broken = command.check?.(parsed);
  if (broken) throw refuse(broken);
  return parsed;
}

/** `--help`: the usage, the summary, and what each flag left off stands for. */
function helpOf(command: Command): string {
  const defaults = Object.entries(command.flags)
    .filter(([, flag]) => flag.placeholder && flag.fallback !== undefined && String(flag.fallback) !== '')
    .map(([name, flag]) => `--${name} ${String(flag.fallback)}`);
  return [
    `usage: ${usageOf(command)}`,
    '',
    command.summary,
    ...(defaults.length ? [`defaults: ${defaults.join(', ')}`] : []),
  ].join('\n');
}

function readOrRefuse<T>(usage: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const message = (error as Error).message;
    // A reader that names the argument itself (the simulation's parseFaults does) keeps its own words.
    throw new UsageError(usage, message.startsWith(what) ? message : `${what} ${message}`);
  }
}

/**
 * Runs a CLI's main and ends the process: status 0 (or the exitCode main set), 2 with the reason and
 * the usage on stderr for a UsageError, 1 with `describe(error)` for any other failure. A reader
 * that stops early (`| head -1`) closes the pipe: the rest of the output is dropped without an EPIPE
 * trace, and the command still finishes what it was doing (a redrive half done helps nobody, and
 * the simulation still stops its fabric).
 */
export function runCommandLine(
  main: () => Promise<void>,
  describe: (error: Error) => string = (error) => error.message,
): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignoreClosedPipe);
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: Error) => {
      if (error instanceof HelpRequested) {
        console.log(error.help);
        process.exit(0);
      }
      if (error instanceof UsageError) {
        console.error(`${error.message}\nusage: ${error.usage}`);
        process.exit(2);
      }
      console.error(describe(error));
      process.exit(1);
    },
  );
}

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

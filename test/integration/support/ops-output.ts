/** What an ops command prints, line by line. */
export async function printedBy(command: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  try {
    await command();
  } finally {
    log.mockRestore();
  }
  return lines;
}

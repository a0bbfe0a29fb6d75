import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { TRANSITIONS } from '#domain/orders/lifecycle';

const root = path.resolve(__dirname, '../../..');
const pages = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The page's lines outside fenced code blocks: a `#` or `[x](y)` inside a fence is code, not markdown. */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (line.trimStart().startsWith('```')) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Relative link targets in the page's prose (inline code spans excluded), as written. */
function relativeLinks(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    for (const match of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(match[1])) targets.push(match[1]);
    }
  }
  return targets;
}

/** Why each relative link of a page does not resolve; empty when every one does. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  const markdown = readFileSync(path.join(root, page), 'utf8');
  for (const target of relativeLinks(markdown)) {
    const [file, anchor] = target.split('#', 2);
    const resolved = file ? path.resolve(path.dirname(path.join(root, page)), file) : path.join(root, page);
    if (!existsSync(resolved)) {
      broken.push(`${target}: no such file`);
    } else if (anchor !== undefined && !headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) {
      broken.push(`${target}: no heading with that anchor`);
    }
  }
  return broken;
}

/** Repository paths a page names in code spans (`shared/domain/orders/lifecycle.ts`), placeholders and globs left out. */
function namedPaths(markdown: string): string[] {
  const spans = proseLines(markdown).flatMap((line) => [...line.matchAll(/`([^`\s]+)`/g)].map((match) => match[1]));
  return spans.filter(
    (span) => /^(shared|events|functions|infra|scripts|test|bench)\//.test(span) && !/[<>{}*]/.test(span),
  );
}

describe('the documentation', () => {
  test.each(pages)('%s links only to files and headings that exist', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  test.each(pages)('%s names only source paths that exist', (page) => {
    const missing = namedPaths(readFileSync(path.join(root, page), 'utf8')).filter(
      (named) => !existsSync(path.join(root, named)),
    );
    expect(missing).toEqual([]);
  });

  test('README.md stays a page a newcomer reads: under 200 lines', () => {
    const lines = readFileSync(path.join(root, 'README.md'), 'utf8').split('\n').length;
    expect(lines).toBeLessThan(200);
  });

  test('the order lifecycle diagram draws exactly the moves TRANSITIONS allows', () => {
    const markdown = readFileSync(path.join(root, 'docs/orders-and-erp.md'), 'utf8');
    const diagram = /```mermaid\nstateDiagram-v2\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
    const drawn = [...diagram.matchAll(/^\s*(\S+) --> (\S+): (\w+)/gm)].map(
      ([, from, to, on]) => `${from === '[*]' ? 'none' : from} -> ${to} on ${on}`,
    );
    const allowed = TRANSITIONS.flatMap((row) => row.from.map((from) => `${from} -> ${row.to} on ${row.on}`));
    expect(drawn.sort()).toEqual(allowed.sort());
  });
});

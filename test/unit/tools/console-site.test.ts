import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { consoleCaller, consoleFile } from '../../../scripts/local-fabric/console-site';

const built = mkdtempSync(path.join(tmpdir(), 'console-dist-'));
mkdirSync(path.join(built, 'assets'));
writeFileSync(path.join(built, 'index.html'), '<html><head><title>x</title></head></html>');
writeFileSync(path.join(built, 'assets', 'console.js'), 'export {}');
writeFileSync(path.join(path.dirname(built), 'secret.txt'), 'not the console');

describe("the local fabric's console files", () => {
  it('serves the page at /console and /console/ with a base that keeps its relative links below /console/', async () => {
    for (const at of ['/console', '/console/', '/console/index.html']) {
      const answer = await consoleFile(built, at);
      expect(answer?.statusCode).toBe(200);
      expect(String(answer?.body)).toContain('<base href="/console/" />');
    }
    expect((await consoleFile(built, '/console/assets/console.js'))?.headers['content-type']).toMatch(/javascript/);
  });

  it('answers config.json with the development users, and nothing outside the built directory', async () => {
    expect(JSON.parse(String((await consoleFile(built, '/console/config.json'))?.body))).toEqual({
      mode: 'local',
      users: [
        { name: 'dev-viewer', group: 'viewer' },
        { name: 'dev-operator', group: 'operator' },
      ],
    });
    expect(await consoleFile(built, `/console/../${path.basename(path.dirname(built))}/secret.txt`)).toBeUndefined();
    expect(await consoleFile(built, '/console/../secret.txt')).toBeUndefined();
    expect(await consoleFile(built, '/console/assets/none.js')).toBeUndefined();
  });
});

describe('a console request from a development user', () => {
  const read = { method: 'GET', path: '/exceptions', console: 'viewer' } as const;
  const fix = { method: 'POST', path: '/exceptions/{exceptionId}/dismiss', console: 'operator' } as const;

  it('passes a back-office caller without the header as before', () => {
    expect(consoleCaller({}, fix)).toEqual({});
  });

  it('grants each group what its role grants in AWS', () => {
    expect(consoleCaller({ 'x-fabric-console-user': 'dev-viewer' }, read)).toEqual({
      caller: { name: 'dev-viewer', group: 'viewer' },
    });
    expect(consoleCaller({ 'x-fabric-console-user': 'dev-viewer' }, fix)).toMatchObject({
      refusal: { statusCode: 403 },
    });
    expect(consoleCaller({ 'x-fabric-console-user': 'dev-operator' }, fix)).toEqual({
      caller: { name: 'dev-operator', group: 'operator' },
    });
    expect(
      consoleCaller({ 'x-fabric-console-user': 'dev-operator' }, { method: 'POST', path: '/prices' }),
    ).toMatchObject({
      refusal: { statusCode: 403 },
    });
  });

  it('refuses a name it does not know, naming the header', () => {
    expect(consoleCaller({ 'x-fabric-console-user': 'root' }, read)).toMatchObject({
      refusal: { statusCode: 401 },
    });
  });
});

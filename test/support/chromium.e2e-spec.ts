import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isExecutableFile, resolveChromium } from './chromium';

/**
 * Which browser the browser suites take (issue 17), on real files in a temp
 * dir and a made-up PATH — no browser is started.
 */
describe('resolveChromium', () => {
  let dir: string;
  let bin1: string; // first PATH entry
  let bin2: string; // second PATH entry
  let playwright: string;

  function executable(path: string): string {
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'afl-chromium-'));
    bin1 = join(dir, 'bin1');
    bin2 = join(dir, 'bin2');
    mkdirSync(bin1);
    mkdirSync(bin2);
    playwright = join(dir, 'ms-playwright', 'chromium-1255', 'chrome');
    mkdirSync(join(dir, 'ms-playwright', 'chromium-1255'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const path = () => [bin1, bin2].join(delimiter);

  it('takes CHROMIUM_PATH over every other browser', () => {
    const mine = executable(join(dir, 'my-chrome'));
    executable(playwright);
    executable(join(bin1, 'chromium'));
    expect(resolveChromium({ CHROMIUM_PATH: mine, PATH: path() }, playwright)).toEqual({
      source: 'CHROMIUM_PATH',
      path: mine,
    });
  });

  it('fails, naming the path, when CHROMIUM_PATH points at nothing — never another browser', () => {
    executable(playwright);
    executable(join(bin1, 'chromium'));
    const missing = join(dir, 'nothing-here');
    expect(() => resolveChromium({ CHROMIUM_PATH: missing, PATH: path() }, playwright)).toThrow(
      `CHROMIUM_PATH=${missing} is not an executable file`,
    );
  });

  it('fails when CHROMIUM_PATH is a file that cannot run, or a directory', () => {
    const notExecutable = join(dir, 'chrome.txt');
    writeFileSync(notExecutable, 'not a browser');
    expect(() => resolveChromium({ CHROMIUM_PATH: notExecutable }, undefined)).toThrow(notExecutable);
    expect(() => resolveChromium({ CHROMIUM_PATH: bin1 }, undefined)).toThrow(bin1);
  });

  it('treats an empty CHROMIUM_PATH as unset', () => {
    executable(playwright);
    expect(resolveChromium({ CHROMIUM_PATH: '', PATH: path() }, playwright)).toEqual({
      source: 'playwright',
      path: playwright,
    });
  });

  it('takes Playwright’s own browser over a system one, but only when it is installed', () => {
    const system = executable(join(bin2, 'chromium'));
    expect(resolveChromium({ PATH: path() }, playwright)).toEqual({
      source: 'system',
      path: system,
    });
    executable(playwright);
    expect(resolveChromium({ PATH: path() }, playwright)).toEqual({
      source: 'playwright',
      path: playwright,
    });
  });

  it('searches PATH for chromium, then chromium-browser, then google-chrome, skipping what cannot run', () => {
    const chrome = executable(join(bin1, 'google-chrome'));
    expect(resolveChromium({ PATH: path() }, playwright)).toEqual({
      source: 'system',
      path: chrome,
    });

    const browser = executable(join(bin2, 'chromium-browser'));
    expect(resolveChromium({ PATH: path() }, playwright)).toEqual({
      source: 'system',
      path: browser,
    });

    // A directory and a non-executable file named chromium do not count…
    mkdirSync(join(bin1, 'chromium'));
    writeFileSync(join(bin2, 'chromium'), 'not a browser');
    expect(resolveChromium({ PATH: path() }, playwright)).toEqual({
      source: 'system',
      path: browser,
    });

    // …a real one does, in the earliest PATH entry that has it.
    rmSync(join(bin2, 'chromium'));
    const bin0 = join(dir, 'bin0');
    mkdirSync(bin0);
    const first = executable(join(bin0, 'chromium'));
    executable(join(bin2, 'chromium'));
    expect(resolveChromium({ PATH: [bin0, bin1, bin2].join(delimiter) }, playwright)).toEqual({
      source: 'system',
      path: first,
    });
  });

  it('ignores empty and relative PATH entries', () => {
    const previous = process.cwd();
    process.chdir(dir);
    try {
      executable(join(bin1, 'chromium'));
      expect(resolveChromium({ PATH: ['', 'bin1', '.'].join(delimiter) }, undefined)).toEqual({
        source: '@sparticuz/chromium',
      });
    } finally {
      process.chdir(previous);
    }
  });

  it('falls back to the npm @sparticuz/chromium when nothing else is there', () => {
    expect(resolveChromium({ PATH: path() }, playwright)).toEqual({
      source: '@sparticuz/chromium',
    });
    expect(resolveChromium({}, undefined)).toEqual({
      source: '@sparticuz/chromium',
    });
  });

  it('isExecutableFile: only regular files with the execute bit', () => {
    expect(isExecutableFile(executable(join(dir, 'x')))).toBe(true);
    writeFileSync(join(dir, 'y'), '');
    expect(isExecutableFile(join(dir, 'y'))).toBe(false);
    expect(isExecutableFile(dir)).toBe(false);
    expect(isExecutableFile(join(dir, 'missing'))).toBe(false);
  });
});

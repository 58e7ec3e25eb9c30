import { accessSync, existsSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './test-env';

/** Where every browser step leaves a screenshot, for anyone to look at. */
export const SCREENSHOT_DIR = join(ROOT, 'test', 'artifacts', 'screenshots');

/** The names a system Chromium answers to on PATH, in the order they are tried. */
export const SYSTEM_CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const;

export type ChromiumChoice =
  | { source: 'CHROMIUM_PATH' | 'playwright' | 'system'; path: string }
  /** The npm package's browser: its path is only known once it is unpacked. */
  | { source: '@sparticuz/chromium' };

/** A regular file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which browser the tests drive, in this order:
 *  1. `CHROMIUM_PATH` when set (an empty value counts as unset); if it is not
 *     an executable file this throws, naming it — never another browser;
 *  2. the browser Playwright installed itself (`npx playwright install
 *     chromium`), when `playwrightPath` exists;
 *  3. `chromium`, `chromium-browser` or `google-chrome` on `PATH` (each name
 *     through all of PATH before the next name);
 *  4. `@sparticuz/chromium`, the devDependency, always there.
 * Pure apart from `isExecutable`, which tests may replace.
 */
export function resolveChromium(
  env: { CHROMIUM_PATH?: string; PATH?: string },
  playwrightPath: string | undefined,
  isExecutable: (path: string) => boolean = isExecutableFile,
): ChromiumChoice {
  const wanted = env.CHROMIUM_PATH;
  if (wanted !== undefined && wanted !== '') {
    if (!isExecutable(wanted)) {
      throw new Error(
        `CHROMIUM_PATH=${wanted} is not an executable file: point it at a Chromium, or unset it ` +
          'to use Playwright’s, the system’s or the npm @sparticuz/chromium browser',
      );
    }
    return { source: 'CHROMIUM_PATH', path: wanted };
  }
  if (playwrightPath && isExecutable(playwrightPath)) return { source: 'playwright', path: playwrightPath };
  // Relative or empty PATH entries would depend on the working directory: skipped.
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && isAbsolute(dir));
  for (const name of SYSTEM_CHROMIUM_NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutable(path)) return { source: 'system', path };
    }
  }
  return { source: '@sparticuz/chromium' };
}

/** Where Playwright keeps its own Chromium, installed or not. */
function playwrightChromiumPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined; // a platform Playwright has no build for
  }
}

const PROJECT_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * @sparticuz/chromium's flags (made for AWS Lambda) that these tests leave out:
 * - `--disable-web-security`, `--allow-running-insecure-content`: the page
 *   would behave unlike a real browser, and the suites check what pages may
 *   and may not load;
 * - `--single-process`, `--no-zygote`: under Playwright the browser dies as
 *   soon as the first context closes;
 * - `--disable-features=…`, `--enable-features=…`: Chromium keeps only the
 *   last of each, which would replace Playwright's own lists;
 * - its quoted `--headless='shell'`: Playwright passes `--headless` itself.
 */
const SPARTICUZ_ARGS_DROPPED =
  /^--(disable-web-security|allow-running-insecure-content|single-process|no-zygote|disable-features|enable-features|headless)(=|$)/;

/**
 * Unpacks @sparticuz/chromium into the temp dir (`executablePath()` does it
 * once; later calls reuse `/tmp/chromium`). Other test runs on this machine
 * may do the same at the same moment, and a killed run leaves a half-written
 * binary that the package would reuse, so: one unpacker at a time (a lock
 * directory), and a marker written only after a complete unpack.
 */
async function unpackSparticuz(): Promise<{
  path: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  version: string;
}> {
  const { default: Sparticuz } = await import('@sparticuz/chromium');
  const { version } = JSON.parse(
    // The package exports no ./package.json: it sits two folders above build/cjs/index.cjs.
    readFileSync(join(dirname(require.resolve('@sparticuz/chromium')), '..', '..', 'package.json'), 'utf8'),
  ) as { version: string };
  const tmp = tmpdir();
  const lock = join(tmp, 'chromium.unpack-lock');
  const marker = join(tmp, 'chromium.unpacked');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000)
        rmSync(lock, { recursive: true, force: true }); // its owner died
      else if (Date.now() > deadline) throw new Error(`${lock} held for 3 minutes: remove it if no test runs`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    const unpacked = statSync(marker, { throwIfNoEntry: false }) && readFileSync(marker, 'utf8');
    if (unpacked !== version) {
      for (const leftover of ['chromium', 'fonts', 'libGLESv2.so']) {
        rmSync(join(tmp, leftover), { recursive: true, force: true });
      }
    }
    const path = await Sparticuz.executablePath();
    writeFileSync(marker, version);
    const args = Sparticuz.args.filter((arg) => !SPARTICUZ_ARGS_DROPPED.test(arg));
    // Its Chromium reads the system's fontconfig; a machine with none gets the
    // package's own Open Sans (unpacked to <tmp>/fonts) instead of blank text.
    const env =
      process.env.FONTCONFIG_PATH || existsSync('/etc/fonts/fonts.conf')
        ? undefined
        : { ...process.env, FONTCONFIG_PATH: join(tmp, 'fonts') };
    return {
      path,
      args: [...new Set([...PROJECT_ARGS, ...args])],
      env,
      version,
    };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let announced = false;

/** A headless Chromium from `resolveChromium`, never one downloaded at test time. */
export async function launchChromium(): Promise<Browser> {
  const choice = resolveChromium(process.env, playwrightChromiumPath());
  let launch: { path: string; args: string[]; env?: NodeJS.ProcessEnv };
  let from: string;
  if (choice.source === '@sparticuz/chromium') {
    const unpacked = await unpackSparticuz();
    launch = unpacked;
    from = `npm @sparticuz/chromium ${unpacked.version}`;
  } else {
    launch = { path: choice.path, args: [...PROJECT_ARGS, '--disable-gpu'] };
    from = {
      CHROMIUM_PATH: 'CHROMIUM_PATH',
      playwright: 'Playwright’s own',
      system: 'system PATH',
    }[choice.source];
  }
  if (!announced) {
    announced = true;
    process.stderr.write(`Chromium: ${from} → ${launch.path}\n`);
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: launch.path,
    headless: true,
    args: launch.args,
    env: launch.env,
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: true,
  });
}

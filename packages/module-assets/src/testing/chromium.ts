import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/*
 * One way to start Chromium for every browser test in the repository (the module's pages, the
 * docs site): Debian's build, headless, without a sandbox (tests run as root in CI), a GPU, or any
 * traffic of its own, so that a test that watches for requests leaving loopback sees only the
 * page's. `npx playwright install` cannot work here; CI installs `chromium` with apt.
 */

/** Where Chromium is: CHROMIUM_PATH, or Debian's. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags from the toolchain notes (no `--user-data-dir`: playwright sets its own). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts Chromium, or throws saying how to install it. Share one per test file: each launch
 * costs seconds on a small machine.
 *
 * @example
 * const browser = await launchChromium();
 * const page = await (await browser.newContext()).newPage();
 */
export async function launchChromium(what = 'this browser test'): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` ` +
        `(or set CHROMIUM_PATH). ${what} does not run without it.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

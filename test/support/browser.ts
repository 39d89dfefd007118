import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import type { TestApp } from './test-app';

/** Debian's Chromium (playwright cannot download browsers here); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Serves `t` on a local port and starts a headless Chromium: the page's origin, and the browser. */
export async function openBrowser(t: TestApp): Promise<{ base: string; browser: Browser }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  return { base, browser };
}

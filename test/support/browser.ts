// Headless Chromium for browser specs, from npm packages alone: @sparticuz/chromium ships
// the browser binary (unpacked into the temp directory on first use), playwright-core drives it.
import chromium from '@sparticuz/chromium';
import { Browser, chromium as playwright } from 'playwright-core';

export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    headless: true,
    // Single-process mode (meant for AWS Lambda) ends the browser with its last context; specs open one per test.
    args: [
      ...chromium.args.filter((arg) => arg !== '--single-process'),
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

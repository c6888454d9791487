import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'

/** Where the tests expect Chromium: Debian's `chromium` package. */
export const CHROMIUM = '/usr/bin/chromium'
export const chromiumAvailable = existsSync(CHROMIUM)
export const CHROMIUM_SKIP_NOTE = `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) to open reports in a browser`

/** Starts headless Chromium without a sandbox, a GPU or background traffic. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * `npm run screenshot`: renews docs/images/dashboard.png, the README's picture of the dashboard,
 * from the example bot after 25 s of trading, in Debian's Chromium. Tests never write it.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startBot } from '../examples/trading-bot/bot.js';

const target = resolve(import.meta.dirname, '../docs/images/dashboard.png');
const bot = await startBot({ symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], rate: 10, port: 0, seed: 42, drainMillis: 0 }, () => undefined);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1400 }, colorScheme: 'dark' });
  await page.goto(`${bot.telemetry.url ?? ''}/`);
  await page.waitForTimeout(25_000);
  await mkdir(dirname(target), { recursive: true });
  await page.screenshot({ path: target, fullPage: true });
  console.log(`wrote ${target}`);
} finally {
  await browser.close();
  await bot.stop('screenshot taken');
}

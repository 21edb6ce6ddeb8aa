import { launchBrowser, newPage } from './lib/harness.mjs'
import { login } from './lib/console.mjs'
const browser = await launchBrowser()
for (const [locale, w] of [['zh-CN', 1440], ['en-US', 1440], ['zh-CN', 1024]]) {
  const page = await newPage(browser, { width: w, height: 900, baseURL: 'http://127.0.0.1:8080' })
  await login(page, 'admin')
  await page.evaluate((l) => localStorage.setItem('cloop.locale', l), locale)
  await page.goto('/admin/routing')
  const card = page.getByTestId('routing-outcomes')
  await card.locator('.tile').first().waitFor()
  await card.scrollIntoViewIfNeeded()
  await card.screenshot({ path: `/tmp/look-outcomes-${locale}-${w}.png` })
  await page.close()
}
await browser.close()

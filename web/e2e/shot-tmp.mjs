import { launchBrowser, newPage } from './lib/harness.mjs'
import { login } from './lib/console.mjs'
const [url, user, out, lang] = process.argv.slice(2)
const browser = await launchBrowser()
const page = await newPage(browser, { width: 1280, height: 900, baseURL: url })
await login(page, user)
if (lang) { await page.getByRole('button', { name: '语言' }).click(); await page.getByRole('menuitem', { name: 'English' }).click() }
await page.getByTestId('hot-words').locator('.hot__word').first().waitFor()
await page.waitForTimeout(1500)
await page.screenshot({ path: out, fullPage: true })
await browser.close()

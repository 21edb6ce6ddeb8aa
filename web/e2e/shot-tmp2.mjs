import { launchBrowser, newPage } from './lib/harness.mjs'
import { login } from './lib/console.mjs'
const [url, user, out, path, w] = process.argv.slice(2)
const browser = await launchBrowser()
const page = await newPage(browser, { width: Number(w || 1440), height: 900, baseURL: url })
await login(page, user)
await page.goto(path)
await page.waitForTimeout(2500)
await page.screenshot({ path: out, fullPage: true })
await browser.close()

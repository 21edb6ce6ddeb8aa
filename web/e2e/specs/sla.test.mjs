// (e) SLA clocks, risk and alerts, and their admin pages. The server runs its scheduler every
// second, so the demo's complaints that are already past their deadlines raise SLA alerts and
// escalations right after start. A supervisor sees the live unread count on the bell, works the
// alert centre (mark read, acknowledge), opens the overdue queue with red countdowns, and a
// complaint with its risk panel, escalation chain and the system's SLA events; the admin edits
// the business calendar (a year not loaded, a new year, an imported file) and the warning
// settings (a field error next to its input); the complaint detail once in English.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ApiSession, SCREENS, launchBrowser, newPage, startServer } from '../lib/harness.mjs'
import { assertNoPageErrors, sequence } from '../lib/steps.mjs'
import { consoleShot, login } from '../lib/console.mjs'

let server
let browser
let sup
const WIDE = { width: 1440, height: 900 }

before(async () => {
  server = await startServer({ serveArgs: ['--scheduler-interval', '1'] })
  browser = await launchBrowser()
  sup = await ApiSession.login(server.url, 'a.supervisor1')
  // The scheduler's first passes alert the supervisor about the demo's overdue complaints
  // (how many depends on the time of day the demo is made). The steps below read one and must
  // still find an unread one to mark all read.
  const deadline = Date.now() + 60_000
  for (;;) {
    const r = await sup.ok('GET', '/alerts/unread')
    if (r.unread >= 2) break
    if (Date.now() > deadline) throw new Error(`e2e: ${r.unread} alerts for a.supervisor1 within 60 s of the scheduler starting, 2 wanted`)
    await new Promise((res) => setTimeout(res, 500))
  }
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

/** The most urgent overdue complaint the supervisor sees (pinned level-1 first). */
async function overdueCase() {
  const page = await sup.ok('GET', '/complaints?queue=overdue&sort=risk&order=desc&per_page=20')
  assert.ok(page.total > 0, 'the demo has overdue complaints')
  // One the scheduler has already written an SLA event for.
  for (const row of page.items) {
    const d = await sup.ok('GET', `/complaints/${row.id}`)
    if (d.events.some((e) => e.kind === 'sla_alert')) return { row, detail: d }
  }
  const d = await sup.ok('GET', `/complaints/${page.items[0].id}`)
  return { row: page.items[0], detail: d }
}

test('supervisor: bell, alert centre, overdue queue, complaint risk and escalation chain', async (t) => {
  const page = await newPage(browser, { ...WIDE, baseURL: server.url })
  const step = sequence(t, () => [page])
  let unreadBefore = 0

  await step('the bell shows the unread alerts live', async () => {
    await login(page, 'a.supervisor1')
    await page.goto('/workbench')
    const bell = page.getByTestId('alert-bell')
    await bell.waitFor()
    await page.waitForFunction(() => /条未读/.test(document.querySelector('[data-testid="alert-bell"]')?.getAttribute('aria-label') ?? ''))
    unreadBefore = (await sup.ok('GET', '/alerts/unread')).unread
    const label = await bell.getAttribute('aria-label')
    assert.match(label, /\d+ 条未读/)
    await bell.click()
    const pop = page.getByRole('dialog', { name: '预警中心' })
    await pop.waitFor()
    await pop.locator('.item').first().waitFor()
    await consoleShot(page, 'sla-01-bell')
    await pop.getByRole('button', { name: '查看全部预警' }).click()
    await page.waitForURL('**/alerts')
  })

  await step('the alert centre lists unread alerts; mark read and acknowledge', async () => {
    await page.getByRole('heading', { name: '预警中心' }).waitFor()
    const rows = page.locator('.alert-table .el-table__body-wrapper tr.el-table__row')
    await rows.first().waitFor()
    assert.ok((await rows.count()) > 0)
    await consoleShot(page, 'sla-02-alert-centre')
    // Mark the first one read: it leaves the unread list and the bell counts one less.
    const first = rows.first()
    await first.getByRole('button', { name: '标为已读' }).click()
    await page.getByText('已标记 1 条为已读').waitFor()
    await page.waitForFunction(
      (n) => /(\d+) 条未读/.exec(document.querySelector('[data-testid="alert-bell"]')?.getAttribute('aria-label') ?? '')?.[1] < n,
      unreadBefore,
    )
    // All alerts: acknowledge the one just read, so that the unread ones are left for "mark
    // all read" (acknowledging the first row took the last unread one when there were two).
    await page.getByRole('tab', { name: '全部' }).click()
    await page.waitForURL('**/alerts?show=all')
    const readRow = rows.filter({ has: page.locator('.st:not(.st--unread):not(.st--acked)') }).first()
    await readRow.waitFor()
    await readRow.getByRole('button', { name: '确认跟进' }).click()
    await page.getByText('已确认 1 条').waitFor()
    await page.locator('.alert-table').getByText('已确认', { exact: true }).first().waitFor()
    const kinds = await page.locator('[data-alert-kind]').evaluateAll((els) => els.map((e) => e.getAttribute('data-alert-kind')))
    assert.ok(kinds.some((k) => ['sla_breach', 'sla_warning', 'escalation', 'level1'].includes(k)), `SLA alerts among ${kinds}`)
    // Batch warnings list the complaints behind them (when the demo raised one).
    const batch = page.locator('[data-alert-kind="batch"]').first()
    if (await batch.count()) assert.ok((await batch.locator('.al__cases a').count()) > 0, 'a batch alert links its complaints')
    await consoleShot(page, 'sla-03-alert-centre-all')
  })

  await step('the overdue queue shows red countdowns and pinned level-1 complaints', async () => {
    await page.goto('/workbench?queue=overdue')
    const tab = page.getByRole('tab', { name: /^已超时/ })
    await tab.waitFor()
    assert.equal(await tab.getAttribute('aria-selected'), 'true')
    await page.locator('.wb-table [data-sla="breached"]').first().waitFor()
    const states = await page.locator('.wb-table tbody [data-sla]').evaluateAll((els) => els.map((e) => e.getAttribute('data-sla')))
    assert.ok(states.length > 0)
    assert.ok(states.every((s) => s === 'breached' || s === 'paused' || s === 'met'), `overdue rows: ${states}`)
    assert.ok((await page.locator('.wb-table tbody [data-risk]').count()) > 0, 'risk colours on the rows')
    // Sort by risk, highest first.
    await page.goto('/workbench?queue=overdue&sort=risk')
    await page.locator('.wb-table [data-risk]').first().waitFor()
    // The side menu counts the overdue queue.
    const item = page.locator('.side-menu [data-queue="overdue"]')
    if (await item.count()) await item.locator('.menu-count').waitFor()
    await consoleShot(page, 'sla-04-overdue-queue')
  })

  await step('the complaint shows both clocks, the risk reasons and the escalation chain', async () => {
    const { row, detail } = await overdueCase()
    await page.goto(`/complaints/${row.case_no}`)
    await page.locator('header.head').waitFor()
    await page.locator('header.head [data-clock="response"]').waitFor()
    await page.locator('header.head [data-clock="resolution"]').waitFor()
    const looks = await page.locator('header.head [data-clock]').evaluateAll((els) => els.map((e) => e.getAttribute('data-sla')))
    assert.ok(looks.includes('breached'), `an overdue complaint has a breached clock: ${looks}`)
    if (detail.complaint.risk) {
      const panel = page.getByTestId('risk-panel')
      await panel.waitFor()
      assert.equal(await panel.locator('[data-reason]').count(), detail.complaint.risk.reasons.length)
      await panel.getByText(String(detail.complaint.risk.score), { exact: true }).waitFor()
    }
    const chain = page.getByTestId('escalation-chain')
    await chain.waitFor()
    assert.equal(await chain.locator('li.step').count(), 4)
    const current = await chain.locator('li[aria-current="step"]').getAttribute('data-level')
    assert.equal(Number(current), detail.complaint.escalation_level)
    if (detail.events.some((e) => e.kind === 'sla_alert')) {
      await page.locator('.ev[data-kind="sla_alert"]').first().waitFor()
      assert.match(await page.locator('.ev[data-kind="sla_alert"]').first().innerText(), /时限|超时/)
    }
    if (detail.complaint.pinned) await page.locator('header.head [data-pinned]').waitFor()
    await consoleShot(page, 'sla-05-detail')
    // The side panel with the risk and the chain, and the timeline's system events.
    await chain.scrollIntoViewIfNeeded()
    await page.screenshot({ path: SCREENS + '/sla-06-detail-side.png' })
    // 401: /auth/me on the login page before signing in.
    assertNoPageErrors(page, [/status of 401/])
  })

  await step('mark all read empties the bell', async () => {
    await page.goto('/alerts')
    await page.getByRole('button', { name: '全部标为已读' }).click()
    await page.getByRole('dialog', { name: '全部标为已读' }).getByRole('button', { name: '全部标为已读' }).click()
    await page.getByText('没有未读预警，一切正常').waitFor()
    await page.waitForFunction(() => document.querySelector('[data-testid="alert-bell"]')?.getAttribute('aria-label') === '预警通知')
    assert.equal((await sup.ok('GET', '/alerts/unread')).unread, 0)
  })

  await step('the same complaint in English', async () => {
    const { row } = await overdueCase()
    await page.evaluate(() => localStorage.setItem('cloop.locale', 'en-US'))
    await page.goto(`/complaints/${row.case_no}`)
    await page.getByTestId('escalation-chain').getByText('Escalation chain').waitFor()
    await page.getByTestId('risk-panel').getByRole('heading', { name: /^Risk/ }).waitFor()
    const badge = await page.locator('header.head [data-clock="resolution"]').innerText()
    assert.match(badge, /Resolution: /)
    await consoleShot(page, 'sla-07-detail-en')
    await page.goto('/workbench?queue=overdue')
    await page.getByRole('tab', { name: /^Overdue/ }).waitFor()
    await page.locator('.wb-table [data-sla="breached"]').first().waitFor()
    assert.match(await page.locator('.wb-table [data-sla="breached"]').first().innerText(), / over$/)
    await consoleShot(page, 'sla-08-overdue-en')
    await page.evaluate(() => localStorage.setItem('cloop.locale', 'zh-CN'))
  })
})

test('admin: business calendar and SLA & warning settings', async (t) => {
  const page = await newPage(browser, { ...WIDE, baseURL: server.url })
  const step = sequence(t, () => [page])
  const admin = await ApiSession.login(server.url, 'admin')
  const loaded = (await admin.ok('GET', '/admin/calendar')).years.map((y) => y.year)
  const thisYear = new Date().getFullYear()
  const notLoaded = [thisYear + 2, thisYear + 1, 2030].find((y) => !loaded.includes(y))
  const newYear = [2031, 2032, 2033].find((y) => !loaded.includes(y))

  await step('the calendar shows a loaded year month by month', async () => {
    await login(page, 'admin')
    await page.goto('/admin/calendar')
    await page.getByRole('heading', { name: '工作日历' }).waitFor()
    assert.ok(loaded.length > 0, 'the demo loads the shipped years')
    const y = loaded.includes(thisYear) ? thisYear : loaded[loaded.length - 1]
    await page.locator(`.years li[data-year="${y}"] button.years__pick`).click()
    await page.locator('.month').first().waitFor()
    assert.equal(await page.locator('.month').count(), 12)
    assert.ok((await page.locator('.mgrid td[data-kind="holiday"]').count()) > 0, '放假 days marked')
    assert.ok((await page.locator('.mgrid td[data-kind="make_up_workday"]').count()) > 0, '调休上班 days marked')
    await consoleShot(page, 'sla-09-calendar')
  })

  await step('a company gets working hours of its own, then follows the group again', async () => {
    const co = (await admin.ok('GET', '/admin/calendar')).companies?.find((c) => !c.hours)
    assert.ok(co, 'a company that follows the group')
    await page.locator('.scope').click()
    await page.getByRole('option', { name: new RegExp(co.name) }).click()
    await page.getByText('该公司沿用集团的工作时间。').waitFor()
    await page.getByRole('button', { name: '为该公司单独设置' }).click()
    // The end of the first window: wait until it can be edited, then pick 17:30 in its list.
    const end = page.locator('[data-window="0"] .time').nth(1).locator('.el-select__wrapper:not(.is-disabled)')
    await end.waitFor()
    await end.click()
    await page.locator('.el-select-dropdown:visible').getByRole('option', { name: '17:30', exact: true }).click()
    await page.getByText('每个工作日 8 小时 30 分钟').waitFor()
    const save = page.locator('section').filter({ hasText: '工作时间' }).getByRole('button', { name: '保存' })
    await save.click()
    await page.locator('.el-message').filter({ hasText: '已保存' }).first().waitFor()
    const own = (await admin.ok('GET', '/admin/calendar')).companies.find((c) => c.company_id === co.company_id)
    assert.deepEqual(own.hours, [{ start: '09:00', end: '17:30' }])
    await consoleShot(page, 'sla-09b-company-hours')
    await page.getByRole('button', { name: '恢复沿用集团' }).click()
    await page.getByText('该公司沿用集团的工作时间。').waitFor()
    const back = (await admin.ok('GET', '/admin/calendar')).companies.find((c) => c.company_id === co.company_id)
    assert.equal(back.hours ?? null, null)
  })

  await step('a year not loaded says its deadlines are unconfirmed', async () => {
    await page.locator('.year__pick').click()
    await page.getByRole('option', { name: String(notLoaded), exact: true }).click()
    await page.getByTestId('year-not-loaded').waitFor()
    assert.match(await page.getByTestId('year-not-loaded').innerText(), /未确认/)
  })

  await step('the admin adds a year with a day off and a make-up working day', async () => {
    await page.getByRole('button', { name: '新增年份' }).click()
    const drawer = page.getByRole('dialog', { name: /节假日安排/ })
    await drawer.waitFor()
    await drawer.locator('.f-year input').fill(String(newYear))
    await drawer.getByRole('button', { name: '添加放假日' }).click()
    await drawer.getByRole('button', { name: '添加调休上班日' }).click()
    // A date in the wrong year is caught before sending.
    const rows = drawer.locator('tr[data-row]')
    await rows.nth(0).locator('.d input').fill(`${newYear - 1}-10-01`)
    await rows.nth(0).locator('.d input').press('Enter')
    await rows.nth(0).getByRole('textbox', { name: '名称' }).fill('国庆节')
    await rows.nth(1).locator('.d input').fill(`${newYear}-09-27`)
    await rows.nth(1).locator('.d input').press('Enter')
    await rows.nth(1).getByRole('textbox', { name: '名称' }).fill('国庆节调休上班')
    await drawer.getByRole('button', { name: '保存' }).click()
    await drawer.getByText(`日期须在 ${newYear} 年内`).waitFor()
    await rows.nth(0).locator('.d input').fill(`${newYear}-10-01`)
    await rows.nth(0).locator('.d input').press('Enter')
    await consoleShot(page, 'sla-10-calendar-edit')
    await drawer.getByRole('button', { name: '保存' }).click()
    await drawer.waitFor({ state: 'hidden' })
    await page.locator(`.years li[data-year="${newYear}"]`).waitFor()
    await page.locator(`.mgrid td[data-date="${newYear}-10-01"][data-kind="holiday"]`).waitFor()
    const y = await admin.ok('GET', `/admin/calendar/${newYear}`)
    assert.equal(y.loaded, true)
    assert.deepEqual(y.schedule.holidays, [{ date: `${newYear}-10-01`, name: '国庆节' }])
  })

  await step('the admin imports a JSON file and deletes a year', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloop-cal-'))
    const file = join(dir, 'calendar.json')
    const y = newYear + 1
    writeFileSync(file, JSON.stringify({ years: { [y]: { source: 'e2e', holidays: [{ date: `${y}-01-01`, name: '元旦' }], workdays: [] } } }))
    await page.locator('input[type="file"]').setInputFiles(file)
    rmSync(dir, { recursive: true, force: true })
    const dlg = page.getByRole('dialog', { name: '导入日历文件' })
    await dlg.waitFor()
    await dlg.getByText(String(y)).waitFor()
    await dlg.getByRole('button', { name: '导入', exact: true }).click()
    await dlg.waitFor({ state: 'hidden' })
    await page.locator(`.years li[data-year="${y}"]`).waitFor()
    // Delete it again.
    await page.getByRole('button', { name: `删除 ${y} 年` }).click()
    await page.getByRole('dialog', { name: `删除 ${y} 年` }).getByRole('button', { name: '删除' }).click()
    await page.locator(`.years li[data-year="${y}"]`).waitFor({ state: 'detached' })
    assert.equal((await admin.ok('GET', `/admin/calendar/${y}`)).loaded, false)
  })

  await step('SLA & warnings: the policy table and a field error next to its input', async () => {
    await page.goto('/admin/sla')
    await page.getByRole('heading', { name: '时限与预警' }).waitFor()
    await page.locator('tr[data-rule]').first().waitFor()
    assert.ok((await page.locator('tr[data-rule]').count()) >= 6, 'a rule per severity × tier')
    await consoleShot(page, 'sla-11-sla-policy')
    // A colour line out of order is caught in the browser, next to its input…
    const red = page.locator('[data-field="red_at"] input')
    await red.fill('30')
    await red.blur()
    const save = page.locator('.sec-head').filter({ hasText: '预警与升级' }).getByRole('button', { name: '保存' })
    await save.click()
    await page.locator('[data-field="red_at"] .err').waitFor()
    assert.match(await page.locator('[data-field="red_at"] .err').innerText(), /黄色 < 橙色 < 红色/)
    await red.fill('70')
    await red.blur()
    // …and what only the server checks comes back named by field and lands on its input.
    const win = page.locator('[data-field="batch.window_hours"] input')
    await win.fill('0')
    await win.blur()
    await save.click()
    await page.locator('[data-field="batch.window_hours"] .err').waitFor()
    assert.match(await page.locator('[data-field="batch.window_hours"] .err').innerText(), /744/)
    await page.locator('[data-field="batch.window_hours"]').scrollIntoViewIfNeeded()
    await page.screenshot({ path: SCREENS + '/sla-12-settings-error.png' })
    await win.fill('24')
    await win.blur()
    // Fixed, with a new risk word: saved.
    const words = page.locator('[data-field="words"] input')
    await words.fill('投诉到底')
    await words.press('Enter')
    await save.click()
    await page.getByText('预警设置已保存').waitFor()
    const s = await admin.ok('GET', '/admin/alert-settings')
    assert.ok(s.risk.words.includes('投诉到底'))
    assert.equal(s.risk.red_at, 70)
    // 401: /auth/me before signing in; 422: the server's answer to the bad window, on purpose.
    assertNoPageErrors(page, [/status of (401|422)/])
  })

  await step('an agent sees the SLA page read-only', async () => {
    const agent = await newPage(browser, { ...WIDE, baseURL: server.url })
    await login(agent, 'a.agent1')
    await agent.goto('/admin/sla')
    await agent.getByText('只读（修改需要「时限与预警配置」权限）').waitFor()
    assert.equal(await agent.getByRole('button', { name: '保存' }).count(), 0)
    await agent.context().close()
  })
})

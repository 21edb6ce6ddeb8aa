// (c) Data scope: a user of one subsidiary cannot open another subsidiary's complaint — the
// console shows its not-found page and the API answers 404. (d) Language: switching the console
// from 简体中文 to English changes the menu and page texts, and back. (e) Audit: an admin finds
// who revealed a customer's contact details by clicking the customer in the audit log.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiSession, launchBrowser, newPage, publicCall, startServer } from '../lib/harness.mjs'
import { assertNoPageErrors, sequence } from '../lib/steps.mjs'
import { consoleShot, expectDetailState, login, logout, openComplaint } from '../lib/console.mjs'

let server
let browser
let caseNo

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  // An appliance complaint: the portal's complaints are taken in by 华腾电器's hotline team.
  const r = await publicCall(server.url, 'POST', '/public/complaints', {
    name: '赵女士',
    phone: '13600001111',
    content: '空调安装后外机噪音很大，晚上无法入睡。',
    product_ref: '华腾 KFR-35GW 空调',
  })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  caseNo = r.body.case_no
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('data scope: the e-commerce agent cannot open an appliance complaint', async (t) => {
  const page = await newPage(browser, { width: 1280, height: 800, baseURL: server.url })
  const step = sequence(t, () => [page])

  await step('the appliance agent can open it', async () => {
    await login(page, 'a.agent1')
    await openComplaint(page, caseNo)
    await expectDetailState(page, 'received')
    await logout(page)
  })

  await step('the e-commerce agent gets the not-found page', async () => {
    assert.match(server.logins['e.agent1']?.org ?? '', /^ecommerce\./, 'e.agent1 works for the e-commerce company')
    await login(page, 'e.agent1')
    await page.goto(`/complaints/${caseNo}`)
    // A plain "not found" (the server answers 404 outside the data scope), not a failure to retry.
    await page.getByText('投诉不存在或不在您的数据范围内').waitFor()
    assert.equal(await page.getByRole('button', { name: '重试' }).count(), 0, 'nothing to retry')
    assert.equal(await page.locator('header.head').count(), 0, 'no complaint header')
    assert.equal(await page.getByText('空调安装后外机噪音很大').count(), 0, 'nothing of the complaint is shown')
    await consoleShot(page, 'console-01-scope-not-found')
  })

  await step('…and does not find it in the workbench', async () => {
    await page.goto(`/workbench?queue=all&q=${caseNo}`)
    await page.getByRole('tab', { name: /^全部/ }).waitFor()
    await page.getByText('没有符合筛选条件的投诉').or(page.getByText('共 0 条')).first().waitFor()
    assert.equal(await page.getByRole('link', { name: caseNo }).count(), 0)
  })

  await step('the API answers 404 to the e-commerce agent, 200 to the appliance agent', async () => {
    const e = await ApiSession.login(server.url, 'e.agent1')
    const a = await ApiSession.login(server.url, 'a.agent1')
    const mine = await a.call('GET', `/complaints/${caseNo}`)
    assert.equal(mine.status, 200)
    const id = mine.body.complaint.id
    for (const key of [caseNo, String(id)]) {
      const r = await e.call('GET', `/complaints/${key}`)
      assert.equal(r.status, 404, `GET /complaints/${key} as e.agent1 → ${r.status}`)
    }
    const cmd = await e.call('POST', `/complaints/${id}/notes`, { visibility: 'internal', text: '越权尝试' })
    assert.equal(cmd.status, 404, `a command as e.agent1 → ${cmd.status}`)
    assertNoPageErrors(page, [/status of (401|404)/])
  })
})

test('language: the console switches from 简体中文 to English and back', async (t) => {
  const page = await newPage(browser, { width: 1280, height: 800, baseURL: server.url })
  const step = sequence(t, () => [page])

  await step('Chinese by default', async () => {
    await login(page, 'a.agent1')
    await page.goto('/workbench')
    await page.getByRole('tab', { name: /^待分派/ }).waitFor()
    // Below 1360 px the menu starts collapsed (icons only); open it to read its texts.
    const expand = page.getByRole('button', { name: '展开菜单' })
    if (await expand.count()) await expand.click()
    const menu = page.locator('.el-menu').first()
    await menu.getByText('工作台', { exact: true }).waitFor()
    await menu.getByText('登记投诉', { exact: true }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN')
    await consoleShot(page, 'console-02-zh')
  })

  await step('English after the switch', async () => {
    await page.getByRole('button', { name: '语言' }).click()
    await page.getByRole('menuitem', { name: 'English' }).click()
    const menu = page.locator('.el-menu').first()
    await menu.getByText('Workbench', { exact: true }).waitFor()
    await menu.getByText('Register complaint', { exact: true }).waitFor()
    assert.equal(await menu.getByText('工作台', { exact: true }).count(), 0)
    await page.getByRole('heading', { name: 'Workbench' }).waitFor()
    // The user's role and team in the top bar follow the language too.
    await page.locator('.user__role').getByText('Agent · Hotline team 1').waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US')
    await consoleShot(page, 'console-03-en')
    // Remembered across a reload.
    await page.reload()
    await page.locator('.el-menu').first().getByText('Workbench', { exact: true }).waitFor()
  })

  await step('back to Chinese', async () => {
    await page.getByRole('button', { name: 'Language' }).click()
    await page.getByRole('menuitem', { name: '简体中文' }).click()
    await page.locator('.el-menu').first().getByText('工作台', { exact: true }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN')
    assertNoPageErrors(page, [/status of 401/])
  })
})

test("audit: the admin finds who revealed a customer's contact details", async (t) => {
  const page = await newPage(browser, { width: 1440, height: 900, baseURL: server.url })
  const step = sequence(t, () => [page])
  let target
  let complaintId

  await step('a supervisor reveals the customer of the appliance complaint', async () => {
    const supervisor = await ApiSession.login(server.url, 'a.supervisor1')
    const d = await supervisor.ok('GET', `/complaints/${caseNo}`)
    await supervisor.ok('POST', `/customers/${d.customer.id}/reveal`, { complaint_id: d.complaint.id, reason: '回电核实' })
    target = `customer:${d.customer.id}`
    complaintId = d.complaint.id
  })

  await step('the audit log names the action, and the customer leads to every entry about them', async () => {
    await login(page, 'admin')
    await page.goto('/admin/audit')
    const table = page.getByTestId('audit-table')
    await table.getByText('查看完整联系方式').first().waitFor()
    // The customer is named masked (赵**), the code beside it.
    const customer = table.locator(`button[title*="${target}"]`).first()
    assert.match(await customer.textContent(), /^赵\*+$/)
    await customer.click()
    await page.getByTestId('audit-target').getByText(new RegExp(`^对象：赵\\*+（${target}）$`)).waitFor()
    await page.waitForFunction(
      (t) => [...document.querySelectorAll('[data-testid="audit-table"] .el-table__body tr')].every((r) => r.querySelector(`button[title*="${t}"]`)),
      target,
    )
    const rows = table.locator('.el-table__body tr')
    assert.equal(await rows.count(), 1, 'one reveal of this customer')
    await rows.first().getByText('张伟（客服主管）').waitFor()
    await rows.first().getByText('回电核实').waitFor()
    await page.getByText('已到最早一条').waitFor()
    await consoleShot(page, 'console-05-audit-by-target')
    // Lifting the filter brings back the whole log.
    await page.getByTestId('audit-target').locator('.el-tag__close').click()
    await table.getByText('登录').first().waitFor()
    // The complaint the reveal was made for is one click away.
    await table.getByRole('link', { name: String(complaintId), exact: true }).first().click()
    await page.waitForURL((u) => u.pathname.endsWith(`/complaints/${complaintId}`))
    await page.getByText(caseNo).first().waitFor()
    assertNoPageErrors(page, [/status of 401/])
  })
})

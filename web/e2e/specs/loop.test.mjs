// (b) The whole closed loop, the way people do it: the customer submits on the portal (phone,
// 360 px); in the console (1280 px) the agent classifies and assigns to 华腾电器 质量管理部 with
// its handler; the handler accepts, replies to the customer, and proposes a remedy above the
// handler's authority (compensation 1,500 元 > 500 元), so it waits for approval; the supervisor
// approves; the customer agrees on the portal; the handler starts execution and reports the
// result; the customer rates on the portal; the agent records the return visit and closes.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiSession, launchBrowser, newPage, screenshot, startServer } from '../lib/harness.mjs'
import { assertNoHorizontalScroll, assertNoPageErrors, sequence } from '../lib/steps.mjs'
import { CUSTOMER, currentStep, reloadComplaint, submitComplaint } from '../lib/portal.mjs'
import {
  chooseCategory,
  chooseDepartmentWithHandler,
  consoleShot,
  expectDetailState,
  formItem,
  login,
  openComplaint,
  openFromQueue,
  selectOption,
  startAction,
  submitDrawer,
} from '../lib/console.mjs'

let server
let browser
let customer
const staff = {}

before(async () => {
  server = await startServer()
  for (const u of ['a.agent1', 'a.quality.handler', 'a.supervisor1']) {
    assert.ok(server.logins[u], `demo login ${u} (see demo-logins.txt)`)
  }
  browser = await launchBrowser()
  customer = await newPage(browser, { width: 360, height: 740, baseURL: server.url })
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

/** A logged-in staff page (one browser context per person). */
async function as(username) {
  if (!staff[username]) {
    const page = await newPage(browser, { width: 1280, height: 800, baseURL: server.url })
    await login(page, username)
    staff[username] = page
  }
  return staff[username]
}

test('the closed loop: portal → console → portal → console', async (t) => {
  const step = sequence(t, () => [customer, ...Object.values(staff)])
  let caseNo
  const handlerName = server.logins['a.quality.handler'].name.replace(/（.*$/, '') // 杨磊

  await step('customer submits a complaint on the portal', async () => {
    await customer.goto('/portal/')
    caseNo = await submitComplaint(customer)
    await screenshot(customer, 'loop-01-portal-submitted')
    await customer.getByRole('button', { name: '查看投诉进度' }).click()
    await customer.getByTestId('state').waitFor()
    assert.equal(await currentStep(customer), '已受理')
  })

  await step('agent finds it in the triage queue and classifies it', async () => {
    const page = await as('a.agent1')
    await openFromQueue(page, '待分派', caseNo)
    await expectDetailState(page, 'received')
    await consoleShot(page, 'loop-02-agent-detail')
    const drawer = await startAction(page, '分类分级')
    await chooseCategory(page, drawer, '产品故障')
    await drawer.getByText('二级', { exact: true }).click()
    await consoleShot(page, 'loop-03-agent-classify')
    await submitDrawer(page, drawer, '分类分级')
    await page.locator('header.head').getByText('产品故障').waitFor()
  })

  await step('agent assigns it to 华腾电器 质量管理部 and its handler', async () => {
    const page = await as('a.agent1')
    const drawer = await startAction(page, '分派')
    await chooseDepartmentWithHandler(page, drawer, { department: '质量管理部', company: '华腾电器', handler: handlerName })
    await consoleShot(page, 'loop-04-agent-assign')
    await submitDrawer(page, drawer, '分派')
    await expectDetailState(page, 'assigned')
    await page.locator('header.head').getByText(handlerName).waitFor()
  })

  await step('handler accepts it from their queue and replies to the customer', async () => {
    const page = await as('a.quality.handler')
    await openFromQueue(page, '我的', caseNo)
    await expectDetailState(page, 'assigned')
    const accept = await startAction(page, '受理')
    await submitDrawer(page, accept, '受理')
    await expectDetailState(page, 'investigating')

    const note = await startAction(page, '备注/回复')
    await note.getByText('回复客户（客户可见）').click()
    await formItem(note, '内容').locator('textarea').fill('您好，我们已安排质检人员核实冰箱故障，请保持电话畅通。')
    await submitDrawer(page, note, '备注/回复')
    await page.getByText('我们已安排质检人员核实冰箱故障').first().waitFor()
  })

  await step('handler proposes a remedy above their authority: it waits for approval', async () => {
    const page = await as('a.quality.handler')
    const drawer = await startAction(page, '提出方案')
    const row = drawer.getByRole('group', { name: '措施 1' })
    await row.getByRole('spinbutton', { name: '金额' }).fill('1500')
    await row.getByRole('textbox', { name: '说明' }).fill('食物损失及误工补偿')
    await formItem(drawer, '给客户的说明').locator('textarea').fill('经检测为压缩机故障，属于产品质量问题。我们为您更换新机并给予补偿。')
    await drawer.getByTestId('remedy-hint').getByText('超出您的授权').waitFor()
    await consoleShot(page, 'loop-05-handler-remedy')
    await submitDrawer(page, drawer, '提出方案')
    await expectDetailState(page, 'pending_approval')
    await consoleShot(page, 'loop-06-pending-approval')
  })

  await step('the customer sees the complaint in progress, without the unapproved remedy', async () => {
    await reloadComplaint(customer)
    assert.equal(await currentStep(customer), '处理中')
    await customer.getByText('我们已安排质检人员核实冰箱故障').waitFor()
    assert.equal(await customer.getByTestId('remedy').count(), 0, 'no remedy before approval')
  })

  await step('supervisor approves it from the approval queue', async () => {
    const page = await as('a.supervisor1')
    await openFromQueue(page, '待我审批', caseNo)
    await expectDetailState(page, 'pending_approval')
    const drawer = await startAction(page, '审批通过')
    await formItem(drawer, '意见').locator('textarea').fill('同意，按方案执行。')
    await consoleShot(page, 'loop-07-supervisor-approve')
    await submitDrawer(page, drawer, '审批通过')
    await expectDetailState(page, 'awaiting_customer')
  })

  await step('customer reads the remedy on the portal and agrees', async () => {
    await reloadComplaint(customer)
    assert.equal(await currentStep(customer), '待您确认')
    const remedy = customer.getByTestId('remedy')
    await remedy.getByText('赔偿').first().waitFor()
    await remedy.getByText('1,500 元').waitFor()
    await remedy.getByText('食物损失及误工补偿').waitFor()
    await screenshot(customer, 'loop-08-portal-remedy')
    await assertNoHorizontalScroll(customer, 'remedy page')
    await customer.getByLabel('补充意见').fill('同意，请尽快安排。')
    await customer.getByRole('button', { name: '同意方案' }).click()
    await customer.getByText('感谢您的确认！').waitFor()
    assert.equal(await currentStep(customer), '处理完成')
    await screenshot(customer, 'loop-09-portal-agreed')
  })

  await step('handler starts execution and reports the result', async () => {
    const page = await as('a.quality.handler')
    await openComplaint(page, caseNo)
    await expectDetailState(page, 'executing')
    const start = await startAction(page, '开始执行')
    await submitDrawer(page, start, '开始执行')
    const result = await startAction(page, '反馈结果')
    await formItem(result, '执行结果').locator('textarea').fill('已为客户更换新机，并支付补偿 1,500 元。')
    await consoleShot(page, 'loop-10-handler-result')
    await submitDrawer(page, result, '反馈结果')
    await expectDetailState(page, 'resolved')
  })

  await step('customer rates the handling on the portal', async () => {
    await reloadComplaint(customer)
    const rating = customer.getByTestId('rating')
    await rating.getByRole('heading', { name: '为本次处理评分' }).waitFor()
    await screenshot(customer, 'loop-11-portal-rate')
    await rating.getByRole('radio', { name: '5 星：非常满意' }).check()
    await rating.getByLabel('评价内容').fill('处理及时，态度很好。')
    await rating.getByRole('button', { name: '提交评价' }).click()
    await customer.getByText('感谢您的评价！').waitFor()
    await screenshot(customer, 'loop-12-portal-rated')
  })

  await step('agent records the return visit and closes the complaint', async () => {
    const page = await as('a.agent1')
    await openFromQueue(page, '待回访', caseNo)
    await expectDetailState(page, 'resolved')
    const visit = await startAction(page, '回访')
    await selectOption(page, visit, '回访方式', '电话回访')
    await formItem(visit, '回访结果').getByText('满意', { exact: true }).click()
    await formItem(visit, '备注').locator('textarea').fill('客户确认已收到新机和补偿，表示满意。')
    await consoleShot(page, 'loop-13-agent-return-visit')
    await submitDrawer(page, visit, '回访')
    const close = await startAction(page, '关闭投诉')
    await submitDrawer(page, close, '关闭投诉')
    await expectDetailState(page, 'closed')
    await consoleShot(page, 'loop-14-closed')
  })

  await step('the customer sees it closed', async () => {
    await reloadComplaint(customer)
    assert.equal(await currentStep(customer), '已关闭')
    await customer.getByText('投诉已处理完毕并关闭').waitFor()
    await screenshot(customer, 'loop-15-portal-closed')
  })

  await step('the server agrees: closed, rated 5, every step in the timeline', async () => {
    const api = await ApiSession.login(server.url, 'a.agent1')
    const d = await api.ok('GET', `/complaints/${caseNo}`)
    assert.equal(d.complaint.state, 'closed')
    assert.equal(d.complaint.satisfaction?.stars, 5)
    const kinds = (await api.ok('GET', `/complaints/${d.complaint.id}/events`)).map((e) => e.kind ?? e.payload?.kind)
    for (const k of ['registered', 'classified', 'assigned', 'accepted', 'remedy_proposed', 'remedy_approved', 'customer_agreed', 'execution_started', 'result_reported', 'satisfaction_recorded', 'return_visit_recorded', 'closed']) {
      assert.ok(kinds.includes(k), `event ${k} in ${JSON.stringify(kinds)}`)
    }
  })

  await step('no errors in any browser console', async () => {
    assertNoPageErrors(customer)
    for (const p of Object.values(staff)) assertNoPageErrors(p, [/status of 401/])
  })
})

// (a) The customer portal on a 360 × 740 phone screen: validation, submitting, the success page,
// tracking, bad links, too many requests, and the English switch.
//
// The public API allows 30 requests a minute per address; this spec makes about ten.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, newPage, screenshot, startServer } from '../lib/harness.mjs'
import { assertNoHorizontalScroll, assertNoPageErrors, sequence } from '../lib/steps.mjs'
import { CUSTOMER, currentStep, submitComplaint } from '../lib/portal.mjs'

let server
let browser
let page
const publicCalls = []
/** While answers are stubbed, calls never reach the server: not counted. */
let stubbing = false

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  page = await newPage(browser, { width: 360, height: 740, baseURL: server.url })
  page.on('request', (r) => {
    if (!stubbing && r.url().includes('/api/v1/public/')) publicCalls.push(`${r.method()} ${new URL(r.url()).pathname}`)
  })
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('customer portal at 360 px', async (t) => {
  const step = sequence(t, () => [page])
  let caseNo
  let complaintUrl

  await step('the empty form shows field messages and sends nothing', async () => {
    await page.goto('/portal/')
    await page.getByRole('heading', { name: '提交投诉' }).waitFor()
    await screenshot(page, 'portal-01-submit')
    await assertNoHorizontalScroll(page, 'submit page')

    await page.getByRole('button', { name: '提交投诉' }).click()
    const name = page.locator('[data-field="name"]')
    await name.getByText('此项必填').waitFor()
    await page.locator('[data-field="phone"]').getByText('手机号和邮箱至少填写一项').waitFor()
    await page.locator('[data-field="content"]').getByText('此项必填').waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-name', 'focus moves to the first field with a problem')
    assert.equal(publicCalls.length, 0, 'an invalid form is not sent')
    await screenshot(page, 'portal-02-submit-errors')

    // Messages update as the customer types.
    await page.getByLabel('手机号码').fill('abc')
    await page.locator('[data-field="phone"]').getByText('请输入正确的电话号码，如 13800138000').waitFor()
    await page.getByLabel('您的姓名').fill(CUSTOMER.name)
    await name.getByText('此项必填').waitFor({ state: 'detached' })
  })

  await step('a valid complaint ends on the success page with the case number', async () => {
    caseNo = await submitComplaint(page)
    await page.getByText('投诉已提交').first().waitFor()
    await page.getByRole('button', { name: /复制/ }).waitFor()
    await screenshot(page, 'portal-03-submitted')
    await assertNoHorizontalScroll(page, 'success page')
    // The page survives a reload (the receipt is kept for this tab).
    await page.reload()
    assert.equal((await page.getByTestId('case-no').textContent()).trim(), caseNo)
  })

  await step('the success page opens the complaint', async () => {
    await page.getByRole('button', { name: '查看投诉进度' }).click()
    await page.waitForURL(/\/portal\/c\/[0-9a-f]{64}$/)
    complaintUrl = page.url()
    await page.getByTestId('state').waitFor()
    assert.equal((await page.getByTestId('case-no').textContent()).trim(), caseNo)
    assert.equal(await currentStep(page), '已受理')
    await page.getByText('我们已收到您的投诉，正在安排专人处理。').waitFor()
    await page.getByText('投诉已受理').waitFor()
    await screenshot(page, 'portal-04-complaint')
    await assertNoHorizontalScroll(page, 'complaint page')
  })

  await step('track: a wrong phone finds nothing, the right one opens the complaint', async () => {
    await page.getByRole('link', { name: '查询进度', exact: true }).click()
    await page.getByRole('heading', { name: '查询投诉进度' }).waitFor()
    await page.getByRole('button', { name: '查询', exact: true }).click()
    await page.locator('[data-field="case_no"]').getByText('此项必填').waitFor()

    await page.getByLabel('投诉编号').fill(` ${caseNo.toLowerCase()} `)
    await page.getByLabel('手机号或邮箱').fill('13900000000')
    await page.getByRole('button', { name: '查询', exact: true }).click()
    await page.getByText('没有找到匹配的投诉').waitFor()
    await screenshot(page, 'portal-05-track-not-found')

    await page.getByLabel('手机号或邮箱').fill(CUSTOMER.phone)
    await page.getByRole('button', { name: '查询', exact: true }).click()
    await page.waitForURL(/\/portal\/c\/[0-9a-f]{64}$/)
    await page.getByTestId('state').waitFor()
    assert.equal((await page.getByTestId('case-no').textContent()).trim(), caseNo)
    assert.notEqual(page.url(), complaintUrl, 'tracking issues a fresh link')
  })

  await step('bad links show the not-found page', async () => {
    // A well-formed token the server does not know: asks the server, which says 404.
    await page.goto(`/portal/c/${'0'.repeat(64)}`)
    await page.getByTestId('not-found').getByText('链接无效或已过期').waitFor()
    await screenshot(page, 'portal-06-bad-link')
    // A malformed token and an unknown path: answered without asking the server.
    const before = publicCalls.length
    await page.goto('/portal/c/not-a-token')
    await page.getByTestId('not-found').getByText('链接无效或已过期').waitFor()
    await page.goto('/portal/no/such/page')
    await page.getByTestId('not-found').getByText('页面不存在').waitFor()
    assert.equal(publicCalls.length, before, 'malformed links are not sent to the server')
    await page.getByRole('button', { name: '查询进度' }).click()
    await page.waitForURL('**/portal/track')
  })

  await step('too many requests says so in words', async () => {
    stubbing = true
    await page.route('**/api/v1/public/track', (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'rate_limited', message: { 'zh-CN': '操作过于频繁，请稍后再试', en: 'too many requests; try again in a minute' } },
        }),
      }),
    )
    await page.getByLabel('投诉编号').fill(caseNo)
    await page.getByLabel('手机号或邮箱').fill(CUSTOMER.phone)
    await page.getByRole('button', { name: '查询', exact: true }).click()
    await page.getByText('请求太频繁').waitFor()
    await page.getByText('操作过于频繁，请稍等一分钟后再试。').waitFor()
    await screenshot(page, 'portal-07-too-many-requests')
    await page.unroute('**/api/v1/public/track')
    stubbing = false
  })

  await step('the server\'s field errors land on their fields (answer stubbed)', async () => {
    stubbing = true
    await page.route('**/api/v1/public/complaints', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'validation_failed',
            message: { 'zh-CN': '输入有误，请检查标出的字段', en: 'some fields are not valid' },
            fields: [
              { field: 'email', code: 'invalid_email', message: { 'zh-CN': '邮箱格式不正确', en: 'email address is not valid' } },
              { field: 'order_ref', code: 'order_unknown', message: { 'zh-CN': '订单号不存在', en: 'no such order' } },
            ],
          },
        }),
      }),
    )
    await page.getByRole('link', { name: '我要投诉', exact: true }).click()
    await page.getByLabel('您的姓名').fill(CUSTOMER.name)
    await page.getByLabel('电子邮箱').fill('li.ming@example.com')
    await page.getByLabel('订单号').fill('HT-0')
    await page.getByLabel('发生了什么').fill(CUSTOMER.content)
    await page.getByRole('button', { name: '提交投诉' }).click()
    await page.locator('[data-field="email"]').getByText('请输入正确的邮箱地址').waitFor()
    await page.locator('[data-field="order_ref"]').getByText('订单号不存在').waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-email', 'focus on the first field the server named')
    assert.match(page.url(), /\/portal\/$/, 'stays on the form')
    // A known code follows the language switch.
    await page.getByRole('button', { name: 'English' }).click()
    await page.locator('[data-field="email"]').getByText('Enter a valid email address').waitFor()
    await page.getByRole('button', { name: '中文' }).click()
    await page.unroute('**/api/v1/public/complaints')
    stubbing = false
    await page.getByRole('link', { name: '查询进度', exact: true }).click()
  })

  await step('the English switch changes the texts, and back', async () => {
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('heading', { name: 'Track a complaint' }).waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US')
    await page.getByRole('link', { name: 'Complain', exact: true }).click()
    await page.getByRole('heading', { name: 'Submit a complaint' }).waitFor()
    await page.getByRole('button', { name: 'Submit complaint' }).click()
    await page.locator('[data-field="name"]').getByText('This field is required').waitFor()
    await page.locator('[data-field="phone"]').getByText('Enter a phone number or an email').waitFor()
    await screenshot(page, 'portal-08-english')
    await assertNoHorizontalScroll(page, 'English submit page')
    // The field messages follow the language.
    await page.getByRole('button', { name: '中文' }).click()
    await page.locator('[data-field="name"]').getByText('此项必填').waitFor()
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN')
    // …and the choice is remembered.
    await page.getByRole('button', { name: 'English' }).click()
    await page.reload()
    await page.getByRole('heading', { name: 'Submit a complaint' }).waitFor()
    await page.getByRole('button', { name: '中文' }).click()
  })

  await step('the complaint page in states a fresh complaint does not reach (answers stubbed)', async () => {
    stubbing = true
    const token = 'a'.repeat(64)
    const url = `**/api/v1/public/complaints/${token}`
    const base = {
      case_no: 'TS20261122000042',
      summary: '洗衣机漏水，地板泡坏了',
      content: '洗衣机漏水，地板泡坏了。',
      received_at: '2026-11-20T02:00:00Z',
      updated_at: '2026-11-21T08:30:00Z',
      remedy: null,
      can_decide: false,
      can_rate: false,
      satisfaction: null,
      timeline: [{ at: '2026-11-20T02:00:00Z', kind: 'registered', text: null }],
    }
    const json = (body, status = 200, headers = {}) => ({ status, contentType: 'application/json', headers, body: JSON.stringify(body) })

    // Loading: the answer is held back until the skeleton has been seen.
    let release
    const held = new Promise((r) => (release = r))
    await page.route(url, async (route) => {
      await held
      await route.fulfill(json({ ...base, state: 'invalid', state_name: '无效投诉', state_name_en: 'Invalid' }))
    })
    await page.goto(`/portal/c/${token}`)
    await page.locator('[aria-busy="true"] .el-skeleton').waitFor()
    await screenshot(page, 'portal-09-loading')
    release()
    await page.getByTestId('state').getByText('无效投诉').waitFor()
    assert.equal(await currentStep(page), '已关闭')
    assert.equal(await page.locator('li[aria-current="step"]').getAttribute('class').then((c) => c.includes('is-error')), true)
    await page.getByText('经核实，此反馈不属于投诉受理范围').waitFor()
    await screenshot(page, 'portal-10-invalid')
    await page.unroute(url)

    // A server error: message, trace id, retry.
    let fail = true
    await page.route(url, (route) =>
      route.fulfill(
        fail
          ? json({ error: { code: 'internal', message: { 'zh-CN': '服务器内部错误', en: 'internal error' } } }, 500, { 'x-request-id': 'req-e2e-1' })
          : json({ ...base, state: 'investigating', state_name: '调查处理中', state_name_en: 'Investigating' }),
      ),
    )
    await page.reload()
    const panel = page.getByTestId('load-error')
    await panel.getByText('服务器内部错误').waitFor()
    await panel.getByText('req-e2e-1').waitFor()
    await screenshot(page, 'portal-11-load-error')
    fail = false
    await panel.getByRole('button', { name: '重试' }).click()
    assert.equal(await page.getByTestId('state').textContent(), '调查处理中')
    assert.equal(await currentStep(page), '处理中')
    await page.unroute(url)

    // Disagreeing: the remedy is withdrawn from view; the thanks still show.
    await page.route(url, (route) =>
      route.fulfill(
        json({
          ...base,
          state: 'awaiting_customer',
          state_name: '待客户确认',
          state_name_en: 'Awaiting customer',
          can_decide: true,
          remedy: {
            measures: [
              { kind: 'repair', amount: 0, description: '免费上门维修' },
              { kind: 'gift', amount: 19_900, description: '赠送地板清洁服务' },
              { kind: 'refund', amount: 1_250, description: '退还上门费' },
            ],
            explanation: '经检查为进水管老化。',
          },
        }),
      ),
    )
    await page.route(`${url}/decision`, (route) => {
      const body = JSON.parse(route.request().postData())
      assert.deepEqual(body, { agree: false, comment: '维修不能解决问题，希望换新。' })
      return route.fulfill(json({ ...base, state: 'investigating', state_name: '调查处理中', state_name_en: 'Investigating' }))
    })
    await page.reload()
    const remedy = page.getByTestId('remedy')
    await remedy.getByText('199 元').waitFor()
    await remedy.getByText('12.50 元').waitFor()
    await remedy.getByText('211.50 元').waitFor() // the total
    await page.getByLabel('补充意见').fill('维修不能解决问题，希望换新。')
    await page.getByRole('button', { name: '不同意' }).click()
    await page.getByText('已收到您的意见，我们会重新研究方案').waitFor()
    assert.equal(await page.getByTestId('remedy').count(), 0)
    await screenshot(page, 'portal-12-disagreed')
    await page.unroute(`${url}/decision`)
    await page.unroute(url)
    stubbing = false
  })

  await step('few requests, no browser errors', async () => {
    assert.ok(publicCalls.length <= 10, `public API calls: ${publicCalls.length} (${publicCalls.join(', ')})`)
    assertNoPageErrors(page, [/status of (422|500)/])
  })
})

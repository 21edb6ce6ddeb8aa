// Customer-side steps on the portal (/portal/), shared by the portal and full-loop specs.

import assert from 'node:assert/strict'

export const CUSTOMER = {
  name: '李明',
  phone: '13912345678',
  order: 'HT-2026-118842',
  product: '华腾 BCD-520W 对开门冰箱',
  content: '上周在官方商城购买的冰箱，使用三天后冷藏室不制冷，里面的食物全部变质。联系售后两次都说会上门，但一直没有人来。',
  request: '更换新机，并赔偿食物损失和误工费用。',
}

/** Fills and sends the complaint form; returns the case number shown on the success page. */
export async function submitComplaint(page, c = CUSTOMER, { topic = '产品质量' } = {}) {
  await page.getByLabel('您的姓名').fill(c.name)
  await page.getByLabel('手机号码').fill(c.phone)
  if (topic) await page.getByText(topic, { exact: true }).click()
  await page.getByLabel('订单号').fill(c.order)
  await page.getByLabel('产品型号').fill(c.product)
  await page.getByLabel('发生了什么').fill(c.content)
  await page.getByLabel('您的诉求').fill(c.request)
  await page.getByRole('button', { name: '提交投诉' }).click()
  await page.waitForURL('**/portal/submitted')
  const caseNo = (await page.getByTestId('case-no').textContent()).trim()
  assert.match(caseNo, /^TS\d{14}$/, 'case number on the success page')
  return caseNo
}

/** The step marked current in the step bar, e.g. "待您确认". */
export async function currentStep(page) {
  const li = page.locator('ol.pt-steps li[aria-current="step"] .pt-step__label')
  return (await li.textContent()).trim()
}

/** Reloads the complaint page and waits for it. */
export async function reloadComplaint(page) {
  await page.reload()
  await page.getByTestId('state').waitFor()
}

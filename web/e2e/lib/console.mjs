// Staff steps in the console (/), by role, label and text, the way a person works: log in, open a
// complaint from a queue, run an action from the action bar in its drawer.

import assert from 'node:assert/strict'
import { DEMO_PASSWORD, screenshot } from './harness.mjs'

/** A console screenshot: the console scrolls inside its main area, so the page is scrolled back
 * to the top first and the viewport is captured. */
export async function consoleShot(page, name) {
  await page.evaluate(() => document.querySelectorAll('.el-main').forEach((el) => el.scrollTo(0, 0)))
  return screenshot(page, name, { fullPage: false })
}

export async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/login')
  await page.getByRole('textbox', { name: '用户名' }).fill(username)
  await page.getByRole('textbox', { name: '密码' }).fill(password)
  await page.getByRole('button', { name: '登 录' }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

export async function logout(page) {
  await page.getByRole('button', { name: '用户菜单' }).click()
  await page.getByRole('menuitem', { name: '退出登录' }).click()
  await page.waitForURL('**/login')
}

/** Opens the workbench queue tab whose label starts with `queue` (e.g. "待分派"), finds the case by
 * number with the search box, and opens it by clicking its row. */
export async function openFromQueue(page, queue, caseNo) {
  await page.goto('/workbench')
  await page.getByRole('tab', { name: new RegExp(`^${queue}`) }).click()
  const search = page.getByRole('textbox', { name: '搜索编号、内容、订单号' })
  await search.fill(caseNo)
  await search.press('Enter')
  const link = page.getByRole('link', { name: caseNo, exact: true })
  await link.waitFor()
  await link.click()
  // The search goes along (`?q=…`), for the complaint page to mark its words.
  await page.waitForURL((u) => u.pathname.endsWith(`/complaints/${caseNo}`))
  await page.getByRole('toolbar', { name: '可执行操作' }).waitFor()
}

export async function openComplaint(page, caseNo) {
  await page.goto(`/complaints/${caseNo}`)
  await page.getByRole('toolbar', { name: '可执行操作' }).waitFor()
}

/** The state code shown in the detail header. */
export async function detailState(page) {
  return page.locator('header.head .state-tag').first().getAttribute('data-state')
}

export async function expectDetailState(page, state, timeout = 10_000) {
  await page.locator(`header.head .state-tag[data-state="${state}"]`).waitFor({ timeout })
}

/** Starts an action from the action bar (or its "更多" menu); returns the drawer. */
export async function startAction(page, label) {
  const bar = page.getByRole('toolbar', { name: '可执行操作' })
  const button = bar.getByRole('button', { name: label, exact: true })
  // After an action the bar is rebuilt from the server's answer: give it a moment.
  const onBar = await button
    .waitFor({ timeout: 5_000 })
    .then(() => true)
    .catch(() => false)
  if (onBar) {
    await button.click()
  } else {
    await bar.getByRole('button', { name: '更多' }).click()
    await page.getByRole('menuitem', { name: label, exact: true }).click()
  }
  const drawer = page.getByRole('dialog', { name: label })
  await drawer.waitFor()
  return drawer
}

/** Sends the drawer's form with its main button and waits for the drawer to close. On a form
 * error, fails with the messages the drawer shows. */
export async function submitDrawer(page, drawer, label) {
  await drawer.getByRole('button', { name: label, exact: true }).click()
  try {
    await drawer.waitFor({ state: 'hidden', timeout: 10_000 })
  } catch (e) {
    const shown = await drawer.locator('.el-form-item__error, .el-alert__title').allTextContents()
    throw new Error(`drawer "${label}" did not close; it shows: ${JSON.stringify(shown)}`, { cause: e })
  }
}

/** Picks an option of an Element Plus select inside `scope` (by the form item's label). */
export async function selectOption(page, scope, fieldLabel, optionName, { exact = false } = {}) {
  await formItem(scope, fieldLabel).locator('.el-select').click()
  await page.getByRole('option', { name: optionName, exact }).click()
}

export function formItem(scope, label) {
  return scope.locator('.el-form-item').filter({ has: scope.page().getByText(label, { exact: true }) })
}

/** Chooses `department` of `company` and then `handler` in an assign/transfer drawer. Several
 * companies have a 质量管理部: the option is taken from the company's group of the list when the
 * list is grouped, else each option of that name is tried until the handler list offers `handler`. */
export async function chooseDepartmentWithHandler(page, drawer, { department, company, handler }) {
  const deptSelect = formItem(drawer, '责任部门').locator('.el-select')
  const handlerSelect = drawer.locator('.el-form-item').filter({ hasText: /^处理人/ }).locator('.el-select')
  const pickHandler = async () => {
    await handlerSelect.click()
    const option = page.getByRole('option', { name: new RegExp(handler) })
    try {
      await option.first().waitFor({ timeout: 1_500 })
      await option.first().click()
      return true
    } catch {
      await handlerSelect.click() // close the list (Escape would close the whole drawer)
      return false
    }
  }

  await deptSelect.click()
  const group = page.locator('.el-select-group__wrap:visible').filter({ hasText: company })
  if (company && (await group.count())) {
    await group.getByRole('option', { name: department, exact: true }).click()
    if (await pickHandler()) return
    throw new Error(`${company} ${department} does not offer the handler ${handler}`)
  }
  const named = () => page.getByRole('option', { name: department, exact: true })
  const count = await named().count()
  assert.ok(count > 0, `no department option "${department}"`)
  for (let i = 0; i < count; i++) {
    if (i > 0) await deptSelect.click()
    await named().nth(i).click()
    if (await pickHandler()) return
  }
  throw new Error(`no "${department}" offers the handler ${handler}`)
}

/** Picks a category in the cascader by typing its name and choosing the suggestion. */
export async function chooseCategory(page, drawer, name) {
  const input = drawer.locator('.el-cascader input')
  await input.click()
  await input.fill(name)
  await page.locator('.el-cascader__suggestion-item').filter({ hasText: name }).first().click()
}

// Full-text search in the console: (a) the workbench search box finds complaints by words of
// their text — demo data included — ranked, with the words marked in a snippet, and words from a
// handling note, labelled as such; (b) search syntax and symbols are just text (no error), but
// for a minus before a word, which leaves it out, and OR between two words, which finds either;
// (c) a result opens with the searched words marked in its texts; (d) the detail page shows
// similar complaints.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { ApiSession, SCREENS, launchBrowser, newPage, publicCall, startServer } from '../lib/harness.mjs'
import { assertNoPageErrors, sequence } from '../lib/steps.mjs'
import { consoleShot, login, openComplaint } from '../lib/console.mjs'

let server
let browser
let robot
let robot2

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  // Web complaints are taken in by 华腾电器's hotline team, so its agents see them.
  const submit = async (content, product_ref) => {
    const r = await publicCall(server.url, 'POST', '/public/complaints', { name: '钱先生', phone: '13700002222', content, product_ref })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    return r.body.case_no
  }
  robot = await submit('新买的扫地机器人充电座接触不良，机器人回不了充电座，要求退货退款。', '华腾 S9 扫地机器人')
  robot2 = await submit('扫地机器人用了一周充电座就坏了，机器人无法回充，客服让我等。', '华腾 S7 扫地机器人')
  const agent = await ApiSession.login(server.url, 'a.agent1')
  const c = await agent.ok('GET', `/complaints/${robot2}`)
  await agent.ok('POST', `/complaints/${c.complaint.id}/notes`, { visibility: 'internal', text: '已安排师傅上门检测蓝牙模块。' })
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

/** Types `q` into the workbench search box and submits it. */
async function search(page, q) {
  const box = page.getByRole('textbox', { name: '搜索编号、内容、订单号、备注' })
  await box.fill(q)
  await box.press('Enter')
  await page.waitForURL((u) => u.searchParams.get('q') === q.trim())
  // The results of this query are on screen (not the previous page still loading). A query that
  // is one quoted phrase shows in its own quotes, not inside a second pair.
  const s = q.trim()
  const shown = /^["“”＂][^"“”＂]*["“”＂]$/.test(s) ? `“${s.slice(1, -1)}”` : `“${s}”`
  await page.getByRole('status').getByText(`${shown} 的搜索结果`).waitFor()
  await page.locator('.wb-table .el-loading-mask').waitFor({ state: 'hidden' }).catch(() => {})
}

test('search: ranked results with marked words, notes, hostile input, similar complaints', async (t) => {
  const page = await newPage(browser, { width: 1440, height: 900, baseURL: server.url })
  const step = sequence(t, () => [page])

  await step('the demo data is searchable', async () => {
    // Two characters from the summary of a demo complaint the agent sees.
    const agent = await ApiSession.login(server.url, 'a.agent1')
    const list = await agent.ok('GET', '/complaints?queue=all&sort=received_at&order=asc&per_page=1')
    const demo = list.items[0]
    const word = demo.summary.match(/[\u4e00-\u9fff]{2}/)[0]
    await login(page, 'a.agent1')
    await page.goto('/workbench?queue=all')
    await page.getByRole('tab', { name: /^全部/ }).waitFor()
    await search(page, word)
    await page.getByRole('link', { name: demo.case_no, exact: true }).waitFor()
    const marks = page.locator('[data-testid="search-snippet"] mark')
    assert.ok((await marks.count()) >= 1)
    for (const m of await marks.allTextContents()) assert.equal(m, word)
  })

  await step('two words find the robot complaints, best match first, words marked', async () => {
    await search(page, '扫地机器人 退货')
    const rows = page.locator('.wb-table .el-table__body tr')
    await page.getByRole('link', { name: robot, exact: true }).waitFor()
    assert.equal(await page.getByRole('link', { name: robot2, exact: true }).count(), 0, 'the other one never asks for a return')
    const marked = await rows.first().locator('mark').allTextContents()
    assert.ok(marked.includes('扫地机器人') && marked.includes('退货'), `marked: ${marked}`)
    // Ranked by relevance by default; the toggle switches to newest first.
    await page.getByTestId('search-sort').getByText('相关度').waitFor()
    await consoleShot(page, 'search-01-workbench-results')
  })

  await step('OR between two words finds either', async () => {
    await search(page, '回不了 无法回充')
    await page.getByText('没有符合筛选条件的投诉').waitFor()
    await search(page, '回不了 OR 无法回充')
    await page.getByRole('link', { name: robot, exact: true }).waitFor()
    await page.getByRole('link', { name: robot2, exact: true }).waitFor()
    const marked = await page.locator('.wb-table mark').allTextContents()
    assert.ok(marked.includes('回不了') && marked.includes('无法回充'), `each row marks its own word: ${marked}`)
    assert.equal(await page.getByTestId('search-exclude-tip').count(), 0, 'no syntax tip once the search uses OR')
    await consoleShot(page, 'search-07-either-word')
  })

  await step('words from a handling note are found and labelled', async () => {
    await search(page, '蓝牙模块')
    await page.getByRole('link', { name: robot2, exact: true }).waitFor()
    const row = page.locator('.wb-table .el-table__body tr').first()
    await row.getByText('备注', { exact: true }).waitFor()
    assert.deepEqual(await row.locator('mark').allTextContents(), ['蓝牙模块'])
    await consoleShot(page, 'search-02-found-in-note')
  })

  await step('a result opens with the searched words marked in the complaint, until the marks are cleared', async () => {
    await search(page, '扫地机器人 OR 蓝牙模块')
    await page.getByRole('link', { name: robot2, exact: true }).click()
    await page.waitForURL((u) => u.pathname.endsWith(`/complaints/${robot2}`) && u.searchParams.get('q') === '扫地机器人 OR 蓝牙模块')
    const bar = page.getByTestId('search-marks')
    await bar.getByText(/^搜索“扫地机器人 OR 蓝牙模块”：本投诉中标出 \d+ 处$/).waitFor()
    const content = await page.locator('.content mark').allTextContents()
    // The query's 扫地机器人 is searched as 扫地 and 机器人 (two words): each is marked where it stands.
    assert.equal(content[0], '扫地机器人', `the content marks its word: ${content}`)
    assert.ok(content.every((m) => m === '扫地机器人' || m === '机器人'), `only the words searched: ${content}`)
    assert.deepEqual(await page.locator('.ev__text mark').allTextContents(), ['蓝牙模块'], 'the note marks its word')
    const n = Number((await bar.textContent()).match(/标出 (\d+) 处/)[1])
    // The complaint's own texts (the similar complaints beside them mark their own words).
    const own = page.locator('[data-search-marks] mark')
    assert.equal(n, await own.count(), 'the bar counts what is marked')
    // Stepping goes through them in reading order and round again; the note's mark is the last.
    for (let i = 0; i < n; i++) await bar.getByRole('button', { name: '下一处' }).click()
    await bar.getByText(`第 ${n} / ${n} 处`).waitFor()
    assert.equal(await page.locator('.ev__text mark.is-current').textContent(), '蓝牙模块')
    await bar.getByRole('button', { name: '下一处' }).click()
    await bar.getByText(`第 1 / ${n} 处`).waitFor()
    assert.equal(await page.locator('mark.is-current').count(), 1)
    await consoleShot(page, 'search-08-opened-result-marked')
    await bar.getByRole('button', { name: '清除标记' }).click()
    await page.waitForURL((u) => !u.searchParams.has('q'))
    await bar.waitFor({ state: 'detached' })
    assert.equal(await own.count(), 0, 'no marks once cleared')
    await page.locator('.content').getByText('扫地机器人用了一周充电座就坏了').waitFor()
    await page.goto('/workbench?queue=all')
    await page.getByRole('tab', { name: /^全部/ }).waitFor()
  })

  await step('search syntax and symbols are only text: no error, an empty result', async () => {
    await search(page, '"*( OR -)')
    await page.getByText('没有符合筛选条件的投诉').waitFor()
    assert.equal(await page.getByRole('alert').count(), 0, 'no error shown')
    await search(page, '"扫地机器人"*')
    await page.getByRole('link', { name: robot, exact: true }).waitFor()
    await page.getByRole('link', { name: robot2, exact: true }).waitFor()
  })

  await step('a word after a minus is left out, quoted Chinese is found as typed, a minus alone asks for a word', async () => {
    await search(page, '扫地机器人')
    await page.getByTestId('search-exclude-tip').waitFor()
    await page.getByRole('link', { name: robot, exact: true }).waitFor()
    await search(page, '扫地机器人 -退货')
    await page.getByRole('link', { name: robot2, exact: true }).waitFor()
    assert.equal(await page.getByRole('link', { name: robot, exact: true }).count(), 0, 'the one asking for a return is left out')
    assert.equal(await page.getByTestId('search-exclude-tip').count(), 0, 'no tip once the search uses it')
    const marks = await page.locator('.wb-table mark').allTextContents()
    assert.ok(marks.length > 0 && !marks.some((m) => m.includes('退货')), `a word left out is not marked: ${marks}`)
    await consoleShot(page, 'search-05-excluded')
    // Chinese quotes keep the words together: only the robot that cannot get back to its dock.
    await search(page, '“机器人回不了”')
    await page.getByRole('link', { name: robot, exact: true }).waitFor()
    assert.equal(await page.getByRole('link', { name: robot2, exact: true }).count(), 0)
    const box = page.getByRole('textbox', { name: '搜索编号、内容、订单号、备注' })
    await box.fill('-退货')
    await box.press('Enter')
    await page.getByRole('alert').getByText('“-词”表示排除，请至少再输入一个要搜索的词').waitFor()
    // The results of the search before stay on screen under the message.
    await page.getByRole('link', { name: robot, exact: true }).waitFor()
    // The help dialog lists what the box understands.
    await page.getByRole('button', { name: '快捷键与搜索写法' }).click()
    const help = page.getByRole('dialog', { name: '快捷键与搜索写法' })
    await help.getByTestId('search-syntax').getByText('包含“退货”，但不含“物流”').waitFor()
    await help.screenshot({ path: join(SCREENS, 'search-06-syntax-help.png') })
    await help.getByRole('button', { name: /close|关闭/i }).click()
  })

  await step('the detail page shows similar complaints', async () => {
    await openComplaint(page, robot)
    const panel = page.getByTestId('similar-panel')
    await panel.getByRole('heading', { name: '相似投诉' }).waitFor()
    await panel.getByRole('link', { name: robot2, exact: true }).waitFor()
    assert.equal(await panel.getByRole('link', { name: robot, exact: true }).count(), 0, 'never itself')
    assert.ok((await panel.locator('mark').count()) >= 1, 'shared words marked')
    await panel.scrollIntoViewIfNeeded()
    await panel.screenshot({ path: join(SCREENS, 'search-03-similar-panel.png') })
    await consoleShot(page, 'search-04-detail')
    // The 422 is the search of a minus alone, refused on purpose above.
    assertNoPageErrors(page, [/status of 401/, /status of 422/])
  })

  await step("the dashboard's hot words open a search for the word", async () => {
    await page.goto('/')
    const hot = page.getByTestId('hot-words')
    await hot.getByRole('heading', { name: '热词' }).waitFor()
    const first = hot.getByRole('button').first()
    await first.waitFor()
    const period = async (label) => {
      await hot.getByText(label, { exact: true }).click()
      await hot.locator('.el-radio-button.is-active', { hasText: label }).waitFor()
      await page.locator('[data-testid="hot-words"][aria-busy="false"]').waitFor()
      return Number(/(\d+) 件投诉中/.exec(await hot.innerText())?.[1] ?? NaN)
    }
    // A shorter period reads no more complaints than a longer one.
    const week = await period('近 7 天')
    const quarter = await period('近 90 天')
    assert.ok(week <= quarter, `${week} in 7 days, ${quarter} in 90`)
    await period('近 30 天')
    await hot.scrollIntoViewIfNeeded()
    await hot.screenshot({ path: join(SCREENS, 'search-05-hot-words.png') })
    const word = await hot.locator('.hot__word').first().getAttribute('data-word')
    assert.ok(word, 'a word')
    // Complaint boilerplate is no hot word; every word says how it moved against the period before.
    const words = await hot.locator('.hot__word').evaluateAll((els) => els.map((e) => [e.dataset.word, e.dataset.trend]))
    for (const noise of ['要求', '你好', '投诉', '尽快', 'kfr', 'bcd']) {
      assert.ok(!words.some(([w]) => w === noise), `${noise} among ${JSON.stringify(words)}`)
    }
    assert.ok(words.every(([, trend]) => ['unknown', 'new', 'rising', 'falling', 'steady'].includes(trend)), JSON.stringify(words))
    // An agent may not leave words out: no × on the words.
    assert.equal(await hot.locator('.hot__word .el-tag__close').count(), 0)
    await hot.getByRole('button').first().click()
    await page.waitForURL(/\/workbench\?.*q=/)
    assert.equal(new URL(page.url()).searchParams.get('q'), word)
    await page.getByText(`“${word}” 的搜索结果`, { exact: false }).waitFor()
    // The 422 is the search of a minus alone, refused on purpose above.
    assertNoPageErrors(page, [/status of 401/, /status of 422/])
  })
})

test('hot words: an admin leaves out a word for everyone and brings it back', async (t) => {
  const page = await newPage(browser, { width: 1280, height: 900, baseURL: server.url })
  const step = sequence(t, () => [page])
  const hot = page.getByTestId('hot-words')
  const shown = () => hot.locator('.hot__word').evaluateAll((els) => els.map((e) => e.dataset.word))
  let word

  await step('the admin leaves out the top word with its ×', async () => {
    await login(page, 'admin')
    await hot.locator('.hot__word').first().waitFor()
    await page.locator('[data-testid="hot-words"][aria-busy="false"]').waitFor()
    await hot.getByText('点词上的 × 可排除品牌名等说明不了问题的词').waitFor()
    word = await hot.locator('.hot__word').first().getAttribute('data-word')
    await hot.locator('.hot__word').first().locator('.el-tag__close').click()
    await page.getByText(`已排除“${word}”，热词中不再显示`).waitFor()
    await hot.getByTestId('hot-words-excluded').getByText('已排除 1 个词').waitFor()
    assert.ok(!(await shown()).includes(word), `${word} still shown`)
    // The × did not also open the word's search.
    assert.equal(new URL(page.url()).pathname, '/')
    await hot.getByTestId('hot-words-excluded').click()
    const list = hot.getByTestId('hot-words-excluded-list')
    await list.getByText(word, { exact: true }).waitFor()
    await hot.screenshot({ path: join(SCREENS, 'search-06-hot-words-excluded.png') })
  })

  await step('everyone else no longer sees it, and may not edit the list', async () => {
    const agent = await ApiSession.login(server.url, 'a.agent1')
    const hotWords = await agent.ok('GET', '/stats/hot-words?days=30')
    assert.deepEqual(hotWords.excluded, [word])
    assert.ok(!hotWords.words.some((w) => w.word === word), JSON.stringify(hotWords.words))
    const denied = await agent.call('PUT', '/stats/hot-words/excluded', { words: [] })
    assert.equal(denied.status, 403)
  })

  await step('the admin brings it back from the list', async () => {
    const list = hot.getByTestId('hot-words-excluded-list')
    await list.locator('.el-tag', { hasText: word }).locator('.el-tag__close').click()
    await page.getByText(`已恢复“${word}”`).waitFor()
    await hot.locator(`.hot__word[data-word="${word}"]`).waitFor()
    assert.equal(await hot.getByTestId('hot-words-excluded').count(), 0)
    // The 422 is the search of a minus alone, refused on purpose above.
    assertNoPageErrors(page, [/status of 401/, /status of 422/])
  })
})

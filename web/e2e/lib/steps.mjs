// Small helpers for specs written as a sequence of steps that depend on each other: once a step
// fails, the later ones fail at once naming it (instead of failing for a confusing reason), and
// the open pages are captured as test-output/screens/FAILED-*.png.

import assert from 'node:assert/strict'
import { screenshot } from './harness.mjs'

/** `pages` returns the pages to capture when a step fails. */
export function sequence(t, pages = () => []) {
  let broken = null
  return async function step(name, fn) {
    await t.test(name, async (st) => {
      // A step that depends on a failed one fails too, naming the cause, rather than failing for
      // a confusing reason of its own.
      if (broken) assert.fail(`not run: the earlier step "${broken}" failed`)
      try {
        await fn(st)
      } catch (e) {
        broken = name
        const slug = name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60)
        let i = 0
        for (const p of pages().filter(Boolean)) {
          await screenshot(p, `FAILED-${slug}-${++i}`).catch(() => {})
        }
        throw e
      }
    })
  }
}

/** The page does not scroll sideways (nothing wider than the viewport). */
export async function assertNoHorizontalScroll(page, label = '') {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }))
  assert.ok(scroll <= client, `${label} scrolls sideways: scrollWidth ${scroll} > ${client}`)
}

/** Fails when the page logged errors other than expected failed requests. */
export function assertNoPageErrors(page, allow = []) {
  const bad = (page.problems ?? []).filter(
    (p) => !/Failed to load resource: the server responded with a status of (404|409|429)/.test(p) && !allow.some((a) => a.test(p)),
  )
  assert.deepEqual(bad, [], 'errors in the browser console')
}

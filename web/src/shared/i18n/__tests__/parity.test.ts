// Every key exists in both locales, every key the code uses exists, and every code the domain
// knows (states, actions, event kinds…) has a label.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { messages } from '../index'
import { STATES, CHANNELS } from '../../domain/complaint/status'
import { ACTIONS } from '../../domain/complaint/actions'
import { EVENT_KINDS } from '../../domain/complaint/events'

type Tree = Record<string, unknown>

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Tree, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

function has(tree: Tree, key: string): boolean {
  let cur: unknown = tree
  for (const part of key.split('.')) {
    if (!cur || typeof cur !== 'object' || !(part in (cur as Tree))) return false
    cur = (cur as Tree)[part]
  }
  return typeof cur === 'string'
}

const zh = messages['zh-CN'] as Tree
const en = messages['en-US'] as Tree

describe('i18n', () => {
  it('has the same namespaces in zh-CN and en-US', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort())
  })

  it('has every zh-CN key in en-US', () => {
    const missing = keys(zh).filter((k) => !has(en, k))
    expect(missing, `missing in en-US: ${missing.join(', ')}`).toEqual([])
  })

  it('has every en-US key in zh-CN', () => {
    const missing = keys(en).filter((k) => !has(zh, k))
    expect(missing, `missing in zh-CN: ${missing.join(', ')}`).toEqual([])
  })

  it('uses the same {placeholders} in both locales', () => {
    // Each placeholder once: English may have a singular and a plural form (`a | b`), each with
    // the same placeholders, where Chinese has one.
    const ph = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort().join(',')
    const get = (t: Tree, k: string) => k.split('.').reduce<unknown>((c, p) => (c as Tree)[p], t) as string
    const bad = keys(zh).filter((k) => has(en, k) && ph(get(zh, k)) !== ph(get(en, k)))
    expect(bad).toEqual([])
  })

  it('labels every state, channel, action and event kind', () => {
    const need = [
      ...STATES.map((s) => `complaint.state.${s}`),
      ...CHANNELS.map((c) => `complaint.channel.${c}`),
      ...ACTIONS.map((a) => `action.${a}`),
      ...ACTIONS.map((a) => `actionHelp.${a}`),
      ...EVENT_KINDS.map((k) => `event.kind.${k}`),
    ]
    expect(need.filter((k) => !has(zh, k))).toEqual([])
  })

  it('has every literal key the console code uses', () => {
    const root = join(__dirname, '../../..')
    const files: string[] = []
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f)
        if (statSync(p).isDirectory()) {
          if (f !== '__tests__' && f !== 'node_modules') walk(p)
        } else if (/\.(ts|vue)$/.test(f) && !f.endsWith('.d.ts')) files.push(p)
      }
    }
    walk(join(root, 'console'))
    walk(join(root, 'shared'))
    const namespaces = Object.keys(zh)
    const re = /\b(?:t|te|\$t)\(\s*'([a-zA-Z0-9_.-]+)'|(?:label|title|section): '([a-zA-Z0-9_.-]+)'/g
    const missing: string[] = []
    for (const f of files) {
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(re)) {
        const k = m[1] ?? m[2]
        if (!namespaces.includes(k.split('.')[0])) continue
        if (!has(zh, k)) missing.push(`${relative(root, f)}: ${k}`)
      }
    }
    expect(missing).toEqual([])
  })
})

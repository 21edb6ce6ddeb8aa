import { describe, expect, it } from 'vitest'
import { WORKBENCH_SHORTCUTS, keyLabel, matchShortcut } from '../keymap'

const open = { dialogOpen: false }
const key = (k: string, extra: object = {}) => ({ key: k, target: { tagName: 'DIV' }, ...extra })

describe('workbench shortcut map', () => {
  it('maps J/K/Enter/?// and friends', () => {
    expect(matchShortcut(key('j'), WORKBENCH_SHORTCUTS, open)).toBe('next')
    expect(matchShortcut(key('J', { shiftKey: true }), WORKBENCH_SHORTCUTS, open)).toBe('next')
    expect(matchShortcut(key('k'), WORKBENCH_SHORTCUTS, open)).toBe('prev')
    expect(matchShortcut(key('Enter'), WORKBENCH_SHORTCUTS, open)).toBe('open')
    expect(matchShortcut(key('/'), WORKBENCH_SHORTCUTS, open)).toBe('search')
    expect(matchShortcut(key('?', { shiftKey: true }), WORKBENCH_SHORTCUTS, open)).toBe('help')
    expect(matchShortcut(key('q'), WORKBENCH_SHORTCUTS, open)).toBeNull()
  })

  it('ignores key presses while an input method is composing', () => {
    // Chinese pinyin: Enter commits the candidate; it must not open a complaint.
    expect(matchShortcut(key('Enter', { isComposing: true }), WORKBENCH_SHORTCUTS, open)).toBeNull()
    expect(matchShortcut(key('j', { isComposing: true }), WORKBENCH_SHORTCUTS, open)).toBeNull()
    // Some browsers report composition only through keyCode 229.
    expect(matchShortcut(key('Process', { keyCode: 229 }), WORKBENCH_SHORTCUTS, open)).toBeNull()
    expect(matchShortcut(key('Enter', { keyCode: 229 }), WORKBENCH_SHORTCUTS, open)).toBeNull()
  })

  it('does nothing while a dialog is open', () => {
    expect(matchShortcut(key('j'), WORKBENCH_SHORTCUTS, { dialogOpen: true })).toBeNull()
    expect(matchShortcut(key('?'), WORKBENCH_SHORTCUTS, { dialogOpen: true })).toBeNull()
  })

  it('lets people type in fields, except for Escape', () => {
    const input = { tagName: 'INPUT' }
    expect(matchShortcut(key('j', { target: input }), WORKBENCH_SHORTCUTS, open)).toBeNull()
    expect(matchShortcut(key('/', { target: { tagName: 'TEXTAREA' } }), WORKBENCH_SHORTCUTS, open)).toBeNull()
    expect(matchShortcut(key('x', { target: { isContentEditable: true } }), WORKBENCH_SHORTCUTS, open)).toBeNull()
    expect(matchShortcut(key('Escape', { target: input }), WORKBENCH_SHORTCUTS, open)).toBe('clear')
  })

  it('leaves browser shortcuts alone', () => {
    expect(matchShortcut(key('r', { ctrlKey: true }), WORKBENCH_SHORTCUTS, open)).toBeNull()
    expect(matchShortcut(key('k', { metaKey: true }), WORKBENCH_SHORTCUTS, open)).toBeNull()
  })

  it('declares each key once and labels it for the help dialog', () => {
    const all = WORKBENCH_SHORTCUTS.flatMap((s) => s.keys.map((k) => k.toLowerCase()))
    expect(new Set(all).size).toBe(all.length)
    for (const s of WORKBENCH_SHORTCUTS) expect(s.label).toMatch(/^shortcuts\./)
    expect(keyLabel('Mod+Enter', true)).toBe('⌘ + Enter')
    expect(keyLabel('Mod+Enter', false)).toBe('Ctrl + Enter')
    expect(keyLabel('j')).toBe('J')
  })
})

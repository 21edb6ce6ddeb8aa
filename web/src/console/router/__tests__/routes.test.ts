import { describe, expect, it } from 'vitest'
import { MENU, flatRoutes, routes } from '../routes'
import { messages } from '@shared/i18n'

const zh = messages['zh-CN'] as Record<string, unknown>
const has = (k: string) => typeof k.split('.').reduce<unknown>((c, p) => (c as Record<string, unknown> | undefined)?.[p], zh) === 'string'

describe('route table', () => {
  const named = flatRoutes(routes).filter((r) => r.name)

  it('declares permissions on every named route', () => {
    const bad = named.filter((r) => !Array.isArray(r.meta?.permissions)).map((r) => String(r.name))
    expect(bad).toEqual([])
  })

  it('protects everything but the login page', () => {
    const open = named.filter((r) => r.meta?.public).map((r) => r.name)
    expect(open).toEqual(['login'])
    for (const r of named) {
      if (String(r.name).startsWith('admin-')) expect((r.meta!.permissions as string[]).length).toBeGreaterThan(0)
    }
  })

  it('titles every named route with an existing i18n key', () => {
    for (const r of named) {
      expect(r.meta?.title, String(r.name)).toBeTruthy()
      expect(has(r.meta!.title!), r.meta!.title).toBe(true)
    }
  })

  it('lists only existing routes in the menu', () => {
    const names = new Set(named.map((r) => r.name))
    for (const g of MENU) for (const n of g.routes) expect(names.has(n)).toBe(true)
  })

  it('keeps the case number route under /complaints/:key', () => {
    const r = named.find((x) => x.name === 'complaint')!
    expect(r.path).toBe('complaints/:key')
  })
})

// Counted titles read right for one complaint and for many: English has two forms, Chinese one.
import { describe, expect, it } from 'vitest'
import { createAppI18n } from '../index'

type Translate = { t: (key: string, named: Record<string, unknown>, plural: number) => string }

function translator(locale: 'zh-CN' | 'en-US'): Translate {
  return createAppI18n(locale).global as unknown as Translate
}

describe('counted titles', () => {
  it('say "complaint" for one and "complaints" for more in English, the same form in Chinese', () => {
    const en = translator('en-US')
    expect(en.t('workbench.route.title', { n: 1 }, 1)).toBe('Route 1 complaint again')
    expect(en.t('workbench.route.title', { n: 3 }, 3)).toBe('Route 3 complaints again')
    expect(en.t('workbench.bulk.title', { n: 1 }, 1)).toBe('Assign 1 complaint')
    expect(en.t('workbench.accept.title', { n: 2 }, 2)).toBe("Accept routing's suggestions for 2 complaints")
    const zh = translator('zh-CN')
    expect(zh.t('workbench.route.title', { n: 1 }, 1)).toBe('重新智能分派 1 条投诉')
    expect(zh.t('workbench.route.title', { n: 3 }, 3)).toBe('重新智能分派 3 条投诉')
  })
})

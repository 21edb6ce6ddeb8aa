import type { FormRules } from 'element-plus'
import { CODE_RE } from '../org/rules'

type T = (k: string, p?: Record<string, unknown>) => string

export function roleRules(t: T, creating: boolean): FormRules {
  return {
    code: creating
      ? [
          { required: true, message: t('common.rule.required'), trigger: 'blur' },
          { pattern: CODE_RE, message: t('admin.rule.code'), trigger: 'blur' },
        ]
      : [],
    name: [{ required: true, message: t('common.rule.required'), trigger: 'blur' }],
    rank: [
      { required: true, message: t('common.rule.required'), trigger: 'change' },
      { type: 'number', min: 1, max: 1000, message: t('admin.rule.rank'), trigger: 'change' },
    ],
  }
}

/** Permission codes grouped by their prefix (`complaint.*`, `remedy.*`, `admin.*`…). */
export function groupPermissions<T extends { code: string }>(list: readonly T[]): { group: string; items: T[] }[] {
  const m = new Map<string, T[]>()
  for (const p of list) {
    const g = p.code.split('.')[0]
    m.set(g, [...(m.get(g) ?? []), p])
  }
  return [...m.entries()].map(([group, items]) => ({ group, items }))
}

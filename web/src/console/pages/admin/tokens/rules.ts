import type { FormRules } from 'element-plus'

type T = (k: string, p?: Record<string, unknown>) => string

export function tokenRules(t: T): FormRules {
  return {
    name: [
      { required: true, message: t('common.rule.required'), trigger: 'blur' },
      { max: 100, message: t('common.rule.max', { n: 100 }), trigger: 'blur' },
    ],
  }
}

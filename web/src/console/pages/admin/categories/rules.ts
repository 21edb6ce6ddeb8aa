import type { FormRules } from 'element-plus'
import { CODE_RE } from '../org/rules'

type T = (k: string, p?: Record<string, unknown>) => string

export function categoryRules(t: T, creating: boolean): FormRules {
  return {
    code: creating
      ? [
          { required: true, message: t('common.rule.required'), trigger: 'blur' },
          { pattern: CODE_RE, message: t('admin.rule.code'), trigger: 'blur' },
        ]
      : [],
    name: [
      { required: true, message: t('common.rule.required'), trigger: 'blur' },
      { max: 100, message: t('common.rule.max', { n: 100 }), trigger: 'blur' },
    ],
    name_en: [{ max: 100, message: t('common.rule.max', { n: 100 }), trigger: 'blur' }],
  }
}

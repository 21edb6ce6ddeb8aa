import type { FormRules } from 'element-plus'

type T = (k: string, p?: Record<string, unknown>) => string

export const CODE_RE = /^[A-Za-z0-9_.-]{1,64}$/

export function orgRules(t: T): FormRules {
  return {
    kind: [{ required: true, message: t('common.rule.required'), trigger: 'change' }],
    code: [
      { required: true, message: t('common.rule.required'), trigger: 'blur' },
      { pattern: CODE_RE, message: t('admin.rule.code'), trigger: 'blur' },
    ],
    name: [
      { required: true, message: t('common.rule.required'), trigger: 'blur' },
      { max: 100, message: t('common.rule.max', { n: 100 }), trigger: 'blur' },
    ],
    name_en: [{ max: 100, message: t('common.rule.max', { n: 100 }), trigger: 'blur' }],
  }
}

/** Which kinds a child of `parentKind` may be (group → company → department → team). */
export function childKinds(parentKind: string): string[] {
  switch (parentKind) {
    case 'group':
      return ['company', 'department']
    case 'company':
      return ['department', 'company']
    case 'department':
      return ['team', 'department']
    default:
      return ['team']
  }
}

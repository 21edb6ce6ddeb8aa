import type { FormRules } from 'element-plus'

type T = (k: string, p?: Record<string, unknown>) => string

export const USERNAME_RE = /^[A-Za-z0-9._-]{2,64}$/

export function userRules(t: T, creating: boolean): FormRules {
  return {
    username: creating
      ? [
          { required: true, message: t('common.rule.required'), trigger: 'blur' },
          { pattern: USERNAME_RE, message: t('admin.rule.username'), trigger: 'blur' },
        ]
      : [],
    display_name: [
      { required: true, message: t('common.rule.required'), trigger: 'blur' },
      { max: 100, message: t('common.rule.max', { n: 100 }), trigger: 'blur' },
    ],
    email: [{ type: 'email', message: t('intake.rule.email'), trigger: 'blur' }],
    password: creating
      ? [
          { required: true, message: t('common.rule.required'), trigger: 'blur' },
          { min: 8, message: t('auth.password.tooShort', { n: 8 }), trigger: 'blur' },
        ]
      : [{ min: 8, message: t('auth.password.tooShort', { n: 8 }), trigger: 'blur' }],
    org_unit_id: [{ required: true, message: t('common.rule.required'), trigger: 'change' }],
    role_id: [{ required: true, message: t('common.rule.required'), trigger: 'change' }],
  }
}

import type { FormRules } from 'element-plus'

type T = (k: string) => string

export function loginRules(t: T): FormRules {
  return {
    username: [{ required: true, message: t('auth.login.usernameRequired'), trigger: 'blur' }],
    password: [{ required: true, message: t('auth.login.passwordRequired'), trigger: 'blur' }],
  }
}

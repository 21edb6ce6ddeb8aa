import type { FormRules } from 'element-plus'

type T = (k: string, p?: Record<string, unknown>) => string

export const MIN_PASSWORD = 8

export function passwordRules(t: T, form: { new_password: string }): FormRules {
  return {
    current_password: [{ required: true, message: t('auth.password.currentRequired'), trigger: 'blur' }],
    new_password: [
      { required: true, message: t('auth.password.newRequired'), trigger: 'blur' },
      { min: MIN_PASSWORD, message: t('auth.password.tooShort', { n: MIN_PASSWORD }), trigger: 'blur' },
    ],
    confirm: [
      { required: true, message: t('auth.password.confirmRequired'), trigger: 'blur' },
      {
        validator: (_r: unknown, v: string, cb: (e?: Error) => void) =>
          v === form.new_password ? cb() : cb(new Error(t('auth.password.mismatch'))),
        trigger: 'blur',
      },
    ],
  }
}

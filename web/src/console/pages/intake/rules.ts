// Intake form validation (the server checks again and its field errors land on the fields).
import type { FormRules } from 'element-plus'

type T = (k: string, p?: Record<string, unknown>) => string

export const PHONE_RE = /^(?:\+?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4})$/
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function normalisePhone(p: string): string {
  return p.replace(/[\s()]/g, '').trim()
}

export function isPhone(p: string): boolean {
  return PHONE_RE.test(normalisePhone(p))
}

export interface IntakeForm {
  phone: string
  name: string
  email: string
  channel: string
  category_id: number | null
  severity: number | null
  product_ref: string
  order_ref: string
  summary: string
  content: string
  customer_request: string
}

export function intakeRules(t: T, form: IntakeForm): FormRules {
  const contact = (_r: unknown, _v: unknown, cb: (e?: Error) => void) => {
    if (!form.phone.trim() && !form.email.trim()) cb(new Error(t('intake.rule.contactRequired')))
    else cb()
  }
  return {
    phone: [
      { validator: contact, trigger: 'blur' },
      {
        validator: (_r: unknown, v: string, cb: (e?: Error) => void) => (!v || isPhone(v) ? cb() : cb(new Error(t('intake.rule.phone')))),
        trigger: 'blur',
      },
    ],
    email: [
      { validator: contact, trigger: 'blur' },
      {
        validator: (_r: unknown, v: string, cb: (e?: Error) => void) => (!v || EMAIL_RE.test(v.trim()) ? cb() : cb(new Error(t('intake.rule.email')))),
        trigger: 'blur',
      },
    ],
    name: [
      { required: true, message: t('intake.rule.name'), trigger: 'blur' },
      { max: 100, message: t('common.rule.max', { n: 100 }), trigger: 'blur' },
    ],
    channel: [{ required: true, message: t('intake.rule.channel'), trigger: 'change' }],
    summary: [{ max: 200, message: t('common.rule.max', { n: 200 }), trigger: 'blur' }],
    content: [
      { required: true, message: t('intake.rule.content'), trigger: 'blur' },
      { max: 5000, message: t('common.rule.max', { n: 5000 }), trigger: 'blur' },
    ],
    customer_request: [{ max: 1000, message: t('common.rule.max', { n: 1000 }), trigger: 'blur' }],
    product_ref: [{ max: 200, message: t('common.rule.max', { n: 200 }), trigger: 'blur' }],
    order_ref: [{ max: 200, message: t('common.rule.max', { n: 200 }), trigger: 'blur' }],
  }
}

/** Server field path → form field. */
export function intakeField(server: string): string {
  if (server.startsWith('customer.')) return server.slice('customer.'.length)
  if (server === 'category') return 'category_id'
  return server
}

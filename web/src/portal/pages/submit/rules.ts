// Checks for the complaint form, mirroring the server (routes/public.rs `submit`). Pure.

import { clean, isValidEmail, isValidPhone, optional, required, type Problems } from '../../domain/validation'

export interface SubmitForm {
  name: string
  phone: string
  email: string
  /** A top-level topic code, or '' for "not sure". */
  category: string
  order_ref: string
  product_ref: string
  content: string
  customer_request: string
}

export const LIMITS = {
  name: 50,
  content: 5000,
  product_ref: 100,
  order_ref: 100,
  customer_request: 1000,
} as const

/** Common top-level topics (the category list itself is staff-only). Sent as the category code;
 * a server that does not know the code is retried without it. */
export const TOPICS = ['product_quality', 'delivery', 'after_sales', 'refund', 'service', 'marketing'] as const

export function emptyForm(): SubmitForm {
  return { name: '', phone: '', email: '', category: '', order_ref: '', product_ref: '', content: '', customer_request: '' }
}

/** Field → problem; empty when the form may be sent. */
export function validateSubmission(f: SubmitForm): Problems {
  const out: Problems = {}
  const put = (field: string, p: ReturnType<typeof required>) => {
    if (p) out[field] = p
  }
  put('name', required(f.name, LIMITS.name))
  const phone = clean(f.phone)
  const email = clean(f.email)
  if (!phone && !email) {
    out.phone = { key: 'portal.validation.contactRequired' }
  } else {
    if (phone && !isValidPhone(phone)) out.phone = { key: 'portal.validation.invalidPhone' }
    if (email && !isValidEmail(email)) out.email = { key: 'portal.validation.invalidEmail' }
  }
  put('content', required(f.content, LIMITS.content))
  put('order_ref', optional(f.order_ref, LIMITS.order_ref))
  put('product_ref', optional(f.product_ref, LIMITS.product_ref))
  put('customer_request', optional(f.customer_request, LIMITS.customer_request))
  return out
}

/** The request body: trimmed, empty optional fields left out. */
export function toSubmission(f: SubmitForm, withCategory = true) {
  const opt = (v: string) => clean(v) || null
  return {
    name: clean(f.name),
    phone: opt(f.phone),
    email: opt(f.email),
    content: clean(f.content),
    category: withCategory ? opt(f.category) : null,
    product_ref: opt(f.product_ref),
    order_ref: opt(f.order_ref),
    customer_request: opt(f.customer_request),
  }
}

/** Field order on the page, for focusing the first field with a problem. */
export const FIELD_ORDER = ['name', 'phone', 'email', 'category', 'order_ref', 'product_ref', 'content', 'customer_request']

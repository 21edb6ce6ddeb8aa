// Client-side checks that mirror the server's (crates/domain/src/validate.rs), and the mapping of
// the server's field error codes onto the same messages, so a field error reads the same whether
// the browser or the server found it, and follows a language switch. Pure, unit-tested.

/** An i18n key (under portal.validation) with its parameters. */
export interface Problem {
  key: string
  params?: Record<string, unknown>
}
export type Problems = Record<string, Problem>

const V = 'portal.validation.'

/** Control characters other than newline and tab are dropped, as on the server. */
export function clean(v: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (v ?? '').trim().replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '')
}

export function charCount(v: string): number {
  return [...v].length
}

/** A mainland mobile (11 digits starting 13–19), or 5–20 digits with optional +, -, spaces, (). */
export function isValidPhone(v: string): boolean {
  const s = v.trim()
  if (!/^[0-9+\-() ]+$/.test(s)) return false
  const plus = s.startsWith('+')
  const digits = s.replace(/\D/g, '')
  if (digits.length < 5 || digits.length > 20) return false
  if (!plus && digits.length === 11 && digits.startsWith('1') && !/[3-9]/.test(digits[1])) return false
  return true
}

export function isValidEmail(v: string): boolean {
  const s = v.trim().toLowerCase()
  if (s.length > 254 || /\s/.test(s)) return false
  const at = s.indexOf('@')
  if (at <= 0) return false
  const domain = s.slice(at + 1)
  return (
    !domain.includes('@') && domain.includes('.') && !domain.startsWith('.') && !domain.endsWith('.') && !domain.includes('..')
  )
}

export function required(v: string | null | undefined, max?: number): Problem | null {
  const c = clean(v)
  if (!c) return { key: V + 'required' }
  if (max !== undefined && charCount(c) > max) return { key: V + 'tooLong', params: { max } }
  return null
}

export function optional(v: string | null | undefined, max: number): Problem | null {
  const c = clean(v)
  if (c && charCount(c) > max) return { key: V + 'tooLong', params: { max } }
  return null
}

/** The server's field error code → the message the browser would show for it; `null` when the
 * page has no text of its own for the code (the server's message is shown then). */
export function problemForCode(code: string, max?: number): Problem | null {
  switch (code) {
    case 'required':
      return { key: V + 'required' }
    case 'too_long':
      return max ? { key: V + 'tooLong', params: { max } } : null
    case 'invalid_phone':
      return { key: V + 'invalidPhone' }
    case 'invalid_email':
      return { key: V + 'invalidEmail' }
    case 'contact_required':
      return { key: V + 'contactRequired' }
    case 'unknown_category':
      return { key: V + 'unknownCategory' }
    case 'invalid_stars':
      return { key: V + 'stars' }
    default:
      return null
  }
}

// How the portal words a failed call: 429 and network failures get their own friendly texts; any
// other error shows the server's message (already in the user's language) and its trace id.

import type { ApiError } from '@shared/api/http'
import { pickServerText, type AppLocale } from '@shared/i18n/locale'

type T = (key: string, params?: Record<string, unknown>) => string

export interface ErrorText {
  title: string
  detail?: string
  traceId?: string
  kind: 'rate_limited' | 'network' | 'not_found' | 'other'
}

export function isRateLimited(e: ApiError | null | undefined): boolean {
  return !!e && (e.status === 429 || e.code === 'rate_limited')
}

/** `locale` re-picks the server's bilingual message, so a language switch changes it too. */
export function describeError(e: ApiError, t: T, locale?: AppLocale): ErrorText {
  const server = (locale && pickServerText(e.serverMessage, locale)) || e.message
  if (isRateLimited(e)) return { kind: 'rate_limited', title: t('portal.errors.rateLimitedTitle'), detail: t('portal.errors.rateLimited') }
  if (e.isNetwork) return { kind: 'network', title: t('portal.errors.network') }
  if (e.isNotFound) return { kind: 'not_found', title: server, traceId: e.traceId }
  return { kind: 'other', title: server || t('portal.errors.generic'), traceId: e.traceId }
}

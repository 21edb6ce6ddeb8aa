// The customer portal's API calls (`/api/v1/public/…`), over the shared HTTP module. No login,
// no CSRF: every call is rate-limited per client address on the server (429 `rate_limited`).

import { http } from '@shared/api/http'
import type { components } from '@shared/api/schema'
import type { PortalMeasure } from '../domain/money'

type S = components['schemas']
/** The generated type once openapi.json carries it, else the shape the server sends today. */
type Generated<K extends string, Fallback> = K extends keyof S ? S[K] : Fallback

export interface PublicSubmission {
  name: string
  phone?: string | null
  email?: string | null
  content: string
  category?: string | null
  product_ref?: string | null
  order_ref?: string | null
  customer_request?: string | null
}
export interface PublicReceipt {
  case_no: string
  token: string
}
export interface TrackRequest {
  case_no: string
  contact: string
}
export interface TrackAnswer {
  token: string
}
export interface PublicEvent {
  at: string
  kind: string
  text?: string | null
}
interface PublicComplaintShape {
  case_no: string
  state: string
  state_name: string
  state_name_en: string
  summary: string
  content: string
  received_at: string
  updated_at: string
  remedy?: unknown
  can_decide: boolean
  can_rate: boolean
  satisfaction?: unknown
  timeline: PublicEvent[]
}

/** Shapes inside JSON fields the OpenAPI document describes only in prose. */
export interface PublicRemedy {
  measures: PortalMeasure[]
  explanation: string
}
export interface PublicSatisfaction {
  stars: number
  comment?: string | null
}

export type PublicComplaint = Omit<Generated<'PublicComplaint', PublicComplaintShape>, 'remedy' | 'satisfaction'> & {
  remedy: PublicRemedy | null
  satisfaction: PublicSatisfaction | null
}

const enc = encodeURIComponent

/** A link token as the server issues it: 64 hex characters. Anything else cannot open a complaint,
 * so the page says "not found" without asking the (rate-limited) server. */
export function isLinkToken(token: unknown): token is string {
  return typeof token === 'string' && /^[0-9a-fA-F]{64}$/.test(token)
}

export const portalApi = {
  submit: (req: PublicSubmission) =>
    http.post<Generated<'PublicReceipt', PublicReceipt>>('/public/complaints', req),
  track: (req: TrackRequest) => http.post<Generated<'TrackAnswer', TrackAnswer>>('/public/track', req),
  view: (token: string) => http.get<PublicComplaint>(`/public/complaints/${enc(token)}`),
  decide: (token: string, agree: boolean, comment?: string) =>
    http.post<PublicComplaint>(`/public/complaints/${enc(token)}/decision`, { agree, comment: comment || null }),
  rate: (token: string, stars: number, comment?: string) =>
    http.post<PublicComplaint>(`/public/complaints/${enc(token)}/rating`, { stars, comment: comment || null }),
}

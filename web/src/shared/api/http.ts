// The one HTTP module: base URL, session cookie, CSRF header, JSON, and error normalisation into
// ApiError. Pages never call fetch themselves.

import { getLocale, pickServerText, type AppLocale } from '../i18n/locale'

export const API_BASE = '/api/v1'
export const CSRF_HEADER = 'x-csrf-token'
export const CSRF_COOKIE = 'cloop_csrf'

type ServerText = { 'zh-CN'?: string; en?: string }
type ServerFieldError = { field: string; code: string; message: ServerText }
type ServerErrorBody = { error?: { code?: string; message?: ServerText; fields?: ServerFieldError[] } }

/** Every failed call ends as one of these (network failures too: status 0, code `network`). */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** The server's bilingual message (empty for network errors). */
  readonly serverMessage: ServerText
  /** Field path (as the server names it, e.g. `customer.phone`) → message in the current locale. */
  readonly fieldErrors: Record<string, string>
  /** Field path → stable error code. */
  readonly fieldCodes: Record<string, string>
  /** The request id the server logged this under (`x-request-id`), for support. */
  readonly traceId?: string

  constructor(init: {
    status: number
    code: string
    message: string
    serverMessage?: ServerText
    fieldErrors?: Record<string, string>
    fieldCodes?: Record<string, string>
    traceId?: string
  }) {
    super(init.message)
    this.name = 'ApiError'
    this.status = init.status
    this.code = init.code
    this.serverMessage = init.serverMessage ?? {}
    this.fieldErrors = init.fieldErrors ?? {}
    this.fieldCodes = init.fieldCodes ?? {}
    this.traceId = init.traceId
  }

  get isUnauthenticated(): boolean {
    return this.status === 401
  }
  get isForbidden(): boolean {
    return this.status === 403
  }
  get isNotFound(): boolean {
    return this.status === 404
  }
  get isValidation(): boolean {
    return this.status === 422 || Object.keys(this.fieldErrors).length > 0
  }
  get isNetwork(): boolean {
    return this.status === 0
  }
}

const FALLBACK: Record<AppLocale, { network: string; http: (s: number) => string }> = {
  'zh-CN': { network: '无法连接服务器，请检查网络后重试', http: (s) => `请求失败（HTTP ${s}）` },
  'en-US': { network: 'Cannot reach the server; check the network and retry', http: (s) => `Request failed (HTTP ${s})` },
}

/** Turns a response status + parsed body into an ApiError. Pure, so it is unit-tested. */
export function normaliseError(
  status: number,
  body: unknown,
  opts: { traceId?: string | null; locale?: AppLocale } = {},
): ApiError {
  const locale = opts.locale ?? getLocale()
  const err = (body as ServerErrorBody | null)?.error
  const fieldErrors: Record<string, string> = {}
  const fieldCodes: Record<string, string> = {}
  for (const f of err?.fields ?? []) {
    if (!f || typeof f.field !== 'string') continue
    // The first error per field wins; the form shows one message per field.
    if (!(f.field in fieldErrors)) {
      fieldErrors[f.field] = pickServerText(f.message, locale) || f.code
      fieldCodes[f.field] = f.code
    }
  }
  const message = pickServerText(err?.message, locale) || FALLBACK[locale].http(status)
  return new ApiError({
    status,
    code: err?.code ?? (status === 0 ? 'network' : `http_${status}`),
    message,
    serverMessage: err?.message,
    fieldErrors,
    fieldCodes,
    traceId: opts.traceId ?? undefined,
  })
}

export function networkError(locale: AppLocale = getLocale()): ApiError {
  return new ApiError({ status: 0, code: 'network', message: FALLBACK[locale].network })
}

// --- CSRF -------------------------------------------------------------------------------------

let csrfToken: string | null = null

/** Set from the login / `me` answer; falls back to the readable `cloop_csrf` cookie. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token || null
}

export function readCookie(name: string, cookie: string = globalThis.document?.cookie ?? ''): string | null {
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return null
}

export function currentCsrfToken(): string | null {
  return csrfToken ?? readCookie(CSRF_COOKIE)
}

// --- unauthenticated hook -----------------------------------------------------------------------

let onUnauthenticated: ((e: ApiError) => void) | null = null
/** The console registers a handler that sends the user to the login page on a 401. */
export function setUnauthenticatedHandler(fn: ((e: ApiError) => void) | null): void {
  onUnauthenticated = fn
}

// --- requests -----------------------------------------------------------------------------------

export type Query = Record<string, string | number | boolean | null | undefined | readonly (string | number)[]>

export function buildQuery(q?: Query): string {
  if (!q) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) {
      if (v.length) p.set(k, v.join(','))
    } else {
      p.set(k, String(v))
    }
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
  /** Don't call the global 401 handler (login, `me` at start-up). */
  silent401?: boolean
}

export type Fetcher = typeof fetch
let fetcher: Fetcher = (...a) => globalThis.fetch(...a)
/** Tests swap the transport. */
export function setFetcher(f: Fetcher): void {
  fetcher = f
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
  let body: BodyInit | undefined
  if (opts.body instanceof FormData) {
    body = opts.body
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const t = currentCsrfToken()
    if (t) headers[CSRF_HEADER] = t
  }
  const url = `${path.startsWith('/api/') ? '' : API_BASE}${path}${buildQuery(opts.query)}`
  let res: Response
  try {
    res = await fetcher(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal })
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e
    throw networkError()
  }
  const traceId = res.headers.get('x-request-id')
  const text = res.status === 204 ? '' : await res.text()
  let parsed: unknown = null
  if (text) {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = text
    }
  }
  if (!res.ok) {
    const err = normaliseError(res.status, parsed, { traceId })
    if (err.isUnauthenticated && !opts.silent401) onUnauthenticated?.(err)
    throw err
  }
  return parsed as T
}

export const http = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query'> = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PUT', path, { ...opts, body: body ?? {} }),
  del: <T>(path: string, opts: RequestOptions = {}) => request<T>('DELETE', path, opts),
  upload: <T>(path: string, file: File | Blob, fileName?: string, opts: RequestOptions = {}) => {
    const fd = new FormData()
    if (fileName) fd.append('file', file, fileName)
    else fd.append('file', file)
    return request<T>('POST', path, { ...opts, body: fd })
  },
}

/** A URL the browser can open directly (attachments), relative to the API base. */
export function apiUrl(path: string): string {
  return `${API_BASE}${path}`
}

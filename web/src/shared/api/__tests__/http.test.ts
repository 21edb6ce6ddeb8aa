import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  buildQuery,
  normaliseError,
  readCookie,
  request,
  setCsrfToken,
  setFetcher,
  setUnauthenticatedHandler,
} from '../http'
import { setCurrentLocale } from '../../i18n/locale'

const validation = {
  error: {
    code: 'validation_failed',
    message: { 'zh-CN': '输入有误', en: 'invalid input' },
    fields: [
      { field: 'customer.phone', code: 'invalid_phone', message: { 'zh-CN': '手机号无效', en: 'invalid phone' } },
      { field: 'content', code: 'required', message: { 'zh-CN': '此项必填', en: 'required' } },
      { field: 'content', code: 'too_long', message: { 'zh-CN': '太长', en: 'too long' } },
    ],
  },
}

function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
  return new Response(status === 204 ? null : text, { status, headers })
}

afterEach(() => {
  setCsrfToken(null)
  setUnauthenticatedHandler(null)
  setCurrentLocale('zh-CN')
  setFetcher((...a) => globalThis.fetch(...a))
})

describe('normaliseError', () => {
  it('maps the server body to code, message and field errors in the chosen locale', () => {
    const zh = normaliseError(422, validation, { locale: 'zh-CN', traceId: 'abc' })
    expect(zh).toBeInstanceOf(ApiError)
    expect(zh.status).toBe(422)
    expect(zh.code).toBe('validation_failed')
    expect(zh.message).toBe('输入有误')
    expect(zh.fieldErrors).toEqual({ 'customer.phone': '手机号无效', content: '此项必填' })
    expect(zh.fieldCodes.content).toBe('required')
    expect(zh.traceId).toBe('abc')
    expect(zh.isValidation).toBe(true)

    const en = normaliseError(422, validation, { locale: 'en-US' })
    expect(en.message).toBe('invalid input')
    expect(en.fieldErrors['customer.phone']).toBe('invalid phone')
  })

  it('falls back to a generic message for bodies that are not ours', () => {
    const e = normaliseError(502, '<html>Bad gateway</html>', { locale: 'en-US' })
    expect(e.code).toBe('http_502')
    expect(e.message).toContain('502')
    expect(e.fieldErrors).toEqual({})
    expect(normaliseError(500, null, { locale: 'zh-CN' }).message).toContain('500')
  })

  it('flags 401, 403 and 404', () => {
    const body = { error: { code: 'x', message: { 'zh-CN': 'x', en: 'x' } } }
    expect(normaliseError(401, body).isUnauthenticated).toBe(true)
    expect(normaliseError(403, body).isForbidden).toBe(true)
    expect(normaliseError(404, body).isNotFound).toBe(true)
  })

  it('uses the current locale when none is given', () => {
    setCurrentLocale('en-US')
    expect(normaliseError(422, validation).message).toBe('invalid input')
  })
})

describe('request', () => {
  it('sends JSON with the CSRF header on writes, not on reads', async () => {
    const calls: { url: string; init: RequestInit }[] = []
    setFetcher(async (url, init) => {
      calls.push({ url: String(url), init: init! })
      return respond(200, { ok: true })
    })
    setCsrfToken('tok123')
    await request('GET', '/complaints', { query: { queue: 'mine', q: '', state: ['received', 'assigned'] } })
    await request('POST', '/complaints/1/notes', { body: { text: 'hi' } })
    expect(calls[0].url).toBe('/api/v1/complaints?queue=mine&state=received%2Cassigned')
    expect((calls[0].init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined()
    const h = calls[1].init.headers as Record<string, string>
    expect(h['x-csrf-token']).toBe('tok123')
    expect(h['Content-Type']).toBe('application/json')
    expect(calls[1].init.body).toBe('{"text":"hi"}')
    expect(calls[1].init.credentials).toBe('same-origin')
  })

  it('throws ApiError with the trace id and calls the 401 handler', async () => {
    const onAuth = vi.fn()
    setUnauthenticatedHandler(onAuth)
    setFetcher(async () => respond(401, { error: { code: 'unauthenticated', message: { 'zh-CN': '请登录', en: 'log in' } } }, { 'x-request-id': 'r-1' }))
    const err = (await request('GET', '/auth/me').catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('unauthenticated')
    expect(err.traceId).toBe('r-1')
    expect(onAuth).toHaveBeenCalledOnce()
    await request('GET', '/auth/me', { silent401: true }).catch(() => {})
    expect(onAuth).toHaveBeenCalledOnce()
  })

  it('turns a failed fetch into a network ApiError', async () => {
    setFetcher(async () => {
      throw new TypeError('Failed to fetch')
    })
    const err = (await request('GET', '/meta').catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.isNetwork).toBe(true)
    expect(err.code).toBe('network')
  })

  it('returns null for 204', async () => {
    setFetcher(async () => respond(204, undefined))
    expect(await request('POST', '/auth/logout')).toBeNull()
  })

  it('sends FormData without a JSON content type', async () => {
    let init: RequestInit | undefined
    setFetcher(async (_u, i) => {
      init = i
      return respond(200, {})
    })
    const fd = new FormData()
    fd.append('file', new Blob(['x']), 'a.txt')
    await request('POST', '/complaints/1/evidence', { body: fd })
    expect(init!.body).toBe(fd)
    expect((init!.headers as Record<string, string>)['Content-Type']).toBeUndefined()
  })
})

describe('helpers', () => {
  it('reads the CSRF cookie', () => {
    expect(readCookie('cloop_csrf', 'a=1; cloop_csrf=xyz%3D; b=2')).toBe('xyz=')
    expect(readCookie('nope', 'a=1')).toBeNull()
  })
  it('builds query strings without empty values', () => {
    expect(buildQuery({ a: 1, b: '', c: null, d: undefined, e: [], f: ['x'] })).toBe('?a=1&f=x')
    expect(buildQuery({})).toBe('')
  })
})

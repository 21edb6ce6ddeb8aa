import { describe, expect, it } from 'vitest'
import { emptyForm, toSubmission, validateSubmission } from '../rules'
import { isValidEmail, isValidPhone, problemForCode } from '../../../domain/validation'

const valid = () => ({ ...emptyForm(), name: '张三', phone: '13800138000', content: '冰箱不制冷' })

describe('validateSubmission', () => {
  it('asks for name, a contact and what happened on an empty form', () => {
    const p = validateSubmission(emptyForm())
    expect(Object.keys(p).sort()).toEqual(['content', 'name', 'phone'])
    expect(p.phone.key).toBe('portal.validation.contactRequired')
    expect(p.name.key).toBe('portal.validation.required')
  })
  it('accepts a minimal complaint with a phone or an email', () => {
    expect(validateSubmission(valid())).toEqual({})
    expect(validateSubmission({ ...valid(), phone: '', email: 'a@b.cn' })).toEqual({})
  })
  it('treats blank text as empty', () => {
    expect(validateSubmission({ ...valid(), name: '   ' }).name.key).toBe('portal.validation.required')
  })
  it('checks phone and email formats like the server', () => {
    expect(validateSubmission({ ...valid(), phone: '12345678901' }).phone.key).toBe('portal.validation.invalidPhone')
    expect(validateSubmission({ ...valid(), email: 'nope' }).email.key).toBe('portal.validation.invalidEmail')
  })
  it('limits lengths in characters, not bytes', () => {
    expect(validateSubmission({ ...valid(), name: '张'.repeat(50) })).toEqual({})
    expect(validateSubmission({ ...valid(), name: '张'.repeat(51) }).name).toEqual({
      key: 'portal.validation.tooLong',
      params: { max: 50 },
    })
  })
})

describe('phone and email', () => {
  it.each([
    ['13800138000', true],
    ['138 0013 8000', true],
    ['+86 138-0013-8000', true],
    ['010-12345678', true],
    ['12800138000', false],
    ['1234', false],
    ['138abc', false],
  ])('phone %s → %s', (v, ok) => expect(isValidPhone(v)).toBe(ok))
  it.each([
    ['a@b.cn', true],
    ['Name.X@Example.COM', true],
    ['a@b', false],
    ['@b.cn', false],
    ['a@.b.cn', false],
    ['a b@c.cn', false],
    ['a@b..cn', false],
  ])('email %s → %s', (v, ok) => expect(isValidEmail(v)).toBe(ok))
})

describe('toSubmission', () => {
  it('trims and leaves out empty optional fields', () => {
    expect(toSubmission({ ...valid(), name: ' 张三 ', category: 'delivery' })).toEqual({
      name: '张三',
      phone: '13800138000',
      email: null,
      content: '冰箱不制冷',
      category: 'delivery',
      product_ref: null,
      order_ref: null,
      customer_request: null,
    })
    expect(toSubmission({ ...valid(), category: 'delivery' }, false).category).toBeNull()
  })
})

describe('server field codes', () => {
  it('map onto the same messages as the browser’s checks', () => {
    expect(problemForCode('required')).toEqual({ key: 'portal.validation.required' })
    expect(problemForCode('too_long', 50)).toEqual({ key: 'portal.validation.tooLong', params: { max: 50 } })
    expect(problemForCode('contact_required')?.key).toBe('portal.validation.contactRequired')
    expect(problemForCode('something_else')).toBeNull()
    expect(problemForCode('too_long')).toBeNull()
  })
})

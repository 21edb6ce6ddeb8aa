import { describe, expect, it } from 'vitest'
import { normaliseCaseNo, validateTrack } from '../rules'

describe('track form', () => {
  it('needs both the case number and a contact', () => {
    expect(Object.keys(validateTrack({ case_no: '', contact: '' })).sort()).toEqual(['case_no', 'contact'])
  })
  it('accepts a phone or an email as the contact', () => {
    expect(validateTrack({ case_no: 'TS20261122000001', contact: '13800138000' })).toEqual({})
    expect(validateTrack({ case_no: 'TS20261122000001', contact: 'a@b.cn' })).toEqual({})
  })
  it('says which kind of contact is malformed', () => {
    expect(validateTrack({ case_no: 'x', contact: 'a@b' }).contact.key).toBe('portal.validation.invalidEmail')
    expect(validateTrack({ case_no: 'x', contact: '12' }).contact.key).toBe('portal.validation.invalidPhone')
  })
  it('normalises the case number', () => {
    expect(normaliseCaseNo(' ts2026 1122 000001 ')).toBe('TS20261122000001')
  })
})

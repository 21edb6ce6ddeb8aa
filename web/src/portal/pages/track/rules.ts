// Checks for the track form. Pure.

import { clean, isValidEmail, isValidPhone, required, type Problems } from '../../domain/validation'

export interface TrackForm {
  case_no: string
  contact: string
}

/** Case numbers are upper-case letters and digits; people type them with spaces or in lower case. */
export function normaliseCaseNo(v: string): string {
  return clean(v).replace(/\s+/g, '').toUpperCase()
}

export function validateTrack(f: TrackForm): Problems {
  const out: Problems = {}
  const c = required(normaliseCaseNo(f.case_no), 40)
  if (c) out.case_no = c
  const contact = clean(f.contact)
  if (!contact) out.contact = { key: 'portal.validation.required' }
  else if (contact.includes('@') ? !isValidEmail(contact) : !isValidPhone(contact)) {
    out.contact = { key: contact.includes('@') ? 'portal.validation.invalidEmail' : 'portal.validation.invalidPhone' }
  }
  return out
}

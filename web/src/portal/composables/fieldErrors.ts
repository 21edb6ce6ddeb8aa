// Field messages for a form: the browser's own checks and the server's field errors in one place,
// shown on their fields through `el-form-item :error`. Messages are kept as keys (or the server's
// bilingual text), so they follow a language switch.

import { reactive } from 'vue'
import { useI18n } from 'vue-i18n'
import type { ApiError } from '@shared/api/http'
import { problemForCode, type Problem, type Problems } from '../domain/validation'

interface Entry {
  problem?: Problem
  /** The server's message when the page has no text for its code. */
  text?: string
}

export function useFieldErrors(limits: Record<string, number> = {}) {
  const { t } = useI18n()
  const entries = reactive<Record<string, Entry>>({})
  function clearAll() {
    for (const k of Object.keys(entries)) delete entries[k]
  }

  function setClient(problems: Problems) {
    clearAll()
    for (const [field, problem] of Object.entries(problems)) entries[field] = { problem }
  }

  /** Puts the server's field errors on their fields; returns whether there were any. */
  function setServer(err: ApiError): boolean {
    clearAll()
    for (const [field, code] of Object.entries(err.fieldCodes)) {
      const problem = problemForCode(code, limits[field])
      entries[field] = problem ? { problem } : { text: err.fieldErrors[field] }
    }
    return Object.keys(err.fieldCodes).length > 0
  }

  function setOne(field: string, problem: Problem) {
    entries[field] = { problem }
  }

  function clear(field: string) {
    delete entries[field]
  }

  function message(field: string): string {
    const e = entries[field]
    if (!e) return ''
    if (e.problem) return t(e.problem.key, e.problem.params ?? {})
    return e.text ?? ''
  }

  function has(field: string): boolean {
    return field in entries
  }

  function fields(): string[] {
    return Object.keys(entries)
  }

  return { setClient, setServer, setOne, clear, clearAll, message, has, fields }
}

export type FieldErrors = ReturnType<typeof useFieldErrors>

// Validation rules of the action drawer forms, derived from the declared fields of each action.
import type { FormItemRule, FormRules } from 'element-plus'
import { ACTION_SPECS, type ActionName, type FieldSpec, type FormValues } from '@shared/domain/complaint/actions'
import { isValidYuan, NO_AMOUNT_MEASURES } from '@shared/domain/complaint/money'

/** Measures that are money paid out: they need an amount above 0. */
export const MONEY_MEASURES: readonly string[] = ['refund', 'compensation']

type T = (k: string, p?: Record<string, unknown>) => string
type Cb = (e?: Error) => void

/** Problems with a list of measures (first one wins), or null. */
export function measuresProblem(measures: { kind: string; amount?: number | null }[] | null | undefined): string | null {
  if (!measures || measures.length === 0) return 'detail.rule.measuresRequired'
  if (measures.length > 10) return 'detail.rule.measuresMax'
  for (const m of measures) {
    if (!m.kind) return 'detail.rule.measureKind'
    if (!isValidYuan(Number(m.amount ?? 0))) return 'detail.rule.amount'
    if (NO_AMOUNT_MEASURES.includes(m.kind) && Number(m.amount ?? 0) !== 0) return 'detail.rule.amountZero'
    if (MONEY_MEASURES.includes(m.kind) && !(Number(m.amount) > 0)) return 'detail.rule.amountPositive'
  }
  return null
}

function fieldRules(f: FieldSpec, t: T, ctx: { caseNo: string; values: FormValues }): FormItemRule[] {
  const rules: FormItemRule[] = []
  const trigger = f.kind === 'textarea' || f.kind === 'text' || f.kind === 'case_no' || f.kind === 'confirm_case_no' ? 'blur' : 'change'
  if (f.required && f.kind !== 'measures' && f.kind !== 'stars' && f.kind !== 'file') {
    rules.push({
      validator: (_r: unknown, v: unknown, cb: Cb) =>
        v === null || v === undefined || (typeof v === 'string' && v.trim() === '') ? cb(new Error(t('common.rule.required'))) : cb(),
      trigger,
    })
  }
  if (f.maxLength) rules.push({ max: f.maxLength, message: t('common.rule.max', { n: f.maxLength }), trigger: 'blur' })
  switch (f.kind) {
    case 'stars':
      rules.push({ validator: (_r: unknown, v: number, cb: Cb) => (v >= 1 && v <= 5 ? cb() : cb(new Error(t('detail.rule.stars')))), trigger: 'change' })
      break
    case 'measures':
      rules.push({
        validator: (_r: unknown, v: { kind: string; amount?: number }[], cb: Cb) => {
          const p = measuresProblem(v)
          return p ? cb(new Error(t(p))) : cb()
        },
        trigger: 'change',
      })
      break
    case 'confirm_case_no':
      rules.push({
        validator: (_r: unknown, v: string, cb: Cb) =>
          (v ?? '').trim().toUpperCase() === ctx.caseNo.toUpperCase() ? cb() : cb(new Error(t('detail.rule.confirmCaseNo', { no: ctx.caseNo }))),
        trigger: 'blur',
      })
      break
    case 'case_no':
      rules.push({
        validator: (_r: unknown, v: string, cb: Cb) =>
          (v ?? '').trim().toUpperCase() === ctx.caseNo.toUpperCase() ? cb(new Error(t('detail.rule.selfLink'))) : cb(),
        trigger: 'blur',
      })
      break
    case 'file':
      rules.push({ validator: (_r: unknown, v: unknown, cb: Cb) => (v ? cb() : cb(new Error(t('detail.rule.file')))), trigger: 'change' })
      break
  }
  return rules
}

export function actionRules(action: ActionName, t: T, ctx: { caseNo: string; values: FormValues }): FormRules {
  const out: FormRules = {}
  for (const f of ACTION_SPECS[action].fields) out[f.name] = fieldRules(f, t, ctx)
  return out
}

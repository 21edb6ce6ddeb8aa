// The keyword rule form: what the server checks, mirrored so most mistakes show before saving
// (the server stays the authority and its field errors land on the same fields), and the
// conversion between the form (patterns one a line) and the API's request.

import type { FormRules } from 'element-plus'
import type { RuleDto, RuleRequest } from '@shared/api/types'

type T = (k: string, p?: Record<string, unknown>) => string

export const MAX_PATTERNS = 50
export const MAX_PATTERN_CHARS = 100
export const FLAGS = ['legal', 'media', 'safety'] as const

export interface RuleForm {
  name: string
  /** One pattern a line. */
  patterns: string
  category_code: string
  department: string
  /** 0 = none. */
  severity_floor: number
  flags: string[]
  priority: number
  enabled: boolean
}

export function emptyForm(): RuleForm {
  return { name: '', patterns: '', category_code: '', department: '', severity_floor: 0, flags: [], priority: 0, enabled: true }
}

export function formOf(r: RuleDto): RuleForm {
  return {
    name: r.name,
    patterns: r.patterns.join('\n'),
    category_code: r.category_code ?? '',
    department: r.department ?? '',
    severity_floor: r.severity_floor ?? 0,
    flags: [...r.flags],
    priority: r.priority,
    enabled: r.enabled,
  }
}

/** The lines of the patterns box, trimmed, blank ones dropped. */
export function patternLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
}

export function requestOf(f: RuleForm): RuleRequest {
  return {
    name: f.name.trim(),
    patterns: patternLines(f.patterns),
    category_code: f.category_code || null,
    department: f.department || null,
    severity_floor: f.severity_floor || null,
    flags: f.flags,
    priority: f.priority,
    enabled: f.enabled,
  }
}

/** Why a pattern would be refused, as an i18n-free code (mirror of cloop_nlp::rules). */
export function patternProblem(p: string): 'empty' | 'too_long' | 'empty_conjunct' | 'regex' | null {
  const s = p.trim()
  if (!s) return 'empty'
  if ([...s].length > MAX_PATTERN_CHARS) return 'too_long'
  if (s.startsWith('re:')) {
    const expr = s.slice(3)
    if (!expr.trim()) return 'empty'
    try {
      new RegExp(expr, 'u')
    } catch {
      return 'regex'
    }
    return null
  }
  return s.split('+').some((w) => !w.trim()) ? 'empty_conjunct' : null
}

/** Whether the rule does anything when it matches. */
export function hasEffect(f: RuleForm): boolean {
  return !!(f.category_code || f.department || f.severity_floor || f.flags.length)
}

export function ruleFormRules(t: T, form: () => RuleForm): FormRules {
  return {
    name: [
      { required: true, message: t('common.rule.required'), trigger: 'blur' },
      { max: 50, message: t('common.rule.max', { n: 50 }), trigger: 'blur' },
    ],
    patterns: [
      {
        trigger: 'blur',
        validator: (_r: unknown, v: string, cb: (e?: Error) => void) => {
          const lines = patternLines(v ?? '')
          if (lines.length === 0 || lines.length > MAX_PATTERNS) return cb(new Error(t('routing.rule.patterns')))
          const bad = lines.find((l) => patternProblem(l))
          return bad ? cb(new Error(t('routing.rule.pattern', { p: bad }))) : cb()
        },
      },
    ],
    department: [
      {
        trigger: 'change',
        validator: (_r: unknown, _v: unknown, cb: (e?: Error) => void) =>
          hasEffect(form()) ? cb() : cb(new Error(t('routing.rule.effect'))),
      },
    ],
  }
}

import { computed, reactive, ref, shallowRef, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { calendarApi } from '@shared/api/endpoints'
import type { WorkingWindow, YearDto } from '@shared/api/types'
import type { ApiError } from '@shared/api/http'
import { useAsync, toApiError } from '@shared/composables/useAsync'
import {
  checkForm,
  checkHours,
  formFromSchedule,
  parseCalendarFile,
  rowOfServerField,
  scheduleFromForm,
  yearGrid,
  type ParsedImport,
  type YearForm,
} from '@shared/domain/calendar/calendar'
import { useSessionStore } from '../../../stores/session'

/** Years offered in the year picker: the loaded ones, and this year ± 1 and the next two. */
export function yearChoices(loaded: readonly number[], thisYear: number): number[] {
  const s = new Set<number>([...loaded, thisYear - 1, thisYear, thisYear + 1, thisYear + 2])
  return [...s].sort((a, b) => a - b)
}

export function useCalendar() {
  const { t } = useI18n()
  const session = useSessionStore()
  const canEdit = computed(() => session.can('admin.sla'))
  const thisYear = new Date().getFullYear()

  const hoursError = ref('')
  // --- overview: hours and loaded years ------------------------------------------------------------
  const overview = useAsync(calendarApi.overview)
  const loadedYears = computed(() => [...(overview.data.value?.years ?? [])].sort((a, b) => a.year - b.year))
  const choices = computed(() => yearChoices(loadedYears.value.map((y) => y.year), thisYear))
  /** Loaded-year gaps a deadline could fall in: this year and the next. */
  const missingSoon = computed(() => [thisYear, thisYear + 1].filter((y) => !loadedYears.value.some((l) => l.year === y)))

  // --- working hours: the group's, or one company's own ------------------------------------------------
  /** `0` = the group's hours; else a company id. */
  const scope = ref<number>(0)
  const companies = computed(() => overview.data.value?.companies ?? [])
  const company = computed(() => companies.value.find((c) => c.company_id === scope.value) ?? null)
  /** The company follows the group (no windows of its own) and the admin has not started its own. */
  const followsGroup = ref(false)
  const savedHours = computed<WorkingWindow[]>(() => (!scope.value ? overview.data.value?.hours ?? [] : company.value?.hours ?? []))
  const hours = ref<WorkingWindow[]>([])
  function resetHours() {
    followsGroup.value = !!scope.value && !company.value?.hours
    const from = followsGroup.value ? overview.data.value?.hours ?? [] : savedHours.value
    hours.value = from.map((w) => ({ ...w }))
    hoursError.value = ''
  }
  watch([() => overview.data.value, scope], resetHours, { immediate: true })
  /** Give the company its own windows, starting from the group's. */
  function customise() {
    followsGroup.value = false
  }
  const hourProblems = computed(() => checkHours(hours.value))
  const hoursDirty = computed(() => !followsGroup.value && JSON.stringify(hours.value) !== JSON.stringify(savedHours.value))
  const savingHours = ref(false)
  function addWindow() {
    const last = hours.value[hours.value.length - 1]
    hours.value.push(last ? { start: last.end, end: last.end } : { start: '09:00', end: '18:00' })
  }
  function removeWindow(i: number) {
    hours.value.splice(i, 1)
  }
  async function saveHours() {
    hoursError.value = ''
    if (hourProblems.value.length) return
    savingHours.value = true
    try {
      const c = await calendarApi.putHours(hours.value, scope.value)
      overview.data.value = c
      ElMessage.success(t('common.saved'))
    } catch (e) {
      const err = toApiError(e)
      hoursError.value = Object.values(err.fieldErrors)[0] ?? err.message
    } finally {
      savingHours.value = false
    }
  }

  async function followGroup() {
    const id = scope.value
    if (!id) return
    savingHours.value = true
    try {
      overview.data.value = await calendarApi.deleteCompanyHours(id)
      ElMessage.success(t('common.saved'))
    } catch (e) {
      hoursError.value = toApiError(e).message
    } finally {
      savingHours.value = false
    }
  }

  // --- one year ----------------------------------------------------------------------------------------
  const year = ref(thisYear)
  const yearData = shallowRef<YearDto | null>(null)
  const yearLoading = ref(false)
  const yearError = shallowRef<ApiError | null>(null)
  async function loadYear() {
    const y = year.value
    yearLoading.value = true
    yearError.value = null
    try {
      const d = await calendarApi.year(y)
      if (y === year.value) yearData.value = d
    } catch (e) {
      if (y === year.value) yearError.value = toApiError(e)
    } finally {
      if (y === year.value) yearLoading.value = false
    }
  }
  watch(year, () => void loadYear(), { immediate: true })
  const months = computed(() => (yearData.value ? yearGrid(yearData.value.year, yearData.value.days) : []))

  // --- edit a year --------------------------------------------------------------------------------------
  const editing = ref(false)
  const form = reactive<YearForm>({ year: thisYear, source: '', rows: [] })
  const rowErrors = ref<Record<string, string>>({})
  const formError = ref('')
  const savingYear = ref(false)
  // An edited row drops the messages shown for the last attempt.
  watch(
    () => form.rows.map((r) => `${r.date}|${r.name}|${r.kind}`).join(';'),
    () => {
      rowErrors.value = {}
      formError.value = ''
    },
  )
  async function openEdit(y: number) {
    formError.value = ''
    rowErrors.value = {}
    let d: YearDto | null = yearData.value?.year === y ? yearData.value : null
    if (!d) {
      try {
        d = await calendarApi.year(y)
      } catch (e) {
        ElMessage.error(toApiError(e).message)
        return
      }
    }
    Object.assign(form, formFromSchedule(y, d.loaded ? d.schedule : null))
    editing.value = true
  }
  function openNew() {
    const next = choices.value.find((y) => y > thisYear && !loadedYears.value.some((l) => l.year === y)) ?? thisYear + 1
    formError.value = ''
    rowErrors.value = {}
    Object.assign(form, formFromSchedule(next, null))
    editing.value = true
  }
  function addRow(kind: 'holiday' | 'make_up_workday' = 'holiday') {
    form.rows.push({ date: '', name: '', kind })
  }
  function removeRow(i: number) {
    form.rows.splice(i, 1)
  }
  async function saveYear() {
    formError.value = ''
    const problems = checkForm(form)
    const errs: Record<string, string> = {}
    for (const p of problems) errs[`${p.index}.${p.field}`] ??= t(`calendar.rule.${p.code}`, { year: form.year })
    rowErrors.value = errs
    if (problems.length) return
    savingYear.value = true
    try {
      const saved = await calendarApi.putYear(form.year, scheduleFromForm(form))
      ElMessage.success(t('calendar.savedYear', { year: form.year }))
      editing.value = false
      await overview.refresh()
      if (year.value === saved.year) yearData.value = saved
      else year.value = saved.year
    } catch (e) {
      const err = toApiError(e)
      const next: Record<string, string> = {}
      const other: string[] = []
      for (const [field, msg] of Object.entries(err.fieldErrors)) {
        const hit = rowOfServerField(form, field)
        if (hit) next[`${hit.index}.${hit.field}`] ??= msg
        else other.push(msg)
      }
      rowErrors.value = next
      formError.value = other.join('；') || (Object.keys(next).length ? '' : err.message)
    } finally {
      savingYear.value = false
    }
  }

  async function removeYear(y: number) {
    try {
      await ElMessageBox.confirm(t('calendar.deleteConfirm.text', { year: y }), t('calendar.deleteConfirm.title', { year: y }), {
        confirmButtonText: t('common.action.delete'),
        cancelButtonText: t('common.action.cancel'),
        type: 'warning',
      })
    } catch {
      return
    }
    try {
      await calendarApi.deleteYear(y)
      ElMessage.success(t('calendar.deleted', { year: y }))
      await overview.refresh()
      if (year.value === y) await loadYear()
    } catch (e) {
      ElMessage.error(toApiError(e).message)
    }
  }

  // --- import -------------------------------------------------------------------------------------------
  const importing = ref(false)
  const parsed = shallowRef<ParsedImport | null>(null)
  const importError = ref('')
  const importDialog = ref(false)
  async function pickFile(file: File) {
    importError.value = ''
    parsed.value = null
    importDialog.value = true
    try {
      parsed.value = parseCalendarFile(await file.text())
    } catch (e) {
      const key = (e as Error).message
      importError.value = key.startsWith('calendar.') ? t(key) : key
    }
  }
  async function runImport() {
    if (!parsed.value) return
    importing.value = true
    importError.value = ''
    try {
      const r = await calendarApi.import({ years: parsed.value.years })
      ElMessage.success(t('calendar.import.done', { years: r.years.join('、') }))
      importDialog.value = false
      await overview.refresh()
      await loadYear()
    } catch (e) {
      const err = toApiError(e)
      const fields = Object.entries(err.fieldErrors).map(([f, m]) => `${f}: ${m}`)
      importError.value = fields.length ? fields.join('\n') : err.message
    } finally {
      importing.value = false
    }
  }

  return {
    canEdit,
    overview,
    loadedYears,
    choices,
    missingSoon,
    scope,
    companies,
    company,
    followsGroup,
    customise,
    followGroup,
    resetHours,
    hours,
    hourProblems,
    hoursDirty,
    savingHours,
    hoursError,
    addWindow,
    removeWindow,
    saveHours,
    year,
    yearData,
    yearLoading,
    yearError,
    loadYear,
    months,
    editing,
    form,
    rowErrors,
    formError,
    savingYear,
    openEdit,
    openNew,
    addRow,
    removeRow,
    saveYear,
    removeYear,
    importing,
    parsed,
    importError,
    importDialog,
    pickFile,
    runImport,
  }
}

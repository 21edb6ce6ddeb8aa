// Typed calls for the endpoints the console and the portal share. Page composables call these,
// never fetch.

import { http, apiUrl, type Query } from './http'
import type { RoutingDecision } from '../domain/complaint/routing'
import type {
  AlertPage,
  AlertSettings,
  AuditDto,
  AuditQuery,
  CalendarDocument,
  CalendarDto,
  ImportAnswer,
  MarkAnswer,
  MarkRequest,
  SlaPolicy,
  UnreadDto,
  WorkingWindow,
  YearDto,
  YearSchedule,
  AuthorityCell,
  AuthorityDto,
  BulkAssignRequest,
  BulkAssignResult,
  CategoryDto,
  CategoryRequest,
  ComplaintDetailDto,
  ComplaintDto,
  ComplaintPage,
  CreateUserRequest,
  CustomerCard,
  CustomerDto,
  IntakeRequest,
  MetaDto,
  ModelDto,
  NewTokenDto,
  OrgUnitDto,
  OrgUnitRequest,
  QueueCounts,
  RoleDto,
  RoleRequest,
  RuleDto,
  RuleRequest,
  SessionDto,
  SimilarDto,
  SearchMarksDto,
  StatsOverview,
  HotWords,
  HotWordsExcluded,
  AcceptSuggestionsRequest,
  RetrainPolicyDto,
  RoutingOutcomesDto,
  BacktestDto,
  ConflictsDto,
  RoutingSettingsDto,
  RoutingSettingsRequest,
  RetrainScheduleDto,
  TokenDto,
  UpdateUserRequest,
  UserDto,
} from './types'

const enc = encodeURIComponent

export const authApi = {
  login: (username: string, password: string) =>
    http.post<SessionDto>('/auth/login', { username, password }, { silent401: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { silent401: true }),
  me: () => http.get<SessionDto>('/auth/me', undefined, { silent401: true }),
  changePassword: (current_password: string, new_password: string) =>
    http.post<void>('/auth/password', { current_password, new_password }),
}

export const metaApi = {
  meta: () => http.get<MetaDto>('/meta'),
}

export const complaintsApi = {
  list: (q: Query, signal?: AbortSignal) => http.get<ComplaintPage>('/complaints', q, { signal }),
  counts: () => http.get<Record<string, number>>('/complaints/counts'),
  queues: () => http.get<QueueCounts>('/complaints/queues'),
  detail: (key: string | number) => http.get<ComplaintDetailDto>(`/complaints/${enc(String(key))}`),
  intake: (req: IntakeRequest, idempotencyKey?: string) =>
    http.post<ComplaintDto>('/complaints', req, idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
  /** Any command endpoint: `action` is the suffix, e.g. `classify` or `remedy/approve`. */
  command: (id: number | string, action: string, body: unknown) =>
    http.post<ComplaintDto>(`/complaints/${enc(String(id))}/${action}`, body ?? {}),
  uploadEvidence: (id: number | string, file: File) =>
    http.upload<ComplaintDto>(`/complaints/${enc(String(id))}/evidence`, file, file.name),
  attachmentUrl: (id: number | string, sha256: string) =>
    apiUrl(`/complaints/${enc(String(id))}/attachments/${enc(sha256)}`),
  bulkAssign: (req: BulkAssignRequest) => http.post<BulkAssignResult>('/complaints/bulk-assign', req),
  /** Classifies and assigns complaints waiting in triage as routing suggested (per-complaint answers). */
  acceptSuggestions: (req: AcceptSuggestionsRequest) => http.post<BulkAssignResult>('/complaints/triage/accept', req),
  /** Routes complaints waiting in triage again with today's rules and models (per-complaint answers and outcomes). */
  routeAgain: (ids: number[]) => http.post<BulkAssignResult>('/complaints/triage/route', { ids }),
  /** Complaints like this one by text, within the caller's data scope. */
  similar: (key: string | number, limit = 5, signal?: AbortSignal) =>
    http.get<SimilarDto>(`/complaints/${enc(String(key))}/similar`, { limit }, { signal }),
  /** The words of a search (`q` as typed in the list) marked in one complaint's texts. */
  marks: (key: string | number, q: string, signal?: AbortSignal) =>
    http.get<SearchMarksDto>(`/complaints/${enc(String(key))}/marks`, { q }, { signal }),
}

export const customersApi = {
  lookup: (phone: string) => http.get<CustomerCard | null>('/customers', { phone }),
  card: (id: number) => http.get<CustomerCard>(`/customers/${id}`),
  reveal: (id: number, complaint_id?: number, reason?: string) =>
    http.post<CustomerDto>(`/customers/${id}/reveal`, { complaint_id: complaint_id ?? null, reason: reason ?? null }),
}

export const statsApi = {
  overview: () => http.get<StatsOverview>('/stats/overview'),
  hotWords: (days: number, signal?: AbortSignal) => http.get<HotWords>('/stats/hot-words', { days }, { signal }),
  /** Replaces the words hot words leave out (admin.routing). */
  setHotWordsExcluded: (words: string[]) => http.put<HotWordsExcluded>('/stats/hot-words/excluded', { words }),
}

export const adminApi = {
  orgUnits: () => http.get<OrgUnitDto[]>('/org-units'),
  createOrgUnit: (req: OrgUnitRequest) => http.post<OrgUnitDto>('/org-units', req),
  users: () => http.get<UserDto[]>('/users'),
  createUser: (req: CreateUserRequest) => http.post<UserDto>('/users', req),
  updateUser: (id: number, req: UpdateUserRequest) => http.put<UserDto>(`/users/${id}`, req),
  roles: () => http.get<RoleDto[]>('/roles'),
  createRole: (req: RoleRequest) => http.post<RoleDto>('/roles', req),
  updateRole: (id: number, req: RoleRequest) => http.put<RoleDto>(`/roles/${id}`, req),
  categories: () => http.get<CategoryDto[]>('/categories'),
  createCategory: (req: CategoryRequest) => http.post<CategoryDto>('/categories', req),
  updateCategory: (id: number, req: CategoryRequest) => http.put<CategoryDto>(`/categories/${id}`, req),
  authority: () => http.get<AuthorityDto>('/authority'),
  setAuthority: (cell: AuthorityCell) => http.put<AuthorityCell>('/authority', cell),
  tokens: () => http.get<TokenDto[]>('/tokens'),
  createToken: (name: string, user_id?: number | null) =>
    http.post<NewTokenDto>('/tokens', { name, user_id: user_id ?? null }),
  revokeToken: (id: number) => http.del<void>(`/tokens/${id}`),
  /** Audit entries, newest first (see AuditQuery: action, user_id, target, from, to, before, limit). */
  audit: (query: AuditQuery = {}) => http.get<AuditDto[]>('/audit', query),
}

export const alertsApi = {
  list: (q: { unread?: boolean; complaint_id?: number; page?: number; per_page?: number }) =>
    http.get<AlertPage>('/alerts', { unread: q.unread ? true : undefined, complaint_id: q.complaint_id, page: q.page, per_page: q.per_page }),
  unread: () => http.get<UnreadDto>('/alerts/unread'),
  /** No ids = all of the caller's alerts. */
  mark: (req: MarkRequest) => http.post<MarkAnswer>('/alerts/mark', req),
  /** The Server-Sent Events stream of the unread count. */
  streamUrl: () => apiUrl('/alerts/stream'),
}

export const calendarApi = {
  overview: () => http.get<CalendarDto>('/admin/calendar'),
  year: (year: number) => http.get<YearDto>(`/admin/calendar/${year}`),
  putYear: (year: number, body: YearSchedule) => http.put<YearDto>(`/admin/calendar/${year}`, body),
  deleteYear: (year: number) => http.del<void>(`/admin/calendar/${year}`),
  import: (doc: CalendarDocument) => http.post<ImportAnswer>('/admin/calendar/import', doc),
  /** The group's working hours, or with `companyId` one company's own. */
  putHours: (hours: WorkingWindow[], companyId?: number | null) =>
    http.put<CalendarDto>('/admin/calendar/hours', hours, companyId ? { query: { company_id: companyId } } : {}),
  /** The company follows the group's working hours again. */
  deleteCompanyHours: (companyId: number) => http.del<CalendarDto>('/admin/calendar/hours', { query: { company_id: companyId } }),
}

export const slaAdminApi = {
  policy: () => http.get<SlaPolicy>('/admin/sla-policy'),
  putPolicy: (p: SlaPolicy) => http.put<SlaPolicy>('/admin/sla-policy', p),
  alertSettings: () => http.get<AlertSettings>('/admin/alert-settings'),
  putAlertSettings: (s: AlertSettings) => http.put<AlertSettings>('/admin/alert-settings', s),
}

/** Intake routing: keyword rules, classifier models, a preview of a decision. */
export const routingApi = {
  rules: () => http.get<RuleDto[]>('/routing/rules'),
  createRule: (req: RuleRequest) => http.post<RuleDto>('/routing/rules', req),
  updateRule: (id: number, req: RuleRequest) => http.put<RuleDto>(`/routing/rules/${id}`, req),
  deleteRule: (id: number) => http.del<void>(`/routing/rules/${id}`),
  models: () => http.get<ModelDto[]>('/routing/models'),
  train: (target: 'category' | 'department') => http.post<ModelDto>('/routing/models/train', { target }),
  restoreModel: (target: string, version: number) => http.post<ModelDto>(`/routing/models/${encodeURIComponent(target)}/${version}/restore`, {}),
  preview: (text: string) => http.post<RoutingDecision>('/routing/preview', { text }),
  retrain: () => http.get<RetrainScheduleDto>('/routing/retrain'),
  /** The routing settings in effect (triage threshold, repeat window), saved and default. */
  settings: () => http.get<RoutingSettingsDto>('/routing/settings'),
  /** Saves the routing settings for every node as a whole; a null field goes back to the default. */
  setSettings: (req: RoutingSettingsRequest) => http.put<RoutingSettingsDto>('/routing/settings', req),
  setRetrain: (policy: RetrainPolicyDto) => http.put<RetrainScheduleDto>('/routing/retrain', policy),
  /** How routing fared for the complaints received in the last `days` days (admin.routing). */
  outcomes: (days: number) => http.get<RoutingOutcomesDto>('/routing/outcomes', { days }),
  /** Tries a rule on the newest complaints of the last `days` days before it is saved (试运行). */
  backtest: (rule: RuleRequest, ruleId: number | null, days: number) => http.post<BacktestDto>('/routing/rules/backtest', { rule, rule_id: ruleId, days }),
  /** Enabled rules that disagree over the newest complaints of the last `days` days (规则冲突). */
  conflicts: (days: number) => http.get<ConflictsDto>('/routing/rules/conflicts', { days }),
}

import { ref } from 'vue'

const kStorageKey = 'dialtrack.lang'

/** The interface language: Chinese by default, English when chosen (kept in localStorage). */
export const locale = ref(readStored() === 'en' ? 'en' : 'zh')

function readStored() {
  try {
    return localStorage.getItem(kStorageKey)
  } catch {
    return null
  }
}

export function setLocale(lang) {
  locale.value = lang === 'en' ? 'en' : 'zh'
  try {
    localStorage.setItem(kStorageKey, locale.value)
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = locale.value === 'en' ? 'en' : 'zh-CN'
}

const messages = {
  zh: {
    'app.title': '外呼任务看板',
    'app.docs': 'API 文档',
    'nav.tasks': '任务列表',
    'state.all': '全部',
    'state.1': '待启动',
    'state.2': '外呼中',
    'state.3': '外呼完成',
    'state.4': '已删除',
    'list.search': '按名称搜索',
    'list.id': '编号',
    'list.name': '任务名称',
    'list.state': '状态',
    'list.progress': '接通进度',
    'list.created': '创建时间',
    'list.updated': '更新时间',
    'list.empty': '没有符合条件的任务',
    'list.total': '共 {n} 个任务',
    'pager.prev': '上一页',
    'pager.next': '下一页',
    'pager.page': '第 {page} / {pages} 页',
    'refresh.auto': '自动刷新中（每 {s} 秒）',
    'refresh.updated': '更新于 {time}',
    'refresh.now': '刷新',
    'task.back': '返回任务列表',
    'task.jobGroup': '任务组',
    'task.created': '创建',
    'task.completed': '完成',
    'task.notFound': '任务不存在',
    'kpi.progress': '已接通号码',
    'kpi.phoneRate': '号码接通率',
    'kpi.connectRate': '呼叫接通率',
    'kpi.calls': '呼叫次数',
    'kpi.attempts': '每号码平均呼叫',
    'kpi.talkTotal': '通话总时长',
    'kpi.talkAvg': '平均通话时长',
    'kpi.firstLast': '首次 / 最近呼叫',
    'chart.status': '呼叫状态分布',
    'chart.latest': '每个号码最近一次',
    'chart.all': '全部呼叫',
    'chart.perHour': '每小时呼叫量',
    'chart.calls': '呼叫',
    'chart.connected': '接通',
    'chart.empty': '暂无呼叫数据',
    'chart.unavailable': '报表暂不可用：{msg}',
    'records.title': '跟进记录',
    'records.callId': '呼叫 ID',
    'records.phone': '电话',
    'records.status': '呼叫状态',
    'records.connected': '接通',
    'records.started': '开始时间',
    'records.duration': '时长',
    'records.event': '事件时间',
    'records.empty': '暂无通话记录',
    'records.total': '共 {n} 条',
    'history.title': '状态历史',
    'history.empty': '暂无状态变化',
    'yes': '是',
    'no': '否',
    'seconds': '{n} 秒',
    'auth.title': '需要 API 令牌',
    'auth.hint': '服务要求身份验证。请输入 API 令牌，它只保存在本浏览器中。',
    'auth.placeholder': 'API 令牌',
    'auth.save': '保存',
    'auth.clear': '清除令牌',
    'error.load': '加载失败：{msg}',
    'reason.created': '创建任务',
    'reason.api_start': '通过接口启动',
    'reason.first_call_record': '收到第一条话单',
    'reason.records_ingested': '话单推送后检查',
    'reason.followup_query': '跟进查询时检查',
    'reason.manual_check': '手动检查',
    'reason.batch_check': '批量检查',
    'reason.sweep': '定时巡检',
    'reason.recount': '重新计数',
    'reason.api_delete': '通过接口删除',
    'reason.leads_added': '追加号码',
  },
  en: {
    'app.title': 'Outbound call tasks',
    'app.docs': 'API docs',
    'nav.tasks': 'Tasks',
    'state.all': 'All',
    'state.1': 'Not started',
    'state.2': 'Calling',
    'state.3': 'Completed',
    'state.4': 'Deleted',
    'list.search': 'Search by name',
    'list.id': 'ID',
    'list.name': 'Task name',
    'list.state': 'State',
    'list.progress': 'Connected',
    'list.created': 'Created',
    'list.updated': 'Updated',
    'list.empty': 'No task matches',
    'list.total': '{n} tasks',
    'pager.prev': 'Previous',
    'pager.next': 'Next',
    'pager.page': 'Page {page} of {pages}',
    'refresh.auto': 'Refreshing every {s} s',
    'refresh.updated': 'Updated {time}',
    'refresh.now': 'Refresh',
    'task.back': 'Back to tasks',
    'task.jobGroup': 'Job group',
    'task.created': 'Created',
    'task.completed': 'Completed',
    'task.notFound': 'No such task',
    'kpi.progress': 'Connected phones',
    'kpi.phoneRate': 'Phone connect rate',
    'kpi.connectRate': 'Call connect rate',
    'kpi.calls': 'Calls',
    'kpi.attempts': 'Attempts per phone',
    'kpi.talkTotal': 'Talk time',
    'kpi.talkAvg': 'Average talk time',
    'kpi.firstLast': 'First / last call',
    'chart.status': 'Call status',
    'chart.latest': "Each phone's latest call",
    'chart.all': 'All calls',
    'chart.perHour': 'Calls per hour',
    'chart.calls': 'Calls',
    'chart.connected': 'Connected',
    'chart.empty': 'No calls yet',
    'chart.unavailable': 'Report unavailable: {msg}',
    'records.title': 'Follow-up records',
    'records.callId': 'Call ID',
    'records.phone': 'Phone',
    'records.status': 'Call status',
    'records.connected': 'Connected',
    'records.started': 'Started',
    'records.duration': 'Duration',
    'records.event': 'Event time',
    'records.empty': 'No call records yet',
    'records.total': '{n} records',
    'history.title': 'State history',
    'history.empty': 'No state changes',
    'yes': 'yes',
    'no': 'no',
    'seconds': '{n} s',
    'auth.title': 'API token needed',
    'auth.hint': 'The service asks for authentication. Enter an API token; it is kept in this browser only.',
    'auth.placeholder': 'API token',
    'auth.save': 'Save',
    'auth.clear': 'Forget token',
    'error.load': 'Could not load: {msg}',
    'reason.created': 'Task created',
    'reason.api_start': 'Started through the API',
    'reason.first_call_record': 'First call record',
    'reason.records_ingested': 'Checked after records',
    'reason.followup_query': 'Checked on follow-up query',
    'reason.manual_check': 'Manual check',
    'reason.batch_check': 'Batch check',
    'reason.sweep': 'Periodic sweep',
    'reason.recount': 'Recount',
    'reason.api_delete': 'Deleted through the API',
    'reason.leads_added': 'Leads added',
  },
}

/** Call statuses of cloud dialers, shown in Chinese; unknown ones as they are. */
const statusNames = {
  SucceededFinish: '正常接通',
  SucceededClientHangUp: '接通后客户挂断',
  SucceededTransferByIntent: '接通后转人工',
  Succeeded: '接通',
  Connected: '接通',
  NoAnswer: '无人接听',
  Busy: '忙线',
  PoweredOff: '关机',
  Unreachable: '无法接通',
  Rejected: '拒接',
  EmptyNumber: '空号',
  Suspended: '停机',
  Failed: '呼叫失败',
}

export function t(key, params = {}) {
  const text = messages[locale.value][key] ?? messages.zh[key] ?? key
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''))
}

export function statusName(status) {
  if (locale.value === 'zh' && statusNames[status]) {
    return `${statusNames[status]} (${status})`
  }
  return status
}

export function reasonName(reason) {
  const key = `reason.${reason}`
  const text = t(key)
  return text === key ? reason : text
}

// Every call status the dialer reports (docs/dialers.md, "Call statuses": the OutboundBot
// table, and the few the simulator and other dialers add), with a Chinese and an English label
// and a colour of its own, so no two slices of the status chart look alike. Answered calls are
// greens and blues, dead numbers reds, the rest oranges, purples and greys. No imports: the
// label test (tests/browser/labels.test.mjs) reads this file under plain node. The exports
// compile the labels in (cmake/embed_status_labels.cmake reads kStatuses): one row a line.

/** [status, 中文, English, colour] */
export const kStatuses = [
  ['Executing', '呼叫中', 'Calling', '#8c959f'],
  ['Succeeded', '接通', 'Answered', '#1a7f37'],
  ['NoAnswer', '无人接听', 'No answer', '#d4a72c'],
  ['NotExist', '号码不存在', 'Number does not exist', '#a40e26'],
  ['Busy', '忙线', 'Busy', '#e16f24'],
  ['Cancelled', '已取消', 'Cancelled', '#6e7781'],
  ['Failed', '呼叫失败', 'Call failed', '#cf222e'],
  ['NotConnected', '未接通', 'Not connected', '#bf8700'],
  ['PoweredOff', '关机', 'Powered off', '#953800'],
  ['OutOfService', '停机', 'Out of service', '#82071e'],
  ['InArrears', '欠费', 'In arrears', '#b35900'],
  ['EmptyNumber', '空号', 'Empty number', '#ff8182'],
  ['PerDayCallCountLimit', '超过每日呼叫次数限制', 'Daily call limit reached', '#9a6700'],
  ['ContactBlockList', '号码在黑名单中', 'On the block list', '#424a53'],
  ['CallerNotRegistered', '主叫号码未登记', 'Caller number not registered', '#8250df'],
  ['Terminated', '已终止', 'Terminated', '#57606a'],
  ['VerificationCancelled', '校验未通过已取消', 'Cancelled by verification', '#a475f9'],
  ['OutOfServiceNoCall', '停机（未呼叫）', 'Out of service (not called)', '#660018'],
  ['InArrearsNoCall', '欠费（未呼叫）', 'In arrears (not called)', '#d18616'],
  ['CallingNumberNotExist', '主叫号码不存在', 'Calling number does not exist', '#6639ba'],
  ['SucceededFinish', '正常接通', 'Answered, finished', '#2da44e'],
  ['SucceededChatbotHangUpAfterNoAnswer', '接通后客户未应答，机器人挂断', 'Answered, bot hung up: no reply', '#4ac26b'],
  ['SucceededChatbotHangUpAfterSilence', '接通后客户沉默，机器人挂断', 'Answered, bot hung up after silence', '#116329'],
  ['SucceededClientHangUpAfterNoAnswer', '接通后未应答，客户挂断', 'Answered, client hung up without reply', '#6fdd8b'],
  ['SucceededClientHangUp', '接通后客户挂断', 'Answered, client hung up', '#0a7f8c'],
  ['SucceededTransferByIntent', '接通后按意向转人工', 'Answered, transferred by intent', '#1f6feb'],
  ['SucceededTransferAfterNoAnswer', '接通后未应答转人工', 'Answered, transferred after no reply', '#54aeff'],
  ['SucceededInoInterAction', '接通但无交互', 'Answered, no interaction', '#0550ae'],
  ['SucceededError', '接通后出错', 'Answered, then an error', '#3192aa'],
  ['SucceededSpecialInterceptVoiceAssistant', '接通：语音助手拦截', 'Answered: voice assistant intercepted', '#1b7c83'],
  ['SucceededSpecialInterceptExtensionNumberTransfer', '接通：分机号转接拦截', 'Answered: extension transfer intercepted', '#0969da'],
  ['SucceededSpecialInterceptCustomSpecialIntercept', '接通：自定义拦截', 'Answered: custom intercept', '#218bff'],
  ['HighRiskSipCode', '高风险信令码', 'High-risk SIP code', '#ff4d4f'],
  // Beyond the OutboundBot table: the simulator (`dialtrack simulate`) and other dialers.
  ['Connected', '已接通', 'Connected', '#7ee2b8'],
  ['Unreachable', '无法接通', 'Unreachable', '#fa4549'],
  ['Rejected', '拒接', 'Rejected', '#bc4c00'],
  ['Suspended', '停机保号', 'Suspended', '#8a4600'],
  ['SuspendedOrPoweredOff', '停机或关机', 'Suspended or powered off', '#c297ff'],
]

const byStatus = new Map(kStatuses.map(([status, zh, en, colour]) => [status, { zh, en, colour }]))

// Colours for statuses outside the table, picked by a hash of the name: stable across pages.
const kSpare = ['#b083f0', '#e85aad', '#bf3989', '#99286e', '#768390', '#4d2d00', '#3d444d', '#f0883e']

/** The label of a status in `lang` ('zh' or 'en'); unknown statuses as they are. */
export function statusLabel(status, lang) {
  const known = byStatus.get(status)
  if (!known) return status
  return lang === 'en' ? known.en : known.zh
}

export function statusColour(status) {
  const known = byStatus.get(status)
  if (known) return known.colour
  let hash = 0
  for (const c of String(status)) hash = (hash * 31 + c.charCodeAt(0)) >>> 0
  return kSpare[hash % kSpare.length]
}

export function isKnownStatus(status) {
  return byStatus.has(status)
}

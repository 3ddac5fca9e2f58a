/**
 * The texts of the messages, Vietnamese (SMS gateways in Viet Nam expect it; no English copy is sent). A template
 * names the params it needs; a missing param renders as empty rather than failing delivery.
 */
const TEMPLATES: Record<string, (p: Record<string, string>) => string> = {
  'vaccination.invitation': (p) =>
    `Mời ${p.fullName ?? 'anh/chị'} tiêm vắc xin phòng COVID-19 ngày ${p.sessionDate ?? ''}, từ ${p.startTime ?? ''} đến ${p.endTime ?? ''}, tại ${p.siteName ?? ''}${p.siteAddress ? ` (${p.siteAddress})` : ''}. Mang theo CCCD/CMND. Không đến được, vui lòng báo trạm y tế.`,
  // To the commune's tracing team: that there is an alert and where, never who or which symptoms (the console shows
  // those to the tracer, audited).
  'declarations.alert': (p) =>
    `Sen: có cảnh báo mới từ tờ khai y tế tại ${p.communeName ?? 'địa bàn'} (mã ${p.alertRef ?? ''}). Mở mục Truy vết trên Sen để xem và xử lý.`,
};

export function knownTemplate(template: string): boolean {
  return template in TEMPLATES;
}

/**
 * The text of a message. Modules may also send a ready text in `params.text` under their own template name (the
 * tracing module does): it is used as is. A template with neither is a programming error and fails delivery.
 */
export function renderNotification(template: string, params: Record<string, string>): string {
  const render = TEMPLATES[template];
  if (render) return render(params);
  if (typeof params.text === 'string' && params.text.length > 0) return params.text;
  throw new Error(`Unknown notification template ${template}`);
}

import { describe, expect, it } from 'vitest';
import { renderNotification } from './templates';

describe('renderNotification', () => {
  it('renders the invitation in Vietnamese with date, time and site', () => {
    const text = renderNotification('vaccination.invitation', { fullName: 'Nguyễn Văn An', sessionDate: '05/01/2027', startTime: '07:30', endTime: '11:00', siteName: 'Trạm Y tế Ba Đình', siteAddress: '1 Phố Ba Đình' });
    expect(text).toBe('Mời Nguyễn Văn An tiêm vắc xin phòng COVID-19 ngày 05/01/2027, từ 07:30 đến 11:00, tại Trạm Y tế Ba Đình (1 Phố Ba Đình). Mang theo CCCD/CMND. Không đến được, vui lòng báo trạm y tế.');
  });

  it("tells a tracing team where an alert is, with only its reference", () => {
    const text = renderNotification('declarations.alert', { communeName: 'Phường Ba Đình', alertRef: '9f8e7d6c', alertId: '0190f0e1-0000-7000-8000-00009f8e7d6c' });
    expect(text).toBe('Sen: có cảnh báo mới từ tờ khai y tế tại Phường Ba Đình (mã 9f8e7d6c). Mở mục Truy vết trên Sen để xem và xử lý.');
  });

  it('uses a ready text for other modules\' templates and refuses an unknown template without one', () => {
    expect(renderNotification('tracing.contact', { text: 'Sen: xin chào' })).toBe('Sen: xin chào');
    expect(() => renderNotification('nothing.here', {})).toThrow(/Unknown notification template/);
  });
});

import type { Dcc } from '@sen/certs';
import { CATALOG_VERSIONS } from '@sen/domain';
import { drawQr, FONT_BOLD, FONT_REGULAR, renderPdf } from '../../lib/pdf';
import type { CertificateRow } from './repo';

function productName(mp: string | null): string {
  for (const c of [...CATALOG_VERSIONS].reverse()) {
    const v = c.vaccines.find((x) => x.dcc.mp === mp);
    if (v) return v.nameVi;
  }
  return mp ?? '';
}

/** dd/mm/yyyy as Vietnamese documents write dates; partial birth dates stay partial. */
export function viDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return [d, m, y].filter(Boolean).join('/');
}

/** The holder's name as signed: family then given names with their diacritics, else the transliterated form. */
export function signedName(dcc: Pick<Dcc, 'nam'>): string {
  const { fn, gn, fnt, gnt } = dcc.nam;
  const native = [fn, gn].filter(Boolean).join(' ');
  return native || [fnt, gnt].filter(Boolean).join(' ').replace(/</g, ' ');
}

/**
 * One A4 page of what the signed DCC says: the title in Vietnamese and English, the holder's name with its
 * diacritics, date of birth, the dose (dn/sd, day, product) or the recovery (positive test, valid from and until),
 * the signature's expiry, the UVCI and the QR (the HC1 text, error correction Q so a folded or worn print still scans).
 */
export async function certificatePdf(cert: CertificateRow, dcc: Dcc): Promise<Buffer> {
  const recovery = dcc.r?.[0];
  const vaccination = dcc.v?.[0];
  const [titleVi, titleEn] = recovery ? ['CHỨNG NHẬN KHỎI BỆNH COVID-19', 'COVID-19 Recovery Certificate'] : ['CHỨNG NHẬN TIÊM CHỦNG COVID-19', 'COVID-19 Vaccination Certificate'];
  return renderPdf({ size: 'A4', title: `${titleVi} / ${titleEn}`, creationDate: new Date(cert.issued_at) }, (doc) => {
    const left = 48;
    doc.font(FONT_BOLD).fontSize(11).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { align: 'center' });
    doc.font(FONT_REGULAR).fontSize(10).text('Độc lập - Tự do - Hạnh phúc', { align: 'center' });
    doc.moveDown(0.3).fontSize(9).fillColor('#555555').text('Bộ Y tế / Ministry of Health', { align: 'center' }).fillColor('#000000');
    doc.moveDown(0.8).font(FONT_BOLD).fontSize(16).text(titleVi, { align: 'center' });
    doc.font(FONT_REGULAR).fontSize(11).text(titleEn, { align: 'center' });
    doc.moveDown(1);
    const row = (vi: string, en: string, value: string) => {
      doc.font(FONT_REGULAR).fontSize(9).fillColor('#555555').text(`${vi} / ${en}`, left);
      doc.font(FONT_BOLD).fontSize(12).fillColor('#000000').text(value, left);
      doc.moveDown(0.4);
    };
    row('Họ và tên', 'Name', signedName(dcc));
    row('Ngày sinh', 'Date of birth', dcc.dob ? viDate(dcc.dob) : '—');
    if (vaccination) {
      row('Số mũi', 'Dose', `${vaccination.dn}/${vaccination.sd}`);
      row('Ngày tiêm', 'Date of vaccination', viDate(vaccination.dt));
      row('Vắc xin', 'Vaccine', productName(vaccination.mp));
    }
    if (recovery) {
      row('Ngày xét nghiệm dương tính đầu tiên', 'First positive test', viDate(recovery.fr));
      row('Có giá trị từ ngày', 'Valid from', viDate(recovery.df));
      row('Đến ngày', 'Valid until', viDate(recovery.du));
    }
    row('Chữ ký số hết hạn', 'Signature expires', viDate(new Date(cert.expires_at).toISOString()));
    row('Mã chứng nhận', 'Certificate identifier (UVCI)', (vaccination ?? recovery)?.ci ?? cert.uvci);
    const qrSize = 260;
    const x = (doc.page.width - qrSize) / 2;
    const y = Math.max(doc.y + 8, doc.page.height - 48 - qrSize - 40);
    drawQr(doc, cert.hcert, { x, y, size: qrSize, errorCorrectionLevel: 'Q' });
    doc.font(FONT_REGULAR).fontSize(8).fillColor('#555555')
      .text('Chứng nhận số theo chuẩn EU DCC, kiểm tra bằng mã QR / EU Digital COVID Certificate: verify by scanning the QR code', left, y + qrSize + 8, { align: 'center', width: doc.page.width - 2 * left });
  });
}

import type { Database, Transaction, DB } from '@sen/db';

export interface PriorityGroupSeed {
  code: string;
  rank: number;
  nameVi: string;
  nameEn: string;
}

/**
 * The 16 priority groups for COVID-19 vaccination of Resolution 21/NQ-CP (26 February 2021, as extended during
 * 2021), in the order of the resolution. Wording summarised from secondary sources (verify against the official
 * text); a national administrator can rename and reorder them, and edits are never overwritten by this seed.
 */
export const PRIORITY_GROUPS_2021: readonly PriorityGroupSeed[] = [
  { code: 'G01', nameVi: 'Người làm việc trong các cơ sở y tế, ngành y tế (công lập và tư nhân)', nameEn: 'Health workers (public and private health facilities)' },
  { code: 'G02', nameVi: 'Người tham gia phòng, chống dịch (ban chỉ đạo các cấp, khu cách ly, truy vết, điều tra dịch tễ, tổ COVID cộng đồng, tình nguyện viên, phóng viên)', nameEn: 'People taking part in epidemic control (steering committees, quarantine facilities, contact tracing, community COVID teams, volunteers, reporters)' },
  { code: 'G03', nameVi: 'Lực lượng Quân đội', nameEn: 'Armed forces' },
  { code: 'G04', nameVi: 'Lực lượng Công an', nameEn: 'Police' },
  { code: 'G05', nameVi: 'Cán bộ ngoại giao được cử đi nước ngoài; hải quan, cán bộ làm công tác xuất nhập cảnh', nameEn: 'Diplomats posted abroad; customs and immigration officers' },
  { code: 'G06', nameVi: 'Người cung cấp dịch vụ thiết yếu: hàng không, vận tải, du lịch; dịch vụ điện, nước', nameEn: 'Essential service providers: aviation, transport, tourism; electricity and water' },
  { code: 'G07', nameVi: 'Giáo viên, người làm việc, học sinh, sinh viên tại cơ sở giáo dục, đào tạo; người làm việc tại cơ quan hành chính thường xuyên tiếp xúc với nhiều người', nameEn: 'Teachers, staff and students of schools and training institutions; public administration staff in frequent contact with the public' },
  { code: 'G08', nameVi: 'Người mắc các bệnh mạn tính; người trên 65 tuổi', nameEn: 'People with chronic diseases; people over 65' },
  { code: 'G09', nameVi: 'Người sinh sống tại các vùng có dịch', nameEn: 'People living in outbreak areas' },
  { code: 'G10', nameVi: 'Người nghèo, các đối tượng chính sách xã hội', nameEn: 'Poor households and social policy beneficiaries' },
  { code: 'G11', nameVi: 'Người được cử đi công tác, học tập, lao động ở nước ngoài hoặc có nhu cầu xuất cảnh; chuyên gia nước ngoài làm việc tại Việt Nam', nameEn: 'People sent or leaving to work or study abroad; foreign experts working in Viet Nam' },
  { code: 'G12', nameVi: 'Người lao động, thân nhân người lao động tại các doanh nghiệp, khu công nghiệp, khu chế xuất', nameEn: 'Workers and their relatives at enterprises, industrial parks and export processing zones' },
  { code: 'G13', nameVi: 'Chức sắc, chức việc các tôn giáo', nameEn: 'Religious dignitaries and officials' },
  { code: 'G14', nameVi: 'Người lao động tự do', nameEn: 'Self-employed and informal workers' },
  { code: 'G15', nameVi: 'Đối tượng khác theo quyết định của Bộ trưởng Bộ Y tế hoặc Chủ tịch UBND tỉnh, thành phố', nameEn: 'Others decided by the Minister of Health or a provincial People’s Committee chair' },
  { code: 'G16', nameVi: 'Đối tượng khác theo đề xuất của các đơn vị viện trợ vắc xin cho Việt Nam', nameEn: 'Others proposed by donors of vaccines to Viet Nam' },
].map((g, i) => ({ ...g, rank: i + 1 }));

/**
 * Writes the groups on first start (empty table). Afterwards the table belongs to the national administrator:
 * renamed, reordered or deactivated groups are never overwritten or re-added.
 */
export async function seedPriorityGroups(db: Database | Transaction<DB>): Promise<void> {
  const any = await db.selectFrom('priority_groups').select('code').limit(1).executeTakeFirst();
  if (any) return;
  await db
    .insertInto('priority_groups')
    .values(PRIORITY_GROUPS_2021.map((g) => ({ code: g.code, rank: g.rank, name_vi: g.nameVi, name_en: g.nameEn })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

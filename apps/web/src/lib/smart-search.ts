import { normalisePhone } from '@sen/domain';

export interface SmartCriteria {
  q?: string;
  idNumber?: string;
  phone?: string;
  birthYear?: string;
}

/**
 * One box for everything an officer has at hand: "Nguyễn Văn An 1954", "001090000123", "0912 345 678".
 * Tokens that are a mobile number go to `phone`, ID-shaped tokens (9 or 12 digits, 10 digits that are not a
 * mobile number, a letter and 7 digits) to `idNumber`, a plausible birth year to `birthYear`, the rest is the name.
 */
export function parseSmartQuery(text: string): SmartCriteria {
  const out: SmartCriteria = {};
  const rest: string[] = [];
  const thisYear = new Date().getFullYear();
  // Phone numbers typed in groups ("0912 345 678", "091 234 5678") become one token before splitting.
  const joined = text
    .normalize('NFC')
    .replace(/(^|\s)(\+?84|0)(\d{2,3})[\s.-](\d{3})[\s.-](\d{3,4})(?=\s|$)/g, '$1$2$3$4$5');
  for (const token of joined.split(/\s+/).filter(Boolean)) {
    const compact = token.replace(/[-.]/g, '');
    const phone = /^\+?\d{10,11}$/.test(compact) ? normalisePhone(compact) : null;
    if (phone && !out.phone) out.phone = phone;
    else if (/^(\d{9}|\d{10}|\d{12})$/.test(compact) && !out.idNumber) out.idNumber = compact;
    else if (/^[A-Za-z]\d{7}$/.test(compact) && !out.idNumber) out.idNumber = compact.toUpperCase();
    else if (/^\d{4}$/.test(compact) && Number(compact) >= 1880 && Number(compact) <= thisYear && !out.birthYear) out.birthYear = compact;
    else rest.push(token);
  }
  const q = rest.join(' ').trim();
  if (q) out.q = q;
  return out;
}

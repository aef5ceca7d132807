// Phone numbers as Indonesians type them (0812-3456-7890, 62812…, +62 812…)
// normalised to E.164 (+6281234567890).

export function normalisePhone(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  if (!/^\+?\d+$/.test(compact)) return undefined;
  let e164: string;
  if (compact.startsWith('+')) e164 = compact;
  else if (compact.startsWith('62')) e164 = `+${compact}`;
  else if (compact.startsWith('0')) e164 = `+62${compact.slice(1)}`;
  else if (compact.startsWith('8')) e164 = `+62${compact}`;
  else return undefined;
  if (e164.startsWith('+62')) {
    // Mobile numbers are 08xx with 9–12 more digits; landlines 0xx with area code: 8–11 digits after 62.
    const national = e164.slice(3);
    return /^[1-9]\d{7,11}$/.test(national) ? e164 : undefined;
  }
  return /^\+[1-9]\d{7,14}$/.test(e164) ? e164 : undefined;
}

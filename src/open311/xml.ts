// A tiny XML writer for the GeoReport v2 documents: a root element holding
// items of one name, each a flat record (a list value repeats its element,
// e.g. the discovery's formats). Text is escaped; names are ours, never input.

export type XmlValue = string | number | boolean | null | undefined | readonly XmlValue[] | object;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an element or attribute, and drops characters XML 1.0 cannot carry (control characters). */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function element(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) return (value as readonly XmlValue[]).map((v) => element(name, v)).join('');
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]: [string, XmlValue]) => element(k, v)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<root><item>…</item>…</root>` with the XML declaration. */
export function xmlDocument(root: string, item: string, items: readonly object[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${items.map((i) => element(item, i)).join('')}</${root}>\n`;
}

/** One record as the whole document (the discovery, a service definition). */
export function xmlSingle(root: string, record: object): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, record)}\n`;
}

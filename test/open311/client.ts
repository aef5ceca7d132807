// A small Open311 GeoReport v2 client written from the spec
// (http://wiki.open311.org/GeoReport_v2), as a city app would use the API:
// discovery first, then the endpoint it names; forms for POST; JSON or XML.
// The XML reader is deliberately minimal (elements and text, no attributes).

export type Format = 'json' | 'xml';

export interface XmlElement { name: string; children: XmlElement[]; text: string }

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses an XML document into its root element. */
export function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: XmlElement[] = [{ name: '#document', children: [], text: '' }];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)\s*(\/?)>|([^<]+)/g;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const top = stack.at(-1);
    if (!top) throw new Error('unbalanced XML');
    if (m[4] !== undefined) {
      top.text += m[4].replace(/&(\w+);/g, (_w, e: string) => ENTITIES[e] ?? `&${e};`);
    } else if (m[1] === '/') {
      if (top.name !== m[2]) throw new Error(`</${m[2] ?? ''}> closes <${top.name}>`);
      stack.pop();
    } else {
      const element: XmlElement = { name: m[2] ?? '', children: [], text: '' };
      top.children.push(element);
      if (m[3] !== '/') stack.push(element);
    }
  }
  const root = stack[0]?.children[0];
  if (stack.length !== 1 || !root) throw new Error('unbalanced XML');
  return root;
}

/** `<root><item><a>1</a>…</item>…</root>` as records of text (the spec's flat lists). */
export const xmlRecords = (root: XmlElement): Record<string, string>[] =>
  root.children.map((item) => Object.fromEntries(item.children.map((field) => [field.name, field.text.trim()])));

/** A JSON record as the XML would say it: every value as text, null as empty. */
export const asText = (record: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean)]));

export interface Answer { status: number; contentType: string; text: string; records: Record<string, string>[]; json?: unknown }

export class Open311Client {
  endpoint = '';

  constructor(readonly baseUrl: string) {}

  /** Reads the discovery document and takes the production GeoReport v2 endpoint from it. */
  async discover(format: Format = 'json'): Promise<Answer> {
    const answer = await this.fetch(`${this.baseUrl}/open311/discovery.${format}`);
    if (format === 'json') {
      const doc = answer.json as { endpoints: { specification: string; url: string; type: string }[] };
      this.endpoint = doc.endpoints.find((e) => e.specification === 'http://wiki.open311.org/GeoReport_v2' && e.type === 'production')?.url ?? '';
    } else {
      const endpoints = parseXml(answer.text).children.find((c) => c.name === 'endpoints')?.children ?? [];
      const field = (e: XmlElement, name: string) => e.children.find((c) => c.name === name)?.text ?? '';
      this.endpoint = field(endpoints.find((e) => field(e, 'specification') === 'http://wiki.open311.org/GeoReport_v2') ?? { name: '', children: [], text: '' }, 'url');
    }
    return answer;
  }

  get(path: string, format: Format, query: Record<string, string> = {}): Promise<Answer> {
    const search = new URLSearchParams(query).toString();
    return this.fetch(`${this.endpoint}/${path}.${format}${search ? `?${search}` : ''}`);
  }

  /** POST requests.{format} as application/x-www-form-urlencoded. */
  post(format: Format, form: Record<string, string>): Promise<Answer> {
    return this.fetch(`${this.endpoint}/requests.${format}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  }

  private async fetch(url: string, init?: RequestInit): Promise<Answer> {
    const response = await fetch(url, init);
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.startsWith('application/json')) {
      const json = JSON.parse(text) as unknown;
      return { status: response.status, contentType, text, json, records: Array.isArray(json) ? (json as Record<string, unknown>[]).map(asText) : [asText(json as Record<string, unknown>)] };
    }
    if (contentType.startsWith('text/xml')) return { status: response.status, contentType, text, records: xmlRecords(parseXml(text)) };
    return { status: response.status, contentType, text, records: [] };
  }
}

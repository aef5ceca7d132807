// The part of the Graph API the Cloud API channel uses: send a message,
// upload media, resolve and download media.
export class GraphError extends Error {
  constructor(readonly status: number, readonly code: number | undefined, message: string) {
    super(message);
    this.name = 'GraphError';
  }
}

export class GraphClient {
  constructor(private readonly apiRoot: string, private readonly token: string, private readonly phoneNumberId: string) {}

  async sendMessage(body: Record<string, unknown>): Promise<string> {
    const result = (await this.call(`${this.phoneNumberId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messaging_product: 'whatsapp', ...body }) })) as { messages?: { id: string }[] };
    return result.messages?.[0]?.id ?? '';
  }

  async uploadMedia(bytes: Buffer, contentType: string, filename: string): Promise<string> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', contentType);
    form.append('file', new Blob([bytes], { type: contentType }), filename);
    const result = (await this.call(`${this.phoneNumberId}/media`, { method: 'POST', body: form })) as { id: string };
    return result.id;
  }

  /** The bytes of an inbound media object (two steps: its URL, then the download, both authorised). */
  async downloadMedia(mediaId: string, maxBytes: number): Promise<{ bytes: Uint8Array; tooLarge: boolean }> {
    const meta = (await this.call(encodeURIComponent(mediaId), { method: 'GET' })) as { url: string; file_size?: number };
    if (meta.file_size !== undefined && meta.file_size > maxBytes) return { bytes: new Uint8Array(), tooLarge: true };
    const response = await fetch(meta.url, { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new GraphError(response.status, undefined, `media download failed with HTTP ${String(response.status)}`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), tooLarge: false };
  }

  private async call(path: string, init: RequestInit): Promise<unknown> {
    const response = await fetch(`${this.apiRoot}/${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(30_000) });
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: number; message?: string } };
    if (!response.ok) throw new GraphError(response.status, body.error?.code, `${String(response.status)} ${body.error?.message ?? response.statusText}`);
    return body;
  }
}

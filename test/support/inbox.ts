// The operator inbox over real HTTP: an app with a fast password hash and a
// first admin, and operators who log in and call the API as the UI does
// (session cookie plus the CSRF token on every change).
import type { Browser, Page } from 'playwright-core';
import type { RunningApplication } from '../../src/app/application.js';
import type { Config } from '../../src/config/schema.js';
import { startTestApp } from './app.js';
import type { TestDatabase } from './database.js';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };

export function startInboxApp(db: TestDatabase, configure: (config: Config) => void = () => undefined): Promise<RunningApplication> {
  return startTestApp(db, (c) => {
    c.inbox.passwordCost = 10;
    c.admin = { ...ADMIN };
    configure(c);
  });
}

export interface ApiResponse<T = Record<string, unknown>> { status: number; body: T; headers: Headers }

export class OperatorSession {
  cookie: string | undefined;
  csrf: string | undefined;
  bearer: string | undefined;

  constructor(readonly baseUrl: string) {}

  static async login(baseUrl: string, username: string, password: string): Promise<OperatorSession> {
    const session = new OperatorSession(baseUrl);
    const response = await session.login(username, password);
    if (response.status !== 200) throw new Error(`login of ${username} answered ${String(response.status)}: ${JSON.stringify(response.body)}`);
    return session;
  }

  async login(username: string, password: string, bearer = false): Promise<ApiResponse> {
    const response = await this.request('POST', '/api/auth/login', { username, password, ...(bearer ? { bearer } : {}) });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('aduan_session='));
    if (cookie) this.cookie = cookie.split(';')[0];
    if (typeof response.body.csrfToken === 'string') this.csrf = response.body.csrfToken;
    if (typeof response.body.token === 'string') this.bearer = response.body.token;
    return response;
  }

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, options: { csrf?: boolean; raw?: boolean } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    else if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }), redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // CSV, HTML, images: the text itself.
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = Record<string, unknown>>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body);
  }
}

/** Configures the app's Telegram channel against a fake Bot API: citizens on Telegram in an inbox test. */
export const withTelegram = (api: { readonly token: string; readonly url: string }) => (config: Config): void => {
  config.channels.telegram.botToken = api.token;
  config.channels.telegram.apiRoot = api.url;
};

/** Operators of each role, added by the admin through the API. */
export async function addOperators(admin: OperatorSession): Promise<void> {
  const users = [
    { username: 'dpupr.budi', name: 'Budi (DPUPR)', role: 'agency', agency: 'DPUPR', password: 'password-dpupr-1' },
    { username: 'dlh.sari', name: 'Sari (DLH)', role: 'agency', agency: 'DLH', password: 'password-dlh-01' },
    { username: 'kabid', name: 'Kabid Pengaduan', role: 'supervisor', password: 'password-kabid-1' },
  ];
  for (const user of users) {
    const response = await admin.post('/api/operators', user);
    if (response.status !== 201) throw new Error(`adding ${user.username} answered ${String(response.status)}: ${JSON.stringify(response.body)}`);
  }
}

/** Logs in on the inbox's login page, as an operator does (the browser tests); the caller waits for its page. */
export async function logInInbox(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/inbox/`);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

/**
 * An operator's inbox, logged in, in a browser context of its own: a phone (touch) below 500 px wide. The CSP is
 * bypassed so axe-core can be injected; timeouts allow for a busy machine.
 */
export async function openInbox(browser: Browser, baseUrl: string, width: number, height: number, operator: { username: string; password: string } = ADMIN): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width, height }, ...(width < 500 ? { isMobile: true, hasTouch: true } : {}) });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await logInInbox(page, baseUrl, operator.username, operator.password);
  await page.locator('header.top').waitFor();
  return page;
}

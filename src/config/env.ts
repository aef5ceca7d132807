// Environment variables of DESIGN.md's contract, each overriding one key of
// the configuration. Values arrive as text and are coerced to the key's type
// here; the schema then validates them like any other value.

type Kind = 'string' | 'integer' | 'boolean';

interface EnvBinding {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind: Kind;
}

const bind = (name: string, path: string, kind: Kind = 'string'): EnvBinding => ({ name, path: path.split('.'), kind });

export const ENV_BINDINGS: readonly EnvBinding[] = [
  bind('MONGODB_URI', 'database.uri'),
  bind('EMBEDDED_DB_BACKEND', 'database.embeddedBackend'),
  bind('PORT', 'server.port', 'integer'),
  bind('DATA_DIR', 'dataDir'),
  bind('TELEGRAM_BOT_TOKEN', 'channels.telegram.botToken'),
  bind('TELEGRAM_API_ROOT', 'channels.telegram.apiRoot'),
  bind('TELEGRAM_WEBHOOK_URL', 'channels.telegram.webhookUrl'),
  bind('TELEGRAM_WEBHOOK_SECRET', 'channels.telegram.webhookSecret'),
  bind('WHATSAPP_ENABLED', 'channels.whatsappWeb.enabled', 'boolean'),
  bind('CHROMIUM_PATH', 'channels.whatsappWeb.chromiumPath'),
  bind('WHATSAPP_AUTH', 'channels.whatsappWeb.auth'),
  bind('WHATSAPP_CLOUD_TOKEN', 'channels.whatsappCloud.token'),
  bind('WHATSAPP_CLOUD_PHONE_NUMBER_ID', 'channels.whatsappCloud.phoneNumberId'),
  bind('WHATSAPP_CLOUD_VERIFY_TOKEN', 'channels.whatsappCloud.verifyToken'),
  bind('WHATSAPP_CLOUD_APP_SECRET', 'channels.whatsappCloud.appSecret'),
  bind('WHATSAPP_CLOUD_API_ROOT', 'channels.whatsappCloud.apiRoot'),
  bind('IMAP_HOST', 'channels.email.imap.host'),
  bind('IMAP_PORT', 'channels.email.imap.port', 'integer'),
  bind('IMAP_SECURE', 'channels.email.imap.secure', 'boolean'),
  bind('IMAP_USER', 'channels.email.imap.user'),
  bind('IMAP_PASSWORD', 'channels.email.imap.password'),
  bind('SMTP_HOST', 'channels.email.smtp.host'),
  bind('SMTP_PORT', 'channels.email.smtp.port', 'integer'),
  bind('SMTP_SECURE', 'channels.email.smtp.secure', 'boolean'),
  bind('SMTP_USER', 'channels.email.smtp.user'),
  bind('SMTP_PASSWORD', 'channels.email.smtp.password'),
  bind('MAIL_FROM', 'channels.email.from'),
  bind('ADMIN_USERNAME', 'admin.username'),
  bind('ADMIN_PASSWORD', 'admin.password'),
  bind('PUBLIC_URL', 'public.baseUrl'),
];

export interface AppliedOverride {
  readonly name: string;
  readonly path: readonly string[];
}

/** Writes every set (non-empty) variable into `raw` and returns which keys they now own. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): AppliedOverride[] {
  const applied: AppliedOverride[] = [];
  for (const binding of ENV_BINDINGS) {
    const text = env[binding.name];
    if (text === undefined || text.trim() === '') continue;
    setPath(raw, binding.path, coerce(text.trim(), binding.kind));
    applied.push({ name: binding.name, path: binding.path });
  }
  return applied;
}

// Text that does not fit the kind is passed on unchanged, so the schema
// reports it with the variable's name instead of it being silently dropped.
function coerce(text: string, kind: Kind): unknown {
  if (kind === 'integer' && /^\d+$/.test(text)) return Number(text);
  if (kind === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(text)) return true;
    if (/^(false|0|no|off)$/i.test(text)) return false;
  }
  return text;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

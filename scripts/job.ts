// `npm run job -- <name>`: runs one job now, under its lease, against MONGODB_URI
// or, when it is unset, the running service's embedded database (see cli-config).
import { connectCliDatabase, loadCliConfig } from './cli-config.js';
import { setUpConversation } from '../src/conversation/setup.js';
import { smtpMailer } from '../src/notifications/mailer.js';
import { configuredNoticeDispatcher } from '../src/notifications/notice-dispatcher.js';
import { createLogger } from '../src/observability/logger.js';
import { isJobName, JOBS } from '../src/scheduler/jobs.js';
import { mongoJobLeases } from '../src/storage/lease-store.js';
import { startScheduler } from '../src/scheduler/scheduler.js';
import { mongoSessionStore } from '../src/storage/operator-store.js';
import { mongoRetention } from '../src/storage/retention-runs.js';
import { mongoReportStore } from '../src/storage/report-store.js';
import { openStorage } from '../src/storage/storage.js';
import { TicketService } from '../src/tickets/service.js';

const name = process.argv[2] ?? '';
if (!isJobName(name)) {
  console.error(`usage: npm run job -- <${Object.keys(JOBS).join('|')}>`);
  process.exit(2);
}
const config = loadCliConfig();
const logger = createLogger();
const connection = await connectCliDatabase(config, 'npm run job', logger);
const storage = openStorage(connection, config);
const tickets = new TicketService(storage.tickets, config);
const { router, outbox } = setUpConversation(config, storage, tickets, logger);
const mailer = smtpMailer(config.channels.email);
const reports = mongoReportStore(connection);
const notices = mailer ? configuredNoticeDispatcher(config, { store: storage.notices, mailer, attachments: storage.attachments, reports, logger }) : undefined;
const scheduler = startScheduler({ config: { ...config, schedules: {} }, tickets, router, outbox, mailer, notices, reports, attachments: storage.attachments, sessions: mongoSessionStore(connection), retention: mongoRetention(connection, storage.attachments), logger }, mongoJobLeases(connection));
const result = await scheduler.runNow(name);
// What the job queued is sent before the command ends (a refused mail stays queued for the service's retries).
await scheduler.stop();
await outbox.stop();
await notices?.stop();
mailer?.close();
await connection.close();
console.log(result.ran ? `${name}: ${String(result.handled)} handled` : `${name}: another instance holds the lease; try again later`);

// The inbox's single page: login, ticket list, ticket view, new complaint,
// dashboard, administration (operators, audit, configuration), own account. Hash routes (#/t/ADU-…) so the server serves one file.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Me, type Meta, setCsrf } from './api.js';
import { say, switchLang, t } from './i18n.js';
import { Account } from './pages/Account.js';
import { Audit } from './pages/Audit.js';
import { Dashboard } from './pages/Dashboard.js';
import { DpoPage, dpoRoute } from './pages/DpoPage.js';
import { DPO_TEXTS } from './pages/dpo-texts.js';
import { Login } from './pages/Login.js';
import { NewComplaint } from './pages/NewComplaint.js';
import { Open311Keys } from './pages/Open311Keys.js';
import { OPEN311_TEXTS } from './pages/open311-texts.js';
import { Operators } from './pages/Operators.js';
import { Settings } from './pages/Settings.js';
import { TicketList } from './pages/TicketList.js';
import { TicketView } from './pages/TicketView.js';
import './style.css';

export interface LiveEvent { seq: number; type: string; number: string }

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => { setHash(location.hash); };
    addEventListener('hashchange', onChange);
    return () => { removeEventListener('hashchange', onChange); };
  }, []);
  return hash;
}

/**
 * Where an operator lands after login (no page asked for in the URL): the ticket list, except for a data protection
 * officer, whose only work is the personal data page (they may read tickets, not act on them).
 */
function landOn(me: Me): void {
  const { permissions } = me.operator;
  if ((location.hash === '' || location.hash === '#') && permissions.includes('personalData') && !permissions.includes('reply')) location.replace('#/data-pribadi');
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [live, setLive] = useState<LiveEvent>({ seq: 0, type: '', number: '' });
  const hash = useHash();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => { setMenuOpen(false); }, [hash]); // a followed link closes the phone's menu

  const loadMe = () => {
    api<Me>('GET', '/api/auth/me').then((m) => { setCsrf(m.csrfToken); landOn(m); setMe(m); }, () => { setMe(null); });
  };
  useEffect(loadMe, []);
  useEffect(() => {
    if (!me) return;
    void api<Meta>('GET', '/api/meta').then(setMeta);
    const source = new EventSource('/api/events');
    let seq = 0;
    const onEvent = (e: MessageEvent<string>) => {
      const data = JSON.parse(e.data) as { number: string };
      setLive({ seq: ++seq, type: e.type, number: data.number });
    };
    for (const type of ['ticket', 'message', 'reply']) source.addEventListener(type, onEvent);
    return () => { source.close(); };
  }, [me]);

  if (me === undefined) return null;
  if (me === null) return <Login onLogin={loadMe} />;
  if (!meta) return null;

  const logout = async () => {
    await api('POST', '/api/auth/logout', {});
    setCsrf(null);
    setMe(null);
  };
  const can = (permission: string) => me.operator.permissions.includes(permission);
  const ticket = /^#\/t\/([A-Z]+-\d{4}-\d{5,})$/.exec(hash)?.[1];
  const person = can('personalData') ? dpoRoute(hash) : undefined;

  return (
    <div class="shell">
      <header class="top">
        <strong>{t('appTitle')}</strong>
        <span class="city">{meta.city}</span>
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="top-menu" onClick={() => { setMenuOpen(!menuOpen); }}>{t('menu')}</button>
        <nav id="top-menu" class={menuOpen ? 'open' : undefined} aria-label={t('menu')}>
          <a href="#/">{t('tickets')}</a>
          {can('reports') && <a href="#/dashboard">{t('dashboard')}</a>}
          {can('create') && <a href="#/new">{t('newComplaint')}</a>}
          {can('operators') && <a href="#/operators">{t('operators')}</a>}
          {can('audit') && <a href="#/audit">{t('audit')}</a>}
          {can('config') && <a href="#/settings">{t('settings')}</a>}
          {can('config') && <a href="#/open311">{say(OPEN311_TEXTS.nav)}</a>}
          {can('personalData') && <a href="#/data-pribadi">{say(DPO_TEXTS.nav)}</a>}
        </nav>
        <a class="who" href="#/account" title={t('account')}>{me.operator.name} · {t(`role_${me.operator.role}`)}{me.operator.agency ? ` · ${me.operator.agency}` : ''}</a>
        <button type="button" class="link" onClick={switchLang}>{t('otherLang')}</button>
        <button type="button" class="link" onClick={() => void logout()}>{t('logout')}</button>
      </header>
      <main>
        {ticket ? <TicketView number={ticket} me={me} meta={meta} live={live} />
          : hash === '#/new' && can('create') ? <NewComplaint meta={meta} />
          : hash === '#/dashboard' && can('reports') ? <Dashboard meta={meta} live={live} />
          : hash === '#/operators' && can('operators') ? <Operators me={me} meta={meta} />
          : hash === '#/audit' && can('audit') ? <Audit meta={meta} />
          : hash === '#/settings' && can('config') ? <Settings />
          : hash === '#/open311' && can('config') ? <Open311Keys />
          : person !== undefined ? <DpoPage personKey={person} meta={meta} />
          : hash === '#/account' ? <Account me={me} />
          : <TicketList me={me} meta={meta} live={live} />}
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);

// The ticket's public page, from the operator's side (issue 16 item 3): the
// status link citizens get, and which photos show on it. Publishing a photo
// opens it large; the operator drags boxes over faces, number plates or house
// numbers (mouse or touch), sees them black as they will be, and confirms. The
// server stores a freshly encoded copy with those parts black; the original
// never leaves the inbox. Hiding a photo again is confirmed too.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Me } from '../api.js';
import { errorText } from '../errors.js';
import { say, when } from '../i18n.js';
import { useActionKeys } from '../keys.js';
import { Confirm, type Confirmation } from './Confirm.js';
import { PUBLIC_PHOTO_TEXTS as T } from './public-photos-texts.js';
import './public-photos.css';

interface Region { x: number; y: number; w: number; h: number }
interface PhotoState {
  fileId: string;
  place: 'report' | 'result';
  url: string;
  contentType: string;
  publishable: boolean;
  public?: { url: string; at: string; by: string };
}
interface Panel { statusUrl: string; photos: PhotoState[] }

/** `photoCount` changes when photos are added (a result with photos): the panel reads again. */
export function PublicPhotos({ number, me, photoCount }: { number: string; me: Me; photoCount: number }) {
  const [panel, setPanel] = useState<Panel | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [ask, setAsk] = useState<Confirmation | null>(null);
  const keys = useActionKeys();
  useEffect(() => {
    api<Panel>('GET', `/api/tickets/${number}/public-photos`).then((p) => { setPanel(p); setError(''); }, (e: unknown) => { setError(errorText(e)); });
  }, [number, photoCount]);
  if (!panel) return error ? <section class="card public-photos"><p class="error" role="alert">{error}</p></section> : null;

  const mayPublish = me.operator.permissions.includes('reply');
  const act = (name: string, method: 'POST' | 'DELETE', fileId: string, body: unknown, done: string) => {
    setBusy(true);
    setNotice('');
    keys.run(`${name}:${fileId}`, (key) => api<Panel>(method, `/api/tickets/${number}/photos/${fileId}/public`, body, { idempotencyKey: key }))
      .then((p) => { setPanel(p); setError(''); setEditing(null); setNotice(done); }, (e: unknown) => { setError(errorText(e)); })
      .finally(() => { setBusy(false); });
  };
  const counters = { report: 0, result: 0 };

  return (
    <section class="card public-photos" aria-labelledby="public-photos-title">
      <h2 id="public-photos-title">{say(T.title)}</h2>
      <p>{say(T.intro)}</p>
      <p class="status-link">{say(T.link)}: <a href={panel.statusUrl} target="_blank" rel="noopener noreferrer">{panel.statusUrl}</a></p>
      {error && <p class="error" role="alert">{error}</p>}
      <p class="notice" role="status">{notice}</p>
      <ul class="photo-states">
        {panel.photos.map((photo) => {
          const index = ++counters[photo.place];
          const name = say(photo.place === 'report' ? T.report : T.result, { index });
          return (
            <li key={photo.fileId}>
              <span class="thumbs">
                <img src={photo.url} alt={say(T.original, { index: name })} loading="lazy" />
                {photo.public && <img src={photo.public.url} alt={say(T.publicCopy, { index: name })} loading="lazy" />}
              </span>
              <span class="state">
                <strong>{name}</strong>: {say(photo.public ? T.isPublic : T.notPublic)}
                {photo.public && <span class="muted">{say(T.publishedBy, { name: photo.public.by, when: when(photo.public.at) })}</span>}
                {!photo.publishable && <span class="muted">{say(T.notPublishable)}</span>}
              </span>
              {mayPublish && (
                <span class="actions">
                  {photo.publishable && <button type="button" class="secondary" disabled={busy} aria-expanded={editing === photo.fileId} onClick={() => { setEditing(editing === photo.fileId ? null : photo.fileId); }}>{say(photo.public ? T.republish : T.publishStart)}</button>}
                  {photo.public && <button type="button" class="secondary" disabled={busy} onClick={() => { setAsk({ text: say(T.confirmUnpublish, { number }), confirm: say(T.unpublish), danger: true, run: () => { act('unpublish', 'DELETE', photo.fileId, undefined, say(T.hidden)); } }); }}>{say(T.unpublish)}</button>}
                </span>
              )}
              {editing === photo.fileId && (
                <BlackOutEditor photo={photo} name={name} busy={busy} onCancel={() => { setEditing(null); }} onPublish={(regions) => {
                  setAsk({ text: say(T.confirmPublish, { number, count: regions.length }), confirm: say(T.publish), run: () => { act('publish', 'POST', photo.fileId, { regions }, say(T.published)); } });
                }} />
              )}
            </li>
          );
        })}
      </ul>
      <Confirm ask={ask} onClose={() => { setAsk(null); }} />
    </section>
  );
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));

/** A box moved (or, `resize`, grown) by `delta`, kept inside the photo. */
function nudged(r: Region, [dx, dy]: [number, number], resize: boolean): Region {
  if (resize) {
    const w = Math.min(1 - r.x, Math.max(MIN_SIZE, r.w + dx));
    const h = Math.min(1 - r.y, Math.max(MIN_SIZE, r.h + dy));
    return { ...r, w, h };
  }
  return { ...r, x: clamp(Math.min(r.x + dx, 1 - r.w)), y: clamp(Math.min(r.y + dy, 1 - r.h)) };
}
/** Boxes smaller than this (a click without a drag) are not kept. */
const MIN_SIZE = 0.01;

function BlackOutEditor({ photo, name, busy, onCancel, onPublish }: { photo: PhotoState; name: string; busy: boolean; onCancel: () => void; onPublish: (regions: Region[]) => void }) {
  const [regions, setRegions] = useState<Region[]>([]);
  const [drawing, setDrawing] = useState<Region | null>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const start = useRef<{ x: number; y: number } | null>(null);

  /** The pointer's place as fractions of the photo as shown. */
  const at = (event: PointerEvent) => {
    const box = canvas.current?.getBoundingClientRect();
    if (!box || box.width === 0 || box.height === 0) return { x: 0, y: 0 };
    return { x: clamp((event.clientX - box.left) / box.width), y: clamp((event.clientY - box.top) / box.height) };
  };
  const spanning = (a: { x: number; y: number }, b: { x: number; y: number }): Region => ({ x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) });
  const style = (r: Region) => ({ left: `${String(r.x * 100)}%`, top: `${String(r.y * 100)}%`, width: `${String(r.w * 100)}%`, height: `${String(r.h * 100)}%` });

  return (
    <div class="editor">
      <p id={`help-${photo.fileId}`}>{say(T.editorHelp)}</p>
      <div
        class="canvas"
        ref={canvas}
        role="application"
        aria-label={`${name}. ${say(T.editorLabel)}`}
        aria-describedby={`help-${photo.fileId}`}
        onPointerDown={(e) => { e.preventDefault(); canvas.current?.setPointerCapture(e.pointerId); start.current = at(e); setDrawing({ ...start.current, w: 0, h: 0 }); }}
        onPointerMove={(e) => { if (start.current) setDrawing(spanning(start.current, at(e))); }}
        onPointerUp={(e) => {
          if (!start.current) return;
          const region = spanning(start.current, at(e));
          start.current = null;
          setDrawing(null);
          if (region.w >= MIN_SIZE && region.h >= MIN_SIZE) setRegions((list) => [...list, region]);
        }}
        onPointerCancel={() => { start.current = null; setDrawing(null); }}
        tabIndex={0}
        onKeyDown={(e) => {
          // From the keyboard: Enter adds a box in the middle; the arrows move the newest box, with Shift they resize it.
          const step = 0.02;
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            setRegions((list) => [...list, { x: 0.4, y: 0.4, w: 0.2, h: 0.2 }]);
            return;
          }
          const move: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
          const delta = move[e.key];
          if (!delta || regions.length === 0) return;
          e.preventDefault();
          setRegions((list) => list.map((r, i) => (i === list.length - 1 ? nudged(r, delta, e.shiftKey) : r)));
        }}
      >
        <img src={photo.url} alt="" draggable={false} />
        {regions.map((r) => <span class="box" style={style(r)} />)}
        {drawing && <span class="box drawing" style={style(drawing)} />}
      </div>
      <p>{say(T.regions, { count: regions.length })}</p>
      {regions.length > 0 && (
        <ul class="regions">
          {regions.map((_r, i) => (
            <li key={i}>{say(T.region, { index: i + 1 })} <button type="button" class="secondary small" aria-label={say(T.removeRegion, { index: i + 1 })} onClick={() => { setRegions((list) => list.filter((_x, j) => j !== i)); }}>×</button></li>
          ))}
        </ul>
      )}
      <div class="buttons">
        <button type="button" class="secondary" onClick={onCancel}>{say(T.cancel)}</button>
        <button type="button" disabled={busy} onClick={() => { onPublish(regions); }}>{say(T.publish)}</button>
      </div>
    </div>
  );
}

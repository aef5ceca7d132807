// The DPO's copy of everything stored about one person (UU PDP 27/2022 art. 7: access and a copy), as one .zip
// a city PC opens without extra software: JSON files a person can read in a text editor, and the photos they sent.
// Pure: the route gathers the documents and the photo bytes (src/inbox/routes/privacy-people.ts).
import { strToU8, zipSync, type Zippable } from 'fflate';

export interface ExportPhoto {
  /** The ticket it belongs to, or `messages` for a photo only a message holds. */
  readonly folder: string;
  readonly fileId: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface ExportContents {
  /** README.txt: what the archive is, Indonesian first, then English. */
  readonly readme: readonly string[];
  readonly person: unknown;
  readonly tickets: unknown;
  readonly messages: unknown;
  readonly conversations: unknown;
  readonly dataRequests: unknown;
  readonly audit: unknown;
  readonly photos: readonly ExportPhoto[];
  /** The archive's entries are stamped with it (the zip format keeps local time without a zone: a date a person recognises). */
  readonly at: Date;
}

const EXTENSIONS: Readonly<Record<string, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic', 'image/gif': 'gif', 'application/pdf': 'pdf', 'audio/ogg': 'ogg' };

/** A photo's name in the archive: its stored id (the name it was sent with may be another person's). */
export const photoPath = (p: Pick<ExportPhoto, 'folder' | 'fileId' | 'contentType'>): string => `photos/${p.folder.replace(/[^A-Za-z0-9-]/g, '_')}/${p.fileId}.${EXTENSIONS[p.contentType] ?? 'bin'}`;

const json = (value: unknown): Uint8Array => strToU8(`${JSON.stringify(value, null, 2)}\n`);

export function exportArchive(contents: ExportContents): Uint8Array {
  const mtime = contents.at;
  const files: Zippable = {
    // Windows' Notepad reads UTF-8 with CRLF line ends best.
    'README.txt': [strToU8(`${contents.readme.join('\r\n\r\n')}\r\n`), { mtime }],
    'person.json': [json(contents.person), { mtime }],
    'tickets.json': [json(contents.tickets), { mtime }],
    'messages.json': [json(contents.messages), { mtime }],
    'conversations.json': [json(contents.conversations), { mtime }],
    'data-requests.json': [json(contents.dataRequests), { mtime }],
    'audit.json': [json(contents.audit), { mtime }],
  };
  // Photos are compressed already: stored as they are (level 0), which is also faster.
  for (const photo of contents.photos) files[photoPath(photo)] = [photo.bytes, { level: 0, mtime }];
  return zipSync(files, { level: 6 });
}

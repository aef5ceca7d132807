// What a flow's texts can name ({name}, {category}, {location}…): the
// report collected so far, in the person's language, "-" for what is missing.
import type { EngineContext } from './engine.js';
import type { ConversationState } from './state.js';
import type { TextVars } from './texts.js';

export function flowTextVars(ctx: Pick<EngineContext, 'categories' | 'cityName' | 'limits' | 'exampleTicketNumber'>, state: ConversationState, t: (key: string) => string): TextVars {
  const { data, profile } = state;
  const none = t('summary_none');
  const duplicate = data.duplicate;
  const category = ctx.categories.find((c) => c.code === data.category);
  const location = data.location;
  return {
    city: ctx.cityName,
    max: ctx.limits.photosPerTicket,
    example: ctx.exampleTicketNumber,
    name: data.name ?? none,
    phone: data.phone ?? none,
    address: data.address ?? none,
    profile_name: profile?.name ?? none,
    profile_phone: profile?.phone ?? none,
    profile_address: profile?.address ?? none,
    category: category ? (category.name[state.locale] ?? category.name.id) : none,
    description: data.description ?? none,
    photos: data.photos?.length ?? 0,
    location: location ? [location.address, location.latitude === undefined ? undefined : `${String(location.latitude)}, ${String(location.longitude)}`].filter(Boolean).join(' — ') : none,
    duplicate_number: duplicate?.number ?? none,
    duplicate_description: duplicate?.description ?? none,
    duplicate_status: duplicate ? t(`status.labels.${duplicate.status}`) : none,
    duplicate_distance: duplicate?.distance ?? none,
  };
}

export function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${String(Math.round(bytes / 1_048_576))} MB` : `${String(Math.round(bytes / 1024))} KB`;
}

// Presence's own texts (issue 15 item 1), Indonesian first; `say` fills {name}.
export const PRESENCE_TEXTS = {
  viewing: ['{name} juga membuka tiket ini', '{name} also has this ticket open'],
  typing: ['{name} sedang mengetik balasan…', '{name} is typing a reply…'],
} as const;

// The person's display name and colour, remembered in this browser (localStorage). Everything a
// page reads from storage is validated: another tab or an old version may have written it.

export interface Profile {
  name: string;
  color: string;
}

const KEY = 'tandem:profile';
export const MAX_NAME_LENGTH = 40;

/** Cursor colours that stay readable on the dark editor background, each with a tinted pair. */
export const PALETTE: readonly string[] = [
  '#f472b6', // pink
  '#fb923c', // orange
  '#facc15', // amber
  '#4ade80', // green
  '#2dd4bf', // teal
  '#38bdf8', // sky
  '#818cf8', // indigo
  '#c084fc', // purple
  '#f87171', // red
  '#a3e635', // lime
];

const ADJECTIVES = [
  'Curious', 'Brave', 'Quiet', 'Swift', 'Clever', 'Gentle', 'Lucky', 'Sunny', 'Witty', 'Calm',
  'Bold', 'Merry', 'Nimble', 'Keen', 'Jolly', 'Cosmic', 'Mellow', 'Plucky', 'Snappy', 'Zesty',
];
const ANIMALS = [
  'Otter', 'Falcon', 'Panda', 'Lynx', 'Heron', 'Koala', 'Fox', 'Badger', 'Dolphin', 'Owl',
  'Marten', 'Puffin', 'Gecko', 'Ibex', 'Narwhal', 'Raccoon', 'Wombat', 'Yak', 'Tapir', 'Quokka',
];

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOR.test(value);
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

export function randomProfile(): Profile {
  return { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(PALETTE) };
}

export function cleanName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_NAME_LENGTH);
}

/** The profile this browser remembers, or null when there is none (the person was never asked). */
export function storedProfile(): Profile | null {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (raw) {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object') {
        const { name, color } = parsed as Record<string, unknown>;
        if (typeof name === 'string' && cleanName(name) && isHexColor(color)) {
          return { name: cleanName(name), color };
        }
      }
    }
  } catch {
    // Unreadable storage (private mode, quota, bad JSON): as if there were none.
  }
  return null;
}

/** The remembered profile, or a fresh random one (remembered from now on). */
export function loadProfile(): Profile {
  const stored = storedProfile();
  if (stored) return stored;
  const fresh = randomProfile();
  saveProfile(fresh);
  return fresh;
}

export function saveProfile(profile: Profile): void {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(profile));
  } catch {
    // Storage may be unavailable; the profile then lasts for this page only.
  }
}

/** The colour mixed with transparency, for selections behind text. */
export function lightColor(color: string, alpha = 0.28): string {
  const a = Math.round(alpha * 255).toString(16).padStart(2, '0');
  return `${color}${a}`;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  if (parts.length === 1) return parts[0].slice(0, 2).toUpperCase();
  return (parts[0][0] + parts[parts.length - 1][0]).toUpperCase();
}

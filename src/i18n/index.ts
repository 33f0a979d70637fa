/**
 * Page and email language: i18next over the catalogues in ./catalog (English and Spanish, complete), one
 * translator per person. Views take a `T` and write `t('auth:signIn.title')` for text and
 * `t.html('key', {link})` where a text holds markup; dates go through `t.when` / `t.day` so they read in the
 * person's language and time zone. Keys are checked by the compiler against the English catalogue.
 */
import i18next from 'i18next';
import { escapeHtml, Html } from '../core/html.ts';
import { userAgentParts } from '../core/user-agent.ts';
import { en, resources } from './catalog/index.ts';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type Base<K extends string> = K extends `${infer B}_${PluralSuffix}` ? B : K;
type Leaves<O, P extends string = ''> = {
  [K in keyof O & string]: O[K] extends string ? `${P}${Base<K>}` : Leaves<O[K], `${P}${K}.`>;
}[keyof O & string];
type English = typeof en;
/** `namespace:path.to.text`, as written in the English catalogue (plural forms share one key). */
export type MessageKey = { [N in keyof English & string]: `${N}:${Leaves<English[N]>}` }[keyof English & string];
/** Placeholder values; `count` picks the plural form. */
export type MessageValues = Readonly<Record<string, string | number>>;
/** Placeholder values for a text with markup: strings are escaped, Html is kept. */
export type HtmlValues = Readonly<Record<string, string | number | Html>>;

/** An error that a page can show in the reader's language (src/errors.ts AppError). */
export interface LocalizableError {
  readonly message: string;
  readonly messageKey?: MessageKey | null;
  readonly messageValues?: MessageValues;
}

export interface T {
  (key: MessageKey, values?: MessageValues): string;
  /** A text that holds markup (a link, <strong>): the catalogue's markup is trusted, values are escaped. */
  html(key: MessageKey, values?: HtmlValues): Html;
  readonly locale: Locale;
  /** The person's saved IANA time zone, or null (pages show UTC and let the browser say "your time"). */
  readonly timeZone: string | null;
  /** A moment: "2026-11-24 12:00 UTC" (en), "24 nov 2026, 12:00 UTC" (es), in the person's time zone. */
  when(iso: string | null | undefined): string;
  /** A day: "2026-11-24" (en), "24 nov 2026" (es), in the person's time zone. */
  day(iso: string | null | undefined): string;
  /** "A, B and C" / "A, B y C". */
  list(items: readonly string[]): string;
  /** What a User-Agent header names: "Firefox on Linux" / "Firefox en Linux" (pages and emails alike). */
  browser(userAgent: string): string;
  /**
   * What an expected failure says, in this language (its code's text, or its more specific one); values that
   * are moments (ISO 8601, UTC) are written as `when` writes them.
   */
  error(error: LocalizableError): string;
}

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources,
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  ns: Object.keys(en),
  defaultNS: 'common',
  // Pages escape through src/core/html.ts (and t.html escapes values itself); emails' text is plain.
  interpolation: { escapeValue: false },
  returnNull: false,
  returnEmptyString: false,
});

/** A time zone name the runtime knows (IANA), else null. */
export function validTimeZone(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value === 'UTC' || Intl.supportedValuesOf('timeZone').includes(value) ? value : null;
  } catch {
    return null;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(locale: Locale, timeZone: string, kind: 'when' | 'day'): Intl.DateTimeFormat {
  const id = `${locale}|${timeZone}|${kind}`;
  let f = formats.get(id);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      locale === 'en'
        ? {
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            ...(kind === 'when' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' } : {}),
          }
        : {
            year: 'numeric',
            month: 'short',
            day: 'numeric',
            ...(kind === 'when' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' } : {}),
          };
    f = new Intl.DateTimeFormat(locale === 'en' ? 'en-CA' : 'es', { ...options, timeZone });
    formats.set(id, f);
  }
  return f;
}

function formatMoment(locale: Locale, timeZone: string, iso: string, kind: 'when' | 'day'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = format(locale, timeZone, kind).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  if (locale === 'en') {
    const dayText = `${part('year')}-${part('month')}-${part('day')}`;
    return kind === 'day' ? dayText : `${dayText} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
  }
  const dayText = `${part('day')} ${part('month').replace('.', '')} ${part('year')}`;
  return kind === 'day' ? dayText : `${dayText}, ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;

/**
 * Writes values into a catalogue text's `{{name}}` placeholders, as i18next does with escapeValue off: a
 * placeholder without a value stays as written. Values are inserted as they are and never read as markup or
 * as nested lookups (test/unit/i18n-catalog.test.ts checks every text against i18next's own result).
 */
function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  if (!template.includes('{{')) return template;
  return template.replace(PLACEHOLDER, (match, name: string) => {
    const value = values[name];
    return value === undefined ? match : String(value);
  });
}

const translators = new Map<string, T>();
const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** The translator for a language and (optionally) a saved time zone. */
export function translator(locale: Locale, timeZone: string | null = null): T {
  const id = `${locale}|${timeZone ?? ''}`;
  const cached = translators.get(id);
  if (cached) return cached;
  const fixed = instance.getFixedT(locale);
  const zone = timeZone ?? 'UTC';
  /** An error's values that are moments (ISO 8601 in UTC) read as this reader's moments. */
  const momentsWritten = (values: MessageValues): Record<string, string | number> =>
    Object.fromEntries(
      Object.entries(values).map(([name, value]) => [
        name,
        typeof value === 'string' && ISO_MOMENT.test(value) ? formatMoment(locale, zone, value, 'when') : value,
      ]),
    );
  const lists = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  const plurals = new Intl.PluralRules(locale);
  // A lookup through i18next costs ~20 µs, ~30 µs with values. Each text is looked up once per language (and
  // plural form) with its placeholders left in; values are then written into that template here.
  const templates = new Map<string, string>();
  const render = (key: MessageKey, values?: Readonly<Record<string, string | number>>): string => {
    const count = values?.count;
    const form = typeof count === 'number' ? (count === 0 ? 'zero' : plurals.select(count)) : '';
    const id = form ? `${key}\u0000${form}` : key;
    let template = templates.get(id);
    if (template === undefined) {
      template =
        typeof count === 'number'
          ? fixed(key, { count, skipInterpolation: true })
          : fixed(key, { skipInterpolation: true });
      templates.set(id, template);
    }
    return values ? fill(template, values) : template;
  };
  const t = ((key: MessageKey, values?: MessageValues) => render(key, values)) as T;
  const built: T = Object.assign(t, {
    html(key: MessageKey, values: HtmlValues = {}): Html {
      const escaped: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(values))
        escaped[name] = value instanceof Html ? value.value : typeof value === 'number' ? value : escapeHtml(value);
      return new Html(render(key, escaped));
    },
    locale,
    timeZone,
    when: (iso: string | null | undefined) => (iso ? formatMoment(locale, zone, iso, 'when') : '—'),
    day: (iso: string | null | undefined) => (iso ? formatMoment(locale, zone, iso, 'day') : '—'),
    list: (items: readonly string[]) => lists.format(items),
    browser(userAgent: string): string {
      const { browser, system } = userAgentParts(userAgent);
      const name = browser ?? render('common:userAgent.unknown');
      return system ? render('common:userAgent.on', { browser: name, system }) : name;
    },
    error: (error: LocalizableError) =>
      error.messageKey ? render(error.messageKey, momentsWritten(error.messageValues ?? {})) : error.message,
  });
  translators.set(id, built);
  return built;
}

/** English, UTC: the JSON API's error messages, logs, and anything written before a reader is known. */
export const english: T = translator('en');

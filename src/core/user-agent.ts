/** A short, human "Browser on OS" from a User-Agent header (for session and device lists, emails). */
const BROWSERS: Array<[RegExp, string]> = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//, 'curl'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad/, 'iOS'],
  [/Android/, 'Android'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** The browser and system names a User-Agent header shows (null: not recognised). */
export function userAgentParts(userAgent: string): { browser: string | null; system: string | null } {
  return {
    browser: BROWSERS.find(([re]) => re.test(userAgent))?.[1] ?? null,
    system: SYSTEMS.find(([re]) => re.test(userAgent))?.[1] ?? null,
  };
}

/** In English, for device lists kept as data: "Firefox on Linux" (pages and emails use `t.browser`). */
export function describeUserAgent(userAgent: string): string {
  const { browser, system } = userAgentParts(userAgent);
  const name = browser ?? 'Unknown browser';
  return system ? `${name} on ${system}` : name;
}

/** Return addresses for tests of every place that takes one: hostile ones, and good ones that must be kept. */
/** Values as they reach the server after the query or form is decoded. */
export const HOSTILE_NEXT: ReadonlyArray<readonly [string, string]> = [
  ['a tab browsers drop (/%09/evil.example)', '/\t/evil.example'],
  ['protocol-relative', '//evil.example'],
  ['a backslash read as a slash', '/\\evil.example'],
  ['a backslash (/%5Cevil)', '/\\evil'],
  ['a backslash still encoded once', '/%5Cevil'],
  ['another origin', 'https://evil.example'],
  ['another origin, http', 'http://evil.example/profile'],
  ['javascript:', 'javascript:alert(document.domain)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['CR/LF (header injection)', '/\r\nSet-Cookie: x=1'],
  ['CR/LF still encoded once', '/%0d%0aSet-Cookie:%20x=1'],
  ['a NUL', '/profile\u0000'],
  ['a dot segment that resolves to //', '/.//evil.example'],
  ['userinfo pointing elsewhere', 'https://auth.example.com@evil.example/'],
  ['a leading space before //', ' //evil.example'],
  ['a malformed escape', '/profile%'],
  ['very long (twice RETURN_TO.maxLength)', `/${'a'.repeat(4000)}`],
];

export const GOOD_NEXT: ReadonlyArray<readonly [string, string]> = [
  ['/profile/security?x=1', '/profile/security?x=1'],
  ['/authorize/abc?continue=1', '/authorize/abc?continue=1'],
  ['/profile/security/confirm?next=%2Fprofile', '/profile/security/confirm?next=%2Fprofile'],
];

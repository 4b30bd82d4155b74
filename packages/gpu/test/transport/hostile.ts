// Arguments that would do harm if a shell ever interpreted them; every transport must pass them through
// as literal text. The commands they would run write a marker file, so a test can also prove nothing ran.

export const HOSTILE_ARGUMENTS: readonly string[] = [
  `'; rm -rf /`,
  `"; rm -rf /; echo "`,
  '$(touch /tmp/cabinet-pwned)',
  '`touch /tmp/cabinet-pwned`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion that must stay literal
  '${HOME}',
  '$HOME',
  'a\nb\n\ntouch /tmp/cabinet-pwned',
  'tab\there',
  "it's",
  "''",
  "'\\''",
  '\\',
  '\\\\n',
  '!history',
  '* ?',
  '~',
  '-n',
  '--help',
  '#comment',
  '; | & && || > < >> <<',
  '%s %n',
  'ünïcödé ✓ 日本',
  ' leading and trailing spaces ',
  '',
]

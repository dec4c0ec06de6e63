/** SPDX identifiers of common OSI-approved licences; an expression passes when every part does. */
const OSI = new Set(
  [
    '0BSD',
    'AFL-3.0',
    'AGPL-3.0',
    'AGPL-3.0-only',
    'AGPL-3.0-or-later',
    'Apache-1.1',
    'Apache-2.0',
    'APSL-2.0',
    'Artistic-2.0',
    'BlueOak-1.0.0',
    'BSD-1-Clause',
    'BSD-2-Clause',
    'BSD-2-Clause-Patent',
    'BSD-3-Clause',
    'BSL-1.0',
    'CDDL-1.0',
    'CECILL-2.1',
    'ECL-2.0',
    'EPL-1.0',
    'EPL-2.0',
    'EUPL-1.2',
    'GPL-2.0',
    'GPL-2.0-only',
    'GPL-2.0-or-later',
    'GPL-3.0',
    'GPL-3.0-only',
    'GPL-3.0-or-later',
    'ISC',
    'LGPL-2.1',
    'LGPL-2.1-only',
    'LGPL-2.1-or-later',
    'LGPL-3.0',
    'LGPL-3.0-only',
    'LGPL-3.0-or-later',
    'MIT',
    'MIT-0',
    'MPL-1.1',
    'MPL-2.0',
    'MS-PL',
    'MS-RL',
    'NCSA',
    'OFL-1.1',
    'OSL-3.0',
    'PostgreSQL',
    'Python-2.0',
    'Unicode-DFS-2016',
    'Unlicense',
    'UPL-1.0',
    'W3C',
    'Zlib',
    'ZPL-2.1',
  ].map((id) => id.toLowerCase()),
);

/** True when the licence is OSI-approved, false when it is not, undefined when not stated. */
export function isOsiLicence(licence: string | null | undefined): boolean | undefined {
  if (licence === null || licence === undefined || licence.trim() === '') return undefined;
  const parts = licence
    .replace(/[()]/g, ' ')
    .split(/\s+(?:OR|AND)\s+|\s+/i)
    .filter((p) => p !== '' && !/^(or|and|with)$/i.test(p));
  return parts.length > 0 && parts.every((part) => OSI.has(part.toLowerCase()));
}

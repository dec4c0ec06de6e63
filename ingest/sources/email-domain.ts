/**
 * The organisation an email address suggests: its domain, unless the domain is a free-mail or
 * forwarding provider, whose users have nothing in common.
 */
const FREE_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.co.jp',
  'yahoo.fr',
  'ymail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'outlook.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'protonmail.com',
  'protonmail.ch',
  'proton.me',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.ru',
  'yandex.ru',
  'yandex.com',
  'qq.com',
  '163.com',
  '126.com',
  'foxmail.com',
  'naver.com',
  'hey.com',
  'fastmail.com',
  'fastmail.fm',
  'zoho.com',
  'tutanota.com',
  'tuta.io',
  'hushmail.com',
  'mail.com',
  'inbox.ru',
  'rambler.ru',
  'seznam.cz',
  'free.fr',
  'orange.fr',
  'laposte.net',
  'libero.it',
  't-online.de',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'btinternet.com',
  'rediffmail.com',
  'users.noreply.github.com',
  'example.com',
  'example.org',
  'localhost',
]);

export function companyDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) || domain.length > 253) return undefined;
  if (FREE_MAIL.has(domain) || domain.endsWith('.noreply.github.com')) return undefined;
  return domain;
}

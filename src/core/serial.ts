// Serial numbers, one home: the lookup key every CRL, OCSP, index.txt and workspace match uses,
// and the strict parser for serials typed by people ("0A:1B", "0x0a1b", "serial=0A1B").

/** Lookup key: lowercase hex without colons, spaces or leading zeros ("0" for zero). */
export function serialKey(hex: string): string {
  if (/^[0-9A-Fa-f]+$/.test(hex)) {
    let i = 0;
    while (i < hex.length - 1 && hex.charCodeAt(i) === 48) i++;
    return (i ? hex.slice(i) : hex).toLowerCase();
  }
  return hex.replace(/[:\s]/g, '').replace(/^0x/i, '').toLowerCase().replace(/^0+(?=.)/, '') || '0';
}

/**
 * Canonical serial form of user input, in serialKey's format; throws on anything but hex.
 * Accepts "0A:1B", "0x0a1b", "serial=0A1B", "0a 1b" and a leading minus (negative serials exist).
 */
export function normalizeSerial(hexOrColon: string): string {
  let s = hexOrColon.trim().replace(/^serial\s*=\s*/i, '');
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  s = s.replace(/^0x/i, '').replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]*$/.test(s)) throw new Error(`not a hex serial number: ${JSON.stringify(hexOrColon)}`);
  s = s.replace(/^0+/, '') || '0';
  return negative && s !== '0' ? `-${s}` : s;
}

/** Serial as openssl's index.txt holds it: uppercase, even-length hex, no redundant leading zero bytes. */
export function opensslSerial(hex: string): string {
  if (hex.length % 2 === 0 && hex.length > 0 && /^[0-9A-F]+$/.test(hex) && !(hex.length > 2 && hex[0] === '0' && hex[1] === '0')) return hex;
  let h = hex.replace(/[:\s]/g, '').replace(/^0x/i, '').toUpperCase().replace(/^0+/, '');
  if (h === '') h = '00';
  if (h.length % 2) h = '0' + h;
  return h;
}

/** "0a:1b:2c": the display form of a serial in every view, hover, document and log (as decoded certificates carry it). */
export function colonSerial(hex: string): string {
  const negative = hex.trim().startsWith('-');
  const h = serialKey(negative ? hex.trim().slice(1) : hex);
  return (negative ? '-' : '') + ((h.length % 2 ? '0' + h : h).match(/../g)?.join(':') ?? h);
}

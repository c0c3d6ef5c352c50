// Test data made on the spot: a small valid PDF and a valid codice fiscale.

/** A one-page PDF showing `text` (Helvetica, ASCII), with a correct cross-reference table. */
export function makePdf(text) {
  const stream = `BT /F1 20 Tf 30 200 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 260] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = objects.map((o, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) out += `${String(at).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// Values of the characters in odd positions (1st, 3rd, …) for the check character.
const ODD = {
  0: 1, 1: 0, 2: 5, 3: 7, 4: 9, 5: 13, 6: 15, 7: 17, 8: 19, 9: 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};

/** The codice fiscale with its check character, from the first 15 characters. */
export function withCheck(first15) {
  let sum = 0;
  [...first15.toUpperCase()].forEach((c, i) => {
    sum += i % 2 === 0 ? ODD[c] : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 65;
  });
  return first15.toUpperCase() + String.fromCharCode(65 + (sum % 26));
}

/** A random, well-formed codice fiscale (a woman born in Milan in 1990). */
export function randomCodiceFiscale() {
  const letters = 'BCDFGHLMNPRSTVZ';
  const pick = () => letters[Math.floor(Math.random() * letters.length)];
  const day = 41 + Math.floor(Math.random() * 28);
  return withCheck(`${pick()}${pick()}${pick()}${pick()}${pick()}${pick()}90D${day}F205`);
}

// The identity document on a registration card in the console.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS } from './browser.mjs';

/**
 * Waits until the card shows its identity document (a PDF) and proves it is readable:
 * inline, in the browser's PDF viewer inside the card; or, where the server's
 * Content-Security-Policy refuses blob: frames (no `frame-src blob:`), through the card's
 * "open in a new tab" link, whose tab must show the PDF viewer. Returns 'inline' or
 * 'new tab'; in the second case the browser's CSP console line is expected.
 */
export async function identityDocumentShown(who, card) {
  const { page } = who;
  const frame = card.getByTestId('identity-document');
  const fallback = card.getByText('Il browser non permette di mostrare il PDF in questa pagina');
  await frame.or(fallback).first().waitFor();
  await page.waitForTimeout(1500); // a CSP refusal, if any, arrives after the frame appears
  if (await fallback.isVisible()) {
    console.log('KNOWN API GAP: the CSP of `sportello serve` has no `frame-src blob:`: the PDF opens in a new tab, not inline');
    who.allow(/Framing 'blob:/);
    const [tab] = await Promise.all([
      who.context.waitForEvent('page'),
      card.getByRole('link', { name: 'Apri il documento in una nuova scheda' }).click(),
    ]);
    await tab.waitForLoadState();
    await tab.waitForTimeout(1500);
    assert.ok(tab.url().startsWith('blob:'), tab.url());
    assert.ok(tab.frames().some((f) => f.url().startsWith('chrome-extension://')), 'no PDF viewer in the new tab');
    await tab.screenshot({ path: join(ARTIFACTS, 'identity-document-tab.png') });
    await tab.close();
    return 'new tab';
  }
  const box = await frame.boundingBox();
  assert.ok(box && box.height > 200 && box.width > 200, `document frame too small: ${JSON.stringify(box)}`);
  const src = await frame.getAttribute('src');
  const viewer = page.frames().find((f) => f.url() === src);
  assert.ok(viewer, 'the document frame did not load');
  assert.ok(viewer.childFrames().some((f) => f.url().startsWith('chrome-extension://')), 'no PDF viewer in the frame');
  return 'inline';
}

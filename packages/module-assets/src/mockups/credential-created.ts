import type { Mockup } from '../schemas.ts';
import { credentialsPage } from './credentials-page.ts';
import {
  button,
  buttonWidth,
  COLOR,
  callout,
  group,
  highlight,
  input,
  modal,
  svgDocument,
  text,
} from './kit.ts';

const WIDTH = 960;
const HEIGHT = 560;
const DIALOG = { x: 170, y: 70, width: 580, height: 420 };
const FIELD_X = DIALOG.x + 24;
const FIELD_WIDTH = DIALOG.width - 48 - buttonWidth('Copy') - 10;
const COPY_X = FIELD_X + FIELD_WIDTH + 10;
const NOTE_X = DIALOG.x + DIALOG.width + 22;

// Obviously fake values of the real length (32 characters), so the picture shows what to expect.
export const EXAMPLE_IDENTIFIER = 'q7LpEXAMPLEidentifierVb9Tn4Rk8Ws';
export const EXAMPLE_SECRET = 'Zx3mEXAMPLEsecretNotRealHd6Jf1Cy';

function valueRow(name: string, label: string, value: string, y: number): string {
  return group(
    { 'data-field': name },
    text(FIELD_X, y, label, { weight: '600' }) +
      input(FIELD_X, y + 10, FIELD_WIDTH, value, { mono: true }) +
      button(COPY_X, y + 9, 'Copy'),
  );
}

const identifierY = DIALOG.y + 116;
const secretY = DIALOG.y + 186;

const dialog = [
  text(FIELD_X, DIALOG.y + 82, 'The API credential has been generated.', { fill: COLOR.muted }),
  valueRow('identifier', 'Identifier', EXAMPLE_IDENTIFIER, identifierY),
  highlight({
    name: 'secret',
    x: FIELD_X - 6,
    y: secretY - 18,
    width: DIALOG.width - 36,
    height: 60,
    step: 1,
    content: valueRow('secret', 'Secret', EXAMPLE_SECRET, secretY),
    note: { x: NOTE_X, y: secretY, lines: ['Copy it now:', 'it is shown', 'only once'] },
  }),
  group(
    { 'data-callout': 'copy-now' },
    callout(FIELD_X, secretY + 66, DIALOG.width - 48, [
      'Copy the secret now. WHMCS shows it only this once.',
      'Paste it into the bridge’s configuration with no space',
      'or line break before or after it.',
    ]),
  ),
  button(DIALOG.x + DIALOG.width - 20 - buttonWidth('Close'), DIALOG.y + DIALOG.height - 50, 'Close'),
].join('');

/** The dialog WHMCS shows once, right after Generate, with the identifier and the secret. */
export const credentialCreatedMockup: Mockup = {
  title: 'The new credential: identifier and secret, shown once',
  svg: svgDocument({
    id: 'credential-created',
    title: 'WHMCS dialog showing the new API credential’s identifier and secret',
    description:
      'The dialog after Generate shows the identifier and the secret, each with a Copy button. The secret is marked 1, and a note says to copy it now because WHMCS shows it only once, with no spaces or line breaks around it.',
    width: WIDTH,
    height: HEIGHT,
    content:
      credentialsPage(WIDTH) +
      modal({
        pageWidth: WIDTH,
        pageHeight: HEIGHT,
        ...DIALOG,
        title: 'API Credential Generated',
        content: dialog,
      }),
  }),
};

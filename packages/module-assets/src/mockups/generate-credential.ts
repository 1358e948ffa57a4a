import type { Mockup } from '../schemas.ts';
import { credentialsPage } from './credentials-page.ts';
import {
  box,
  button,
  buttonWidth,
  COLOR,
  group,
  highlight,
  input,
  lines,
  modal,
  select,
  svgDocument,
  text,
} from './kit.ts';

const WIDTH = 960;
const HEIGHT = 600;
const DIALOG = { x: 200, y: 70, width: 520, height: 460 };
const FIELD_X = DIALOG.x + 24;
const FIELD_WIDTH = DIALOG.width - 48;
const NOTE_X = DIALOG.x + DIALOG.width + 22;

const ROLE = 'Forecaster: read invoices';
const ROLE_OPTIONS = [ROLE, 'Reporting: read clients', 'Full access (legacy)'];

const rolesY = DIALOG.y + 232;
const roleList = [
  box(FIELD_X, rolesY, FIELD_WIDTH, 84, { fill: '#ffffff', stroke: '#bfc8d3', radius: 3 }),
  ...ROLE_OPTIONS.map((option, index) => {
    const selected = option === ROLE;
    const y = rolesY + 4 + index * 25;
    return group(
      { 'data-role-option': option, 'data-selected': selected },
      (selected ? box(FIELD_X + 3, y, FIELD_WIDTH - 6, 24, { fill: COLOR.selected, radius: 2 }) : '') +
        text(FIELD_X + 10, y + 17, option, { fill: selected ? '#ffffff' : COLOR.text }),
    );
  }),
].join('');

const footerY = DIALOG.y + DIALOG.height - 50;
const generateX = DIALOG.x + DIALOG.width - 20 - buttonWidth('Generate');

const dialog = [
  text(FIELD_X, DIALOG.y + 82, 'Admin User', { weight: '600' }),
  highlight({
    name: 'admin-user',
    x: FIELD_X,
    y: DIALOG.y + 92,
    width: FIELD_WIDTH,
    height: 28,
    step: 1,
    content: select(FIELD_X, DIALOG.y + 92, FIELD_WIDTH, 'forecaster-bridge (Forecaster Bridge)'),
    note: { x: NOTE_X, y: DIALOG.y + 86, lines: ['The bridge’s own', 'administrator'] },
  }),
  text(FIELD_X, DIALOG.y + 150, 'Description', { weight: '600' }),
  input(FIELD_X, DIALOG.y + 160, FIELD_WIDTH, 'Forecaster Bridge on module-01, 2025-06'),
  text(FIELD_X, DIALOG.y + 220, 'API Role(s)', { weight: '600' }),
  highlight({
    name: 'api-roles',
    x: FIELD_X,
    y: rolesY,
    width: FIELD_WIDTH,
    height: 84,
    step: 2,
    content: roleList,
    note: { x: NOTE_X, y: rolesY + 4, lines: ['Only the', 'GetInvoices role:', 'no Ctrl+click'] },
  }),
  lines(
    FIELD_X,
    rolesY + 108,
    [
      'Select the API Role(s) this credential set is assigned to. You may',
      'select more than one using Ctrl + Click.',
    ],
    { size: 12, fill: COLOR.muted },
  ),
  `<line x1="${DIALOG.x}" y1="${footerY - 14}" x2="${DIALOG.x + DIALOG.width}" y2="${footerY - 14}" stroke="${COLOR.border}"/>`,
  button(generateX - 12 - buttonWidth('Close'), footerY, 'Close'),
  highlight({
    name: 'generate',
    x: generateX,
    y: footerY,
    width: buttonWidth('Generate'),
    height: 30,
    step: 3,
    content: button(generateX, footerY, 'Generate', 'primary'),
    note: { x: NOTE_X, y: footerY, lines: ['Then Generate'] },
  }),
].join('');

/** The Generate New API Credential dialog with the bridge's administrator and role chosen. */
export const generateCredentialMockup: Mockup = {
  title: 'Generate New API Credential: the bridge’s administrator and its one role',
  svg: svgDocument({
    id: 'generate-credential',
    title: 'WHMCS Generate New API Credential dialog filled in for the Forecaster Bridge',
    description:
      'Admin User is forecaster-bridge (marked 1). The description names the module server and the month. In the API Role(s) list only Forecaster: read invoices is selected (marked 2). The Generate button is marked 3.',
    width: WIDTH,
    height: HEIGHT,
    content:
      credentialsPage(WIDTH) +
      modal({
        pageWidth: WIDTH,
        pageHeight: HEIGHT,
        ...DIALOG,
        title: 'Generate New API Credential',
        content: dialog,
      }),
  }),
};

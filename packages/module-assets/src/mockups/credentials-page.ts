import { adminFrame, box, button, COLOR, panel, tabs, text } from './kit.ts';

const COLUMNS = [
  { label: 'Admin User', x: 40 },
  { label: 'Identifier', x: 210 },
  { label: 'Description', x: 440 },
  { label: 'API Roles', x: 700 },
];

/** The API Credentials tab, drawn behind the credential dialogs. */
export function credentialsPage(width: number): string {
  const tableY = 210;
  return [
    adminFrame(
      width,
      ['System Settings', 'Manage API Credentials', 'API Credentials'],
      'Manage API Credentials',
    ),
    tabs(32, 124, ['API Credentials', 'API Roles'], 'API Credentials'),
    panel(24, 156, width - 48, 220),
    button(40, 170, '+ Generate New API Credential', 'primary'),
    box(25, tableY, width - 50, 32, { fill: COLOR.label }),
    ...COLUMNS.map((column) => text(column.x, tableY + 21, column.label, { weight: '600' })),
    text(40, tableY + 58, 'reporting-bot', { fill: COLOR.muted }),
    text(210, tableY + 58, 'X2b9EXAMPLE…', { fill: COLOR.muted, mono: true }),
    text(440, tableY + 58, 'Monthly reporting export', { fill: COLOR.muted }),
    text(700, tableY + 58, 'Reporting: read clients', { fill: COLOR.muted }),
  ].join('');
}

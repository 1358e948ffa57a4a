import type { Mockup } from '../schemas.ts';
import {
  adminFrame,
  button,
  buttonWidth,
  checkbox,
  fieldRow,
  highlight,
  input,
  panel,
  ROW_HEIGHT,
  select,
  svgDocument,
} from './kit.ts';

const WIDTH = 960;
const HEIGHT = 710;
const FORM_X = 24;
const FORM_WIDTH = 912;
const LABEL_WIDTH = 230;
const CONTROL_X = FORM_X + LABEL_WIDTH + 14;
const CONTROL_WIDTH = 360;
const NOTE_X = CONTROL_X + CONTROL_WIDTH + 26;
const TOP = 132;

function rowY(index: number): number {
  return TOP + 10 + index * ROW_HEIGHT;
}

function controlY(index: number): number {
  return rowY(index) + 5;
}

type Row = { label: string; control: (y: number) => string };

const rows: Row[] = [
  { label: 'Administrator Role', control: (y) => select(CONTROL_X, y, CONTROL_WIDTH, 'Support Operator') },
  { label: 'First Name', control: (y) => input(CONTROL_X, y, CONTROL_WIDTH, 'Forecaster') },
  { label: 'Last Name', control: (y) => input(CONTROL_X, y, CONTROL_WIDTH, 'Bridge') },
  {
    label: 'Email Address',
    control: (y) => input(CONTROL_X, y, CONTROL_WIDTH, 'billing-systems@example.com'),
  },
  { label: 'Username', control: (y) => input(CONTROL_X, y, CONTROL_WIDTH, 'forecaster-bridge') },
  { label: 'Password', control: (y) => input(CONTROL_X, y, CONTROL_WIDTH, '•'.repeat(28)) },
  { label: 'Confirm Password', control: (y) => input(CONTROL_X, y, CONTROL_WIDTH, '•'.repeat(28)) },
  {
    label: 'Assigned Departments',
    control: (y) => checkbox(CONTROL_X, y + 6, 'General Enquiries', { checked: false }),
  },
  { label: 'Support Ticket Signature', control: (y) => input(CONTROL_X, y, CONTROL_WIDTH, '') },
  {
    label: 'Private Notes',
    control: (y) => input(CONTROL_X, y, CONTROL_WIDTH, 'Forecaster Bridge on module-01. Owner: billing'),
  },
  { label: 'Template', control: (y) => select(CONTROL_X, y, CONTROL_WIDTH, 'Blend') },
  { label: 'Language', control: (y) => select(CONTROL_X, y, CONTROL_WIDTH, 'English') },
  {
    label: 'Disable',
    control: (y) =>
      checkbox(CONTROL_X, y + 6, 'Tick this box to deactivate this account', {
        checked: false,
        data: { 'data-field': 'disable' },
      }),
  },
];

const ROLE_ROW = 0;
const PASSWORD_ROW = 5;
const DISABLE_ROW = rows.length - 1;

const form = rows
  .map((row, index) => {
    const control = row.control(controlY(index));
    const marked =
      index === ROLE_ROW
        ? highlight({
            name: 'administrator-role',
            x: CONTROL_X,
            y: controlY(index),
            width: CONTROL_WIDTH,
            height: 28,
            step: 1,
            content: control,
            note: {
              x: NOTE_X,
              y: controlY(index) - 4,
              lines: ['Choose Support Operator:', 'the most limited role'],
            },
          })
        : control;
    return fieldRow({
      x: FORM_X + 1,
      y: rowY(index),
      width: FORM_WIDTH - 2,
      labelWidth: LABEL_WIDTH,
      label: row.label,
      control: marked,
    });
  })
  .join('');

const notes = [
  highlight({
    name: 'password',
    x: CONTROL_X,
    y: controlY(PASSWORD_ROW),
    width: CONTROL_WIDTH,
    height: 28 + ROW_HEIGHT,
    step: 2,
    content: '',
    note: {
      x: NOTE_X,
      y: controlY(PASSWORD_ROW) + 10,
      lines: ['Long and random, from a', 'password manager'],
    },
  }),
  highlight({
    name: 'disable',
    x: CONTROL_X,
    y: controlY(DISABLE_ROW) + 2,
    width: 300,
    height: 24,
    step: 3,
    content: '',
    note: { x: NOTE_X, y: controlY(DISABLE_ROW) - 2, lines: ['Leave unticked'] },
  }),
].join('');

const buttonsY = rowY(rows.length) + 20;

const content = [
  adminFrame(
    WIDTH,
    ['System Settings', 'Administrator Users', 'Add New Administrator'],
    'Administrator Users',
  ),
  panel(FORM_X, TOP, FORM_WIDTH, rows.length * ROW_HEIGHT + 20),
  form,
  notes,
  button(WIDTH / 2 - buttonWidth('Save Changes') - 6, buttonsY, 'Save Changes', 'primary'),
  button(WIDTH / 2 + 6, buttonsY, 'Cancel Changes'),
].join('');

/** System Settings > Administrator Users > Add New Administrator, filled in for the bridge. */
export const addAdminUserMockup: Mockup = {
  title: 'Add New Administrator: the bridge’s own account, role Support Operator',
  svg: svgDocument({
    id: 'add-admin-user',
    title: 'WHMCS Add New Administrator form filled in for the Forecaster Bridge',
    description:
      'Administrator Role is set to Support Operator (marked 1). The name is Forecaster Bridge, the email a team mailbox, the username forecaster-bridge, the password long and random (marked 2), no department is assigned, and the Disable box is left unticked (marked 3).',
    width: WIDTH,
    height: HEIGHT,
    content,
  }),
};

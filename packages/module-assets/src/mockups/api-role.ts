import type { Mockup } from '../schemas.ts';
import {
  adminFrame,
  box,
  button,
  COLOR,
  checkbox,
  fieldRow,
  group,
  highlight,
  input,
  panel,
  svgDocument,
  tabs,
  text,
} from './kit.ts';

/**
 * The actions WHMCS lists under Billing in the API role form, in its alphabetical order. The first
 * setup guide showed fourteen of them; the rest are there on WHMCS 8.
 */
export const BILLING_API_ACTIONS = [
  'AcceptQuote',
  'AddBillableItem',
  'AddCredit',
  'AddInvoicePayment',
  'AddPayMethod',
  'AddTransaction',
  'ApplyCredit',
  'CapturePayment',
  'CreateInvoice',
  'CreateQuote',
  'DeletePayMethod',
  'DeleteQuote',
  'GenInvoices',
  'GetCredits',
  'GetInvoice',
  'GetInvoices',
  'GetPayMethods',
  'GetQuotes',
  'GetTransactions',
  'SendQuote',
  'UpdateInvoice',
  'UpdatePayMethod',
  'UpdateQuote',
  'UpdateTransaction',
] as const;

/** The categories of API actions, as the role form lists them. */
export const API_ACTION_CATEGORIES = [
  'Addons',
  'Affiliates',
  'Authentication',
  'Billing',
  'Client',
  'Domains',
  'Module',
  'Orders',
  'Products',
  'Project Management',
  'Servers',
  'Service',
] as const;

const ALLOWED = 'GetInvoices';
const WIDTH = 960;
const HEIGHT = 790;
const PANEL_X = 24;
const PANEL_WIDTH = 912;
const LABEL_WIDTH = 190;
const CONTROL_X = PANEL_X + LABEL_WIDTH + 14;
const TABS_Y = 124;
const PANEL_Y = TABS_Y + 32;
const ACTIONS_Y = PANEL_Y + 112;
const LINE = 30;
const CATEGORY_X = CONTROL_X;
const CATEGORY_WIDTH = 170;
const GRID_X = CATEGORY_X + CATEGORY_WIDTH + 24;
const COLUMN_WIDTH = 180;

const categories = API_ACTION_CATEGORIES.map((category, index) => {
  const y = ACTIONS_Y + 34 + index * LINE;
  const active = category === 'Billing';
  return group(
    { 'data-category': category, 'data-active': active },
    (active ? box(CATEGORY_X, y - 19, CATEGORY_WIDTH, 27, { fill: COLOR.selected, radius: 3 }) : '') +
      text(CATEGORY_X + 12, y, category, {
        size: 13,
        fill: active ? '#ffffff' : COLOR.primary,
        weight: active ? 'bold' : 'normal',
      }),
  );
}).join('');

const rowsPerColumn = Math.ceil(BILLING_API_ACTIONS.length / 2);
const actions = BILLING_API_ACTIONS.map((action, index) => {
  // Two columns filled row by row, as WHMCS lays them out.
  const x = GRID_X + (index % 2) * COLUMN_WIDTH;
  const y = ACTIONS_Y + 56 + Math.floor(index / 2) * LINE;
  const control = checkbox(x, y - 13, action, {
    checked: action === ALLOWED,
    data: { 'data-action': action },
  });
  if (action !== ALLOWED) return control;
  return highlight({
    name: 'get-invoices',
    x: x - 4,
    y: y - 17,
    width: 124,
    height: 24,
    step: 1,
    content: control,
    note: {
      x: GRID_X + 2 * COLUMN_WIDTH + 10,
      y: y - 30,
      lines: ['Tick only', 'GetInvoices.', 'Leave GetInvoice', '(singular) empty.'],
    },
  });
}).join('');

const actionsHeight = 34 + rowsPerColumn * LINE + 40;

const content = [
  adminFrame(WIDTH, ['System Settings', 'Manage API Credentials', 'API Roles'], 'Manage API Credentials'),
  tabs(PANEL_X + 8, TABS_Y, ['API Credentials', 'API Roles'], 'API Roles'),
  panel(PANEL_X, PANEL_Y, PANEL_WIDTH, HEIGHT - PANEL_Y - 20),
  text(PANEL_X + 20, PANEL_Y + 30, 'Create API Role', { size: 16, weight: '600' }),
  fieldRow({
    x: PANEL_X + 1,
    y: PANEL_Y + 44,
    width: PANEL_WIDTH - 2,
    labelWidth: LABEL_WIDTH,
    label: 'Role Name',
    control: input(CONTROL_X, PANEL_Y + 49, 360, 'Forecaster: read invoices'),
  }),
  fieldRow({
    x: PANEL_X + 1,
    y: PANEL_Y + 82,
    width: PANEL_WIDTH - 2,
    labelWidth: LABEL_WIDTH,
    label: 'Description',
    control: input(CONTROL_X, PANEL_Y + 87, 360, 'Read-only access for the Forecaster Bridge'),
  }),
  fieldRow({
    x: PANEL_X + 1,
    y: ACTIONS_Y + 8,
    width: PANEL_WIDTH - 2,
    labelWidth: LABEL_WIDTH,
    label: 'Allowed API Actions',
    height: actionsHeight,
    control: [
      box(CATEGORY_X - 2, ACTIONS_Y + 12, CATEGORY_WIDTH + 4, API_ACTION_CATEGORIES.length * LINE + 12, {
        fill: '#f8fafc',
        stroke: COLOR.border,
        radius: 3,
      }),
      categories,
      text(GRID_X, ACTIONS_Y + 30, 'Billing', { size: 15, weight: 'bold' }),
      actions,
      button(GRID_X, ACTIONS_Y + 50 + rowsPerColumn * LINE, 'Check All', 'link'),
      button(GRID_X + 90, ACTIONS_Y + 50 + rowsPerColumn * LINE, 'Uncheck All', 'link'),
    ].join(''),
  }),
  button(CONTROL_X, ACTIONS_Y + actionsHeight + 22, 'Save', 'primary'),
].join('');

/** System Settings > Manage API Credentials > API Roles: a role allowing Billing > GetInvoices alone. */
export const apiRoleMockup: Mockup = {
  title: 'Create API Role: only Billing > GetInvoices ticked',
  svg: svgDocument({
    id: 'api-role',
    title: 'WHMCS API role form with only GetInvoices allowed',
    description: `The role Forecaster: read invoices, with the Billing category open. Of its ${BILLING_API_ACTIONS.length} actions, from ${BILLING_API_ACTIONS[0]} to ${BILLING_API_ACTIONS.at(-1)}, only GetInvoices is ticked (marked 1); GetInvoice beside it is not.`,
    width: WIDTH,
    height: HEIGHT,
    content,
  }),
};

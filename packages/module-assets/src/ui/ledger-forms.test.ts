import { describe, expect, it } from 'vitest';
import { COMMITMENT_FIELDS, fieldIssues, formBody, formValues, parseNotice } from './ledger-forms.ts';

describe('the ledger forms', () => {
  it('send empty fields as null where they may be cleared, and leave out the others', () => {
    const values = formValues(COMMITMENT_FIELDS);
    Object.assign(values, {
      title: ' Rack ',
      counterpartyId: 'cp_abcdefgh12',
      currency: 'EUR',
      amount: '1200.50',
      cadence: 'custom',
      intervalMonths: '6',
      startDate: '2026-01-01',
      notice: '3 months',
      notes: ' keep  spaces ',
    });
    expect(formBody(COMMITMENT_FIELDS, values)).toEqual({
      title: 'Rack',
      counterpartyId: 'cp_abcdefgh12',
      currency: 'EUR',
      amount: '1200.50',
      cadence: 'custom',
      intervalMonths: 6,
      startDate: '2026-01-01',
      endDate: null,
      autoRenewMonths: null,
      notice: { value: 3, unit: 'month' },
      indexationPercent: null,
      notes: ' keep  spaces ',
    });
  });

  it('send what it cannot read as typed, for the bridge to name the field', () => {
    const values = {
      ...formValues(COMMITMENT_FIELDS),
      amount: '1,200.00',
      notice: 'soon',
      intervalMonths: 'six',
    };
    const body = formBody(COMMITMENT_FIELDS, values);
    expect(body).toMatchObject({ amount: '1,200.00', notice: 'soon', intervalMonths: 'six' });
  });

  it('round-trip a record into the form', () => {
    const values = formValues(COMMITMENT_FIELDS, {
      title: 'X',
      notice: { value: 90, unit: 'day' },
      endDate: null,
    });
    expect(values).toMatchObject({ title: 'X', notice: '90 day', endDate: '' });
    expect(parseNotice(values.notice!)).toEqual({ value: 90, unit: 'day' });
  });

  it("read the bridge's field problems", () => {
    expect(
      fieldIssues([
        { param: 'body.endDate', message: 'must not be before startDate' },
        { param: 'body.notice.unit', message: 'invalid' },
      ]),
    ).toEqual({ endDate: 'must not be before startDate', notice: 'invalid' });
    expect(fieldIssues(null)).toEqual({});
  });
});
